"""date: the same event placed at different times ("in May" vs "in June"), dates resolved per article."""

from __future__ import annotations

import re

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, rel, same_words
from crosscheck.verdicts.rules.kinds.values import has_figures, mentions, pinned_dates, sources_differ, time_word
from crosscheck.nouns import DateMention, Statement
from crosscheck.statements.dates import periods, same_period
from crosscheck.statements.entities import same_entity


class DateParams(Params):
    # the alignment a pair needs for any date to be compared: an event a subject has once (``once_only``) of one
    # named subject; every other event needs ``min_alignment_event`` (the shipped rules/date/DATE01.yml: the same)
    min_alignment: float = 0.4
    min_alignment_event: float = 0.7
    # events that happen to their subject once: a person is born and dies once, an organisation is founded once,
    # so two dates of it for one named subject conflict however differently the two sentences go on ("Jed Whedon
    # (born July 18, 1974) is an American screenwriter and musician, ..." / "Jed Whedon was born on June 18, 1974")
    once_only: tuple[str, ...] = ("bear", "born", "die", "found")
    granularities: tuple[str, ...] = ("day", "month")
    require_shared_predicate: bool = True
    # a bare year dates the event too ("founded in 1998" / "in 1999"), unless a figure in either statement
    # makes the year the period a figure is measured over ("grew 9.8% in 2020" / "12% in 2019": NUM01's
    # discrepancy, not a date conflict)
    years: bool = True
    # a date read off the page's own date ("on Thursday", "last month") this many days or fewer from the other
    # outlet's date is a contradiction; further, a discrepancy (``read_off_the_page``)
    page_date_days: int = Field(31, ge=0)


def check(pair: Pair, p: DateParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document:
        return []
    # one event: a main verb both statements share, or (``same_anchor``) two dates that hang from one verb
    # ("was released as the sixth single on 20 April 2018" / "Released on April 20, 2017, ... was a single")
    same_anchor = p.require_shared_predicate and not set(a.predicates) & set(b.predicates)
    granularities = p.granularities
    if p.years and "year" not in granularities and not has_figures(a) and not has_figures(b):
        granularities = (*granularities, "year")
    da = [(d, time_word(a, d)) for d in pinned_dates(a, granularities)]
    db = [(d, time_word(b, d)) for d in pinned_dates(b, granularities)]
    if not da or not db:
        return []
    results = [(x, wx, y, wy, fits(x, wx, y, wy)) for x, wx in da for y, wy in db
               if not same_anchor or (x.anchor and x.anchor == y.anchor and x.anchor not in _LIGHT_VERBS)]
    if pair.alignment.score < p.min_alignment_event:  # only an event its subject has once, of one subject
        results = [r for r in results if r[0].anchor == r[2].anchor and r[0].anchor in p.once_only
                   and _one_subject(a, b, r[0].anchor)]
    if not results:
        return []
    # the same date words on both sides ("yesterday", "on Tuesday") agree: the dates differ only because each is
    # read against its own page's publication date, which for a reprint says when it was copied (on the
    # 1,000-article bench corpus such pairs were error-level contradictions between near-identical sentences)
    if any(r is not False for *_, r in results) or any(same_words(x.text, y.text) for x, _, y, _, _ in results):
        return []
    # two dates that fit settle it whatever they date, but only two dates of one event can conflict
    conflicts = [r for r in results if one_event(a, r[0], b, r[2])]
    if not conflicts:
        return []
    x, wx, y, wy, _ = conflicts[0]
    kind = "discrepancy" if sources_differ(a, b) or read_off_the_page(pair, x, y, p.page_date_days) else "contradiction"
    return [Verdict(kind, {"a_value": f"{wx} {x.text} ({x.value})".lstrip(), "b_value": f"{wy} {y.text} ({y.value})".lstrip()},
                    (rel(a, x.start, x.end),), (rel(b, y.start, y.end),), confidence=0.75)]


def _one_subject(a: Statement, b: Statement, verb: str) -> bool:
    """Whether the two statements name one subject of ``verb``: the names its parse gives the verb (who was
    born), else every person, organisation or other name the statement names ("Jed Tucker Whedon (born July 18,
    1974)" gives the apposition's head no role; a name the recogniser leaves unlabelled is a PROPN chunk, as
    "Emily Jordan Osment" is), and some name of one is a name of the other (``same_entity``: "Jed Whedon" / "Jed
    Tucker Whedon"; not "Joss Whedon", his brother)."""
    def subjects(s: Statement) -> set[str]:
        named = {k for pred, _, k in s.roles if pred == verb}
        return named or {e.key for e in s.entities if e.label in _SUBJECT_LABELS and e.key}
    ka, kb = subjects(a), subjects(b)
    return any(same_entity(x, y) for x in ka for y in kb)


_SUBJECT_LABELS = frozenset({"PERSON", "ORG", "PROPN"})


# verbs that date nothing of their own: "is 25 years old as of May", "said on Monday"
_LIGHT_VERBS = frozenset({"be", "have", "do", "say", "tell", "report", "announce", "add"})


# words that date something from the day the page was written: "on Thursday", "11 days ago", "last month"
_RELATIVE = re.compile(r"\b(?:yesterday|today|tonight|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day|last|next|this"
                       r"|ago|earlier|later|recent(?:ly)?|past|coming)\b", re.IGNORECASE)


def read_off_the_page(pair: Pair, x: DateMention, y: DateMention, days: int) -> bool:
    """Whether the two dates are more than ``days`` apart and one of them was read off its page's date ("on
    Thursday" against "Feb. 5"): then the page's date is as likely wrong as either outlet (a reprint, a page dated
    when it was copied), and the editor has a discrepancy to look at, not a contradiction. Two such dates read off
    pages dated within ``days`` of each other ("18 months ago" / "20 months ago") differ in their words: they
    still conflict."""
    if x.value is None or y.value is None or abs((x.value - y.value).days) <= days:
        return False
    rx, ry = bool(_RELATIVE.search(x.text)), bool(_RELATIVE.search(y.text))
    if rx and ry:
        pa, pb = pair.doc_a.published, pair.doc_b.published
        return pa is None or pb is None or abs((pa - pb).days) > days
    return rx or ry


def one_event(a: Statement, x: DateMention, b: Statement, y: DateMention) -> bool:
    """Whether date ``x`` of ``a`` and ``y`` of ``b`` can date one event: not when they hang from different verbs
    and one statement speaks of the other's dated event too ("A scorpion stung a passenger ..., the carrier said
    on Sunday" / "A scorpion stung a woman ... on Saturday": a day of saying against a day of stinging;
    "TechCrunch reported on Monday ..." / "TechCrunch reports ... the service, which it acquired in May"), nor
    when one verb happens at two named places and one statement names the other's place too, so it knows both
    ("They arrived at Camp Edwards on Sept. 11" / "They arrived in the U.S. on Sept. 12 to train at Camp
    Edwards"); two places that never meet ("in Kabul" / "in Afghanistan") may be one event."""
    if x.anchor and x.anchor == y.anchor and x.place and y.place and x.place != y.place \
            and (mentions(b.text, x.place) or mentions(a.text, y.place)):
        return False  # "arrived at Camp Edwards on Sept. 11" / "arrived in the U.S. on Sept. 12 ... at Camp Edwards"
    if not x.anchor or not y.anchor or x.anchor == y.anchor:
        return True
    return x.anchor not in {*b.predicates, *b.lemmas} and y.anchor not in {*a.predicates, *a.lemmas}


def fits(x: DateMention, wx: str, y: DateMention, wy: str) -> bool | None:
    """Whether the two dates can place the event at one time: two dates, the same period; a date and a bound
    ("released in 2006" / "after 2005"), the date on the bound's side; None when that cannot be told (two
    bounds, an unresolved date). Until 2026-12-03 (night) a bound was read as a date ("in 2006" against "after
    2005" was a contradiction)."""
    if not wx and not wy:
        return same_period(x, y)
    if wx and wy:
        return None
    (bound, word), other = ((x, wx), y) if wx else ((y, wy), x)
    both = periods(bound, other)
    if both is None:
        return None
    (bound_start, bound_end), (start, end) = both
    return end > bound_end if word == "after" else start < bound_start


KIND = Kind("date", DateParams, frozenset({"a_value", "b_value"}), check=check,
            description="same event, different date")

"""Comparing normalised figures: which pairs measure the same thing, which agree, how to say them."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crosscheck.nouns import DateMention, Quantity, Statement
from crosscheck.statements.dates import same_period
from crosscheck.statements.lexicon import COUNT_WINDOWS, MARKETS

COMPARABLE_KINDS = frozenset({"money", "percent", "count", "multiplier"})
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_HEDGE_WORDS = {"more_than": "more than", "less_than": "less than", "about": "about", "at_least": "at least",
                "at_most": "at most", "up_to": "up to", "range": "between"}


# people counted by what the sentence says they did: "two women came out" and "three women have accused Cosby"
# count different groups; "2,100 employees" and "less than 2,000 employees", "14 reviews" and "10 reviews" the
# same one, whatever the verbs (measured on VitaminC: leaving out every count's noun lost 16 right contradictions)
_PEOPLE = frozenset("""person people man woman child kid boy girl adult teenager teen student soldier troop officer
resident worker passenger member fan citizen civilian protester demonstrator""".split())


def frame_overlap(a: Quantity, b: Quantity) -> float | None:
    """Overlap coefficient of what the two figures measure; None when either frame is unknown.

    A count's noun is its unit, which ``comparable`` has already matched. For a count of people ("two
    women", "a dozen soldiers") it is left out when both frames say more: what the people did tells the
    groups apart ("a dozen soldiers are participating" / "3 soldiers missing")."""
    if not a.frame or not b.frame:
        return None
    fa, fb = set(a.frame), set(b.frame)
    # the unit as the frame spells it: a count of "people" has the unit "person" (until 2026-12-04 "people" stayed
    # in both frames and "50 people were killed" / "51 people were injured" were one count, 0.5 overlap)
    unit = {a.unit, "people"} if a.unit == "person" else {a.unit}
    if a.kind == "count" and a.unit in _PEOPLE and (fa - unit) and (fb - unit):
        fa, fb = fa - unit, fb - unit
    return len(fa & fb) / min(len(fa), len(fb))


def comparable(a: Quantity, b: Quantity, *, max_ratio: float, min_frame_overlap: float,
               kinds: frozenset[str] = COMPARABLE_KINDS) -> bool:
    """Same kind and unit, within ``max_ratio`` of each other, and not about visibly different things."""
    if a.kind != b.kind or a.kind not in kinds:
        return False
    if a.kind in ("money", "percent") and a.unit != b.unit:
        return False
    if a.kind == "count" and (not a.unit or not _same_unit(a.unit, b.unit)):
        return False
    lo, hi = sorted((abs(a.value), abs(b.value)))
    if lo == 0 or hi / lo > max_ratio:
        return hi == lo
    overlap = frame_overlap(a, b)
    return overlap is None or overlap >= min_frame_overlap


def _same_unit(a: str, b: str) -> bool:
    """One unit: the same lemma, one unit abbreviated or spelt otherwise ("2,525 m" / "2,925 meters"; ``_UNIT_FORMS``),
    or a temperature without its scale against one with it ("30 degrees" / "35 degrees Celsius"); two scales are
    two units ("2 degrees Celsius" / "3.6 degrees Fahrenheit")."""
    return (a == b or _UNIT_FORMS.get(a, a) == _UNIT_FORMS.get(b, b)
            or {a.partition(" ")[0], b.partition(" ")[0]} == {"degree"} and "degree" in (a, b))


# one unit of measure written several ways (abbreviated, or with American spelling): the metre's form
_UNIT_FORMS = {"m": "metre", "meter": "metre", "km": "kilometre", "kilometer": "kilometre", "cm": "centimetre",
               "centimeter": "centimetre", "mm": "millimetre", "millimeter": "millimetre", "ft": "foot", "feet": "foot",
               "lb": "pound", "lbs": "pound", "kg": "kilogram", "kilo": "kilogram", "kilos": "kilogram",
               "liter": "litre", "l": "litre", "mi": "mile", "sq km": "square kilometre", "km2": "square kilometre"}


def compatible(a: Quantity, b: Quantity, tolerance: float = 0.0) -> bool:
    """The intervals the two wordings admit overlap (hedges and rounding included).

    Intervals that only touch meet at a point one of them may exclude: a plain figure's rounding
    interval is half-open ("$1.4 billion" admits 1.35-1.45 and "$1.5 billion" 1.45-1.55: they meet at
    1.45), and "over $99.5 million" excludes 99.5, the top of "$99 million". Read as closed intervals,
    every two figures one last digit apart agreed. Closed bounds still meet there ("at most 5" and "at
    least 5"). An exact figure ("34 cases", "tripled") is a point: it agrees with a bound that admits it
    ("103 reviews" / "under 104 reviews"), not with one that stops there ("34" / "more than 34")."""
    a_lo, a_hi = _widen(a, tolerance)
    b_lo, b_hi = _widen(b, tolerance)
    if not (a_lo <= b_hi and b_lo <= a_hi):
        return False
    eps = 1e-9 * max(abs(a.value), abs(b.value), 1.0)
    lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
    if hi - lo > eps:
        return True
    point = (lo + hi) / 2  # the one value both intervals reach
    return _admits(a, a_lo, a_hi, point, eps) and _admits(b, b_lo, b_hi, point, eps)


def _admits(q: Quantity, lo: float, hi: float, x: float, eps: float) -> bool:
    """Whether the wording of ``q`` (its interval ``lo``-``hi``) admits the value ``x`` that lies in it."""
    if hi - lo <= eps:  # an exact figure: x is the figure
        return True
    if abs(x - lo) <= eps:
        return _closed(q, "low")
    if abs(x - hi) <= eps:
        return _closed(q, "high")
    return True


def _closed(q: Quantity, end: str) -> bool:
    """Whether the wording admits its interval's ``end`` itself (of an interval wider than a point, ``_admits``):
    not a rounding end, not "more/less than"."""
    if not q.hedge:
        return False  # rounding: 40 admits 39.5 <= x < 40.5
    if q.hedge == "more_than":
        return end == "high"
    if q.hedge == "less_than":
        return end == "low"
    return True


def _widen(q: Quantity, tolerance: float) -> tuple[float, float]:
    lo = q.low if math.isfinite(q.low) else -math.inf
    hi = q.high if math.isfinite(q.high) else math.inf
    if not math.isfinite(q.low) and not math.isfinite(q.high):
        lo = hi = q.value
    pad = abs(q.value) * tolerance
    return lo - pad, hi + pad


@dataclass(frozen=True)
class Comparison:
    matches: tuple[tuple[Quantity, Quantity], ...]
    conflicts: tuple[tuple[Quantity, Quantity], ...]


_NOTHING = Comparison((), ())


_DISTANCE_UNITS = frozenset({"mile", "kilometre", "kilometer", "km", "metre", "meter", "foot", "yard", "block"})
# "18 miles south of Fallujah", "six miles away from Baghdad", "1 mile from the border": the place measured from
_MEASURED_FROM = re.compile(r"\s*(?:[a-z]+\s+){0,2}?(?:away\s+)?(?:(?:north|south|east|west|northeast|northwest"
                           r"|southeast|southwest|outside|short|inland|off|offshore)\s+(?:of|from)|from|of)\s+"
                           r"(?:the\s+)?([A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){0,3})")


def measured_from(s: Statement, q: Quantity) -> str:
    """The place a distance is measured from, as written after it ("about 18 miles south of Fallujah":
    "Fallujah"); "" for other figures or when none is named."""
    if q.kind != "count" or q.unit not in _DISTANCE_UNITS:
        return ""
    m = _MEASURED_FROM.match(s.text, max(0, q.end - s.start))
    return m.group(1).lower() if m else ""


# a negation just before a figure: "didn't make $46 million", "did not raise $5 million" (not "did not say how
# it would spend the $5 million": the figure is further than two words from the negation)
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n['\u2019]t|\bnever)\s+(?:[a-z]+\s+){0,2}$", re.I)
# a negated comparison: "not as big as 50 feet", "isn't so large as 53 feet": a bound (under 50 feet), not a figure
_NEGATED_COMPARISON = re.compile(r"(?:\bnot|n['\u2019]t|\bnever)\s+(?:as|so)\s+[a-z]+\s+as\s+$", re.I)


# an age worn as an attribute ("would not be marrying 80-year-old Charles Manson"): the negation is of the verb,
# never of the age, which the sentence takes as given
_ATTRIBUTIVE_AGE = re.compile(r"-(?:year|month|week|day)s?-old\b", re.I)


def negated(s: Statement, q: Quantity) -> bool:
    """Whether the statement denies the figure itself ("Nishikori didn't make $46 million last year but just
    $11 million"); a negation inside the figure's own words ("no more than 5") is its hedge, not this, and an age
    worn as an attribute ("not be marrying 80-year-old Charles Manson") is never denied."""
    if _ATTRIBUTIVE_AGE.match(s.text, q.end - s.start):
        return False
    return _just_before(s, q, _NEGATED_BEFORE)


def negated_comparison(s: Statement, q: Quantity) -> bool:
    """Whether the figure is the far end of a negated comparison ("not as big as 50 feet"): a bound (under 50
    feet), which conflicts only with a figure that reaches it. Until 2026-12-03 (late) it was read as a denied
    figure, and "about 50 feet" against "not as sizeable as 53 feet" was a conflict."""
    return _just_before(s, q, _NEGATED_COMPARISON)


def _just_before(s: Statement, q: Quantity, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` ends right where the figure starts, within the 40 characters before it."""
    start = q.start - s.start
    return start > 0 and bool(pattern.search(s.text[max(0, start - 40):start]))


def compare_quantities(a: Statement, b: Statement, *, tolerance: float, max_ratio: float, min_frame_overlap: float,
                       kinds: frozenset[str] = COMPARABLE_KINDS) -> Comparison:
    """Matching pairs, and conflicting pairs whose figures have no compatible partner on either side.

    Two distances from different named places are different figures ("18 miles south of Fallujah" and
    "1 mile from Baghdad"). A denied figure ("didn't make $46 million") conflicts with the same figure
    and says nothing about another one; a denied bound ("did not raise more than $5 million") is left out."""
    if not a.quantities or not b.quantities:  # most aligned pairs (millions on a big corpus): nothing to pair
        return _NOTHING
    pairs = [(qa, qb) for qa in a.quantities for qb in b.quantities
             if comparable(qa, qb, max_ratio=max_ratio, min_frame_overlap=min_frame_overlap, kinds=kinds)
             and _same_place(measured_from(a, qa), measured_from(b, qb))
             and _same_person(aged(a, qa), aged(b, qb))
             and basis(a, qa) == basis(b, qb)
             and not other_groups(a, qa, b, qb)]
    if not pairs or two_markets(a, b):
        return _NOTHING
    denied = {id(q) for s in (a, b) for q in s.quantities if negated(s, q)}
    bounds = {id(q) for s in (a, b) for q in s.quantities if negated_comparison(s, q)}
    unsaid = {id(q) for s in (a, b) for q in s.quantities if id(q) in denied and q.hedge} | bounds
    # (qa, qb, compatible, one side denied); a denied bound says too little to compare, a negated comparison
    # only that the figure is smaller (below)
    judged = [(qa, qb, compatible(qa, qb, tolerance), (id(qa) in denied) != (id(qb) in denied))
              for qa, qb in pairs if id(qa) not in unsaid and id(qb) not in unsaid]
    matches = _one_to_one([(qa, qb) for qa, qb, same, one_denied in judged if same and not one_denied])
    conflicts = [(qa, qb) for qa, qb, same, one_denied in judged if same and one_denied]  # "didn't make $46m" / "$46m"
    paired_a = {id(qa) for qa, _ in matches + conflicts}
    paired_b = {id(qb) for _, qb in matches + conflicts}
    # a figure the other statement also gives, whatever the words around it, is accounted for: "estimated to fetch
    # $20,000, but sold for $120,000" / "fetched $120,000" disputes no figure
    paired_a |= _echoed(a, b, denied)
    paired_b |= _echoed(b, a, denied)
    conflicts += [(qa, qb) for qa, qb, same, _ in judged
                  if not same and id(qa) not in paired_a | denied and id(qb) not in paired_b | denied]
    if bounds:  # "not as big as 50 feet" against "a 50-foot crab": the figure is not under the bound
        conflicts += [(qa, qb) for qa, qb in pairs if (id(qa) in bounds) != (id(qb) in bounds)
                      and id(qa) not in paired_a | denied and id(qb) not in paired_b | denied
                      and _reaches(qb if id(qa) in bounds else qa, qa if id(qa) in bounds else qb)]
    return Comparison(tuple(matches), tuple(conflicts))


def _one_to_one(matches: list[tuple[Quantity, Quantity]]) -> list[tuple[Quantity, Quantity]]:
    """Each figure matched with one partner at most, the closest pairs first; a figure a statement gives twice
    ("a new 4-inch model ... the 4-inch iPhone 5s") is one figure.

    Why: a rounded figure admits many ("0.5%" admits 0.45-0.55%), and one that stands on both sides must not also
    vouch for a second figure: "touched 0.505%, breaching the 0.5% cap" against "touched 0.503%, breaching the 0.5%
    cap" pairs the caps, and the two yields are left to differ (every figure had a compatible partner before)."""
    def figure(q: Quantity) -> tuple:
        return q.kind, q.unit, q.value, q.hedge

    def gap(m: tuple[Quantity, Quantity]) -> float:
        qa, qb = m
        return abs(qa.value - qb.value) / max(abs(qa.value), abs(qb.value), 1e-12)

    partner_a: dict[tuple, tuple] = {}
    partner_b: dict[tuple, tuple] = {}
    for qa, qb in sorted(matches, key=gap):
        fa, fb = figure(qa), figure(qb)
        if fa not in partner_a and fb not in partner_b:
            partner_a[fa], partner_b[fb] = fb, fa
    return [(qa, qb) for qa, qb in matches if partner_a.get(figure(qa)) == figure(qb)]


# what a figure counts besides its unit: one of several ("$80 million each", "$5 a share", "per year"), or an increment
# ("14 million more people", "an additional 3,000 troops"); neither is the total another statement gives
_EACH_AFTER = re.compile(r"\s*(?:each|apiece|per\s+(?!cent\b)[a-z]+|an?\s+(?:piece|head|share|barrel|gallon|litre|liter"
                         r"|ton|tonne|pound|ounce|kilo|unit|hour|day|night|week|month|year|person|seat|ticket)"
                         r"|the\s+(?:share|barrel|gallon|litre|liter|ton|tonne|ounce))\b", re.I)
_MORE_AFTER = re.compile(r"\s*(?:more|fewer|additional|extra|higher|lower)\b", re.I)
# one word list each, read by the patterns below: nouns and verbs of change, and the hedges between them and a figure
_CHANGE_NOUNS = r"increase|rise|gain|jump|drop|decline|fall|decrease|cut|growth"
_CHANGE_VERB = (r"(?:increas|ris|rose|grow|grew|climb|jump|soar|fall|fell|drop|declin|decreas|gain|los|lost|shrank"
                r"|shrink|surg|plung|slump|tumbl)\w*")
_ROUGHLY = r"(?:(?:about|nearly|almost|some|roughly|around)\s+)?"
# a percentage or a sum named as a change: "a 56.4% increase", "an increase of 38.5%", "by 13 percent"
_CHANGE_AFTER = re.compile(rf"\s*(?:up|down|(?:[a-z-]+\s+){{0,2}}?(?:{_CHANGE_NOUNS}|raise|hike|reduction))\b", re.I)
_CHANGE_OF = re.compile(rf"\b(?:(?:{_CHANGE_NOUNS})[\"'\u201d\u2019]?\s+of|by)\s+{_ROUGHLY}$", re.I)
_MORE_BEFORE = re.compile(rf"\b(?:another|an?\s+(?:additional|extra|further)|{_CHANGE_VERB}\s+by)\s+{_ROUGHLY}$", re.I)
# a percentage or a sum right after a verb of change or "up"/"down" is the change too ("rose 5%", "up 3.5 percent",
# "down 28 cents"); a count or a size is not ("growing up to 5 inches", "grows to ten inches"), nor a share or sum
# after a verb that also takes one as its object ("cut 27 percent of its workforce" is the share let go, as "26% of
# its work force let go" is; "could raise $1.4 billion in fees" collects it)
_CHANGE_BEFORE = re.compile(rf"\b(?:up|down|{_CHANGE_VERB})\s+{_ROUGHLY}$", re.I)


def other_groups(a: Statement, qa: Quantity, b: Statement, qb: Quantity) -> bool:
    """Counts of two differently named groups ("killing 100 ISIS fighters" / "Isis militants beheaded nine Kurdish
    fighters"): told apart where one statement names the other's group elsewhere, so it knows both groups and
    counts another one. Names that never meet ("three US soldiers" / "four American soldiers") may be one group.
    Activity counted over different windows is two measures ("5 million daily active users" / "25 million users")."""
    if set(qa.qualifiers) & COUNT_WINDOWS != set(qb.qualifiers) & COUNT_WINDOWS:
        return True
    names_a, names_b = set(qa.qualifiers) - COUNT_WINDOWS, set(qb.qualifiers) - COUNT_WINDOWS
    if not names_a or not names_b or names_a & names_b:
        return False
    return any(mentions(b.text, w) for w in names_a) or any(mentions(a.text, w) for w in names_b)


_PLACE = r"((?:[A-Z]{2,}|[A-Z][a-z]+)(?:\s[A-Z][a-z]+)?)"  # "Toronto", "Hong Kong", "US": case matters here
_MARKET = re.compile(r"(?i:\b(" + "|".join(sorted((re.escape(m) for m in MARKETS), key=len, reverse=True)) + r")\b)"
                     r"|\b" + _PLACE + r"-listed\b"
                     r"|\b(?i:in)\s+(?i:(?:early|late|afternoon|morning)\s+)?" + _PLACE + r"\s+(?i:trading)\b")


# words that say how or when shares traded, capitalised in a Title Case headline ("Shares Fall In Early Trading")
_WHEN_TRADED = frozenset({"early", "late", "afternoon", "morning", "heavy", "light", "midday", "volatile", "thin",
                          "active", "extended", "premarket", "overnight", "after", "before"})
_NOT_A_PLACE = frozenset({"its", "the", "a", "an", "their", "his", "her", "our", "in", "on", "and", "but"})


def markets(s: Statement) -> frozenset[str]:
    """The stock markets a statement names: an exchange ("Nasdaq", "the Toronto Stock Exchange"), a listing
    ("Toronto-listed shares") or a market's trading ("in early Nasdaq trading")."""
    return _markets_in(s.text)


@functools.lru_cache(maxsize=1 << 14)
def _markets_in(text: str) -> frozenset[str]:
    """``markets`` by text: a statement meets many others, and its text is read once."""
    out = set()
    for m in _MARKET.finditer(text):
        words = (m.group(1) or m.group(2) or m.group(3)).lower().split()
        name = " ".join(words[1:] if len(words) > 1 and words[0] in _NOT_A_PLACE else words)  # "Its Toronto-listed"
        if name not in _WHEN_TRADED:
            out.add(MARKETS.get(name, name))
    return frozenset(out)


def two_markets(a: Statement, b: Statement) -> bool:
    """Whether the two statements tell of two markets, neither naming the other's: "Shares of BlackBerry were up 3.4
    percent at $9.81 in early Nasdaq trading" / "Its Toronto-listed shares were up 3.1 percent at C$12.8" are one
    company's shares on two exchanges, two prices and two moves (two error-level NUM01 alarms on the bench corpus)."""
    ma, mb = markets(a), markets(b)
    return bool(ma and mb) and not (ma & mb)


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` as a whole word or words, whatever the case ("Isis" names "isis")."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE) is not None


def basis(s: Statement, q: Quantity) -> str:
    """"each" for a figure of one of several, "more" for an increment (a change: "14 million more people", "an
    additional 3,000", "rose 5%", "will increase by 15 million"), "" for a total or a level ("rose to 5%"): "$80
    million each in expansion fees" and "could raise $1.4 billion in expansion fees" are different figures, as are
    "Twenty million more people have health insurance" and "27.9 million people lacked coverage"."""
    end, start = q.end - s.start, q.start - s.start
    if _EACH_AFTER.match(s.text, end):
        return "each"
    before = s.text[max(0, start - 25):start]
    if _MORE_AFTER.match(s.text, end) or _MORE_BEFORE.search(before):
        return "more"
    if q.kind in ("percent", "money") and (_CHANGE_BEFORE.search(before) or _CHANGE_OF.search(before)
                                           or _CHANGE_AFTER.match(s.text, end)):
        return "more"
    return ""


def _echoed(s: Statement, other: Statement, denied: set[int]) -> set[int]:
    """The ids of ``s``'s sums of money and percentages that ``other`` gives too, to the digit and neither hedged nor
    denied (a bound such as "$2 billion-plus" would echo every larger sum; counts and ages coincide too often:
    "25-year-old Indira" is not the 25-year-old groom)."""
    return {id(q) for q in s.quantities for o in other.quantities
            if q.kind in ("money", "percent") and (q.kind, q.unit, q.value) == (o.kind, o.unit, o.value)
            and not q.hedge and not o.hedge and id(q) not in denied and id(o) not in denied}


def _reaches(q: Quantity, bound: Quantity) -> bool:
    """Whether the figure ``q`` is at least the far end of a negated comparison ("not as big as 50 feet"), as
    written: "about 50 feet" is not "not as sizeable as 53 feet", "a 50-foot crab" is "not as big as 50 feet"."""
    return q.hedge not in ("less_than", "at_most", "up_to") and q.value >= bound.value


# whose age a figure gives: "the 23-year-old bride Indira" (Indira), "Jugal Kishore, 28," (Jugal Kishore)
_AGE_WORDS = re.compile(r"[\s\u00a0-]*(?:years?|months?)[\s\u00a0-]+old\b")
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*|[^\w\s]")
_PLACE_WORDS = frozenset("in from at of on near to with by".split())  # "a 3-month-old baby in Texas": a place
_AGED_BEFORE = re.compile(r"((?:[A-Z][\w'\u2019-]+\s+){0,2}[A-Z][\w'\u2019-]+),\s*(?:(?:a|an|the)\s+)?$")


def aged(s: Statement, q: Quantity) -> frozenset[str]:
    """The words of the name whose age ``q`` gives, lower case; empty for other figures or when none is named.

    Why: a wedding report gives the groom's age and the bride's ("28-year-old Jugal Kishore was to wed 25-year-old
    Indira"); an outlet giving the bride as 23 contradicts the 25, not the groom's 28. After the age, the first
    run of capitalised words within two lower-case ones, and a second run after at most two more ("the 40-year-old
    British actor Tom Hardy": both runs, so that either name matches), not after a preposition ("the 23-year-old
    bride Indira from Rampur"); and a name and a comma right before it ("Leelah Alcorn, 18 years old", "Iga
    Jasica, a 19-year-old Polish girl")."""
    if not q.unit.startswith(("years old", "months old")):
        return frozenset()
    start, end = q.start - s.start, q.end - s.start
    m = _AGE_WORDS.match(s.text, end)
    words, runs, gap = [w.group(0) for w in _WORD.finditer(s.text, m.end())][:10] if m else [], [], 0
    for w in words:
        if w[0].isupper():
            if gap > 2:
                break
            if gap or not runs:
                runs.append([])
            runs[-1].append(_name_word(w))
            gap = 0
        elif w[0].isalpha() and w.islower() and w not in _PLACE_WORDS and len(runs) < 2:
            gap += 1
        else:
            break
    before = _AGED_BEFORE.search(s.text[max(0, start - 60):start])
    named = frozenset(_name_word(w) for w in before.group(1).split()) if before else frozenset()
    return named | frozenset(w for run in runs[:2] for w in run)


def _name_word(w: str) -> str:
    w = w.lower()
    return w[:-2] if w.endswith(("'s", "\u2019s")) else w


def _same_person(x: frozenset[str], y: frozenset[str]) -> bool:
    return not x or not y or bool(x & y)


def _same_place(x: str, y: str) -> bool:
    return not x or not y or x == y or x.startswith(y + " ") or y.startswith(x + " ")


def has_figures(s: Statement) -> bool:
    """Whether the statement carries a figure other than a bare year."""
    return any(q.kind != "year" for q in s.quantities)


def pinned_dates(s: Statement, granularities: Sequence[str] = ("day", "month")) -> list[DateMention]:
    """The statement's resolved dates at one of ``granularities``: the dates two claims can disagree on."""
    return [d for d in s.dates if d.value is not None and d.granularity in granularities]


def dates_apart(a: Statement, b: Statement) -> bool:
    """Both statements date something to the day or month, and no date of one can be a date of the other."""
    return _apart(pinned_dates(a), pinned_dates(b))


def _apart(da: Sequence[DateMention], db: Sequence[DateMention]) -> bool:
    return bool(da and db) and not any(same_period(x, y) for x in da for y in db)


# "after the 2000 Olympics"; "after the 8th May 1967", whose parse leaves the day out of the date ("May 1967")
_BEFORE_OR_AFTER = re.compile(r"\b(before|prior to|after)(?:\s+the)?(?:\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?)?\s*$",
                              re.IGNORECASE)


def time_word(s: Statement, d: DateMention) -> str:
    """"before" or "after" when the statement places its figure on one side of the date ("fewer than 800
    deaths before April 29"), else "" (at the date: "801 deaths as of April 29")."""
    m = _BEFORE_OR_AFTER.search(s.text, 0, max(0, d.start - s.start))
    if m is None:
        return ""
    return "before" if m.group(1).lower() in ("before", "prior to") else "after"


def times_differ(a: Statement, b: Statement) -> tuple[str, str] | None:
    """The two times, in words, when the statements date their claims to different times: different days or
    months (``dates_apart``), or one the day itself and the other before or after it (a running count:
    "801 deaths as of April 29" and "fewer than 800 before April 29" can both be true). None otherwise."""
    da, db = pinned_dates(a), pinned_dates(b)
    if not da or not db:
        return None
    if _apart(da, db):  # dates_apart, on the dates already read
        return da[0].text, db[0].text
    wa, wb = time_word(a, da[0]), time_word(b, db[0])
    if wa == wb:
        return None
    return " ".join(filter(None, (wa, da[0].text))), " ".join(filter(None, (wb, db[0].text)))


def describe(q: Quantity) -> str:
    """A figure as normalised, in words an editor reads: 'more than 8 million users', 'USD 1.4 billion'."""
    hedge = _HEDGE_WORDS.get(q.hedge, "")
    if q.hedge == "range" and math.isfinite(q.low) and math.isfinite(q.high):
        body = f"{_number(q.low)}-{_number(q.high)}"
        hedge = ""
    else:
        body = _number(q.value)
    if q.kind == "money":
        text = f"{q.unit} {body}".strip()
    elif q.kind == "percent":
        text = f"{body}%" if q.unit in ("%", "") else f"{body} {q.unit}"
    elif q.kind == "multiplier":
        text = f"x{body}"
    else:
        text = f"{body} {_plural(q.unit) if q.value != 1 else q.unit}".strip()
    return f"{hedge} {text}".strip()


_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "foot": "feet",
              "tooth": "teeth", "mouse": "mice", "life": "lives", "wife": "wives", "leaf": "leaves"}
_SAME_IN_PLURAL = frozenset({"people", "staff", "personnel", "equipment", "data", "sheep", "fish", "deer", "police",
                             "cattle", "aircraft", "information", "news", "software", "hardware", "traffic", "mph",
                             "kph", "kwh", "mwh", "gwh", "twh", "sqm", "bpd", "yen", "yuan", "renminbi"})


def _plural(noun: str) -> str:
    """English plural of a unit lemma ('user' -> 'users', 'company' -> 'companies'); units stay as they are."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    head, space, rest = noun.partition(" ")
    if space and head.isalpha():  # "degree fahrenheit" -> "degrees fahrenheit"
        return f"{_plural(head)} {rest}"
    if not noun.isalpha() or not noun.islower() or noun.endswith("s") or len(noun) < 3 or noun in _SAME_IN_PLURAL:
        return noun
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("x", "ch", "sh", "z")):
        return noun + "es"
    return noun + "s"


def _number(value: float) -> str:
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return f"{value / scale:.4g} {word}"
    if abs(value) >= 1000:  # "14,070 cases", never "1.407e+04" (the 4 digits of "g" ran out)
        return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return f"{value:.4g}"


def describe_all(qs: Sequence[Quantity]) -> str:
    return ", ".join(describe(q) for q in qs)


def years(statement: Statement) -> set[int]:
    """The years a statement's figures are pinned to (dates and bare years)."""
    out = {d.value.year for d in statement.dates if d.value is not None and d.granularity in ("day", "month", "year", "quarter")}
    out |= {int(q.value) for q in statement.quantities if q.kind == "year"}
    return out


def sources_differ(a: Statement, b: Statement) -> tuple[str, str] | None:
    """The two named authorities when both statements cite one and they are not the same."""
    if a.attribution is None or b.attribution is None:
        return None
    sa, sb = a.attribution.source, b.attribution.source
    if not sa or not sb or sa in sb or sb in sa:
        return None
    return a.attribution.display, b.attribution.display

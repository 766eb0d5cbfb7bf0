"""Date expressions resolved against each article's publication date.

Why: two articles that both say "yesterday" only agree when they were published on the same
day, and "last year" in a 2013 article is not "last year" in a 2020 one. So every date
expression is resolved to a calendar date *per article* (its ``published`` date) before any
rule compares dates, and the comparison (:func:`same_period`) works on the resolved periods.

A small grammar of our own handles what news text uses most (and what ``dateparser`` gets
wrong: it reads "Q3 2025" as 2025-08-28, "Tuesday" on a Tuesday as a week ago, "1990s" as
1990 seconds ago); ``dateparser`` is the guarded fallback for other numeric and spelled-out
absolute dates ("05/28/2013", "May 28th, 2013 at 10am").

Conventions (what a resolved ``(value, granularity)`` means):

* ``value`` is the first day of the period: 2013-05-01 for "May 2013", 2013-01-01 for "2013".
* ``granularity == "unknown"`` always comes with ``value is None``: durations ("the next six
  years", "in recent months"), ranges, holidays, and weeks ("last week": a week is no
  granularity of ours and pinning it to one day would make false contradictions).
* Quarters *and* half-years have granularity "quarter" (value: first day of the period);
  :func:`same_period` recognises a half-year by its wording and treats it as six months.
* A day or month without a year ("September 10", "in June", "first quarter") takes the
  publication year, or the year before when that would put it more than ~6 months
  (``FORWARD_WINDOW``) after publication. Months use the same rule as days on purpose, so
  "on June 5" and "in June" from one article never land in different years.
* A bare weekday is the most recent such day on or before publication; "last Tuesday" is
  strictly before, "next Tuesday" strictly after, "this Tuesday" in the publication week.
* Without a publication date, relative expressions resolve to ``(None, "unknown")``;
  absolute ones still resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from crosscheck.nouns import DateMention

if TYPE_CHECKING:  # pragma: no cover
    from dateparser.date import DateDataParser

Granularity = Literal["day", "month", "year", "quarter", "unknown"]
Resolved = tuple[dt.date | None, Granularity]

UNKNOWN: Resolved = (None, "unknown")
FORWARD_WINDOW = dt.timedelta(days=183)  # how far after publication a yearless date may lie
MAX_EXPRESSION_CHARS = 120  # longer "expressions" are sentences, not dates
_MIN_YEAR, _MAX_YEAR = 1000, 2999


class _Unresolved(Exception):
    """Raised inside the grammar when an expression needs a publication date it lacks."""


# --------------------------------------------------------------------------- normalisation

_TRANSLATE = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
                            "\u00a0": " ", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"'s$")
_TIME_SUFFIX = re.compile(
    r",?\s+(?:at\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2})(?:\s+[a-z]{2,4})?$")
# a time of day before the date ("9:45 a.m, August 27", "10 p.m. Tuesday"): without it the grammar reads the date
# as it reads "August 27"; with it the expression fell to dateparser, which dated it a year earlier than the same
# words without the time (two reprints of one timeline: "9:40 a.m, August 27" / "9:45 a.m, August 27", 2017 / 2016)
_TIME_PREFIX = re.compile(
    r"^(?:at\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2}|noon|midnight)"
    r"(?:\s+(?:et|est|edt|pt|pst|pdt|ct|cst|cdt|gmt|bst|utc|cet|local time))?,?\s+(?:on\s+)?(?=\S)")
_LEADING = re.compile(
    r"^(?:on|in|from|since|during|at|as of|as early as|starting(?: from| in| on)?|beginning(?: in| on)?"
    r"|effective|for|around|about|circa|approximately|some ?time in|the)\s+")
_MODIFIER = re.compile(
    r"^(?:(?:early|earlier|late|later|mid|middle)(?:\s+(?:in|of))?"
    r"|(?:towards?\s+)?(?:the\s+)?(?:end|beginning|start|middle|close|turn|first days|last days)\s+of)"
    r"(?:\s+|-\s*)")
_OPEN_INTERVAL = re.compile(
    r"^(?:before|after|prior to|ahead of|until|till|til|through|by|no later than|not until|up to"
    r"|within|over|between)\b")


def _normalise(expression: str) -> str:
    """Lower-case, plain-ASCII punctuation, single spaces, no edge punctuation or time of day."""
    s = _SPACES.sub(" ", expression.translate(_TRANSLATE)).strip().lower()
    s = s.strip(" ,;:!?()[]\"")
    s = _POSSESSIVE.sub("", s).rstrip(".")
    s = _TIME_PREFIX.sub("", _TIME_SUFFIX.sub("", s))
    return s.replace("this past ", "last ")


def _strip_context(s: str) -> str:
    """Drop leading prepositions, articles and vague modifiers ("early", "the end of")."""
    while True:
        shorter = _MODIFIER.sub("", _LEADING.sub("", s), count=1)
        if shorter == s:
            return s
        s = shorter


# --------------------------------------------------------------------------- calendar helpers

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_WEEKDAYS = {name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4, "last": 4, "latter": 2, "back": 2, "front": 1}
_RELATIVE = {"this": 0, "current": 0, "the": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}


def _need(published: dt.date | None) -> dt.date:
    """The publication date, or :class:`_Unresolved` when a relative expression has none."""
    if published is None:
        raise _Unresolved
    return published


def _add_months(day: dt.date, months: int) -> dt.date:
    """First day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: dt.date) -> dt.date:
    """First day of the calendar quarter containing ``day``."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _recent(month: int, day: int, published: dt.date | None) -> dt.date:
    """A yearless month/day in the publication year, or the year before when that is too far ahead."""
    pub = _need(published)
    candidate = dt.date(pub.year, month, day)
    if candidate - pub > FORWARD_WINDOW:
        candidate = dt.date(pub.year - 1, month, day)
    return candidate


def _two_digit_year(yy: str) -> int:
    """'13 -> 2013, '95 -> 1995."""
    n = int(yy)
    return 2000 + n if n < 50 else 1900 + n


def _spec_year(m: re.Match[str], published: dt.date | None) -> int | None:
    """The year a match names (2013, '13, FY2013, "last year"), or None when it names none."""
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    if groups.get("yy"):
        return _two_digit_year(groups["yy"])
    if groups.get("fy"):
        fy = groups["fy"]
        return int(fy) if len(fy) == 4 else _two_digit_year(fy)
    if groups.get("rely"):
        return _need(published).year + _RELATIVE[groups["rely"]]
    return None


# --------------------------------------------------------------------------- grammar handlers

def _iso(m: re.Match[str], published: dt.date | None) -> Resolved:
    """2013-05-28, 2013/05/28."""
    return dt.date(int(m["year"]), int(m["m"]), int(m["day"])), "day"


def _day(m: re.Match[str], published: dt.date | None) -> Resolved:
    """May 28, 2013 / 28 May 2013 / September 10 / July 1st last year."""
    month, day = _MONTHS[m["mon"][:3]], int(m["day"])
    year = _spec_year(m, published)
    return (dt.date(year, month, day) if year is not None else _recent(month, day, published)), "day"


def _month(m: re.Match[str], published: dt.date | None) -> Resolved:
    """August 2012 / in May / last May / next June / May this year."""
    month = _MONTHS[m["mon"][:3]]
    year = _spec_year(m, published)
    if year is not None:
        return dt.date(year, month, 1), "month"
    rel = m["rel"]
    if rel is None:
        return _recent(month, 1, published), "month"
    pub = _need(published)
    if rel == "this":
        return dt.date(pub.year, month, 1), "month"
    if rel == "last":
        return dt.date(pub.year if month < pub.month else pub.year - 1, month, 1), "month"
    return dt.date(pub.year if month > pub.month else pub.year + 1, month, 1), "month"


def _year(m: re.Match[str], published: dt.date | None) -> Resolved:
    """2012 / fiscal 2013 / the year 2013 / FY13 (fiscal years read as calendar years)."""
    return dt.date(_spec_year(m, published) or 0, 1, 1), "year"


_DAY_WORDS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "yesterday": -1, "last night": -1, "day before yesterday": -2,
              "tomorrow": 1, "day after tomorrow": 2}


def _day_word(m: re.Match[str], published: dt.date | None) -> Resolved:
    """today / yesterday / last night / tomorrow."""
    return _need(published) + dt.timedelta(days=_DAY_WORDS[m["word"]]), "day"


def _weekday(m: re.Match[str], published: dt.date | None) -> Resolved:
    """(on) Tuesday / last Tuesday / next Tuesday / this Tuesday."""
    pub = _need(published)
    target, today = _WEEKDAYS[m["wd"][:3]], pub.weekday()
    rel = m["rel"]
    if rel in ("last", "past"):
        return pub - dt.timedelta(days=(today - target) % 7 or 7), "day"
    if rel in ("next", "coming"):
        return pub + dt.timedelta(days=(target - today) % 7 or 7), "day"
    if rel == "this":
        return pub + dt.timedelta(days=target - today), "day"
    return pub - dt.timedelta(days=(today - target) % 7), "day"


def _relative_unit(m: re.Match[str], published: dt.date | None) -> Resolved:
    """this/last/next year, month or quarter ("past year" and any week: unknown)."""
    rel, unit = m["rel"], m["unit"]
    if rel == "past" or unit == "week":
        return UNKNOWN
    pub, k = _need(published), _RELATIVE[rel]
    if unit == "year":
        return dt.date(pub.year + k, 1, 1), "year"
    if unit == "month":
        return _add_months(pub, k), "month"
    return _add_months(_quarter_start(pub), 3 * k), "quarter"


def _ago(m: re.Match[str], published: dt.date | None) -> Resolved:
    """three days ago / a year ago (weeks ago: unknown, as with "last week")."""
    n = int(m["n"]) if m["n"].isdigit() else _NUMBER_WORDS[m["n"]]
    pub, unit = _need(published), m["unit"]
    if unit == "day":
        return pub - dt.timedelta(days=n), "day"
    if unit == "month":
        return _add_months(pub, -n), "month"
    if unit == "year":
        return dt.date(pub.year - n, 1, 1), "year"
    return UNKNOWN


def _period_start(first_month: int, m: re.Match[str], published: dt.date | None) -> dt.date:
    """First day of a quarter/half starting in ``first_month`` of the year the match names."""
    year = _spec_year(m, published)
    return dt.date(year, first_month, 1) if year is not None else _recent(first_month, 1, published)


def _quarter(m: re.Match[str], published: dt.date | None) -> Resolved:
    """Q3 2025 / first quarter / first-quarter of last year / 3Q13 / 2025 Q3."""
    groups = m.groupdict()
    q = int(groups["qn"]) if groups.get("qn") else _ORDINALS[groups["qw"]]
    return _period_start(3 * q - 2, m, published), "quarter"


def _half(m: re.Match[str], published: dt.date | None) -> Resolved:
    """the second half of this year / H1 2020 (granularity "quarter", see module docstring)."""
    h = int(m["hn"]) if m["hn"] else _ORDINALS[m["hw"]]
    return _period_start(6 * h - 5, m, published), "quarter"


def _first_months(m: re.Match[str], published: dt.date | None) -> Resolved:
    """the first three months (Q1) / first six months (H1) of a year."""
    return _period_start(1, m, published), "quarter"


_MONTH_NAMES = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MON = rf"(?P<mon>{_MONTH_NAMES})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WD = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_WD_PREFIX = rf"(?:(?:{_WD})\.?,?\s+)?"
_YSPEC = (r"(?:\s*,?\s*(?:of\s+|in\s+)?(?:(?P<year>\d{4})|'(?P<yy>\d{2})"
          r"|(?:fy|fiscal(?:\s+year)?)\s*'?(?P<fy>\d{4}|\d{2})"
          r"|(?:the\s+)?(?P<rely>this|last|next|previous|current|the)\s+(?:fiscal\s+)?year))?")
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

_Handler = Callable[[re.Match[str], dt.date | None], Resolved]
_GRAMMAR: tuple[tuple[re.Pattern[str], _Handler], ...] = tuple((re.compile(p), h) for p, h in (
    (r"(?P<year>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<day>\d{1,2})", _iso),
    (rf"{_WD_PREFIX}{_MON}\s*{_DAY}{_YSPEC}", _day),
    (rf"{_WD_PREFIX}{_DAY}(?:\s+of)?\s*{_MON}{_YSPEC}", _day),
    (rf"(?:(?P<rel>this|last|next)\s+)?{_MON}{_YSPEC}", _month),
    (r"(?:(?:fiscal|calendar)\s+(?:year\s+)?|fy\s*|year\s+)?(?P<year>1[5-9]\d\d|2[01]\d\d)", _year),
    (r"fy\s*'?(?P<yy>\d{2})", _year),
    (rf"(?P<word>today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening)"
     rf"|day before yesterday|day after tomorrow){_PART_OF_DAY}", _day_word),
    (rf"(?:(?P<rel>last|this|next|coming|past)\s+)?(?P<wd>{_WD})\.?{_PART_OF_DAY}", _weekday),
    (r"(?P<rel>this|last|next|previous|current|coming|past)\s+(?P<unit>week|month|year|quarter)", _relative_unit),
    (r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
     r"(?P<unit>day|week|month|year|decade)s?\s+ago", _ago),
    (rf"(?:(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-]+quarter|q(?P<qn>[1-4])){_YSPEC}",
     _quarter),
    (r"(?P<year>\d{4})\s*[-/]?\s*q(?P<qn>[1-4])", _quarter),
    (r"(?P<qn>[1-4])q\s*'?(?P<yy>\d{2})", _quarter),
    (rf"(?:(?P<hw>first|second|1st|2nd|latter|back|front)[\s-]+half|h(?P<hn>[12])){_YSPEC}", _half),
    (rf"first\s+(?:three|3|six|6)\s+months{_YSPEC}", _first_months),
))
_SIX_MONTHS = re.compile(r"\bfirst\s+(?:six|6)\s+months\b", re.I)


# --------------------------------------------------------------------------- dateparser fallback

_FALLBACK_REJECT = re.compile(
    r"\b(?:days|weeks|months|years|decades|centuries|quarters|recent|recently|between|to|and|or|until|since"
    r"|ago|holiday|season|festival)\b|\d0s\b|\d\s*-\s*\d")  # "-": day ranges ("May 28-29")
_DIGIT = re.compile(r"\d")
_HAS_YEAR = re.compile(r"\b\d{4}\b")
_HAS_DATE_SHAPE = re.compile(rf"\b\d{{1,2}}[/.]\d{{1,2}}\b|\b(?:{_MONTH_NAMES})\b")
_FUTURE = re.compile(r"\b(?:next|coming|upcoming|tomorrow|later|from now|hence)\b")
_PERIODS: dict[str, Granularity] = {"day": "day", "time": "day", "month": "month", "year": "year"}
_NO_BASE = dt.datetime(2000, 1, 1)


@lru_cache(maxsize=64)
def _dateparser(base: dt.date | None, prefer: str) -> DateDataParser:
    """A configured ``DateDataParser`` per (publication date, preference); building one is slow."""
    from dateparser.date import DateDataParser

    relative_base = dt.datetime(base.year, base.month, base.day) if base else _NO_BASE
    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": relative_base, "PREFER_DATES_FROM": prefer,
        "STRICT_PARSING": False, "RETURN_AS_TIMEZONE_AWARE": False})


def _fallback(s: str, published: dt.date | None) -> Resolved:
    """``dateparser`` on what the grammar did not take, only where it looks like an absolute date."""
    if not _DIGIT.search(s) or _FALLBACK_REJECT.search(s) or not _HAS_DATE_SHAPE.search(s):
        return UNKNOWN
    if published is None and not _HAS_YEAR.search(s):
        return UNKNOWN
    prefer = "future" if _FUTURE.search(s) else "past"
    data = _dateparser(published, prefer).get_date_data(s)
    granularity = _PERIODS.get(data.period or "")
    if data.date_obj is None or granularity is None or not _MIN_YEAR <= data.date_obj.year <= _MAX_YEAR:
        return UNKNOWN
    value = data.date_obj.date()
    if granularity == "month":
        value = value.replace(day=1)
    elif granularity == "year":
        value = value.replace(month=1, day=1)
    return value, granularity


# --------------------------------------------------------------------------- public API

def resolve_date(expression: str, published: dt.date | None) -> Resolved:
    """Resolve a date expression against the article's publication date: ``(date, granularity)``.

    ``date`` is the first day of the period; ``(None, "unknown")`` for anything that is no
    single resolvable period (see the module docstring). Never raises.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    if not isinstance(expression, str) or (published is not None and not isinstance(published, dt.date)):
        return UNKNOWN
    try:
        return _resolve(expression, published)
    except Exception:  # noqa: BLE001 - the contract is "never raise": bad input is an unknown date
        return UNKNOWN


@lru_cache(maxsize=4096)
def _resolve(expression: str, published: dt.date | None) -> Resolved:
    """The cached body of :func:`resolve_date` (raises on invalid calendar dates)."""
    s = _normalise(expression)
    if not s or len(s) > MAX_EXPRESSION_CHARS or _OPEN_INTERVAL.match(s):
        return UNKNOWN
    s = _strip_context(s)
    for pattern, handler in _GRAMMAR:
        m = pattern.fullmatch(s)
        if m:
            try:
                value, granularity = handler(m, published)
            except _Unresolved:
                return UNKNOWN
            if value is not None and not _MIN_YEAR <= value.year <= _MAX_YEAR:
                return UNKNOWN
            return value, granularity
    return _fallback(s, published)


# finder patterns run on the original (mixed-case) sentence; group "d", when present, is the mention
_F_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_F_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"  # "Jan" alone is a name: needs "." or a number
_F_MONTH = (r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)(?!\w)"
            rf"|{_F_ABBR}\.|{_F_ABBR}(?=\s+\d))")
_F_ORD = r"\d{1,2}(?:st|nd|rd|th)?(?!\w)"
_F_REL_YEAR = r"(?i:(?:this|last|next)\s+year)"
_F_YEAR_TAIL = rf"(?:,?\s+(?:\d{{4}}(?!\w)|{_F_REL_YEAR}(?!\w)))?"
_F_OF_YEAR = r"(?:\s+of\s+(?:\d{4}|(?:this|last|next|the)\s+year))?\b"
_F_PREP = r"(?i:in|since|until|till|during|by|before|after|through|from|of|between|and|or|to|for|as of)"
# after these a year is a year ("in 2012 sales rose"); after the others "from 2012 users" is a count
_F_PREP_YEAR = r"(?i:in|since|until|till|during|by|before|after|through|as of)"
_F_PREP_COUNT = r"(?i:from|of|between|and|or|to|for)"
# ... unless a function word follows ("from 2010 to 2012")
_F_NOT_COUNTED = r"(?!\s+(?!(?:to|and|or|through|until|in|on|at|by|when|the|a|an)\b)[a-z])"
# "May" is also a surname ("by May", "and May"): only prepositions that rarely precede a name
_F_PREP_MAY = r"(?i:in|since|until|till|during|through|from|as of)"
_F_MONTH_NOT_MAY = (r"(?:(?:January|February|March|April|June|July|August|September|October|November|December)(?!\w)"
                    rf"|{_F_ABBR}\.)")
_FINDERS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",
    rf"\b(?:{_F_WEEKDAY},?\s+)?{_F_MONTH}\s+{_F_ORD}{_F_YEAR_TAIL}",
    rf"\b(?:{_F_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_F_MONTH}{_F_YEAR_TAIL}",
    rf"\b{_F_MONTH},?\s+(?:of\s+)?(?:\d{{4}}|{_F_REL_YEAR})(?!\w)",
    rf"(?:\b(?i:early|late|last|next|this)\s+|\b(?i:mid)-\s*){_F_MONTH}",
    rf"\b{_F_PREP}\s+(?P<d>{_F_MONTH_NOT_MAY})",
    rf"\b{_F_PREP_MAY}\s+(?P<d>May)(?!\w)",
    rf"\b{_F_PREP_YEAR}\s+(?P<d>(?:19|20)\d\d)(?![\w%])(?!\s*(?:%|percent|per cent))",
    rf"\b{_F_PREP_COUNT}\s+(?P<d>(?:19|20)\d\d)(?![\w%])(?!\s*(?:%|percent|per cent)){_F_NOT_COUNTED}",
    r"(?:\b(?i:early|late|fiscal|(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s+|\b(?i:mid)-\s*)(?:19|20)\d\d(?!\w)",
    r"\b(?i:(?:(?:earlier|later|early|late)\s+)?(?:this|last|next)\s+(?:year|month|week|quarter))\b",
    r"\b(?i:yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
    rf"(?:\b(?i:last|next|this)\s+)?\b{_F_WEEKDAY}\b",
    rf"\b(?i:(?:the\s+)?(?:first|second|third|fourth|final)[\s-]+quarter){_F_OF_YEAR}",
    r"\bQ[1-4](?:\s+\d{4}|\s*'\d\d)?\b",
    rf"\b(?i:(?:the\s+)?(?:first|second)[\s-]+half){_F_OF_YEAR}",
    r"\bH[12]\s+\d{4}\b",
    r"\b(?i:(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+(?:day|week|month|year)s?\s+ago)\b",
))


def _candidate_spans(text: str) -> list[tuple[int, int]]:
    """Every span any finder pattern matches (the ``d`` group where the pattern has one)."""
    spans = []
    for pattern in _FINDERS:
        for m in pattern.finditer(text):
            group = "d" if "d" in pattern.groupindex else 0
            spans.append(m.span(group))
    return spans


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans, longer ones winning, in text order."""
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def resolve_past(expression: str, published: dt.date | None) -> Resolved:
    """``resolve_date`` for a date that cannot lie after publication ("since Jan. 18", "ever since May 3"): a
    yearless one that the forward window put ahead of the publication date is the year before's."""
    value, granularity = resolve_date(expression, published)
    if value is None or published is None or value <= published or _HAS_YEAR.search(expression):
        return value, granularity
    try:
        return value.replace(year=value.year - 1), granularity
    except ValueError:  # 29 February
        return value.replace(year=value.year - 1, day=28), granularity


def find_dates(text: str, published: dt.date | None, offset: int = 0) -> list[DateMention]:
    """Date expressions in a sentence by regex, resolved; offsets are into ``text`` plus ``offset``.

    The fallback for when spaCy DATE entities are not available: it finds full dates, month
    and year mentions introduced by a preposition or modifier, relative words ("yesterday",
    "last year", "on Tuesday"), quarters, halves and "N years ago".
    """
    mentions = []
    for start, end in _longest_first(_candidate_spans(text)):
        surface = text[start:end]
        value, granularity = resolve_date(surface, published)
        mentions.append(DateMention(offset + start, offset + end, surface, value, granularity))
    return mentions


_HALF = re.compile(r"\bhalf\b|\bh[12]\b", re.I)


def period(m: DateMention) -> tuple[dt.date, dt.date] | None:
    """The half-open date interval a resolved mention denotes, or None when unresolved.

    Raises ValueError or OverflowError for a value at the edge of the calendar."""
    v = m.value
    if v is None or m.granularity == "unknown":
        return None
    if m.granularity == "day":
        return v, v + dt.timedelta(days=1)
    if m.granularity == "month":
        start = v.replace(day=1)
        return start, _add_months(start, 1)
    if m.granularity == "quarter":
        half = _HALF.search(m.text) or _SIX_MONTHS.search(m.text)
        start = dt.date(v.year, 1 if v.month <= 6 else 7, 1) if half else _quarter_start(v)
        return start, _add_months(start, 6 if half else 3)
    start = dt.date(v.year, 1, 1)
    return start, dt.date(v.year + 1, 1, 1)


def same_period(a: DateMention, b: DateMention) -> bool | None:
    """Whether two mentions can denote the same time: their periods overlap.

    That is the comparison at the coarser granularity of the two (a day against a month: is
    the day in that month); None when either mention is unresolved.
    """
    both = periods(a, b)
    if both is None:
        return None
    (start_a, end_a), (start_b, end_b) = both
    return start_a < end_b and start_b < end_a


def periods(a: DateMention, b: DateMention) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """The two mentions' periods (``period``), or None when either cannot be resolved."""
    try:
        pa, pb = period(a), period(b)
    except (ValueError, OverflowError):
        return None
    return None if pa is None or pb is None else (pa, pb)

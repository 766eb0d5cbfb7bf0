"""Date resolution against the publication date: the grammar, the regex finder and same_period."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.nouns import DateMention
from crosscheck.statements.dates import find_dates, resolve_date, resolve_past, same_period

D = dt.date
A = D(2013, 5, 28)  # a Tuesday: the Alibaba/Weibo sample articles
B = D(2013, 9, 10)  # a Tuesday
C = D(2020, 5, 20)  # a Wednesday

resolve_date("05/28/2013", A)  # warm dateparser's language data once, outside any timed example

RESOLVE_CASES = [
    # absolute days
    ("May 28, 2013", A, D(2013, 5, 28), "day"),
    ("28 May 2013", B, D(2013, 5, 28), "day"),
    ("2013-05-28", C, D(2013, 5, 28), "day"),
    ("Tuesday, May 28, 2013", None, D(2013, 5, 28), "day"),
    ("May 28th, 2013 at 10am", A, D(2013, 5, 28), "day"),
    # a time of day before the date: the same year as the date alone (dateparser read it a year earlier)
    ("9:45 a.m, August 27", D(2017, 8, 2), D(2017, 8, 27), "day"),
    ("10 p.m. ET, September 9", B, D(2013, 9, 9), "day"),
    ("noon on Tuesday", B, D(2013, 9, 10), "day"),
    ("9 a.m. Aug. 27", D(2017, 8, 2), D(2017, 8, 27), "day"),
    ("05/28/2013", C, D(2013, 5, 28), "day"),  # dateparser fallback
    ("Sept. 10, 2013", None, D(2013, 9, 10), "day"),
    ("May 28 last year", C, D(2019, 5, 28), "day"),
    # yearless days: the publication year unless that is > ~6 months ahead
    ("September 10", B, D(2013, 9, 10), "day"),
    ("September 9", B, D(2013, 9, 9), "day"),
    ("September 10", A, D(2013, 9, 10), "day"),
    ("December 20", A, D(2012, 12, 20), "day"),
    ("July 1st", A, D(2013, 7, 1), "day"),
    ("from July 1", A, D(2013, 7, 1), "day"),
    ("the 1st of July", C, D(2020, 7, 1), "day"),
    # weekdays: most recent on or before publication
    ("on Tuesday", A, D(2013, 5, 28), "day"),
    ("Tuesday", C, D(2020, 5, 19), "day"),
    ("Wednesday", A, D(2013, 5, 22), "day"),
    ("Wednesday", C, D(2020, 5, 20), "day"),
    ("last Tuesday", B, D(2013, 9, 3), "day"),
    ("next Friday", C, D(2020, 5, 22), "day"),
    ("this Friday", A, D(2013, 5, 31), "day"),
    # day words
    ("yesterday", A, D(2013, 5, 27), "day"),
    ("today", B, B, "day"),
    ("tomorrow", C, D(2020, 5, 21), "day"),
    ("yesterday morning", C, D(2020, 5, 19), "day"),
    ("the day before yesterday", A, D(2013, 5, 26), "day"),
    ("three days ago", B, D(2013, 9, 7), "day"),
    ("last week", A, None, "unknown"),
    ("two weeks ago", A, None, "unknown"),
    # months
    ("in May", A, D(2013, 5, 1), "month"),
    ("in May", B, D(2013, 5, 1), "month"),
    ("in June", C, D(2020, 6, 1), "month"),
    ("in December", A, D(2012, 12, 1), "month"),
    ("early May", C, D(2020, 5, 1), "month"),
    ("last May", A, D(2012, 5, 1), "month"),
    ("next May", B, D(2014, 5, 1), "month"),
    ("August 2012", A, D(2012, 8, 1), "month"),
    ("May of 2013", None, D(2013, 5, 1), "month"),
    ("last month", A, D(2013, 4, 1), "month"),
    ("this month", B, D(2013, 9, 1), "month"),
    ("a month ago", C, D(2020, 4, 1), "month"),
    # years
    ("this year", A, D(2013, 1, 1), "year"),
    ("last year", C, D(2019, 1, 1), "year"),
    ("next year", B, D(2014, 1, 1), "year"),
    ("earlier this year", A, D(2013, 1, 1), "year"),
    ("late last year", C, D(2019, 1, 1), "year"),
    ("2012", A, D(2012, 1, 1), "year"),
    ("in 2020", None, D(2020, 1, 1), "year"),
    ("mid-2013", A, D(2013, 1, 1), "year"),
    ("the end of 2012", A, D(2012, 1, 1), "year"),
    ("fiscal 2013", None, D(2013, 1, 1), "year"),
    ("FY13", None, D(2013, 1, 1), "year"),
    ("a year ago", C, D(2019, 1, 1), "year"),
    ("14 years ago", A, D(1999, 1, 1), "year"),
    # quarters and halves (both granularity "quarter", first day of the period)
    ("Q1", A, D(2013, 1, 1), "quarter"),
    ("Q3 2025", A, D(2025, 7, 1), "quarter"),
    ("Q3 2025", None, D(2025, 7, 1), "quarter"),
    ("first quarter", C, D(2020, 1, 1), "quarter"),
    ("first-quarter", A, D(2013, 1, 1), "quarter"),
    ("the fourth quarter of 2012", A, D(2012, 10, 1), "quarter"),
    ("the third quarter of last year", C, D(2019, 7, 1), "quarter"),
    ("3Q13", None, D(2013, 7, 1), "quarter"),
    ("Q4 of fiscal 2012", None, D(2012, 10, 1), "quarter"),
    ("last quarter", B, D(2013, 4, 1), "quarter"),
    ("the second half of this year", A, D(2013, 7, 1), "quarter"),
    ("the first half of 2020", A, D(2020, 1, 1), "quarter"),
    ("H2 2013", None, D(2013, 7, 1), "quarter"),
    ("the first six months of the year", C, D(2020, 1, 1), "quarter"),
    # unresolvable: durations, ranges, holidays, open intervals, noise
    ("in recent months", A, None, "unknown"),
    ("National Day holiday", B, None, "unknown"),
    ("the next six years", C, None, "unknown"),
    ("the past year", A, None, "unknown"),
    ("the 1990s", A, None, "unknown"),
    ("2010 to 2012", A, None, "unknown"),
    ("May 28-29, 2013", A, None, "unknown"),
    ("before May 28", A, None, "unknown"),
    ("the 5th", A, None, "unknown"),
    ("", A, None, "unknown"),
    ("February 30, 2013", A, None, "unknown"),
    ("3000", A, None, "unknown"),
    # no publication date: relative -> unknown, absolute still resolves
    ("yesterday", None, None, "unknown"),
    ("last year", None, None, "unknown"),
    ("September 10", None, None, "unknown"),
    ("on Tuesday", None, None, "unknown"),
    ("first quarter", None, None, "unknown"),
    ("May 28, 2013", None, D(2013, 5, 28), "day"),
    ("2012", None, D(2012, 1, 1), "year"),
]


@pytest.mark.parametrize(("expression", "published", "value", "granularity"), RESOLVE_CASES)
def test_resolve_date(expression: str, published: dt.date | None, value: dt.date | None, granularity: str) -> None:
    assert resolve_date(expression, published) == (value, granularity)


def test_resolve_date_accepts_a_datetime_as_published() -> None:
    assert resolve_date("yesterday", dt.datetime(2013, 5, 28, 15, 30)) == (D(2013, 5, 27), "day")


def test_yesterday_in_two_articles_compares_by_publication_date() -> None:
    a = DateMention(0, 9, "yesterday", *resolve_date("yesterday", A))
    b = DateMention(0, 9, "yesterday", *resolve_date("yesterday", D(2013, 5, 29)))
    c = DateMention(0, 5, "today", *resolve_date("today", D(2013, 5, 27)))
    assert same_period(a, b) is False
    assert same_period(a, c) is True


FIND_CASES = [
    ("Alibaba bought an 18% stake in Weibo in April and said on Tuesday it may raise it.", A,
     [("April", D(2013, 4, 1), "month"), ("Tuesday", D(2013, 5, 28), "day")]),
    ("The deal, announced May 28, 2013, follows talks that began in May 2012 and earlier this year.", A,
     [("May 28, 2013", D(2013, 5, 28), "day"), ("May 2012", D(2012, 5, 1), "month"),
      ("earlier this year", D(2013, 1, 1), "year")]),
    ("Revenue in the first quarter of 2013 rose; Q3 2025 guidance and the second half of this year.", C,
     [("the first quarter of 2013", D(2013, 1, 1), "quarter"), ("Q3 2025", D(2025, 7, 1), "quarter"),
      ("the second half of this year", D(2020, 7, 1), "quarter")]),
    ("Prime Minister Theresa May said by May the plan would be ready, and it may rain.", C, []),
    ("Tencent said yesterday that since 2010 it had grown, up from 2012 users.", B,
     [("yesterday", D(2013, 9, 9), "day"), ("2010", D(2010, 1, 1), "year")]),
    ("It was founded 14 years ago, on 28 May 1999, and listed last year.", A,
     [("14 years ago", D(1999, 1, 1), "year"), ("28 May 1999", D(1999, 5, 28), "day"),
      ("last year", D(2012, 1, 1), "year")]),
    ("From July 1, the rules change; in mid-2013 and at the end of 2012 prices fell.", A,
     [("July 1", D(2013, 7, 1), "day"), ("mid-2013", D(2013, 1, 1), "year"),
      ("the end of 2012", D(2012, 1, 1), "year")]),
    ("Sales rose 2013 percent in a year with 45 new stores.", A, []),
    ("He arrived last week, see 2013-05-20.", None,
     [("last week", None, "unknown"), ("2013-05-20", D(2013, 5, 20), "day")]),
]


@pytest.mark.parametrize(("text", "published", "expected"), FIND_CASES)
def test_find_dates(text: str, published: dt.date | None, expected: list[tuple[str, dt.date | None, str]]) -> None:
    found = find_dates(text, published, offset=7)
    assert [(m.text, m.value, m.granularity) for m in found] == expected
    assert all(text[m.start - 7:m.end - 7] == m.text for m in found)


def _m(expression: str, published: dt.date | None = A) -> DateMention:
    return DateMention(0, len(expression), expression, *resolve_date(expression, published))


SAME_PERIOD_CASES = [
    ("May 28, 2013", "May 2013", True),
    ("May 28, 2013", "in May", True),
    ("May 28, 2013", "May 27, 2013", False),
    ("in May", "in June", False),
    ("2012", "2013", False),
    ("2013", "this year", True),
    ("May 28, 2013", "2013", True),
    ("Q2 2013", "May 2013", True),
    ("Q2 2013", "July 2013", False),
    ("the second half of 2013", "October 2013", True),
    ("the second half of 2013", "the first half of 2013", False),
    ("the first half of 2013", "Q2 2013", True),
    ("last year", "2012", True),
    ("yesterday", "May 27, 2013", True),
]


@pytest.mark.parametrize(("a", "b", "expected"), SAME_PERIOD_CASES)
def test_same_period(a: str, b: str, expected: bool) -> None:
    assert same_period(_m(a), _m(b)) is expected
    assert same_period(_m(b), _m(a)) is expected


def test_same_period_is_none_when_unresolved() -> None:
    assert same_period(_m("in recent months"), _m("2013")) is None
    assert same_period(_m("2013"), _m("yesterday", None)) is None


# ---------------------------------------------------------------------------- properties

_FORMATS = ("%B %d, %Y", "%d %B %Y", "%Y-%m-%d")


@settings(max_examples=200, deadline=None)
@given(st.dates(D(1990, 1, 1), D(2035, 12, 31)), st.sampled_from(_FORMATS),
       st.sampled_from([A, B, C, None]))
def test_absolute_days_round_trip(day: dt.date, fmt: str, published: dt.date | None) -> None:
    assert resolve_date(day.strftime(fmt), published) == (day, "day")


# an explicit alphabet: st.text()'s full-Unicode charmap costs seconds to build on a fresh checkout
_ALPHABET = (string.printable + "\u00a0\u00e9\u00fc\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
             "\u5e74\u6708\u65e5\u0661\u00bd\u0130\ufb01\U0001f600\x00")
_TEXT = st.text(alphabet=_ALPHABET, max_size=60)
_WORDS = ["in", "on", "the", "last", "next", "this", "May", "June", "Tuesday", "2013", "28", "Q3", "first",
          "quarter", "half", "of", "year", "years", "ago", "yesterday", ",", "-", "1st", "'13", "early", "mid-",
          "between", "and", "FY", "12/05", "week", "morning", "at", "10am", "s"]
_DATEISH = st.lists(st.sampled_from(_WORDS), max_size=8).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_TEXT, _DATEISH), st.sampled_from([A, B, C, None]))
def test_resolve_date_never_raises(expression: str, published: dt.date | None) -> None:
    value, granularity = resolve_date(expression, published)
    assert granularity in ("day", "month", "year", "quarter", "unknown")
    assert (value is None) == (granularity == "unknown")


_FRAGMENTS = ["Alibaba said", " on Tuesday", " in May", " May 28, 2013", " last year", " the first quarter of 2013",
              " Q3 2025", " yesterday", " since 2010", " 14 years ago", " 28 May 1999", "\u00e9t\u00e9 ", ".", ",",
              " Theresa May", " H1 2020"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet=_ALPHABET, max_size=8)), max_size=10).map("".join),
       st.integers(0, 10_000), st.sampled_from([A, None]))
def test_find_dates_offsets_slice_back(text: str, offset: int, published: dt.date | None) -> None:
    found = find_dates(text, published, offset=offset)
    for m in found:
        assert text[m.start - offset:m.end - offset] == m.text
        assert m.start < m.end
    assert all(x.end <= y.start for x, y in zip(found, found[1:]))


@pytest.mark.parametrize(("expression", "published", "value"), [
    ("Jan. 18", dt.date(2020, 1, 1), dt.date(2019, 1, 18)),     # ahead of publication: last year's
    ("Dec. 18", dt.date(2020, 1, 1), dt.date(2019, 12, 18)),    # already behind it: unchanged
    ("Feb. 29", dt.date(2020, 2, 1), dt.date(2019, 2, 28)),     # no 29 February the year before
    ("March 2021", dt.date(2020, 1, 1), dt.date(2021, 3, 1)),   # a year named stands
])
def test_a_date_after_since_lies_before_publication(expression: str, published: dt.date, value: dt.date) -> None:
    assert resolve_past(expression, published)[0] == value


def test_since_in_a_sentence_resolves_to_the_past(pipeline) -> None:
    """"the highest level since Jan. 18" in an article of 1 January is last January's 18th; "on Jan. 18" is
    this month's (a yearless day up to six months ahead stays in the publication year)."""
    from crosscheck.nouns import Document

    doc = Document(id="d", path="d.md", title="", outlet="o", published=dt.date(2020, 1, 1), url="",
                   text="Yields reached the highest level since Jan. 18, the bank said. "
                        "The vote will take place on Jan. 18, officials said.")
    since, on = pipeline.statements_of([doc])
    assert [d.value for d in since.dates] == [dt.date(2019, 1, 18)]
    assert [d.value for d in on.dates] == [dt.date(2020, 1, 18)]


def test_a_birth_names_its_subject_by_any_name_the_parse_found():
    """DATE01 compares the dates of a once-only event of one subject: an unlabelled name (a PROPN chunk, as the
    recogniser leaves "Emily Jordan Osment") is a name too; another family member is another subject."""
    from crosscheck.nouns import Entity, Statement
    from crosscheck.verdicts.rules.kinds.date import _one_subject

    def statement(text: str, names: list[tuple[str, str]], roles=()) -> Statement:
        ents = tuple(Entity(text.index(n), text.index(n) + len(n), n, label, n.lower()) for n, label in names)
        return Statement(id="d:0", document="d", index=0, start=0, end=len(text), text=text, entities=ents,
                         roles=tuple(roles))

    apposition = statement("Vinka Oru Delmar (born March 10, 1992) is an actress.", [("Vinka Oru Delmar", "PROPN")])
    clause = statement("Vinka Delmar was born before 1990.", [("Vinka Delmar", "PERSON")],
                       [("bear", "object", "vinka delmar")])
    brother = statement("Anton Delmar was born before 1990.", [("Anton Delmar", "PERSON")],
                        [("bear", "object", "anton delmar")])
    assert _one_subject(apposition, clause, "bear")
    assert not _one_subject(apposition, brother, "bear")

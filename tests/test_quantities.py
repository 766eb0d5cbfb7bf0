"""The number grammar on real news sentences: money, percent, counts, hedges, ranges, years, ordinals."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.statements.quantities import parse_quantities

INF = math.inf

# (sentence, [(surface text, kind, value, unit, hedge), ...]) -- every quantity, in order
CASES: list[tuple[str, list[tuple[str, str, float, str, str]]]] = [
    # --- the sample articles -------------------------------------------------------------------
    ("The Chinese e-commerce market hit $120 billion in 2012",
     [("$120 billion", "money", 1.2e11, "USD", ""), ("2012", "year", 2012, "", "")]),
    ("claims to have the largest user base in China with 8 million users",
     [("8 million", "count", 8e6, "user", "")]),
    ("claims to have more than 8 million registered users",
     [("more than 8 million", "count", 8e6, "user", "more_than")]),
    ("smart TV shipments climbed 27 percent in 2012 to hit 66 million units",
     [("27 percent", "percent", 27, "%", ""), ("2012", "year", 2012, "", ""),
      ("66 million", "count", 6.6e7, "unit", "")]),
    ("China has the highest usage of smart TVs, at 44 percent penetration.",
     [("44 percent", "percent", 44, "%", "")]),
    ("Baidu, confirmed its acquisition of online video provider PPS for $370 million in May.",
     [("$370 million", "money", 3.7e8, "USD", "")]),
    ("with search giant Baidu acquiring video streaming site PPS Net TV for US$370 million",
     [("US$370 million", "money", 3.7e8, "USD", "")]),
    ("In Q1 results released last week, it tripled its net profit to US$669 million ahead of a speculated IPO.",
     [("tripled", "multiplier", 3, "", ""), ("US$669 million", "money", 6.69e8, "USD", "")]),
    ("the market penetration rate of smart TVs has gradually increased in recent months, reaching 46%.",
     [("46%", "percent", 46, "%", "")]),
    ("It is expected that this figure will reach 52% during the National Day holiday.",
     [("52%", "percent", 52, "%", "")]),
    ("Xiaomi TV is still in the testing phase, with only 500 units produced in the first batch",
     [("500", "count", 500, "unit", ""), ("first", "ordinal", 1, "", "")]),
    ("Alibaba Group Holding will invest 10 billion yuan (USD 1.4 billion) this year",
     [("10 billion yuan", "money", 1e10, "CNY", ""), ("USD 1.4 billion", "money", 1.4e9, "USD", "")]),
    ("Chinese e-commerce giant Alibaba will invest RMB10bn (US$1.4bn) this year",
     [("RMB10bn", "money", 1e10, "CNY", ""), ("US$1.4bn", "money", 1.4e9, "USD", "")]),
    ("China saw \u201cexplosive growth\u201d of 110% in shipments of the device last year",
     [("110%", "percent", 110, "%", "")]),
    ("which make up more than 90% of China\u2019s smart speaker market",
     [("more than 90%", "percent", 90, "%", "more_than")]),
    ("Tmall Genie CC10, the latest model which boasts a large 10-inch screen, debuted on Wednesday priced at 549 yuan.",
     [("10", "count", 10, "inch", ""), ("549 yuan", "money", 549, "CNY", "")]),
    ("smart speaker shipments in China are projected to grow 9.8% in 2020",
     [("9.8%", "percent", 9.8, "%", ""), ("2020", "year", 2020, "", "")]),
    ("a vast investment package worth RMB10 trillion (US$1.4 trillion) over the next six years",
     [("RMB10 trillion", "money", 1e13, "CNY", ""), ("US$1.4 trillion", "money", 1.4e12, "USD", ""),
      ("six", "count", 6, "year", "")]),
    ("The new rules apply starting from July 1", []),
    # --- the noun a count counts, behind what modifies it -----------------------------------
    ("there are 735 officially confirmed cases in the region",
     [("735", "count", 735, "case", "")]),
    ("The country has less than 222 coronavirus recoveries.",
     [("less than 222", "count", 222, "recovery", "less_than")]),
    ("In 2012 smartphone sales rose.", [("2012", "year", 2012, "", "")]),
    ("one child dies every minute", [("one", "count", 1, "child", "")]),
    ("the yield on 10-year notes rose", [("10", "count", 10, "year", "")]),
    # --- scales and number formats -------------------------------------------------------------
    ("The population is 1.4 trillion cells", [("1.4 trillion", "count", 1.4e12, "cell", "")]),
    ("The app has 8m users", [("8m", "count", 8e6, "user", "")]),
    ("The app has 8mn subscribers", [("8mn", "count", 8e6, "subscriber", "")]),
    ("It sold 5k copies", [("5k", "count", 5000, "copy", "")]),
    ("They counted 1,234.5 boxes", [("1,234.5", "count", 1234.5, "box", "")]),
    ("It employs 12,000 people", [("12,000", "count", 12000, "person", "")]),
    ("It has eight million users", [("eight million", "count", 8e6, "user", "")]),
    ("The two companies merged", [("two", "count", 2, "company", "")]),
    ("Police arrested a dozen suspects", [("a dozen", "count", 12, "suspect", "")]),
    ("Half a million households lost power", [("Half a million", "count", 5e5, "household", "")]),
    ("The fund raised one hundred and twenty thousand dollars",
     [("one hundred and twenty thousand dollars", "money", 1.2e5, "USD", "")]),
    ("The deal was worth a billion dollars", [("a billion dollars", "money", 1e9, "USD", "")]),
    ("It is one of the largest firms", []),
    ("The split creates one company that sells printers and a second that sells services",
     [("second", "ordinal", 2, "", "")]),
    ("One unit builds PCs; the other sells services", []),
    ("One person died and two were injured", [("One", "count", 1, "person", ""), ("two", "count", 2, "", "")]),
    # --- currencies -----------------------------------------------------------------------------
    ("Tencent paid HK$3.2 billion", [("HK$3.2 billion", "money", 3.2e9, "HKD", "")]),
    ("Grab raised S$500 million", [("S$500 million", "money", 5e8, "SGD", "")]),
    ("The miner earned A$2bn", [("A$2bn", "money", 2e9, "AUD", "")]),
    ("Shopify posted C$1.2 billion in revenue", [("C$1.2 billion", "money", 1.2e9, "CAD", "")]),
    ("The fine was \u20ac4.3bn", [("\u20ac4.3bn", "money", 4.3e9, "EUR", "")]),
    ("It cost 300 million euros", [("300 million euros", "money", 3e8, "EUR", "")]),
    ("Revenue was \u00a35.2m", [("\u00a35.2m", "money", 5.2e6, "GBP", "")]),
    ("They paid 5 million pounds sterling", [("5 million pounds sterling", "money", 5e6, "GBP", "")]),
    ("The parcel weighs 200 pounds", [("200", "count", 200, "pound", "")]),
    ("Sony earned \u00a5500 billion", [("\u00a5500 billion", "money", 5e11, "JPY", "")]),
    ("Chinese shoppers spent \u00a5500 billion", [("\u00a5500 billion", "money", 5e11, "CNY", "")]),
    ("Toyota earned 2 trillion yen", [("2 trillion yen", "money", 2e12, "JPY", "")]),
    ("Samsung invested 5 billion won", [("5 billion won", "money", 5e9, "KRW", "")]),
    ("Reliance spent Rs 500 crore", [("Rs 500 crore", "money", 5e9, "INR", "")]),
    ("The phone costs 20,000 rupees", [("20,000 rupees", "money", 2e4, "INR", "")]),
    ("Alibaba spent Rmb3bn", [("Rmb3bn", "money", 3e9, "CNY", "")]),
    ("Alibaba spent 3 billion renminbi", [("3 billion renminbi", "money", 3e9, "CNY", "")]),
    ("The bonds total CNY 2 billion", [("CNY 2 billion", "money", 2e9, "CNY", "")]),
    ("The loan was 1.4 billion US dollars", [("1.4 billion US dollars", "money", 1.4e9, "USD", "")]),
    ("It was a $1.4-billion deal", [("$1.4-billion", "money", 1.4e9, "USD", "")]),
    ("Sales reached $5B", [("$5B", "money", 5e9, "USD", "")]),
    ("The stock paid 50 cents a share", [("50 cents", "money", 0.5, "USD", "")]),
    # --- percent ----------------------------------------------------------------------------------
    ("GDP is projected to grow 9.8 per cent", [("9.8 per cent", "percent", 9.8, "%", "")]),
    ("Margins widened 3 percentage points", [("3 percentage points", "percent", 3, "pp", "")]),
    ("The bank cut rates by 25 basis points", [("25 basis points", "percent", 0.25, "pp", "")]),
    ("Profit fell -5% on the year", [("-5%", "percent", -5, "%", "")]),
    ("Shares rose 5% to 46%", [("5%", "percent", 5, "%", ""), ("46%", "percent", 46, "%", "")]),
    # --- hedges -------------------------------------------------------------------------------------
    ("about $5 million was stolen", [("about $5 million", "money", 5e6, "USD", "about")]),
    ("around 300 people attended", [("around 300", "count", 300, "person", "about")]),
    ("approximately 40% of users", [("approximately 40%", "percent", 40, "%", "about")]),
    ("some 500 workers", [("some 500", "count", 500, "worker", "about")]),
    ("an estimated 2 million viewers", [("an estimated 2 million", "count", 2e6, "viewer", "about")]),
    ("penetration reached nearly 46%", [("nearly 46%", "percent", 46, "%", "about")]),
    ("almost 60 stores closed", [("almost 60", "count", 60, "store", "about")]),
    ("~5% of the market", [("~5%", "percent", 5, "%", "about")]),
    ("over 90% of China's market", [("over 90%", "percent", 90, "%", "more_than")]),
    ("upwards of 1,000 protesters", [("upwards of 1,000", "count", 1000, "protester", "more_than")]),
    ("in excess of $2 billion", [("in excess of $2 billion", "money", 2e9, "USD", "more_than")]),
    ("less than 10% of sales", [("less than 10%", "percent", 10, "%", "less_than")]),
    ("fewer than 50 employees", [("fewer than 50", "count", 50, "employee", "less_than")]),
    ("under 5% of revenue", [("under 5%", "percent", 5, "%", "less_than")]),
    ("at least 3 people died", [("at least 3", "count", 3, "person", "at_least")]),
    ("up to 40% off", [("up to 40%", "percent", 40, "%", "at_most")]),
    ("no more than 5 phones", [("no more than 5", "count", 5, "phone", "at_most")]),
    ("it has 10,000+ users", [("10,000+", "count", 1e4, "user", "at_least")]),
    ("profit more than doubled", [("more than doubled", "multiplier", 2, "", "more_than")]),
    ("over RMB10bn (US$1.4bn) this year",
     [("over RMB10bn", "money", 1e10, "CNY", "more_than"), ("US$1.4bn", "money", 1.4e9, "USD", "more_than")]),
    # --- ranges -------------------------------------------------------------------------------------
    ("between 5 and 10 million users", [("between 5 and 10 million", "count", 7.5e6, "user", "range")]),
    ("5-10 million users", [("5-10 million", "count", 7.5e6, "user", "range")]),
    ("prices rose 5 to 10 percent", [("5 to 10 percent", "percent", 7.5, "%", "range")]),
    ("a $5-10 million round", [("$5-10 million", "money", 7.5e6, "USD", "range")]),
    ("between 5% and 10% of users", [("between 5% and 10%", "percent", 7.5, "%", "range")]),
    ("it grew from 5 million to 10 million",
     [("5 million", "count", 5e6, "", ""), ("10 million", "count", 1e7, "", "")]),
    # --- multipliers ----------------------------------------------------------------------------------
    ("Sales doubled", [("doubled", "multiplier", 2, "", "")]),
    ("Losses quadrupled", [("quadrupled", "multiplier", 4, "", "")]),
    ("The price was halved", [("halved", "multiplier", 0.5, "", "")]),
    ("a threefold increase", [("threefold", "multiplier", 3, "", "")]),
    ("a 3-fold increase", [("3-fold", "multiplier", 3, "", "")]),
    ("three times as many users", [("three times", "multiplier", 3, "", "")]),
    # --- years, ordinals, dates and names --------------------------------------------------------------
    ("Founded in 1999, the firm", [("1999", "year", 1999, "", "")]),
    ("growth slowed in mid-2020", [("2020", "year", 2020, "", "")]),
    ("the 2019-2020 season", [("2019", "year", 2019, "", ""), ("2020", "year", 2020, "", "")]),
    ("It hired 2000 engineers", [("2000", "count", 2000, "engineer", "")]),
    ("the third-largest vendor", [("third", "ordinal", 3, "", "")]),
    ("it ranked 3rd", [("3rd", "ordinal", 3, "", "")]),
    ("second-quarter revenue rose", []),
    ("sales in the first half", []),
    ("Results for Q3 2025 are due", []),
    ("It will launch on September 9", []),
    ("The event on 1st July", []),
    ("sales in May 2020 were weak", []),
    ("The filing dated 2019-05-01", []),
    ("The meeting starts at 10:30", []),
    ("Call +86 10 1234 5678 for details", []),
    ("the COVID-19 outbreak", []),
    ("The new Xiaomi Mi 9 launched", []),
    # a temperature's scale is its unit
    ("below 2 degrees Celsius, or 3.6 degrees Fahrenheit", [("below 2", "count", 2, "degree celsius", "less_than"),
                                                             ("3.6", "count", 3.6, "degree fahrenheit", "")]),
    ("a target of 1.5 degrees Celsius", [("1.5", "count", 1.5, "degree celsius", "")]),
    ("the 5G network", []),
    ("a 4K TV", []),
    ("Call (555) 123-4567 now", []),
    ("The shop is open 24/7", []),
    ("The train leaves at 3pm", []),
    ("about a third of users", []),
    ("the 2012-13 season", [("2012-13", "year", 2012, "", "")]),
    ("the 1990s boom", []),
    ("The 2012 Olympics", [("2012", "year", 2012, "", "")]),
    ("sold one million two years ago", [("one million", "count", 1e6, "", ""), ("two", "count", 2, "year", "")]),
    # --- more formats ---------------------------------------------------------------------------
    ("It raised US $5 million", [("US $5 million", "money", 5e6, "USD", "")]),
    ("Yields fell to .5%", [(".5%", "percent", 0.5, "%", "")]),
    ("Inflation hit 5pc", [("5pc", "percent", 5, "%", "")]),
    ("a 5.5-10 million budget", [("5.5-10 million", "count", 7.75e6, "budget", "range")]),
    ("2 to 3 billion yuan", [("2 to 3 billion yuan", "money", 2.5e9, "CNY", "range")]),
    # a rough figure as two numbers: "50 or 60"; a far second number is a choice, not a range
    ("I called 50 or 60 doctors", [("50 or 60", "count", 55.0, "doctor", "range")]),
    ("it took two or three days", [("two or three", "count", 2.5, "day", "range")]),
    ("$5 or $6 million", [("$5 or $6 million", "money", 5.5e6, "USD", "range")]),
    ("Sales rose 12% to $5 billion", [("12%", "percent", 12, "%", ""), ("$5 billion", "money", 5e9, "USD", "")]),
    ("Margins nearly tripled", [("nearly tripled", "multiplier", 3, "", "about")]),
    ("The bonus was 1.5bn USD", [("1.5bn USD", "money", 1.5e9, "USD", "")]),
    ("2,000 yuan ($282)", [("2,000 yuan", "money", 2000, "CNY", ""), ("$282", "money", 282, "USD", "")]),
]


def _summary(sentence: str) -> list[tuple[str, str, float, str, str]]:
    return [(q.text, q.kind, q.value, q.unit, q.hedge) for q in parse_quantities(sentence)]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_table(sentence, expected):
    got = _summary(sentence)
    assert [(t, k, u, h) for t, k, _, u, h in got] == [(t, k, u, h) for t, k, _, u, h in expected]
    assert [v for _, _, v, _, _ in got] == pytest.approx([v for _, _, v, _, _ in expected], rel=1e-12)


# (sentence, surface text, low, high): the interval the wording admits
INTERVALS = [
    ("invest USD 1.4 billion", "USD 1.4 billion", 1.35e9, 1.45e9),
    ("8 million users", "8 million", 7.5e6, 8.5e6),
    ("PPS for $370 million", "$370 million", 369.5e6, 370.5e6),
    ("grow 9.8% in 2020", "9.8%", 9.75, 9.85),
    ("in 2012", "2012", 2012, 2012),
    ("more than 8 million users", "more than 8 million", 8e6, INF),
    ("less than 10% of sales", "less than 10%", 0, 10),
    ("about $5 million", "about $5 million", 4.5e6, 5.5e6),
    ("nearly 46%", "nearly 46%", 41.4, 46),
    ("at least 3 people", "at least 3", 3, INF),
    ("up to 40%", "up to 40%", 0, 40),
    ("between 5 and 10 million users", "between 5 and 10 million", 5e6, 1e7),
    ("-5%", "-5%", -5.5, -4.5),
    ("it tripled its profit", "tripled", 3, 3),
    ("1,234.5 boxes", "1,234.5", 1234.45, 1234.55),
    ("a total of 34 positive cases", "34", 34, 34),  # a whole count of things: no rounding
    ("based on eight reviews", "eight", 8, 8),
    ("arrested 100 people", "100", 99.5, 100.5),  # a round count keeps its rounding
    ("just one mile from Baghdad", "one", 0.5, 1.5),  # a measure, not things counted
    ("a 13-year-old boy", "13", 12.5, 13.5),
]


@pytest.mark.parametrize(("sentence", "surface", "low", "high"), INTERVALS, ids=[c[0] for c in INTERVALS])
def test_interval(sentence, surface, low, high):
    (q,) = [q for q in parse_quantities(sentence) if q.text == surface]
    assert (q.low, q.high) == (pytest.approx(low), pytest.approx(high))
    assert q.low <= q.value <= q.high


def test_offsets_are_shifted_and_point_at_the_text():
    text = "Alibaba will invest RMB10bn (US$1.4bn) this year"
    qs = parse_quantities(text, offset=100)
    assert [(q.start, q.end) for q in qs] == [(120, 127), (129, 137)]
    assert all(text[q.start - 100:q.end - 100] == q.text for q in qs)


def test_non_ascii_spaces_between_number_and_scale():
    (q,) = parse_quantities("PPS for US$370\u00a0million")
    assert (q.text, q.value, q.unit) == ("US$370\u00a0million", 3.7e8, "USD")


def test_empty_and_numberless_text():
    assert parse_quantities("") == []
    assert parse_quantities("Alibaba unveiled a smart TV operating system on Tuesday.") == []


def test_throughput_is_thousands_of_sentences_per_second():
    sentences = [c[0] for c in CASES] * 20
    started = time.perf_counter()
    for sentence in sentences:
        parse_quantities(sentence)
    assert len(sentences) / (time.perf_counter() - started) > 1000


# --- properties ---------------------------------------------------------------------------------------

_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9}
_ABBR = {"thousand": "k", "million": "m", "billion": "bn"}
# (format, ISO code): {n} the number, {s} the scale word, {a} its abbreviation
_FORMATS = [
    ("${n} {s}", "USD"), ("US${n} {s}", "USD"), ("US${n}{a}", "USD"), ("USD {n} {s}", "USD"),
    ("{n} {s} US dollars", "USD"), ("{n} {s} dollars", "USD"), ("RMB{n}{a}", "CNY"), ("RMB {n} {s}", "CNY"),
    ("{n} {s} yuan", "CNY"), ("HK${n} {s}", "HKD"), ("S${n} {s}", "SGD"), ("\u20ac{n}{a}", "EUR"),
    ("{n} {s} euros", "EUR"), ("\u00a3{n} {s}", "GBP"), ("{n} {s} yen", "JPY"), ("A${n} {s}", "AUD"),
]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=999_999), scale=st.sampled_from(sorted(_SCALES)),
       fmt=st.sampled_from(_FORMATS), commas=st.booleans())
def test_formatted_amounts_parse_back(n, scale, fmt, commas):
    pattern, code = fmt
    number = f"{n:,}" if commas else str(n)
    amount = pattern.format(n=number, s=scale, a=_ABBR[scale])
    text = f"The company said it will invest {amount} this year."
    qs = parse_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert (q.kind, q.unit, q.text) == ("money", code, amount)
    assert q.value == n * _SCALES[scale]
    assert q.low < q.value < q.high


_PIECES = st.sampled_from([
    "more than", "about", "nearly", "between", "and", "to", "-", "\u2013", "(", ")", ",", ".", "%", "$", "US$",
    "RMB", "HK$", "\u00a5", "\u20ac", "million", "billion", "bn", "m", "k", "percent", "per cent", "yuan", "users",
    "the", "first", "doubled", "two", "a dozen", "half a", "in", "2012", "July", "1", "10", "1.4", "8,000", "Q3",
    "CC10", "minus", "~", "+", "or more", "\u00a0", "units", "May", "10:30", "won", "pounds",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=14).map(" ".join),
                 st.lists(_PIECES, max_size=14).map("".join)),
       st.integers(min_value=0, max_value=10_000))
def test_offsets_intervals_and_no_crash(text, offset):
    qs = parse_quantities(text, offset=offset)
    end = offset
    for q in qs:
        assert offset <= q.start < q.end <= offset + len(text)
        assert text[q.start - offset:q.end - offset] == q.text
        assert q.start >= end  # sorted, non-overlapping
        end = q.end
        assert math.isfinite(q.value)
        assert q.low <= q.value <= q.high
        if q.hedge == "more_than":
            assert q.value == q.low


@pytest.mark.parametrize("unit, value, shown", [
    ("user", 8e6, "8 million users"), ("company", 3, "3 companies"), ("box", 2, "2 boxes"), ("user", 1, "1 user"),
    ("person", 3, "3 people"), ("people", 40, "40 people"), ("day", 3, "3 days"), ("km", 5, "5 km"),
    ("case", 14070, "14,070 cases"), ("test", 56221, "56,221 tests"),  # digits, never "1.407e+04"
])
def test_explanations_read_counts_in_the_plural(unit, value, shown):
    from crosscheck.verdicts.rules.kinds.values import describe
    from crosscheck.nouns import Quantity

    assert describe(Quantity(0, 1, "x", value, "count", unit)) == shown


@pytest.mark.parametrize("a, b, same", [
    ("40 homes", "41 homes", False),  # rounding intervals 39.5-40.5 and 40.5-41.5 only touch
    ("$1.4 billion", "$1.5 billion", False),
    ("US$1.4 trillion", "US$1.5 trillion", False),
    ("$1.4 billion", "$1.43 billion", True),  # rounding
    ("$1.4 billion", "$1,450 million", True),
    ("at most 5 people", "at least 5 people", True),  # a hedge's bound meets the other's
    ("more than 8 million users", "8 million users", True),
    ("40 homes", "40 homes", True),
])
def test_figures_one_last_digit_apart_are_not_compatible(a, b, same):
    from crosscheck.verdicts.rules.kinds.values import compatible

    (qa,), (qb,) = parse_quantities(a), parse_quantities(b)
    assert compatible(qa, qb) is same and compatible(qb, qa) is same


@pytest.mark.parametrize("a, b, same", [
    ("$99 million", "over $99.5 million", False),  # 98.5-99.5 against more than 99.5
    ("$99 million", "at least $99.5 million", False),  # the rounding end: 99 admits x < 99.5
    ("at most 5 people", "at least 5 people", True),
    ("less than 5 people", "at least 5 people", False),
    ("less than 5 people", "5 people", False),  # a count of people is whole: 5 is not less than 5
    ("less than 50 people", "50 people", True),  # a round count keeps its rounding: 49.5-50 overlap
])
def test_an_open_bound_meeting_a_figure_is_not_compatible(a, b, same):
    from crosscheck.verdicts.rules.kinds.values import compatible

    (qa,), (qb,) = parse_quantities(a), parse_quantities(b)
    assert compatible(qa, qb) is same and compatible(qb, qa) is same


@pytest.mark.parametrize("text, unit", [
    ("A wicked aunt cut her three-year-old nephew", "years old"),
    ("The 28-year-old took to Instagram", "years old"),
    ("the firm is 10 years old", "years old"),
    ("a 5-month-old baby", "months old"),
    ("she was only 3 years old when she debuted", "years old then"),  # an age at another time
    ("He was 12 years old at the time of the attack", "years old then"),
    ("Facing Five Years In Jail", "year"),
    ("for 3 years, old friends say", "year"),
])
def test_an_age_is_not_a_duration(text, unit):
    (q,) = parse_quantities(text)
    assert (q.kind, q.unit) == ("count", unit)


@pytest.mark.parametrize("text, counted", [
    ("Demand for Apple's iPhone 6 lineup will spill into the first quarter", []),  # a singular noun after 6
    ("The Windows 10 upgrade is free", []),
    ("A Category 5 hurricane hit the coast", []),
    ("Apple sold 10 million iPhone 6 units", [10e6]),  # a product's inner capital: "iPhone 6" is a name
    ("Sony sold 3 million PlayStation 4 consoles", [3e6]),
    ("Apple 3 stores closed", [3]),  # a plural noun after a capitalised word still counts
    ("Police said 6 people died", [6]),
    ("Obama 2 daughters attended", [2]),
])
def test_a_figure_in_a_products_name_is_not_a_count(text, counted):
    assert [q.value for q in parse_quantities(text) if q.kind == "count"] == counted


@pytest.mark.parametrize("text, names", [
    ("where 28-year-old Ravi Sethi was to wed 25-year-old Anjali", [{"ravi", "sethi"}, {"anjali"}]),
    ("the 23-year-old bride Anjali from Moradpur arrived", [{"anjali"}]),  # not the place after "from"
    ("The 40-year-old British actor Tom Hardy said", [{"british", "tom", "hardy"}]),
    ("Leelah Alcorn, 18 years old, was killed", [{"leelah", "alcorn"}]),
    ("Iga Jasica, a 19-year-old Polish girl, woke up", [{"iga", "jasica", "polish"}]),  # apposition and after
    ("the 31-year-old had undergone surgery", [set()]),
    ("a 3-month-old baby in Texas died", [set()]),
    ("The company raised $5 million", [set()]),  # not an age
])
def test_whose_age_a_figure_gives(text, names):
    from crosscheck.verdicts.rules.kinds.values import aged

    class Said:
        start, quantities = 0, parse_quantities(text)
    Said.text = text
    assert [set(aged(Said, q)) for q in Said.quantities] == names  # type: ignore[arg-type]


def _compare(first: str, second: str, max_ratio: float = 20.0):
    """``compare_quantities`` on two statement-shaped values: each text at offset 0 with the figures in it."""
    from types import SimpleNamespace

    from crosscheck.verdicts.rules.kinds.values import compare_quantities

    a, b = (SimpleNamespace(start=0, text=t, quantities=parse_quantities(t)) for t in (first, second))
    return compare_quantities(a, b, tolerance=0.0, max_ratio=max_ratio, min_frame_overlap=0.0)  # type: ignore[arg-type]


def test_ages_are_compared_person_by_person():
    """The bride's 23 conflicts with her 25, not with the groom's 28 in the same sentence."""
    found = _compare("the 23-year-old bride Anjali greeted the guests",
                     "28-year-old Ravi Sethi was to wed 25-year-old Anjali", max_ratio=10.0)
    assert [(qa.value, qb.value) for qa, qb in found.conflicts] == [(23.0, 25.0)]
    assert not found.matches


@pytest.mark.parametrize(("first", "second"), [
    ("the two new clubs paid $80 million each in fees", "the expansion could raise $1.4 billion in fees"),
    ("the bidder hopes to pay about $20 a share", "the shares were up 3 percent at $10.8"),
    ("15 million more people will join the ranks of the uninsured", "the 23.5 million people who were uninsured"),
    ("the army sent an additional 3,000 troops to the border", "the army has 5,000 troops at the border"),
])
def test_a_share_or_an_increment_is_not_the_total(first, second):
    """A figure of one of several ("each", "a share") or an increment ("more", "an additional") is not the total
    the other statement gives, so the two are not compared at all."""
    found = _compare(first, second)
    assert not found.conflicts and not found.matches


def test_two_shares_or_two_increments_are_still_compared():
    found = _compare("the two clubs paid $80 million each in fees",
                     "the two clubs paid $90 million each in fees")
    assert [(qa.value, qb.value) for qa, qb in found.conflicts] == [(80e6, 90e6)]


def test_a_change_named_in_quotes_is_still_a_change():
    """ "growth of 110%" and "“explosive growth” of 110%" are one figure on one basis (the README's draft example
    lost its support when the closing quote hid the noun of change)."""
    found = _compare("China saw growth of 110% in smart speaker shipments last year",
                     "China saw \u201cexplosive growth\u201d of 110% in shipments of the device last year")
    assert [(qa.value, qb.value) for qa, qb in found.matches] == [(110.0, 110.0)]


@pytest.mark.parametrize("a, b, same", [
    ("a total of 34 positive cases", "more than 34 positive cases", False),
    ("a total of 34 positive cases", "at least 34 positive cases", True),
    ("based on 8 reviews", "less than 8 reviews", False),
    ("based on 103 reviews", "under 104 reviews", True),  # an exact figure inside a bound
    ("241 confirmed cases", "fewer than 241 confirmed cases", False),
    ("100 people", "more than 100 people", True),  # round: the writer may have rounded down
    ("8 million users", "more than 8 million users", True),
    ("1 mile", "1.2 miles", True),  # measures keep their rounding
    ("2 weeks", "less than two weeks", True),
])
def test_a_whole_count_admits_only_itself(a, b, same):
    """VitaminC's revisions restate counts as bounds ("Brigsby Bear has less than 8 reviews" against "based on 8
    reviews"): a count of things is whole, so a bound that stops at it excludes it; rounded, scaled and measured
    figures keep their rounding."""
    from crosscheck.verdicts.rules.kinds.values import compatible

    (qa,), (qb,) = parse_quantities(a), parse_quantities(b)
    assert compatible(qa, qb) is same and compatible(qb, qa) is same


def test_an_exact_figure_inside_a_bound_is_compatible():
    """An exact figure is a point: inside a bound's open interval it agrees with it (until 2026-12-05 a point
    was read as an interval that only touched the bound, and "tripled" disagreed with "less than four times")."""
    from crosscheck.nouns import Quantity
    from crosscheck.verdicts.rules.kinds.values import compatible

    tripled = Quantity(0, 7, "tripled", 3.0, "multiplier", "", "", 3.0, 3.0)
    under_four = Quantity(0, 20, "less than four times", 4.0, "multiplier", "", "less_than", 0.0, 4.0)
    under_three = Quantity(0, 21, "less than three times", 3.0, "multiplier", "", "less_than", 0.0, 3.0)
    at_most_three = Quantity(0, 19, "at most three times", 3.0, "multiplier", "", "at_most", 0.0, 3.0)
    assert compatible(tripled, under_four) and compatible(under_four, tripled)
    assert not compatible(tripled, under_three) and not compatible(under_three, tripled)
    assert compatible(tripled, at_most_three) and compatible(at_most_three, tripled)


@pytest.mark.parametrize("a, b, same_unit", [
    ("standing at 2,525 m", "a height of 2,925 meters", True),
    ("a 320 m tower", "a 320 metres tower", True),
    ("a 12 km walk", "a 12 kilometers walk", True),
    ("a 10 ft wall", "a 10 feet wall", True),
    ("2 degrees Celsius", "3.6 degrees Fahrenheit", False),
    ("a 12 km walk", "a 12 miles walk", False),
])
def test_one_unit_abbreviated_or_spelt_otherwise_is_one_unit(a, b, same_unit):
    """"m" and "meters" measure in one unit: the figures are compared (until 2026-12-05 they never were)."""
    from crosscheck.verdicts.rules.kinds.values import comparable

    (qa,), (qb,) = parse_quantities(a), parse_quantities(b)
    assert comparable(qa, qb, max_ratio=20, min_frame_overlap=0.0) is same_unit

"""Number mentions in English news sentences, normalised to :class:`~crosscheck.nouns.Quantity`.

Why our own grammar: the parsers we measured (quantulum3, price-parser, number-parser, text2num,
word2number) all fail on news money formats such as "RMB10bn (US$1.4bn)", "10 billion yuan
(USD 1.4 billion)" or "HK$3.2 billion", and none of them reports hedges ("more than"), ranges,
rounding intervals or the character offsets the statements stage needs. So this is a small
hand-written grammar on ``re``: find a number, look left for a hedge, a sign and a currency prefix,
look right for a scale word, a range partner, a percent sign, a currency or the noun it counts.
Everything is compiled once at import; a sentence is scanned in one pass.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from crosscheck.nouns import Quantity

__all__ = ["parse_quantities"]

_INF = math.inf
_ONE = Decimal(1)
_HALF = Decimal("0.5")
_FLAGS = re.I | re.A
_SP = "[ \\t\\xa0\\u2009\\u202f]"  # a space, non-breaking and thin spaces included
_MAX_DIGITS = 24

# --- word lists -------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_WORD_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12,
                "lakh": 10 ** 5, "crore": 10 ** 7}
_SCALE_VALUE = {**{k: Decimal(v) for k, v in _WORD_SCALES.items()},
                "lakhs": Decimal(10 ** 5), "crores": Decimal(10 ** 7), "hundred": Decimal(100),
                "dozen": Decimal(12), "k": Decimal(10 ** 3), "m": Decimal(10 ** 6), "mn": Decimal(10 ** 6),
                "mln": Decimal(10 ** 6), "mil": Decimal(10 ** 6), "b": Decimal(10 ** 9), "bn": Decimal(10 ** 9),
                "bil": Decimal(10 ** 9), "tn": Decimal(10 ** 12), "trn": Decimal(10 ** 12)}
_ORDINAL_UNITS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                  "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINALS = {w: i + 1 for i, w in enumerate(_ORDINAL_UNITS)}
_ORDINALS.update({w: 10 * (i + 2) for i, w in enumerate(
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split())})
_ORDINALS.update({"hundredth": 100, "thousandth": 1000, "millionth": 10 ** 6})
_MULTIPLIER_VERBS = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5}
_FOLD_WORDS = {**{w: v for w, v in _UNITS.items() if v >= 2}, **_TENS, "hundred": 100, "thousand": 1000}

# currency written before the number: symbol or ISO code, glued or spaced
_PREFIX_CODES = {"US$": "USD", "US $": "USD", "U.S.$": "USD", "HK$": "HKD", "S$": "SGD", "SG$": "SGD", "A$": "AUD", "AU$": "AUD",
                 "AUD$": "AUD", "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "NZ$": "NZD", "NT$": "TWD", "R$": "BRL",
                 "MX$": "MXN", "$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "Rs": "INR",
                 "Rs.": "INR", "RMB": "CNY", "Rmb": "CNY", "¥": "", "￥": ""}
_ISO_CODES = ("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "SGD", "AUD", "CAD", "INR", "KRW", "CHF", "TWD", "NZD",
              "BRL", "RUB", "MXN")
# currency written after the number, keyed by the lower-cased words with single spaces
_SUFFIX_CODES = {
    "us dollar": "USD", "us dollars": "USD", "u.s. dollar": "USD", "u.s. dollars": "USD",
    "american dollars": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "cents": "USD",
    "hong kong dollar": "HKD", "hong kong dollars": "HKD", "singapore dollar": "SGD", "singapore dollars": "SGD",
    "australian dollar": "AUD", "australian dollars": "AUD", "canadian dollar": "CAD", "canadian dollars": "CAD",
    "new zealand dollars": "NZD", "new taiwan dollars": "TWD", "taiwan dollars": "TWD",
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "euro": "EUR", "euros": "EUR",
    "pounds sterling": "GBP", "pound sterling": "GBP", "sterling": "GBP", "pound": "GBP", "pounds": "GBP",
    "yen": "JPY", "won": "KRW", "rupee": "INR", "rupees": "INR", "swiss francs": "CHF", "francs": "CHF",
    "roubles": "RUB", "rubles": "RUB", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR",
    **{c.lower(): c for c in _ISO_CODES},
}
_CHINA_CUE = re.compile(r"\b(?:[Yy]uan|[Rr]enminbi|RMB|Rmb|CNY|China|Chinese|Beijing|Shanghai|Shenzhen|Hangzhou)\b")

_HEDGES = {
    "more than": "more_than", "greater than": "more_than", "higher than": "more_than", "over": "more_than",
    "above": "more_than", "upwards of": "more_than", "upward of": "more_than", "in excess of": "more_than",
    "north of": "more_than", "exceeding": "more_than",
    "less than": "less_than", "fewer than": "less_than", "lower than": "less_than", "under": "less_than",
    "below": "less_than",
    "about": "about", "around": "about", "approximately": "about", "approx.": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "estimated": "about", "circa": "about",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "shy of": "nearly",
    "at least": "at_least", "no less than": "at_least", "no fewer than": "at_least", "not less than": "at_least",
    "a minimum of": "at_least",
    "at most": "at_most", "up to": "at_most", "no more than": "at_most", "not more than": "at_most",
    "as many as": "at_most", "as much as": "at_most", "a maximum of": "at_most",
    "between": "between",
}
# hedge words that are also plain prepositions: before a bare year they are just prepositions
_PREPOSITIONAL = frozenset({"over", "above", "under", "below", "around", "some", "circa", "between"})

_STOP = frozenset("""
a an the this that these those its it their his her our your my they he she we you i me us them
is was were are be been being am has have had will would can could may might shall should must do does did
to in on at of for from by with without into onto over under above below between and or but nor so yet as than
also only just now then ago already still each per when where which who whom whose while after before since
until during through across against among via about around up down out off if because though although
whereas respectively last next earlier later including according compared versus vs not no nor
said says say told reported rose fell grew hit reached saw sold won went came got took gave made set
there here what how why all both either neither such own same very too more most less least
percent cent per
""".split()) - {"more"}
_ADJECTIVES = frozenset("""
new old more other additional extra further smart big large small major key top full young local active daily
monthly weekly annual yearly unique online mobile paid paying total net gross separate different similar many
few fewer main senior junior private public certain single average low high foreign domestic current former
free premium registered potential existing regular overseas global mainland chinese american
""".split())
_ADJ_SUFFIXES = ("ed", "ing", "al", "ive", "ic", "ous", "ful", "able", "ible", "less", "ary", "ese", "ish", "ian")
_IRREGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
              "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
              "knives": "knife", "halves": "half", "leaves": "leaf", "shelves": "shelf", "thieves": "thief",
              "criteria": "criterion", "indices": "index", "analyses": "analysis", "crises": "crisis",
              "movies": "movie", "cookies": "cookie", "calories": "calorie", "zombies": "zombie",
              "rookies": "rookie", "selfies": "selfie"}
_INVARIANT = frozenset({"series", "species", "news", "means", "headquarters", "staff", "data", "media", "sheep",
                        "fish", "deer", "aircraft", "gas", "bus", "chassis", "corps", "crossroads", "physics",
                        "economics", "electronics", "logistics", "statistics", "analytics"})
_PLURAL_IRREGULAR = frozenset({"people", "men", "women", "children", "staff", "feet", "teeth", "mice", "data"})
_STRONG_YEAR_CUES = frozenset({"in", "since", "until", "till", "during", "fiscal", "mid", "early", "late", "pre",
                               "post", "circa", "year", "spring", "summer", "autumn", "winter", "end", "by"})
_YEAR_HYPHEN = frozenset({"mid", "pre", "post", "early", "late", "end"})
_CHANGE_VERBS = ("rose|rise|rises|rising|grew|grow|grows|growing|increased|increase|increases|jumped|jumps|"
                 "climbed|climbs|fell|fall|falls|falling|dropped|drops|declined|declines|slipped|surged|soared|"
                 "gained|lost|up|down|by|added|shed|cut|raised|lowered|slumped|plunged|tumbled|rebounded")
_RESOLUTION_WORDS = frozenset({"tv", "tvs", "display", "displays", "screen", "screens", "resolution", "video",
                               "content", "monitor", "monitors", "uhd", "hdr", "camera", "streaming", "television"})

# --- compiled grammar -------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first, with single spaces made flexible."""
    parts = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(p).replace("\\ ", _SP + "+") for p in parts)


_SCALE_WORDS = "hundred|thousand|million|billion|trillion|lakhs?|crores?|dozen"
_WORD_NUM = "|".join([*_TENS, *sorted(_UNITS, key=len, reverse=True)])
_ORD_WORD = (rf"(?:(?:{'|'.join(_TENS)})-)?(?:{'|'.join(_ORDINAL_UNITS[:9])})|"
             + "|".join(w for w in _ORDINALS if w not in _ORDINAL_UNITS[:9]))

_CANDIDATE = re.compile(
    r"(?=[0-9adefhmnoqstz])"  # every alternative starts with one of these: a cheap first filter
    r"(?:(?P<dig>(?<![0-9])(?<![0-9][.,])[0-9])"
    r"|(?P<mult>\b(?:doubl|tripl|quadrupl)(?:ed|ing|es)\b|\bhalv(?:ed|ing)\b"
    rf"|\b(?:{'|'.join(_FOLD_WORDS)})fold\b)"
    rf"|(?P<ord>\b(?:{_ORD_WORD})\b)"
    rf"|(?P<word>\b(?:(?:an?|half){_SP}+(?:an?{_SP}+)?(?=(?:{_SCALE_WORDS})\b)|(?:{_WORD_NUM})\b)))",
    _FLAGS)
_DIGITS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_RUN = re.compile(r"[\w.,'-]*")
_SCALE_GLUED = re.compile(r"(trn|tn|bn|bil|b|mln|mn|mil|m|k)(?![A-Za-z0-9])", _FLAGS)
_SCALE_SPACED = re.compile(rf"(?:{_SP}+|{_SP}?-{_SP}?)({_SCALE_WORDS}|bn|mn|mln|tn|trn)(?![A-Za-z])", _FLAGS)
_PREFIX = re.compile(
    rf"(?P<neg>(?<![\w.,%)])[-\u2212]|(?<![A-Za-z])minus{_SP}+)?"
    rf"(?:(?P<cur>(?<![A-Za-z])(?:{_alternation(k for k in _PREFIX_CODES if k[0].isalpha())}|{'|'.join(_ISO_CODES)})"
    rf"|{_alternation(k for k in _PREFIX_CODES if not k[0].isalpha())}){_SP}?)?$")
_SUFFIX = re.compile(
    rf"(?P<pct>{_SP}?[%\uff05]|{_SP}*(?:per{_SP}?cent|percent|pct)(?![A-Za-z])|(?-i:pc)(?![A-Za-z]))"
    rf"|(?P<pp>{_SP}+percentage{_SP}+points?(?![A-Za-z])|{_SP}?(?-i:ppts?|pp)(?![A-Za-z]))"
    rf"|(?P<bp>{_SP}+basis{_SP}+points?(?![A-Za-z])|{_SP}?(?-i:bps?)(?![A-Za-z]))"
    rf"|(?P<fold>{_SP}?-?fold(?![A-Za-z]))"
    r"|(?P<x>x(?![A-Za-z0-9]))"
    rf"|(?P<times>{_SP}+times(?={_SP}+(?:as|more|larger|bigger|higher|greater|faster|the|that|than|over|its|their"
    r"|what)\b))"
    r"|(?P<ordsfx>(?:st|nd|rd|th)(?![A-Za-z]))"
    rf"|{_SP}*(?P<cur>{_alternation(_SUFFIX_CODES)})(?![A-Za-z])(?!{_SP}?-?{_SP}?(?:zone|area)\b)",
    _FLAGS)
_HEDGE = re.compile(
    rf"(?<![A-Za-z])(?:(?:just|well|slightly|far|much|a{_SP}+little){_SP}+)?(?P<h>{_alternation(_HEDGES)}){_SP}+$"
    rf"|(?P<tilde>~{_SP}*)$", _FLAGS)
_POST_HEDGE = re.compile(
    rf"(?P<plus>\+)(?![0-9])|{_SP}+or{_SP}+(?:(?P<more>more|above|higher|greater)|(?P<so>so))\b|(?P<plus2>-plus)\b",
    _FLAGS)
_RANGE_SEP = re.compile(
    rf"(?P<conn>(?P<dash>{_SP}*[-\u2013\u2014]{_SP}*)|(?P<to>{_SP}+to{_SP}+)|(?P<and>{_SP}+and{_SP}+)"
    rf"|(?P<or>{_SP}+or{_SP}+))"
    rf"(?:{_alternation(k for k in _PREFIX_CODES if k != '$')}|\$|{'|'.join(_ISO_CODES)})?{_SP}?"
    rf"(?=[0-9]|(?:{_WORD_NUM}|an?{_SP}+(?:{_SCALE_WORDS}))\b)", _FLAGS)
_WORD_AT = re.compile(rf"(?:{_WORD_NUM}|an?{_SP}+(?:{_SCALE_WORDS}))\b", _FLAGS)
_FROM_BEFORE = re.compile(rf"(?<![A-Za-z])from{_SP}+$", _FLAGS)
_CHANGE_BEFORE = re.compile(rf"(?<![A-Za-z])(?:{_CHANGE_VERBS}){_SP}+$", _FLAGS)
_PREV_WORD = re.compile(rf"([A-Za-z]+)(?:{_SP}+|-)$", re.A)
_NEXT_WORD = re.compile(rf"(?:{_SP}+|-)([A-Za-z]+)", re.A)
_WORD_TOKEN = re.compile(rf"(?:{_SP}+|{_SP}*-{_SP}*)?([A-Za-z]+)\b", re.A)
_HALF_A = re.compile(rf"half{_SP}+an?{_SP}+({_SCALE_WORDS})\b", _FLAGS)
_AND_A_HALF = re.compile(rf"{_SP}+and{_SP}+a{_SP}+half\b", _FLAGS)
_FRACTION_TAIL = re.compile(
    rf"(?:{_SP}|-)(?:halves|half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)(?![A-Za-z])",
    _FLAGS)
_PERIOD_AFTER = re.compile(rf"(?:{_SP}+|-)(?:quarters?|half|halves|quarterly|half-year|halfyear)\b", _FLAGS)
_FRACTION_BEFORE = re.compile(rf"(?<![A-Za-z])(?:an?|one|two|three|four|five|six|seven|eight|nine){_SP}+$", _FLAGS)
_OF_AFTER = re.compile(rf"{_SP}+of\b", _FLAGS)
_PAREN_BETWEEN = re.compile(rf"{_SP}*[(\[]{_SP}*$")
# a temperature's scale ("2 degrees Celsius", "3.6 degrees Fahrenheit"): the unit, so that the two are not compared
_DEGREE_SCALE = re.compile(rf"{_SP}*-?{_SP}*degrees?{_SP}+(celsius|centigrade|fahrenheit)\b", _FLAGS)
_HAS_DIGIT = re.compile(r"[0-9]")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_NOT_AMOUNT = (rf"(?!,[0-9]|\.[0-9]|{_SP}*-?{_SP}*(?:%|per{_SP}?cent|percent|"
               r"(?:hundred|thousand|million|billion|trillion|bn|mn|m|k)\b))")
_ADDRESS = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")
_BLOCKED = re.compile("(?=[0-9A-Z+(#])(?:" + "|".join([
    rf"\b{_MONTH}{_SP}+{_DAY}(?:{_SP}*[-\u2013]{_SP}*{_DAY})?\b{_NOT_AMOUNT}(?:,?{_SP}+[0-9]{{4}}\b)?",
    rf"\b{_DAY}(?:{_SP}*[-\u2013]{_SP}*{_DAY})?{_SP}+(?:of{_SP}+)?{_MONTH}(?![A-Za-z])(?:,?{_SP}+[0-9]{{4}}\b)?",
    rf"\b{_MONTH},?{_SP}+[0-9]{{4}}\b",
    r"\b[0-9]{4}(?P<s1>[-/.])[0-9]{1,2}(?P=s1)[0-9]{1,2}\b"                                   # numeric dates
    r"|\b[0-9]{1,2}(?P<s2>[-/.])[0-9]{1,2}(?P=s2)[0-9]{2,4}\b",
    r"\b[0-9]{1,2}(?:[.:][0-9]{2})?" + _SP + r"*[apAP]\.?[mM]\.?(?![A-Za-z])",             # times
    r"\b[0-9]+:[0-9]+(?::[0-9]+)?\b",
    r"\b[0-9]+/[0-9]+\b",                                                                 # fractions, 24/7
    r"\b[0-9]+(?:\.[0-9]+){2,}\b",                                                        # versions, addresses
    r"\+[0-9][0-9 ().-]{6,}[0-9]|\(?\b[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}\b"            # phone numbers
    r"|\b[0-9]{3,4}-[0-9]{3,4}-[0-9]{3,4}\b",
    rf"\b[QH][1-4](?:{_SP}*(?:[0-9]{{4}}|'[0-9]{{2}})\b)?|\b[1-4][QH]{_SP}*'?[0-9]{{2,4}}\b",  # quarters, halves
    rf"\bFY{_SP}?'?[0-9]{{2,4}}\b|\bNo\.?{_SP}?[0-9]+\b|#[0-9]+",
]) + ")")


# --- the figure -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Figure:
    """One number as written, with what sits glued to it: sign, currency, scale, percent sign."""

    start: int  # sign or currency prefix included
    end: int  # scale and suffix included
    num: Decimal  # the number as written, signed, before the scale
    half: Decimal  # half a unit of the last stated digit, before the scale
    scale: Decimal
    scaled: bool
    plain: bool  # a bare run of digits: no sign, comma, decimal point, scale or marker
    word: bool
    kind: str = ""  # "money", "percent", "multiplier", "ordinal" or "" when nothing marks it
    unit: str = ""
    factor: Decimal = _ONE
    prefix: bool = False  # the currency was written before the number
    digits: str = ""

    @property
    def value(self) -> Decimal:
        """The number with its scale (and basis points / cents) applied."""
        return self.num * self.scale * self.factor


class _Scan:
    """Per-sentence state: the text, its offset and lazily computed facts about it."""

    __slots__ = ("text", "offset", "_blocked", "_yen")

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset
        self._blocked: tuple[list[int], list[int]] | None = None
        self._yen: str | None = None

    def blocked_until(self, pos: int) -> int:
        """End of the date, time, phone or address span covering ``pos``; 0 when none does."""
        if self._blocked is None:
            text = self.text
            spans = [(m.start(), m.end()) for m in _BLOCKED.finditer(text)]
            if "@" in text or "://" in text or "www." in text:
                spans = _merge(spans, [(m.start(), m.end()) for m in _ADDRESS.finditer(text)])
            self._blocked = ([s for s, _ in spans], [e for _, e in spans])
        starts, ends = self._blocked
        i = bisect_right(starts, pos) - 1
        return ends[i] if i >= 0 and ends[i] > pos else 0

    def yen(self) -> str:
        """The code "¥" stands for here: CNY in a sentence about China, else JPY."""
        if self._yen is None:
            self._yen = "CNY" if _CHINA_CUE.search(self.text) else "JPY"
        return self._yen


def _merge(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Two span lists as one sorted list of non-overlapping spans."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(a + b):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _skip_run(text: str, pos: int) -> int:
    """End of the token glued around ``pos`` ("CC10", "5G", "COVID-19"): where scanning resumes."""
    run = _RUN.match(text, pos)
    return max(run.end() if run else pos, pos + 1)


def _word_number(text: str, pos: int) -> tuple[int, Decimal, Decimal, Decimal] | None:
    """A number in words at ``pos``: (end, base, half, scale) with value = base * scale."""
    m = _HALF_A.match(text, pos)
    if m:
        scale = _SCALE_VALUE[m.group(1).lower()]
        return m.end(), Decimal("0.5"), Decimal("0.05"), scale
    total, current, last, end, p = Decimal(0), Decimal(0), "", pos, pos
    last_scale, big_scale = _ONE, Decimal(10 ** 15)
    scale_end = -1  # set while words after a scale wait for a "hundred" or smaller scale to confirm them
    while True:
        m = _WORD_TOKEN.match(text, p)
        if m is None or (p == pos and m.start(1) != pos):
            break
        w = m.group(1).lower()
        if w in ("a", "an") and last == "":
            current, last = _ONE, "a"
        elif w in _UNITS and (last in ("", "hundred", "scale", "and") or (last == "tens" and _UNITS[w] < 10)):
            if last == "scale":
                scale_end = end  # "one million two years ago" is one million, then "two years"
            current += _UNITS[w]
            last = "unit"
        elif w in _TENS and last in ("", "hundred", "scale", "and"):
            if last == "scale":
                scale_end = end
            current += _TENS[w]
            last = "tens"
        elif w == "hundred" and last in ("unit", "tens", "a") and current < 100:
            current *= 100
            last, scale_end = "hundred", -1
        elif w == "dozen" and last in ("unit", "tens", "a"):
            current *= 12
            last = "dozen"
        elif w in _WORD_SCALES and last in ("unit", "tens", "hundred", "a", "half") and _WORD_SCALES[w] < big_scale:
            big_scale = last_scale = Decimal(_WORD_SCALES[w])
            total += current * last_scale
            current, last, scale_end = Decimal(0), "scale", -1
        elif w == "and" and last in ("hundred", "scale"):
            nxt = _WORD_TOKEN.match(text, m.end())
            if nxt is None or (nxt.group(1).lower() not in _UNITS and nxt.group(1).lower() not in _TENS):
                break
            last, p = "and", m.end()
            continue  # "and" only counts once a number follows it
        else:
            break
        p = end = m.end()
        if last in ("unit", "tens"):
            h = _AND_A_HALF.match(text, end)
            if h:
                current += _HALF
                p = end = h.end()
                last = "half"
    if scale_end >= 0:
        current, last, end = Decimal(0), "scale", scale_end
    if last in ("", "a", "and"):
        return None
    value = total + current
    if last == "scale":
        return end, value / last_scale, (Decimal("0.05") if value % last_scale else _HALF), last_scale
    return end, value, (Decimal("0.05") if value % 1 else _HALF), _ONE


def _figure(scan: _Scan, p: int, lo: int, word: bool) -> tuple[_Figure | None, int]:
    """The figure whose number starts at ``p`` (prefix no earlier than ``lo``), or None and where to resume."""
    text = scan.text
    if not word and p > lo and text[p - 1] == "." and (p < 2 or not (text[p - 2].isalnum() or text[p - 2] in ".,")):
        p -= 1  # ".5%"
    left = _PREFIX.search(text, max(lo, p - 12), p)
    neg = bool(left and left.group("neg"))
    cur_text = left.group("cur") if left else None
    start = left.start() if left and (neg or cur_text) else p
    if word:
        parsed = _word_number(text, p)
        if parsed is None:
            return None, p + 1
        end, num, half, scale = parsed
        scaled, digits, plain = scale != 1, "", False
        fraction = _FRACTION_TAIL.match(text, end)
        if fraction:  # "two-thirds", "one quarter"
            return None, fraction.end()
    else:
        if cur_text is None and p > 0 and not _glued_left_ok(text, p):
            return None, _skip_run(text, p)
        m = _DIGITS.match(text, p)
        assert m is not None  # the candidate pattern put a digit (or ".5") here
        digits, end = m.group(), m.end()
        if len(digits) > _MAX_DIGITS:
            return None, _skip_run(text, p)
        try:
            num = Decimal(digits.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
            return None, end
        half = Decimal(5).scaleb(num.as_tuple().exponent - 1)  # type: ignore[arg-type]
        scale, scaled = _ONE, False
        sm = _SCALE_GLUED.match(text, end) or _SCALE_SPACED.match(text, end)
        if sm and sm.group(1) in ("b", "B") and cur_text is None:
            sm = None  # "5B" is money ("$5B") or a name ("Plan 5B")
        if sm:
            if sm.group(1) == "K" and _next_word(text, sm.end()).lower() in _RESOLUTION_WORDS:
                return None, _skip_run(text, p)  # "4K TV"
            scale, scaled, end = _SCALE_VALUE[sm.group(1).lower()], True, sm.end()
        plain = digits.isdigit() and not scaled and not neg and cur_text is None
    fig = _Figure(start, end, -num if neg else num, half, scale, scaled, plain, word, digits=digits)
    if cur_text:
        code = _PREFIX_CODES.get(" ".join(cur_text.split()), None)
        code = code if code is not None else cur_text.strip().upper()
        fig.kind, fig.unit, fig.prefix = "money", code or scan.yen(), True
    _apply_suffix(scan, fig)
    if fig.end < len(text) and (text[fig.end].isalnum() or text[fig.end] == "_"):
        return None, _skip_run(text, p)  # "5G", "1080p", "10am"
    return fig, fig.end


def _glued_left_ok(text: str, p: int) -> bool:
    """Digits at ``p`` are not the tail of a name: "CC10", "Mi9", "COVID-19" (but "mid-2020" is fine)."""
    prev = text[p - 1]
    if prev.isalpha() or prev == "_":
        return False
    if prev == "-" and p >= 2 and text[p - 2].isalpha():
        m = _PREV_WORD.search(text, max(0, p - 12), p)
        return bool(m and m.group(1).lower() in _YEAR_HYPHEN)
    return True


def _apply_suffix(scan: _Scan, fig: _Figure) -> None:
    """Read what follows the number: percent, points, fold, times, ordinal ending or a currency word."""
    m = _SUFFIX.match(scan.text, fig.end)
    if m is None:
        return
    group = m.lastgroup
    glued_digits = not fig.word and not fig.scaled
    if group == "cur":
        key = " ".join(m.group("cur").lower().split())
        code = _SUFFIX_CODES[key]
        if key.startswith("pound") and "sterling" not in key and not fig.scaled:
            return  # "200 pounds" is a weight as often as a sum
        if key == "won" and fig.word and not fig.scaled:
            return  # "the two won"
        if fig.prefix and fig.unit != code:
            return  # "US$5 million yuan": keep the prefix, leave the word alone
        fig.kind, fig.unit, fig.end = "money", code, m.end()
        if key == "cents":
            fig.factor = Decimal("0.01")
        return
    if fig.kind:  # money already: a percent sign or "fold" after a sum is something else
        return
    if group == "pct":
        fig.kind, fig.unit = "percent", "%"
    elif group == "pp":
        fig.kind, fig.unit = "percent", "pp"
    elif group == "bp":
        fig.kind, fig.unit, fig.factor = "percent", "pp", Decimal("0.01")
    elif group in ("fold", "times") or (group == "x" and glued_digits):
        fig.kind = "multiplier"
    elif group == "ordsfx" and glued_digits and fig.plain:
        fig.kind = "ordinal"
    else:
        return
    fig.plain = False
    fig.end = m.end()


# --- from figures to quantities ---------------------------------------------------------------


def _next_word(text: str, pos: int) -> str:
    """The word right after ``pos`` (after spaces or a hyphen), or ""."""
    m = _NEXT_WORD.match(text, pos)
    return m.group(1) if m else ""


def _prev_word(text: str, pos: int, lo: int) -> str:
    """The word right before ``pos`` (no earlier than ``lo``), lower case, or ""."""
    m = _PREV_WORD.search(text, max(lo, pos - 24), pos)
    return m.group(1).lower() if m else ""


def _singular(word: str) -> str:
    """Lower-case singular of an English noun by simple rules: companies -> company, boxes -> box."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _INVARIANT or len(w) <= 2:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _is_plural(word: str) -> bool:
    """The word looks like a plural noun ("users", "TVs", "people")."""
    w = word.lower()
    if w in _PLURAL_IRREGULAR:
        return True
    return len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and w not in _STOP \
        and w not in _INVARIANT


def _adjective_like(word: str) -> bool:
    """A word that may stand between a number and its noun: "registered", "new", "Chinese"."""
    w = word.lower()
    return w in _ADJECTIVES or word[0].isupper() or (len(w) > 4 and w.endswith(_ADJ_SUFFIXES))


def _plural_head(text: str, pos: int, w1: str) -> str:
    """The plural noun a figure above one counts behind an adverb or a noun that modifies it: "735 officially
    confirmed cases" -> "cases", "222 coronavirus recoveries" -> "recoveries" ("" when there is none: "two
    dog owners"; a year or a figure of one is never asked: "2012 smartphone sales", "one child dies")."""
    if w1[0].isupper():
        return ""
    m2 = _NEXT_WORD.match(text, pos)
    if m2 is None or m2.group(1).lower() in _STOP:
        return ""
    w2 = m2.group(1)
    if w1.lower().endswith("ly") and len(w1) > 4 and _adjective_like(w2):  # "officially confirmed cases"
        m3 = _NEXT_WORD.match(text, m2.end())
        return m3.group(1) if m3 and m3.group(1).lower() not in _STOP and _is_plural(m3.group(1)) else ""
    if not _adjective_like(w1) and not w2[0].isupper() and _is_plural(w2):  # "coronavirus recoveries"
        return w2
    return ""


def _unit_noun(text: str, pos: int, compound: bool = False) -> tuple[str, bool]:
    """Lemma of the noun a count at ``pos`` counts, and whether it was written as a plural.

    One adjective may stand in between: "8 million registered users" -> "user"; with ``compound`` (a count
    above one that is not a year) so may an adverb and an adjective, or a noun, before a plural head ("735
    officially confirmed cases", "222 coronavirus recoveries").
    """
    m1 = _NEXT_WORD.match(text, pos)
    if m1 is None:
        return "", False
    w1 = m1.group(1)
    if w1.lower() in _STOP or w1.lower() in _UNITS or w1.lower() in _TENS:
        return "", False  # "one million two years ago": the next word is another number
    if _is_plural(w1):
        return _singular(w1), True
    hyphened = text[m1.start()] == "-"  # "10-year notes" counts years (notes ten years long), not notes
    head = _plural_head(text, m1.end(), w1) if compound and not hyphened else ""
    if head:
        return _singular(head), True
    if _adjective_like(w1):
        m2 = _NEXT_WORD.match(text, m1.end())
        if m2 and m2.group(1).lower() not in _STOP and not m2.group(1)[0].isupper():
            return _singular(m2.group(1)), _is_plural(m2.group(1))
        if w1[0].isupper() or w1.lower().endswith("ed"):
            return "", False
    return _singular(w1), False


def _hedge_before(scan: _Scan, start: int, lo: int) -> tuple[str, str, int]:
    """(hedge, its words, where it starts) for the words right before ``start``; ("", "", start) if none."""
    m = _HEDGE.search(scan.text, max(lo, start - 40), start)
    if m is None:
        return "", "", start
    if m.group("tilde") is not None:
        return "about", "~", m.start()
    words = " ".join(m.group("h").lower().split())
    return _HEDGES[words], words, m.start()


def _interval(value: Decimal, half: Decimal, hedge: str) -> tuple[float, float]:
    """The interval the wording admits: hedge bounds, else the value widened by its rounding."""
    if hedge in ("more_than", "at_least"):
        return float(value), _INF
    if hedge in ("less_than", "at_most"):
        return (0.0 if value >= 0 else -_INF), float(value)
    if hedge == "about":
        lo, hi = value * Decimal("0.9"), value * Decimal("1.1")
    elif hedge == "nearly":
        lo, hi = value * Decimal("0.9"), value
    else:
        lo, hi = value - half, value + half
    return float(min(lo, hi)), float(max(lo, hi))


def _make(scan: _Scan, start: int, end: int, value: Decimal | float, kind: str, unit: str = "", hedge: str = "",
          low: float | None = None, high: float | None = None) -> Quantity | None:
    """A Quantity with offsets shifted by the sentence's offset; None for a non-finite value."""
    v = float(value)
    if not math.isfinite(v):
        return None
    low = v if low is None else low
    high = v if high is None else high
    return Quantity(start=start + scan.offset, end=end + scan.offset, text=scan.text[start:end], value=v, kind=kind,
                    unit=unit, hedge="about" if hedge == "nearly" else hedge, low=min(low, v), high=max(high, v))


def _year_like(fig: _Figure) -> bool:
    """A bare four-digit number from 1900 to 2100."""
    return fig.plain and len(fig.digits) == 4 and 1900 <= fig.num <= 2100


_AGE_UNITS = frozenset({"year", "month", "week", "day"})
_AGE = re.compile(r"[\s\u00a0-]*(?:years?|months?|weeks?|days?)[\s\u00a0-]+old\b", re.IGNORECASE)
_WHEN = re.compile(r",?\s+(?:when|at\s+the\s+time)\b", re.IGNORECASE)
# "one company that sells PCs and a second that sells services": the first of an enumeration, not a count of
# one (FNC-1's HP stories: "one company ... a second" against "split into two companies" was a NUM01 alarm)
_ENUMERATION_GOES_ON = re.compile(r"\b(?:(?:a|the)\s+second|another|the\s+other)\b", re.IGNORECASE)


def _single(scan: _Scan, fig: _Figure, lo: int, hedge: str, hedge_words: str, hstart: int) -> Quantity | None:
    """The Quantity for a figure that has no range partner."""
    text = scan.text
    end = fig.end
    if not hedge and fig.kind not in ("ordinal",):
        post = _POST_HEDGE.match(text, end)
        if post:
            hedge = "about" if post.group("so") else "at_least"
            hstart, end = fig.start, post.end()
    start = hstart if hedge else fig.start
    value = fig.value
    if fig.kind == "ordinal":
        return None if _PERIOD_AFTER.match(text, fig.end) else _make(scan, fig.start, fig.end, value, "ordinal")
    if fig.kind:
        low, high = _interval(value, fig.half * fig.scale * fig.factor, hedge)
        return _make(scan, start, end, value, fig.kind, fig.unit, hedge, low, high)
    unit, plural = _unit_noun(text, end, compound=value != 1 and not _year_like(fig))
    if unit == "degree" and (scale := _DEGREE_SCALE.match(text, end)):
        unit = "degree fahrenheit" if scale.group(1).lower() == "fahrenheit" else "degree celsius"
    if plural and _next_word(text, end)[:1].isupper():
        plural = False  # "the 2012 Olympics"
    age = _AGE.match(text, end) if unit in _AGE_UNITS else None
    if age:
        unit = f"{unit}s old"  # an age ("her three-year-old nephew") is not a duration ("five years in jail")
        if _WHEN.match(text, age.end()):
            unit += " then"  # an age at another time ("she was only 3 years old when she debuted"): not today's
    if _year_like(fig) and not plural and (not hedge or hedge_words in _PREPOSITIONAL
                                            or _prev_word(text, hstart, lo) in _STRONG_YEAR_CUES):
        return _make(scan, fig.start, fig.end, value, "year")
    if fig.plain and not hedge and not age:
        prev = text[max(lo, fig.start - 30):fig.start].split()
        if prev and prev[-1].isalpha() and any(c.isupper() for c in prev[-1]) and prev[-1].lower() not in _STOP \
                and prev[-1].lower() not in _HEDGES and _named(prev[-1], text, end, unit, plural, value):
            return None  # a name: "Xiaomi Mi 9", "Section 230", "Boeing 737", "iPhone 6 lineup"
    if fig.word and value == 1 and (not unit or _ENUMERATION_GOES_ON.search(text, end)):
        return None  # "one of the", "the one"; "one company ... and a second"
    low, high = _interval(value, fig.half * fig.scale * fig.factor, hedge)
    if not hedge and _exact_count(fig, value, unit):
        low = high = float(value)
    return _make(scan, start, end, value, "count", unit, hedge, low, high)


def _exact_count(fig: _Figure, value: Decimal, unit: str) -> bool:
    """Whether a plain count admits its own value alone: a whole number of things, not scaled and not round
    ("34 positive cases", "241 confirmed cases", "8 reviews").

    Why: a count has no rounding to widen it by, so "34 cases" and "more than 34 cases" cannot both be true
    (VitaminC's revisions are mostly such bounds). A round count ("100 people", "1,500 troops") and a scaled one
    ("8 million users") keep their rounding: "more than 100 people" or "more than 8 million users" may be what a
    writer rounded down; so does a measure (``_MEASURES``)."""
    return (not fig.scaled and value == value.to_integral_value() and value % 10 != 0
            and unit.partition(" ")[0].removesuffix("s") not in _MEASURES)  # "years old": an age


# units of a measure rather than things counted: "one mile", "a 5-inch phone", "two weeks", "a 25-year-old" are
# rounded as measures are ("less than 2km (1.2 miles)" / "just one mile from Baghdad" both hold)
_MEASURES = frozenset("""second minute hour day night week month year decade century mile kilometre kilometer km metre
meter m foot feet inch yard centimetre centimeter cm millimetre millimeter mm pound lb kilogram kilo kg gram g ounce oz
ton tonne litre liter gallon barrel acre hectare degree mph knot calorie watt megawatt gigawatt volt""".split())


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _named(before: str, text: str, end: int, unit: str, plural: bool, value: Decimal) -> bool:
    """Whether a plain figure after a capitalised word is part of a name rather than a count: nothing counted
    ("Boeing 737"), a capitalised word after it ("Xiaomi Mi 9 Pro"), a product's inner capital ("iPhone 6
    units", "PlayStation 4 consoles"), or a noun in the singular after a figure above one, which a count
    would put in the plural ("the iPhone 6 lineup", "the Windows 10 upgrade", "a Category 5 hurricane")."""
    return (not unit or _next_word(text, end)[:1].isupper() or bool(_INNER_CAPITAL.search(before))
            or (value != 1 and not plural))


def _range(scan: _Scan, fig: _Figure, lo: int, hedge: str, hstart: int) -> tuple[list[Quantity], int] | None:
    """"5-10 million", "between 5% and 10%", "$5 million to $10 million", "50 or 60 doctors": one range, or
    years; else None."""
    text = scan.text
    if fig.kind in ("multiplier", "ordinal"):
        return None
    sep = _RANGE_SEP.match(text, fig.end)
    if sep is None:
        return None
    if sep.group("and") is not None and hedge != "between":
        return None
    if sep.group("to") is not None and _FROM_BEFORE.search(text, max(lo, hstart - 8), hstart):
        return None
    p2 = sep.end()
    fig2, _ = _figure(scan, p2, sep.end("conn"), not text[p2].isdigit())
    if fig2 is None or fig2.kind in ("multiplier", "ordinal"):
        return None
    if _year_like(fig) and hedge in ("", "between"):
        years = _years(scan, fig, fig2, sep)
        if years is not None:
            return years
    if _year_like(fig2) and not _year_like(fig):
        return None  # "5 to 2020"
    if fig.kind and fig2.kind:
        if (fig.kind, fig.unit, fig.factor) != (fig2.kind, fig2.unit, fig2.factor):
            return None
    elif fig.kind and not fig.prefix:
        return None  # "5% to 10": the second is something else
    if sep.group("to") is not None and fig.kind \
            and _CHANGE_BEFORE.search(text, max(lo, hstart - 14), hstart):
        return None  # "rose 5% to 46%": a change and a level, not a range
    kind, unit, factor = (fig2.kind, fig2.unit, fig2.factor) if fig2.kind else (fig.kind, fig.unit, fig.factor)
    scale1 = fig.scale
    if not fig.scaled and fig2.scaled and fig.num <= fig2.num:
        scale1 = fig2.scale
    low, high = fig.num * scale1 * factor, fig2.num * fig2.scale * factor
    if not low < high:
        return None
    if sep.group("or") is not None and high > 3 * low:
        return None  # "50 or 60 doctors", "two or three days" are a rough figure; "1 or 10" is a choice
    end = fig2.end
    if not kind:
        kind, (unit, _) = "count", _unit_noun(text, end)
    start = hstart if hedge else fig.start
    q = _make(scan, start, end, (low + high) / 2, kind, unit, "range", float(low), float(high))
    return ([q] if q else []), end


def _years(scan: _Scan, fig: _Figure, fig2: _Figure, sep: re.Match[str]) -> tuple[list[Quantity], int] | None:
    """"2019-2020", "from 2012 to 2015", "2020-21": year mentions, never a range of counts."""
    if _unit_noun(scan.text, fig2.end)[1] or not fig2.plain:
        return None
    if _year_like(fig2) and fig2.num > fig.num:
        out = [_make(scan, fig.start, fig.end, fig.num, "year"), _make(scan, fig2.start, fig2.end, fig2.num, "year")]
        return [q for q in out if q], fig2.end
    if len(fig2.digits) == 2 and sep.group("dash") == "-":
        q = _make(scan, fig.start, fig2.end, fig.num, "year")
        return ([q] if q else []), fig2.end
    return None


def _numbers(scan: _Scan, m: re.Match[str], lo: int) -> tuple[list[Quantity], int]:
    """The quantities starting at a digit or number-word candidate, and where scanning resumes."""
    fig, resume = _figure(scan, m.start(), lo, m.lastgroup == "word")
    if fig is None:
        return [], max(resume, m.start() + 1)
    hedge, words, hstart = _hedge_before(scan, fig.start, lo)
    if fig.kind == "ordinal":
        hedge, words, hstart = "", "", fig.start
    ranged = _range(scan, fig, lo, hedge, hstart)
    if ranged is not None:
        return ranged
    if hedge == "between":
        hedge, words, hstart = "", "", fig.start
    q = _single(scan, fig, lo, hedge, words, hstart)
    return ([q] if q else []), max(q.end - scan.offset if q else fig.end, fig.end)


def _multiplier(scan: _Scan, m: re.Match[str], lo: int) -> Quantity | None:
    """"tripled", "halved", "tenfold": a multiplier, exact unless hedged ("more than doubled")."""
    word = m.group().lower()
    if word.endswith("fold"):
        value = float(_FOLD_WORDS[word[:-4]])
    else:
        value = next(v for stem, v in _MULTIPLIER_VERBS.items() if word.startswith(stem))
    dec = Decimal(str(value))
    hedge, _, hstart = _hedge_before(scan, m.start(), lo)
    if hedge == "between":
        hedge, hstart = "", m.start()
    low, high = _interval(dec, Decimal(0), hedge)
    return _make(scan, hstart if hedge else m.start(), m.end(), dec, "multiplier", "", hedge, low, high)


def _ordinal(scan: _Scan, m: re.Match[str]) -> Quantity | None:
    """"first", "third", "twenty-first": an ordinal, unless a period ("second quarter") or a fraction."""
    if _PERIOD_AFTER.match(scan.text, m.end()):
        return None
    if _OF_AFTER.match(scan.text, m.end()) and _FRACTION_BEFORE.search(scan.text, max(0, m.start() - 8), m.start()):
        return None  # "a third of", "two fifths of": a fraction, not a rank
    word = m.group().lower()
    value = _ORDINALS.get(word)
    if value is None:  # "twenty-first"
        tens, _, unit = word.partition("-")
        value = _TENS[tens] + _ORDINALS[unit]
    return _make(scan, m.start(), m.end(), value, "ordinal")


def _inherit_hedges(scan: _Scan, out: list[Quantity]) -> list[Quantity]:
    """A converted sum in brackets shares the hedge of the sum before it: "over RMB10bn (US$1.4bn)"."""
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if a.kind == b.kind == "money" and a.hedge and not b.hedge and a.hedge != "range" \
                and _PAREN_BETWEEN.match(scan.text[a.end - scan.offset:b.start - scan.offset]):
            low, high = _interval(Decimal(repr(b.value)), Decimal(0), a.hedge)
            out[i] = replace(b, hedge=a.hedge, low=min(low, b.value), high=max(high, b.value))
    return out


def parse_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every number mention in ``text``, normalised, sorted by start and non-overlapping.

    ``start``/``end`` of each Quantity are offsets into ``text`` plus ``offset``. Dates, times, phone
    numbers and model names ("CC10", "Q3") are skipped; bare years come back as kind "year".
    """
    if not text:
        return []
    scan = _Scan(text, offset)
    out: list[Quantity] = []
    pos = last_end = 0
    has_digit = _HAS_DIGIT.search(text) is not None
    while True:
        m = _CANDIDATE.search(text, pos)
        if m is None:
            break
        blocked = scan.blocked_until(m.start()) if has_digit else 0
        if blocked:
            pos = blocked
            continue
        group = m.lastgroup
        if group == "mult":
            found, pos = [_multiplier(scan, m, last_end)], m.end()
        elif group == "ord":
            found, pos = [_ordinal(scan, m)], m.end()
        else:
            found, pos = _numbers(scan, m, last_end)
        for q in found:
            if q is not None:
                out.append(q)
                last_end = q.end - offset
        pos = max(pos, last_end, m.start() + 1)
    return _inherit_hedges(scan, out)

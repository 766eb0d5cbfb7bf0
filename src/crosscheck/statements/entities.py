"""Normalised keys for names, so 'Alibaba Group Holding' and 'Alibaba's' match 'Alibaba'."""

from __future__ import annotations

import functools
import re

from crosscheck.statements.lexicon import GROUP_NAMES, NAME_SUFFIXES

_POSSESSIVE = re.compile(r"['\u2019]s?(?=\s|$)")
_NON_WORD = re.compile(r"[^\w\s&.-]+")


def entity_key(name: str) -> str:
    """Lower-case, possessive and corporate suffixes dropped; '' when nothing is left."""
    words = _NON_WORD.sub(" ", _POSSESSIVE.sub("", name.lower())).split()
    words = [w.strip(".") for w in words if w.strip(".")]
    while words and words[0] == "the":
        words.pop(0)
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    return " ".join(words)


def same_name(a: str, b: str) -> bool:
    """Two keys name the same thing when equal or when one extends the other at the end.

    "alibaba" ~ "alibaba tv" and "pps" ~ "pps net tv"; but not "china" ~ "bank of china".
    """
    if not a or not b:
        return False
    if len(a) > len(b):
        a, b = b, a
    return a == b or (b.startswith(a) and b[len(a)] == " ")


_COMPACT = re.compile(r"[\s.\-&'\u2019]+")


def compact(key: str) -> str:
    """A key without spaces, dots, hyphens and ampersands: "pink news" and "pinknews" are one name."""
    return _COMPACT.sub("", key)


def same_entity(a: str, b: str, min_ratio: float = 92.0) -> bool:
    """Whether two keys name one entity written two ways: ``same_name``, the same letters once spacing,
    punctuation and hyphenation are dropped ("Pink News" / "PinkNews", "Kim Jong-un" / "Kim Jong Un"),
    or (names of six letters or more) a rapidfuzz ratio of at least ``min_ratio`` (a one-letter slip in a long
    name), or the same surname with each given name one letter apart (``_given_name_spelt_otherwise``)."""
    if same_name(a, b) or _surname_of(a, b) or _surname_of(b, a):
        return True
    if (a in GROUP_NAMES or b in GROUP_NAMES) and same_name(GROUP_NAMES.get(a, a), GROUP_NAMES.get(b, b)):
        return True  # "ISIS" / "Islamic State (IS)"
    wa, wb = a.split(), b.split()
    if len(wa) > 1 and sorted(wa) == sorted(wb):
        return True  # "Music Beats" / "Beats Music"
    if _initials_of(a, b) or _initials_of(b, a):
        return True  # "UN" / "United Nations", "NHL" / "National Hockey League"
    if _middle_left_out(a, b) or _middle_left_out(b, a):
        return True  # "Steven Sotloff" / "Steven Joel Sotloff"
    if _surname_with_particle(a, b) or _surname_with_particle(b, a):
        return True  # "Fernandez de Kirchner" / "Cristina Kirchner"
    if _ARTICLE.match(a) or _ARTICLE.match(b):
        return same_entity(_ARTICLE.sub("", a), _ARTICLE.sub("", b), min_ratio)  # "al-Baghdadi" / "Baghdadi"
    if _given_name_spelt_otherwise(wa, wb):
        return True  # "Iair Tawil" / "Yair Tawil", "Mohammed Ali" / "Mohammad Ali"
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return False
    if ca == cb:
        return True
    if min(len(ca), len(cb)) < 6:
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(ca, cb) >= min_ratio


_MINOR_WORDS = frozenset({"of", "the", "and", "for", "&"})


def _initials_of(short: str, long_: str) -> bool:
    """"un" of "united nations", "nhl" of "national hockey league": a one-word key that spells the initials
    of a name of two words or more (its minor words "of", "the", "and" counted or not)."""
    short = compact(short)
    words = [w for w in long_.replace("-", " ").split() if w]
    if len(words) < 2 or len(short) < 2 or " " in short:
        return False
    every = "".join(w[0] for w in words)
    major = "".join(w[0] for w in words if w not in _MINOR_WORDS)
    return short in (every, major)


def _middle_left_out(short: str, long_: str) -> bool:
    """"steven sotloff" of "steven joel sotloff", "cristina kirchner" of "christina fernández de kirchner": a
    first and a last name, the longer name (three or four words, no "of") the same two, the first name maybe
    spelt one letter apart, with middle names between."""
    ws, wl = short.split(), long_.split()
    return (len(ws) == 2 and 3 <= len(wl) <= 4 and "of" not in wl and all(w.isalpha() for w in ws)
            and ws[1] == wl[-1] and (ws[0] == wl[0] or _one_letter_apart(ws[0], wl[0])))


def _one_letter_apart(x: str, y: str) -> bool:
    """Two spellings of one given name ("cristina" / "christina", "iair" / "yair"): four letters or more each."""
    from rapidfuzz.distance import Levenshtein

    return min(len(x), len(y)) >= 4 and x.isalpha() and y.isalpha() and Levenshtein.distance(x, y) <= 1


_PARTICLES = frozenset({"de", "del", "della", "da", "di", "do", "dos", "van", "von", "der", "bin", "ibn", "y"})
_ARTICLE = re.compile(r"^(?:al|el)-(?=\w{3})")  # an Arabic name's article: "al-baghdadi" is "baghdadi"


def _surname_with_particle(short: str, long_: str) -> bool:
    """"fernandez de kirchner" of "christina kirchner", "von der leyen" of "ursula von der leyen": a name that is
    all surname (a word, a particle, a word: no given name) whose last word is the other name's last word."""
    ws, wl = short.split(), long_.split()
    return (len(ws) == 3 and ws[1] in _PARTICLES and len(wl) >= 2 and ws[-1] == wl[-1] and len(ws[-1]) >= 4
            and all(w.isalpha() for w in ws))


def _given_name_spelt_otherwise(wa: list[str], wb: list[str]) -> bool:
    """The same surname (three letters or more) and each given name one letter apart (four letters or more):
    a transliteration or a slip ("Iair" / "Yair", "Katherine" / "Catherine"), which the ratio of the whole
    name misses when the name is short (one letter replaced in nine is a ratio of 89)."""
    if len(wa) != len(wb) or len(wa) < 2 or wa[-1] != wb[-1] or len(wa[-1]) < 3 or wa == wb:
        return False
    return all(x == y or _one_letter_apart(x, y) for x, y in zip(wa[:-1], wb[:-1]))


_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "mx"})


def _surname_of(short: str, long_: str) -> bool:
    """"vorozhbitsyn" of "igor vorozhbitsyn", "clarke-murphy" of "ms clarke-murphy": the shorter name is
    the longer one's last words (a surname after a first name or a title). Not across "of" ("china" is
    not "bank of china") and only for names of up to four words."""
    ws, wl = short.split(), long_.split()
    wl = [w for w in wl if w not in _HONORIFICS] or wl
    ws = [w for w in ws if w not in _HONORIFICS] or ws
    if not ws or len(ws) >= len(wl) or len(wl) > 4 or "of" in wl:
        return ws == wl and bool(ws)
    return wl[-len(ws):] == ws


def shared_names(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> set[str]:
    """Keys of ``a`` that name something in ``b``: ``same_name`` with some key of ``b``.

    Called for every candidate pair (hundreds of thousands at 1,000 articles), so by set look-ups
    instead of every key against every key: ``x`` names ``y`` when they are equal, when ``x`` is one
    of ``y``'s word prefixes ("alibaba" of "alibaba tv") or ``y`` one of ``x``'s.
    """
    if not a or not b:
        return set()
    extended: set[str] = set()  # the proper word prefixes of b's keys
    for y in b:
        extended.update(_word_prefixes(y))
    return {x for x in a if x in b or x in extended or any(p in b for p in _word_prefixes(x))}


@functools.lru_cache(maxsize=1 << 16)
def _word_prefixes(key: str) -> tuple[str, ...]:
    """"pps net tv" -> ("pps", "pps net"): what ``same_name`` accepts as a shorter form of the key."""
    return tuple(key[:i] for i, ch in enumerate(key) if ch == " " and i > 0)

"""Normalised keys for names, so 'Alibaba Group Holding' and 'Alibaba's' match 'Alibaba'."""

from __future__ import annotations

import functools
import re

from crosscheck.statements.lexicon import NAME_SUFFIXES

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

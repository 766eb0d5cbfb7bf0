"""debunk: one outlet calls the story false ("a hoax", "fake", "no evidence") where another reports it as true.

Why: a refuting outlet rarely negates the affirming outlet's sentence word for word; it judges the
story in its own register ("we're counting down to the hoax bust", "the picture was photoshopped").
The cue is read in the debunking statement, and the other outlet's whole article must be free of any
such cue: a story whose outlets all call it a hoax is unanimous, not disputed. The pair must still be
aligned (the cue is about what the other outlet says), and one finding per debunking statement and
outlet is kept by the engine (the best-aligned counterpart).
"""

from __future__ import annotations

import functools
import re

from crosscheck.findings.kinds.base import Kind, Pair, Params, Verdict, rel
from crosscheck.nouns import Document, Statement
from crosscheck.statements.lexicon import CLAIM_NOUNS, DEBUNK_CUES

_NEGATED = re.compile(r"\b(not|no|n[’']t|never|nothing|nor)\b\W+(?:\w+\W+){0,2}$", re.IGNORECASE)
# words after a predicative "false"/"fake" that continue the clause ("the report was false and misleading")
_CONTINUES = frozenset({"and", "or", "but", "as", "by", "to", "in", "on", "after", "because", "according", "since",
                        "when", "from", "with", "too", "at", "for"})


class DebunkParams(Params):
    min_alignment: float = 0.4  # a debunk is worded apart from the claim it judges: a loose alignment suffices
    extra_cues: tuple[str, ...] = ()  # more regular expressions, matched as whole words, case-insensitive


@functools.lru_cache(maxsize=16)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(%s)\b" % "|".join((*DEBUNK_CUES, *extra)), re.IGNORECASE)


def debunk_cues(text: str, extra: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Character ranges of the cues that call something false, leaving out negated ones ("no hoax",
    "isn't fake") and "false"/"fake" before a noun that is not a report of the story ("false teeth")."""
    out = []
    for m in _pattern(extra).finditer(text):
        word = m.group(1).lower()
        if not word.startswith(("not ", "no ", "isn", "wasn")) and _NEGATED.search(text[max(0, m.start() - 25):m.start()]):
            continue
        if word in ("false", "fake"):
            following = re.match(r"\s+([a-z]+)", text[m.end():])
            if following and following.group(1) not in CLAIM_NOUNS | _CONTINUES:
                continue
        out.append((m.start(), m.end()))
    return out


@functools.lru_cache(maxsize=4096)
def _doubts(doc: Document, extra: tuple[str, ...]) -> bool:
    """Whether the article anywhere outside its web-page debris calls something false."""
    text, kept, last = doc.text, [], 0
    for span in sorted(doc.boilerplate, key=lambda s: s.start):
        kept.append(text[last:span.start])
        last = max(last, span.end)
    kept.append(text[last:])
    return any(debunk_cues(part, extra) for part in kept)


def _side(s: Statement, doc: Document) -> str:
    date = doc.published.isoformat() if doc.published else "undated"
    return f"{doc.outlet or doc.id} ({date})"


def check(pair: Pair, p: DebunkParams) -> list[Verdict]:
    if pair.same_document:
        return []
    for s, doc, other, other_doc, first in ((pair.a, pair.doc_a, pair.b, pair.doc_b, True),
                                            (pair.b, pair.doc_b, pair.a, pair.doc_a, False)):
        cues = debunk_cues(s.text, p.extra_cues)
        if not cues or debunk_cues(other.text, p.extra_cues) or _doubts(other_doc, p.extra_cues):
            continue
        start, end = cues[0]
        values = {"debunker": _side(s, doc), "cue": s.text[start:end], "reporter": _side(other, other_doc)}
        spans = tuple(rel(s, s.start + a, s.start + b) for a, b in cues)
        return [Verdict("contradiction", values, spans if first else (), () if first else spans, confidence=0.6)]
    return []


KIND = Kind("debunk", DebunkParams, frozenset({"debunker", "cue", "reporter"}), check=check,
            description="one outlet calls the story false (hoax, fake, no evidence); another reports it as true")

"""quote: the same quotation with altered words, or put in another speaker's mouth."""

from __future__ import annotations

import difflib
import re

from pydantic import Field
from rapidfuzz import fuzz

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict
from crosscheck.nouns import Span, Statement
from crosscheck.statements.entities import same_entity

_WORD = re.compile(r"\w+(?:['\u2019]\w+)?")


class QuoteParams(Params):
    min_alignment: float = 0.0
    same_quote_similarity: float = Field(80.0, ge=0, le=100)  # rapidfuzz partial ratio: one quote, two versions


# spellings of the same spoken words: a transcript's "they're" is another's "they are", "someone" "somebody"
_CONTRACTED = {"n't": ["not"], "'re": ["are"], "'ve": ["have"], "'ll": ["will"], "'m": ["am"], "'d": ["would"]}
_IRREGULAR = {"can't": ["can", "not"], "won't": ["will", "not"], "shan't": ["shall", "not"], "ain't": ["is", "not"],
              "let's": ["let", "us"]}
_IS = frozenset("it he she that there what who here where how".split())  # "it's": it is ("John's" stays)
_SAME_WORD = {"somebody": "someone", "anybody": "anyone", "everybody": "everyone", "nobody": "no one",
              "ok": "okay", "till": "until", "toward": "towards",
              # one group under each outlet's house style ("the tactics ISIS is using" / "... ISIL is using")
              "isil": "isis", "daesh": "isis"}
# an editor's "[sic]" inside a quote marks a slip as the speaker's own; it is not a word of the quote
_SIC = re.compile(r"\[\s*sic\s*\]", re.IGNORECASE)


def spoken_words(word: str) -> list[str]:
    """A quote's word as the words spoken: contractions expanded, two spellings of one word made one."""
    w = word.lower().replace("\u2019", "'")
    if w in _IRREGULAR:
        return list(_IRREGULAR[w])
    for tail, expanded in _CONTRACTED.items():
        if w.endswith(tail) and len(w) > len(tail):
            return [w[:-len(tail)], *expanded]
    if w.endswith("'s") and w[:-2] in _IS:
        return [w[:-2], "is"]
    return _SAME_WORD.get(w, w).split()


def quoted_passages(s: Statement) -> list[tuple[Span, list[str]]]:
    out = []
    for q in s.quotes:
        text = _SIC.sub(" ", s.text[q.start - s.start:q.end - s.start])
        out.append((Span(q.start - s.start, q.end - s.start), [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]))
    return out


def _spoken(words: list[str]) -> list[str]:
    return [x for w in words for x in spoken_words(w)]


_SLIGHT = frozenset("a an the this that and or of to in on at is was it".split())


def internal_changes(a: list[str], b: list[str]) -> list[str]:
    """Words replaced, inserted or dropped inside the quote; a quote cut short at either end is not altered,
    nor one whose only changes are small function words ("this is truly a" / "this is a truly")."""
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changes = []
    for n, (op, a0, a1, b0, b1) in enumerate(ops):
        if op == "equal":
            continue
        at_edge = n == 0 or n == len(ops) - 1
        if at_edge and (a0 == a1 or b0 == b1):  # truncation: one side simply stops earlier or starts later
            continue
        if set(a[a0:a1]) <= _SLIGHT and set(b[b0:b1]) <= _SLIGHT:
            continue
        old, new = " ".join(a[a0:a1]) or "(nothing)", " ".join(b[b0:b1]) or "(nothing)"
        changes.append(f"'{old}' -> '{new}'")
    return changes


def check(pair: Pair, p: QuoteParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document or not a.quotes or not b.quotes:
        return []
    for span_a, words_a in quoted_passages(a):
        for span_b, words_b in quoted_passages(b):
            if len(words_a) < 4 or len(words_b) < 4:
                continue
            ja, jb = " ".join(words_a), " ".join(words_b)
            if fuzz.token_set_ratio(ja, jb) < p.same_quote_similarity:
                continue
            speaker_a = a.attribution.source if a.attribution else ""
            speaker_b = b.attribution.source if b.attribution else ""
            # which quotes are one quote is judged on the words as written (as before); what changed, on
            # the words as spoken: "they're" / "they are" is no change
            diff = internal_changes(_spoken(words_a), _spoken(words_b))
            if diff:
                return [Verdict("contradiction", {"change": "; ".join(diff[:3]), "a_value": speaker_a,
                                                  "b_value": speaker_b}, (span_a,), (span_b,), confidence=0.85)]
            if _other_speaker(a, b):
                return [Verdict("contradiction", {"change": f"speaker {speaker_a} -> {speaker_b}",
                                                  "a_value": speaker_a, "b_value": speaker_b},
                                (span_a,), (span_b,), confidence=0.8)]
    return []


def _other_speaker(a: Statement, b: Statement) -> bool:
    """Whether the same words are put in another speaker's mouth: both speakers named (a person or an
    organisation, not "a spokesman"), not one entity written two ways, and neither named anywhere in the
    other statement ("a hospital spokesman said, according to The Mirror" still has the spokesman)."""
    sa, sb = a.attribution, b.attribution
    if sa is None or sb is None or not (sa.named and sb.named and sa.source and sb.source):
        return False
    if sa.source in sb.source or sb.source in sa.source or same_entity(sa.source, sb.source):
        return False
    if sa.source not in b.text.lower() and sb.source not in a.text.lower():
        # "Fan's lover said": a speaker described through someone else's name is not that someone
        return not any(f"{x.source}'s" in y.text.lower().replace("\u2019", "'") for x, y in ((sa, a), (sb, b)))
    return False


KIND = Kind("quote", QuoteParams, frozenset({"change", "a_value", "b_value"}), check=check,
            description="same quotation, altered words or another speaker")

"""quote: the same quotation with altered words, or put in another speaker's mouth."""

from __future__ import annotations

import difflib
import re

from pydantic import Field
from rapidfuzz import fuzz

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict
from crosscheck.nouns import Span, Statement
from crosscheck.statements.entities import same_entity
from crosscheck.statements.lexicon import GROUP_NAMES

# what a quote's words are read as: a word, or an editor's mark standing for words of the speaker's that are
# left out ("procedures\u2026nor", "procedures...nor") or put in other words ("[the] police", "[Hasson]")
_TOKEN = re.compile(r"\[[^\]]{0,40}\]|\u2026|\.\s?\.\s?\.|\w+(?:['\u2019]\w+)?")
GAP = "\u2026"  # the word list's mark for such an edit: it stands for any words, or none


class QuoteParams(Params):
    min_alignment: float = 0.0
    same_quote_similarity: float = Field(80.0, ge=0, le=100)  # rapidfuzz token-set ratio: one quote, two versions
    # share of the shorter quote's words found in order in the longer one: below it, two quotes that share
    # many words are two passages of one speech ("Insurgents attacked the check-point and killed my son ..." /
    # "I went to the check post and began shooting back"), not one quote altered
    same_quote_words: float = Field(0.7, ge=0, le=1)


# spellings of the same spoken words: a transcript's "they're" is another's "they are", "someone" "somebody"
_CONTRACTED = {"n't": ["not"], "'re": ["are"], "'ve": ["have"], "'ll": ["will"], "'m": ["am"], "'d": ["would"]}
_IRREGULAR = {"can't": ["can", "not"], "won't": ["will", "not"], "shan't": ["shall", "not"], "ain't": ["is", "not"],
              "let's": ["let", "us"]}
_IS = frozenset("it he she that there what who here where how".split())  # "it's": it is ("John's" stays)
_SAME_WORD = {"somebody": "someone", "anybody": "anyone", "everybody": "everyone", "nobody": "no one",
              "ok": "okay", "till": "until", "toward": "towards",
              # one group under each outlet's house style ("the tactics ISIS is using" / "... ISIL is using")
              **{form: name for form, name in GROUP_NAMES.items() if " " not in form}}
_GROUP = GROUP_NAMES["isis"].split()  # the group's name as quote words: "IS" in a quote may stand for it
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
    """Each quotation of the statement with its words, lower-cased; an editor's ellipsis or bracketed
    words become ``GAP``."""
    out = []
    for q in s.quotes:
        text = _SIC.sub(" ", s.text[q.start - s.start:q.end - s.start])
        words = [GAP if t[0] in "[.\u2026" else t.lower().replace("\u2019", "'") for t in _TOKEN.findall(text)]
        out.append((Span(q.start - s.start, q.end - s.start), words))
    return out


def _spoken(words: list[str]) -> list[str]:
    return [x for w in words for x in spoken_words(w)]


_SLIGHT = frozenset("a an the this that and or of to in on at is was it".split())


# British and American spellings of one word: harbour / harbor, centre / center, realise / realize, travelled /
# traveled, defence / defense, catalogue / catalog (each outlet's house style, not the speaker's words)
_SPELLINGS = ((re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"), (re.compile(r"tre(s|d)?$"), r"ter\1"),
              (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"), (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
              (re.compile(r"(?<=\w{4})ll(ed|ing|er|ers)$"), r"l\1"), (re.compile(r"ence$"), "ense"), (re.compile(r"ogue$"), "og"))


def house_spelling(x: str, y: str) -> bool:
    """Whether two different words of five letters or more are one word in British and American spelling, or one
    word misspelt by letters in the wrong order ("passerbys" / "passersby", "recieve" / "receive": seven letters or
    more, the same letters, the same first two)."""
    if x == y or min(len(x), len(y)) < 5:
        return x == y
    for pattern, american in _SPELLINGS:
        if pattern.sub(american, x) == pattern.sub(american, y):
            return True
    return len(x) >= 7 and x[:2] == y[:2] and sorted(x) == sorted(y)


def internal_changes(a: list[str], b: list[str]) -> list[str]:
    """Words replaced, inserted or dropped inside the quote; a quote cut short at either end is not altered,
    nor one whose only changes are small function words ("this is truly a" / "this is a truly"), words
    an editor marked as left out or put in other words (``GAP``), a word written apart or hyphenated
    ("check-point" / "checkpoint"), or words moved ("silently slipped away" / "slipped silently away")."""
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    dropped = [tuple(a[a0:a1]) for op, a0, a1, b0, b1 in ops if op == "delete"]
    added = [tuple(b[b0:b1]) for op, a0, a1, b0, b1 in ops if op == "insert"]
    moved = set(dropped) & set(added)
    changes = []
    for n, (op, a0, a1, b0, b1) in enumerate(ops):
        if op == "equal":
            continue
        at_edge = n == 0 or n == len(ops) - 1
        if at_edge and (a0 == a1 or b0 == b1):  # truncation: one side simply stops earlier or starts later
            continue
        if set(a[a0:a1]) <= _SLIGHT and set(b[b0:b1]) <= _SLIGHT:
            continue
        if set(a[a0:a1]) == {GAP} or set(b[b0:b1]) == {GAP} or "".join(a[a0:a1]) == "".join(b[b0:b1]):
            continue
        if a1 - a0 == b1 - b0 and all(map(house_spelling, a[a0:a1], b[b0:b1])):
            continue
        if sorted((a[a0:a1], b[b0:b1])) == [["is"], _GROUP]:
            continue  # "the IS terrorist network" / "the ISIL terrorist network": the group, lower-cased
        if op in ("delete", "insert") and (tuple(a[a0:a1]) or tuple(b[b0:b1])) in moved:
            continue
        old, new = " ".join(a[a0:a1]) or "(nothing)", " ".join(b[b0:b1]) or "(nothing)"
        changes.append(f"'{old}' -> '{new}'")
    return changes


_VERBATIM_RUN = 5  # this many words in a row, word for word, make two quotes one however much else differs


def one_quote(a: list[str], b: list[str], share: float) -> bool:
    """Whether two quotes are one quote in two versions rather than two passages of one speech: ``share`` of
    the shorter one's words (editor's marks aside) are the other's in the same order, a word or two put in
    another's place counting as kept ("called like 50 or 60" / "called 53 or 60"), or a run of
    ``_VERBATIM_RUN`` words is the same ("our thoughts and prayers, first and foremost, are with his family" /
    "... are with Mr. Sotloff and Mr. Sotloff's family"); but not when more words stand between two shared runs
    than the shorter quote has (at least ``_VERBATIM_RUN``)."""
    a, b = [w for w in a if w != GAP], [w for w in b if w != GAP]
    if not a or not b:
        return False
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    if any(op != "equal" and 0 < n < len(ops) - 1 and max(a1 - a0, b1 - b0) >= max(_VERBATIM_RUN, min(len(a), len(b)))
           for n, (op, a0, a1, b0, b1) in enumerate(ops)):
        # more words between two shared runs than the shorter quote has: two passages that share a phrase ("We
        # cannot confirm these reports." / "We don't have any representation inside Syria, and so it is difficult
        # to confirm these reports.")
        return False
    kept = 0
    for op, a0, a1, b0, b1 in ops:
        if op == "equal" and a1 - a0 >= _VERBATIM_RUN:
            return True
        if op == "equal" or (op == "replace" and a1 - a0 <= 2 and b1 - b0 <= 2):
            kept += min(a1 - a0, b1 - b0)
    return kept >= share * min(len(a), len(b))


def check(pair: Pair, p: QuoteParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document or not a.quotes or not b.quotes:
        return []
    # each quote read once: its span, its words as written (gaps aside, which quotes are one is judged on them)
    # and as spoken (what changed in it is judged on those)
    quotes_a, quotes_b = ([(span, " ".join(w for w in words if w != GAP), _spoken(words))
                           for span, words in quoted_passages(s) if len(words) >= 4] for s in (a, b))
    for span_a, ja, spoken_a in quotes_a:
        for span_b, jb, spoken_b in quotes_b:
            if fuzz.token_set_ratio(ja, jb) < p.same_quote_similarity:
                continue
            if not one_quote(spoken_a, spoken_b, p.same_quote_words):
                continue
            speaker_a = a.attribution.source if a.attribution else ""
            speaker_b = b.attribution.source if b.attribution else ""
            # what changed is read on the words as spoken: "they're" / "they are" is no change
            diff = internal_changes(spoken_a, spoken_b)
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
    if _relayed(a) or _relayed(b):
        return False
    if sa.source in sb.source or sb.source in sa.source or same_entity(sa.source, sb.source):
        return False
    if sa.source not in b.text.lower() and sb.source not in a.text.lower():
        # "Fan's lover said": a speaker described through someone else's name is not that someone
        return not any(f"{x.source}'s" in y.text.lower().replace("\u2019", "'") for x, y in ((sa, a), (sb, b)))
    return False


# '"...," he said, according to the Daily Mail': the words are his, the outlet named only carried them
_RELAY = re.compile(r"\b(?:he|she|they|i|we)\s+(?:said|says|stated|states|told|tells|added|adds|wrote|writes|explained"
                    r"|recalled|continued)\b", re.IGNORECASE)


def _relayed(s: Statement) -> bool:
    """Whether the statement's named source is only the outlet or agency that carried someone's words."""
    return s.attribution is not None and s.attribution.cue == "according to" and bool(_RELAY.search(s.text))


KIND = Kind("quote", QuoteParams, frozenset({"change", "a_value", "b_value"}), check=check,
            description="same quotation, altered words or another speaker")

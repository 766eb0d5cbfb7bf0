"""What every rule kind shares: the pair it looks at, the verdict it returns, its declaration."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from crosscheck.nouns import Alignment, Document, Span, Statement


class Params(BaseModel):
    """Base of every kind's parameters: strict, unknown keys rejected (as Vale decodes rules)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_alignment: float = 0.5  # alignment score the pair needs before this rule looks at it


class Neighbours:
    """Each statement's aligned statements in other documents, for a rule that must know what else an outlet
    says about the same thing (POL02: an outlet that itself denies the story does not report it as true).
    Built on first use from the run's alignments: most runs' rules never ask."""

    def __init__(self, alignments: Sequence[Alignment], statements: Mapping[str, Statement]) -> None:
        self._alignments, self._statements = alignments, statements
        self._index: dict[str, list[tuple[str, float]]] | None = None

    def of(self, statement_id: str, document: str, min_score: float) -> list[Statement]:
        """The statements of ``document`` aligned with ``statement_id`` at ``min_score`` or more."""
        if self._index is None:
            index: dict[str, list[tuple[str, float]]] = {}
            for al in self._alignments:
                index.setdefault(al.a, []).append((al.b, al.score))
                index.setdefault(al.b, []).append((al.a, al.score))
            self._index = index
        found = (self._statements[x] for x, score in self._index.get(statement_id, ()) if score >= min_score)
        return [s for s in found if s.document == document]


@dataclass(frozen=True)
class Pair:
    """Two aligned statements, ``a`` from the earlier article (by publication date)."""

    a: Statement
    b: Statement
    doc_a: Document
    doc_b: Document
    alignment: Alignment
    # the contradiction model's (agreement, neutral, contradiction) probabilities, when it judged the pair
    judgement: tuple[float, float, float] | None = None
    # a lead claim against another outlet's closest statement (verdicts/judge.py), not an aligned pair
    claim_pair: bool = False
    # the run's alignments, for the rules that look past the pair (None where a pair is judged alone)
    neighbours: Neighbours | None = field(default=None, compare=False)

    @property
    def same_document(self) -> bool:
        return self.doc_a.id == self.doc_b.id


@dataclass(frozen=True)
class Verdict:
    """What a rule concluded about a pair; the engine turns it into a Finding."""

    kind: str  # contradiction | agreement | discrepancy | update | single_source
    values: dict[str, Any] = field(default_factory=dict)  # fields for the message template
    highlights_a: tuple[Span, ...] = ()  # offsets into a.text
    highlights_b: tuple[Span, ...] = ()
    confidence: float = 1.0
    # one side is a named party's denial (or disowned plan) that the other side's outlet affirms: NLI calls
    # "X denied reports that P" against "P" neutral by construction (a denial does not entail not-P), so the
    # contradiction model's neutral judgement does not overrule such a dispute (its agreement still does)
    named_dispute: bool = False


@dataclass(frozen=True)
class Kind:
    """A rule kind: its parameter schema, the message fields it fills, and its check."""

    name: str
    params: type[Params]
    fields: frozenset[str]
    check: Callable[[Pair, Any], Sequence[Verdict]] | None = None
    # story-scoped kinds look at all statements of a story instead of aligned pairs
    check_story: Callable[..., Sequence[tuple[Statement, Verdict]]] | None = None
    description: str = ""
    # also reads the pairs proposed beside alignment (lead claims, refutations): ``Pair.claim_pair``
    reads_claim_pairs: bool = False
    # the finding kinds whose verdict confidence is a probability measured for the kind itself (the model's, or
    # the share of its findings that were right on labelled real news): it is the finding's score, and the
    # combiner, which never saw the kind or scored it no better than chance, does not rescore it
    measured_kinds: frozenset[str] = frozenset()
    # the check reads the contradiction model's judgement of the pair (``Pair.judgement``); the others' verdicts
    # do not change once the model has judged, so a run computes them once (``engine.PairMemo``)
    reads_judgement: bool = False
    # how the kind judges a draft claim against a source statement (``crosscheck check DRAFT --against``) where
    # that differs from ``check``; None: ``check``
    check_draft: Callable[[Pair, Any], Sequence[Verdict]] | None = None

    def draft_verdicts(self, pair: Pair, params: Any) -> Sequence[Verdict]:
        """The kind's verdicts on a draft claim (``pair.b``) against a source statement: ``check_draft`` where
        the kind has one, else ``check``."""
        return (self.check_draft or self.check)(pair, params)  # type: ignore[misc]

    def measures(self, finding_kind: str) -> bool:
        """Whether this kind's verdicts of ``finding_kind`` carry a measured probability (kept as the score)."""
        return finding_kind in self.measured_kinds


COMMON_FIELDS = frozenset({"a_outlet", "b_outlet", "a_date", "b_date", "a_text", "b_text"})


def rel(statement: Statement, start: int, end: int) -> Span:
    """A document-offset range as a span relative to the statement's text."""
    return Span(max(0, start - statement.start), max(0, min(len(statement.text), end - statement.start)))


def cue_span(statement: Statement) -> Span | None:
    """The statement's negation or denial cue as a span of its own text, or None where it has none. Why: the
    cue's offsets are the document's, and reading them as the sentence's works only for an article's first
    sentence (POL02's verbless denials did, until 2026-12-04)."""
    p = statement.polarity
    return rel(statement, p.start, p.end) if p.start >= 0 else None


_WORDS = re.compile(r"\w+")


def same_words(a: str, b: str) -> bool:
    """The same words in the same order, whatever the quotes, dashes and case: a reprint. Two outlets
    printing one sentence say one thing, even where its relative dates resolve to different days."""
    return _WORDS.findall(a.lower().replace("\u2019", "'")) == _WORDS.findall(b.lower().replace("\u2019", "'"))


# words that carry no claim: function words, and the nouns a claim is wrapped in ("reports that ...")
NOT_CONTENT = frozenset("""a an the and or but nor of to in on at for with by from as is are was were be been being it
its this that these those he she they we you i his her their our your them him us me not no do does did has have had
will would can could may might shall should about after before over under than then there here what which who whom
whose when where why how said says say also just ever even actually really more most some any all into out up down
off so if claim claims report reports reported rumour rumours rumor rumors allegation allegations story stories
suggestion suggestions""".split())
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")


def stem(word: str) -> str:
    """A crude stem, enough to meet "fired" / "fire" and "werewolves" / "werewolf" across two statements."""
    for suffix, instead in (("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ves", "f"), ("ed", ""),
                            ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[:-len(suffix)] + instead
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words: what two statements must share to be about one thing."""
    return {stem(w) for w in (m.group(0).lower() for m in _CONTENT_WORD.finditer(text)) if w not in NOT_CONTENT}

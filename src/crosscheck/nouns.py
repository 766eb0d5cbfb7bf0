"""The nouns of the pipeline, one frozen dataclass each.

Every stage reads the nouns of the stage before it and produces its own; nothing here
imports a stage, so these types are the only thing all stages share.
Offsets (``start``/``end``) are character offsets into ``Document.text``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "info"]
FindingKind = Literal["contradiction", "agreement", "discrepancy", "update", "unsupported", "disputed", "single_source"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Span:
    """A half-open character range into a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One article as loaded: metadata plus the body text that all offsets point into."""

    id: str
    path: str
    title: str
    outlet: str
    published: dt.date | None
    url: str
    text: str
    # line of ``text``'s first character in the file (1-based), for file:line locations
    first_line: int = 1
    # paragraphs judged to be web-page debris: kept in ``text`` (offsets stay true), never read
    boilerplate: tuple[Span, ...] = ()
    # inline suppressions: rule ids (or "all") disabled for a span of the text
    suppressions: tuple[tuple[Span, str], ...] = ()

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the source file of a character offset into ``text``."""
        before = self.text[:offset]
        line = before.count("\n")
        col = offset - (before.rfind("\n") + 1)
        return self.first_line + line, col + 1


@dataclass(frozen=True)
class Quantity:
    """A number as normalised: '8 million users', 'RMB10bn', 'more than 44 percent'.

    ``low``/``high`` is the interval the wording admits: a hedge widens it
    ("more than 8 million" is (8e6, inf)), an exact figure is a point widened by rounding.
    """

    start: int
    end: int
    text: str
    value: float
    kind: Literal["money", "percent", "count", "multiplier", "year", "ordinal"]
    unit: str = ""  # ISO currency code for money ("USD", "CNY"), "%" for percent, else a noun lemma
    hedge: str = ""  # "", "more_than", "less_than", "about", "at_least", "at_most", "up_to"
    low: float = -math.inf
    high: float = math.inf
    # lemmas of the words the figure is about (its syntactic head chain and their subjects/objects),
    # filled by the statements stage so rules compare "46% penetration" only with another penetration
    frame: tuple[str, ...] = ()
    # names on the noun a count counts, lowercased: "isis" in "100 ISIS fighters", "kurdish" in "nine Kurdish
    # fighters" (the rules tell two groups apart by them)
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DateMention:
    """A date or time expression resolved against the article's publication date."""

    start: int
    end: int
    text: str
    value: dt.date | None
    granularity: Literal["day", "month", "year", "quarter", "unknown"] = "unknown"
    # lemma of the verb the date belongs to ("say" in "the carrier said on Sunday", "sting" in "stung a passenger
    # on Saturday"): which event it dates; "" when the parse gives none
    anchor: str = ""
    # the named place that verb has ("Camp Edwards" in "arrived at Camp Edwards on Sept. 11"), lower case; "" if none
    place: str = ""


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label: ORG, PERSON, GPE, ...
    key: str = ""  # normalised form used for matching ("alibaba group" -> "alibaba")


@dataclass(frozen=True)
class Attribution:
    """Who a statement is sourced to: 'according to IDC', 'Alibaba said'."""

    source: str
    cue: str
    start: int = -1
    end: int = -1
    named: bool = False  # a named organisation or person, not "the company" or "people familiar"
    name: str = ""  # as written ("IDC"); ``source`` is the matching key ("idc")

    @property
    def display(self) -> str:
        return self.name or self.source


@dataclass(frozen=True)
class Polarity:
    """Whether the statement affirms or negates its main claim, and the word that says so."""

    negated: bool = False
    denial: bool = False  # a denial verb: denied, rejected, refuted ...
    cue: str = ""
    start: int = -1
    end: int = -1
    scope: str = ""  # lemma of the verb the negation or denial applies to ("join" in "denied joining")


@dataclass(frozen=True)
class Statement:
    """A sentence of a document with everything the rules compare."""

    id: str  # "<document id>:<index>"
    document: str
    index: int
    start: int
    end: int
    text: str
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    entities: tuple[Entity, ...] = ()
    polarity: Polarity = field(default_factory=Polarity)
    attribution: Attribution | None = None
    modality: Literal["asserted", "planned", "hedged", "reported"] = "asserted"
    lemmas: tuple[str, ...] = ()  # content-word lemmas, lower case
    predicates: tuple[str, ...] = ()  # lemmas of the main verbs (root and its conjuncts)
    quotes: tuple[Span, ...] = ()  # quoted passages inside the sentence

    @property
    def embedding_text(self) -> str:
        """What the encoder reads: the claim, with the subject it shares with the claim before it and the
        sentence it leans on, if any."""
        return " ".join(part for part in (self.context, self.subject, self.text) if part)
    # (predicate lemma, "subject"|"object", entity key): who did what to whom
    roles: tuple[tuple[str, str, str], ...] = ()
    # the sentence before, when this one leans on it ("These include Skyworth, Haier."): used to embed
    context: str = ""
    contrast: bool = False  # opens with a turn ("However", "But", "Now"): it may revise what came before
    # the second claim of a sentence whose own subject is a pronoun: the sentence's subject ("Shoppers" for
    # "they can also track deliveries"), read by the encoder; the claim stands on its own, unlike ``context``
    subject: str = ""
    # a claim of a sentence that makes two: the rest of the sentence before and after it, so that a report
    # shows the whole sentence with the claim marked (both empty when the statement is its whole sentence)
    before: str = ""
    after: str = ""

    @property
    def check_worthy(self) -> bool:
        """A claim an editor would verify: it carries a figure, a date or a named actor."""
        return bool(self.quantities or self.dates or any(e.label in _ACTOR_LABELS for e in self.entities))


_ACTOR_LABELS = frozenset({"ORG", "PERSON", "GPE", "NORP", "PRODUCT", "FAC", "EVENT"})


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    """Two statements from different documents of one story that talk about the same thing."""

    a: str  # statement id
    b: str
    score: float
    cosine: float
    lexical: float
    entity_overlap: float


@dataclass(frozen=True)
class StatementRef:
    """A statement as a finding cites it: enough to show it and point at it."""

    document: str
    statement: str
    text: str
    start: int
    end: int
    highlights: tuple[Span, ...] = ()  # offsets into ``text`` of the parts that differ / match
    # the rest of the sentence around a claim (see Statement.before/after): shown, not judged
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Finding:
    id: str  # stable fingerprint
    kind: FindingKind
    rule: str
    level: Level
    story: str
    message: str
    score: float
    statements: tuple[StatementRef, ...]


@dataclass(frozen=True)
class InputProblem:
    """A file that could not be read, and why; the run goes on without it."""

    path: str
    code: str
    message: str
    line: int | None = None


ClaimVerdictName = Literal["supported", "contradicted", "disputed", "unsupported"]
Stance = Literal["supports", "contradicts", "disputes"]
CLAIM_VERDICTS: tuple[ClaimVerdictName, ...] = ("supported", "contradicted", "disputed", "unsupported")


@dataclass(frozen=True)
class Evidence:
    """A source sentence behind a draft claim's verdict.

    ``stance``: it supports the draft's claim, contradicts it, or disputes a source that supports it.
    """

    statement: StatementRef  # highlights: the words that match (or differ from) the draft's
    stance: Stance
    rule: str = ""  # "" when the source is only close in meaning


@dataclass(frozen=True)
class CheckedClaim:
    """One check-worthy claim of a draft, as the editor's checklist shows it."""

    statement: StatementRef  # the draft's sentence; highlights on the figures, dates or names that matter
    verdict: ClaimVerdictName
    explanation: str  # one sentence a journalist would write
    rule: str = ""  # the rule behind the verdict; "" for a claim no source carries
    finding: str = ""  # id of the finding that the gate counts for this claim
    evidence: tuple[Evidence, ...] = ()
    disagreements: tuple[str, ...] = ()  # the sources' own findings (messages) that bear on this claim


@dataclass(frozen=True)
class Checklist:
    """A draft checked against its sources: every claim once, in the draft's order."""

    draft: str  # document id of the draft
    name: str  # the draft's title, else its file name
    sources: tuple[str, ...]  # the source paths as given
    claims: tuple[CheckedClaim, ...]
    # the sources' own contradictions, updates and discrepancies that bear on no claim of the draft
    other_disagreements: int = 0


@dataclass(frozen=True)
class Report:
    documents: tuple[Document, ...]
    stories: tuple[Story, ...]
    findings: tuple[Finding, ...]
    problems: tuple[InputProblem, ...] = ()
    statement_count: int = 0
    checklist: Checklist | None = None  # a draft check's checklist (``check DRAFT --against SOURCES``)

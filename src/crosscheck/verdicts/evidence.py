"""Analyses -> evidence: the aligned statement pairs of each story, as the combiner reads them.

Why a separate noun: features are computed from the pairs the alignment stage produced and the
verdicts the rules give them, so training, ``eval`` and ``check`` must see exactly the same pairs.
An ``Evidence`` keeps them (plain frozen dataclasses, picklable), which lets training extract
them once (the costly part: spaCy and the encoder) and iterate on features and models cheaply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from crosscheck.verdicts.rules.engine import make_pair
from crosscheck.verdicts.rules.kinds.base import Neighbours, Pair
from crosscheck.nouns import Alignment, Document, Statement, Story


@dataclass(frozen=True)
class Evidence:
    """The cross-document aligned pairs of one story, with each document's statement count."""

    story: str
    pairs: tuple[Pair, ...]
    sizes: tuple[tuple[str, int], ...]  # (document id, statements), for positions within an article
    # the statements of the story's documents, in order: the model reads a premise's neighbour from them
    # (verdicts/judge.py: ``premise_text``), so training judges a pair as the run does
    statements: tuple[Statement, ...] = ()

    def size_of(self, document: str) -> int:
        return dict(self.sizes).get(document, 0)


def statement_counts(statements: Sequence[Statement]) -> dict[str, int]:
    """Statements per document id (the position feature reads a statement's index against it)."""
    return dict(Counter(s.document for s in statements))


def story_evidence(stories: Sequence[Story], documents: Sequence[Document], statements: Sequence[Statement],
                   alignments: Sequence[Alignment]) -> dict[str, Evidence]:
    """Evidence per story id: every alignment between two different documents of the story."""
    by_stmt = {s.id: s for s in statements}
    by_doc = {d.id: d for d in documents}
    story_of = {d: st.id for st in stories for d in st.documents}
    sizes = statement_counts(statements)
    pairs: dict[str, list[Pair]] = {st.id: [] for st in stories}
    members: dict[str, list[Statement]] = {st.id: [] for st in stories}
    for s in statements:
        if s.document in story_of:
            members[story_of[s.document]].append(s)
    neighbours = Neighbours(alignments, by_stmt)  # the rules' features read what the rules read at run time
    for al in alignments:
        da, db = by_stmt[al.a].document, by_stmt[al.b].document
        if da == db or da not in story_of:
            continue
        pairs[story_of[da]].append(make_pair(al, by_stmt, by_doc, neighbours=neighbours))
    return {st.id: Evidence(st.id, tuple(pairs[st.id]), tuple((d, sizes.get(d, 0)) for d in st.documents),
                            tuple(members[st.id])) for st in stories}

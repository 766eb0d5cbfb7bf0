"""Documents -> stories: articles grouped by what they cover.

How news aggregators group coverage, in three signals: the headline and lead (embedded
together: what the article says it is about), the body (each sentence's best match in the other
article, averaged both ways), and distinctive names (tf-idf weighted, so a company that every
article mentions links nothing by itself). Articles further apart in time than ``max_gap_days``
are never one story: a story never mixes unrelated articles that merely share a company name.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crosscheck.nouns import Document, Statement, Story

NAME_LABELS = frozenset({"ORG", "PERSON", "PRODUCT", "GPE", "EVENT", "FAC", "WORK_OF_ART", "PROPN", "NORP"})


@dataclass(frozen=True)
class StoryParams:
    threshold: float = 0.42  # average-link similarity needed to join two groups
    headline_weight: float = 0.5
    content_weight: float = 0.3
    name_weight: float = 0.2
    max_gap_days: int = 365  # articles further apart than this are never one story


def headline_text(doc: Document, statements: Sequence[Statement]) -> str:
    """What the article says it is about: its title and its first sentence."""
    lead = next((s.text for s in statements if s.document == doc.id), "")
    return f"{doc.title}. {lead}".strip(". ") if doc.title else lead


def content_similarity(a_vecs: np.ndarray, b_vecs: np.ndarray) -> float:
    """Mean best-match cosine of each article's sentences in the other, averaged both ways."""
    if not len(a_vecs) or not len(b_vecs):
        return 0.0
    sim = a_vecs @ b_vecs.T
    return float((sim.max(axis=1).mean() + sim.max(axis=0).mean()) / 2)


def name_vectors(documents: Sequence[Document], statements: Sequence[Statement]) -> list[dict[str, float]]:
    """tf-idf weighted, unit-length bags of entity keys per document."""
    counts = [Counter() for _ in documents]
    index = {d.id: i for i, d in enumerate(documents)}
    for s in statements:
        for e in s.entities:
            if e.label in NAME_LABELS and e.key:
                counts[index[s.document]][e.key] += 1
    df = Counter(k for c in counts for k in c)
    n = len(documents)
    out = []
    for c in counts:
        vec = {k: (1 + math.log(v)) * math.log((1 + n) / (1 + df[k])) for k, v in c.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        out.append({k: x / norm for k, x in vec.items() if x > 0})
    return out


def similarity_matrix(documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                      headlines: np.ndarray, params: StoryParams = StoryParams()) -> np.ndarray:
    """Pairwise story similarity of documents, 0 for pairs too far apart in time."""
    rows: dict[str, list[int]] = {d.id: [] for d in documents}
    for i, s in enumerate(statements):
        rows[s.document].append(i)
    names = name_vectors(documents, statements)
    head = headlines @ headlines.T
    n = len(documents)
    sim = np.eye(n, dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = documents[i].published, documents[j].published
            if a and b and abs((a - b).days) > params.max_gap_days:
                continue
            shared = sum(w * names[j].get(k, 0.0) for k, w in names[i].items())
            value = (params.headline_weight * float(head[i, j])
                     + params.content_weight * content_similarity(vectors[rows[documents[i].id]],
                                                                  vectors[rows[documents[j].id]])
                     + params.name_weight * shared)
            sim[i, j] = sim[j, i] = value
    return sim


def group_stories(documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                  headlines: np.ndarray, params: StoryParams = StoryParams()) -> list[Story]:
    """Average-link agglomerative grouping; stories ordered by their earliest article."""
    if not documents:
        return []
    sim = similarity_matrix(documents, statements, vectors, headlines, params)
    groups: list[list[int]] = [[i] for i in range(len(documents))]
    while len(groups) > 1:
        best, pair = params.threshold, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                link = float(np.mean(sim[np.ix_(groups[x], groups[y])]))
                if link >= best:
                    best, pair = link, (x, y)
        if pair is None:
            break
        x, y = pair
        groups[x] = sorted(groups[x] + groups[y])
        del groups[y]

    def order(doc_index: int) -> tuple:
        d = documents[doc_index]
        return (d.published.isoformat() if d.published else "9999", d.id)

    groups = [sorted(g, key=order) for g in groups]
    groups.sort(key=lambda g: order(g[0]))
    return [Story(id=f"story-{n}", title=documents[g[0]].title or documents[g[0]].id,
                  documents=tuple(documents[i].id for i in g))
            for n, g in enumerate(groups, start=1)]

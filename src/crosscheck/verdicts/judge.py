"""Which aligned pairs the contradiction model judges, and its judgements, cached by text hash.

Why not every alignment: the 1,000-article bench corpus yields ~238k alignments, and the model
judges ~100 pairs/s on two cores. It judges the pairs a verdict can hang on: cross-document pairs
aligned at least as well as the loosest conflict rule asks (``min_alignment``), and of those only
each statement's best ``per_statement`` counterparts in each other document. Pairs within one
article are left to the rules (updates, context).

Judgements are cached like embeddings (sqlite, keyed by the model's version and both texts), so a
warm run touches no model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from crosscheck.nouns import Alignment, Document, Statement

Judgement = tuple[float, float, float]  # agreement, neutral, contradiction


class PairModel(Protocol):
    version: str

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


class JudgementCache:
    """sqlite store of the three probabilities, keyed by model version and both texts."""

    def __init__(self, directory: Path) -> None:
        from crosscheck.embeddings import _Store

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._store = _Store(directory / "judgements.sqlite3", "nli")

    @staticmethod
    def key(version: str, a: str, b: str) -> str:
        return hashlib.sha256(f"{version}\0{a}\0{b}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, Judgement]:
        out = {}
        for key, (dim, data) in self._store.get_many(keys).items():
            if dim == 3 and len(data) == 12:
                p = np.frombuffer(data, np.float32)
                if np.all(np.isfinite(p)) and abs(float(p.sum()) - 1) < 1e-3:
                    out[key] = tuple(float(x) for x in p)
        return out

    def put_many(self, items: Sequence[tuple[str, Judgement]]) -> None:
        self._store.put_many([(k, 3, np.asarray(v, np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self._store.close()


def pairs_to_judge(alignments: Sequence[Alignment], statements: Mapping[str, Statement], min_alignment: float,
                   per_statement: int) -> list[Alignment]:
    """Cross-document alignments at or above ``min_alignment``, each statement's best few per other document."""
    best: dict[tuple[str, str], list[Alignment]] = {}
    for al in alignments:
        a, b = statements[al.a], statements[al.b]
        if a.document == b.document or al.score < min_alignment:
            continue
        for mine, other in ((a, b), (b, a)):
            best.setdefault((mine.id, other.document), []).append(al)
    keep: dict[tuple[str, str], Alignment] = {}
    for found in best.values():
        for al in sorted(found, key=lambda x: (-x.score, x.a, x.b))[:per_statement]:
            keep[(al.a, al.b)] = al
    return [keep[k] for k in sorted(keep)]


def judge(model: PairModel, pairs: Sequence[tuple[str, str]], cache: JudgementCache | None = None,
          progress: Callable[[int, int], None] | None = None) -> list[Judgement]:
    """The model's probabilities for each (a, b), from the cache where it has them."""
    keys = [JudgementCache.key(model.version, a, b) for a, b in pairs]
    found = cache.get_many(keys) if cache else {}
    todo = sorted({k: p for k, p in zip(keys, pairs) if k not in found}.items())
    if todo:
        if progress:
            progress(0, len(todo))
        probs = model.probabilities([p for _, p in todo])
        fresh = [(k, tuple(float(x) for x in row)) for (k, _), row in zip(todo, probs)]
        found.update(fresh)
        if cache:
            cache.put_many(fresh)
        if progress:
            progress(len(todo), len(todo))
    return [found[k] for k in keys]


def judge_alignments(model: PairModel, alignments: Sequence[Alignment], statements: Sequence[Statement],
                     documents: Sequence[Document], min_alignment: float, per_statement: int = 2,
                     cache: JudgementCache | None = None, progress: Callable[[int, int], None] | None = None
                     ) -> dict[tuple[str, str], Judgement]:
    """Judgements keyed by the alignment's (a, b) ids; the model reads the earlier article's statement first."""
    from crosscheck.findings.engine import make_pair

    by_stmt = {s.id: s for s in statements}
    by_doc = {d.id: d for d in documents}
    chosen = pairs_to_judge(alignments, by_stmt, min_alignment, per_statement)
    ordered = [make_pair(al, by_stmt, by_doc) for al in chosen]
    found = judge(model, [(p.a.text, p.b.text) for p in ordered], cache, progress)
    return {(al.a, al.b): j for al, j in zip(chosen, found)}

"""Classification and ranking metrics, as pure functions over parallel sequences.

Small and exact rather than a dependency: scikit-learn is not installed, and the few formulas
needed (precision, recall, F1, balanced accuracy, Spearman's rho with tied ranks) are easy to
check by hand, which the tests do. Undefined ratios (no prediction of a class, no gold
instance of it) are 0.0, as scikit-learn's ``zero_division=0`` gives.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 of one label, with the counts they come from."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int  # gold instances of the label
    predicted: int  # predictions of the label
    correct: int  # true positives


@dataclass(frozen=True)
class Confusion:
    """Counts of (gold, predicted) label pairs; ``rows`` are gold labels, ``columns`` predictions."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def count(self, gold: str, predicted: str) -> int:
        return self.counts[self.rows.index(gold)][self.columns.index(predicted)]


def ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def f1_of(precision: float, recall: float) -> float:
    return ratio(2 * precision * recall, precision + recall)


def class_score(gold: Sequence[Hashable], predicted: Sequence[Hashable], label: Hashable) -> ClassScore:
    """One-vs-rest precision, recall and F1 of ``label``."""
    _same_length(gold, predicted)
    support = sum(g == label for g in gold)
    n_pred = sum(p == label for p in predicted)
    correct = sum(g == label and p == label for g, p in zip(gold, predicted))
    precision, recall = ratio(correct, n_pred), ratio(correct, support)
    return ClassScore(str(label), precision, recall, f1_of(precision, recall), support, n_pred, correct)


def class_scores(gold: Sequence[Hashable], predicted: Sequence[Hashable],
                 labels: Sequence[Hashable]) -> tuple[ClassScore, ...]:
    return tuple(class_score(gold, predicted, label) for label in labels)


def accuracy(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    _same_length(gold, predicted)
    return ratio(sum(g == p for g, p in zip(gold, predicted)), len(gold))


def macro_f1(scores: Sequence[ClassScore]) -> float:
    return ratio(sum(s.f1 for s in scores), len(scores))


def balanced_accuracy(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Mean recall over the labels that occur in ``gold`` (as scikit-learn defines it)."""
    labels = sorted(set(gold), key=str)
    return ratio(sum(class_score(gold, predicted, label).recall for label in labels), len(labels))


def confusion(gold: Sequence[Hashable], predicted: Sequence[Hashable], rows: Sequence[Hashable],
              columns: Sequence[Hashable]) -> Confusion:
    """The confusion matrix over the given label orders (pairs outside them are not counted)."""
    _same_length(gold, predicted)
    pairs = Counter(zip(gold, predicted))
    counts = tuple(tuple(pairs[(g, p)] for p in columns) for g in rows)
    return Confusion(tuple(map(str, rows)), tuple(map(str, columns)), counts)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span ("fractional" ranking)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than two values, or a constant side)."""
    _same_length(x, y)
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho with ties (Pearson's r of the fractional ranks); None when undefined.

    scipy's ``spearmanr`` is used when installed; the fallback computes the same quantity.
    """
    _same_length(x, y)
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    try:
        from scipy.stats import spearmanr
    except ImportError:
        return spearman_exact(x, y)
    return max(-1.0, min(1.0, float(spearmanr(x, y).statistic)))


def spearman_exact(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho computed here, without scipy."""
    return pearson(ranks(x), ranks(y))


def _same_length(a: Sequence, b: Sequence) -> None:
    if len(a) != len(b):
        raise ValueError(f"sequences differ in length: {len(a)} and {len(b)}")

"""Predictions against gold labels: which comparison a dataset calls for, and its figures.

The datasets label different things, so the gold labels of a file decide how it is scored:

* ``stance`` (contradiction / agreement / neutral, optionally unrelated: FNC-1, ANLI, VitaminC):
  the verdict against the gold label, with unrelated counted as neutral; when unrelated occurs,
  its detection is scored separately from ``aligned`` (not aligned = unrelated), with FNC-1's
  own four-way macro F1 and relative score beside it;
* ``entailment`` (agreement / not_agreement: RTE): predicted agreement against everything else;
* ``alignment`` (aligned / not_aligned: ECB+): ``aligned`` against the gold label;
* ``consistency`` (consistent / inconsistent: SummEdits): a predicted contradiction means
  inconsistent; scored by balanced accuracy, as SummaC and SummEdits report;
* ``similarity`` (a 0-5 number: STS): ``similarity`` against the gold score by Spearman's rho.

Every figure is given for all labelled rows and again for the rows of each tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from crosscheck.evaluation import metrics as m
from crosscheck.evaluation.predict import VERDICTS, Prediction
from crosscheck.evaluation.rows import EvalRow, Gold

Scheme = Literal["stance", "entailment", "alignment", "consistency", "similarity"]

# other datasets' names for our labels; ``--task-map GOLD=LABEL`` adds to or overrides these
ALIASES: Mapping[str, str] = {
    "agree": "agreement", "entailment": "agreement", "entails": "agreement", "supports": "agreement",
    "disagree": "contradiction", "contradict": "contradiction", "refutes": "contradiction",
    "discuss": "neutral", "not enough info": "neutral",
    "not_entailment": "not_agreement", "non-entailment": "not_agreement",
}
LABELS: Mapping[str, tuple[str, ...]] = {
    "stance": ("contradiction", "agreement", "neutral"),
    "entailment": ("agreement", "not_agreement"),
    "alignment": ("aligned", "not_aligned"),
    "consistency": ("inconsistent", "consistent"),
}


@dataclass(frozen=True)
class GroupScore:
    """The figures of one group of rows: all labelled rows, or the rows of one tag."""

    name: str
    rows: int
    classes: tuple[m.ClassScore, ...]
    figures: tuple[tuple[str, float | None], ...]  # (name, value): accuracy, macro_f1, spearman, ...

    def figure(self, name: str) -> float | None:
        return dict(self.figures).get(name)

    def of(self, label: str) -> m.ClassScore | None:
        return next((c for c in self.classes if c.label == label), None)


@dataclass(frozen=True)
class Scorecard:
    scheme: Scheme
    rows: int  # rows with a gold label
    overall: GroupScore
    tags: tuple[GroupScore, ...]  # most frequent tag first
    confusion: m.Confusion | None  # gold label (as written, after mapping) x predicted verdict


class ScoringError(ValueError):
    """The gold labels of a file fit none of the schemes."""


def canonical(gold: Gold, task_map: Mapping[str, str] = {}) -> Gold:  # noqa: B006 - read only
    if not isinstance(gold, str):
        return gold
    key = gold.strip().lower()
    return task_map.get(gold, task_map.get(key, ALIASES.get(key, key)))


def detect_scheme(golds: Sequence[Gold]) -> Scheme:
    """The comparison that a file's (canonical) gold labels call for; raises ScoringError."""
    labels = {g for g in golds if g is not None}
    if not labels:
        raise ScoringError("no row has a gold label")
    if all(isinstance(g, float) for g in labels):
        return "similarity"
    if all(isinstance(g, str) for g in labels):
        if labels <= {"aligned", "not_aligned"}:
            return "alignment"
        if labels <= {"consistent", "inconsistent"}:
            return "consistency"
        if "not_agreement" in labels and labels <= {"agreement", "not_agreement"}:
            return "entailment"
        if labels <= {"contradiction", "agreement", "neutral", "unrelated"}:
            return "stance"
    shown = ", ".join(sorted(map(str, labels))[:8])
    raise ScoringError(f"gold labels not understood: {shown} (map them with --task-map GOLD=LABEL, LABEL one of "
                       "contradiction, agreement, neutral, unrelated, not_agreement, aligned, not_aligned, "
                       "consistent, inconsistent)")


def predicted_label(scheme: Scheme, p: Prediction) -> str:
    """The prediction in the vocabulary of the scheme's gold labels."""
    if scheme == "entailment":
        return "agreement" if p.verdict == "agreement" else "not_agreement"
    if scheme == "alignment":
        return "aligned" if p.aligned else "not_aligned"
    if scheme == "consistency":
        return "inconsistent" if p.verdict == "contradiction" else "consistent"
    return p.verdict


def score(rows: Sequence[EvalRow], predictions: Sequence[Prediction],
          task_map: Mapping[str, str] = {}) -> Scorecard:  # noqa: B006 - read only
    """The scorecard of the labelled rows; raises ScoringError when the labels fit no scheme."""
    by_line = {p.line: p for p in predictions}
    pairs = [(canonical(r.gold, task_map), r.tags, by_line[r.line]) for r in rows
             if r.gold is not None and r.line in by_line]
    scheme = detect_scheme([g for g, _, _ in pairs])
    overall = group_score(scheme, "all", [(g, p) for g, _, p in pairs])
    tag_counts: dict[str, int] = {}
    for _, tags, _ in pairs:
        for t in dict.fromkeys(tags):
            tag_counts[t] = tag_counts.get(t, 0) + 1
    tags = tuple(group_score(scheme, t, [(g, p) for g, ts, p in pairs if t in ts])
                 for t in sorted(tag_counts, key=lambda t: (-tag_counts[t], t)))
    return Scorecard(scheme, len(pairs), overall, tags, _confusion(scheme, pairs))


def group_score(scheme: Scheme, name: str, pairs: Sequence[tuple[Gold, Prediction]]) -> GroupScore:
    if scheme == "similarity":
        gold = [float(g) for g, _ in pairs]  # type: ignore[arg-type]
        sim = [p.similarity for _, p in pairs]
        figures = (("spearman", m.spearman(gold, sim)), ("pearson", m.pearson(gold, sim)),
                   ("aligned_share", m.ratio(sum(p.aligned for _, p in pairs), len(pairs))))
        return GroupScore(name, len(pairs), (), figures)
    gold = [_three_way(g) if scheme == "stance" else str(g) for g, _ in pairs]
    pred = [predicted_label(scheme, p) for _, p in pairs]
    classes = m.class_scores(gold, pred, LABELS[scheme])
    figures: list[tuple[str, float | None]] = [("accuracy", m.accuracy(gold, pred)),
                                               ("macro_f1", m.macro_f1(classes))]
    if scheme == "consistency":
        figures.insert(0, ("balanced_accuracy", m.balanced_accuracy(gold, pred)))
    if scheme == "stance" and any(g == "unrelated" for g, _ in pairs):
        unrelated, fnc_figures = _unrelated(pairs)
        classes += (unrelated,)
        figures += fnc_figures
    return GroupScore(name, len(pairs), classes, tuple(figures))


def _three_way(gold: Gold) -> str:
    return "neutral" if gold == "unrelated" else str(gold)


FNC_NAMES = {"contradiction": "disagree", "agreement": "agree", "neutral": "discuss"}


def _unrelated(pairs: Sequence[tuple[Gold, Prediction]]) -> tuple[m.ClassScore, list[tuple[str, float | None]]]:
    """Unrelated detection (not aligned = unrelated) and FNC-1's own figures on four labels.

    FNC-1 predicts unrelated / agree / disagree / discuss; ours is unrelated when nothing aligned,
    else the verdict. Its score gives 0.25 for telling related from unrelated and 0.75 more for the
    right stance of a related pair, reported relative to a perfect run.
    """
    gold = [str(g) for g, _ in pairs]
    four = ["unrelated" if not p.aligned else p.verdict for _, p in pairs]
    unrelated = m.class_score(gold, four, "unrelated")
    stances = m.class_scores(gold, four, VERDICTS)
    earned = best = 0.0
    for g, p in zip(gold, four):
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            earned += 0.25
            if g != "unrelated" and g == p:
                earned += 0.75
    per_class = [(f"fnc_{FNC_NAMES[c.label]}_f1", c.f1) for c in stances]
    return unrelated, [("unrelated_f1", unrelated.f1), *per_class,
                       ("fnc_macro_f1", m.macro_f1((unrelated, *stances))), ("fnc_score", m.ratio(earned, best))]


def _confusion(scheme: Scheme, pairs: Sequence[tuple[Gold, Sequence[str], Prediction]]) -> m.Confusion | None:
    if scheme == "similarity":
        return None
    gold = [str(g) for g, _, _ in pairs]
    pred = [predicted_label(scheme, p) for _, _, p in pairs]
    rows = list(LABELS[scheme]) + (["unrelated"] if "unrelated" in gold else [])
    return m.confusion(gold, pred, rows, LABELS[scheme])


def as_json(card: Scorecard) -> dict:
    """The scorecard as plain JSON values (figures as objects, undefined figures as null)."""
    def group(g: GroupScore) -> dict:
        return {"name": g.name, "rows": g.rows, "figures": dict(g.figures),
                "classes": [vars(c).copy() for c in g.classes]}

    matrix = None
    if card.confusion is not None:
        c = card.confusion
        matrix = {"gold": list(c.rows), "predicted": list(c.columns), "counts": [list(r) for r in c.counts]}
    return {"scheme": card.scheme, "rows": card.rows, "overall": group(card.overall),
            "tags": [group(t) for t in card.tags], "confusion": matrix}

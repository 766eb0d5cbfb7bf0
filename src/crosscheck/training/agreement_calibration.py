"""Fit the score of agreement findings: how often an AGR01 agreement is right, from the combiner's probability.

    python -m crosscheck.training.agreement_calibration              # fit, write into combiner.json
    python -m crosscheck.training.agreement_calibration --measure    # also the held-out figures

Why: the combiner learnt row labels (FNC-1's "agree", RTE's entailment, SummEdits' consistency) and
gave AGR01's agreements scores of 0.10-0.75 where about seven in ten were right. This runs the
pipeline (the same as ``check``) on labelled pairs whose licence allows shipped weights and whose
label says whether two texts make the same claim: Falke (a source sentence and a correct or an
incorrect rewrite), QAGS and FRANK (an article and a consistent or inconsistent summary), from
``../shared/train/``. Each AGR01 finding there is right when its pair is consistent. A one-feature
logistic regression on the logit of the combiner's agreement probability (Newton's method, numpy)
gives ``agreement_calibration = [a, b]``: score = sigmoid(a * logit(p) + b), a monotone map, so the
ranking of agreements is the combiner's. ``--measure`` reports calibration error and AUC before and
after on pairs never fitted: RTE and SummEdits (``../shared/eval/dev``), VitaminC and STS headlines
(an STS pair is the same claim at gold >= 4).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
TRAIN = ROOT.parent / "shared" / "train"
DEV = ROOT.parent / "shared" / "eval" / "dev"
FIT_FILES = ("falke", "qags", "frank")
CHUNK = 200


def _rows(path: Path, limit: int | None = None, seed: int = 13) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    random.Random(seed).shuffle(rows)
    return rows[:limit] if limit else rows


def agreement_findings(rows: list[dict], combiner_path: Path | None) -> list[tuple[float, str]]:
    """(score, the row's gold) of every AGR01 finding when each row is checked as two sources."""
    from crosscheck.evaluation.predict import _MemoPipeline, rows_stories
    from crosscheck.evaluation.rows import EvalRow
    from crosscheck.pipeline import Pipeline, Settings

    pipeline = _MemoPipeline(Pipeline(Settings(combiner_model=combiner_path)))
    found: list[tuple[float, str]] = []
    try:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            eval_rows = [EvalRow(id=str(r["id"]), line=start + i + 1, text_a=r["text_a"], text_b=r["text_b"])
                         for i, r in enumerate(chunk)]
            documents, stories = rows_stories(eval_rows)
            gold = {story.id: str(r["gold"]) for story, r in zip(stories, chunk)}
            analysis = pipeline.analyse(documents, stories=stories)
            found += [(f.score, gold[f.story]) for f in analysis.findings if f.rule == "AGR01"]
    finally:
        pipeline.close()
    return found


def fit(p: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> tuple[float, float]:
    """Logistic regression of y on logit(p), by Newton's method: (a, b), with a >= 0. A negative slope
    would rank the agreements the combiner trusts most below the others; where the data asks for one
    (the combiner's probability does not rank these findings at all), the map is flat: a = 0, b the
    logit of the share right."""
    q = np.clip(p, 1e-6, 1 - 1e-6)
    x = np.column_stack([np.log(q / (1 - q)), np.ones(len(q))])
    w = np.zeros(2)
    for _ in range(steps):
        s = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (s - y) + l2 * w
        hess = (x * (s * (1 - s))[:, None]).T @ x + l2 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    if w[0] < 0:
        share = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        return 0.0, float(np.log(share / (1 - share)))
    return float(w[0]), float(w[1])


def calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over ``bins`` equal-width bins of the predicted probability."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[which == b].mean() - y[which == b].mean()) * (which == b).sum()
                     for b in range(bins) if (which == b).any()) / len(p))


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (ties half)."""
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
                 / (len(pos) * len(neg)))


def _right(gold: str, task: str) -> bool:
    return float(gold) >= 4 if task == "sts" else gold in ("agreement", "consistent")


def main(argv: list[str] | None = None) -> int:
    from crosscheck.verdicts.combiner import DEFAULT_MODEL, Combiner

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--combiner", type=Path, default=Path(__file__).resolve().parents[1] / "verdicts" / DEFAULT_MODEL,
                        help="the combiner JSON to calibrate and write into (default: the shipped one)")
    parser.add_argument("--measure", action="store_true", help="also measure on held-out labelled pairs")
    parser.add_argument("--limit", type=int, default=None, help="rows per file (default: all)")
    args = parser.parse_args(argv)

    data = json.loads(args.combiner.read_text(encoding="utf-8"))
    data.pop("agreement_calibration", None)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "combiner.json"  # the combiner without the map: its own probabilities
        raw.write_text(json.dumps(data), encoding="utf-8")
        fitted = [(s, g, name) for name in FIT_FILES
                  for s, g in agreement_findings(_rows(TRAIN / f"{name}.jsonl.gz", args.limit), raw)]
        p = np.array([s for s, _, _ in fitted])
        y = np.array([_right(g, "") for _, g, _ in fitted], dtype=float)
        a, b = fit(p, y)
        combiner = Combiner.from_json({**data, "agreement_calibration": [a, b]})
        report = {"fitted_on": {n: sum(1 for *_, m in fitted if m == n) for n in FIT_FILES},
                  "right_share": round(float(y.mean()), 3), "a": round(a, 6), "b": round(b, 6)}
        if args.measure:
            held = {"rte": (DEV / "rte.jsonl", "rte"), "summedits": (DEV / "summedits.jsonl", "summedits"),
                    "vitaminc": (DEV / "vitaminc.jsonl", "vitaminc"), "sts": (DEV / "sts.jsonl", "sts")}
            for name, (path, task) in held.items():
                found = agreement_findings(_rows(path, args.limit), raw)
                before = np.array([s for s, _ in found])
                after = np.array([combiner.agreement_score(s) for s in before])
                right = np.array([_right(g, task) for _, g in found], dtype=float)
                report[name] = {"findings": len(found), "right": round(float(right.mean()), 3),
                                "mean_before": round(float(before.mean()), 3), "ece_before": round(calibration_error(before, right), 3),
                                "mean_after": round(float(after.mean()), 3), "ece_after": round(calibration_error(after, right), 3),
                                "auc": round(auc(before, right), 3)}
    data["agreement_calibration"] = [round(a, 6), round(b, 6)]
    args.combiner.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

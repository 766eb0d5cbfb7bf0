"""The learned combiner, measured: before/after table, calibration error, reliability diagram.

    .venv/bin/python bench/calibration.py [--data ../shared/eval/dev] [--work /tmp/crosscheck-train]

Trains the combiner exactly as ``python -m crosscheck.training.combiner_train`` does (and writes the
same ``src/crosscheck/verdicts/combiner.json``), then, from its 5-fold out-of-fold predictions (every row
predicted by a model that never saw its fold, folds split by article), writes
``bench/results/calibration.md`` and ``calibration.json`` (per task: contradiction and agreement
F1 of the hand rules and of the combiner on the same rows, expected calibration error) and
``bench/results/reliability.png`` (predicted probability vs observed frequency, per task).
A gradient-boosting model is cross-validated on the same folds for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.training import combiner_train as T  # noqa: E402
from crosscheck.verdicts.combiner import CLASSES  # noqa: E402
from crosscheck.evaluation import scoring  # noqa: E402

TASK_ORDER = ("fnc1", "anli", "vitaminc", "rte", "summedits", "synthetic")
BINS = 10


def ece(probs: np.ndarray, labels: Sequence[str], bins: int = BINS) -> tuple[float, list[tuple[float, float, int]]]:
    """Expected calibration error of the top class (equal-width bins) and the diagram's points."""
    gold = np.array([CLASSES.index(v) for v in labels])
    conf, pred = probs.max(axis=1), probs.argmax(axis=1)
    right = (pred == gold).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    total, points = 0.0, []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if m.any():
            total += m.sum() / len(conf) * abs(right[m].mean() - conf[m].mean())
            points.append((float(conf[m].mean()), float(right[m].mean()), int(m.sum())))
    return float(total), points


def figures(task: str, examples, probs: np.ndarray | None) -> dict:
    """The task's figures by the project's own scoring, for the hand rules (probs None) or the combiner."""
    rows = [e.row for e in examples]
    preds = [e.hand if probs is None else
             replace(e.hand, verdict=CLASSES[int(np.argmax(p))], probabilities=tuple(map(float, p)))
             for e, p in zip(examples, probs if probs is not None else [None] * len(examples))]
    card = scoring.score(rows, preds)
    out = {"scheme": card.scheme}
    if card.scheme == "stance":
        for label in ("contradiction", "agreement"):
            c = card.overall.of(label)
            out[label] = {"p": c.precision, "r": c.recall, "f1": c.f1}
    elif card.scheme == "entailment":
        c = card.overall.of("agreement")
        out["agreement"] = {"p": c.precision, "r": c.recall, "f1": c.f1}
    elif card.scheme == "consistency":
        c = card.overall.of("inconsistent")
        out["contradiction"] = {"p": c.precision, "r": c.recall, "f1": c.f1}
        c = card.overall.of("consistent")
        out["agreement"] = {"p": c.precision, "r": c.recall, "f1": c.f1}
        out["balanced_accuracy"] = card.overall.figure("balanced_accuracy")
    out["accuracy"] = card.overall.figure("accuracy")
    return out


def gradient_boosting_oof(examples, x: np.ndarray) -> np.ndarray:
    from sklearn.ensemble import HistGradientBoostingClassifier

    y = np.array([e.label for e in examples])
    folds = np.array([e.fold for e in examples])
    out = np.zeros((len(y), 3))
    for k in range(T.FOLDS):
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=T.SEED)
        model.fit(x[folds != k], y[folds != k])
        order = [list(model.classes_).index(c) for c in CLASSES]
        out[folds == k] = model.predict_proba(x[folds == k])[:, order]
    return out


def macro_f1(probs: np.ndarray, labels: Sequence[str]) -> float:
    pred = [CLASSES[i] for i in probs.argmax(axis=1)]
    f1s = []
    for c in CLASSES:
        tp = sum(p == c and g == c for p, g in zip(pred, labels))
        pp, gp = sum(p == c for p in pred), sum(g == c for g in labels)
        f1s.append(0.0 if not tp else 2 * tp / (pp + gp))
    return float(np.mean(f1s))


def plot(curves: dict[str, list[tuple[float, float, int]]], eces: dict[str, float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 6.0), dpi=100)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for task, points in curves.items():
        xs, ys, ns = zip(*points)
        ax.plot(xs, ys, marker="o", markersize=3, label=f"{task} (ECE {eces[task]:.3f})")
    ax.set_xlabel("predicted probability of the chosen verdict")
    ax.set_ylabel("observed frequency it was right")
    ax.set_title("crosscheck combiner: reliability on held-out dev rows (5-fold)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-train"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--model", type=Path, default=ROOT / "src" / "crosscheck" / "verdicts" / "combiner.json")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    model, examples, oof = T.train(args.data, args.work, args.model, progress=log)
    from crosscheck.verdicts.rules.ruleset import load_rules

    rules = load_rules((), include_builtin=True)
    x = T.feature_matrix(examples, rules, T.example_judgements(examples, rules, args.work))  # cached: no model run
    dev = [i for i, e in enumerate(examples) if e.task != "synthetic"]
    gb = gradient_boosting_oof(examples, x)
    labels = [e.label for e in examples]
    comparison = {"logistic_regression": macro_f1(oof[dev], [labels[i] for i in dev]),
                  "gradient_boosting": macro_f1(gb[dev], [labels[i] for i in dev])}
    tasks, curves, eces = {}, {}, {}
    for task in TASK_ORDER:
        idx = [i for i, e in enumerate(examples) if e.task == task]
        if not idx:
            continue
        sub = [examples[i] for i in idx]
        e, points = ece(oof[idx], [labels[i] for i in idx])
        tasks[task] = {"rows": len(idx), "before": figures(task, sub, None) if task != "synthetic" else None,
                       "after": figures(task, sub, oof[idx]) if task != "synthetic" else None, "ece": e}
        if task != "synthetic":
            curves[task], eces[task] = points, e
    pooled, points = ece(oof[dev], [labels[i] for i in dev])
    curves["all dev rows"], eces["all dev rows"] = points, pooled
    args.out.mkdir(parents=True, exist_ok=True)
    plot(curves, eces, args.out / "reliability.png")
    meta = {"date": dt.date.today().isoformat(),
            "command": "python bench/calibration.py " + " ".join(map(shlex.quote, argv or sys.argv[1:])),
            "model_bytes": args.model.stat().st_size, "temperature": model.temperature,
            "trained_on": dict(model.meta)["trained_on"], "pooled_ece": pooled, "model_comparison_macro_f1": comparison,
            "thresholds": {k: v for k, v in model.thresholds}}
    (args.out / "calibration.json").write_text(json.dumps({**meta, "tasks": tasks}, indent=2) + "\n")
    (args.out / "calibration.md").write_text(markdown(meta, tasks))
    log(f"wrote {args.out / 'calibration.md'}, calibration.json and reliability.png")
    return 0


def f(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def markdown(meta: dict, tasks: dict) -> str:
    out = ["# The learned combiner, cross-validated", "",
           f"Date: {meta['date']}. Command: `{meta['command'].strip()}`. Rows: {meta['trained_on']} "
           "(dev rows hash-sampled by id; folds split by a hash of text_a, synthetic pairs in the fold of "
           "their article). Every figure below is out-of-fold.", "",
           "| task | rows | contradiction F1 before → after | agreement F1 before → after | accuracy before → after "
           "| ECE (held out) |",
           "|---|---|---|---|---|---|"]
    for task, t in tasks.items():
        if t["before"] is None:
            out.append(f"| {task} | {t['rows']} | (training only) | | | {f(t['ece'])} |")
            continue
        cells = []
        for label in ("contradiction", "agreement"):
            b, a = t["before"].get(label), t["after"].get(label)
            cells.append("n/a (no such gold label)" if b is None else f"{f(b['f1'])} → **{f(a['f1'])}** "
                         f"(P {f(a['p'])}, R {f(a['r'])})")
        key = "balanced_accuracy" if "balanced_accuracy" in t["before"] else "accuracy"
        acc = f"{f(t['before'][key])} → {f(t['after'][key])}" + (" (balanced)" if key != "accuracy" else "")
        out.append(f"| {task} | {t['rows']} | {cells[0]} | {cells[1]} | {acc} | {f(t['ece'])} |")
    out += ["", f"Pooled ECE over all held-out dev rows: {meta['pooled_ece']:.3f}; temperature "
            f"{meta['temperature']}; model file {meta['model_bytes']} bytes.", "",
            "Macro F1 (3 classes, out-of-fold, dev rows): " + ", ".join(
                f"{k.replace('_', ' ')} {v:.3f}" for k, v in meta["model_comparison_macro_f1"].items()), "",
            "Precision of flags at or above a probability threshold (out-of-fold, dev rows pooled):", "",
            "| threshold | " + " | ".join(meta["thresholds"]) + " |", "|---" * (1 + len(meta["thresholds"])) + "|"]
    grid = sorted({t for v in meta["thresholds"].values() for t, _ in v})
    for t in grid:
        out.append(f"| {t:.2f} | " + " | ".join(f(dict(v).get(t)) for v in meta["thresholds"].values()) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())

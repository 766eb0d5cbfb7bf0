"""Accuracy of crosscheck on the public labelled pairs, one table for the README.

Runs the same evaluation as ``crosscheck eval`` on every ``*.jsonl`` of the data folder (the
shared dev sets, never copied into the project), one pipeline for all files, and writes
``bench/results/eval.md`` and ``eval.json``: per file the rows scored, time and throughput, the
figures each task is judged by, and published figures beside them for scale.

    .venv/bin/python bench/eval_all.py [--data ../shared/eval/dev] [--limit 1000] [--only fnc1,sts]

The embedding cache is a fresh temporary folder unless ``--cache-dir`` is given, so the times
are those of a first run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what each dataset is judged by: (label for the table, figure name or "class:<label>:<p|r|f1>")
HEADLINES: dict[str, list[tuple[str, str]]] = {
    "fnc1": [("agree F1", "fnc_agree_f1"), ("disagree F1", "fnc_disagree_f1"), ("discuss F1", "fnc_discuss_f1"),
             ("unrelated F1 (not aligned)", "unrelated_f1"), ("FNC-1 relative score", "fnc_score")],
    "anli": [("contradiction P", "class:contradiction:precision"), ("contradiction R", "class:contradiction:recall"),
             ("contradiction F1", "class:contradiction:f1"), ("accuracy", "accuracy")],
    "vitaminc": [("accuracy", "accuracy"), ("contradiction F1", "class:contradiction:f1"),
                 ("agreement F1", "class:agreement:f1")],
    "rte": [("agreement P", "class:agreement:precision"), ("agreement R", "class:agreement:recall"),
            ("agreement F1", "class:agreement:f1"), ("accuracy", "accuracy")],
    "ecbplus": [("aligned P", "class:aligned:precision"), ("aligned R", "class:aligned:recall"),
                ("aligned F1", "class:aligned:f1"), ("accuracy", "accuracy")],
    "sts": [("Spearman rho", "spearman"), ("Pearson r", "pearson"), ("share aligned", "aligned_share")],
    "summedits": [("balanced accuracy", "balanced_accuracy"), ("inconsistent P", "class:inconsistent:precision"),
                  ("inconsistent R", "class:inconsistent:recall")],
}
# published figures quoted in the issue, for scale (other systems, other splits: not a like-for-like comparison)
ANCHORS = {
    ("fnc1", "disagree F1"): "published FNC-1 systems: well under 0.5",
    ("vitaminc", "accuracy"): "VitaminC-trained models: about 0.85",
    ("summedits", "balanced accuracy"): "SummaC: about 0.70-0.75; chance 0.500",
}
# tags shown one by one (ANLI's inference types, VitaminC's numeric, SummEdits' edit types): how many,
# and the figures when they differ from the headline ones (SummEdits tags only its inconsistent rows)
TAG_TABLES = {"anli": 25, "vitaminc": 5, "summedits": 10}
TAG_HEADLINES = {"summedits": [("inconsistent rows caught (recall)", "class:inconsistent:recall")]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    files = sorted(p for p in args.data.glob("*.jsonl") if not args.only or p.stem in args.only)
    if not files:
        print(f"no *.jsonl under {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="crosscheck-eval-") as tmp:
        runs = [evaluate(path, args, args.cache_dir or Path(tmp)) for path in files]
    command = "python bench/eval_all.py " + " ".join(map(shlex.quote, argv if argv is not None else sys.argv[1:]))
    meta = {"date": dt.date.today().isoformat(), "command": command.strip(), "machine": machine(),
            "limit": args.limit, "chunk_rows": args.chunk_size}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps({**meta, "runs": runs}, indent=2) + "\n", encoding="utf-8")
    (args.out / "eval.md").write_text(markdown(meta, runs), encoding="utf-8")
    print(f"wrote {args.out / 'eval.md'} and eval.json", file=sys.stderr)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "eval" / "dev",
                    help="folder of evaluation JSONL files (default: ../shared/eval/dev)")
    ap.add_argument("--limit", type=int, help="first N rows of each file (default: all)")
    ap.add_argument("--only", type=lambda s: set(s.split(",")), help="comma-separated file stems to run")
    ap.add_argument("--chunk-size", type=int, default=200)
    ap.add_argument("--cache-dir", type=Path, help="embedding cache to use (default: a fresh temporary one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--predictions", type=Path, help="also write each file's predictions (JSONL) to this folder")
    ap.add_argument("--combiner", action="store_true",
                    help="verdicts from the learned combiner (trained on rows of these files: in-sample; the "
                         "held-out figures come from bench/calibration.py) instead of the rules alone")
    return ap.parse_args(argv)


def evaluate(path: Path, args: argparse.Namespace, cache_dir: Path) -> dict:
    """Predict and score one file; times are wall-clock, models already loaded."""
    from crosscheck.evaluation.predict import Evaluator
    from crosscheck.evaluation.rows import read_rows
    from crosscheck.evaluation.scoring import ScoringError, as_json, score
    from crosscheck.pipeline import Pipeline, Settings

    rows, problems = read_rows(path, args.limit)
    if path.stem == "fnc1":  # the contradiction model trained on fold 0 of this file (by body): fold 1 only
        from crosscheck.training.nli_data import fnc1_fold

        rows = [r for r in rows if fnc1_fold(r.text_a) == 1]
    total = sum(1 for line in path.open("rb") if line.strip())
    pipeline = Pipeline(Settings(cache_dir=cache_dir, combiner=args.combiner))
    warm_up(pipeline)
    evaluator = Evaluator(pipeline, chunk_rows=args.chunk_size)
    encoded_before, started = pipeline.encoder.encoded, time.perf_counter()
    cpu_before = time.process_time()
    predictions = evaluator.predict(rows, str(path), progress=lambda done, n: print(
        f"\r{path.name}: {done}/{n} rows", end="", file=sys.stderr, flush=True))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    print(f"\r{path.name}: {len(rows)} rows in {seconds:.0f} s", file=sys.stderr)
    if args.predictions:
        args.predictions.mkdir(parents=True, exist_ok=True)
        (args.predictions / f"{path.stem}.pred.jsonl").write_text(
            "".join(json.dumps(p.as_json()) + "\n" for p in predictions), encoding="utf-8")
    try:
        metrics = as_json(score(rows, predictions))
    except ScoringError as exc:
        metrics = {"error": str(exc)}
    return {"file": path.name, "task": path.stem, "rows": len(rows), "rows_in_file": total,
            "skipped": len(problems), "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "rows_per_second": round(len(rows) / max(seconds, 1e-9), 1),
            "texts_read": evaluator.texts_extracted, "texts_in_rows": 2 * len(rows),
            "sentences_encoded": pipeline.encoder.encoded - encoded_before,
            "verdicts": dict(Counter(p.verdict for p in predictions)),
            "rules_fired": dict(Counter(r for p in predictions for r in p.rules).most_common()),
            "metrics": metrics}


def warm_up(pipeline) -> None:
    """Load spaCy and the encoder before the clock starts (a run loads them once)."""
    from crosscheck.statements.nlp import load_nlp

    load_nlp()
    pipeline.encoder._load()


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average {load:.1f} at the end")


# --- the Markdown report --------------------------------------------------------------------------


def value(group: dict, key: str) -> float | None:
    if key.startswith("class:"):
        _, label, field = key.split(":")
        found = next((c for c in group["classes"] if c["label"] == label), None)
        return None if found is None else found[field]
    return group["figures"].get(key)


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def majority(metrics: dict) -> str:
    """Accuracy of always answering the commonest gold label, for scale."""
    classes = metrics["overall"]["classes"]
    labelled = metrics["rows"]
    if not classes or not labelled:
        return ""
    support = Counter({c["label"]: c["support"] for c in classes if c["label"] != "unrelated"})
    label, n = support.most_common(1)[0]
    return f"always {label}: {n / labelled:.3f}"


def markdown(meta: dict, runs: list[dict]) -> str:
    limited = meta["limit"] is not None
    out = [
        "# crosscheck on public labelled pairs", "",
        f"Date: {meta['date']}. Command: `{meta['command']}`. Machine: {meta['machine']}.", "",
        "Each row is scored as a story of two sources (text_a, text_b) by the full pipeline "
        "(statements, embeddings, alignments, the contradiction model, rules); verdict = contradiction if any "
        "contradiction finding, else agreement if any agreement finding, else neutral (with `--combiner`: a contradiction "
        "finding, else contradiction at a combiner probability of 0.5 or more, else the more probable of agreement "
        "and neutral). FNC-1: only the rows of fold 1 (by body), which the contradiction "
        "model never trained on. See `bench/README.md`.",
        *(["", f"**Limited run: the first {meta['limit']} rows of each file** (the full run would exceed the "
           "time budget on this machine); row counts below say how many were scored."] if limited else []),
        "", "## Results", "",
        "| dataset | rows scored / in file | figure | crosscheck | for scale |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        metrics = run["metrics"]
        if "error" in metrics:
            out.append(f"| {run['task']} | {run['rows']} / {run['rows_in_file']} | (not scored) | "
                       f"{metrics['error']} | |")
            continue
        for i, (label, key) in enumerate(HEADLINES.get(run["task"], [("accuracy", "accuracy")])):
            scale = ANCHORS.get((run["task"], label), "")
            if not scale and label == "accuracy":
                scale = majority(metrics)
            first = f"{run['task']} | {run['rows']} / {run['rows_in_file']}" if i == 0 else " | "
            out.append(f"| {first} | {label} | {fmt(value(metrics['overall'], key))} | {scale} |")
    out += ["", "## Per tag", ""]
    for run in runs:
        metrics = run["metrics"]
        if run["task"] not in TAG_TABLES or "error" in metrics or not metrics["tags"]:
            continue
        heads = TAG_HEADLINES.get(run["task"], HEADLINES[run["task"]])
        out += [f"### {run['task']}", "", "| tag | rows | " + " | ".join(h for h, _ in heads) + " |",
                "|---|---" + "|---" * len(heads) + "|"]
        for tag in metrics["tags"][:TAG_TABLES[run["task"]]]:
            out.append(f"| {tag['name']} | {tag['rows']} | " + " | ".join(fmt(value(tag, k)) for _, k in heads) + " |")
        out.append("")
    out += ["## Confusion matrices (gold rows, predicted columns)", ""]
    for run in runs:
        cm = run["metrics"].get("confusion")
        if not cm:
            continue
        out += [f"**{run['task']}**", "", "| gold \\ predicted | " + " | ".join(cm["predicted"]) + " |",
                "|---" * (len(cm["predicted"]) + 1) + "|"]
        out += [f"| {g} | " + " | ".join(map(str, row)) + " |" for g, row in zip(cm["gold"], cm["counts"])]
        out.append("")
    out += ["## Throughput", "",
            "| dataset | rows | seconds | rows/s | CPU s | texts read by spaCy / texts in rows | sentences encoded |",
            "|---|---|---|---|---|---|---|"]
    for run in runs:
        out.append(f"| {run['task']} | {run['rows']} | {run['seconds']} | {run['rows_per_second']} | "
                   f"{run['cpu_seconds']} | {run['texts_read']} / {run['texts_in_rows']} | "
                   f"{run['sentences_encoded']} |")
    out += ["", "## Rules fired (rows)", "", "| dataset | verdicts | rules |", "|---|---|---|"]
    for run in runs:
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(run["verdicts"].items()))
        rules = ", ".join(f"{k} {v}" for k, v in run["rules_fired"].items())
        out.append(f"| {run['task']} | {verdicts} | {rules} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())

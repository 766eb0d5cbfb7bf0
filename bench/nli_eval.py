"""The contradiction model alone on labelled dev pairs: the figures of docs/model-card.md.

    python bench/nli_eval.py [--model src/crosscheck/verdicts/model] [--out bench/results/nli_eval.md]

Each dev row is judged as the pipeline judges a pair (premise = ``text_a``, claim = ``text_b``); a
long article body (FNC-1) is first cut to the two sentences that share the most content words with
the headline, as in training (``training.nli_data.evidence_sentences``). FNC-1 figures are on fold 1
only (the model trained on fold 0 of the same file, by body): out-of-fold. VitaminC, ANLI, RTE and
XNLI (English; `../shared/train/xnli_en`, non-commercial: measured, never trained on) were never trained on. Every figure is printed beside the trivial answers' (the majority class;
"always contradiction" for contradiction F1).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LABELS = ("agreement", "neutral", "contradiction")
THREE = {"agreement": "agreement", "neutral": "neutral", "contradiction": "contradiction", "unrelated": "neutral"}


def prf(gold: list[str], pred: list[str], label: str) -> tuple[float, float, float]:
    tp = sum(g == label and p == label for g, p in zip(gold, pred))
    fp = sum(g != label and p == label for g, p in zip(gold, pred))
    fn = sum(g == label and p != label for g, p in zip(gold, pred))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def scores(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> dict:
    per = {lab: prf(gold, pred, lab) for lab in labels}
    majority = Counter(gold).most_common(1)[0][0]
    always = [majority] * len(gold)
    out = {"rows": len(gold), "accuracy": sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold)),
           "macro_f1": float(np.mean([per[lab][2] for lab in labels])),
           "per_class": {lab: [round(x, 3) for x in v] for lab, v in per.items()},
           "majority": majority,
           "majority_accuracy": sum(g == majority for g in gold) / max(1, len(gold)),
           "majority_macro_f1": float(np.mean([prf(gold, always, lab)[2] for lab in labels]))}
    if "contradiction" in labels:
        out["always_contradiction_f1"] = prf(gold, ["contradiction"] * len(gold), "contradiction")[2]
    return out


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    from crosscheck.training.nli_data import evidence_sentences, fnc1_fold
    from crosscheck.verdicts.contradiction_model import SHIPPED, ContradictionModel

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=SHIPPED)
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nli_eval.md")
    parser.add_argument("--limit", type=int, default=0, help="rows per file (0: all)")
    parser.add_argument("--write-pairs", type=Path,
                        help="write the judged pairs with their gold labels (JSONL, gzip if .gz) and stop: "
                             "`nli_train --eval` scores them at each epoch's end")
    args = parser.parse_args(argv)
    model = _PairWriter(args.write_pairs) if args.write_pairs else ContradictionModel(args.model)
    results: dict[str, dict] = {}
    started = time.perf_counter()

    def run(name: str, rows: list[dict], premise, gold_of, labels, tag_field: bool = False) -> None:
        rows = rows[:args.limit] if args.limit else rows
        gold = [gold_of(r) for r in rows]
        if isinstance(model, _PairWriter):
            model.add(name, [(premise(r), r["text_b"]) for r in rows], gold, labels)
            return
        probs = model.probabilities([(premise(r), r["text_b"]) for r in rows])
        pred = [LABELS[i] for i in probs.argmax(1)]
        if labels == ("agreement", "not_agreement"):
            pred = [p if p == "agreement" else "not_agreement" for p in pred]
        results[name] = scores(gold, pred, labels)
        if tag_field:
            tags: dict[str, list[int]] = {}
            for i, r in enumerate(rows):
                for t in r.get("tags") or ():
                    tags.setdefault(t, []).append(i)
            results[name]["by_tag"] = {
                t: {"rows": len(ix), "contradiction_prf": [round(x, 3) for x in prf([gold[i] for i in ix],
                                                                                 [pred[i] for i in ix],
                                                                                 "contradiction")]}
                for t, ix in sorted(tags.items()) if len(ix) >= 20}
        print(name, json.dumps({k: v for k, v in results[name].items() if k != "by_tag"}), flush=True)

    fnc = [r for r in read(args.dev / "fnc1.jsonl") if fnc1_fold(r["text_a"]) == 1]
    related = [r for r in fnc if r["gold"] != "unrelated"]
    run("fnc1_related_fold1", related, lambda r: evidence_sentences(r["text_a"], r["text_b"]), lambda r: r["gold"],
        LABELS)
    run("vitaminc", read(args.dev / "vitaminc.jsonl"), lambda r: r["text_a"], lambda r: THREE[r["gold"]], LABELS,
        tag_field=True)
    run("anli", read(args.dev / "anli.jsonl"), lambda r: r["text_a"], lambda r: THREE[r["gold"]], LABELS,
        tag_field=True)
    run("rte", read(args.dev / "rte.jsonl"), lambda r: r["text_a"], lambda r: r["gold"],
        ("agreement", "not_agreement"))
    xnli = args.dev.parent.parent / "train" / "xnli_en.jsonl.gz"
    if xnli.exists():  # held-out NLI of MultiNLI's kind (non-commercial licence: measured, never trained on)
        from crosscheck.training.nli_data import read_jsonl

        run("xnli_en (never trained on)", list(read_jsonl(xnli)), lambda r: r["text_a"],
            lambda r: THREE[r["gold"]], LABELS)
    if isinstance(model, _PairWriter):
        model.close()
        return 0
    seconds = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps({"model": model.card, "results": results,
                                                         "seconds": round(seconds, 1)}, indent=1) + "\n")
    args.out.write_text(markdown(results, model.card, seconds))
    return 0


class _PairWriter:
    """--write-pairs: the rows as the model would judge them, for ``nli_train --eval``."""

    def __init__(self, path: Path) -> None:
        import gzip

        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = gzip.open(path, "wt", encoding="utf-8") if path.suffix == ".gz" else open(path, "w",
                                                                                              encoding="utf-8")

    def add(self, name: str, pairs: list[tuple[str, str]], gold: list[str], labels: tuple[str, ...]) -> None:
        binary = labels == ("agreement", "not_agreement")
        for (a, b), g in zip(pairs, gold):
            self.fh.write(json.dumps({"set": name, "a": a, "b": b, "gold": g, "binary": binary}) + "\n")

    def close(self) -> None:
        self.fh.close()


def markdown(results: dict, card: dict, seconds: float) -> str:
    lines = ["# The contradiction model alone on dev pairs", "",
             f"Command: `python bench/nli_eval.py` ({time.strftime('%Y-%m-%d')}; model sha256 "
             f"{card['sha256'][:16]}, {card.get('steps')} steps; {seconds:.0f} s).", "",
             "| data (rows) | accuracy (majority class) | macro-F1 (majority) | contradiction P / R / F1 "
             "(always contradiction F1) | agreement P / R / F1 |", "|---|---|---|---|---|"]
    for name, r in results.items():
        c = r["per_class"].get("contradiction")
        a = r["per_class"]["agreement"]
        cell = f"{c[0]:.2f} / {c[1]:.2f} / **{c[2]:.2f}** ({r['always_contradiction_f1']:.2f})" if c else "(no label)"
        lines.append(f"| {name} ({r['rows']}) | {r['accuracy']:.3f} ({r['majority_accuracy']:.3f}) | "
                     f"**{r['macro_f1']:.3f}** ({r['majority_macro_f1']:.3f}) | {cell} | "
                     f"{a[0]:.2f} / {a[1]:.2f} / {a[2]:.2f} |")
    for name, r in results.items():
        if r.get("by_tag"):
            lines += ["", f"## {name}: contradiction by tag", "", "| tag | rows | P / R / F1 |", "|---|---|---|"]
            for tag, t in r["by_tag"].items():
                p, rec, f = t["contradiction_prf"]
                lines.append(f"| {tag} | {t['rows']} | {p:.2f} / {rec:.2f} / {f:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

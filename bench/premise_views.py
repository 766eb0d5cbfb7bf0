"""The contradiction model alone on RTE or ANLI, premise read three ways: the README's premise-view figures.

    python bench/premise_views.py rte      # about 2 minutes; anli about 4

whole: the whole premise; best: its sentence sharing most words with the hypothesis (what the pipeline asks
when a premise has several sentences); best + neighbour: that sentence and the other sentence covering most of
the hypothesis' words it lacks, in text order (the shape of ``verdicts.judge.premise_text``, here without the
pipeline: sentences split at . ! ? before a capital, words lower-cased minus a few stop words, and no
distance bound, which RTE's two- to four-sentence premises hardly need). Prints accuracy (RTE: agreement
against the rest) and, for ANLI, macro-F1.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
LABELS = ("agreement", "neutral", "contradiction")
STOP = set("the a an of to in and or is are was were be been on at by for with that this it its as from has have had "
           "he she they his her their not no".split())


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP}


def premises(text_a: str, text_b: str) -> tuple[str, str, str]:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", text_a) if s.strip()]
    claim = words(text_b)
    i = int(np.argmax([len(words(s) & claim) for s in sentences]))
    missing = claim - words(sentences[i])
    others = [k for k in range(len(sentences)) if k != i]
    j = max(others, key=lambda k: len(words(sentences[k]) & missing), default=None)
    window = sentences[i] if j is None or not words(sentences[j]) & missing else \
        f"{sentences[min(i, j)]} {sentences[max(i, j)]}"
    return text_a, sentences[i], window


def main(argv: list[str]) -> int:
    from crosscheck.verdicts.contradiction_model import SHIPPED, ContradictionModel

    name = argv[0] if argv else "rte"
    rows = [json.loads(line) for line in (DEV / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    model = ContradictionModel(SHIPPED)
    views = list(zip(*(premises(r["text_a"], r["text_b"]) for r in rows)))
    gold = [("neutral" if r["gold"] == "unrelated" else r["gold"]) for r in rows]
    for label, premise in zip(("whole", "best", "best + neighbour"), views):
        pred = [LABELS[i] for i in model.probabilities([(p, r["text_b"]) for p, r in zip(premise, rows)]).argmax(1)]
        if name == "rte":
            pred = [p if p == "agreement" else "not_agreement" for p in pred]
            print(f"{label}: accuracy {np.mean([p == g for p, g in zip(pred, gold)]):.3f}")
        else:
            from sklearn.metrics import f1_score

            print(f"{label}: accuracy {np.mean([p == g for p, g in zip(pred, gold)]):.3f}, "
                  f"macro-F1 {f1_score(gold, pred, average='macro'):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

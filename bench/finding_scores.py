"""Do findings' scores mean what they say? Each conflict rule's scores against how often it is right.

Why: a finding's score is meant to be the probability that the finding is right (issue 14, "scores that
mean something"). Two labelled views of real news, neither perfect:

* **stories** (``../shared/eval/stories`` and the ``--extra`` set of ``bench/stories.py``): a conflict
  (contradiction, update, discrepancy) between two outlets is right when one outlet affirms the story's
  claim and the other refutes it. The editor's view, but few findings.
* **FNC-1 related rows** (``../shared/eval/dev/fnc1.jsonl``, both folds by body): a conflict between the
  body and the headline is right when the row's gold stance is "disagree". Stricter than an editor: FNC-1
  files a body that *reports* a denial or a different figure under "discuss".

For each rule and finding kind: the findings, the share right, the mean score, the AUC of the score at
telling right from wrong (0.5: the score says nothing), and the Brier score of the scores against that of
a constant at the share right (lower is better). Files of the extra set go to a temporary folder.

    python bench/finding_scores.py [--out bench/results/finding-scores.md] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONFLICTS = ("contradiction", "update", "discrepancy")


def story_findings(pipeline, stories_dir: Path, view: str) -> list[dict]:
    """Conflicts between two outlets of each story folder, right when they pair an affirming and a refuting one."""
    from stories import body_of

    out = []
    for entry in json.loads((stories_dir / "index.json").read_text()):
        analysis = pipeline.check_paths([stories_dir / entry["dir"]])
        path_of = {d.id: d.path for d in analysis.documents}
        for f in analysis.findings:
            if f.kind not in CONFLICTS or len(f.statements) != 2 or f.statements[0].document == f.statements[1].document:
                continue
            a, b = (entry["bodies"].get(body_of(path_of[r.document]), "?") for r in f.statements)
            out.append({"view": view, "rule": f.rule, "kind": f.kind, "score": f.score, "right": {a, b} == {"agree", "disagree"}})
    return out


def fnc1_findings(pipeline, path: Path, chunk: int = 200) -> list[dict]:
    """Conflicts between an FNC-1 body and its headline (related rows), right when the gold stance is disagree."""
    from crosscheck.evaluation.predict import rows_stories, story_id
    from crosscheck.evaluation.rows import read_rows

    rows = [r for r in read_rows(path)[0] if r.gold != "unrelated"]
    out = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        documents, stories = rows_stories(part)
        analysis = pipeline.analyse(documents, stories=stories)
        gold = {story_id(r): r.gold for r in part}
        for f in analysis.findings:
            if f.kind in CONFLICTS and len(f.statements) == 2 and f.statements[0].document != f.statements[1].document:
                out.append({"view": "FNC-1", "rule": f.rule, "kind": f.kind, "score": f.score,
                            "right": gold[f.story] == "contradiction"})
    return out


def summary(found: list[dict]) -> list[dict]:
    """Per view, rule and kind: n, share right, mean score, AUC and Brier scores."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for f in found:
        groups[(f["view"], f["rule"], f["kind"])].append(f)
    rows = []
    for (view, rule, kind), items in sorted(groups.items()):
        right = [f["score"] for f in items if f["right"]]
        wrong = [f["score"] for f in items if not f["right"]]
        share = len(right) / len(items)
        auc = (sum((r > w) + 0.5 * (r == w) for r in right for w in wrong) / (len(right) * len(wrong))
               if right and wrong else None)
        brier = sum((f["score"] - f["right"]) ** 2 for f in items) / len(items)
        rows.append({"view": view, "rule": rule, "kind": kind, "findings": len(items), "right": len(right),
                     "share_right": round(share, 3), "mean_score": round(sum(f["score"] for f in items) / len(items), 3),
                     "auc": None if auc is None else round(auc, 3), "brier": round(brier, 3),
                     "brier_constant": round(share * (1 - share), 3)})
    return rows


def markdown(rows: list[dict], command: str, seconds: float) -> str:
    lines = ["# Findings' scores against how often they are right", "",
             f"Command: `{command}` ({dt.date.today().isoformat()}, {seconds:.0f} s). Stories: a conflict between an "
             "affirming and a refuting outlet is right (115 labelled stories: `bench/stories.py` and `--extra`). "
             "FNC-1: a conflict between a related body and its headline is right when the gold stance is "
             "\"disagree\" (stricter: FNC-1 files a reported denial under \"discuss\"). AUC: how well the score "
             "tells right from wrong (0.5: not at all; empty when all are right or all wrong). Brier: the scores' "
             "squared error; beside it a constant at the share right.", "",
             "| view | rule | kind | findings | right | share right | mean score | AUC | Brier (constant) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        auc = "" if r["auc"] is None else f"{r['auc']:.3f}"
        lines.append(f"| {r['view']} | {r['rule']} | {r['kind']} | {r['findings']} | {r['right']} | "
                     f"{r['share_right']:.2f} | {r['mean_score']:.3f} | {auc} | {r['brier']:.3f} ({r['brier_constant']:.3f}) |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "finding-scores.md")
    parser.add_argument("--cache-dir", type=Path, default=None, help="crosscheck's cache (default: the user's)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    from crosscheck.pipeline import Pipeline, Settings
    from stories import build_extra_stories

    started = time.perf_counter()
    pipeline = Pipeline(Settings(cache_dir=args.cache_dir))
    stories_dir = SHARED / "eval" / "stories"
    found = story_findings(pipeline, stories_dir, "stories")
    with tempfile.TemporaryDirectory() as tmp:
        extra = build_extra_stories(SHARED / "eval" / "dev" / "fnc1.jsonl", stories_dir, Path(tmp))
        found += story_findings(pipeline, extra, "stories")
    found += fnc1_findings(pipeline, SHARED / "eval" / "dev" / "fnc1.jsonl")
    pipeline.close()
    rows = summary(found)
    seconds = time.perf_counter() - started
    command = "python bench/finding_scores.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(rows, command, seconds), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"command": command, "rows": rows}, indent=1), encoding="utf-8")
    print(f"wrote {args.out} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

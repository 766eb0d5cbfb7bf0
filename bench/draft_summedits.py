"""The draft check (`crosscheck check DRAFT --against SOURCES`) measured on SummEdits.

Each SummEdits row is a news article (text_a) and a one-sentence summary of it (text_b), gold
"consistent" or "inconsistent" (an edited detail). Here the summary is the draft and the article
its only source, and the real draft check (``crosscheck.draft.judge_claims``: the same
statements, alignment and rules as ``check --against``) gives each check-worthy claim of the
summary a verdict. A row is predicted inconsistent under two decision rules, both reported:

* ``contradicted``: some claim is contradicted (or disputed) by the article: what the CI gate
  fails on by default (contradiction = error);
* ``contradicted or novel detail``: also when some claim carries a figure, a date or a name that
  appears nowhere in the article (the draft check's "in no source at all" warning);
* ``contradicted or unsupported``: also when some claim has no support in the article at all
  (every unsupported warning an editor sees);
* ``any flag``: any of these (every claim the checklist does not mark supported, or marks with a
  detail in no source).

Balanced accuracy is the mean of the recalls of the two classes, as SummaC and SummEdits report
it (SummaC: about 0.70-0.75 on SummEdits' news domain).

    .venv/bin/python bench/draft_summedits.py [--data ../shared/eval/dev/summedits.jsonl] [--limit N]

The data is read from ``../shared/eval/dev`` and never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.draft import judge_claims  # noqa: E402
from crosscheck.evaluation.predict import row_story  # noqa: E402
from crosscheck.evaluation.rows import read_rows  # noqa: E402
from crosscheck.pipeline import Analysis, Pipeline, Settings  # noqa: E402


def balanced_accuracy(gold: list[bool], pred: list[bool]) -> float:
    """Mean recall of the positive (inconsistent) and negative (consistent) classes."""
    pos = [p for g, p in zip(gold, pred) if g]
    neg = [not p for g, p in zip(gold, pred) if not g]
    recalls = [sum(x) / len(x) for x in (pos, neg) if x]
    return sum(recalls) / len(recalls) if recalls else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/dev/summedits.jsonl")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/draft_summedits.json")
    args = parser.parse_args()
    rows, problems = read_rows(args.data, limit=args.limit)
    for p in problems:
        print(f"{p.path}:{p.line}: {p.message}", file=sys.stderr)
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="crosscheck-draft-bench-"))
    pipeline = Pipeline(Settings(cache_dir=cache))
    started = time.perf_counter()
    sources, drafts, stories = [], [], []
    for row in rows:
        article, summary, story = row_story(row, str(args.data))
        sources.append(article)
        drafts.append(replace(summary, id=f"draft:{summary.id}", published=article.published + dt.timedelta(days=1)))
        stories.append(replace(story, documents=(article.id,)))
    analysis = pipeline.analyse(sources, stories=stories)
    pipeline.statements_of(drafts)  # one batched spaCy pass; judge_claims then reads the statement cache
    index_of = {s.id: i for i, s in enumerate(analysis.statements)}
    gold, pred_conflict, pred_novel, pred_any, pred_flag, claim_verdicts = [], [], [], [], [], Counter()
    for row, source, draft in zip(rows, sources, drafts):
        own = [s for s in analysis.statements if s.document == source.id]
        sub = Analysis((source,), tuple(own), analysis.vectors[[index_of[s.id] for s in own]],
                       tuple(st for st in analysis.stories if source.id in st.documents), (),
                       tuple(f for f in analysis.findings if any(r.document == source.id for r in f.statements)))
        judged = judge_claims(pipeline, draft, sub)
        verdicts = [v.verdict for v in judged]
        claim_verdicts.update(verdicts)
        claim_verdicts.update("novel detail" for v in judged if v.novel)
        gold.append(row.gold == "inconsistent")
        pred_conflict.append(any(v in ("contradicted", "disputed") for v in verdicts))
        pred_novel.append(pred_conflict[-1] or any(v.novel for v in judged))
        pred_any.append(any(v in ("contradicted", "disputed", "unsupported") for v in verdicts))
        pred_flag.append(pred_any[-1] or pred_novel[-1])
    seconds = time.perf_counter() - started
    result = {
        "date": dt.date.today().isoformat(),
        "command": "python bench/draft_summedits.py" + (f" --limit {args.limit}" if args.limit else ""),
        "rows": len(rows),
        "inconsistent": sum(gold),
        "balanced_accuracy": {"contradicted": round(balanced_accuracy(gold, pred_conflict), 3),
                              "contradicted_or_novel_detail": round(balanced_accuracy(gold, pred_novel), 3),
                              "contradicted_or_unsupported": round(balanced_accuracy(gold, pred_any), 3),
                              "any_flag": round(balanced_accuracy(gold, pred_flag), 3)},
        "precision": {name: round(sum(g and f for g, f in zip(gold, flags)) / max(1, sum(flags)), 3)
                      for name, flags in (("contradicted", pred_conflict), ("contradicted_or_novel_detail", pred_novel),
                                          ("contradicted_or_unsupported", pred_any), ("any_flag", pred_flag))},
        "flagged_rows": {"contradicted": sum(pred_conflict), "contradicted_or_novel_detail": sum(pred_novel),
                         "contradicted_or_unsupported": sum(pred_any), "any_flag": sum(pred_flag)},
        "claim_verdicts": dict(sorted(claim_verdicts.items())),
        "seconds": round(seconds, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

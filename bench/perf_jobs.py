"""Do more processes pay off for the statements stage (``Settings.jobs``, a ``--jobs N`` flag)?

    .venv/bin/python bench/perf_jobs.py [--articles 100] [--jobs 1,2] [--repeat 3]

Times the statements stage (spaCy + our grammar) on a generated corpus (bench/corpus.py), spaCy
loaded beforehand, caches off, two ways for each process count: spaCy's own
``nlp.pipe(n_process=N)`` (workers parse, this process deserialises every Doc and runs our
grammar) and ``Pipeline`` with ``Settings(jobs=N)`` (documents split into N shares, forked
workers run spaCy and our grammar on theirs). Prints one JSON line per setting.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import corpus
    from crosscheck.nouns import Document
    from crosscheck.statements.extract import extract_statements
    from crosscheck.statements.nlp import load_nlp

    articles, _ = corpus.generate(args.articles)
    docs = [Document(id=a.id, path=f"{a.id}.md", title=a.title, outlet=a.outlet, published=a.published, url="",
                     text=a.text) for a in articles]
    started = time.perf_counter()
    nlp = load_nlp()
    print(json.dumps({"load_nlp_seconds": time.perf_counter() - started}), flush=True)
    extract_statements(docs[:3], nlp)  # warm up
    from crosscheck.pipeline import Pipeline, Settings

    for jobs in (int(j) for j in args.jobs.split(",")):
        pipeline = Pipeline(Settings(use_cache=False, jobs=jobs), rules=[])
        ways = {"spacy_n_process": lambda: extract_statements(docs, nlp, n_process=jobs),
                "pipeline_jobs": lambda: pipeline._extract(docs)}
        for way, run in ways.items():
            if jobs == 1 and way == "pipeline_jobs":
                continue
            times, count = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                count = len(run())
                times.append(time.perf_counter() - started)
            seconds = statistics.median(times)
            print(json.dumps({"jobs": jobs, "way": way, "articles": len(docs), "statements": count,
                              "seconds": round(seconds, 2), "runs": [round(t, 2) for t in times],
                              "statements_per_second": round(count / seconds, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

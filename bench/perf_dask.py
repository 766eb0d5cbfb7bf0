"""A cold ``crosscheck check`` in one process against the same command on a Dask LocalCluster (``--scheduler``).

    .venv/bin/python bench/perf_dask.py --articles 1000 [--workers 2] [--repeat 2] [--work /tmp/crosscheck-dask]
    .venv/bin/python bench/perf_dask.py --articles 10000 --repeat 1 --modes cluster   # the other half later


Builds (once) a corpus of N articles with ``bench/corpus.py``, starts a LocalCluster of
``--workers`` worker processes of one thread each in this process (what ``dask scheduler`` and
``dask worker --nworkers 2 --nthreads 1`` start), then, ``--repeat`` times and interleaved:

* one process: ``crosscheck check DIR --format json`` from an empty cache (the parse, the model's
  helper process beside it, every later stage here);
* the cluster: the workers restarted (no model loaded, nothing cached anywhere), then
  ``crosscheck check DIR --format json --scheduler ADDRESS`` from an empty cache.

Each command runs through ``bench/perf_driver.py`` (stage seconds of the driver). The two JSON
reports must be byte-identical; one JSON line per run and a summary (medians, ratio) are printed
and appended to ``--log``. ``--modes cluster`` runs only the cluster half (a 10,000-article pair does
not fit one session) and compares its report with the ``report-one.json`` an earlier one-process run
left in ``--work``, when there is one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent




def run(args: list[str], record: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BENCH / "perf_driver.py"), str(record), *args],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"crosscheck failed ({proc.returncode}): {proc.stderr[-3000:]}")
    out = json.loads(record.read_text())
    out["wall_s"] = wall
    out["load_average"] = os.getloadavg()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-dask"))
    ap.add_argument("--log", type=Path, default=None, help="append every record here (JSON lines)")
    ap.add_argument("--modes", default="one,cluster", help="which halves to run: one, cluster or both")
    args = ap.parse_args(argv)
    modes = tuple(m for m in ("one", "cluster") if m in args.modes.split(","))
    if not modes:
        ap.error("--modes takes one, cluster or one,cluster")
    corpus = args.work / f"corpus-{args.articles}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(BENCH / "corpus.py"), str(args.articles), str(corpus)], check=True)

    from crosscheck.distributed import caller_thread_variables, local_client

    client = local_client(workers=args.workers, threads=1, processes=True)
    address = client.cluster.scheduler_address
    records: list[dict] = []

    def log(record: dict) -> None:
        line = json.dumps(record)
        print(line, flush=True)
        if args.log:
            with args.log.open("a") as fh:
                fh.write(line + "\n")

    try:
        for n in range(args.repeat):
            for mode in modes:
                cache, report = args.work / f"cache-{mode}", args.work / f"report-{mode}.json"
                shutil.rmtree(cache, ignore_errors=True)
                extra: list[str] = []
                if mode == "cluster":
                    # fresh worker processes (no model loaded); restart() sets the BLAS thread variables to 1 in
                    # this process, and a command started after it would then sum on one thread where the
                    # one-process run had two (on 2026-12-02 half the judgements differed in the last bits)
                    with caller_thread_variables():
                        client.restart()
                    client.wait_for_workers(args.workers)
                    extra = ["--scheduler", address]
                record = run(["check", str(corpus), "-q", "--format", "json", "-o", str(report), "--exit-zero",
                              "--cache-dir", str(cache), *extra], args.work / f"record-{mode}.json")
                record.update(mode=mode, repeat=n, articles=args.articles, workers=args.workers,
                              at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                records.append(record)
                log(record)
            one_report, cluster_report = args.work / "report-one.json", args.work / "report-cluster.json"
            if not (one_report.exists() and cluster_report.exists()):
                continue
            same = one_report.read_bytes() == cluster_report.read_bytes()
            records[-1]["same_report"] = same
            if not same:
                raise SystemExit("the cluster's report differs from the one-process report")
    finally:
        local = client.cluster
        client.close()
        local.close()
    one = [r["wall_s"] for r in records if r["mode"] == "one"]
    cluster = [r["wall_s"] for r in records if r["mode"] == "cluster"]
    summary: dict = {"summary": True, "articles": args.articles, "workers": args.workers, "one_process_s": one,
                     "cluster_s": cluster, "same_report": records[-1].get("same_report")}
    if one and cluster:
        summary.update(median_one_s=statistics.median(one), median_cluster_s=statistics.median(cluster),
                       cluster_over_one=statistics.median(cluster) / statistics.median(one))
    log(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

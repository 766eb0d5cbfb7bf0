"""Cold ``crosscheck check sources/`` with and without the start-up changes, runs interleaved.

    .venv/bin/python bench/perf_coldstart.py --repeat 6 [--extra=--no-combiner] [--out FILE.md]
    .venv/bin/python bench/perf_coldstart.py --repeat 6 --against 3e222ed   # this tree against a commit

On a shared machine the load changes from minute to minute, so two series measured one after
the other compare the load, not the code. This script alternates the two settings run by run,
each with an empty cache, on the same code:

* ``before``: ``CROSSCHECK_BACKGROUND_MODEL=0 OMP_WAIT_POLICY=ACTIVE``: the model loads in this
  process after spaCy, and torch's OpenMP threads spin (the behaviour before both changes);
* ``after``: the defaults: the model loads in a forked helper while spaCy parses, threads sleep.

With ``--against REV`` the ``before`` series is instead the code of that git revision (its
``src/`` (and ``rules/``) exported to a temporary folder and put first on ``PYTHONPATH``), default
settings for both.

It checks that both print the same report, and prints medians of wall and CPU seconds (CPU:
user + system of the process and its children), the load average before each run, and the JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("crosscheck"))
MODES = {"after": {}, "before": {"CROSSCHECK_BACKGROUND_MODEL": "0", "OMP_WAIT_POLICY": "ACTIVE"}}


def run(mode: str, cache: Path, extra: list[str], source: Path | None = None) -> dict:
    shutil.rmtree(cache, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CROSSCHECK_BACKGROUND_MODEL", "OMP_WAIT_POLICY")}
    if source is not None:  # another revision's code
        env["PYTHONPATH"] = str(source)
    else:
        env.update(MODES[mode])
    env["CROSSCHECK_CACHE_DIR"] = str(cache)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen([CLI, "check", str(ROOT / "sources"), *extra], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{mode} run failed: {err.decode(errors='replace')[-1500:]}")
    return {"wall": wall, "load": load, "report": out}


def _listed(runs: list[dict], key: str, digits: int) -> str:
    return ", ".join(f"{r[key]:.{digits}f}" for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--extra", action="append", default=[], metavar="ARG", help="appended to each command")
    ap.add_argument("--out", type=Path, help="append the table and the JSON to this Markdown file")
    ap.add_argument("--against", metavar="REV", help="the before series runs this git revision's src/")
    args = ap.parse_args(argv)
    cache = Path(tempfile.mkdtemp(prefix="crosscheck-coldstart-"))
    source = None
    if args.against:
        tree = Path(tempfile.mkdtemp(prefix="crosscheck-rev-"))
        # src/ and, since the rules moved to the top of the repository, rules/ and setup.py (which mark a checkout)
        paths = [p for p in ("src", "rules", "setup.py") if subprocess.run(["git", "cat-file", "-e", f"{args.against}:{p}"],
                                                                 cwd=ROOT, capture_output=True).returncode == 0]
        archive = subprocess.run(["git", "archive", args.against, *paths], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        source = tree / "src"
    started = dt.datetime.now(dt.timezone.utc)
    runs: dict[str, list[dict]] = {m: [] for m in MODES}
    differ = False
    for n in range(args.repeat):
        for mode in MODES:
            before = os.times()
            r = run(mode, cache, args.extra, source if mode == "before" else None)
            after = os.times()
            r["cpu"] = (after.children_user - before.children_user) + (after.children_system - before.children_system)
            runs[mode].append(r)
            print(f"{n} {mode}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, load {r['load']:.1f}", flush=True)
        if runs["after"][-1]["report"] != runs["before"][-1]["report"]:
            if not args.against:  # two settings of one code must agree; two revisions may differ on purpose
                raise SystemExit("the two settings printed different reports")
            print(f"{n}: the revisions' reports differ (a change of behaviour between them)", flush=True)
            differ = True
    shutil.rmtree(cache, ignore_errors=True)
    rows = ["| setting | median wall s | median CPU s | runs wall (s) | load avg before each run |", "|---|---|---|---|---|"]
    for mode, rs in runs.items():
        rows.append(f"| {mode} | {statistics.median(r['wall'] for r in rs):.2f} | "
                    f"{statistics.median(r['cpu'] for r in rs):.2f} | {_listed(rs, 'wall', 2)} | {_listed(rs, 'load', 1)} |")
    ratio = statistics.median(r["wall"] for r in runs["after"]) / statistics.median(r["wall"] for r in runs["before"])
    command = "`.venv/bin/python bench/perf_coldstart.py " + " ".join(argv if argv is not None else sys.argv[1:]) + "`"
    what = f"this tree (after) against {args.against} (before)" if args.against else "before/after interleaved"
    text = "\n".join([f"## Cold start, {what} ({started:%Y-%m-%d %H:%M} UTC)", "",
                      f"Command: {command}; " + ("the two revisions print different reports (behaviour changed between them)."
                                                if differ else "the same report from both settings (checked)."), "", *rows, "",
                      f"after / before (median wall): {ratio:.2f}", ""])
    print(text)
    if args.out:
        raw = {m: [{k: v for k, v in r.items() if k != "report"} for r in rs] for m, rs in runs.items()}
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text + "\n<details><summary>raw (JSON)</summary>\n\n```json\n" + json.dumps(raw, indent=1)
                     + "\n```\n</details>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory of ``crosscheck check`` from 5 to 10,000 articles, cold and warm; writes bench/results/perf.md.

    .venv/bin/python bench/perf_run.py                      # sources/ and corpora of 5, 100, 1000 articles
    .venv/bin/python bench/perf_run.py --sizes 5,100 --repeat 3
    .venv/bin/python bench/perf_run.py --sizes "" --repeat 5 --out bench/results/perf-sources.md  # sources/ only
    .venv/bin/python bench/perf_run.py --big                # adds 10,000 articles (about an hour here)

For each corpus (``bench/corpus.py``, generated from real text at bench time into --work):

* cold: a fresh cache folder, so spaCy parses and the model encodes everything;
* warm: the same command again on the filled cache;
* pure encoding: ``Encoder._encode_model`` on the de-duplicated texts of the run, cache off, model
  loaded and warm (``bench/perf_encode.py``): the floor the issue's 1.3x target is measured against.

Every run is the real command line (``crosscheck check FOLDER -q --format json -o FILE
--exit-zero``) in its own process, through ``bench/perf_driver.py`` which records the stage
times; wall time and peak RSS are measured from outside (``os.wait4``). ``crosscheck check
sources/`` is timed as a user runs it (text report to stdout). Medians of --repeat runs (cold
runs of 1,000+ articles: --large-cold-repeat). The machine's load average is recorded beside
each figure: other work on a 2-core machine slows every figure here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CLI = str(Path(sys.executable).with_name("crosscheck"))


def timed(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> dict:
    """Wall seconds, peak RSS and exit status of one process."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_mb": usage.ru_maxrss / 1024, "rc": code,
            "load": load,
            "stderr": err[-1500:] if code not in (0, 1) else ""}


EXTRA: list[str] = []  # --extra: appended to every ``crosscheck check`` command


def run_check(folder: Path, cache: Path, record: Path) -> dict:
    out = timed([sys.executable, str(BENCH / "perf_driver.py"), str(record), "check", str(folder), "-q",
                 "--format", "json", "-o", str(record.with_suffix(".report.json")), "--exit-zero", *EXTRA],
                env={"CROSSCHECK_CACHE_DIR": str(cache)})
    if out["rc"] != 0:
        raise SystemExit(f"crosscheck failed on {folder}: {out['stderr']}")
    out.update(json.loads(record.read_text()))
    return out


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_sources(work: Path, repeat: int) -> dict:
    cold, warm = [], []
    for n in range(repeat):
        cache = work / f"cache-sources-{n}"
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed([CLI, "check", str(ROOT / "sources"), *EXTRA], env={"CROSSCHECK_CACHE_DIR": str(cache)}))
    cache = work / "cache-sources-0"
    for _ in range(repeat):
        warm.append(timed([CLI, "check", str(ROOT / "sources"), *EXTRA], env={"CROSSCHECK_CACHE_DIR": str(cache)}))
    for r in cold + warm:
        if r["rc"] not in (0, 1):
            raise SystemExit(f"crosscheck check sources/ failed: {r['stderr']}")
    return {"cold": cold, "warm": warm}


def bench_size(n: int, work: Path, repeat: int, cold_repeat: int, sample: int) -> dict:
    sys.path.insert(0, str(BENCH))
    import corpus

    folder = work / f"corpus-{n}"
    if not folder.exists():
        articles, stats = corpus.generate(n)
        corpus.write(articles, folder)
        (work / f"corpus-{n}.stats.json").write_text(json.dumps(stats))
    stats = json.loads((work / f"corpus-{n}.stats.json").read_text())
    cold, warm = [], []
    for k in range(cold_repeat):
        cache = work / f"cache-{n}-{k}"
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(run_check(folder, cache, work / f"record-{n}-cold-{k}.json"))
        print(f"  {n} cold {k}: {cold[-1]['wall']:.1f} s", flush=True)
        if INTERLEAVE:  # the floor measured in the same minutes as this cold run: the machine's speed drifts
            cold[-1]["pure_encoding"] = pure_encoding(folder, cache, sample)
            print(f"  {n} pure encoding after cold {k}: {cold[-1]['pure_encoding']['encode_seconds']:.1f} s "
                  f"(ratio {cold[-1]['wall'] / cold[-1]['pure_encoding']['encode_seconds']:.2f})", flush=True)
    cache = work / f"cache-{n}-0"
    for k in range(repeat):
        warm.append(run_check(folder, cache, work / f"record-{n}-warm-{k}.json"))
        print(f"  {n} warm {k}: {warm[-1]['wall']:.1f} s", flush=True)
    encode = cold[0]["pure_encoding"] if INTERLEAVE else pure_encoding(folder, cache, sample)
    print(f"  {n} pure encoding: {encode['encode_seconds']:.1f} s", flush=True)
    return {"n": n, "corpus": stats, "cold": cold, "warm": warm, "encode": encode}


INTERLEAVE = False  # --interleave: pure encoding timed right after each cold run, ratios taken pair by pair


def pure_encoding(folder: Path, cache: Path, sample: int) -> dict:
    """``perf_encode.py`` on the statements a run left in ``cache``: the encoding floor of that run."""
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, str(BENCH / "perf_encode.py"), str(folder), "--cache-dir", str(cache),
                           "--sample", str(sample)], capture_output=True, text=True, check=True)
    encode = json.loads(proc.stdout.strip().splitlines()[-1])
    encode["load"] = load
    return encode


def interleaved(cold: list[dict]) -> bool:
    """Every cold run has its own pure encoding (``--interleave``)."""
    return all("pure_encoding" in r for r in cold)


def pure_seconds(cold: list[dict], encode: dict) -> float:
    """Pure encoding seconds: the median over the cold runs when each had its own, else the one measurement."""
    if interleaved(cold):
        return statistics.median(r["pure_encoding"]["encode_seconds"] for r in cold)
    return encode["encode_seconds"]


def cold_ratio(cold: list[dict], encode: dict) -> str:
    """Cold wall over pure encoding: the median of each cold run's own ratio when interleaved."""
    if interleaved(cold):
        ratios = [r["wall"] / r["pure_encoding"]["encode_seconds"] for r in cold]
        listed_ratios = ", ".join(f"{x:.2f}" for x in ratios)
        return f"{statistics.median(ratios):.2f}" + (f" ({listed_ratios})" if len(ratios) > 1 else "")
    return f"{median(cold, 'wall') / encode['encode_seconds']:.2f}"


def listed(runs: list[dict], key: str, digits: int) -> str:
    return ", ".join(f"{r[key]:.{digits}f}" for r in runs)


def cpu_ratio(cold: list[dict], encode: dict) -> str:
    """CPU seconds of the cold run over those of pure encoding: less sensitive to other load than wall time."""
    if "cpu" not in cold[0] or not encode.get("encode_cpu_seconds"):
        return "-"
    if interleaved(cold):
        ratios = [r["cpu"] / r["pure_encoding"]["encode_cpu_seconds"] for r in cold]
        return f"{statistics.median(ratios):.2f} (median of {len(ratios)} pairs)"
    cpu = median(cold, "cpu")
    return f"{cpu:.0f} / {encode['encode_cpu_seconds']:.0f} = {cpu / encode['encode_cpu_seconds']:.2f}"


def table(results: list[dict], sources: dict | None) -> str:
    lines = []
    if sources:
        c, w = sources["cold"], sources["warm"]
        lines += ["## `crosscheck check sources/` (5 articles, text report to stdout)", "",
                  "| run | median wall s | runs (s) | median CPU s | peak RSS MB | load avg at start |",
                  "|---|---|---|---|---|---|",
                  f"| cold (empty cache) | {median(c, 'wall'):.2f} | {listed(c, 'wall', 2)} | {median(c, 'cpu'):.2f} | "
                  f"{median(c, 'maxrss_mb'):.0f} | {listed(c, 'load', 1)} |",
                  f"| warm (cache filled) | {median(w, 'wall'):.2f} | {listed(w, 'wall', 2)} | {median(w, 'cpu'):.2f} | "
                  f"{median(w, 'maxrss_mb'):.0f} | {listed(w, 'load', 1)} |", "",
                  "CPU s: user + system of the process and its children (the encoder's helper process); peak RSS: "
                  "the largest single process.", ""]
    if not results:
        return "\n".join(lines)
    lines += ["## Corpora (`crosscheck check FOLDER --format json`)", "",
              "| articles | statements | unique texts | stories (largest) | cold wall s | warm wall s | "
              "peak RSS MB cold | statements/s cold | pure encoding s | cold / encoding | cold in-run encoding s | "
              "cold CPU s / pure encoding CPU s | load avg |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c, w, e = r["cold"], r["warm"], r["encode"]
        first = c[0]
        cold_wall = median(c, "wall")
        lines.append(
            f"| {r['n']:,} | {first['statements']:,} | {e['unique_texts']:,} | {first['stories']:,} "
            f"({first['largest_story']}) | {cold_wall:.1f} ({len(c)} run{'s' if len(c) > 1 else ''}) | "
            f"{median(w, 'wall'):.2f} ({len(w)}) | {median(c, 'maxrss_mb'):.0f} | {first['statements'] / cold_wall:.0f} | "
            f"{pure_seconds(c, e):.1f}{' (sampled)' if e['timed_texts'] < e['unique_texts'] else ''} | "
            f"{cold_ratio(c, e)} | {median(c, 'encode_seconds'):.1f} | {cpu_ratio(c, e)} | "
            f"{listed(c, 'load', 1)} |")
    lines += ["", "### Stage seconds of the (first) cold and warm run", "",
              "| articles | run | loading | statements | embeddings | stories | alignments | findings | "
              "process total | imported |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for kind in ("cold", "warm"):
            run = r[kind][0]
            t = run["timings"]
            lines.append(f"| {r['n']:,} | {kind} | " + " | ".join(
                f"{t.get(s, 0):.2f}" for s in ("loading", "statements", "embeddings", "stories", "alignments",
                                               "findings"))
                + f" | {run['wall']:.2f} | {', '.join(run['modules']) or '-'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5,100,1000")
    ap.add_argument("--big", action="store_true", help="add 10,000 articles")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--large-cold-repeat", type=int, default=1, help="cold runs for 1,000+ articles")
    ap.add_argument("--sample", type=int, default=20000, help="texts timed for pure encoding at most")
    ap.add_argument("--no-sources", action="store_true")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "crosscheck-bench")
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "perf.md")
    ap.add_argument("--extra", action="append", default=[], metavar="ARG",
                    help="an argument appended to every crosscheck check command (repeatable; e.g. --extra=-j2)")
    ap.add_argument("--interleave", action="store_true",
                    help="time pure encoding right after each cold run and take the ratio pair by pair")
    args = ap.parse_args(argv)
    EXTRA[:] = args.extra
    global INTERLEAVE
    INTERLEAVE = args.interleave
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.sizes.split(",") if x] + ([10000] if args.big else [])
    started = dt.datetime.now(dt.timezone.utc)
    sources = None if args.no_sources else bench_sources(args.work, args.repeat)
    if sources:
        print(f"sources/ cold {median(sources['cold'], 'wall'):.2f} s, warm {median(sources['warm'], 'wall'):.2f} s",
              flush=True)
    results = []
    for n in sizes:
        print(f"{n} articles", flush=True)
        results.append(bench_size(n, args.work, args.repeat, args.repeat if n < 1000 else args.large_cold_repeat,
                                  args.sample))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "?"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    header = [
        "# crosscheck speed and memory", "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, commit {commit} plus the working tree.", "",
        "Command: `.venv/bin/python bench/perf_run.py "
        + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])) + "`", "",
        "Cold: empty cache folder (statements and embeddings computed; the OS file cache is warm). Warm: the same "
        "command again. Pure encoding: `Encoder._encode_model` on the run's de-duplicated texts, cache off, model "
        "loaded (bench/perf_encode.py). Medians; the run count is in brackets. The load average (1 min) at the "
        "start of each cold run says how busy the machine was: anything above ~0 means other processes shared "
        "the 2 cores and every figure is slower than on an idle machine.", "",
    ]
    body = table(results, sources)
    raw = {"sources": sources, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(header) + body + "\n"
    text += "\nWhat the figures mean and which targets they meet: docs/scaling.md.\n"
    text += "\n<details><summary>raw measurements (JSON)</summary>\n\n```json\n" + json.dumps(raw, indent=1) + \
        "\n```\n</details>\n"
    args.out.write_text(text)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

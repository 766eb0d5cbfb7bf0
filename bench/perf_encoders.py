"""The bundled model on numpy against torch: load time, texts per second, agreement of the vectors.

    .venv/bin/python bench/perf_encoders.py FOLDER [--repeat 3] [--out FILE.md]

The texts are those a run on FOLDER encodes (every statement and every headline + lead, as
``Pipeline.encoding_texts`` gives them, de-duplicated; spaCy runs first, untimed). Each backend
loads in a fresh interpreter (``python -c``: the import of torch or numpy is part of the load),
then encodes the texts --repeat times in that interpreter; the two run alternately so that the
machine's load hits both alike. Prints medians, the cosine of each text's two vectors (min, mean)
and the largest absolute difference, and appends a Markdown table to --out if given. This is
what ``embeddings.NUMPY_UP_TO`` rests on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ONE = """
import json, sys, time
started = time.perf_counter()
from crosscheck.embeddings import Encoder
encoder = Encoder(use_cache=False, backend=sys.argv[1])
model = encoder._load()
load = time.perf_counter() - started
texts = json.load(open(sys.argv[2]))
runs = []
for _ in range(int(sys.argv[3])):
    vectors, seconds = encoder._run_model(model, texts, None)
    runs.append(seconds)
import numpy as np
np.save(sys.argv[4], vectors)
print(json.dumps({"load": load, "encode": runs}))
"""


def texts_of(folder: Path) -> list[str]:
    from crosscheck.documents import load_documents
    from crosscheck.pipeline import Pipeline, Settings

    pipeline = Pipeline(Settings(use_cache=False), rules=[])
    documents, _ = load_documents([folder])
    documents = sorted(documents, key=lambda d: d.id)
    return list(dict.fromkeys(pipeline.encoding_texts(documents, pipeline.statements_of(documents))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="fresh interpreters per backend")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    import numpy as np

    work = Path(tempfile.mkdtemp(prefix="crosscheck-encoders-"))
    texts = texts_of(args.folder)
    (work / "texts.json").write_text(json.dumps(texts))
    started = dt.datetime.now(dt.timezone.utc)
    runs: dict[str, list[dict]] = {"numpy": [], "native": []}
    for n in range(args.repeat):
        for backend in runs:
            load = os.getloadavg()[0]
            proc = subprocess.run([sys.executable, "-c", ONE, backend, str(work / "texts.json"), "2",
                                   str(work / f"{backend}.npy")], capture_output=True, text=True, check=True)
            got = json.loads(proc.stdout)
            got["load_avg"] = load
            runs[backend].append(got)
            print(f"{n} {backend}: load {got['load']:.2f} s, encode {got['encode']}", flush=True)
    a, b = np.load(work / "numpy.npy"), np.load(work / "native.npy")
    cosine = (a * b).sum(axis=1)
    rows = ["| backend | load s (import + weights) | encode s, warm | texts/s | load avg |", "|---|---|---|---|---|"]
    for backend, rs in runs.items():
        load = statistics.median(r["load"] for r in rs)
        encode = statistics.median(r["encode"][-1] for r in rs)
        loads = ", ".join(f"{r['load_avg']:.1f}" for r in rs)
        rows.append(f"| {'numpy' if backend == 'numpy' else 'torch'} | {load:.2f} | {encode:.2f} | "
                    f"{len(texts) / encode:.0f} | {loads} |")
    command = "`.venv/bin/python bench/perf_encoders.py " + " ".join(argv if argv is not None else sys.argv[1:]) + "`"
    text = "\n".join([f"## numpy against torch, {len(texts)} texts ({started:%Y-%m-%d %H:%M} UTC)", "",
                      f"Command: {command}; medians of {args.repeat} fresh interpreters each, run alternately.", "",
                      *rows, "",
                      f"Vectors: cosine min {cosine.min():.7f}, mean {cosine.mean():.7f}; "
                      f"max abs difference {np.abs(a - b).max():.1e}.", ""])
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

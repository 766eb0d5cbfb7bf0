"""The embedding and alignment stages on a Dask cluster (here: its local mode), beside the one-process path.

    .venv/bin/python bench/perf_dask.py [--articles 100] [--workers 2] [--dask-path /tmp/dask_pkgs]

Dask is not a dependency of crosscheck: install it where you run this (``pip install
"dask[distributed]"``, or ``pip install --target /tmp/dask_pkgs "dask[distributed]"`` and pass
``--dask-path``). The script

1. builds a corpus (bench/corpus.py) and its statements (one process, cached),
2. encodes the de-duplicated texts in this process (cache off) and, separately, as Dask tasks of
   ``--chunk`` texts, one model per worker process, and checks the vectors agree;
3. groups stories in this process (cheap, needs every headline), then aligns the stories in this
   process and as one Dask task per story (largest first), and checks the alignments are the same;

and prints one JSON line with the timings. docs/scaling.md says how to take this to many machines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
_ENCODER = None  # one per worker process


def encode_chunk(texts: list[str], threads: int):
    """A Dask task: unit vectors of some texts, with this worker's model (loaded on its first task)."""
    global _ENCODER
    if _ENCODER is None:
        import torch

        from crosscheck.embeddings import Encoder

        torch.set_num_threads(threads)
        _ENCODER = Encoder(use_cache=False)
    return _ENCODER._encode_model(texts)


def align_one(story, members, vectors, params):
    """A Dask task: the alignments of one story (the same two calls as ``Pipeline.align``)."""
    from crosscheck.alignments import align_story, align_within

    return align_story(story, members, vectors, params) + align_within(members, vectors, params)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    ap.add_argument("--chunk", type=int, default=256, help="texts per encoding task")
    ap.add_argument("--dask-path", default="", help="a folder with dask installed (pip install --target)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-dask"))
    args = ap.parse_args(argv)
    if args.dask_path:
        sys.path.append(args.dask_path)  # after the venv: its own click, yaml ... win
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), args.dask_path) if p)
    sys.path.insert(0, str(BENCH))
    import numpy as np

    import corpus
    from crosscheck.nouns import Document
    from crosscheck.pipeline import Pipeline, Settings
    from crosscheck.stories import group_stories

    articles, _ = corpus.generate(args.articles)
    documents = sorted((Document(id=a.id, path=f"{a.id}.md", title=a.title, outlet=a.outlet, published=a.published,
                                 url="", text=a.text) for a in articles), key=lambda d: d.id)
    pipeline = Pipeline(Settings(cache_dir=args.work / "cache"), rules=[])
    statements = pipeline.statements_of(documents)
    texts = list(dict.fromkeys(pipeline.encoding_texts(documents, statements)))
    out: dict = {"articles": len(documents), "statements": len(statements), "unique_texts": len(texts)}

    # --- one process -------------------------------------------------------------------------------------
    from crosscheck.embeddings import Encoder

    local = Encoder(use_cache=False)
    local._encode_model(texts[:32])
    started = time.perf_counter()
    local_vectors = local._encode_model(texts)
    out["encode_one_process_s"] = time.perf_counter() - started
    row = {t: i for i, t in enumerate(texts)}
    vectors = local_vectors[[row[s.embedding_text] for s in statements]]
    heads = local_vectors[[row[t] for t in pipeline.encoding_texts(documents, statements)[len(statements):]]]
    stories = group_stories(documents, statements, vectors, heads, pipeline.settings.story)
    started = time.perf_counter()
    local_alignments = pipeline.align(stories, statements, vectors)
    out["align_one_process_s"] = time.perf_counter() - started
    out["stories"] = len(stories)

    # --- Dask, local mode --------------------------------------------------------------------------------
    from dask.distributed import Client, LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.gather(client.map(encode_chunk, [texts[:32]] * args.workers, [args.threads] * args.workers,
                             pure=False))  # load the model on the workers
    out["dask_start_s"] = time.perf_counter() - started
    started = time.perf_counter()
    chunks = [texts[i:i + args.chunk] for i in range(0, len(texts), args.chunk)]
    futures = client.map(encode_chunk, chunks, [args.threads] * len(chunks), pure=False)
    dask_vectors = np.concatenate(client.gather(futures))
    out["encode_dask_s"] = time.perf_counter() - started
    out["max_abs_vector_difference"] = float(np.abs(dask_vectors - local_vectors).max())

    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        by_doc.setdefault(s.document, []).append(i)
    started = time.perf_counter()
    tasks = []
    for story in sorted(stories, key=lambda s: -len(s.documents)):
        idx = sorted(i for d in story.documents for i in by_doc.get(d, ()))
        tasks.append(client.submit(align_one, story, [statements[i] for i in idx], vectors[idx],
                                   pipeline.settings.align, pure=False))
    dask_alignments = [a for part in client.gather(tasks) for a in part]
    out["align_dask_s"] = time.perf_counter() - started
    out["alignments_equal"] = sorted(dask_alignments, key=lambda a: (a.a, a.b)) == \
        sorted(local_alignments, key=lambda a: (a.a, a.b))
    client.close()
    cluster.close()
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

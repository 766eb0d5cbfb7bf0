"""The embedding and alignment stages on a Dask cluster (here: its local mode), beside the one-process path.

    .venv/bin/python bench/perf_dask.py [--articles 100] [--workers 2] [--dask-path /tmp/dask_pkgs]

Dask is an optional dependency (``pip install -e '.[distributed]'``, or ``pip install --target
/tmp/dask_pkgs "dask[distributed]"`` and pass ``--dask-path``). The tasks are those of
``crosscheck.distributed`` (tests/test_distributed.py runs them on a LocalCluster). The script

1. builds a corpus (bench/corpus.py) and its statements (one process, cached),
2. encodes the de-duplicated texts in this process (cache off) and, separately, as Dask tasks of
   ``--chunk`` texts (``ClusterEncoder``), one model per worker process, and checks the vectors agree;
3. groups stories in this process (cheap, needs every headline), then aligns the stories in this
   process and as one Dask task per story, largest first (``ClusterPipeline.align``), and checks
   the alignments are the same;

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

    # --- Dask, local mode (crosscheck.distributed) -----------------------------------------------------
    from crosscheck.distributed import ClusterEncoder, ClusterPipeline, encode_chunk, local_client

    started = time.perf_counter()
    client = local_client(workers=args.workers, threads=1, processes=True)
    cluster = client.cluster
    client.gather(client.map(encode_chunk, [texts[:32]] * args.workers, model=None, allow_download=False,
                             threads=args.threads, pure=False))  # load the model on the workers
    out["dask_start_s"] = time.perf_counter() - started
    started = time.perf_counter()
    dask_vectors = ClusterEncoder(client, use_cache=False, chunk=args.chunk, threads=args.threads)._encode_model(texts)
    out["encode_dask_s"] = time.perf_counter() - started
    out["max_abs_vector_difference"] = float(np.abs(dask_vectors - local_vectors).max())

    started = time.perf_counter()
    dask_alignments = ClusterPipeline(client, pipeline.settings, rules=[]).align(stories, statements, vectors)
    out["align_dask_s"] = time.perf_counter() - started
    out["alignments_equal"] = dask_alignments == local_alignments
    client.close()
    cluster.close()
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

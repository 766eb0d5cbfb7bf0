"""Pure encoding time of a corpus' statements: ``Encoder._encode_model`` on the texts a run encodes, cache off.

    python bench/perf_encode.py FOLDER --cache-dir DIR [--sample 20000]

The texts are exactly those ``Pipeline.analyse`` hands to the encoder in its one call (every
statement's embedding text and every article's headline + lead), de-duplicated as
``Encoder.encode`` does before it calls the model. Statements come from the statement cache
in DIR (filled by the runs being compared), so spaCy is not timed. The model is loaded and
warmed before the clock starts, on the backend a run of that many texts gets (numpy up to
``embeddings.NUMPY_UP_TO`` texts, torch beyond). With more than ``--sample`` texts a random sample is timed
and scaled by the number of texts (said so in the output). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--cache-dir", type=Path, required=True)
    ap.add_argument("--sample", type=int, default=20000)
    args = ap.parse_args(argv)

    from crosscheck.documents import load_documents
    from crosscheck.embeddings import Encoder
    from crosscheck.pipeline import Pipeline, Settings

    pipeline = Pipeline(Settings(cache_dir=args.cache_dir))
    documents, _ = load_documents([args.folder])
    documents = sorted(documents, key=lambda d: d.id)
    statements = pipeline.statements_of(documents)
    texts = pipeline.encoding_texts(documents, statements)
    unique = list(dict.fromkeys(texts))
    timed = unique if len(unique) <= args.sample else random.Random(0).sample(unique, args.sample)
    encoder = Encoder(use_cache=False)
    encoder._load(len(unique))  # the backend a run of this many texts gets ("auto": numpy or torch)
    encoder._encode_model(unique[:64])  # warm up
    started, cpu = time.perf_counter(), time.process_time()
    encoder._encode_model(timed)
    seconds = (time.perf_counter() - started) * len(unique) / len(timed)
    cpu_seconds = (time.process_time() - cpu) * len(unique) / len(timed)
    print(json.dumps({"texts": len(texts), "unique_texts": len(unique), "timed_texts": len(timed),
                      "encode_seconds": seconds, "encode_cpu_seconds": cpu_seconds, "extracted_documents": pipeline.extracted_documents,
                      "backend": type(encoder._model).__name__,
                      "texts_per_second": len(unique) / seconds if seconds else 0.0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

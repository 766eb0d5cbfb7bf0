"""What runs on a Dask worker: one function per costly stage, and the models each worker loads once.

Imported by the workers (Dask unpickles a task as a reference to a function here) and by the driver,
which only names these functions; nothing here imports Dask at import time. What goes in and out
of a task is compact: documents and statements as the statement cache's compressed JSON (one
``bytes`` per document), vectors as float32 arrays, the contradiction model's input as padded token
id arrays, alignments as an index array and a float64 array. No task returns a graph of Python
objects to pickle.

Models: each worker process keeps spaCy, the sentence encoder and the contradiction model in a
``WorkerModels`` held by the worker plugin ``ModelsPlugin`` (``crosscheck.distributed.plugin``,
registered by the driver, idempotent: a second run on the same cluster finds the models loaded).
Outside a worker (a test calling a task directly) a module-level ``WorkerModels`` stands in.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from crosscheck.alignments import AlignParams, align_story, align_within
from crosscheck.embeddings.statements_cache import _decode, _encode
from crosscheck.nouns import Alignment, Document, Statement, Story
from crosscheck.stories import limited_blas, single_threaded_blas

PLUGIN_NAME = "crosscheck-models"


# --- the wire format -------------------------------------------------------------------------------------

def pack(items: Sequence[Any]) -> bytes:
    """Nouns (documents or one document's statements) as zlib-compressed JSON: the statement cache's encoding."""
    data = json.dumps([_encode(x) for x in items], separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(data.encode("utf-8", "surrogatepass"), 1)


def unpack(kind: type, blob: bytes) -> list[Any]:
    """``pack``'s nouns back, decoded strictly into ``kind`` (anything unexpected raises)."""
    return [_decode(kind, x) for x in json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))]


# --- models, once per worker ----------------------------------------------------------------------------

class WorkerModels:
    """spaCy, encoders and the contradiction model of one worker process, each loaded on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # a worker may run several tasks at once, in threads
        self.loaded: dict[Any, Any] = {}
        self.loads = 0  # how many models this worker loaded (tests: once each)

    def get(self, key: Any, load: Any) -> Any:
        with self.lock:
            if key not in self.loaded:
                self.loaded[key] = load()
                self.loads += 1
            return self.loaded[key]

    def nlp(self) -> Any:
        from crosscheck.statements.nlp import load_nlp

        return self.get("spacy", load_nlp)

    def encoder(self, model: str | None, backend: str, allow_download: bool, threads: int | None) -> Any:
        def load() -> Any:
            from crosscheck.embeddings import Encoder

            if threads:
                import torch

                torch.set_num_threads(threads)
            encoder = Encoder(model, use_cache=False, allow_download=allow_download, backend=backend)
            encoder._load()
            return encoder

        return self.get(("encoder", model, backend, allow_download), load)

    def contradiction_model(self) -> Any:
        from crosscheck.verdicts.contradiction_model import ContradictionModel

        return self.get("contradiction", ContradictionModel)


_HERE = WorkerModels()  # outside a Dask worker


def models() -> WorkerModels:
    """This worker's models (held by its plugin), or this process's when not on a worker."""
    try:
        from distributed import get_worker

        plugin = get_worker().plugins.get(PLUGIN_NAME)
    except (ImportError, ValueError):  # no Dask, or not inside a task
        return _HERE
    return getattr(plugin, "models", None) or _HERE


# --- the tasks -------------------------------------------------------------------------------------------

def parse_documents(documents: bytes, max_per_document: int) -> tuple[list[bytes], list[bool]]:
    """The statements stage for some documents (``pack``ed): each document's statements, ``pack``ed, in
    order, and whether ``extract_statements`` reported the document done (a document with no readable
    paragraph is not: the driver replays those reports to hand texts to the encoder as one process does).

    One ``extract_statements`` call, as the one-process run makes over its uncached documents (a
    paragraph reprinted within the call is parsed once); statements of a document never depend on
    the others.
    """
    from crosscheck.statements.extract import extract_statements
    docs = unpack(Document, documents)
    nlp = models().nlp()
    reported: set[str] = set()
    with single_threaded_blas():  # as Pipeline._extract parses
        found = extract_statements(docs, nlp, max_per_document=max_per_document,
                                   each_document=lambda doc_id, _: reported.add(doc_id))
    by_doc: dict[str, list[Statement]] = {d.id: [] for d in docs}
    for s in found:
        by_doc[s.document].append(s)
    return [pack(by_doc[d.id]) for d in docs], [d.id in reported for d in docs]


def token_counts(texts: list[str], model: str | None, backend: str, allow_download: bool,
                 threads: int | None) -> list[int] | None:
    """Tokens per text as the encoder sorts its batches (None: a model that sorts by characters)."""
    encoder = models().encoder(model, backend, allow_download, threads)
    counts = getattr(encoder._model, "token_counts", None)
    return counts(texts) if counts else None


def encode_texts(texts: list[str], model: str | None, backend: str, allow_download: bool,
                 threads: int | None, blas_threads: int | None = None) -> np.ndarray:
    """Unit vectors of ``texts`` (float32, in the given order) with this worker's encoder: ``Encoder._run_model``,
    the computation of one encoder request (sorted by tokens, in batches)."""
    encoder = models().encoder(model, backend, allow_download, threads)
    # numpy on the driver's BLAS thread count: its sums differ in the 7th digit between 1 and 2 threads, and a
    # Dask worker starts with one (the nanny sets OPENBLAS_NUM_THREADS=1); torch's do not depend on it
    with limited_blas(blas_threads if backend == "numpy" else None):
        return encoder._run_model(encoder._model, texts, None)[0]


def judge_batches(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]], blas_threads: int | None = None
                  ) -> np.ndarray:
    """The contradiction model's (n, 3) probabilities for padded batches (ids, token types, mask), in order."""
    model = models().contradiction_model()
    with limited_blas(blas_threads):  # as encode_texts
        out = [model._batch(ids.astype(np.int64), types.astype(np.int64), mask) for ids, types, mask in batches]
    return np.concatenate(out) if out else np.zeros((0, 3), np.float32)


def align_members(story: Story, statements: list[bytes], vectors: np.ndarray, params: AlignParams
                  ) -> tuple[int, np.ndarray, np.ndarray]:
    """One story's alignments (the two calls of ``Pipeline.align``) over its members, given as each
    document's ``pack``ed statements in statement order: the number of members, (n, 2) int32 member
    indexes (a, b) and (n, 4) float64 (score, cosine, lexical, entity overlap)."""
    members = [s for blob in statements for s in unpack(Statement, blob)]
    with single_threaded_blas():  # as Pipeline.analyse aligns
        found = align_story(story, members, vectors, params) + align_within(members, vectors, params)
    row = {s.id: i for i, s in enumerate(members)}
    pairs = np.array([(row[al.a], row[al.b]) for al in found], np.int32).reshape(-1, 2)
    values = np.array([(al.score, al.cosine, al.lexical, al.entity_overlap) for al in found],
                      np.float64).reshape(-1, 4)
    return len(members), pairs, values


def alignments_of(members: Sequence[Statement], pairs: np.ndarray, values: np.ndarray) -> list[Alignment]:
    """``align_members``' arrays back as ``Alignment``s (plain floats, as ``align_story`` makes them)."""
    return [Alignment(members[a].id, members[b].id, *v) for (a, b), v in zip(pairs.tolist(), values.tolist())]

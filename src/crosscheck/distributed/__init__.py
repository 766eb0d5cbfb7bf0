"""Every costly stage of a run as tasks on a Dask cluster; story grouping and the rules on the driver.

``ClusterPipeline(client, settings)`` is a ``Pipeline`` (same stages, same order, same report) whose
four costly maps are Dask tasks (``crosscheck.distributed.tasks``):

* statements: the uncached documents in consecutive shares of about equal text, one
  ``extract_statements`` call per task (``parse_documents``); the driver reads and fills the
  statement cache as before and concatenates the shares in document order;
* encoding: the uncached, de-duplicated texts sorted by length and cut on batch boundaries into
  tasks (``encode_texts``), the back-end picked from the run's text count as in one process;
* the contradiction model: the pairs the judgement cache misses, tokenized and sorted here exactly
  as ``ContradictionModel.probabilities`` sorts them, shipped as padded id arrays of whole batches
  (``judge_batches``), so a worker computes the batches the one-process model would;
* alignment: one task per story, largest first (``align_members``), gathered in story order.

Documents and statements travel as the statement cache's compressed JSON, vectors and token ids as
numpy arrays, alignments back as index and float arrays. Each worker loads spaCy and the models
once (``plugin.ModelsPlugin``). A worker lost mid-task has its tasks rerun elsewhere by the
scheduler (``distributed.scheduler.allowed-failures``); a task that raises raises the same
exception here, as the one-process run would. Dask is optional (``pip install
'crosscheck-news[distributed]'``) and imported only when a client is made or used: importing this
package imports no Dask, and ``crosscheck check`` without ``--scheduler`` never imports it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from crosscheck.distributed.tasks import (align_members, alignments_of, encode_texts, judge_batches, pack,
                                          parse_documents, unpack)
from crosscheck.embeddings import BATCH_SIZE, DEFAULT_MODEL, Encoder
from crosscheck.embeddings.encoder import NUMPY_UP_TO
from crosscheck.errors import ModelError
from crosscheck.nouns import Alignment, Document, Statement, Story
from crosscheck.pipeline import Pipeline, Progress, Settings, _chunks

__all__ = ["ClusterEncoder", "ClusterPipeline", "connect", "local_client"]

CONNECT_TIMEOUT_S = 30


def _dask() -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ModelError("Dask is not installed: pip install 'crosscheck-news[distributed]'", code="E420") from exc
    return LocalCluster, Client


def local_client(workers: int = 1, threads: int = 1, processes: bool = False) -> Any:
    """A ``dask.distributed.Client`` on a LocalCluster (Dask's local mode), for tests and one machine."""
    LocalCluster, Client = _dask()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=processes,
                           dashboard_address=":0")  # any free port: never clash with a running cluster
    return Client(cluster)


def connect(address: str, timeout: float | None = None) -> Any:
    """A client of the scheduler at ``address`` (``tcp://host:8786``, ``host:8786``), or a numbered error
    after ``timeout`` seconds of trying (``CROSSCHECK_SCHEDULER_TIMEOUT``, else 30)."""
    _, Client = _dask()
    if timeout is None:
        timeout = float(os.environ.get("CROSSCHECK_SCHEDULER_TIMEOUT") or CONNECT_TIMEOUT_S)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ModelError(f"cannot reach the Dask scheduler at {address}: {exc}", code="E421") from exc


class ClusterEncoder(Encoder):
    """An ``Encoder`` (same cache, same de-duplication) whose model runs as tasks on the cluster."""

    def __init__(self, client: Any, model: str | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.client = client
        self.chunk = max(self.batch_size, chunk - chunk % self.batch_size)  # whole batches per task
        self.threads = threads  # torch threads per worker process (None: the worker's default)
        self.tasks = 0

    def start_background(self, expected_texts: int | None = None) -> bool:
        return False  # the workers hold the model

    def backend_for(self, count: int) -> str:
        """The back-end a one-process ``Encoder`` picks for ``count`` texts (numpy for few, torch beyond)."""
        if self.backend == "auto" and self.model_name == DEFAULT_MODEL:
            return "numpy" if count <= NUMPY_UP_TO else "native"
        return self.backend

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a task
        parts = [order[b:b + self.chunk] for b in range(0, len(order), self.chunk)]
        futures = self.client.map(encode_texts, [[texts[i] for i in part] for part in parts],
                                  model=self.model_name, backend=self.backend_for(len(texts)),
                                  allow_download=self.allow_download, threads=self.threads, pure=False)
        self.tasks += len(parts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for n, (part, vectors) in enumerate(zip(parts, self.client.gather(futures)), start=1):
            if out.shape[1] != vectors.shape[1]:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[part] = vectors
            if self.progress:
                self.progress(min(n * self.chunk, len(texts)), len(texts))
        self.encoded += len(texts)
        self.encode_seconds += time.perf_counter() - started
        return out


class ClusterPairModel:
    """The shipped contradiction model, its batches computed on the cluster (``judge_batches``)."""

    def __init__(self, version: str, client: Any, batches_per_task: int = 8) -> None:
        self.version = version
        self.client = client
        self.batches_per_task = batches_per_task
        self.tasks = 0
        self._tokenizer: Any = None

    def _tokenize(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
        if self._tokenizer is None:
            from crosscheck.verdicts.contradiction_model import (CARD_FILE, MAX_LENGTH, SHIPPED, PairTokenizer,
                                                                 backbone_folder)

            card = json.loads((SHIPPED / CARD_FILE).read_text())
            self._tokenizer = PairTokenizer(backbone_folder(), int(card.get("max_length", MAX_LENGTH)))
        return self._tokenizer.encode(pairs)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """As ``ContradictionModel.probabilities``: the same sort by length, the same batches of ``BATCH``."""
        from crosscheck.verdicts.contradiction_model import LABELS, ContradictionModel, PairTokenizer

        out = np.zeros((len(pairs), len(LABELS)), np.float32)
        if not pairs:
            return out
        encoded = self._tokenize(pairs)
        order = sorted(range(len(pairs)), key=lambda i: (len(encoded[i][0]), i))
        rows = [order[s:s + ContradictionModel.BATCH] for s in range(0, len(order), ContradictionModel.BATCH)]
        batches = []
        for r in rows:
            ids, types, mask = PairTokenizer.pad([encoded[i] for i in r])
            batches.append((ids.astype(np.int32), types.astype(np.int8), mask))
        groups = [list(range(g, min(g + self.batches_per_task, len(rows))))
                  for g in range(0, len(rows), self.batches_per_task)]
        futures = self.client.map(judge_batches, [[batches[b] for b in g] for g in groups], pure=False)
        self.tasks += len(groups)
        for g, probs in zip(groups, self.client.gather(futures)):
            out[[i for b in g for i in rows[b]]] = probs
        return out


class ClusterPipeline(Pipeline):
    """``Pipeline`` with statements, encoding, judging and alignment as Dask tasks; the rest on the driver."""

    def __init__(self, client: Any, settings: Settings = Settings(), progress: Progress | None = None,
                 rules: Sequence[Any] | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None, parse_tasks: int | None = None) -> None:
        # the model's helper process and --jobs are this machine's ways to overlap: the cluster replaces them
        super().__init__(replace(settings, background_model=False, jobs=1), progress=progress, rules=rules)
        self.client = client
        self.chunk = chunk
        self.threads = threads
        self.parse_tasks = parse_tasks  # None: two per worker thread
        self.tasks: dict[str, int] = {"statements": 0, "alignments": 0}
        # each parsed document's statements as the workers sent them (and the statements they decoded to)
        self._packed: dict[str, tuple[bytes, list[Statement]]] = {}
        self._pair_model: Any = None
        from crosscheck.distributed.plugin import register

        register(client)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            s = self.settings
            self._encoder = ClusterEncoder(self.client, s.model, chunk=self.chunk, threads=self.threads,
                                           cache_dir=s.cache_dir, use_cache=s.use_cache,
                                           allow_download=s.allow_download,
                                           progress=lambda done, total: self.progress("encoding", done, total))
        return self._encoder

    def _extract(self, documents: Sequence[Document],
                 each_document: Callable[[str, Sequence[Statement]], None] | None = None) -> list[Statement]:
        """The statements of the uncached documents, parsed on the workers, in document order."""
        parts = self.parse_tasks or 2 * max(1, sum(self.client.nthreads().values()))
        shares = _chunks(documents, min(parts, len(documents)))
        futures = self.client.map(parse_documents, [pack(share) for share in shares],
                                  max_per_document=self.settings.max_statements_per_document, pure=False)
        self.tasks["statements"] += len(shares)
        out: list[Statement] = []
        done = 0
        for share, packed in zip(shares, self.client.gather(futures)):
            for doc, blob in zip(share, packed):
                found = unpack(Statement, blob)
                self._packed[doc.id] = (blob, found)
                if each_document is not None and found:
                    each_document(doc.id, found)
                out.extend(found)
            done += len(share)
            self.progress("reading", done, len(documents))
        return out

    def judging_model(self) -> Any:
        """The shipped model on the cluster; a user's ``--nli-model`` stays on the driver, as before."""
        model = super().judging_model()
        if self.settings.nli_model:
            return model
        if self._pair_model is None or self._pair_model.version != model.version:
            self._pair_model = ClusterPairModel(model.version, self.client)
        return self._pair_model

    def align(self, stories: Sequence[Story], statements: Sequence[Statement], vectors: np.ndarray
              ) -> list[Alignment]:
        """One task per story, largest submitted first; gathered in story order, as ``Pipeline.align`` returns."""
        rows: dict[str, list[int]] = {}
        for i, s in enumerate(statements):
            rows.setdefault(s.document, []).append(i)
        self.progress("aligning", 0, len(stories))
        futures: dict[int, Any] = {}
        members: dict[int, list[int]] = {}
        for n in sorted(range(len(stories)), key=lambda n: -len(stories[n].documents)):
            docs = sorted((d for d in stories[n].documents if rows.get(d)), key=lambda d: rows[d][0])
            idx = members[n] = [i for d in docs for i in rows[d]]  # statement order, as Pipeline.align
            packed = [self._packed_statements(d, [statements[i] for i in rows[d]]) for d in docs]
            futures[n] = self.client.submit(align_members, stories[n], packed,
                                            vectors[idx] if idx else vectors[:0], self.settings.align, pure=False)
        self.tasks["alignments"] += len(futures)
        out: list[Alignment] = []
        for n, (count, pairs, values) in enumerate(self.client.gather([futures[n] for n in range(len(stories))])):
            if count != len(members[n]):
                raise ModelError(f"a worker aligned {count} statements of story {stories[n].id}, "
                                 f"not {len(members[n])}", code="E422")
            out.extend(alignments_of([statements[i] for i in members[n]], pairs, values))
        self.progress("aligning", len(stories), len(stories))
        return out

    def _packed_statements(self, doc_id: str, statements: Sequence[Statement]) -> bytes:
        """A document's statements for the wire: as the worker that parsed them sent them, or packed here
        (documents read from the statement cache)."""
        blob, found = self._packed.get(doc_id, (b"", []))
        if len(found) != len(statements) or any(a is not b for a, b in zip(found, statements)):
            blob = pack(statements)
            self._packed[doc_id] = (blob, list(statements))
        return blob

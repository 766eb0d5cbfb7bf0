"""The embedding model in a forked helper process, loading while this process parses with spaCy.

A cold run spends ~2.5 s importing torch and reading the weights and ~4 s importing spaCy and
parsing, each mostly on one core. Threads cannot overlap the two (both hold the GIL: measured, no
gain), two processes can: the helper is forked before spaCy loads, imports torch and loads the
model while this process parses, then encodes what it is sent with the same code, batches and
thread count as this process would, so the vectors are bit-identical. If the helper fails in any
way (cannot load, dies, a broken pipe) ``encode`` returns None and the caller encodes in process,
where a load error is raised as usual.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

SILENCE_S = 600  # seconds without a message after which the helper is given up
Progress = Callable[[int, int], None]
# (model, texts, progress) -> (vectors, seconds spent encoding)
EncodeFn = Callable[[Any, list[str], Progress | None], tuple[np.ndarray, float]]


def available() -> bool:
    """Linux only: forking is what makes the helper cheap (no re-import of crosscheck), and forking is
    safe there before torch loads; macOS forks badly once system frameworks are in use."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class ModelProcess:
    """One forked helper that loads a model at once and encodes lists of texts on request."""

    def __init__(self, load: Callable[[], Any], encode: EncodeFn) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end, self._conn, load, encode), daemon=True,
                                        name="crosscheck-model")
        self._process.start()
        child_end.close()

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> tuple[np.ndarray, float] | None:
        """Vectors and the helper's encoding seconds, or None if the helper could not (encode in process)."""
        if self._conn is None:
            return None
        try:
            self._conn.send(list(texts))
            while True:
                if not self._wait():
                    break
                message = self._conn.recv()
                if message[0] == "progress":
                    if progress:
                        progress(message[1], message[2])
                elif message[0] == "done":
                    return message[1], message[2]
                else:
                    break
        except (OSError, EOFError, ValueError):  # the helper died or the pipe broke
            pass
        self.close()
        return None

    def _wait(self) -> bool:
        """True once a message is there; False if the helper died or went silent (a batch or the model
        load takes seconds, so SILENCE_S without a word means it hangs)."""
        for _ in range(SILENCE_S):
            if self._conn.poll(1):
                return True
            if not self._process.is_alive():
                return self._conn.poll(0)
        return False

    def close(self) -> None:
        """Stop the helper (idempotent)."""
        if self._conn is None:
            return
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._conn.close()
        self._conn = None
        self._process.join(timeout=2)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)


def _serve(conn, parent_end, load: Callable[[], Any], encode: EncodeFn) -> None:
    """The helper: load the model, then answer each list of texts until told to stop or the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the pipe
    parent_end.close()  # so that the parent's exit reads as end-of-file here
    # the parent's progress thread may have held a stream's lock at the fork; the helper never prints
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the helper
    try:
        model = load()
    except BaseException:  # noqa: BLE001 - the parent loads it again and reports the error itself
        _send(conn, ("failed",))
        return
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        if texts is None:
            return
        try:
            vectors, seconds = encode(model, texts, lambda done, total: _send(conn, ("progress", done, total)))
        except BaseException:  # noqa: BLE001 - the parent encodes in process instead
            _send(conn, ("failed",))
            return
        if not _send(conn, ("done", vectors, seconds)):
            return


def _send(conn, message: tuple) -> bool:
    try:
        conn.send(message)
        return True
    except (OSError, ValueError):
        return False

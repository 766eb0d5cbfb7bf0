"""The embedding model in a forked helper process, loading while this process parses with spaCy.

A cold run spends ~2 s importing spaCy and loading its pipeline and ~1 s parsing on one core,
and 0.3 s (numpy) to 2.5 s (torch) loading the model. Threads cannot overlap the two (both hold
the GIL: measured, no gain), two processes can: the helper is forked before spaCy loads, loads
the model while this process parses, then encodes what it is sent with the same code and batches
as this process would, so the vectors are the same. If the helper fails in any way (cannot load,
dies, a broken pipe) ``encode`` returns None and the caller encodes in process, where a load
error is raised as usual.

``prefetch`` overlaps the two stages further: the caller hands over each parsed article's texts
while it parses the next ones; the helper encodes them on the other core and keeps the vectors
until ``encode`` asks for them. Nothing flows back until then, so neither process waits on the
other: a reader thread in the helper takes requests off the pipe while it computes.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, ContextManager

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

    def __init__(self, load: Callable[[], Any], encode: EncodeFn,
                 aside: Callable[[Any], ContextManager] | None = None) -> None:
        """``aside(model)``: the context prefetches run in, while the parent parses on another core
        (the encoder keeps to one thread there)."""
        context = multiprocessing.get_context("fork")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end, self._conn, load, encode, aside),
                                        daemon=True, name="crosscheck-model")
        self._process.start()
        child_end.close()

    def prefetch(self, texts: Sequence[str]) -> bool:
        """Have the helper encode these texts now and keep the vectors for a later ``encode``; never waits
        for the model. False if the helper is gone (``encode`` then answers None as well)."""
        if self._conn is None:
            return False
        try:
            self._conn.send(("prefetch", list(texts)))
            return True
        except (OSError, ValueError):
            self.close()
            return False

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> tuple[np.ndarray, float] | None:
        """Vectors and the helper's encoding seconds (prefetches included), or None if the helper could not
        (encode in process)."""
        if self._conn is None:
            return None
        try:
            self._conn.send(("encode", list(texts)))
            while True:
                if not self._wait():
                    break
                message = self._conn.recv()
                if message[0] == "progress":
                    if progress:
                        progress(message[1], message[2])
                elif message[0] == "done":
                    return message[1], message[2]
                elif message[0] == "busy":  # still on texts handed over earlier
                    continue
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


def _serve(conn, parent_end, load: Callable[[], Any], encode: EncodeFn,
           aside: Callable[[Any], ContextManager] | None = None) -> None:
    """The helper: load the model, then take requests until told to stop or the parent goes.

    ("prefetch", texts) encodes and keeps the vectors; ("encode", texts) answers with the vectors of
    ``texts`` (kept ones reused, the rest encoded now) and forgets what it kept.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the pipe
    parent_end.close()  # so that the parent's exit reads as end-of-file here
    # the parent's progress thread may have held a stream's lock at the fork; the helper never prints
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the helper
    requests: queue.Queue = queue.Queue()
    asked = threading.Event()  # set by the reader as an encode (or stop) request arrives: the parent now waits
    threading.Thread(target=_read_requests, args=(conn, requests, asked), daemon=True).start()
    try:
        model = load()
    except BaseException:  # noqa: BLE001 - the parent loads it again and reports the error itself
        _send(conn, ("failed",))
        return
    kept: dict[str, np.ndarray] = {}
    seconds = 0.0
    broken = False  # a prefetch failed: the next encode request is answered "failed"
    backlog: collections.deque = collections.deque()
    while True:
        if not backlog:
            backlog.append(requests.get())
        while not requests.empty():
            backlog.append(requests.get_nowait())
        request = backlog.popleft()
        if request is None:
            return
        kind, texts = request
        todo = [t for t in dict.fromkeys(texts) if t not in kept]
        if kind == "prefetch":
            if broken or not todo:
                continue
            # aside only while the parent is still parsing: once it waits for an answer, full speed (the
            # reader sets ``asked`` before it queues an encode or stop request, so one in the backlog has
            # set it too). Each request is encoded on its own, never merged with others queued: which
            # texts share a batch then depends on the input alone, not on timing, and so do the vectors
            waited_for = asked.is_set()

            def heartbeat(n: int, total: int) -> None:
                # a parent that waits hears of each batch, so a long backlog never looks like a hung helper;
                # one that is still parsing hears nothing (it reads no replies then: the pipe would fill)
                if asked.is_set():
                    _send(conn, ("busy",))

            try:
                with aside(model) if aside and not waited_for else nullcontext():
                    vectors, spent = encode(model, todo, heartbeat)
            except BaseException:  # noqa: BLE001 - reported at the next encode request
                broken = True
                continue
            kept.update(zip(todo, vectors))
            seconds += spent
            continue
        if broken:
            _send(conn, ("failed",))
            return
        done = len(texts) - len(todo)
        try:
            if todo:
                vectors, spent = encode(model, todo, lambda n, total: _send(conn, ("progress", done + n, done + total)))
                kept.update(zip(todo, vectors))
                seconds += spent
            out = np.stack([kept[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)
        except BaseException:  # noqa: BLE001 - the parent encodes in process instead
            _send(conn, ("failed",))
            return
        asked.clear()  # before the answer: the parent sends its next request only once it has read it
        if not _send(conn, ("done", out, seconds)):
            return
        kept, seconds = {}, 0.0


def _read_requests(conn, requests: queue.Queue, asked: threading.Event) -> None:
    """Move requests off the pipe as they come, so the parent's send never waits for the model."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None
        if message is None or message[0] == "encode":
            asked.set()
        requests.put(message)
        if message is None:
            return


def _send(conn, message: tuple) -> bool:
    try:
        conn.send(message)
        return True
    except (OSError, ValueError):
        return False

"""The encoder's helper process (embeddings/helper_process.py): same vectors, and any failure falls back in process."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from crosscheck.embeddings import helper_process as model_process
from crosscheck.embeddings import Encoder
from crosscheck.embeddings.helper_process import ModelProcess

pytestmark = pytest.mark.skipif(not model_process.available(), reason="the helper is forked (Linux)")


def _encode(model, texts, progress):
    progress(len(texts), len(texts))
    return np.full((len(texts), 2), model, dtype=np.float32), 0.25


def _fail(*_):
    raise RuntimeError("no model")


def test_helper_loads_once_and_answers_each_request():
    helper = ModelProcess(lambda: 3.0, _encode)
    seen = []
    for texts in (["a", "b"], ["c"]):
        vectors, seconds = helper.encode(texts, lambda done, total: seen.append((done, total)))
        assert vectors.tolist() == [[3.0, 3.0]] * len(texts) and seconds == 0.25
    assert seen == [(2, 2), (1, 1)]
    helper.close()
    assert helper.encode(["a"]) is None  # closed: the caller encodes in process


@pytest.mark.parametrize("load, encode", [(_fail, _encode), (lambda: 1.0, _fail)])
def test_a_failing_helper_answers_none(load, encode):
    helper = ModelProcess(load, encode)
    assert helper.encode(["a"]) is None
    assert not helper._process.is_alive()


def test_a_silent_helper_is_given_up(monkeypatch):
    import time

    monkeypatch.setattr(model_process, "SILENCE_S", 2)
    helper = ModelProcess(lambda: 1.0, lambda *_: time.sleep(3600))
    assert helper.encode(["a"]) is None
    assert not helper._process.is_alive()


def test_a_killed_helper_answers_none():
    helper = ModelProcess(lambda: 1.0, _encode)
    os.kill(helper._process.pid, signal.SIGKILL)
    helper._process.join()
    assert helper.encode(["a"]) is None


_ASIDE: list[int] = []  # in the helper: non-empty while a prefetch runs aside (one thread)


@contextlib.contextmanager
def _aside(model):
    _ASIDE.append(1)
    try:
        yield
    finally:
        _ASIDE.pop()


def _counting(model, texts, progress):
    """Row per text: [encoded aside?, times this text went through the model]; ``model`` is a list of texts seen."""
    model.extend(texts)
    if progress:  # prefetches have none: nobody is waiting
        progress(len(texts), len(texts))
    return np.array([[len(_ASIDE), model.count(t)] for t in texts], dtype=np.float32), 0.5


def test_prefetched_texts_are_encoded_once_aside_and_answered_later():
    helper = ModelProcess(list, _counting, _aside)
    assert helper.prefetch(["a", "b"])
    time.sleep(2)  # the helper takes the prefetch up while this process goes on (parsing, in a real run)
    vectors, seconds = helper.encode(["b", "c", "a"])
    assert vectors[:, 1].tolist() == [1, 1, 1]  # each text through the model once
    assert vectors[:, 0].tolist() == [1, 0, 1]  # the prefetch ran aside, what the caller waited for did not
    assert seconds == 1.0  # the prefetch's seconds and the request's
    again, _ = helper.encode(["a"])  # what was answered is forgotten
    assert again.tolist() == [[0, 2]]
    helper.close()


def test_a_prefetch_the_caller_already_waits_for_runs_at_full_speed():
    helper = ModelProcess(lambda: (time.sleep(1), [])[1], _counting, _aside)  # both requests queue during the load
    assert helper.prefetch(["a"])
    vectors, _ = helper.encode(["a"])
    assert vectors.tolist() == [[0, 1]]
    helper.close()


def test_a_long_backlog_is_not_taken_for_a_hung_helper(monkeypatch):
    monkeypatch.setattr(model_process, "SILENCE_S", 3)

    def slow(model, texts, progress):  # 1 s a text, a batch of one at a time: 5 s in all, each batch under 3 s
        out = []
        for n, _ in enumerate(texts, start=1):
            time.sleep(1.0)
            out.append([0.0])
            if progress:
                progress(n, len(texts))
        return np.array(out, dtype=np.float32), 1.0 * len(texts)

    helper = ModelProcess(lambda: 1.0, slow)
    texts = ["a", "b", "c", "d", "e"]
    assert helper.prefetch(texts)
    time.sleep(0.5)  # the helper has taken the prefetch up before it hears that this process waits
    got = helper.encode(texts)  # waits ~4.5 s, longer than SILENCE_S, but hears of every batch
    assert got is not None and got[0].shape == (5, 1)
    helper.close()


def test_a_prefetch_sends_nothing_while_this_process_parses():
    """Replies nobody reads would fill the pipe and block the helper: heartbeats start only once asked."""
    helper = ModelProcess(lambda: 1.0, lambda model, texts, progress: (
        [progress(n, len(texts)) for n in range(1, len(texts) + 1)], (np.zeros((len(texts), 1), np.float32), 0.0))[1])
    assert helper.prefetch([str(n) for n in range(100)])
    time.sleep(1.0)
    assert not helper._conn.poll(0)  # a hundred batches done, not a word sent
    got = helper.encode(["1"])
    assert got is not None and got[0].shape == (1, 1)
    helper.close()


def test_a_failed_prefetch_makes_the_next_encode_answer_none():
    helper = ModelProcess(lambda: 1.0, _fail)
    assert helper.prefetch(["a"])
    assert helper.encode(["a"]) is None
    assert not helper.prefetch(["b"])  # closed


RUN = """
import json, sys
from pathlib import Path
from crosscheck.pipeline import Pipeline, Settings
p = Pipeline(Settings(cache_dir=Path(sys.argv[1]), background_model=True), rules=[])
a = p.check_paths([sys.argv[2]])
print(json.dumps({"torch_here": "torch" in sys.modules, "helper": p._encoder._helper is not None,
                  "encoded": p._encoder.encoded, "texts": list(dict.fromkeys(p.encoding_texts(a.documents, a.statements))),
                  "vectors": a.vectors.tolist()}))
p.close()
"""


def test_a_cold_run_encodes_in_the_helper_with_the_same_vectors(tmp_path, pipeline):
    doc = tmp_path / "a.md"
    doc.write_text("# Rates\n\nThe central bank raised interest rates by half a point on Tuesday.\n\n"
                   "Analysts had expected a quarter point.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", RUN, str(tmp_path / "cache"), str(doc)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["helper"] and not out["torch_here"] and out["encoded"] == len(out["texts"]) == 3
    encoder = Encoder(use_cache=False, backend="numpy")  # a run this small: numpy in the helper
    here, _ = encoder._run_model(encoder._load(), out["texts"], None)  # the same texts in one call: the same batches
    assert np.array_equal(np.asarray(out["vectors"], dtype=np.float32), here[:2])


PREFETCHING = """
import json, sys
from pathlib import Path
from crosscheck.embeddings import helper_process as model_process
from crosscheck.pipeline import Pipeline, Settings
sent = []
original = model_process.ModelProcess.prefetch
def prefetch(self, texts):
    sent.append(len(texts))
    return original(self, texts)
model_process.ModelProcess.prefetch = prefetch
p = Pipeline(Settings(cache_dir=Path(sys.argv[1]), background_model=True), rules=[])
a = p.check_paths([sys.argv[2]])
print(json.dumps({"sent": sent, "encoded": p._encoder.encoded,
                  "texts": p.encoding_texts(a.documents, a.statements), "vectors": a.vectors.tolist()}))
p.close()
"""


def test_a_cold_run_hands_parsed_articles_to_the_helper_while_parsing_the_rest(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(4):
        body = "\n\n".join(f"Officials in city {n} said on Monday that {k + 3} bridges would close for repairs."
                            for k in range(12))
        (folder / f"a{n}.md").write_text(f"# City {n} closes bridges\n\n{body}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", PREFETCHING, str(tmp_path / "cache"), str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    statements = len(out["vectors"])
    assert statements == 48 and len(out["texts"]) == 52 and out["encoded"] == 52
    assert len(out["sent"]) >= 1 and sum(out["sent"]) < 52  # handed over while parsing; the last ones at the end
    here = Encoder(use_cache=False, backend="numpy")._encode_model(out["texts"][:statements])
    assert (np.asarray(out["vectors"], dtype=np.float32) * here).sum(axis=1).min() > 0.99999

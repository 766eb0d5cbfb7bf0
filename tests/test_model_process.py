"""The encoder's helper process (model_process.py): same vectors, and any failure falls back in process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from crosscheck import model_process
from crosscheck.model_process import ModelProcess

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
    encoder = pipeline.encoder  # the same texts in one call here: the very same batches
    here, _ = encoder._run_model(encoder._load(), out["texts"], None)
    assert np.array_equal(np.asarray(out["vectors"], dtype=np.float32), here[:2])

"""Start-up cost, the embedding and statement caches (concurrency, corruption, --no-cache) and the encoder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from conftest import SOURCES, make_doc
from crosscheck.embeddings import EmbeddingCache, Encoder, StatementCache

HEAVY = ("torch", "sentence_transformers", "transformers")


def imported_modules(args: list[str], env: dict | None = None) -> tuple[set[str], subprocess.CompletedProcess]:
    """Top-level packages a fresh ``python -X importtime -m crosscheck ARGS`` imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "crosscheck", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names, proc


class FakeEncoder(Encoder):
    """The real cache logic around a deterministic stand-in model (no torch)."""

    def _encode_model(self, texts):
        out = np.stack([_fake_vector(t) for t in texts])
        self.encoded += len(texts)
        return out


def _fake_vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return v / np.linalg.norm(v)


TEXTS = [f"Sentence number {i} about Alibaba and Skyworth." for i in range(50)]


# --- start-up -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["rules", "list"]])
def test_help_and_rules_list_import_no_model_library(args):
    names, proc = imported_modules(args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not names & {*HEAVY, "spacy", "thinc"}


def test_a_run_with_everything_cached_loads_neither_spacy_nor_torch(sample_analysis):
    # sample_analysis filled this session's private cache with sources/ (statements and embeddings)
    names, proc = imported_modules(["check", str(SOURCES), "-q", "--format", "json"])
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert '"stories"' in proc.stdout
    assert not names & {*HEAVY, "spacy", "thinc"}


def test_loading_spacy_does_not_import_torch():
    code = ("import sys; from crosscheck.statements.nlp import load_nlp; load_nlp(); "
            "print('torch' in sys.modules); import torch; print(torch.tensor([1]).sum().item())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout.split() == ["False", "1"], proc.stderr[-2000:]  # and torch still imports afterwards


def test_loading_spacy_leaves_its_command_line_out_until_used():
    code = ("import sys; from crosscheck.statements.nlp import load_nlp; load_nlp(); "
            "print('spacy.cli' in sys.modules); import spacy; print(spacy.info()['spacy_version'] == spacy.__version__); "
            "import spacy.cli; print(callable(spacy.cli.download))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout.split() == ["False", "True", "True"], proc.stderr[-2000:]


def test_repeat_analysis_touches_neither_the_model_nor_spacy(pipeline, sample_analysis):
    from crosscheck.pipeline import Pipeline

    again = Pipeline(pipeline.settings, rules=pipeline.rules)
    analysis = again.analyse(sample_analysis.documents)
    assert again.encoder.encoded == 0 and again.encoder._model is None
    assert again.extracted_documents == 0
    assert again._pair_model is None  # the contradiction model's judgements came from the cache too
    assert analysis.judgements == sample_analysis.judgements and analysis.judgements
    assert analysis.statements == sample_analysis.statements
    assert np.array_equal(analysis.vectors, sample_analysis.vectors)
    assert analysis.stories == sample_analysis.stories and analysis.findings == sample_analysis.findings


def test_one_encode_call_per_run_sorted_by_length(pipeline, sample_analysis, tmp_path):
    from crosscheck.pipeline import Pipeline, Settings

    calls = []

    class Recording(FakeEncoder):
        def _encode_model(self, texts):
            calls.append(list(texts))
            return super()._encode_model(texts)

    run = Pipeline(Settings(cache_dir=tmp_path), rules=pipeline.rules)
    run._encoder = Recording(cache_dir=tmp_path)
    run.analyse(sample_analysis.documents)
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0])) > len(sample_analysis.documents)


# --- the encoder ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_bundled_encoders_match_sentence_transformers_reference(backend):
    # first components of the sentence-transformers 6.2 vectors of the bundled model (torch CPU)
    expected = [([-0.04062, -0.01569, 0.02928, -0.04264, -0.0149, 0.0467], 0.02414, 0.02829),
                ([0.05236, -0.00143, -0.03625, 0.0181, 0.0402, -0.09361], 0.11599, 0.01043),
                ([0.05471, 0.01725, -0.00696, 0.03661, 0.04882, -0.02154], -0.0008, 0.02918)]
    enc = Encoder(use_cache=False, backend=backend)
    got = enc._encode_model(["Alibaba unveiled a smart TV operating system on Tuesday.",
                             "The central bank raised interest rates by half a point.",
                             "Skyworth denied joining the alliance."])
    for row, (head, at100, last) in zip(got, expected):
        assert np.allclose(row[:6], head, atol=2e-4) and abs(row[100] - at100) < 2e-4 and abs(row[383] - last) < 2e-4
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.skipif(not os.environ.get("CROSSCHECK_SLOW_TESTS"), reason="imports sentence-transformers (~6 s)")
def test_native_encoder_equals_sentence_transformers(pipeline):
    texts = [" padded ", "x " * 600, "Ünïcödé “quotes” — dashes", "a", *TEXTS[:5]]
    native = Encoder(use_cache=False, backend="native")._encode_model(texts)
    library = Encoder(use_cache=False, backend="sentence-transformers")._encode_model(texts)
    assert (native * library).sum(axis=1).min() > 0.9999


def test_numpy_and_torch_encoders_agree():
    texts = [" padded ", "x " * 600, "Ünïcödé “quotes” — dashes", "a", *TEXTS[:40]]  # two batches, truncation
    numpy_ = Encoder(use_cache=False, backend="numpy")._encode_model(texts)
    torch_ = Encoder(use_cache=False, backend="native")._encode_model(texts)
    assert (numpy_ * torch_).sum(axis=1).min() > 0.99999 and np.abs(numpy_ - torch_).max() < 1e-5


def test_auto_backend_is_numpy_for_few_texts_and_torch_for_many(monkeypatch):
    from crosscheck import embeddings
    from crosscheck.embeddings import encoder

    monkeypatch.setattr(encoder, "NUMPY_UP_TO", 3)
    few, many = Encoder(use_cache=False), Encoder(use_cache=False)
    few._encode_model(TEXTS[:3])
    many._encode_model(TEXTS[:4])
    assert type(few._model) is embeddings.NumpyMiniLM and type(many._model) is embeddings.NativeMiniLM


def test_numpy_gelu_is_exact_to_float32():
    import math

    from crosscheck.embeddings.numpy_backend import _gelu_

    x = np.linspace(-12, 12, 200_200).astype(np.float32).reshape(-1, 1001)
    got = x.copy()
    _gelu_(got)
    exact = np.vectorize(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))))(x.astype(np.float64))
    assert np.abs(got - exact).max() < 2e-6


# --- the embedding cache --------------------------------------------------------------------------------

def test_cache_round_trip_and_no_cache(tmp_path):
    first = FakeEncoder(cache_dir=tmp_path)
    a = first.encode(TEXTS + TEXTS[:5])
    assert first.encoded == 50
    second = FakeEncoder(cache_dir=tmp_path)
    assert np.array_equal(second.encode(TEXTS), a[:50]) and second.encoded == 0
    off_dir = tmp_path / "off"
    off = FakeEncoder(cache_dir=off_dir, use_cache=False)
    assert np.array_equal(off.encode(TEXTS), a[:50]) and off.encoded == 50 and off.cache is None
    assert not off_dir.exists()


def test_no_cache_flag_writes_no_cache(tmp_path, pipeline):
    from click.testing import CliRunner

    from crosscheck.cli import main

    cache = tmp_path / "cache"
    doc = tmp_path / "a.md"
    doc.write_text("# Rates\n\nThe central bank raised interest rates by half a point on Tuesday.\n")
    result = CliRunner().invoke(main, ["check", str(doc), "--no-cache", "--cache-dir", str(cache), "-q",
                                       "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert not cache.exists() or not any(cache.iterdir())


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_cache_file_is_recomputed_not_trusted(tmp_path, damage):
    good = FakeEncoder(cache_dir=tmp_path)
    expected = good.encode(TEXTS)
    good.cache.close()
    path = tmp_path / "embeddings.sqlite3"
    for side in ("-wal", "-shm"):
        assert not Path(str(path) + side).exists()  # closed cleanly: everything is in the main file
    data = path.read_bytes()
    path.write_bytes(b"this is not a database" * 100 if damage == "garbage" else data[:len(data) // 2])
    again = FakeEncoder(cache_dir=tmp_path)
    assert np.array_equal(again.encode(TEXTS), expected)
    third = FakeEncoder(cache_dir=tmp_path)  # the cache works again afterwards
    assert np.array_equal(third.encode(TEXTS), expected) and third.encoded == 0


def test_a_bad_row_is_recomputed_not_trusted(tmp_path):
    enc = FakeEncoder(cache_dir=tmp_path)
    expected = enc.encode(TEXTS[:3])
    db = sqlite3.connect(tmp_path / "embeddings.sqlite3")
    keys = [EmbeddingCache.key(enc.model_id, t) for t in TEXTS[:3]]
    db.execute("UPDATE vec SET data = ? WHERE key = ?", (np.full(384, 7, np.float32).tobytes(), keys[0]))  # not unit
    db.execute("UPDATE vec SET data = ? WHERE key = ?", (b"\x00" * 100, keys[1]))  # truncated blob
    db.commit()
    db.close()
    again = FakeEncoder(cache_dir=tmp_path)
    assert np.array_equal(again.encode(TEXTS[:3]), expected) and again.encoded == 2


WRITER = """
import sys, numpy as np
from crosscheck.embeddings import EmbeddingCache
from pathlib import Path
cache = EmbeddingCache(Path(sys.argv[1]))
start = int(sys.argv[2])
for batch in range(40):
    items = []
    for i in range(start + batch * 25, start + batch * 25 + 25):
        v = np.zeros(384, np.float32); v[i % 384] = 1.0
        items.append((f"k{i}", v))
    cache.put_many(items)
    cache.get_many([f"k{i}" for i in range(0, 2000, 7)])
print("ok")
"""


def test_two_processes_write_the_cache_at_once(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(start)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for start in (0, 500)]  # overlapping key ranges
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    found = EmbeddingCache(tmp_path).get_many([f"k{i}" for i in range(1500)])
    assert len(found) == 1500
    assert all(v[i % 384] == 1.0 and v.sum() == 1.0 for i, v in ((int(k[1:]), v) for k, v in found.items()))


def test_a_file_another_process_is_opening_is_waited_for(tmp_path, monkeypatch):
    # Switching a new file to WAL answers "database is locked" at once (no busy timeout) while another
    # process opens it; CI lost one writer's whole cache to that before the open was retried.
    from crosscheck.embeddings import store

    real_open, refusals = store._Store._open, []

    def open_after_two_refusals(self):
        if len(refusals) < 2:
            refusals.append(1)
            raise sqlite3.OperationalError("database is locked")
        return real_open(self)

    monkeypatch.setattr(store._Store, "_open", open_after_two_refusals)
    cache = EmbeddingCache(tmp_path)
    vec = np.zeros(384, np.float32)
    vec[0] = 1.0
    cache.put_many([("k", vec)])
    assert len(refusals) == 2 and list(cache.get_many(["k"])) == ["k"]


# --- the statement cache --------------------------------------------------------------------------------

def test_statements_come_back_from_the_cache_exactly(tmp_path, nlp):
    from crosscheck.statements.extract import extract_statements

    docs = [make_doc("a", "Baidu bought PPS for $370 million on Monday. It said the deal closed in May."),
            make_doc("b", "Skyworth denied joining. However, Skyworth and Alibaba will launch 8 million TVs.")]
    fresh = extract_statements(docs, nlp)
    cache = StatementCache(tmp_path, "v1")
    cache.put_many([(d, [s for s in fresh if s.document == d.id]) for d in docs])
    got = cache.get_many(docs)
    assert [s for d in docs for s in got[d.id]] == fresh
    assert StatementCache(tmp_path, "v2").get_many(docs) == {}  # another version of the stage: a miss
    changed = make_doc("a", docs[0].text.replace("370", "380"))
    assert cache.get_many([changed]) == {}


def test_a_bad_statement_entry_is_recomputed(tmp_path, pipeline):
    from crosscheck.pipeline import Pipeline, Settings

    docs = [make_doc("a", "Baidu bought PPS for $370 million on Monday, the company said.")]
    run = Pipeline(Settings(cache_dir=tmp_path), rules=pipeline.rules)
    first = run.statements_of(docs)
    db = sqlite3.connect(tmp_path / "statements.sqlite3")
    db.execute("UPDATE doc SET data = ?", (zlib.compress(b'[{"id": "a:0"}]'),))
    db.commit()
    db.close()
    again = Pipeline(Settings(cache_dir=tmp_path), rules=pipeline.rules)
    assert again.statements_of(docs) == first and again.extracted_documents == 1
    third = Pipeline(Settings(cache_dir=tmp_path), rules=pipeline.rules)
    assert third.statements_of(docs) == first and third.extracted_documents == 0


def test_statements_in_two_processes_equal_one(pipeline, sample_analysis, monkeypatch):
    from crosscheck.pipeline import Pipeline, Settings

    two = Pipeline(Settings(use_cache=False, jobs=2), rules=pipeline.rules)
    monkeypatch.setattr(Pipeline, "MIN_SEGMENTS_PER_PROCESS", 1)
    assert two._processes(sample_analysis.documents) == 2
    assert two.statements_of(sample_analysis.documents) == list(sample_analysis.statements)


def test_workers_start_fresh_where_pytorch_is_loaded(pipeline, sample_analysis, monkeypatch):
    # a process with PyTorch loaded, as this test process is by the model tests: a forked worker could hang on a
    # lock of its OpenMP threads (it did once here), so the workers start as fresh interpreters
    import torch  # noqa: F401

    import crosscheck.pipeline as pl

    assert pl._worker_context().get_start_method() in ("forkserver", "spawn")
    two = pl.Pipeline(pl.Settings(use_cache=False, jobs=2), rules=pipeline.rules)
    monkeypatch.setattr(pl.Pipeline, "MIN_SEGMENTS_PER_PROCESS", 1)
    assert two.statements_of(sample_analysis.documents) == list(sample_analysis.statements)


def test_workers_are_forked_where_pytorch_is_not_loaded(tmp_path):
    # the command line's own process never loads PyTorch (the encoder's helper does): its workers are forked
    script = (
        "import sys\n"
        "from crosscheck.pipeline import Pipeline, Settings, _worker_context\n"
        "from crosscheck.documents import load_documents\n"
        f"docs = load_documents([{str(SOURCES)!r}])[0]\n"
        "one = Pipeline(Settings(use_cache=False, jobs=1)).statements_of(docs)\n"
        "Pipeline.MIN_SEGMENTS_PER_PROCESS = 1\n"
        "two = Pipeline(Settings(use_cache=False, jobs=2))\n"
        "assert two._processes(docs) == 2 and _worker_context().get_start_method() == 'fork'\n"
        "assert two.statements_of(docs) == one and 'torch' not in sys.modules\n"
        "print('ok', len(one))\n")
    import subprocess

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_vectors_do_not_depend_on_when_the_helper_encodes(backend):
    # prefetches run through _one_thread while the parent parses, or not, by timing: same vectors either way
    from crosscheck.embeddings.encoder import _one_thread

    encoder = Encoder(use_cache=False, backend=backend)
    model = encoder._load()
    full, _ = encoder._run_model(model, TEXTS[:40], None)
    with _one_thread(model):
        aside, _ = encoder._run_model(model, TEXTS[:40], None)
    assert np.array_equal(full, aside)

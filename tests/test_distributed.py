"""The Dask path (crosscheck.distributed): every costly stage as tasks on a cluster, the same report as one process.

A LocalCluster of two worker *processes* (each loads spaCy and the models itself, once), and a real
``dask scheduler`` + ``dask worker`` on 127.0.0.1 driven by ``crosscheck check --scheduler``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import SOURCES
from test_embeddings import imported_modules

pytest.importorskip("distributed")

DASK = ("dask", "distributed")


def cli(*args: str | Path):
    from click.testing import CliRunner

    from crosscheck.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes, one thread each (the issue's 'LocalCluster of 2 workers')."""
    from crosscheck.distributed import local_client

    client = local_client(workers=2, threads=1, processes=True)
    yield client
    local = client.cluster
    client.close()
    local.close()


def fresh_cli(*args: str | Path) -> subprocess.CompletedProcess:
    """``crosscheck ARGS`` in a fresh interpreter: no torch imported, so a cold run starts the model's helper
    process and hands it each batch of parsed articles (the path a user's cold run takes)."""
    return subprocess.run([sys.executable, "-m", "crosscheck", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def one_process_run(tmp_path_factory):
    """``crosscheck check sources/ --format json`` in one process, from an empty cache: its JSON and cache folder."""
    cache = tmp_path_factory.mktemp("one")
    result = fresh_cli("check", SOURCES, "--format", "json", "--cache-dir", cache)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"contradiction": 2' in result.stdout  # Skyworth's denial against TechCrunch's and ZDNet's claims
    return result.stdout, cache


@pytest.fixture(scope="module")
def one_process_json(one_process_run):
    return one_process_run[0]


def stored(cache: Path, name: str) -> dict[str, bytes]:
    """Every row of one of a cache folder's sqlite files (vectors, judgements): key -> blob."""
    import sqlite3

    with sqlite3.connect(cache / name) as db:
        (table,) = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchone()
        return dict(db.execute(f"SELECT key, data FROM {table}").fetchall())


def test_importing_the_package_does_not_import_dask():
    code = ("import sys, crosscheck.distributed, crosscheck.distributed.tasks; "
            "assert not {'dask', 'distributed'} & set(sys.modules), sorted(sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_check_without_scheduler_imports_no_dask(sample_analysis):
    names, proc = imported_modules(["check", str(SOURCES), "-q", "--format", "json"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"stories"' in proc.stdout
    assert not names & set(DASK)
    # and the same interpreter check sees Dask when it is imported (the check can fail)
    names, _ = imported_modules(["check", str(SOURCES), "-q", "--format", "json", "--scheduler", "tcp://127.0.0.1:9"],
                                env={"CROSSCHECK_SCHEDULER_TIMEOUT": "1"})
    assert "distributed" in names


def test_the_wire_format_gives_back_the_same_nouns(sample_analysis):
    from crosscheck.distributed.tasks import pack, unpack
    from crosscheck.nouns import Document, Statement

    docs, statements = list(sample_analysis.documents), list(sample_analysis.statements)
    assert unpack(Document, pack(docs)) == docs
    assert unpack(Statement, pack(statements)) == statements
    assert len(pack(statements)) < len(repr(statements)) / 4  # compressed, not an object graph


def test_every_costly_stage_runs_on_the_cluster_and_gives_the_one_process_analysis(cluster, tmp_path):
    from crosscheck.distributed import ClusterPipeline
    from crosscheck.distributed.tasks import PLUGIN_NAME
    from crosscheck.pipeline import Pipeline, Settings

    remote_pipeline = ClusterPipeline(cluster, Settings(cache_dir=tmp_path / "cluster"), chunk=32)
    remote = remote_pipeline.check_paths([SOURCES])
    local = Pipeline(Settings(cache_dir=tmp_path / "one")).check_paths([SOURCES])

    # each stage went out as tasks: the parse, the encoding, the contradiction model, one task per story
    assert remote_pipeline.tasks["statements"] == 4 and remote_pipeline.extracted_documents == 5
    assert remote_pipeline.encoder.tasks >= 3 and remote_pipeline.encoder.encoded == len(remote.statements) + 5
    assert remote_pipeline.judging_model().tasks >= 1
    assert remote_pipeline.tasks["alignments"] == len(remote.stories) == 2

    # the same requests in the same batches, numpy on this process's BLAS threads: the same bits
    assert remote.statements == local.statements
    assert np.array_equal(remote.vectors, local.vectors)
    assert remote.stories == local.stories
    assert remote.alignments == local.alignments and remote.alignments
    assert remote.judgements == local.judgements and remote.judgements
    assert remote.findings == local.findings and remote.findings

    # each worker loads spaCy, the encoder and the contradiction model at most once, however many runs
    def loads(dask_worker):
        held = dask_worker.plugins[PLUGIN_NAME].models
        return held.loads, sorted(map(str, held.loaded))

    first = cluster.run(loads)
    assert sum(n for n, _ in first.values()) >= 3
    ClusterPipeline(cluster, Settings(cache_dir=tmp_path / "again"), chunk=32).check_paths([SOURCES])
    for n, loaded in cluster.run(loads).values():
        assert n == len(loaded) <= 3


def test_check_with_the_scheduler_key_gives_the_same_report_byte_for_byte(cluster, one_process_run, tmp_path):
    one_json, one_cache = one_process_run
    config = tmp_path / "crosscheck.toml"
    config.write_text(f'scheduler = "{cluster.cluster.scheduler_address}"\ncache-dir = "cache"\n')
    result = fresh_cli("check", SOURCES, "--format", "json", "--config", config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == one_json
    # the driver filled its own caches, with the one-process run's vectors and judgements to the last bit
    # (the CLI's encoder requests replayed: one per batch of parsed articles, as its helper process gets them)
    for name in ("embeddings.sqlite3", "judgements.sqlite3"):
        mine = stored(tmp_path / "cache", name)
        assert mine and mine == stored(one_cache, name)


def test_a_draft_checked_on_the_cluster_gives_the_same_checklist(cluster, tmp_path):
    draft = Path(__file__).resolve().parents[1] / "docs" / "example-draft.md"
    one = cli("check", draft, "--against", SOURCES, "--format", "json", "--cache-dir", tmp_path / "one")
    remote = cli("check", draft, "--against", SOURCES, "--format", "json", "--cache-dir", tmp_path / "cluster",
                 "--scheduler", cluster.cluster.scheduler_address)
    assert one.exit_code == remote.exit_code and '"claims"' in one.stdout
    assert remote.stdout == one.stdout


def test_check_on_a_real_dask_scheduler_and_worker(one_process_json, tmp_path):
    """``dask scheduler`` and ``dask worker`` (the engine's own commands) on 127.0.0.1, then ``check --scheduler``."""
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed beside this Python")
    address_file = tmp_path / "scheduler.json"
    env = dict(os.environ)
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", address_file], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        started.append(subprocess.Popen([dask, "worker", "--scheduler-file", address_file, "--nthreads", "1",
                                         "--no-dashboard", "--host", "127.0.0.1"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import json

        address = json.loads(address_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
        result = cli("check", SOURCES, "--format", "json", "--scheduler", address, "--cache-dir", tmp_path / "c")
        assert result.exit_code == 0, result.output
        assert result.stdout == one_process_json
    finally:
        for proc in reversed(started):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_an_unreachable_scheduler_is_a_numbered_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSCHECK_SCHEDULER_TIMEOUT", "1")
    result = cli("check", SOURCES, "--scheduler", "tcp://127.0.0.1:9", "--cache-dir", tmp_path)
    assert result.exit_code == 2
    assert "[E421]" in result.output and "tcp://127.0.0.1:9" in result.output


def test_missing_dask_is_a_numbered_error(monkeypatch):
    from crosscheck import distributed
    from crosscheck.errors import ModelError

    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(ModelError, match=r"\[E420\].*crosscheck-news\[distributed\]"):
        distributed.local_client()
    with pytest.raises(ModelError, match=r"\[E420\]"):
        distributed.connect("tcp://127.0.0.1:8786")


def test_a_worker_killed_mid_run_has_its_tasks_rerun_and_the_report_is_the_same(cluster, one_process_json, tmp_path):
    """SIGKILL a worker process while it parses: Dask reruns its tasks elsewhere, the report does not change."""
    import signal
    import threading

    cluster.restart()  # cold workers: loading spaCy keeps the first parse tasks running for seconds
    cluster.wait_for_workers(2)
    pids = cluster.run(os.getpid)
    killed: list[int] = []

    def kill_a_parsing_worker() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for worker, keys in cluster.processing().items():
                if any(str(k).startswith("parse_documents") for k in keys) and worker in pids:
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.append(pids[worker])
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_parsing_worker)
    killer.start()
    result = cli("check", SOURCES, "--format", "json", "--scheduler", cluster.cluster.scheduler_address,
                 "--cache-dir", tmp_path / "cache")
    killer.join()
    assert killed, "no worker was seen parsing"
    assert result.exit_code == 0, result.output
    assert result.stdout == one_process_json
    cluster.wait_for_workers(2, timeout=120)  # the nanny started a new process in its place
    assert killed[0] not in cluster.run(os.getpid).values()

"""The Dask path (crosscheck.distributed) on Dask's local mode gives what the one-process pipeline gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import SOURCES


def test_importing_the_module_does_not_import_dask():
    code = "import sys, crosscheck.distributed; assert 'dask' not in sys.modules and 'distributed' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


@pytest.fixture(scope="module")
def client():
    from crosscheck.distributed import local_client

    c = local_client(workers=1, threads=2, processes=False)  # workers are threads here: no second model load
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


def test_cluster_pipeline_gives_the_one_process_result(client, pipeline, tmp_path):
    from crosscheck.distributed import ClusterPipeline
    from crosscheck.embeddings import Encoder
    from crosscheck.pipeline import Pipeline, Settings

    settings = Settings(cache_dir=tmp_path / "cache")  # empty: the cluster encodes every text
    on_cluster = ClusterPipeline(client, settings, chunk=32)
    remote = on_cluster.check_paths([SOURCES])
    assert on_cluster.encoder.tasks >= 3 and on_cluster.encoder.encoded == len(remote.statements) + 5

    # vectors: the same texts through the model in this process
    texts = [s.embedding_text for s in remote.statements]
    here = Encoder(use_cache=False)
    here._model = pipeline.encoder._load()
    assert np.abs(here._encode_model(texts) - remote.vectors).max() < 1e-6

    # every later stage: the one-process pipeline on the same inputs (its cache now holds the cluster's vectors)
    local = Pipeline(settings).check_paths([SOURCES])
    assert np.array_equal(local.vectors, remote.vectors)
    assert local.stories == remote.stories and len(remote.stories) == 2
    assert local.alignments == remote.alignments and remote.alignments
    assert local.findings == remote.findings and remote.findings


def test_missing_dask_is_a_numbered_error(monkeypatch):
    from crosscheck import distributed
    from crosscheck.errors import ModelError

    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(ModelError, match=r"\[E420\].*crosscheck-news\[distributed\]"):
        distributed.local_client()

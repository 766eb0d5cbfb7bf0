"""Shared fixtures: the real models, loaded once per test session, with a private embedding cache."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    os.environ["CROSSCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield


from crosscheck.distributed import THREAD_VARIABLES, restore_thread_variables  # noqa: E402 - imports no Dask

_THREADS_AT_START = {k: os.environ.get(k) for k in THREAD_VARIABLES}


@pytest.fixture(autouse=True)
def _keep_thread_variables():
    """Every test ends with the BLAS thread variables of the session's start: Dask's LocalCluster sets them
    to 1 in this process for its workers (a module-scoped cluster: before the first test of its module),
    and a child process started later (tests/test_helper_process.py) would then sum with another thread
    count than this one and differ in the 7th digit."""
    yield
    restore_thread_variables(_THREADS_AT_START)


@pytest.fixture(scope="session")
def nlp():
    from crosscheck.statements.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def pipeline(_private_cache):
    from crosscheck.pipeline import Pipeline, Settings

    return Pipeline(Settings())


@pytest.fixture(scope="session")
def sample_analysis(pipeline):
    """The whole pipeline on the sample story set in sources/, run once."""
    return pipeline.check_paths([SOURCES])


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """A file under ``folder`` (parents made), text as UTF-8 or bytes as given."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_doc(doc_id: str, text: str, published: dt.date | None = dt.date(2020, 5, 20), outlet: str = "", title: str = ""):
    from crosscheck.nouns import Document

    return Document(id=doc_id, path=f"{doc_id}.md", title=title, outlet=outlet or doc_id.upper(), published=published,
                    url="", text=text)

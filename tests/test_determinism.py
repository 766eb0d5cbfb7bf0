"""Same inputs, same bytes: file names and order on disk, thread counts and the cache change nothing.

The sample articles are copied into two folders under different names, written in opposite
orders, and checked with ``--format json``. The reports must be identical once the document ids
and paths (which come from the file names) are mapped back; finding fingerprints, kinds, rules,
messages, scores, statement texts and offsets and the summary must match exactly, also from a
fresh process with another thread count and an empty embedding cache (so the model encodes
every text again under different parallelism).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SOURCES
from crosscheck.cli import main

RENAMES = {  # original stem -> a new name that sorts in a different order
    "2013-07-23-techcrunch-alibaba-smart-tv-os": "zz-first",
    "2013-07-24-zdnet-alibaba-unveils-smart-tv-os": "mm-second",
    "2013-09-10-ducksell-alibaba-skyworth-coocaa-tv": "aa-third",
    "2020-05-20-krasia-alibaba-tmall-genie-investment": "yy/nested-fourth",
    "2020-05-22-warc-alibaba-smart-speaker-investment": "bb-fifth",
}


def copy_sources(folder: Path, renamed: bool) -> Path:
    folder.mkdir()
    files = sorted(SOURCES.glob("*.md"), reverse=renamed)  # creation order differs too
    assert {f.stem for f in files} == set(RENAMES)
    for source in files:
        stem = RENAMES[source.stem] if renamed else source.stem
        target = folder / f"{stem}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return folder


def check_json(folder: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--quiet", "--format", "json", *extra, str(folder)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout, json.loads(result.stdout)


def normalised(report: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The report with document ids and paths (derived from file names) mapped to the original stems."""
    back = {new.rsplit("/", 1)[-1]: old for old, new in RENAMES.items()}
    back.update({old: old for old in RENAMES})

    def doc(doc_id: str | None) -> str | None:
        return None if doc_id is None else back[doc_id]

    def path(value: str | None) -> str | None:
        return None if value is None else doc(Path(value).stem)

    def statement(ref: dict[str, Any]) -> dict[str, Any]:
        stem, index = ref["statement"].rsplit(":", 1)
        return {**ref, "document": doc(ref["document"]), "statement": f"{doc(stem)}:{index}", "path": path(ref["path"])}

    out = dict(report)
    out["documents"] = sorted(({**d, "id": doc(d["id"]), "path": path(d["path"])} for d in report["documents"]),
                              key=lambda d: d["id"])
    out["stories"] = [{**s, "documents": [doc(d) for d in s["documents"]]} for s in report["stories"]]
    out["findings"] = [{**f, "statements": [statement(r) for r in f["statements"]]} for f in report["findings"]]
    out["problems"] = [{**p, "path": path(p["path"])} for p in report["problems"]]
    return out


@pytest.fixture(scope="module")
def original(tmp_path_factory, pipeline):  # the session pipeline: models loaded and the cache warm once
    folder = copy_sources(tmp_path_factory.mktemp("det") / "original", renamed=False)
    text, report = check_json(folder)
    return folder, text, report


def test_file_names_and_order_on_disk_do_not_change_the_report(original, tmp_path):
    folder, text, report = original
    renamed = copy_sources(tmp_path / "renamed", renamed=True)
    _, other = check_json(renamed)
    assert report["findings"], "the sample set must give findings to compare"
    a, b = normalised(report, folder), normalised(other, renamed)
    assert [f["id"] for f in a["findings"]] == [f["id"] for f in b["findings"]]
    for fa, fb in zip(a["findings"], b["findings"]):
        assert fa == fb
    assert a == b
    again, _ = check_json(folder)
    assert again == text  # byte-identical on a repeat run


def test_other_thread_counts_and_an_empty_cache_give_the_same_report(original, tmp_path):
    """A fresh process with another thread count (OMP_NUM_THREADS sets torch's too) and no cache
    encodes every text itself, on renamed files; once names are mapped back, the report is the same."""
    torch = pytest.importorskip("torch")
    folder, _, report = original
    threads = "2" if torch.get_num_threads() == 1 else "1"
    renamed = copy_sources(tmp_path / "renamed", renamed=True)
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "HF_HUB_OFFLINE": "1",
           "CROSSCHECK_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    script = ("import sys, torch; from crosscheck.cli import main; "
              "print(torch.get_num_threads(), file=sys.stderr); main()")
    result = subprocess.run([sys.executable, "-c", script, "check", "--isolated", "--quiet", "--format", "json",
                             str(renamed)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert result.stderr.splitlines()[0] == threads
    assert normalised(json.loads(result.stdout), renamed) == normalised(report, folder)


def test_scores_are_rounded_and_fingerprints_ignore_them(original):
    from crosscheck.verdicts.rules.engine import fingerprint

    _, _, report = original
    for finding in report["findings"]:
        score = finding["score"]
        assert score is None or round(score, 4) == score
        refs = [(s["document"], s["text"]) for s in finding["statements"]]
        assert fingerprint(finding["rule"], finding["kind"], refs) == finding["id"]

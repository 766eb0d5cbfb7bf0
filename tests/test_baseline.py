"""Baseline files: deterministic to write, strict to read, and keyed by the engine's stable fingerprint.

No models: findings are built by hand with ``crosscheck.verdicts.rules.engine.fingerprint``, the same
function the engine uses, so what holds here holds for real runs (tests/test_cli.py runs one end to end).
"""

from __future__ import annotations

import json

import pytest

from crosscheck.baseline import SCHEMA, baseline_dict, read_baseline, without_baselined, write_baseline
from crosscheck.errors import ConfigError
from crosscheck.verdicts.rules.engine import fingerprint
from crosscheck.nouns import Finding, Report, StatementRef, Story

A = "Baidu bought the video site PPS for $370 million."
B = "Baidu bought the video site PPS for $470 million."


def finding(rule: str, kind: str, *refs: tuple[str, str], story: str = "s1") -> Finding:
    statements = tuple(StatementRef(doc, f"{doc}:0", text, 0, len(text)) for doc, text in refs)
    return Finding(fingerprint(rule, kind, list(refs)), kind, rule, "error", story, "m", 1.0, statements)  # type: ignore[arg-type]


def report(*findings: Finding) -> Report:
    return Report((), (Story("s1", "Baidu buys PPS", ("a", "b")),), tuple(findings))


def test_fingerprint_ignores_document_ids_order_and_spacing():
    one = fingerprint("NUM01", "contradiction", [("reuters", A), ("xinhua", B)])
    assert one == fingerprint("NUM01", "contradiction", [("0-wire", B), ("reuters-renamed", "  " + A.replace(" ", "  "))])
    assert one != fingerprint("NUM01", "update", [("reuters", A), ("xinhua", B)])
    assert one != fingerprint("DATE01", "contradiction", [("reuters", A), ("xinhua", B)])
    assert one != fingerprint("NUM01", "contradiction", [("reuters", A), ("xinhua", B.replace("470", "570"))])


def test_baseline_is_sorted_deduplicated_and_deterministic():
    f1 = finding("NUM01", "contradiction", ("b", B), ("a", A))
    f2 = finding("SRC01", "single_source", ("a", A), story="elsewhere")
    data = baseline_dict(report(f2, f1, f1))
    assert data["schema"] == SCHEMA
    assert [e["id"] for e in data["findings"]] == sorted({f1.id, f2.id})
    entry = next(e for e in data["findings"] if e["id"] == f1.id)
    assert entry == {"id": f1.id, "rule": "NUM01", "kind": "contradiction", "story_title": "Baidu buys PPS",
                     "texts": [A, B]}
    assert "story_title" not in next(e for e in data["findings"] if e["id"] == f2.id)
    assert baseline_dict(report(f1, f2)) == data


def test_write_then_read_round_trips(tmp_path):
    f1 = finding("NUM01", "contradiction", ("a", A), ("b", B))
    path = tmp_path / "baseline.json"
    assert write_baseline(report(f1), path) == 1
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and json.loads(text)["findings"][0]["id"] == f1.id
    assert read_baseline(path) == {f1.id}


def test_without_baselined_keeps_only_new_findings():
    old = finding("NUM01", "contradiction", ("a", A), ("b", B))
    new = finding("NUM01", "contradiction", ("a", A), ("b", B.replace("470", "570")))
    kept, hidden = without_baselined(report(old, new), frozenset({old.id, "gone-since"}))
    assert kept.findings == (new,) and hidden == 1


def test_later_fields_are_tolerated(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"schema": SCHEMA, "generated_by": "x", "findings": [
        {"id": "abc", "rule": "R", "kind": "update", "texts": [], "level": "warning"}]}), encoding="utf-8")
    assert read_baseline(path) == {"abc"}


@pytest.mark.parametrize(("content", "code", "key"), [
    (None, "E310", None),
    ("{", "E311", None),
    ("[]", "E312", "schema"),
    ('{"schema": "crosscheck.baseline/2", "findings": []}', "E312", "schema"),
    ('{"schema": "crosscheck.baseline/1"}', "E312", "findings"),
    ('{"schema": "crosscheck.baseline/1", "findings": [{"id": "x", "rule": "R"}]}', "E312", "findings.0.kind"),
    ('{"schema": "crosscheck.baseline/1", "findings": [{"id": "", "rule": "R", "kind": "k"}]}', "E312",
     "findings.0.id"),
])
def test_broken_baselines_are_config_errors_naming_the_file(tmp_path, content, code, key):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_baseline(path)
    assert (info.value.code, info.value.path, info.value.key) == (code, str(path), key)


def test_unwritable_baseline_is_an_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        write_baseline(report(), tmp_path / "missing" / "b.json")
    assert info.value.code == "E313"


def test_an_oversized_baseline_is_refused_unread(tmp_path, monkeypatch):
    """The baseline's limit is its own (a large run's baseline is megabytes), and past it the file is not read."""
    import crosscheck.baseline as baseline_module

    path = tmp_path / "baseline.json"
    path.write_text('{"schema": "crosscheck.baseline/1", "findings": []}' + " " * 2000, encoding="utf-8")
    assert read_baseline(path) == set()
    monkeypatch.setattr(baseline_module, "MAX_BASELINE_BYTES", 1000)
    with pytest.raises(ConfigError) as info:
        read_baseline(path)
    assert info.value.code == "E310" and "larger than the limit of 1,000 bytes" in str(info.value)

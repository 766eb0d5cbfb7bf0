"""Baselines: accept today's findings so that CI fails only on new ones.

A newsroom adopting crosscheck on an archive has findings it cannot fix today; a baseline file
records their fingerprints and later runs report only what is not in it. The fingerprint (see
``crosscheck.verdicts.rules.engine.fingerprint``) hashes the rule, the kind and the statements'
normalised texts, so a baselined finding stays baselined when files are renamed or re-ordered
and when unrelated paragraphs change. The file is deterministic JSON, so it diffs well in review.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crosscheck.config import MAX_BASELINE_BYTES, read_settings_text
from crosscheck.errors import ConfigError
from crosscheck.nouns import Finding, Report

SCHEMA = "crosscheck.baseline/1"


class BaselineEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")  # later versions of /1 may add fields

    id: str = Field(min_length=1)
    rule: str
    kind: str
    story_title: str | None = None
    texts: list[str] = Field(default_factory=list)


class BaselineFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_: str = Field(alias="schema")
    findings: list[BaselineEntry]


def _entry(finding: Finding, story_titles: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": finding.id, "rule": finding.rule, "kind": finding.kind}
    if story_titles.get(finding.story):
        entry["story_title"] = story_titles[finding.story]
    entry["texts"] = sorted(r.text for r in finding.statements)
    return entry


def baseline_dict(report: Report) -> dict[str, Any]:
    """The baseline of a report's findings: one entry per fingerprint, sorted by id."""
    titles = {s.id: s.title for s in report.stories}
    unique = {f.id: f for f in report.findings}
    return {"schema": SCHEMA, "findings": [_entry(unique[i], titles) for i in sorted(unique)]}


def baseline_json(report: Report) -> str:
    return json.dumps(baseline_dict(report), ensure_ascii=False, indent=2) + "\n"


def write_baseline(report: Report, path: Path) -> int:
    """Write the baseline of ``report`` to ``path``; returns how many findings it holds."""
    text = baseline_json(report)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write baseline: {exc.strerror or exc}", path=str(path), code="E313") from exc
    return len({f.id for f in report.findings})


def read_baseline(path: Path) -> frozenset[str]:
    """The finding ids of a baseline file; ConfigError (E310-E312) naming the file when it is broken."""
    text = read_settings_text(path, "baseline", "E310", MAX_BASELINE_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc.msg}", path=str(path), line=exc.lineno,
                          code="E311") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise ConfigError(f"not a crosscheck baseline: expected \"schema\": \"{SCHEMA}\", found {found!r}; "
                          "write one with --write-baseline", path=str(path), key="schema", code="E312")
    try:
        parsed = BaselineFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"invalid baseline: {err['msg']}", path=str(path), key=key, code="E312") from exc
    return frozenset(e.id for e in parsed.findings)


def without_baselined(report: Report, baselined: frozenset[str]) -> tuple[Report, int]:
    """The report with only the findings not in the baseline, and how many were left out."""
    kept = tuple(f for f in report.findings if f.id not in baselined)
    return replace(report, findings=kept), len(report.findings) - len(kept)

"""SARIF 2.1.0: findings as code-scanning alerts (GitHub code scanning, VS Code SARIF viewer).

An alert is something to act on, so agreements and single-source claims, which are ``info`` by
default, are left out; a rule set that raises them to ``warning`` or ``error`` gets them in.
Columns count Unicode code points (``columnKind``), as ``Document.line_col`` does.
"""

from __future__ import annotations

import json
import math
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

from crosscheck import __version__
from crosscheck.nouns import Document, Finding, InputProblem, Report, StatementRef
from crosscheck.report.common import (date_of, documents_by_id, line_col, outlet_of, sorted_findings,
                                      verdict_of_finding)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFO_ONLY_KINDS = frozenset({"agreement", "single_source"})


def included(f: Finding) -> bool:
    """Agreements and single-source claims become alerts only when raised to warning or error."""
    return f.kind not in INFO_ONLY_KINDS or f.level in ("error", "warning")


def artifact_uri(path: str) -> str:
    """The path as given, made a URI reference: relative stays relative (forward slashes, reserved
    characters escaped, so ``a:b.md`` is not read as a scheme); absolute becomes a ``file://`` URI."""
    windows = PureWindowsPath(path)
    if windows.drive and windows.is_absolute():
        return "file:///" + quote(windows.as_posix(), safe="/:")
    posix = windows.as_posix() if "\\" in path else path
    encoded = quote(posix, safe="/@!$&'()*+,;=-._~")
    return "file://" + encoded if posix.startswith("/") else encoded


def _region(doc: Document, ref: StatementRef) -> dict[str, Any]:
    start = line_col(doc, ref.start) or (1, 1)
    end = line_col(doc, max(ref.start, ref.end)) or start
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1],
            "snippet": {"text": ref.text}}


def _physical(ref: StatementRef, doc: Document | None) -> dict[str, Any]:
    if doc is None:
        return {"artifactLocation": {"uri": artifact_uri(ref.document)}}
    return {"artifactLocation": {"uri": artifact_uri(doc.path)}, "region": _region(doc, ref)}


def _location_message(doc: Document | None, ref: StatementRef) -> str:
    return f"{outlet_of(doc, ref.document)} ({date_of(doc)}): {ref.text}"


def _result(f: Finding, rule_index: int, docs: dict[str, Document], verdict: str | None = None) -> dict[str, Any]:
    refs = list(f.statements)
    result: dict[str, Any] = {"ruleId": f.rule, "ruleIndex": rule_index, "level": LEVEL.get(f.level, "note"),
                              "message": {"text": f.message or f.rule}}
    if refs:
        first = refs[0]
        result["locations"] = [{"physicalLocation": _physical(first, docs.get(first.document)),
                                "message": {"text": _location_message(docs.get(first.document), first)}}]
    if len(refs) > 1:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(r, docs.get(r.document)),
             "message": {"text": _location_message(docs.get(r.document), r)}}
            for i, r in enumerate(refs[1:], start=1)]
    result["partialFingerprints"] = {"crosscheck/v1": f.id}
    score = round(f.score, 4) if math.isfinite(f.score) else None
    result["properties"] = {"kind": f.kind, "story": f.story, "score": score}
    if verdict is not None:  # a draft check: the claim's verdict; the first location is the draft's line
        result["properties"]["verdict"] = verdict
        result["message"]["text"] = f"{verdict.capitalize()}: {result['message']['text']}"
    return result


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    """One descriptor per rule id, described by the first message it produced (findings sorted)."""
    first: dict[str, Finding] = {}
    for f in findings:
        first.setdefault(f.rule, f)
    return [{"id": rid, "name": rid, "shortDescription": {"text": first[rid].message or rid},
             "properties": {"kind": first[rid].kind}}
            for rid in sorted(first)]


def _notification(p: InputProblem) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(p.path)}}
    if p.line:
        location["region"] = {"startLine": p.line}
    return {"level": "warning" if p.code.startswith("W") else "error", "message": {"text": p.message},
            "descriptor": {"id": p.code}, "locations": [{"physicalLocation": location}]}


def to_sarif_dict(report: Report) -> dict[str, Any]:
    docs = documents_by_id(report)
    findings = [f for f in sorted_findings(report.findings) if included(f)]
    rules = _rules(findings)
    index = {r["id"]: i for i, r in enumerate(rules)}
    verdicts = verdict_of_finding(report)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "crosscheck", "version": __version__, "rules": rules}},
        "invocations": [{"executionSuccessful": True,
                         "toolExecutionNotifications": [_notification(p) for p in report.problems]}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], docs, verdicts.get(f.id)) for f in findings],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(to_sarif_dict(report), ensure_ascii=False, indent=2) + "\n"

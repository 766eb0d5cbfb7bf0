"""The JSON report: the stable, machine-readable contract (schema ``crosscheck.report/1``).

Other tools diff and ingest this output, so it is deterministic (fixed key order, sorted
findings, scores rounded to 4 places) and only ever grows: fields may be added, never removed
or renamed. The schema is in ``docs/report.schema.json``; ``docs/report-format.md`` explains it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from crosscheck.nouns import CheckedClaim, Checklist, Document, Finding, InputProblem, Report, StatementRef
from crosscheck.report.common import (KIND_ORDER, checklist_summary, documents_by_id, kind_counts, line_col,
                                      merged_highlights, outlet_of, shown_checklist, sorted_findings,
                                      sources_command, verdict_counts)

SCHEMA = "crosscheck.report/1"


def _round(x: float) -> float | None:
    """Four decimal places; NaN and infinities (never valid JSON) become null."""
    if not math.isfinite(x):
        return None
    return round(float(x), 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _document(doc: Document, story_of: dict[str, str]) -> dict[str, Any]:
    return {"id": doc.id, "path": doc.path, "title": doc.title, "outlet": doc.outlet,
            "published": doc.published.isoformat() if doc.published else None, "url": doc.url,
            "story": story_of.get(doc.id)}


def _statement(ref: StatementRef, doc: Document | None) -> dict[str, Any]:
    start = line_col(doc, ref.start)
    end = line_col(doc, ref.end)
    return {"document": ref.document, "statement": ref.statement, "text": ref.text, "start": ref.start,
            "end": ref.end, "line": start[0] if start else None, "column": start[1] if start else None,
            "highlights": [[s, e] for s, e in merged_highlights(ref.text, ref.highlights)],
            "end_line": end[0] if end else None, "end_column": end[1] if end else None,
            "path": doc.path if doc else None, "outlet": outlet_of(doc) if doc else None,
            "published": doc.published.isoformat() if doc and doc.published else None,
            **({"sentence_before": ref.before, "sentence_after": ref.after} if ref.before or ref.after else {})}


def _finding(f: Finding, docs: dict[str, Document]) -> dict[str, Any]:
    return {"id": f.id, "kind": f.kind, "rule": f.rule, "level": f.level, "story": f.story, "message": f.message,
            "score": _round(f.score), "statements": [_statement(r, docs.get(r.document)) for r in f.statements]}


def _problem(p: InputProblem) -> dict[str, Any]:
    return {"path": p.path, "code": p.code, "message": p.message, "line": p.line,
            "severity": "warning" if p.code.startswith("W") else "error"}


def _claim(n: int, c: CheckedClaim, docs: dict[str, Document]) -> dict[str, Any]:
    return {"index": n, "verdict": c.verdict, "explanation": c.explanation, "rule": c.rule or None,
            "finding": c.finding or None, "statement": _statement(c.statement, docs.get(c.statement.document)),
            "evidence": [{"stance": e.stance, "rule": e.rule or None,
                          "statement": _statement(e.statement, docs.get(e.statement.document))} for e in c.evidence],
            "disagreements": list(c.disagreements)}


def _draft(checklist: Checklist, docs: dict[str, Document]) -> dict[str, Any]:
    doc = docs.get(checklist.draft)
    return {"document": checklist.draft, "name": checklist.name, "path": doc.path if doc else None,
            "sources": list(checklist.sources), "summary": {"claims": len(checklist.claims),
                                                             **verdict_counts(checklist)},
            "summary_text": checklist_summary(checklist), "other_disagreements": checklist.other_disagreements,
            "sources_command": sources_command(checklist)}


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready values, in the schema's key order."""
    docs = documents_by_id(report)
    story_of = {d: s.id for s in report.stories for d in s.documents}
    counts = kind_counts(report.findings)
    summary: dict[str, int] = {k: counts[k] for k in ("contradiction", "agreement", "discrepancy", "update",
                                                      "single_source", "unsupported", "disputed")}
    summary.update({k: v for k, v in counts.items() if k not in KIND_ORDER})
    summary.update(documents=len(report.documents), statements=report.statement_count,
                   problems=len(report.problems), stories=len(report.stories), findings=len(report.findings))
    out = {
        "schema": SCHEMA,
        "documents": [_document(d, story_of) for d in report.documents],
        "stories": [{"id": s.id, "title": s.title, "documents": list(s.documents)} for s in report.stories],
        "findings": [_finding(f, docs) for f in sorted_findings(report.findings)],
        "problems": [_problem(p) for p in report.problems],
        "summary": summary,
    }
    checklist = shown_checklist(report)
    if checklist is not None:  # a draft check: its checklist, the claims in the draft's order
        out["draft"] = _draft(checklist, docs)
        out["claims"] = [_claim(n, c, docs) for n, c in enumerate(checklist.claims, 1)]
    return out


def to_json(report: Report) -> str:
    """``to_dict`` as indented UTF-8 JSON with a trailing newline; same report, same bytes."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

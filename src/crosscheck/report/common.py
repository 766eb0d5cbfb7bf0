"""What every report format shares: ordering, counting, locating and the claim x outlet matrix.

Each format module is a pure function of a ``Report``; the decisions that must read the same in
all of them (which finding comes first, what the summary says, how a highlight splits a sentence)
live here once, so the terminal, Markdown and JSON reports never disagree.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from crosscheck.checklist import others_text, summary_text
from crosscheck.nouns import CLAIM_VERDICTS, Checklist, Document, Finding, Report, Span, StatementRef, Story

LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}
# display order of the kinds, most pressing first; also the sort order of findings within a level
KIND_ORDER = ("contradiction", "disputed", "unsupported", "update", "discrepancy", "agreement", "single_source")
KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}
KIND_TITLE = {"contradiction": "Contradiction", "update": "Update", "discrepancy": "Discrepancy",
              "agreement": "Agreement", "single_source": "Single source", "unsupported": "Unsupported",
              "disputed": "Disputed"}
# (singular, plural) for the summary line
KIND_NOUN = {"contradiction": ("contradiction", "contradictions"), "update": ("update", "updates"),
             "discrepancy": ("discrepancy", "discrepancies"), "agreement": ("agreement", "agreements"),
             "single_source": ("single-source claim", "single-source claims"),
             "unsupported": ("unsupported claim", "unsupported claims"),
             "disputed": ("disputed claim", "disputed claims")}
# matrix cell of a statement that relates to a row's claim through a finding of this kind
RELATION = {"contradiction": "contradicts", "update": "updates", "discrepancy": "differs",
            "agreement": "agrees", "single_source": "only source", "unsupported": "unsupported",
            "disputed": "disputed"}
HOLDER = "claims"  # the cell of the outlet whose statement is the row's claim
EMPTY = "—"
# which relation wins when two findings put something in the same cell
_CELL_RANK = {"contradicts": 0, "disputed": 1, "unsupported": 1, "updates": 2, "differs": 3, "agrees": 4, "only source": 5,
              HOLDER: 6, EMPTY: 7}
MATRIX_ROWS = 12
CLAIM_WIDTH = 60


def finding_key(f: Finding) -> tuple:
    """Sort key: story, severity, kind (display order), fingerprint."""
    return (f.story, LEVEL_RANK.get(f.level, 9), KIND_RANK.get(f.kind, 99), f.id)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_key)


def documents_by_id(report: Report) -> dict[str, Document]:
    return {d.id: d for d in report.documents}


def outlet_of(doc: Document | None, fallback: str = "") -> str:
    if doc is None:
        return fallback
    return doc.outlet or doc.id


def date_of(doc: Document | None) -> str:
    published = doc.published if doc is not None else None
    return published.isoformat() if isinstance(published, dt.date) else "undated"


def line_col(doc: Document | None, offset: int) -> tuple[int, int] | None:
    """1-based (line, column) of an offset into the document's text; None when the document is unknown."""
    if doc is None:
        return None
    return doc.line_col(max(0, min(offset, len(doc.text))))


def location(doc: Document | None, ref: StatementRef) -> str:
    """``path:line`` of a statement, as an editor types it into an open-file box."""
    if doc is None:
        return ref.document
    where = line_col(doc, ref.start)
    return f"{doc.path}:{where[0]}" if where else doc.path


def merged_highlights(text: str, highlights: Sequence[Span]) -> list[tuple[int, int]]:
    """The highlight spans clamped to the text, empty ones dropped, overlapping ones merged."""
    spans = sorted((max(0, h.start), min(len(text), h.end)) for h in highlights)
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def segments(text: str, highlights: Sequence[Span]) -> list[tuple[str, bool]]:
    """The text cut into (piece, highlighted) runs, in order; joined they give the text back."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged_highlights(text, highlights):
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, width: int = CLAIM_WIDTH) -> str:
    """One line of at most ``width`` characters, cut at a word boundary with an ellipsis."""
    flat = one_line(text)
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def plural(n: int, singular: str, many: str) -> str:
    return f"{n} {singular if n == 1 else many}"


def kind_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(KIND_ORDER, 0)
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return counts


def summary_line(report: Report) -> str:
    """'2 stories, 5 documents, 1 contradiction, ... 14 single-source claims; 0 input problems'."""
    counts = kind_counts(report.findings)
    parts = [plural(len(report.stories), "story", "stories"), plural(len(report.documents), "document", "documents")]
    for kind in KIND_ORDER:
        if kind in ("unsupported", "disputed") and not counts[kind]:
            continue  # only a draft check has unsupported claims; say nothing of them otherwise
        parts.append(plural(counts[kind], *KIND_NOUN[kind]))
    return ", ".join(parts) + "; " + plural(len(report.problems), "input problem", "input problems")


@dataclass(frozen=True)
class StoryFindings:
    """One story (None for findings whose story the report does not list) and its findings, sorted."""

    story: Story | None
    findings: tuple[Finding, ...]

    @property
    def title(self) -> str:
        if self.story is None:
            return "Other findings"
        return self.story.title or self.story.id


def by_story(report: Report) -> list[StoryFindings]:
    """Stories in report order, each with its findings; findings of unknown stories last."""
    known = {s.id for s in report.stories}
    ordered = sorted_findings(report.findings)
    out = [StoryFindings(s, tuple(f for f in ordered if f.story == s.id)) for s in report.stories]
    stray = tuple(f for f in ordered if f.story not in known)
    if stray:
        out.append(StoryFindings(None, stray))
    return out


def story_documents(report: Report, group: StoryFindings) -> list[Document]:
    """The story's documents in story order; for stray findings, the documents they cite."""
    docs = documents_by_id(report)
    if group.story is not None:
        ids: Iterable[str] = group.story.documents
    else:
        ids = dict.fromkeys(r.document for f in group.findings for r in f.statements)
    return [docs[i] for i in ids if i in docs]


def by_kind(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by kind in display order; kinds with no finding left out."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.kind, []).append(f)
    return sorted(groups.items(), key=lambda kv: KIND_RANK.get(kv[0], 99))


@dataclass(frozen=True)
class MatrixRow:
    claim: str  # the claim, shortened to one line
    holder: str  # outlet that states it
    location: str  # path:line of the claim
    cells: tuple[str, ...]  # one per matrix column


@dataclass(frozen=True)
class Matrix:
    columns: tuple[str, ...]  # outlets
    rows: tuple[MatrixRow, ...]
    hidden: int = 0  # claims left out to keep the matrix short


def claim_matrix(report: Report, group: StoryFindings, *, max_rows: int = MATRIX_ROWS,
                 claim_width: int = CLAIM_WIDTH) -> Matrix:
    """Claims (rows) x outlets (columns) of one story, derived from its findings.

    A finding's first statement is the row's claim; its outlet's cell says ``claims`` (``only
    source`` for a single-source claim), every other statement's outlet gets the finding's relation.
    Where two findings meet in one cell the stronger relation wins. Rows run most severe first.
    """
    docs = documents_by_id(report)
    columns = list(dict.fromkeys(outlet_of(d) for d in story_documents(report, group)))
    rows: dict[str, dict] = {}
    for f in group.findings:  # already sorted most severe first
        if not f.statements:
            continue
        first = f.statements[0]
        holder_doc = docs.get(first.document)
        row = rows.setdefault(first.statement, {"ref": first, "doc": holder_doc, "cells": {}})
        holder = outlet_of(holder_doc, first.document)
        _put(row["cells"], holder, RELATION[f.kind] if len(f.statements) == 1 else HOLDER)
        for ref in f.statements[1:]:
            _put(row["cells"], outlet_of(docs.get(ref.document), ref.document), RELATION.get(f.kind, f.kind))
    for row in rows.values():
        for outlet in row["cells"]:
            if outlet not in columns:
                columns.append(outlet)
    shown = list(rows.values())[:max_rows]
    out = tuple(MatrixRow(shorten(r["ref"].text, claim_width), outlet_of(r["doc"], r["ref"].document),
                          location(r["doc"], r["ref"]), tuple(r["cells"].get(c, EMPTY) for c in columns))
                for r in shown)
    return Matrix(tuple(columns), out, max(0, len(rows) - len(shown)))


def _put(cells: dict[str, str], outlet: str, relation: str) -> None:
    old = cells.get(outlet, EMPTY)
    if _CELL_RANK.get(relation, 8) < _CELL_RANK.get(old, 8):
        cells[outlet] = relation


# ---------------------------------------------------------------- a draft's checklist

VERDICT_ICON = {"supported": "\u2713", "contradicted": "\u2717", "disputed": "!", "unsupported": "?"}
STANCE_ICON = {"supports": "\u2713", "contradicts": "\u2717", "disputes": "\u2260"}
STANCE_LABEL = {"supports": "supports the draft", "contradicts": "contradicts the draft",
                "disputes": "contradicts a source that supports the draft"}


def stance_legend(checklist: Checklist, icons: dict[str, str] = STANCE_ICON) -> str | None:
    """'✓ supports the draft · ✗ contradicts the draft', for the stances the checklist uses; None without any."""
    used = {e.stance for c in checklist.claims for e in c.evidence}
    parts = [f"{icons[s]} {label}" for s, label in STANCE_LABEL.items() if s in used]
    return " · ".join(parts) or None


def shown_checklist(report: Report) -> Checklist | None:
    """The report's checklist as its findings leave it: a claim whose finding a baseline or a per-file ignore
    dropped, or whose rule is turned off, is not shown (the checklist and the gate never disagree)."""
    if report.checklist is None:
        return None
    kept = {f.id for f in report.findings}
    return replace(report.checklist, claims=tuple(c for c in report.checklist.claims if c.finding in kept))


def verdict_counts(checklist: Checklist) -> dict[str, int]:
    counts = dict.fromkeys(CLAIM_VERDICTS, 0)
    for c in checklist.claims:
        counts[c.verdict] += 1
    return counts


def checklist_summary(checklist: Checklist) -> str:
    """'7 claims: 4 supported, 1 contradicted, 1 disputed, 1 unsupported'."""
    return summary_text(verdict_counts(checklist))


def sources_command(checklist: Checklist) -> str:
    """The command that shows the sources' own report: 'crosscheck check sources/'."""
    return "crosscheck check " + " ".join(shlex.quote(s) for s in checklist.sources or ("SOURCES",))


def others_line(checklist: Checklist, command: Callable[[str], str] = lambda c: f"`{c}`") -> str | None:
    """The one line about the sources' disagreements that touch no claim of the draft ('... on 2 other claims:
    run `crosscheck check sources/`'), the command set by ``command``; None when there are none."""
    if not checklist.other_disagreements:
        return None
    return others_text(checklist.other_disagreements, command(sources_command(checklist)))


def position(doc: Document | None, ref: StatementRef) -> str:
    """``path:line:column`` of a statement (the draft's claims: where the editor's cursor goes)."""
    if doc is None:
        return ref.document
    line, col = doc.line_col(max(0, min(ref.start, len(doc.text))))
    return f"{doc.path}:{line}:{col}"


def sentence(text: str) -> str:
    """An explanation as a sentence: a full stop at the end unless it has one."""
    return text if text.endswith((".", "!", "?")) else text + "."


def verdict_of_finding(report: Report) -> dict[str, str]:
    """Finding id -> the verdict of the draft claim it stands for (empty when the report is no draft check)."""
    checklist = shown_checklist(report)
    return {c.finding: c.verdict for c in checklist.claims} if checklist is not None else {}

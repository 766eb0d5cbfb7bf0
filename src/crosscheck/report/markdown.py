"""The Markdown report: the terminal report's content as a document an editor pastes into a ticket.

Article text is untrusted Markdown-wise: a stray ``*``, ``|`` or ``<`` in a sentence must not
turn into emphasis, break a table or inject HTML, so every piece of text is escaped, and only
the highlights are set in **bold**.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crosscheck.nouns import CheckedClaim, Checklist, Document, Evidence, Finding, Report, Span, StatementRef
from crosscheck.report.common import (EMPTY, HOLDER, KIND_TITLE, Matrix, StoryFindings, by_kind, by_story,
                                      checklist_summary, claim_matrix, date_of, documents_by_id, line_col, location,
                                      one_line, others_line, outlet_of, segments, sentence, shorten, shown_checklist,
                                      sources_command, stance_legend, story_documents, summary_line)

# "$" too: GitHub renders $...$ as maths ("US$370 and US$470" would become a formula)
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!$&])")
# what would open a list (or underline a heading) at the start of a line: "- ", "+ ", "1. ", "2) "
_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))(?=\s|$)")


def _literal_start(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        return m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4))

    return _LINE_START.sub(fix, text)


def escape(text: str) -> str:
    """Inline text made literal: one line, Markdown punctuation and pipes backslash-escaped."""
    flat = one_line(text)
    return _literal_start(_SPECIAL.sub(r"\\\1", flat))


def code(text: str, *, cell: bool = False) -> str:
    """An inline code span that survives backticks in the text (for paths and rule ids); in a
    table ``cell`` pipes are escaped too, which GFM undoes before it reads the span."""
    flat = one_line(text)
    if cell:
        flat = flat.replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def bolded(text: str, highlights: Sequence[Span]) -> str:
    """The statement escaped, its highlights in **bold**.

    Highlights grow to whole space-delimited words first: ``US**$370**`` is not bold in
    CommonMark (an opening ``**`` between a letter and punctuation does not open), ``**US$370**`` is.
    """
    flat = one_line_keep_offsets(text)
    out = []
    for piece, hot in segments(flat, [word_span(flat, h) for h in highlights]):
        if not hot or not piece.strip():
            out.append(escape_keep_space(piece))
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()):]
        out.append(f"{lead}**{escape(piece.strip())}**{trail}")
    return _literal_start("".join(out).strip())


def bolded_ref(ref: StatementRef) -> str:
    """A cited statement, its highlights in bold; a claim of a sentence that makes two is shown in its whole
    sentence with the claim between ⟦ ⟧ (brackets CommonMark never reads as a link)."""
    if not (ref.before or ref.after):
        return bolded(ref.text, ref.highlights)
    return (escape_keep_space(one_line_keep_offsets(ref.before)) + "⟦" + bolded(ref.text, ref.highlights) + "⟧"
            + escape_keep_space(one_line_keep_offsets(ref.after))).strip()


def word_span(text: str, span: Span) -> Span:
    """The span widened to the whitespace around it."""
    start, end = max(0, min(span.start, len(text))), max(0, min(span.end, len(text)))
    if end <= start:
        return Span(start, end)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return Span(start, end)


def one_line_keep_offsets(text: str) -> str:
    """Newlines and tabs as spaces, one for one, so highlight offsets still point at the same words."""
    return re.sub(r"\s", " ", text)


def escape_keep_space(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A pipe table; cells must already be escaped (pipes included)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(c if c else " " for c in row) + " |" for row in rows]
    return lines


def problems_section(report: Report) -> list[str]:
    rows = [[code(p.path + (f":{p.line}" if p.line else ""), cell=True), code(p.code, cell=True), escape(p.message)]
            for p in report.problems]
    return ["## Could not read", "", *table(["File", "Code", "Message"], rows), ""]


def sources_section(docs: Sequence[Document]) -> list[str]:
    rows = [[escape(outlet_of(d)), date_of(d), _link(d), code(d.path, cell=True)] for d in docs]
    return table(["Outlet", "Date", "Title", "File"], rows)


def _link(d: Document) -> str:
    title = escape(d.title) or "(untitled)"
    if d.url.startswith(("http://", "https://")) and not re.search(r"[\s()<>|]", d.url):
        return f"[{title}]({d.url})"
    return title


def matrix_section(matrix: Matrix) -> list[str]:
    rows = [[escape(r.claim), *r.cells] for r in matrix.rows]
    lines = ["**Claims by outlet**", "", *table(["Claim", *(escape(c) for c in matrix.columns)], rows), ""]
    note = f"Row: a claim; *{HOLDER}*: the outlet that states it; {EMPTY}: no matching statement."
    if matrix.hidden:
        note += f" {matrix.hidden} more claim{'s' if matrix.hidden != 1 else ''} in the findings below."
    return [*lines, note, ""]


def statement_quote(ref: StatementRef, doc: Document | None) -> list[str]:
    where = f"**{escape(outlet_of(doc, ref.document))}** · {date_of(doc)} · {code(location(doc, ref))}"
    return [f"> {where}", ">", f"> {bolded_ref(ref) or '(empty)'}", ""]


def finding_section(f: Finding, docs: dict[str, Document]) -> list[str]:
    lines = [f"### {KIND_TITLE.get(f.kind, f.kind)}: {escape(f.message)}", "",
             f"Rule {code(f.rule)} · level **{f.level}** · score {f.score:.2f} · id {code(f.id)}", ""]
    for ref in f.statements:
        lines += statement_quote(ref, docs.get(ref.document))
    return lines


def single_source_section(findings: Sequence[Finding], docs: dict[str, Document]) -> list[str]:
    lines = [f"### Single-source claims ({len(findings)})", ""]
    for f in findings:
        ref = f.statements[0] if f.statements else None
        doc = docs.get(ref.document) if ref else None
        level = "" if f.level == "info" else f" ({f.level})"
        if ref is None:
            lines.append(f"- {escape(f.message)}{level}")
            continue
        lines.append(f"- **{escape(outlet_of(doc, ref.document))}**{level} ({code(location(doc, ref))}): "
                     f"{bolded_ref(ref)}")
    return [*lines, ""]


def story_section(report: Report, group: StoryFindings) -> list[str]:
    docs = documents_by_id(report)
    lines = [f"## {escape(group.title)}", ""]
    lines += [*sources_section(story_documents(report, group)), ""]
    if not group.findings:
        return [*lines, "No findings for this story.", ""]
    lines += matrix_section(claim_matrix(report, group))
    for kind, findings in by_kind(group.findings):
        if kind == "single_source":
            lines += single_source_section(findings, docs)
        else:
            lines += [f for finding in findings for f in finding_section(finding, docs)]
    return lines


VERDICT_EMOJI = {"supported": "\u2705", "contradicted": "\u274c", "disputed": "\u26a0\ufe0f", "unsupported": "\u2753"}
STANCE_EMOJI = {"supports": "\u2705", "contradicts": "\u274c", "disputes": "\u26a0\ufe0f"}
CLAIM_CELL_WIDTH = 80


def _line_col(report: Report, c: CheckedClaim) -> str:
    """'4:1': where a claim stands in the draft (its path is in the heading)."""
    where = line_col(documents_by_id(report).get(c.statement.document), c.statement.start)
    return f"{where[0]}:{where[1]}" if where else "?"


def claims_table(report: Report, checklist: Checklist) -> list[str]:
    rows = [[str(n), f"{VERDICT_EMOJI[c.verdict]} {c.verdict}", escape(shorten(c.statement.text, CLAIM_CELL_WIDTH)),
             _line_col(report, c), escape(sentence(c.explanation))]
            for n, c in enumerate(checklist.claims, 1)]
    return table(["#", "Verdict", "Claim", "Line", "Why"], rows)


def evidence_item(e: Evidence, doc: Document | None) -> str:
    return (f"- {STANCE_EMOJI[e.stance]} **{escape(outlet_of(doc, e.statement.document))}** · {date_of(doc)} · "
            f"{code(location(doc, e.statement))}: {bolded_ref(e.statement)}")


def claim_section(report: Report, n: int, c: CheckedClaim) -> list[str]:
    docs = documents_by_id(report)
    head = f"### {n}. {VERDICT_EMOJI[c.verdict]} {c.verdict.capitalize()} · line {_line_col(report, c)}"
    lines = [head, "", f"> {bolded_ref(c.statement)}", "",
             f"**{escape(sentence(c.explanation))}**", ""]
    if c.rule:
        lines += [f"Rule {code(c.rule)}" + (f" · finding {code(c.finding)}" if c.finding else ""), ""]
    lines += [f"Among the sources: {escape(sentence(m))}" for m in c.disagreements]
    if c.disagreements:
        lines.append("")
    lines += [evidence_item(e, docs.get(e.statement.document)) for e in c.evidence]
    return [*lines, ""] if c.evidence else lines


def checklist_markdown(report: Report, checklist: Checklist) -> list[str]:
    """The draft's checklist: a table of the claims with verdict icons, then each claim with its evidence."""
    draft = documents_by_id(report).get(checklist.draft)
    against = ", ".join(code(s) for s in checklist.sources) or "its sources"
    lines = [f"## Draft check: {escape(checklist.name)}", "",
             f"{code(draft.path) if draft else escape(checklist.draft)} against {against}: "
             f"**{checklist_summary(checklist)}**", ""]
    if not checklist.claims:
        return [*lines, "The draft makes no check-worthy claim (no figure, date, named actor or quote).", ""]
    lines += [*claims_table(report, checklist), ""]
    for n, c in enumerate(checklist.claims, 1):
        lines += claim_section(report, n, c)
    others = others_line(checklist, lambda command: "\x00")
    if others:
        lines += [escape(sentence(others)).replace("\x00", code(sources_command(checklist))), ""]
    legend = stance_legend(checklist, STANCE_EMOJI)
    if legend:
        lines += [f"Sources: {legend}.", ""]
    return lines


def render_markdown(report: Report) -> str:
    """The report as one Markdown document, ending with a newline; for a draft check, the draft's checklist."""
    checklist = shown_checklist(report)
    if checklist is not None:
        lines = [*(problems_section(report) if report.problems else []), *checklist_markdown(report, checklist)]
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines) + "\n"
    lines = ["# crosscheck report", "", summary_line(report) + ".", ""]
    if report.problems:
        lines += problems_section(report)
    for group in by_story(report):
        lines += story_section(report, group)
    if not report.stories and not report.findings:
        lines += ["Nothing to compare: no story was found.", ""]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


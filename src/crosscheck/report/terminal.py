"""The terminal report: what an editor reads first, rendered with Rich into a string.

Per story: who published what, a claim x outlet matrix to see the story at a glance, then the
findings that need a decision (contradictions first) with both statements side by side and the
differing words marked. Rendering goes to a string, never to the screen, so the CLI decides
where it goes; with ``color=False`` the output carries no escape code at all and highlights are
marked «like this» so they survive a pipe, a log file or a screen reader.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from crosscheck.nouns import CheckedClaim, Checklist, Document, Evidence, Finding, Report, StatementRef
from crosscheck.report.common import (EMPTY, HOLDER, KIND_NOUN, KIND_TITLE, STANCE_ICON, VERDICT_ICON, Matrix,
                                      StoryFindings, by_kind, by_story, checklist_summary, claim_matrix, date_of,
                                      documents_by_id, location, others_line, outlet_of, position, segments,
                                      sentence, shorten, shown_checklist, stance_legend, story_documents,
                                      summary_line)

DEFAULT_WIDTH = 100
CLAIM_MIN_WIDTH = 24
OUTLET_LABEL_WIDTH = 16
HIGHLIGHT_STYLE = "bold reverse"
LEVEL_STYLE = {"error": "bold white on red", "warning": "bold black on yellow", "info": "bold white on blue"}
CELL_STYLE = {"contradicts": "bold red", "unsupported": "bold red", "disputed": "magenta", "updates": "cyan", "differs": "yellow",
              "agrees": "green", "only source": "magenta", HOLDER: "bold", EMPTY: "dim"}
VERDICT_STYLE = {"supported": "bold green", "contradicted": "bold white on red", "disputed": "bold black on yellow",
                 "unsupported": "bold magenta"}
STANCE_STYLE = {"supports": "green", "contradicts": "red", "disputes": "yellow"}
# C0/C1 control characters other than newline and tab: an article must not drive the terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """The text with control characters replaced one for one (offsets stay true)."""
    return _CONTROL.sub("\ufffd", text)


def _console(color: bool, width: int | None) -> Console:
    # _environ={}: COLUMNS, NO_COLOR, FORCE_COLOR, TERM of the caller must not change the output
    return Console(file=io.StringIO(), width=width or DEFAULT_WIDTH, color_system="standard" if color else None,
                   force_terminal=color, no_color=not color, force_jupyter=False, force_interactive=False,
                   legacy_windows=False, markup=False, emoji=False, highlight=False, soft_wrap=False,
                   _environ={})


def _style(style: str, color: bool) -> str:
    return style if color else ""


def marked(text: str, highlights: Sequence, color: bool) -> Text:
    """The statement with its highlights in bold reverse, or wrapped in «» without colour."""
    out = Text()
    for piece, hot in segments(text, highlights):
        piece = clean(piece)
        if not hot:
            out.append(piece)
        elif color:
            out.append(piece, style=HIGHLIGHT_STYLE)
        else:
            out.append(f"«{piece}»")
    return out


def marked_ref(ref: StatementRef, color: bool) -> Text:
    """A cited statement; a claim of a sentence that makes two is shown in its whole sentence, the rest of
    the sentence dim (without colour the claim is between ⟦ ⟧)."""
    if not (ref.before or ref.after):
        return marked(ref.text, ref.highlights, color)
    out = Text(clean(ref.before), style=_style("dim", color))
    out.append("" if color else "⟦")
    out.append_text(marked(ref.text, ref.highlights, color))
    out.append("" if color else "⟧")
    out.append(clean(ref.after), style=_style("dim", color))
    return out


def badge(f: Finding, color: bool) -> Text:
    label = f"{KIND_TITLE.get(f.kind, f.kind).upper()} · {f.level}"
    if color:
        return Text(f" {label} ", style=LEVEL_STYLE.get(f.level, "reverse"))
    return Text(f"[{label}]")


def problems_section(report: Report, color: bool) -> RenderableType:
    table = Table(show_edge=False, expand=False, pad_edge=False, header_style=_style("bold", color))
    table.add_column("File", overflow="fold")
    table.add_column("Code", no_wrap=True)
    table.add_column("Message", overflow="fold")
    for p in report.problems:
        table.add_row(clean(p.path + (f":{p.line}" if p.line else "")), clean(p.code), clean(p.message))
    return Group(Rule(Text(f"Could not read ({len(report.problems)})"), align="left",
                      style=_style("red", color)), table)


def sources_table(docs: Sequence[Document], color: bool) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=True, header_style=_style("bold", color))
    table.add_column("Outlet", overflow="fold", ratio=2)
    table.add_column("Date", no_wrap=True, min_width=10)
    table.add_column("Title", overflow="fold", ratio=5)
    table.add_column("File", overflow="fold", ratio=3)
    for d in docs:
        table.add_row(clean(outlet_of(d)), date_of(d), clean(d.title), clean(d.path))
    return table


def story_header(report: Report, group: StoryFindings, color: bool) -> Panel:
    docs = story_documents(report, group)
    title = Text(clean(group.title), style=_style("bold", color))
    sub = f"story {group.story.id} · {len(docs)} source{'s' if len(docs) != 1 else ''}" if group.story else ""
    return Panel(Group(title, Text(""), sources_table(docs, color)), subtitle=Text(clean(sub)) if sub else None,
                 subtitle_align="right", border_style=_style("blue", color))


def outlet_label(outlet: str) -> str:
    return shorten(clean(outlet), OUTLET_LABEL_WIDTH)


def column_chunks(matrix: Matrix, width: int) -> list[list[int]]:
    """Outlet columns split into as few, evenly sized groups as fit beside a readable claim column.

    Rich squeezes a table that is too wide by cropping it, so a story with many outlets gets
    several matrices (each repeating the claims) rather than one that loses its last columns.
    """
    room = max(0, width - CLAIM_MIN_WIDTH - 4)  # claim column: "│ " + text + " " and the closing "│"
    need = [max([cell_len(w) for w in outlet_label(o).split()] + [len(r.cells[i]) for r in matrix.rows], default=1) + 3
            for i, o in enumerate(matrix.columns)]
    columns = list(range(len(need)))
    for n in range(1, len(columns) + 1):
        size = -(-len(columns) // n)
        chunks = [columns[k:k + size] for k in range(0, len(columns), size)]
        if all(sum(need[i] for i in c) <= room for c in chunks):
            return chunks
    return [[i] for i in columns] or [[]]


def matrix_table(matrix: Matrix, columns: Sequence[int], color: bool, title: str = "Claims by outlet") -> Table:
    table = Table(title=Text(title, style=_style("bold", color)), title_justify="left",
                  header_style=_style("bold", color), show_lines=False, expand=False)
    table.add_column("Claim", overflow="fold")
    for i in columns:
        table.add_column(outlet_label(matrix.columns[i]), overflow="fold", justify="center")
    for row in matrix.rows:
        cells = [Text(row.cells[i], style=_style(CELL_STYLE.get(row.cells[i], ""), color)) for i in columns]
        table.add_row(Text(clean(row.claim)), *cells)
    return table


def matrix_tables(matrix: Matrix, color: bool, width: int) -> list[Table]:
    chunks = column_chunks(matrix, width)
    if len(chunks) == 1:
        return [matrix_table(matrix, chunks[0], color)]
    return [matrix_table(matrix, c, color, f"Claims by outlet ({n}/{len(chunks)})") for n, c in enumerate(chunks, 1)]


def matrix_legend(matrix: Matrix, color: bool) -> Text:
    legend = f"Row: a claim; '{HOLDER}': the outlet that states it; {EMPTY}: no matching statement."
    if matrix.hidden:
        legend += f" {matrix.hidden} more claim{'s' if matrix.hidden != 1 else ''} below."
    return Text(legend, style=_style("dim", color))


def statement_cell(ref: StatementRef, doc: Document | None, color: bool) -> Group:
    where = f"{outlet_of(doc, ref.document)} · {date_of(doc)} · {location(doc, ref)}"
    return Group(Text(clean(where), style=_style("bold", color)), marked_ref(ref, color))


def finding_block(f: Finding, docs: dict[str, Document], color: bool) -> RenderableType:
    head = badge(f, color)
    head.append(f"  {clean(f.rule)}", style=_style("bold", color))
    head.append(f"  score {f.score:.2f}", style=_style("dim", color))
    cells = [statement_cell(r, docs.get(r.document), color) for r in f.statements]
    if len(cells) == 2:
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        grid.add_row(*cells)
        body: RenderableType = grid
    else:
        body = Group(*cells)
    return Padding(Group(head, Text(clean(f.message)), Padding(body, (0, 0, 0, 2))), (0, 0, 1, 1))


def single_source_list(findings: Sequence[Finding], docs: dict[str, Document], color: bool,
                       width: int) -> RenderableType:
    lines = []
    for f in findings:
        ref = f.statements[0] if f.statements else None
        doc = docs.get(ref.document) if ref else None
        outlet = outlet_of(doc, ref.document if ref else "")
        where = location(doc, ref) if ref else ""
        line = Text("• ")
        line.append(clean(outlet), style=_style("bold", color))
        if f.level != "info":
            line.append(f" ({f.level})", style=_style(LEVEL_STYLE.get(f.level, ""), color))
        room = max(30, width - len(line) - len(where) - 6)
        line.append(f"  {clean(shorten(ref.text if ref else f.message, room))}")
        line.append(f"  {clean(where)}", style=_style("dim", color))
        lines.append(line)
    return Padding(Group(*lines), (0, 0, 1, 1))


def kind_rule(kind: str, n: int, color: bool) -> Rule:
    name = KIND_NOUN.get(kind, (kind, kind))[0 if n == 1 else 1]
    return Rule(Text(f"{n} {name}"), align="left", style=_style("dim", color))


def story_section(report: Report, group: StoryFindings, color: bool, width: int) -> list[RenderableType]:
    docs = documents_by_id(report)
    out: list[RenderableType] = [story_header(report, group, color)]
    if not group.findings:
        out.append(Padding(Text("No findings for this story.", style=_style("dim", color)), (0, 0, 1, 1)))
        return out
    matrix = claim_matrix(report, group)
    out.append(Padding(Group(*matrix_tables(matrix, color, width), matrix_legend(matrix, color)), (1, 0, 1, 0)))
    for kind, findings in by_kind(group.findings):
        out.append(kind_rule(kind, len(findings), color))
        if kind == "single_source":
            out.append(single_source_list(findings, docs, color, width))
        else:
            out.extend(finding_block(f, docs, color) for f in findings)
    return out


def verdict_badge(verdict: str, color: bool) -> Text:
    label = f"{VERDICT_ICON.get(verdict, '')} {verdict.upper()}"
    if color:
        return Text(f" {label} ", style=VERDICT_STYLE.get(verdict, "reverse"))
    return Text(label)


def evidence_block(e: Evidence, doc: Document | None, color: bool) -> RenderableType:
    head = Text()
    head.append(f"{STANCE_ICON.get(e.stance, '')} ", style=_style(STANCE_STYLE.get(e.stance, ""), color))
    head.append(clean(f"{outlet_of(doc, e.statement.document)} · {date_of(doc)} · {location(doc, e.statement)}"),
                style=_style("bold", color))
    return Group(head, Padding(marked_ref(e.statement, color), (0, 0, 0, 2)))


def claim_block(n: int, c: CheckedClaim, docs: dict[str, Document], color: bool) -> RenderableType:
    head = Text(f"{n}. ")
    head.append_text(verdict_badge(c.verdict, color))
    head.append(f"  {clean(position(docs.get(c.statement.document), c.statement))}", style=_style("bold", color))
    if c.rule:
        head.append(f"  {clean(c.rule)}", style=_style("dim", color))
    body: list[RenderableType] = [marked_ref(c.statement, color),
                                  Text(clean(sentence(c.explanation)), style=_style("italic", color))]
    for message in c.disagreements:
        body.append(Text(clean(f"Among the sources: {sentence(message)}"), style=_style("dim", color)))
    body += [evidence_block(e, docs.get(e.statement.document), color) for e in c.evidence]
    return Padding(Group(head, Padding(Group(*body), (0, 0, 0, 3))), (0, 0, 1, 1))


def checklist_header(report: Report, checklist: Checklist, color: bool) -> RenderableType:
    docs = documents_by_id(report)
    draft = docs.get(checklist.draft)
    n = len(report.documents) - 1
    title = Text("Draft: ", style=_style("bold", color))
    title.append(clean(checklist.name), style=_style("bold", color))
    title.append(clean(f" ({draft.path if draft else checklist.draft}), against {n} source{'s' * (n != 1)}"))
    return Group(title, Text(checklist_summary(checklist), style=_style("bold", color)), Text(""))


def checklist_section(report: Report, checklist: Checklist, color: bool) -> list[RenderableType]:
    """The draft's claims in the draft's order, each with its verdict, why, and every source behind it."""
    docs = documents_by_id(report)
    out: list[RenderableType] = [checklist_header(report, checklist, color)]
    out += [claim_block(n, c, docs, color) for n, c in enumerate(checklist.claims, 1)]
    if not checklist.claims:
        out.append(Text("The draft makes no check-worthy claim (no figure, date, named actor or quote).",
                        style=_style("dim", color)))
    others = others_line(checklist)
    if others:
        out.append(Text(clean(sentence(others))))
    legend = stance_legend(checklist)
    if legend:
        out.append(Text(f"Sources: {legend}.", style=_style("dim", color)))
    return out


def render_terminal(report: Report, *, color: bool = True, width: int | None = None) -> str:
    """The whole report as the terminal shows it: problems, then each story, then the summary; for a
    draft check, the draft's checklist instead of the stories."""
    console = _console(color, width)
    parts: list[RenderableType] = []
    if report.problems:
        parts += [problems_section(report, color), Text("")]
    checklist = shown_checklist(report)
    if checklist is not None:
        parts += checklist_section(report, checklist, color)
        return _printed(console, parts, color)
    for group in by_story(report):
        parts += story_section(report, group, color, console.width)
    if not report.stories and not report.findings:
        parts.append(Text("Nothing to compare: no story was found.", style=_style("dim", color)))
    parts.append(Text(summary_line(report), style=_style("bold", color)))
    return _printed(console, parts, color)


def _printed(console: Console, parts: Sequence[RenderableType], color: bool) -> str:
    for part in parts:
        console.print(part)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    if not color:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text

"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding that matters.

Printed in a workflow step, each line becomes an annotation on the article's line in the pull
request. Only error and warning findings are annotated (info would bury the diff); values are
escaped as the Actions runner unescapes them, so a message with a newline or a path with a
comma cannot end the command early or forge another one.
"""

from __future__ import annotations

from crosscheck.nouns import Document, Finding, Report
from crosscheck.report.common import documents_by_id, line_col, location, sorted_findings, verdict_of_finding

COMMAND = {"error": "error", "warning": "warning"}


def escape_data(value: str) -> str:
    """The message part (after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value (``file=``, ``title=``): also ``:`` and ``,``, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def unescape_data(value: str) -> str:
    """What the runner does with the message part; the inverse of ``escape_data``."""
    return value.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def unescape_property(value: str) -> str:
    """What the runner does with a property value; the inverse of ``escape_property``."""
    return unescape_data(value.replace("%2C", ",").replace("%3A", ":"))


def _message(f: Finding, docs: dict[str, Document]) -> str:
    """The finding's explanation, plus where the other statements are (an annotation has one line)."""
    others = list(dict.fromkeys(location(docs.get(r.document), r) for r in f.statements[1:]))
    return f.message + (f" (see also {', '.join(others)})" if others else "")


def annotation(f: Finding, docs: dict[str, Document], verdict: str | None = None) -> str | None:
    """The workflow command for one finding, or None when it is info or cites no statement; a draft claim's
    finding is titled with its verdict ('Contradicted (DATE01)') and sits on the draft's line."""
    command = COMMAND.get(f.level)
    if command is None or not f.statements:
        return None
    first = f.statements[0]
    doc = docs.get(first.document)
    where = line_col(doc, first.start) or (1, 1)
    path = doc.path if doc else first.document
    title = f"{verdict.capitalize()} ({f.rule})" if verdict else f.rule
    props = f"file={escape_property(path)},line={where[0]},col={where[1]},title={escape_property(title)}"
    return f"::{command} {props}::{escape_data(_message(f, docs) or f.rule)}"


def render_github(report: Report) -> str:
    """All annotations, one a line, most severe first within each story; empty when there are none."""
    docs = documents_by_id(report)
    verdicts = verdict_of_finding(report)
    lines = [a for f in sorted_findings(report.findings) if (a := annotation(f, docs, verdicts.get(f.id))) is not None]
    return "".join(line + "\n" for line in lines)

"""The report stage: a finished ``Report`` rendered in one of five formats, as a string.

Every format is a pure function of the report (no I/O, no clock, no environment), so the same
run always gives the same bytes and the CLI alone decides whether they go to a file or a terminal.
"""

from __future__ import annotations

from crosscheck.nouns import Report

FORMATS = ("text", "markdown", "json", "sarif", "github")


def render(report: Report, fmt: str, *, color: bool = True, width: int | None = None) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``); ``color`` and ``width`` apply to ``text`` only."""
    if fmt == "text":
        from crosscheck.report.terminal import render_terminal

        return render_terminal(report, color=color, width=width)
    if fmt == "markdown":
        from crosscheck.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "json":
        from crosscheck.report.jsonreport import to_json

        return to_json(report)
    if fmt == "sarif":
        from crosscheck.report.sarif import render_sarif

        return render_sarif(report)
    if fmt == "github":
        from crosscheck.report.github import render_github

        return render_github(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]

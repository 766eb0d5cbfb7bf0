"""The command line: the one place that prints and exits.

Heavy libraries (spaCy, torch) are imported inside commands, never at module import, so
``crosscheck --help`` and ``crosscheck rules list`` start instantly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from crosscheck import __version__, exitcodes
from crosscheck.errors import CrosscheckError

FORMATS = ("text", "markdown", "json", "sarif", "github")


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))


def _fail(exc: CrosscheckError) -> None:
    click.echo(f"crosscheck: error: {exc}", err=True)
    sys.exit(exitcodes.ERROR)


class _Progress:
    """A transient progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 console=_stderr_console(), transient=True)
            self._bar.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crosscheck")
def main() -> None:
    """crosscheck: where news sources agree, contradict each other, and change over time."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--model", help="Embedding model: a sentence-transformers name or path (default: bundled MiniLM).")
@click.option("--allow-download", is_flag=True, help="Let --model fetch from the Hugging Face hub.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder of your own rule files (repeatable).")
@click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")
@click.option("--disable", multiple=True, help="Turn off a rule id or rule group (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Lowest finding level that fails the run.")
@click.option("--max-contradictions", type=click.IntRange(min=0), help="Allow up to N contradictions.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0 when the check ran.")
@click.option("--strict", is_flag=True, help="Exit 2 when any input file could not be read.")
@click.option("--no-color", is_flag=True, help="No colour in the terminal report (NO_COLOR is honoured too).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Embedding cache folder.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def check(paths, fmt, output, model, allow_download, rules_dirs, no_builtin_rules, disable, fail_on,
          max_contradictions, exit_zero, strict, no_color, cache_dir, no_cache, quiet) -> None:
    """Check articles (files or folders) against each other, claim by claim."""
    from crosscheck.gate import gate_exit_code
    from crosscheck.pipeline import Pipeline, Settings
    from crosscheck.report import render

    settings = Settings(model=model, allow_download=allow_download, cache_dir=cache_dir, use_cache=not no_cache,
                        rules_dirs=tuple(rules_dirs), builtin_rules=not no_builtin_rules, disable=tuple(disable))
    try:
        with _Progress(not quiet) as progress:
            pipeline = Pipeline(settings, progress=progress)
            analysis = pipeline.check_paths(paths)
    except CrosscheckError as exc:
        _fail(exc)
        return
    report = analysis.report()
    for problem in report.problems:
        where = problem.path + (f":{problem.line}" if problem.line else "")
        click.echo(f"crosscheck: {'warning' if problem.code.startswith('W') else 'error'}: "
                   f"[{problem.code}] {where}: {problem.message}", err=True)
    color = not (no_color or os.environ.get("NO_COLOR")) and output is None and sys.stdout.isatty()
    width = None if output else click.get_terminal_size()[0] if sys.stdout.isatty() else 100
    text = render(report, fmt, color=color, width=width)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    hard = [p for p in report.problems if not p.code.startswith("W")]
    if not report.documents or (strict and hard):
        if not report.documents:
            click.echo("crosscheck: error: no article could be checked", err=True)
        sys.exit(exitcodes.ERROR)
    sys.exit(gate_exit_code(report.findings, fail_on=fail_on, max_contradictions=max_contradictions,
                            exit_zero=exit_zero))


@main.group()
def rules() -> None:
    """List and test rules."""


@rules.command("list")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-builtin-rules", is_flag=True)
def rules_list(rules_dirs, no_builtin_rules) -> None:
    """Show every rule: id, kind, level, group and name."""
    from rich.console import Console
    from rich.table import Table

    from crosscheck.findings.ruleset import load_rules

    try:
        loaded = load_rules(rules_dirs, include_builtin=not no_builtin_rules)
    except CrosscheckError as exc:
        _fail(exc)
        return
    table = Table("id", "kind", "level", "group", "name")
    for r in loaded:
        table.add_row(r.id, r.kind, r.level, r.group, r.name)
    Console(no_color=bool(os.environ.get("NO_COLOR"))).print(table)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def rules_test(paths) -> None:
    """Run rule case files (default: the built-in rules' own cases)."""
    from crosscheck.findings.cases import run_case_files

    try:
        results = run_case_files(list(paths))
    except CrosscheckError as exc:
        _fail(exc)
        return
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        click.echo(f"{mark} {r.rule} {r.name}" + ("" if r.passed else f": expected {r.expected}, got {r.got}"))
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(exitcodes.FINDINGS if failed else exitcodes.CLEAN)

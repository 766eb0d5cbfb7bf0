"""What the command line shows besides the report: errors, the progress bar, colour, the terminal's width.

The one place that prints and exits is the command line (this package); the library raises.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn

import click

from crosscheck import exitcodes
from crosscheck.errors import ConfigError, CrosscheckError


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))


def stdout_console():
    from rich.console import Console

    return Console(no_color=bool(os.environ.get("NO_COLOR")), width=None if sys.stdout.isatty() else 120)


def fail(exc: CrosscheckError) -> NoReturn:
    click.echo(f"crosscheck: error: {exc}", err=True)
    sys.exit(exitcodes.ERROR)


class Progress:
    """A transient progress bar on stderr, shown only when stderr is a terminal (never on stdout)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and stderr_is_terminal()
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 console=stderr_console(), transient=True)
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


def use_color(flag: bool | None, output: Path | None) -> bool:
    """--color/--no-color wins, then NO_COLOR, then a file (never coloured), then FORCE_COLOR, then a tty."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or output is not None:
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def width(output: Path | None) -> int | None:
    """The terminal's width at a terminal; the renderer's default (100) for pipes and files."""
    if output is None and sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def emit(text: str, output: Path | None, *, color: bool) -> None:
    if output is None:
        click.echo(text, nl=False, color=color)  # click would strip forced colour from a pipe
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(ConfigError(f"cannot write the report: {exc.strerror or exc}", path=str(output), code="E320"))

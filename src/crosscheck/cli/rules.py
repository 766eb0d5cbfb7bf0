"""``crosscheck rules list`` and ``crosscheck rules test``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from crosscheck import exitcodes
from crosscheck.cli.console import fail
from crosscheck.errors import CrosscheckError


@click.group("rules")
def rules() -> None:
    """List and test rules."""


@rules.command("list")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-builtin-rules", is_flag=True)
def rules_list(rules_dirs, no_builtin_rules) -> None:
    """Show every rule: id, kind, level, group and name."""
    from rich.console import Console
    from rich.table import Table

    from crosscheck.verdicts.rules.ruleset import load_rules

    try:
        loaded = load_rules(rules_dirs, include_builtin=not no_builtin_rules)
    except CrosscheckError as exc:
        fail(exc)
        return
    table = Table("id", "kind", "level", "group", "name")
    for r in loaded:
        table.add_row(r.id, r.kind, r.level, r.group, r.name)
    Console(no_color=bool(os.environ.get("NO_COLOR"))).print(table)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def rules_test(paths) -> None:
    """Run rule case files (default: the built-in rules' own cases)."""
    from crosscheck.verdicts.rules.cases import run_case_files

    try:
        results = run_case_files(list(paths))
    except CrosscheckError as exc:
        fail(exc)
        return
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        click.echo(f"{mark} {r.rule} {r.name}" + ("" if r.passed else f": expected {r.expected}, got {r.got}"))
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(exitcodes.FINDINGS if failed else exitcodes.CLEAN)

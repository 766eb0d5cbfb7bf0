"""The command line: the one place that prints and exits, one module per command.

``check`` (articles against each other, or a draft against its sources), ``eval`` (labelled pairs),
``rules`` (list and test the rules), ``config`` (the merged settings); ``console`` and ``options`` are
what they share. Heavy libraries (spaCy, torch) are imported inside commands, never at module import,
so ``crosscheck --help`` and ``crosscheck rules list`` start instantly. Nothing else in crosscheck
imports this package.
"""

from __future__ import annotations

import click

from crosscheck import __version__
from crosscheck.cli.check import check
from crosscheck.cli.config import config_command
from crosscheck.cli.eval import eval_command
from crosscheck.cli.rules import rules


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crosscheck")
def main() -> None:
    """crosscheck: where news sources agree, contradict each other, and change over time."""


main.add_command(check, "check")
main.add_command(config_command, "config")
main.add_command(rules, "rules")
main.add_command(eval_command, "eval")

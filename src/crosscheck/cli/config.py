"""``crosscheck config``: the merged settings and where each came from."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import click

from crosscheck.cli.console import fail
from crosscheck.cli.options import config_options, load_config
from crosscheck.errors import CrosscheckError

if TYPE_CHECKING:
    from crosscheck.config import Config


@click.command("config")
@config_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="How to show the settings.")
@click.pass_context
def config_command(ctx: click.Context, output_format: str, **_: Any) -> None:
    """Show the merged settings and where each came from (default, a config file, the command line)."""
    try:
        config = load_config(ctx)
    except CrosscheckError as exc:
        fail(exc)
    if output_format == "json":
        click.echo(json.dumps(_config_dict(config), ensure_ascii=False, indent=2))
        return
    _config_table(config)


def _config_dict(config: Config) -> dict[str, Any]:
    from crosscheck.config import as_plain

    return {"config_file": str(config.file) if config.file else None,
            "settings": {key: {"value": as_plain(v.value), "source": v.source} for key, v in config.values.items()}}


def _config_table(config: Config) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("key", "value", "source")
    for key, v in config.values.items():
        table.add_row(key, _shown(v.value), _shown_source(v.source))
    click.echo(f"config file: {config.file or 'none found'}")  # one line, never wrapped: scripts grep it
    Console(no_color=bool(os.environ.get("NO_COLOR")), highlight=False).print(table)


def _shown_source(source: str) -> str:
    """A config file's path relative to the current folder (short enough for the table)."""
    from crosscheck.config import COMMAND_LINE, DEFAULT

    if source in (DEFAULT, COMMAND_LINE):
        return source
    try:
        return os.path.relpath(source)
    except ValueError:  # another drive on Windows
        return source


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{glob}: {', '.join(ids)}" for glob, ids in value.items()) or "—"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value).lower() if isinstance(value, bool) else str(value)

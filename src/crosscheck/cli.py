"""The command line: the one place that prints and exits.

Heavy libraries (spaCy, torch) are imported inside commands, never at module import, so
``crosscheck --help`` and ``crosscheck rules list`` start instantly.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from crosscheck import __version__, exitcodes
from crosscheck.errors import ConfigError, CrosscheckError
from crosscheck.evaluation.command import calibration_options, calibration_settings
from crosscheck.gate import gate_exit_code

if TYPE_CHECKING:
    from crosscheck.config import Config
    from crosscheck.findings.ruleset import Rule
    from crosscheck.nouns import Report

FORMATS = ("text", "markdown", "json", "sarif", "github")
# command-line parameter -> config key, for the options a config file can also set
OPTION_KEYS = {"fmt": "format", "fail_on": "fail-on", "max_contradictions": "max-contradictions",
               "rules_dirs": "rules", "disable": "disable", "model": "model", "cache_dir": "cache-dir",
               "exit_zero": "exit-zero", "jobs": "jobs"}


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))


def _fail(exc: CrosscheckError) -> NoReturn:
    click.echo(f"crosscheck: error: {exc}", err=True)
    sys.exit(exitcodes.ERROR)


class _Progress:
    """A transient progress bar on stderr, shown only when stderr is a terminal (never on stdout)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and _stderr_is_terminal()
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


def _config_options(command: Callable) -> Callable:
    """The options a config file can also set, shared by ``check`` and ``config``; a flag given wins."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Read this config file instead of looking for crosscheck.toml / pyproject.toml."),
        click.option("--isolated", is_flag=True, help="Ignore every config file."),
        click.option("--model", help="Embedding model: a sentence-transformers name or path "
                                     "(default: bundled MiniLM)."),
        click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                     help="A folder of your own rule files (repeatable)."),
        click.option("--disable", multiple=True, help="Turn off a rule id or rule group (repeatable)."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
                     help="Lowest finding level that fails the run.  [default: error]"),
        click.option("--max-contradictions", type=click.IntRange(min=0), help="Allow up to N contradictions."),
        click.option("--exit-zero/--no-exit-zero", default=False, help="Always exit 0 when the check ran."),
        click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Embedding cache folder."),
        click.option("--jobs", "-j", type=click.IntRange(min=1, max=256),
                     help="Processes for parsing uncached articles (pays off from a few hundred paragraphs "
                          "per process; same report either way).  [default: 1]"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _load_config(ctx: click.Context) -> Config:
    """Defaults < config file < the flags actually typed (click tells a typed flag from a default)."""
    from crosscheck.config import load_config

    overrides = {key: ctx.params[name] for name, key in OPTION_KEYS.items()
                 if name in ctx.params and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}
    return load_config(overrides, config_file=ctx.params.get("config_file"),
                       isolated=bool(ctx.params.get("isolated")))


def _use_color(flag: bool | None, output: Path | None) -> bool:
    """--color/--no-color wins, then NO_COLOR, then a file (never coloured), then FORCE_COLOR, then a tty."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or output is not None:
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _width(output: Path | None) -> int | None:
    """The terminal's width at a terminal; the renderer's default (100) for pipes and files."""
    if output is None and sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Report format.  [default: text]")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@_config_options
@click.option("--allow-download", is_flag=True, help="Let --model fetch from the Hugging Face hub.")
@calibration_options
@click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record today's findings in this file and exit 0.")
@click.option("--against", "against", multiple=True, type=click.Path(path_type=Path),
              help="Check PATHS as a draft against these sources (files or folders, repeatable).")
@click.option("--strict", is_flag=True, help="Exit 2 when any input file could not be read.")
@click.option("--color/--no-color", default=None,
              help="Force colour on or off (default: on at a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, allow_download: bool,
          no_builtin_rules: bool, baseline: Path | None, write_baseline: Path | None, against: tuple[Path, ...],
          strict: bool, color: bool | None, no_cache: bool, quiet: bool, **_: Any) -> None:
    """Check articles (files or folders) against each other, claim by claim.

    With --against, PATHS is one draft and the report is its checklist: every check-worthy claim,
    in the draft's order, judged against the sources (supported, contradicted, disputed or
    unsupported) with the sources behind it. A contradicted claim fails the gate.
    """
    if against and len(paths) != 1:
        raise click.UsageError("with --against, give exactly one draft file")
    from crosscheck.baseline import read_baseline

    try:
        config = _load_config(ctx)
        baselined = read_baseline(baseline) if baseline else None  # a broken baseline fails before any model loads
        report, rules = _analyse(paths, config, allow_download=allow_download, builtin_rules=not no_builtin_rules,
                                 use_cache=not no_cache, quiet=quiet, against=against,
                                 calibration=calibration_settings(ctx.params))
    except CrosscheckError as exc:
        _fail(exc)
    _echo_problems(report)
    if not report.documents:
        click.echo("crosscheck: error: no article could be checked", err=True)
        sys.exit(exitcodes.ERROR)
    if against and report.checklist is not None and len(report.documents) < 2:
        click.echo("crosscheck: error: no source could be read: nothing to check the draft against", err=True)
        sys.exit(exitcodes.ERROR)
    report = _apply_ignores(report, config, rules)
    if write_baseline:
        _write_baseline(report, write_baseline)
    hidden = None
    if baselined is not None:
        report, hidden = _drop_baselined(report, baselined, baseline)
    use_color = _use_color(color, output)
    _emit(_render(report, config["format"], color=use_color, width=_width(output), baselined=hidden), output,
          color=use_color)
    if strict and any(not p.code.startswith("W") for p in report.problems):
        sys.exit(exitcodes.ERROR)
    sys.exit(gate_exit_code(report.findings, fail_on=config["fail-on"],
                            max_contradictions=config["max-contradictions"], exit_zero=config["exit-zero"]))


def _analyse(paths: Sequence[Path], config: Config, *, allow_download: bool, builtin_rules: bool,
             use_cache: bool, quiet: bool, against: Sequence[Path] = (),
             calibration: dict[str, Any] | None = None) -> tuple[Report, list[Rule]]:
    from crosscheck.pipeline import Pipeline, Settings

    settings = Settings(model=config["model"], allow_download=allow_download, cache_dir=config["cache-dir"],
                        use_cache=use_cache, rules_dirs=tuple(config["rules"]), builtin_rules=builtin_rules,
                        disable=tuple(config["disable"]), jobs=config["jobs"], background_model=True,
                        **(calibration or {}))
    with _Progress(not quiet) as progress:
        pipeline = Pipeline(settings, progress=progress)
        try:
            if against:
                from crosscheck.draft import check_draft

                analysis = check_draft(pipeline, paths[0], against)
            else:
                analysis = pipeline.check_paths(paths)
        finally:
            pipeline.close()
    return analysis.report(), pipeline.rules


def _echo_problems(report: Report) -> None:
    for problem in report.problems:
        where = problem.path + (f":{problem.line}" if problem.line else "")
        click.echo(f"crosscheck: {'warning' if problem.code.startswith('W') else 'error'}: "
                   f"[{problem.code}] {where}: {problem.message}", err=True)


def _apply_ignores(report: Report, config: Config, rules: Sequence[Rule]) -> Report:
    from crosscheck.config import apply_per_file_ignores, rule_groups

    report, _ = apply_per_file_ignores(report, config.per_file_ignores(), rule_groups(rules))
    return report


def _write_baseline(report: Report, path: Path) -> NoReturn:
    from crosscheck.baseline import write_baseline

    try:
        count = write_baseline(report, path)
    except CrosscheckError as exc:
        _fail(exc)
    click.echo(f"crosscheck: wrote {count} finding{'s' * (count != 1)} to baseline {path}", err=True)
    sys.exit(exitcodes.CLEAN)


def _drop_baselined(report: Report, baselined: frozenset[str], path: Path) -> tuple[Report, int]:
    from crosscheck.baseline import without_baselined

    report, hidden = without_baselined(report, baselined)
    new = len(report.findings)
    click.echo(f"crosscheck: {hidden} finding{'s' * (hidden != 1)} baselined in {path}; "
               f"{new} new finding{'s' * (new != 1)}", err=True)
    return report, hidden


def _render(report: Report, fmt: str, *, color: bool, width: int | None, baselined: int | None) -> str:
    """The report; with a baseline, the JSON summary also says how many findings it hid."""
    if fmt == "json" and baselined is not None:
        from crosscheck.report.jsonreport import to_dict

        data = to_dict(report)
        data["summary"]["baselined"] = baselined
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    from crosscheck.report import render

    return render(report, fmt, color=color, width=width)


def _emit(text: str, output: Path | None, *, color: bool) -> None:
    if output is None:
        click.echo(text, nl=False, color=color)  # click would strip forced colour from a pipe
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(ConfigError(f"cannot write the report: {exc.strerror or exc}", path=str(output), code="E320"))


@main.command("config")
@_config_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="How to show the settings.")
@click.pass_context
def config_command(ctx: click.Context, output_format: str, **_: Any) -> None:
    """Show the merged settings and where each came from (default, a config file, the command line)."""
    try:
        config = _load_config(ctx)
    except CrosscheckError as exc:
        _fail(exc)
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

from crosscheck.evaluation.command import eval_command  # noqa: E402
main.add_command(eval_command, "eval")

"""``crosscheck check``: articles against each other, or a draft against its sources (``--against``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from crosscheck import exitcodes
from crosscheck.cli.console import Progress, emit, fail, use_color, width
from crosscheck.cli.options import calibration_options, calibration_settings, config_options, load_config
from crosscheck.errors import CrosscheckError
from crosscheck.gate import gate_exit_code
from crosscheck.report import FORMATS

if TYPE_CHECKING:
    from crosscheck.config import Config
    from crosscheck.nouns import Report
    from crosscheck.verdicts.rules.ruleset import Rule

@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Report format.  [default: text]")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@config_options
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
        config = load_config(ctx)
        baselined = read_baseline(baseline) if baseline else None  # a broken baseline fails before any model loads
        report, rules = _analyse(paths, config, allow_download=allow_download, builtin_rules=not no_builtin_rules,
                                 use_cache=not no_cache, quiet=quiet, against=against,
                                 calibration=calibration_settings(ctx.params))
    except CrosscheckError as exc:
        fail(exc)
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
    colored = use_color(color, output)
    emit(_render(report, config["format"], color=colored, width=width(output), baselined=hidden), output,
         color=colored)
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
    client = None
    with Progress(not quiet) as progress:
        if config["scheduler"]:  # Dask only here, only when asked for
            from crosscheck.distributed import ClusterPipeline, connect

            client = connect(config["scheduler"])
            pipeline: Pipeline = ClusterPipeline(client, settings, progress=progress)
        else:
            pipeline = Pipeline(settings, progress=progress)
        try:
            if against:
                from crosscheck.draft import check_draft

                analysis = check_draft(pipeline, paths[0], against)
            else:
                analysis = pipeline.check_paths(paths)
        finally:
            pipeline.close()
            if client is not None:
                client.close()
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
        fail(exc)
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

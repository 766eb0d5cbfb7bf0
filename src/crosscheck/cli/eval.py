"""``crosscheck eval``: score labelled pairs with the same pipeline as ``check``.

Only the command lives here, and it imports nothing heavy at module import: ``crosscheck
--help`` must stay instant. Predictions are machine output (``--output``); the metrics tables go
to stdout, or to stderr when the predictions take stdout (``--output -``).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click

from crosscheck import exitcodes
from crosscheck.cli.console import Progress, fail, stderr_console, stdout_console
from crosscheck.cli.options import calibration_options, calibration_settings
from crosscheck.errors import CrosscheckError


def _task_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        gold, sep, label = value.partition("=")
        if not sep or not gold.strip() or not label.strip():
            raise click.BadParameter(f"expected GOLD=LABEL, got '{value}'", param_hint="--task-map")
        out[gold.strip()] = label.strip().lower()
    return out


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write one prediction per row (JSONL) here; '-' for stdout.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N usable rows.")
@click.option("--task-map", multiple=True, metavar="GOLD=LABEL",
              help="Read a gold label as one of ours, e.g. disagree=contradiction (repeatable).")
@click.option("--metrics-json", type=click.Path(dir_okay=False, path_type=Path), help="Write the metrics as JSON.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=200, show_default=True,
              help="Rows analysed together (spaCy and the encoder batch across them).")
@click.option("--model", help="Embedding model (default: bundled MiniLM).")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder of your own rule files (repeatable).")
@click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")
@click.option("--disable", multiple=True, help="Turn off a rule id or rule group (repeatable).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Embedding cache folder.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--allow-download", is_flag=True, help="Let --model / --nli-model fetch from the Hugging Face hub.")
@calibration_options
def eval_command(file, output, limit, task_map, metrics_json, chunk_size, model, rules_dirs, no_builtin_rules,
                 disable, cache_dir, no_cache, quiet, allow_download, **calibration) -> None:
    """Score labelled pairs (JSONL rows: id, text_a, text_b, gold, tags) as two sources of one story.

    Each row gets a verdict: contradiction if any finding is one; otherwise, with the combiner
    (default), contradiction at a calibrated probability of 0.5 or more, else agreement when it is more
    probable than neutral (and not under --min-score), else neutral; with --no-combiner agreement if
    any finding is an agreement, else neutral. With gold labels, prints precision, recall and F1 per label
    and per tag, and a confusion matrix.
    """
    from crosscheck.evaluation.rows import read_rows

    mapping = _task_map(task_map)
    try:
        rows, problems = read_rows(file, limit)
    except OSError as exc:
        click.echo(f"crosscheck: error: {file}: {exc.strerror or exc}", err=True)
        sys.exit(exitcodes.ERROR)
    for problem in problems:
        click.echo(f"crosscheck: error: {problem.path}:{problem.line}: {problem.message}", err=True)
    if not rows:
        click.echo(f"crosscheck: error: no row of {file} could be scored", err=True)
        sys.exit(exitcodes.ERROR)

    from crosscheck.evaluation.predict import Evaluator
    from crosscheck.pipeline import Pipeline, Settings

    settings = Settings(model=model, cache_dir=cache_dir, use_cache=not no_cache, rules_dirs=tuple(rules_dirs),
                        builtin_rules=not no_builtin_rules, disable=tuple(disable), allow_download=allow_download,
                        **calibration_settings(calibration))
    started = time.perf_counter()
    try:
        with Progress(not quiet) as progress:
            evaluator = Evaluator(Pipeline(settings), chunk_rows=chunk_size)
            predictions = evaluator.predict(rows, str(file), lambda done, total: progress("rows", done, total))
    except CrosscheckError as exc:
        fail(exc)
    elapsed = time.perf_counter() - started

    if output:
        lines = "".join(json.dumps(p.as_json(), ensure_ascii=False) + "\n" for p in predictions)
        if output == "-":
            click.echo(lines, nl=False)
        else:
            _write(Path(output), lines)
    console = stderr_console() if output == "-" else stdout_console()
    console.print(f"{file}: {len(predictions)} rows scored, {len(problems)} skipped, "
                  f"{elapsed:.1f} s with model loading ({len(predictions) / max(elapsed, 1e-9):.1f} rows/s)")
    _report_metrics(console, file, rows, predictions, mapping, metrics_json)
    sys.exit(exitcodes.CLEAN)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"crosscheck: error: {path}: {exc.strerror or exc}", err=True)
        sys.exit(exitcodes.ERROR)


def _report_metrics(console, file: Path, rows, predictions, mapping: dict[str, str], metrics_json: Path | None):
    from crosscheck.evaluation.scoring import ScoringError, as_json, score
    from crosscheck.evaluation.tables import scorecard_tables, verdict_table

    card = None
    if any(r.gold is not None for r in rows):
        try:
            card = score(rows, predictions, mapping)
        except ScoringError as exc:
            click.echo(f"crosscheck: warning: {file}: no metrics: {exc}", err=True)
    if card is None:
        console.print(verdict_table(Counter(p.verdict for p in predictions), sum(p.aligned for p in predictions),
                                    len(predictions)))
    else:
        console.print(scorecard_tables(card, file.name))
    if metrics_json:
        data = {"file": str(file), "rows": len(predictions), "metrics": as_json(card) if card else None}
        _write(metrics_json, json.dumps(data, indent=2) + "\n")

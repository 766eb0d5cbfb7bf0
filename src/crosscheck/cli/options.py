"""Options shared by several commands: the ones a config file can also set, and the combiner's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

if TYPE_CHECKING:
    from crosscheck.config import Config

# AlignParams.threshold, written here so that building --help imports neither numpy nor rapidfuzz
# (crosscheck.alignments: ~70 ms); tests/test_calibration.py keeps the two equal
ALIGN_THRESHOLD = 0.4

# command-line parameter -> config key, for the options a config file can also set
OPTION_KEYS = {"fmt": "format", "fail_on": "fail-on", "max_contradictions": "max-contradictions",
               "rules_dirs": "rules", "disable": "disable", "model": "model", "cache_dir": "cache-dir",
               "exit_zero": "exit-zero", "jobs": "jobs", "scheduler": "scheduler"}


def config_options(command: Callable) -> Callable:
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
        click.option("--scheduler", metavar="ADDRESS",
                     help="Run the parse, the encoding, the contradiction model and alignment as tasks on the "
                          "Dask cluster whose scheduler is at ADDRESS (tcp://host:8786; needs "
                          "crosscheck-news[distributed]); same report either way."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_config(ctx: click.Context) -> Config:
    """Defaults < config file < the flags actually typed (click tells a typed flag from a default)."""
    from crosscheck.config import load_config as load

    overrides = {key: ctx.params[name] for name, key in OPTION_KEYS.items()
                 if name in ctx.params and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}
    return load(overrides, config_file=ctx.params.get("config_file"),
                       isolated=bool(ctx.params.get("isolated")))


def calibration_options(command: Callable) -> Callable:
    """The learned combiner's options, shared by ``check`` and ``eval`` (docs/calibration.md)."""
    options = [
        click.option("--combiner/--no-combiner", default=True, show_default=True,
                     help="Score findings with the learned combiner's calibrated probability "
                          "(off: the rules' own scores and, in eval, the rules' verdicts)."),
        click.option("--combiner-model", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="A combiner trained with python -m crosscheck.training.combiner_train (default: the shipped one)."),
        click.option("--nli-model", metavar="NAME_OR_PATH",
                     help="Your own NLI cross-encoder (sentence-transformers) in place of crosscheck's contradiction "
                          "model (docs/model-card.md): it judges the same pairs and feeds the same features. "
                          "Never downloaded unless --allow-download."),
        click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help="Drop findings scoring below this (calibrated: the share of such flags that were "
                          "right on labelled data; see docs/calibration.md)."),
        click.option("--align-threshold", type=click.FloatRange(0, 1), default=None,
                     help="Alignment score two statements need to be compared at all (lower: more pairs judged, "
                          "more false alarms; each rule keeps its own min_alignment; README: The pipeline).  "
                          f"[default: {ALIGN_THRESHOLD}]"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def calibration_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The Settings fields the calibration options set."""
    out = {"combiner": params.get("combiner", True), "combiner_model": params.get("combiner_model"),
           "nli_model": params.get("nli_model"), "min_score": params.get("min_score") or 0.0}
    if params.get("align_threshold") is not None:
        from crosscheck.alignments import AlignParams

        out["align"] = AlignParams(threshold=params["align_threshold"])
    return out

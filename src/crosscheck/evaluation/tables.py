"""Scorecards as rich tables, for the ``eval`` command to print (nothing here prints)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Group
from rich.table import Table

from crosscheck.evaluation.scoring import GroupScore, Scorecard

FIGURE_NAMES = {"balanced_accuracy": "balanced accuracy", "accuracy": "accuracy", "macro_f1": "macro F1",
                "spearman": "Spearman rho", "pearson": "Pearson r", "aligned_share": "share aligned",
                "unrelated_f1": "unrelated F1 (not aligned)", "fnc_macro_f1": "FNC-1 4-way macro F1",
                "fnc_score": "FNC-1 relative score",
                "fnc_agree_f1": "FNC-1 agree F1", "fnc_disagree_f1": "FNC-1 disagree F1",
                "fnc_discuss_f1": "FNC-1 discuss F1"}


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def scorecard_tables(card: Scorecard, title: str, max_tags: int = 30) -> Group:
    parts = [_classes(card, title, max_tags), _figures([card.overall, *card.tags[:max_tags]], card)]
    if card.confusion is not None:
        parts.append(_confusion(card))
    if len(card.tags) > max_tags:
        parts.append(f"({len(card.tags) - max_tags} more tags in --metrics-json)")
    return Group(*parts)


def _classes(card: Scorecard, title: str, max_tags: int) -> Table:
    table = Table("group", "rows", "label", "precision", "recall", "F1", "gold", "predicted",
                  title=f"{title}: {card.scheme}, {card.rows} labelled rows", title_justify="left")
    for g in [card.overall, *card.tags[:max_tags]]:
        for c in g.classes:
            table.add_row(g.name, str(g.rows), c.label, fmt(c.precision), fmt(c.recall), fmt(c.f1),
                          str(c.support), str(c.predicted))
    if not card.overall.classes:
        table.add_row("all", str(card.rows), "-", "", "", "", "", "")
    return table


def _figures(groups: Sequence[GroupScore], card: Scorecard) -> Table:
    names = [n for n, _ in card.overall.figures]
    table = Table("group", "rows", *(FIGURE_NAMES.get(n, n) for n in names))
    for g in groups:
        values = dict(g.figures)
        table.add_row(g.name, str(g.rows), *(fmt(values.get(n)) for n in names))
    return table


def _confusion(card: Scorecard) -> Table:
    c = card.confusion
    assert c is not None
    table = Table("gold \\ predicted", *c.columns, title="confusion matrix", title_justify="left")
    for label, counts in zip(c.rows, c.counts):
        table.add_row(label, *map(str, counts))
    return table


def verdict_table(verdicts: Counter, aligned: int, rows: int) -> Table:
    """What was predicted, for a file without gold labels."""
    table = Table("verdict", "rows", title="predictions", title_justify="left")
    for verdict, n in verdicts.most_common():
        table.add_row(verdict, str(n))
    table.add_row("(aligned)", f"{aligned} of {rows}")
    return table

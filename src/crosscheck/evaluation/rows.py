"""Reading an evaluation file: one labelled pair per JSON line, bad lines reported, never fatal.

A dataset of thousands of rows should not be lost to one broken line, so every line that
cannot be used becomes a ``RowProblem`` with its line number and reading goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

Gold = str | float | None


@dataclass(frozen=True)
class EvalRow:
    """One labelled pair: two texts that the evaluation treats as two sources of one story."""

    id: str
    line: int  # 1-based line in the file
    text_a: str
    text_b: str
    gold: Gold = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowProblem:
    """A line that could not be scored, and why."""

    path: str
    line: int
    message: str


def read_rows(path: Path, limit: int | None = None) -> tuple[list[EvalRow], list[RowProblem]]:
    """The usable rows of a JSONL file (the first ``limit`` of them) and a problem for every other line.

    Raises OSError when the file itself cannot be read.
    """
    rows: list[EvalRow] = []
    problems: list[RowProblem] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if limit is not None and len(rows) >= limit:
                break
            if not raw.strip():
                continue
            row = parse_row(raw, number)
            if isinstance(row, str):
                problems.append(RowProblem(str(path), number, row))
            else:
                rows.append(row)
    return rows, problems


def parse_row(raw: bytes | str, line: int) -> EvalRow | str:
    """One line as a row, or the reason it is not one."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    for key in ("text_a", "text_b"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            return f"'{key}' is missing or empty" if value is None or isinstance(value, str) \
                else f"'{key}' must be a string, got {type(value).__name__}"
    return EvalRow(id=str(data.get("id", f"line-{line}")), line=line, text_a=data["text_a"], text_b=data["text_b"],
                   gold=_gold(data.get("gold")), tags=_tags(data.get("tags")))


def _gold(value: object) -> Gold:
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value).lower()
    if isinstance(value, (int, float)):
        return float(value)
    return str(value).strip() or None


def _tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(t) for t in value if isinstance(t, (str, int, float)) and str(t))
    return ()

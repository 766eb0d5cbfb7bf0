"""JSON and JSON Lines exports: one article per object.

Scrapers and newsroom exports write many articles to one file. A bad record is reported with
its line (E140) or as missing its text (E141) and the file's other records are still loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crosscheck.documents.fields import read_meta
from crosscheck.documents.textdocs import guess_title
from crosscheck.errors import InputError
from crosscheck.nouns import Document, InputProblem

TEXT_KEYS = ("text", "body", "content")

Loaded = tuple[list[Document], list[InputProblem]]


def load_json_documents(path: Path, text: str) -> Loaded:
    """Documents from a .json file holding one object or a list of objects."""
    where = str(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path=where, line=exc.lineno, code="E140") from exc
    except RecursionError as exc:
        raise InputError("JSON is nested too deeply", path=where, code="E140") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's int_max_str_digits)
        raise InputError(f"JSON could not be read: {_first_line(exc)}", path=where, code="E140") from exc
    if isinstance(data, dict):
        doc, problem = _record(path, data, path.stem, None)
        return ([doc] if doc else []), ([problem] if problem else [])
    if not isinstance(data, list):
        raise InputError(f"JSON must be an article object or a list of them, not {_kind(data)}", path=where,
                         line=1, code="E140")
    docs: list[Document] = []
    problems: list[InputProblem] = []
    for number, item in enumerate(data, start=1):
        doc, problem = _record(path, item, f"{path.stem}#{number}", None, label=f"item {number}")
        docs += [doc] if doc else []
        problems += [problem] if problem else []
    return docs, problems


def load_jsonl_documents(path: Path, text: str) -> Loaded:
    """Documents from a .jsonl file, one object per line; blank lines are skipped."""
    docs: list[Document] = []
    problems: list[InputProblem] = []
    for number, line in _numbered_lines(text):
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; so is a 5,000-digit number
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else (
                "nested too deeply" if isinstance(exc, RecursionError) else _first_line(exc))
            problems.append(InputProblem(str(path), "E140", f"line is not valid JSON: {reason}", number))
            continue
        doc, problem = _record(path, item, f"{path.stem}#{number}", number, label="line")
        docs += [doc] if doc else []
        problems += [problem] if problem else []
    return docs, problems


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line


def _record(path: Path, item: Any, doc_id: str, line: int | None,
            label: str = "object") -> tuple[Document | None, InputProblem | None]:
    """A Document from one JSON object, or the problem that stops it (E140/E141); a bad date is W120."""
    where = str(path)
    if not isinstance(item, dict):
        return None, InputProblem(where, "E140", f"{label} is {_kind(item)}, not an article object", line)
    body = next((item[k] for k in TEXT_KEYS if isinstance(item.get(k), str) and item[k].strip()), None)
    if body is None:
        return None, InputProblem(where, "E141", f"{label} has no article text (give it a non-empty "
                                                 f"'text', 'body' or 'content' string)", line)
    meta, warning = read_meta({str(k): v for k, v in item.items()})
    doc = Document(id=doc_id, path=where, title=meta.title or guess_title(body), outlet=meta.outlet,
                   published=meta.published, url=meta.url, text=body, first_line=line or 1)
    problem = InputProblem(where, "W120", f"{label}: {warning}; loaded without a date", line) if warning else None
    return doc, problem


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")

"""YAML front matter: split it from the body, parse it safely, and say where it is broken.

Markdown articles carry their metadata between ``---`` fences at the top. The body after the
closing fence is kept exactly as written, and ``body_line`` records where it starts, so that
every offset into it still maps to a line of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from crosscheck.errors import InputError

class _Loader(yaml.SafeLoader):
    """safe_load, but dates stay strings: an impossible date (2020-02-30) is a W120 warning, not broken YAML."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

_OPEN = "---"
_CLOSE = ("---", "...")
_MAX_FRONT_MATTER_CHARS = 100_000


@dataclass(frozen=True)
class FrontMatter:
    """The parsed metadata, the body after it, and the file line (1-based) where the body starts."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    # 1-based file line of each top-level key, for pointing at a bad value
    key_lines: dict[str, int] = field(default_factory=dict)


def split_front_matter(text: str, path: str) -> FrontMatter:
    """The front matter of ``text`` (if it opens with ``---``) and the untouched body after it."""
    lines = text.split("\n")
    if lines[0].rstrip() != _OPEN:
        return FrontMatter(body=text)
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _CLOSE), None)
    if close is None:
        raise InputError("front matter opened with --- on line 1 is never closed (add a --- line after it)",
                         path=path, line=1, code="E110")
    block = "\n".join(lines[1:close])
    if len(block) > _MAX_FRONT_MATTER_CHARS:
        raise InputError(f"front matter is longer than {_MAX_FRONT_MATTER_CHARS:,} characters",
                         path=path, line=1, code="E110")
    meta = _parse(block, path)
    body = "\n".join(lines[close + 1:])
    return FrontMatter(meta=meta, body=body, body_line=close + 2, key_lines=_key_lines(lines[1:close]))


def _parse(block: str, path: str) -> dict[str, Any]:
    try:
        data = yaml.load(block, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # the block starts on file line 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"front matter is not valid YAML: {problem}", path=path, line=line, code="E110") from exc
    except (ValueError, RecursionError, OverflowError) as exc:
        raise InputError(f"front matter could not be read: {exc}", path=path, line=1, code="E110") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(f"front matter must be a mapping of keys to values (title: ..., outlet: ...), "
                         f"not a {kind}", path=path, line=2, code="E111")
    return {str(key): value for key, value in data.items()}


def _key_lines(block_lines: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, line in enumerate(block_lines, start=2):
        if line[:1].isalpha() and ":" in line:
            out.setdefault(line.split(":", 1)[0].strip(), number)
    return out

"""Safe YAML with line numbers, so a bad rule file's error names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crosscheck.errors import RuleFileError

MAX_RULE_FILE_BYTES = 256_000


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse with the safe loader; return the data and a map from key path to 1-based line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(f"cannot read rule file: {exc.strerror or exc}", path=str(path), code="E201") from exc
    if len(raw) > MAX_RULE_FILE_BYTES:
        raise RuleFileError(f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes", path=str(path), code="E202")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"rule file is not UTF-8 (byte {exc.start})", path=str(path), code="E203") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader: no code execution
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(f"invalid YAML: {problem}", path=str(path), line=line, code="E204") from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, prefix: tuple, lines: dict[tuple, int]) -> None:
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[prefix + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, prefix + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, prefix + (i,), lines)


def line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    """The line of the deepest known key on the path ``loc``."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())

"""Safe YAML with line numbers, so a bad rule file's error names the file, the line and the key.

Rule and case files come from users' repositories and are untrusted: they are parsed with the
safe loader only (no tags that build Python objects or run code), read up to a size limit, and
refused before they are built when they nest too deeply or when aliases would expand them past
a node budget (a "billion laughs" file is a few hundred bytes that PyYAML would happily turn
into billions of values for the key-line walk and pydantic to visit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crosscheck.errors import RuleFileError
from crosscheck.files import FileTooLarge, read_bounded

MAX_RULE_FILE_BYTES = 256_000
# real rule and case files nest 4-5 levels and hold a few hundred values
MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 100_000  # counted with every alias expanded
# libyaml's parser when PyYAML has it (several times faster than the pure-Python one on a 256 kB file);
# safe either way: the safe constructor only ever builds plain data. libyaml's composer recurses, so
# nothing is composed before _check_shape has bounded the depth from the (iterative) event stream.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Parse with the safe loader; return the data and a map from key path to 1-based line."""
    where = str(path)
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"rule file is not UTF-8 (byte {exc.start})", path=where, code="E203") from exc
    try:
        _check_shape(text, where)
        loader = _Loader(text)
        try:  # compose once, keep the nodes for their lines, then build: yaml.load without a second parse
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in problem:  # libyaml's scanner looks ahead and stops at 1,000 levels first
            raise RuleFileError(f"YAML is nested more than {MAX_YAML_DEPTH} levels deep", path=where, line=line,
                                code="E212") from exc
        raise RuleFileError(f"invalid YAML: {problem}", path=where, line=line, code="E204") from exc
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:  # bounded above; belt and braces
        raise RuleFileError(f"YAML could not be read: {type(exc).__name__}", path=where, code="E212") from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _read_bounded(path: Path) -> bytes:
    """At most MAX_RULE_FILE_BYTES bytes of a regular file (a FIFO or /dev/zero must not hang or fill memory)."""
    where = str(path)
    try:
        return read_bounded(path, MAX_RULE_FILE_BYTES)
    except OSError as exc:
        raise RuleFileError(f"cannot read rule file: {exc.strerror or exc}", path=where, code="E201") from exc
    except FileTooLarge as exc:
        raise RuleFileError(f"rule file is {exc}", path=where, code="E202") from exc


def _check_shape(text: str, where: str) -> None:
    """Refuse (E212) YAML nested deeper than MAX_YAML_DEPTH, an alias inside the node it names, or
    more than MAX_YAML_NODES values once aliases are expanded; reads events only, builds nothing."""
    sizes: dict[str, int] = {}  # anchor -> expanded size of its node
    stack: list[list[Any]] = [[0, None]]  # per open collection: [expanded size so far, anchor]
    open_anchors: set[str] = set()
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_YAML_DEPTH:
                raise RuleFileError(f"YAML is nested more than {MAX_YAML_DEPTH} levels deep", path=where, line=line,
                                    code="E212")
            stack.append([1, event.anchor])
            if event.anchor:
                open_anchors.add(event.anchor)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor:
                sizes[anchor] = size
                open_anchors.discard(anchor)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise RuleFileError(f"alias *{event.anchor} refers to a node that contains it", path=where,
                                    line=line, code="E212")
            size = sizes.get(event.anchor, 1)  # an undefined alias is the composer's error (E204)
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        stack[-1][0] += size
        if stack[-1][0] > MAX_YAML_NODES or sum(level[0] for level in stack) > MAX_YAML_NODES:
            raise RuleFileError(f"YAML holds more than {MAX_YAML_NODES:,} values once its aliases are expanded",
                                path=where, line=line, code="E212")


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

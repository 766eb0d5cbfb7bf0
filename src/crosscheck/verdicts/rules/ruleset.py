"""Rule files -> Rule values: strict decoding, errors that name the file, the line and the key.

A rule file is ``rules/<group>/<ID>.yml`` holding one rule of one kind; its case file
``<ID>.cases.yml`` beside it holds the pairs that must and must not fire.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crosscheck.errors import RuleFileError
from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.kinds.base import COMMON_FIELDS, Params
from crosscheck.verdicts.rules.yamlsource import line_of, load_yaml_with_lines

CASES_SUFFIX = ".cases.yml"
SEVERITY = ("error", "warning", "info")  # most severe first
DEFAULT_LEVEL_CAP = {"discrepancy": "warning", "update": "warning", "agreement": "info", "single_source": "info"}


class RuleFile(BaseModel):
    """The fields every rule shares, whatever its kind."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,31}$")
    name: str = Field(min_length=1, max_length=200)
    kind: str
    level: Literal["error", "warning", "info"]
    message: str = Field(min_length=1, max_length=500)
    link: str = ""
    description: str = ""
    enabled: bool = True
    # level per finding kind when this rule reports something other than its main kind
    levels: dict[Literal["contradiction", "discrepancy", "update", "agreement", "single_source"],
                 Literal["error", "warning", "info"]] = Field(default_factory=dict)
    parameters: dict = Field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    kind: str
    level: str
    message: str
    link: str
    description: str
    group: str
    path: str
    params: Params
    enabled: bool = True
    levels: tuple[tuple[str, str], ...] = ()

    def level_for(self, finding_kind: str) -> str:
        """The rule's level, capped for findings that must not fail CI by default.

        A discrepancy or an update is shown, never counted as a contradiction: at most
        ``warning`` unless the rule file says otherwise in ``levels``.
        """
        explicit = dict(self.levels)
        if finding_kind in explicit:
            return explicit[finding_kind]
        cap = DEFAULT_LEVEL_CAP.get(finding_kind, "error")
        return max(self.level, cap, key=SEVERITY.index)

    def render(self, values: dict) -> str:
        """The message with its placeholders filled; unknown placeholders were refused at load."""
        return self.message.format_map(_Defaulting(values))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return ""


def builtin_rules_dir() -> Path:
    """The built-in rules: ``rules/`` at the top of the repository in a source checkout (an editable
    install, the tests), else the copy an installed wheel carries (``crosscheck/rules``, see setup.py)."""
    checkout = Path(__file__).resolve().parents[4]  # src/crosscheck/verdicts/rules/ruleset.py -> the checkout
    if (checkout / "rules").is_dir() and (checkout / "setup.py").is_file():
        return checkout / "rules"
    return Path(str(resources.files("crosscheck") / "rules"))


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yml") if not p.name.endswith(CASES_SUFFIX))


def load_rule(path: Path, group: str | None = None) -> Rule:
    data, lines = load_yaml_with_lines(path)
    where = str(path)
    if not isinstance(data, dict):
        raise RuleFileError("a rule file must be a mapping of keys (id, name, kind, level, message, ...)",
                            path=where, line=1, code="E205")
    try:
        head = RuleFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise RuleFileError(f"{msg}", path=where, line=line_of(lines, loc), key=key, code="E206") from exc
    kind = KINDS.get(head.kind)
    if kind is None:
        raise RuleFileError(f"unknown rule kind '{head.kind}' (known: {', '.join(sorted(KINDS))})",
                            path=where, line=line_of(lines, ("kind",)), key="kind", code="E207")
    try:
        params = kind.params.model_validate(head.parameters)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ("parameters", *err["loc"])
        msg = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
        raise RuleFileError(f"{msg} for kind '{head.kind}'", path=where, line=line_of(lines, loc),
                            key=".".join(str(p) for p in loc), code="E208") from exc
    _check_message(head.message, kind.fields | COMMON_FIELDS, head.kind, where, line_of(lines, ("message",)))
    if path.stem != head.id:
        raise RuleFileError(f"rule id '{head.id}' must match the file name '{path.name}'", path=where,
                            line=line_of(lines, ("id",)), key="id", code="E210")
    return Rule(id=head.id, name=head.name, kind=head.kind, level=head.level, message=head.message, link=head.link,
                description=head.description, group=group or path.parent.name, path=where, params=params,
                enabled=head.enabled, levels=tuple(sorted(head.levels.items())))


def _check_message(message: str, allowed: frozenset[str] | set[str], kind: str, where: str, line: int | None) -> None:
    """Placeholders are bare field names (``{a_value}``): a message comes from an untrusted file, and
    str.format would otherwise read attributes (``{a_text.__class__}``) or pad to any width
    (``{a_text:>999999999}``, a gigabyte per finding). Raises E209."""
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as exc:  # a lone "{" or "}"
        raise RuleFileError(f"message is not a valid template: {exc} (write {{{{ and }}}} for literal braces)",
                            path=where, line=line, key="message", code="E209") from exc
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if field_name not in allowed:
            known = ", ".join(sorted(allowed))
            raise RuleFileError(f"message uses unknown field '{{{field_name}}}' (kind '{kind}' offers: {known})",
                                path=where, line=line, key="message", code="E209")
        if spec or conversion:
            raise RuleFileError(f"message placeholder '{{{field_name}{'!' + conversion if conversion else ''}"
                                f"{':' + spec if spec else ''}}}' has a conversion or format spec; write "
                                f"'{{{field_name}}}'", path=where, line=line, key="message", code="E209")


def load_rules(directories: Iterable[Path], *, include_builtin: bool = True, disable: Sequence[str] = ()
               ) -> list[Rule]:
    """All rules from the built-in set and the given folders; a later rule with a known id replaces it.

    ``disable`` takes rule ids or group names. Raises RuleFileError on the first bad file.
    """
    dirs = ([builtin_rules_dir()] if include_builtin else []) + [Path(d) for d in directories]
    by_id: dict[str, Rule] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise RuleFileError("rules folder does not exist", path=str(directory), code="E211")
        for path in rule_files(directory):
            rule = load_rule(path, group=path.parent.name if path.parent != directory else "custom")
            by_id[rule.id] = rule
    off = set(disable)
    return [r for r in sorted(by_id.values(), key=lambda r: r.id)
            if r.enabled and r.id not in off and r.group not in off]

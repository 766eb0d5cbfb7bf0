"""Project configuration: ``[tool.crosscheck]`` in pyproject.toml, or a ``crosscheck.toml``.

A CI job and a developer's terminal must judge the same articles the same way, so the settings
that change a verdict (gate level, disabled rules, per-file ignores) live in a file committed
beside the sources. The file is found from the current folder upward, validated strictly (a typo
is an error that names the file, the line and the key, never a silently ignored setting), and
every value remembers where it came from so ``crosscheck config`` can show it. Command-line
flags override the file; paths in the file are relative to the file.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crosscheck.errors import ConfigError
from crosscheck.files import FileTooLarge, read_bounded
from crosscheck.nouns import Document, Finding, Report

CONFIG_FILES = ("crosscheck.toml", "pyproject.toml")  # looked for in this order in each folder
DEFAULT = "default"
COMMAND_LINE = "command line"
KEYS = ("format", "fail-on", "max-contradictions", "rules", "disable", "model", "cache-dir",
        "per-file-ignores", "exit-zero", "jobs", "scheduler")
DEFAULTS: dict[str, Any] = {"format": "text", "fail-on": "error", "max-contradictions": None, "rules": (),
                            "disable": (), "model": None, "cache-dir": None, "per-file-ignores": {},
                            "exit-zero": False, "jobs": 1, "scheduler": None}


class FileConfig(BaseModel):
    """The keys a config file may hold; anything else is an error."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    format: Literal["text", "markdown", "json", "sarif", "github"] | None = None
    fail_on: Literal["error", "warning", "info"] | None = Field(None, alias="fail-on")
    max_contradictions: int | None = Field(None, alias="max-contradictions", ge=0)
    rules: list[str] | None = None
    disable: list[str] | None = None
    model: str | None = Field(None, min_length=1)
    cache_dir: str | None = Field(None, alias="cache-dir", min_length=1)
    per_file_ignores: dict[str, list[str]] | None = Field(None, alias="per-file-ignores")
    exit_zero: bool | None = Field(None, alias="exit-zero")
    jobs: int | None = Field(None, ge=1, le=256)  # processes for the statements stage; never changes a verdict
    scheduler: str | None = Field(None, min_length=1)  # a Dask scheduler's address: the costly stages run there


@dataclass(frozen=True)
class ConfigFile:
    """A config file as read: its path and the keys it sets (paths already resolved)."""

    path: Path
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Value:
    value: Any
    source: str  # DEFAULT, COMMAND_LINE or the config file's path


@dataclass(frozen=True)
class Config:
    """The merged settings of one run: default < config file < command line."""

    file: Path | None
    values: Mapping[str, Value]

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    def source(self, key: str) -> str:
        return self.values[key].source

    def per_file_ignores(self) -> PerFileIgnores:
        base = self.file.parent if self.file else Path.cwd()
        return PerFileIgnores.build(self["per-file-ignores"], base)


# --- finding and reading the file ---------------------------------------------------------------


def table_of(path: Path) -> str:
    """The TOML table crosscheck reads in this file: "" (top level) or "tool.crosscheck"."""
    return "tool.crosscheck" if path.name == "pyproject.toml" else ""


def find_config_file(start: Path) -> Path | None:
    """The first crosscheck.toml, or pyproject.toml with a [tool.crosscheck] table, from ``start`` up."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_crosscheck_table(path)):
                return path
    return None


def _has_crosscheck_table(path: Path) -> bool:
    data = _parse(path)
    return isinstance(data.get("tool"), dict) and "crosscheck" in data["tool"]


MAX_CONFIG_BYTES = 1_000_000  # a config file is a few hundred bytes; a larger one is not one
MAX_BASELINE_BYTES = 50_000_000  # a baseline of a 10,000-article run is a few MB; articles have the same limit


def read_settings_text(path: Path, what: str, code: str, limit: int = MAX_CONFIG_BYTES) -> str:
    """A UTF-8 settings file's text, or a ConfigError that names it (config files, baselines). Read with one
    bounded read: a settings file is as untrusted as an article, and a huge one (or a FIFO, /dev/zero) must not
    be read whole into memory."""
    try:
        return read_bounded(path, limit).decode("utf-8")
    except FileTooLarge as exc:
        raise ConfigError(f"cannot read {what}: {exc}", path=str(path), code=code) from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"cannot read {what}: {reason}", path=str(path), code=code) from exc


def _parse(path: Path) -> dict[str, Any]:
    text = read_settings_text(path, "config file", "E301")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path=str(path), line=int(found.group(1)) if found else None,
                          code="E302") from exc
    except RecursionError as exc:  # arrays nested thousands deep
        raise ConfigError("invalid TOML: nested too deeply", path=str(path), code="E302") from exc


def read_config_file(path: Path) -> ConfigFile:
    """Read and validate one config file; raises ConfigError (E301-E304) naming the file and key."""
    path = path.resolve()
    data = _parse(path)
    table = table_of(path)
    section: Any = data.get("tool", {}).get("crosscheck", {}) if table else data
    if not isinstance(section, dict):
        raise ConfigError(f"[{table}] must be a table", path=str(path), key=table, code="E304")
    try:
        parsed = FileConfig.model_validate(section)
    except ValidationError as exc:
        raise _validation_error(exc, path, table) from exc
    values = parsed.model_dump(by_alias=True, exclude_unset=True)
    for glob in values.get("per-file-ignores") or {}:
        _check_glob(glob, path, table)
    return ConfigFile(path, _resolve_paths(values, path.parent))


MAX_GLOB_WILDCARDS = 4  # each wildcard multiplies the regex engine's backtracking on long paths


def _check_glob(glob: str, path: Path, table: str) -> None:
    """Refuse, at load time, globs that cannot compile or that could match in exponential time."""
    key = ".".join(filter(None, [table, "per-file-ignores", glob]))
    if len(re.findall(r"\*+", glob)) > MAX_GLOB_WILDCARDS:
        raise ConfigError(f"glob has more than {MAX_GLOB_WILDCARDS} wildcards", path=str(path), key=key, code="E304")
    try:
        glob_to_regex(glob.removeprefix("./"))
    except re.error as exc:
        raise ConfigError(f"invalid glob: {exc}", path=str(path), key=key, code="E304") from exc


def _validation_error(exc: ValidationError, path: Path, table: str) -> ConfigError:
    err = exc.errors()[0]
    names = [str(p) for p in err["loc"] if not isinstance(p, int)]
    key = ".".join(filter(None, [table, *names]))
    line = _line_of_key(path, table, names[-1]) if names else None
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(names[-1], KEYS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(KEYS)}"
        return ConfigError(f"unknown key; {hint}", path=str(path), line=line, key=key, code="E303")
    return ConfigError(f"invalid value: {err['msg']}", path=str(path), line=line, key=key, code="E304")


_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(?:#.*)?$")


def _line_of_key(path: Path, table: str, key: str) -> int | None:
    """Best-effort 1-based line of ``key = ...`` inside crosscheck's table (tomllib keeps no positions)."""
    assignment = re.compile(r"""^\s*(?:"{0}"|'{0}'|{0})\s*=""".format(re.escape(key)))
    header: str | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = _HEADER.match(line)
        if found:
            header = re.sub(r"[\s\"']", "", found.group(1))
            continue
        inside = (not table) or (header is not None and (header == table or header.startswith(table + ".")))
        if inside and assignment.match(line):
            return number
    return None


def _resolve_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Folders in a config file are relative to the file; a model is a path only if one exists there."""
    out = dict(values)
    if "rules" in out:
        out["rules"] = tuple(base / p for p in out["rules"])
    if "disable" in out:
        out["disable"] = tuple(out["disable"])
    if "cache-dir" in out:
        out["cache-dir"] = base / out["cache-dir"]
    if "model" in out and (base / out["model"]).exists():
        out["model"] = str(base / out["model"])
    if "per-file-ignores" in out:
        out["per-file-ignores"] = {glob: tuple(ids) for glob, ids in out["per-file-ignores"].items()}
    return out


def load_config(overrides: Mapping[str, Any] | None = None, *, config_file: Path | None = None,
                isolated: bool = False, start: Path | None = None) -> Config:
    """Defaults, then the config file (given, or found from ``start`` upward), then ``overrides``."""
    path = None if isolated else config_file or find_config_file(start or Path.cwd())
    if config_file is not None and not isolated and not config_file.is_file():
        raise ConfigError("config file not found", path=str(config_file), code="E301")
    file = read_config_file(path) if path else None
    return merge(file, overrides or {})


def merge(file: ConfigFile | None, overrides: Mapping[str, Any]) -> Config:
    unknown = set(overrides) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values: dict[str, Value] = {}
    for key in KEYS:
        if key in overrides:
            values[key] = Value(overrides[key], COMMAND_LINE)
        elif file is not None and key in file.values:
            values[key] = Value(file.values[key], str(file.path))
        else:
            values[key] = Value(DEFAULTS[key], DEFAULT)
    return Config(file.path if file else None, values)


def as_plain(value: Any) -> Any:
    """A setting's value as JSON-ready data (paths as strings, tuples as lists)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    return value


# --- per-file ignores ---------------------------------------------------------------------------


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """A path glob as ruff and .gitignore read it: ``*`` stays in one folder, ``**`` crosses folders."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and "]" in glob[i + 2:]:
            end = glob.index("]", i + 2)
            body = glob[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class PerFileIgnores:
    """Globs (relative to the config file's folder) -> rule ids, rule groups or "all" switched off."""

    base: Path
    entries: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = ()

    @classmethod
    def build(cls, mapping: Mapping[str, Sequence[str]], base: Path) -> PerFileIgnores:
        return cls(base.resolve(), tuple((g, glob_to_regex(g.removeprefix("./")), frozenset(ids))
                                         for g, ids in mapping.items()))

    def targets(self, path: str) -> frozenset[str]:
        """What is switched off for the file at ``path`` (as given on the command line)."""
        if not self.entries:
            return frozenset()
        absolute = Path(path).resolve()
        try:
            relative = absolute.relative_to(self.base).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        out: set[str] = set()
        for glob, pattern, ids in self.entries:
            name = absolute.name if "/" not in glob else relative
            if pattern.match(name) or pattern.match(relative):
                out |= ids
        return frozenset(out)

    def ignores(self, finding: Finding, documents: Mapping[str, Document], groups: Mapping[str, str]) -> bool:
        """True when any file the finding cites switches its rule (or the rule's group) off."""
        wanted = {finding.rule, groups.get(finding.rule, ""), "all"}
        return any(self.targets(documents[r.document].path) & wanted
                   for r in finding.statements if r.document in documents)


def apply_per_file_ignores(report: Report, ignores: PerFileIgnores, groups: Mapping[str, str]
                           ) -> tuple[Report, int]:
    """The report without the findings a per-file ignore switches off, and how many were dropped."""
    if not ignores.entries:
        return report, 0
    docs = {d.id: d for d in report.documents}
    kept = tuple(f for f in report.findings if not ignores.ignores(f, docs, groups))
    return replace(report, findings=kept), len(report.findings) - len(kept)


def rule_groups(rules: Iterable[Any]) -> dict[str, str]:
    """Rule id -> group, for matching group names in ignores."""
    return {r.id: r.group for r in rules}

"""Config files: where they are found, how strictly they are read, how values merge and where from.

No models: these are plain file tests, fast, each in its own temporary folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crosscheck.config import (COMMAND_LINE, DEFAULT, DEFAULTS, KEYS, PerFileIgnores, apply_per_file_ignores,
                               find_config_file, glob_to_regex, load_config, read_config_file)
from crosscheck.errors import ConfigError
from crosscheck.nouns import Document, Finding, Report, StatementRef


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- discovery ----------------------------------------------------------------------------------


def test_found_from_a_subfolder_upward(tmp_path):
    config = write(tmp_path / "crosscheck.toml", 'fail-on = "warning"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == config.resolve()


def test_nearest_file_wins(tmp_path):
    write(tmp_path / "crosscheck.toml", "")
    near = write(tmp_path / "a" / "pyproject.toml", "[tool.crosscheck]\n")
    assert find_config_file(tmp_path / "a") == near.resolve()


def test_crosscheck_toml_beats_pyproject_in_one_folder(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.crosscheck]\n")
    write(tmp_path / "crosscheck.toml", "")
    assert find_config_file(tmp_path).name == "crosscheck.toml"


def test_pyproject_without_the_table_is_passed_over(tmp_path):
    outer = write(tmp_path / "crosscheck.toml", "")
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n')
    assert find_config_file(tmp_path / "a") == outer.resolve()


def test_nothing_found_stops_at_the_root(tmp_path, monkeypatch):
    seen: list[Path] = []
    real = Path.is_file

    def is_file(self: Path) -> bool:
        seen.append(self)
        return real(self) and self.is_relative_to(tmp_path)

    monkeypatch.setattr(Path, "is_file", is_file)
    assert find_config_file(tmp_path) is None
    assert seen[-1].parent == Path(tmp_path.anchor)


# --- reading ------------------------------------------------------------------------------------


def test_every_key_reads_and_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "models" / "mini").mkdir(parents=True)
    path = write(tmp_path / "crosscheck.toml", """
format = "sarif"
fail-on = "info"
max-contradictions = 2
rules = ["house-rules", "/abs/rules"]
disable = ["AGR01", "coverage"]
model = "models/mini"
cache-dir = ".cache/cc"
exit-zero = true
jobs = 2
scheduler = "tcp://10.0.0.5:8786"

[per-file-ignores]
"drafts/*.md" = ["NUM01"]
""")
    values = read_config_file(path).values
    assert set(values) == set(KEYS)
    assert values["rules"] == (tmp_path / "house-rules", Path("/abs/rules"))
    assert values["cache-dir"] == tmp_path / ".cache/cc"
    assert values["model"] == str(tmp_path / "models/mini")
    assert values["disable"] == ("AGR01", "coverage")
    assert values["per-file-ignores"] == {"drafts/*.md": ("NUM01",)}
    assert (values["format"], values["fail-on"], values["max-contradictions"], values["exit-zero"], values["jobs"]) == \
        ("sarif", "info", 2, True, 2)
    assert values["scheduler"] == "tcp://10.0.0.5:8786"


def test_a_hub_model_name_stays_a_name(tmp_path):
    path = write(tmp_path / "crosscheck.toml", 'model = "sentence-transformers/all-mpnet-base-v2"\n')
    assert read_config_file(path).values["model"] == "sentence-transformers/all-mpnet-base-v2"


@pytest.mark.parametrize(("text", "code", "line", "key"), [
    ('format = "json"\ncolour = "auto"\n', "E303", 2, "colour"),
    ('fail_on = "warning"\n', "E303", 1, "fail_on"),
    ('fail-on = "sometimes"\n', "E304", 1, "fail-on"),
    ("max-contradictions = -1\n", "E304", 1, "max-contradictions"),
    ("max-contradictions = true\n", "E304", 1, "max-contradictions"),
    ('exit-zero = "yes"\n', "E304", 1, "exit-zero"),
    ("jobs = 0\n", "E304", 1, "jobs"),
    ('jobs = "2"\n', "E304", 1, "jobs"),
    ('rules = "house-rules"\n', "E304", 1, "rules"),
    ('disable = ["A"]\n\n[per-file-ignores]\n"a.md" = "NUM01"\n', "E304", 4, "per-file-ignores.a.md"),
    ('format = "json"\nformat = "text"\n', "E302", 2, None),
    ("format = \n", "E302", 1, None),
])
def test_bad_config_names_file_line_and_key(tmp_path, text, code, line, key):
    path = write(tmp_path / "crosscheck.toml", text)
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    err = info.value
    assert (err.code, err.path, err.line, err.key) == (code, str(path.resolve()), line, key)
    assert str(err).startswith(f"[{code}] {path.resolve()}:{line}: ")


def test_pyproject_errors_name_the_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.crosscheck]\nfail-on = "error"\nfmt = 1\n')
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    assert (info.value.code, info.value.line, info.value.key) == ("E303", 6, "tool.crosscheck.fmt")


def test_a_section_that_is_not_a_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[tool]\ncrosscheck = "on"\n')
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    assert info.value.code == "E304"


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(config_file=tmp_path / "nope.toml")
    assert info.value.code == "E301" and "nope.toml" in str(info.value)


# --- merging ------------------------------------------------------------------------------------


def test_default_then_file_then_command_line(tmp_path):
    path = write(tmp_path / "crosscheck.toml", 'fail-on = "warning"\nformat = "json"\n')
    config = load_config({"format": "github"}, start=tmp_path)
    assert config.file == path.resolve()
    assert (config["format"], config.source("format")) == ("github", COMMAND_LINE)
    assert (config["fail-on"], config.source("fail-on")) == ("warning", str(path.resolve()))
    assert (config["exit-zero"], config.source("exit-zero")) == (False, DEFAULT)
    assert list(config.values) == list(KEYS)


def test_isolated_reads_no_file(tmp_path):
    write(tmp_path / "crosscheck.toml", "not toml at all =\n")
    config = load_config(isolated=True, start=tmp_path)
    assert config.file is None
    assert {k: v.value for k, v in config.values.items()} == DEFAULTS


# --- per-file ignores ---------------------------------------------------------------------------


@pytest.mark.parametrize(("glob", "path", "matches"), [
    ("drafts/*.md", "drafts/a.md", True),
    ("drafts/*.md", "drafts/old/a.md", False),
    ("drafts/**/*.md", "drafts/old/a.md", True),
    ("drafts/**/*.md", "drafts/a.md", True),
    ("**/*.html", "a/b/c.html", True),
    ("wire-?.txt", "wire-1.txt", True),
    ("wire-[0-9].txt", "wire-x.txt", False),
    ("wire-[!0-9].txt", "wire-x.txt", True),
    ("a.md", "ba.md", False),
])
def test_glob_to_regex(glob, path, matches):
    assert bool(glob_to_regex(glob).match(path)) is matches


def test_targets_match_relative_to_the_config_folder_or_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ignores = PerFileIgnores.build({"news/wire/*.md": ["NUM01"], "*.html": ["all"], "./drafts/**": ["AGR01"]},
                                   tmp_path)
    assert ignores.targets("news/wire/a.md") == {"NUM01"}
    assert ignores.targets(str(tmp_path / "news" / "wire" / "a.md")) == {"NUM01"}
    assert ignores.targets("elsewhere/page.html") == {"all"}
    assert ignores.targets("drafts/x/y.md") == {"AGR01"}
    assert ignores.targets("news/a.md") == frozenset()


def _finding(rule: str, *docs: str) -> Finding:
    refs = tuple(StatementRef(d, f"{d}:0", "text", 0, 4) for d in docs)
    return Finding(f"id-{rule}-{'-'.join(docs)}", "contradiction", rule, "error", "s1", "m", 1.0, refs)


def test_apply_per_file_ignores_by_rule_group_or_all(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    docs = tuple(Document(d, f"news/{d}.md", d, d, dt.date(2020, 1, 1), "", "text") for d in ("a", "b", "c"))
    report = Report(docs, (), (_finding("NUM01", "a", "b"), _finding("DATE01", "b", "c"), _finding("AGR01", "c", "a")))
    groups = {"NUM01": "numeric", "DATE01": "date", "AGR01": "agreement"}
    cases = {"news/b.md": ["numeric"], "c.md": ["all"]}
    kept, dropped = apply_per_file_ignores(report, PerFileIgnores.build(cases, tmp_path), groups)
    assert [f.rule for f in kept.findings] == [] and dropped == 3
    kept, dropped = apply_per_file_ignores(report, PerFileIgnores.build({"news/a.md": ["NUM01"]}, tmp_path), groups)
    assert [f.rule for f in kept.findings] == ["DATE01", "AGR01"] and dropped == 1
    assert apply_per_file_ignores(report, PerFileIgnores.build({}, tmp_path), groups) == (report, 0)


@pytest.mark.parametrize("glob", ["[b-a].md", "**a**a**a**a**a**b"])
def test_bad_or_explosive_glob_is_refused_at_load(tmp_path, glob):
    from crosscheck.config import read_config_file
    from crosscheck.errors import ConfigError

    cfg = tmp_path / "crosscheck.toml"
    cfg.write_text(f'[per-file-ignores]\n"{glob}" = ["NUM01"]\n')
    with pytest.raises(ConfigError) as info:
        read_config_file(cfg)
    assert info.value.code == "E304" and glob in (info.value.key or "")


def test_deeply_nested_toml_is_a_config_error(tmp_path):
    from crosscheck.config import read_config_file
    from crosscheck.errors import ConfigError

    cfg = tmp_path / "crosscheck.toml"
    cfg.write_text("disable = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as info:
        read_config_file(cfg)
    assert info.value.code == "E302"


def test_an_oversized_config_file_is_refused_unread(tmp_path):
    """A config file is untrusted input: one larger than the limit is an error naming it, not read whole."""
    from crosscheck.config import MAX_CONFIG_BYTES, read_config_file
    from crosscheck.errors import ConfigError

    cfg = tmp_path / "crosscheck.toml"
    cfg.write_text('format = "json"\n' + "# padding\n" * (MAX_CONFIG_BYTES // 10 + 1))
    with pytest.raises(ConfigError) as info:
        read_config_file(cfg)
    assert info.value.code == "E301" and info.value.path == str(cfg.resolve())
    assert "larger than the limit" in str(info.value)


def test_a_fifo_named_as_config_is_refused_without_blocking(tmp_path):
    import os
    import threading

    from crosscheck.config import read_config_file
    from crosscheck.errors import ConfigError

    cfg = tmp_path / "crosscheck.toml"
    os.mkfifo(cfg)  # opening it for reading would wait for a writer forever
    outcome: list = []

    def load():
        try:
            read_config_file(cfg)
        except ConfigError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader so the test session can end
        with open(cfg, "w"):
            pass
        pytest.fail("reading a FIFO named as the config file blocked")
    assert outcome and outcome[0].code == "E301" and "not a regular file" in str(outcome[0])

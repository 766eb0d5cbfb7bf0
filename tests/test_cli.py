"""The command line as a CI job and a person use it: exit codes, formats, baselines, config, screen.

Most runs use click's CliRunner in-process, so the models load once for the whole file; two
runs go through a real process (``python -m crosscheck``), one of them in a pseudo-terminal to
read the screen a person sees. The articles are two short wire stories written per test: one
figure differs (a NUM01 contradiction), one sentence agrees.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from crosscheck import exitcodes
from crosscheck.cli import console
from crosscheck.cli import main

from conftest import ROOT, SOURCES

REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
GITHUB = re.compile(r"^::(error|warning) file=([^,:\r\n]+),line=(\d+),col=(\d+),title=([^,:\r\n]+)::([^\r\n]*)$")
ERROR_LINE = re.compile(r"^crosscheck: error: \[E\d{3}\] \S.*: .+$", re.M)

REUTERS = """---
title: Baidu buys video site PPS
outlet: Reuters
published: 2013-05-07
---
Baidu bought the video site PPS for $370 million on Tuesday, the company said.

The deal was announced in Beijing by chief executive Robin Li.
"""
XINHUA = REUTERS.replace("Baidu buys video site PPS", "Baidu acquires PPS video business").replace(
    "Reuters", "Xinhua").replace("2013-05-07", "2013-05-08").replace("$370", "$470")
UNRELATED = "\nAnalysts expect the market to keep changing quickly.\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Each test in its own folder, so no config file of the checkout or the user is found."""
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def news(tmp_path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "reuters.md").write_text(REUTERS, encoding="utf-8")
    (folder / "xinhua.md").write_text(XINHUA, encoding="utf-8")
    return folder


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def findings_of(result: Result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


# --- gate and exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "code"), [
    ((), exitcodes.FINDINGS),
    (("--exit-zero",), exitcodes.CLEAN),
    (("--max-contradictions", "5"), exitcodes.CLEAN),
    (("--max-contradictions", "0"), exitcodes.FINDINGS),
    (("--max-contradictions", "5", "--fail-on", "info"), exitcodes.FINDINGS),  # the agreement is info
    (("--disable", "NUM01"), exitcodes.CLEAN),
])
def test_gate_exit_codes(news, flags, code):
    assert run("check", news, "--format", "json", *flags).exit_code == code


def test_no_readable_input_exits_2(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("check", tmp_path / "empty")
    assert result.exit_code == exitcodes.ERROR
    assert "no article could be checked" in result.stderr
    assert result.stdout == ""


def test_bad_rules_folder_exits_2_with_a_numbered_error(news):
    result = run("check", news, "--rules", "no-such-folder")
    assert result.exit_code == exitcodes.ERROR
    assert ERROR_LINE.search(result.stderr)
    assert "[E211] no-such-folder: rules folder does not exist" in result.stderr


@pytest.mark.parametrize("args", [
    ("check",),  # no paths
    ("check", "x.md", "--fail-on", "sometimes"),
    ("check", "x.md", "--max-contradictions", "-1"),
    ("check", "x.md", "--no-such-flag"),
    ("config", "--format", "yaml"),
    ("no-such-command",),
])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == exitcodes.ERROR


def test_unwritable_output_exits_2(news, tmp_path):
    result = run("check", news, "-o", tmp_path / "missing" / "report.txt")
    assert result.exit_code == exitcodes.ERROR
    assert "[E320]" in result.stderr and "report.txt" in result.stderr


# --- formats ------------------------------------------------------------------------------------


def test_json_stdout_is_only_the_report_even_with_a_progress_bar(news, monkeypatch):
    monkeypatch.setattr(console, "stderr_is_terminal", lambda: True)  # the bar is on: it must stay on stderr
    result = run("check", news, "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert [f["rule"] for f in data["findings"] if f["kind"] == "contradiction"] == ["NUM01"]
    assert "baselined" not in data["summary"]


def test_sarif_validates(news):
    result = run("check", news, "--format", "sarif")
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["NUM01"]


def test_github_annotations(news):
    result = run("check", news, "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(GITHUB.match(line) for line in lines), lines
    level, file, line, *_ = GITHUB.match(lines[0]).groups()
    assert (level, Path(file).name, line) == ("error", "reuters.md", "6")


def test_markdown_parses(news):
    result = run("check", news, "--format", "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(result.stdout)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "crosscheck report"
    assert "Baidu buys video site PPS" in headings
    assert any(t.type == "table_open" for t in tokens)


def test_output_file_leaves_stdout_empty(news, tmp_path):
    result = run("check", news, "--format", "json", "-o", tmp_path / "report.json")
    assert result.stdout == ""
    jsonschema.validate(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")), REPORT_SCHEMA)


def test_sample_sources_as_json():
    result = run("check", SOURCES, "--format", "json")
    # the sample story set has contradictions, but its calibrated scores are under 0.5, so they are warnings:
    # the default gate (error) passes, a gate on warnings fails
    assert result.exit_code == exitcodes.CLEAN
    assert run("check", SOURCES, "--format", "json", "--fail-on", "warning").exit_code == exitcodes.FINDINGS
    data = json.loads(result.stdout)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["summary"]["documents"] == 5 and data["summary"]["contradiction"] >= 1


def test_jobs_2_forks_and_gives_the_same_report(tmp_path, monkeypatch):
    """--jobs 2 parses in a forked worker (threshold lowered so 5 articles fork); the JSON is byte-identical."""
    from crosscheck.pipeline import Pipeline

    shutil.copytree(SOURCES, tmp_path / "src")
    monkeypatch.setattr(Pipeline, "MIN_SEGMENTS_PER_PROCESS", 5)
    monkeypatch.setattr(Pipeline, "_statements_cache", lambda self: None)  # parse every run; vectors stay cached
    processes: list[int] = []
    original = Pipeline._processes
    monkeypatch.setattr(Pipeline, "_processes", lambda self, docs: processes.append(original(self, docs)) or
                        processes[-1])
    one = run("check", "src", "--format", "json", "--jobs", "1")
    two = run("check", "src", "--format", "json", "-j", "2")
    assert processes == [1, 2]
    assert one.exit_code == two.exit_code == exitcodes.CLEAN
    assert two.stdout == one.stdout
    assert run("check", "src", "--jobs", "0").exit_code == exitcodes.ERROR


# --- the terminal report ------------------------------------------------------------------------


def test_plain_screen_with_no_color(news):
    result = run("check", news, "--no-color", env={"NO_COLOR": "1"})
    assert not ANSI.search(result.stdout)
    assert "Baidu buys video site PPS" in result.stdout  # the story header
    assert "1 contradiction" in result.stdout
    summary = " ".join(result.stdout.rstrip().split("\n\n")[-1].split())  # the last paragraph, unwrapped
    assert re.fullmatch(r"1 story, 2 documents, 1 contradiction, .*1 agreement, .*; 0 input problems", summary)


def test_forced_color_has_ansi(news):
    assert ANSI.search(run("check", news, "--color").stdout)
    assert ANSI.search(run("check", news, env={"FORCE_COLOR": "1"}).stdout)
    assert not ANSI.search(run("check", news, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)


def _run_in_pty(args: list[str], env: dict[str, str], columns: int = 100) -> tuple[int, str, str]:
    """Run a command with stdout on a pseudo-terminal of ``columns`` columns; return code, screen, stderr."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env)
    # the slave stays open here until the child has exited and the screen is drained: closing it early
    # lets a fast child's hang-up race the first read (EIO with the output unread, seen under load)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            chunks.append(os.read(master, 65536))
        elif proc.poll() is not None:
            break
    os.close(slave)
    os.close(master)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    return proc.wait(timeout=120), b"".join(chunks).decode().replace("\r\n", "\n"), stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_real_terminal_screen_with_no_color(news):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS", "LINES")}
    env["NO_COLOR"] = "1"
    code, screen, stderr = _run_in_pty([sys.executable, "-m", "crosscheck", "check", str(news)], env)
    assert code == exitcodes.FINDINGS, stderr
    assert not ANSI.search(screen)
    assert "Baidu buys video site PPS" in screen
    assert screen.rstrip().endswith("0 input problems")
    assert max(len(line) for line in screen.splitlines()) <= 100
    del env["NO_COLOR"]
    code, screen, _ = _run_in_pty([sys.executable, "-m", "crosscheck", "check", str(news)], env)
    assert code == exitcodes.FINDINGS and ANSI.search(screen)  # a terminal gets colour by default


# --- python -m crosscheck -----------------------------------------------------------------------


def test_python_dash_m():
    ok = subprocess.run([sys.executable, "-m", "crosscheck", "--version"], capture_output=True, text=True)
    assert ok.returncode == 0 and "crosscheck" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "crosscheck", "check", "--baseline", "missing.json", "x.md"],
                         capture_output=True, text=True)
    assert bad.returncode == exitcodes.ERROR
    assert bad.stdout == ""
    assert ERROR_LINE.search(bad.stderr) and "[E310] missing.json" in bad.stderr


# --- baselines ----------------------------------------------------------------------------------


def test_baseline_survives_renames_and_unrelated_edits(news, tmp_path):
    baseline = tmp_path / "baseline.json"
    written = run("check", news, "--write-baseline", baseline)
    assert written.exit_code == exitcodes.CLEAN
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["schema"] == "crosscheck.baseline/1"
    assert [e["id"] for e in data["findings"]] == sorted(e["id"] for e in data["findings"])
    assert {e["rule"] for e in data["findings"]} == {"NUM01", "AGR01"}
    first = baseline.read_bytes()
    run("check", news, "--write-baseline", baseline)
    assert baseline.read_bytes() == first  # deterministic

    (news / "xinhua.md").rename(news / "0-wire.md")  # renamed: sorts first now
    (news / "reuters.md").write_text(REUTERS + UNRELATED, encoding="utf-8")
    result = run("check", news, "--baseline", baseline, "--format", "json")
    assert result.exit_code == exitcodes.CLEAN
    assert findings_of(result) == []
    assert json.loads(result.stdout)["summary"]["baselined"] == 2
    jsonschema.validate(json.loads(result.stdout), REPORT_SCHEMA)
    assert "2 findings baselined" in result.stderr and "0 new findings" in result.stderr


def test_baseline_still_reports_new_findings(news, tmp_path):
    baseline = tmp_path / "baseline.json"
    run("check", news, "--write-baseline", baseline)
    (news / "xinhua.md").write_text(XINHUA.replace("$470", "$570"), encoding="utf-8")
    result = run("check", news, "--baseline", baseline, "--format", "text", "--no-color")
    assert result.exit_code == exitcodes.FINDINGS
    assert "$570" in result.stdout
    assert "1 finding baselined" in result.stderr  # the unchanged agreement


@pytest.mark.parametrize(("content", "code"), [
    ("{not json", "E311"),
    ('{"schema": "crosscheck.report/1", "findings": []}', "E312"),
    ('{"schema": "crosscheck.baseline/1", "findings": [{"id": 1}]}', "E312"),
    ("[]", "E312"),
])
def test_broken_baseline_exits_2_naming_it(tmp_path, content, code):
    (tmp_path / "base.json").write_text(content, encoding="utf-8")
    result = run("check", tmp_path, "--baseline", tmp_path / "base.json")
    assert result.exit_code == exitcodes.ERROR
    assert f"[{code}] {tmp_path / 'base.json'}" in result.stderr
    assert ERROR_LINE.search(result.stderr)


# --- suppressions -------------------------------------------------------------------------------


def test_inline_suppression(news):
    (news / "xinhua.md").write_text(XINHUA.replace("Baidu bought", "<!-- crosscheck-disable NUM01 -->\n\nBaidu bought"),
                                    encoding="utf-8")
    result = run("check", news, "--format", "json")
    assert result.exit_code == exitcodes.CLEAN
    assert {f["rule"] for f in findings_of(result)} == {"AGR01"}


@pytest.mark.parametrize(("config_name", "text"), [
    ("crosscheck.toml", '[per-file-ignores]\n"news/xinhua.md" = ["NUM01"]\n'),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.crosscheck.per-file-ignores]\n"**/xin*.md" = ["numeric"]\n'),
    ("crosscheck.toml", '[per-file-ignores]\n"*.md" = ["all"]\n'),
])
def test_per_file_ignores_from_config(news, tmp_path, config_name, text):
    (tmp_path / config_name).write_text(text, encoding="utf-8")
    result = run("check", "news", "--format", "json")
    assert result.exit_code == exitcodes.CLEAN
    assert "NUM01" not in {f["rule"] for f in findings_of(result)}


def test_per_file_ignore_of_another_file_keeps_the_finding(news, tmp_path):
    (tmp_path / "crosscheck.toml").write_text('[per-file-ignores]\n"other/*.md" = ["all"]\n', encoding="utf-8")
    assert run("check", "news", "--format", "json").exit_code == exitcodes.FINDINGS


# --- configuration ------------------------------------------------------------------------------


def test_config_file_sets_and_flags_override(news, tmp_path):
    (tmp_path / "crosscheck.toml").write_text('format = "json"\nexit-zero = true\n', encoding="utf-8")
    result = run("check", "news")
    assert result.exit_code == exitcodes.CLEAN
    assert json.loads(result.stdout)["schema"] == "crosscheck.report/1"
    assert run("check", "news", "--no-exit-zero").exit_code == exitcodes.FINDINGS
    assert run("check", "news", "--format", "github").stdout.startswith("::error ")


def test_config_found_from_a_subfolder(news, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.crosscheck]\nmax-contradictions = 3\n', encoding="utf-8")
    monkeypatch.chdir(news)
    assert run("check", ".", "--format", "json").exit_code == exitcodes.CLEAN


def test_config_rules_folder_is_relative_to_the_file(news, tmp_path, monkeypatch):
    (tmp_path / "crosscheck.toml").write_text('rules = ["my-rules"]\n', encoding="utf-8")
    monkeypatch.chdir(news)
    result = run("check", ".")
    assert result.exit_code == exitcodes.ERROR
    assert f"[E211] {tmp_path / 'my-rules'}" in result.stderr


def test_config_unknown_key_exits_2_naming_file_and_key(tmp_path):
    (tmp_path / "crosscheck.toml").write_text('format = "json"\nfail_on = "warning"\n', encoding="utf-8")
    for args in (("config",), ("check", ".")):
        result = run(*args)
        assert result.exit_code == exitcodes.ERROR
        assert f"[E303] {tmp_path / 'crosscheck.toml'}:2: unknown key; did you mean 'fail-on'? (key 'fail_on')" \
            in result.stderr


def test_config_command_shows_sources(tmp_path):
    (tmp_path / "crosscheck.toml").write_text('fail-on = "warning"\ndisable = ["AGR01"]\n', encoding="utf-8")
    result = run("config", "--format", "json", "--disable", "SRC01", "--config", "crosscheck.toml")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["config_file"] == str(tmp_path / "crosscheck.toml")
    settings = data["settings"]
    assert settings["fail-on"] == {"value": "warning", "source": str(tmp_path / "crosscheck.toml")}
    assert settings["disable"] == {"value": ["SRC01"], "source": "command line"}
    assert settings["format"] == {"value": "text", "source": "default"}
    table = run("config", "--max-contradictions", "2", env={"NO_COLOR": "1"}).stdout
    assert "config file: " + str(tmp_path / "crosscheck.toml") in table
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:4]]
            for line in table.splitlines() if line.startswith("│")}
    assert rows["fail-on"] == ["warning", "crosscheck.toml"]
    assert rows["max-contradictions"] == ["2", "command line"]
    assert rows["exit-zero"] == ["false", "default"]


def test_isolated_ignores_a_broken_config(tmp_path):
    (tmp_path / "crosscheck.toml").write_text("this is = not toml =\n", encoding="utf-8")
    assert "[E302]" in run("config").stderr
    assert run("config", "--isolated").exit_code == 0


# --- ecosystem files ----------------------------------------------------------------------------


def test_pre_commit_hook_definition():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == \
        ("crosscheck", "crosscheck check", "python", True)
    pattern = re.compile(hook["files"])
    assert all(pattern.search(name) for name in ("a.md", "b.txt", "c.html", "d.json", "e.jsonl"))
    assert not pattern.search("setup.py")


def test_documented_github_workflow_runs_the_gate_and_uploads_sarif():
    import yaml

    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    workflow = yaml.safe_load(re.search(r"```yaml\n(# \.github/workflows/.*?)```", text, re.S).group(1))
    steps = workflow["jobs"]["crosscheck"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert uses[0].startswith("actions/checkout@") and uses[1].startswith("actions/setup-python@")
    assert steps[1]["with"]["python-version"] == "3.11"
    assert runs.index("pip install torch==") < runs.index("pip install crosscheck-news")
    assert "crosscheck check sources/ --format github" in runs
    assert "--format sarif -o crosscheck.sarif" in runs
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert "crosscheck check sources/" in (ROOT / "docs" / "screen.txt").read_text(encoding="utf-8")


def test_rules_test_passes_on_the_builtin_rules_with_a_fresh_cache(tmp_path):
    """A user's first `crosscheck rules test` goes green: the command runs the cases exactly as the suite does
    (findings.cases.run_case_files: every rule loaded, the contradiction model judging)."""
    result = run("rules", "test", env={"CROSSCHECK_CACHE_DIR": str(tmp_path / "fresh-cache")})
    assert result.exit_code == 0, result.output
    assert "UNS01" in result.output and "NLI01" in result.output


# --- the draft check (issue 19) -------------------------------------------------------------------

def _draft(body: str, title: str = "Baidu and PPS") -> Path:
    path = Path("draft.md")
    path.write_text(f"---\ntitle: {title}\n---\n{body}\n", encoding="utf-8")
    return path


WRONG = "Baidu bought the video site PPS for $570 million."
DISPUTED = "Baidu bought the video site PPS for $370 million."


@pytest.mark.parametrize(("body", "flags", "code"), [
    (WRONG, (), exitcodes.FINDINGS),  # a contradicted claim fails the gate
    (WRONG, ("--exit-zero",), exitcodes.CLEAN),
    (WRONG, ("--max-contradictions", "1"), exitcodes.CLEAN),
    # Reuters backs it, Xinhua says $470 million: disputed, a warning; the sources' own error-level
    # contradiction is about the draft only through this claim and does not fail the draft's gate
    (DISPUTED, (), exitcodes.CLEAN),
    (DISPUTED, ("--fail-on", "warning"), exitcodes.FINDINGS),
])
def test_draft_check_exit_codes(news, body, flags, code):
    assert run("check", _draft(body), "--against", news, *flags).exit_code == code


def test_draft_check_without_a_readable_source_exits_2(tmp_path):
    result = run("check", _draft(WRONG), "--against", tmp_path / "missing")
    assert result.exit_code == exitcodes.ERROR
    assert "no source could be read" in result.stderr


def test_draft_check_prints_the_checklist(news):
    result = run("check", _draft(WRONG + "\n\nIt was a good deal."), "--against", news.name, "--no-color")
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Draft: Baidu and PPS (draft.md), against 2 sources", "1 claim: 1 contradicted"]
    assert "1. \u2717 CONTRADICTED  draft.md:4:1  NUM01" in result.stdout
    assert "Xinhua reports $470 million and Reuters $370 million, not $570 million." in result.stdout
    assert "\u2717 Reuters · 2013-05-07 · news/reuters.md:6" in result.stdout
    assert "draft:" not in result.stdout and "score" not in result.stdout


def test_draft_check_formats(news):
    draft = _draft(WRONG)
    data = json.loads(run("check", draft, "--against", news, "--format", "json").stdout)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert [(c["verdict"], c["statement"]["line"], c["statement"]["column"]) for c in data["claims"]] == [
        ("contradicted", 4, 1)]
    assert {e["statement"]["outlet"] for e in data["claims"][0]["evidence"]} == {"Reuters", "Xinhua"}
    github = run("check", draft, "--against", news, "--format", "github").stdout.splitlines()
    assert [GITHUB.match(line).group(1, 2, 3, 5) for line in github] == [
        ("error", "draft.md", "4", "Contradicted (NUM01)")]
    sarif = json.loads(run("check", draft, "--against", news, "--format", "sarif").stdout)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    markdown = run("check", draft, "--against", news, "--format", "markdown").stdout
    assert "| 1 | \u274c contradicted | Baidu bought the video site PPS for \\$570 million. | 4:1 |" in markdown

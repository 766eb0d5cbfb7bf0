"""Hostile input: every bad file is reported by name and code, and the good ones are still checked.

The corpus holds one file per way an input can go wrong, next to two good articles that
contradict each other. The real ``crosscheck check`` (click's CliRunner, in process, with the
real models) must name each bad file with its code on stderr, still find the contradiction
(exit 1), exit 2 with ``--strict``, and exit 2 when nothing could be checked. Rule files are
untrusted too: no tags that run code, bounded size, no alias bombs, no format-string tricks.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck import documents
from crosscheck.cli import main
from crosscheck.errors import RuleFileError
from crosscheck.verdicts.rules.ruleset import load_rule
from crosscheck.statements.entities import entity_key
from conftest import write

GOOD_A = """---
title: Baidu buys PPS video business
outlet: Tech Daily
published: 2013-05-07
---

Baidu bought PPS for $370 million, the company said on Tuesday.

The deal makes Baidu's iQiyi the largest online video platform in China.
"""
GOOD_B = GOOD_A.replace("$370 million", "$470 million").replace("Tech Daily", "Market Wire").replace(
    "Baidu buys PPS video business", "Baidu acquires PPS")

PAGE = """<!DOCTYPE html><html><head><title>River bridge approved | Harbor Gazette</title>
<script>var tracking = "SCRIPT-TEXT-MUST-NOT-APPEAR";</script></head><body>
<nav><a href="/">Home</a></nav><article><h1>River bridge approved</h1>
<p>The city council of Harbor approved the plans for the new river bridge on Monday evening, ending a
dispute over the crossing that had divided the harbor district for more than two years.</p>
<iframe src="https://ads.example.org">IFRAME-TEXT-MUST-NOT-APPEAR</iframe>
<script>document.write("INLINE-SCRIPT-MUST-NOT-APPEAR")</script>
<p>Construction of the bridge will start in the spring and take about three years, the mayor said,
with the work covering the design, the steel and the removal of the old ferry pier.</p>
</article></body></html>"""

ONLY_SCRIPTS = ("<html><head><script>x()</script></head><body><iframe src='a'></iframe>"
                "<script>y()</script></body></html>")

_WORDS = ("council river harbor mayor bridge market ferry district street evening morning plan vote budget "
          "engineer design steel crossing traffic resident shop school park square station tower").split()


def prose(size: int, seed: int = 0) -> str:
    """Real-ish prose without figures: sentences of plain words in paragraphs, ``size`` characters."""
    rng = random.Random(seed)
    out, n = [], 0
    while n < size:
        sentence = "The " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 14))) + " again."
        out.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        n += len(out[-1])
    return "".join(out)[:size]


def bad_files(folder: Path, monkeypatch: pytest.MonkeyPatch, *, huge: bool = True) -> dict[str, str]:
    """Write one file per input problem; returns file name -> the code its error line must carry."""
    expected = {
        "empty.md": "E101",
        "blank.txt": "E101",
        "image.md": "E102",
        "legacy.txt": "E103",
        "broken-front.md": "E110",
        "unclosed-front.md": "E110",
        "list-front.md": "E111",
        "scripts-only.html": "E130",
        "feed.jsonl": "E140",
        "no-text.json": "E141",
        "locked.md": "E105",
        "loop-a.md": "E105",
        "loop-b.md": "E105",
        "dangling.md": "E105",
    }
    write(folder, "empty.md", b"")
    write(folder, "blank.txt", " \n\t\n")
    write(folder, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write(folder, "legacy.txt", b"Valid start. " + bytes(range(0x80, 0x100)) * 4)
    write(folder, "broken-front.md", "---\ntitle: ok\nouter: [unclosed\nx: 1\n---\nBody text of it.\n")
    write(folder, "unclosed-front.md", "---\ntitle: never closed\n\nBody text.\n")
    write(folder, "list-front.md", "---\n- title\n- outlet\n---\nBody text.\n")
    write(folder, "scripts-only.html", ONLY_SCRIPTS)
    write(folder, "feed.jsonl", '{not json\n{"title": "no text"}\n[1, 2]\n' + '{"n": ' + "9" * 5000 + "}\n")
    write(folder, "no-text.json", json.dumps({"title": "x", "text": "   "}))
    locked = write(folder, "locked.md", GOOD_A)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: refuse the open the way the OS would
        real_open = Path.open

        def refuse(self, *args, **kwargs):
            if self.name == "locked.md":
                raise PermissionError(13, "Permission denied")
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    (folder / "loop-a.md").symlink_to(folder / "loop-b.md")
    (folder / "loop-b.md").symlink_to(folder / "loop-a.md")
    (folder / "dangling.md").symlink_to(folder / "missing-target.md")
    (folder / "nested").mkdir()
    (folder / "nested" / "up").symlink_to(folder, target_is_directory=True)  # a folder loop: walked once
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.md")  # opening it would block forever
        expected["pipe.md"] = "E105"
    if huge:
        # just over the byte limit, sparse so it costs no disk: refused before it is read into memory
        with (folder / "too-big.md").open("wb") as handle:
            handle.truncate(50_000_001)
        expected["too-big.md"] = "E104"
    return expected


def run(*args: str):
    result = CliRunner().invoke(main, ["check", "--isolated", "--quiet", "--no-color", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("crosscheck: ")]


def assert_reported(stderr: str, expected: dict[str, str]) -> None:
    lines = error_lines(stderr)
    for name, code in expected.items():
        level = "warning" if code.startswith("W") else "error"
        pattern = re.compile(rf"^crosscheck: {level}: \[{code}\] \S*{re.escape(name)}(:\d+)?: \S")
        assert any(pattern.match(line) for line in lines), f"no [{code}] line for {name}:\n" + "\n".join(lines)


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """Two good contradicting articles, a good web page, an undated article and a 50 MB one among bad files."""
    folder = tmp_path / "sources"
    write(folder, "a-tech-daily.md", GOOD_A)
    write(folder, "b-market-wire.md", GOOD_B)
    write(folder, "page.html", PAGE)
    write(folder, "undated.md", "---\ntitle: Ferry pier\npublished: sometime soon\n---\n\n"
                                "The old ferry pier next to the market will be removed in the spring.\n")
    expected = bad_files(folder, monkeypatch)
    # just under the 50,000,000-byte limit: read, then cut to the character limit (W130) before any parsing
    header = "---\ntitle: The long one\noutlet: Archive\npublished: 2013-05-08\n---\n\n"
    body = prose(1_000_000)
    with (folder / "huge.md").open("w", encoding="utf-8") as handle:
        handle.write(header)
        for _ in range(49):
            handle.write(body)
        handle.write(body[:49_999_000 - len(header) - 49 * len(body)])
    assert (folder / "huge.md").stat().st_size == 49_999_000
    monkeypatch.setattr(documents, "DEFAULT_MAX_CHARS", 5_000)  # keep spaCy's share of the test short
    expected.update({"undated.md": "W120", "huge.md": "W130"})
    # names and text no encoder can take as they are: bytes that are not UTF-8, a newline, lone surrogates
    bridge = "The harbor ferry will stop running when the new river bridge opens next spring.\n"
    write(folder, os.fsdecode(b"latin-\xe9t\xe9.md"), bridge)
    write(folder, "forged\ncrosscheck: error: [E999] x.md", b"")
    expected["forged\\ncrosscheck: error: [E999] x.md"] = "E101"  # printed on one line, escaped
    write(folder, "escapes.jsonl", '{"title": "T \\ud800 \\u001b]0;owned\\u0007", "text": "The bridge opens '
                                   'in spring \\udfff, the mayor said on Monday."}\n')
    return folder, expected


def test_every_bad_file_is_named_with_its_code_and_the_good_ones_are_checked(hostile):
    folder, expected = hostile
    started = time.perf_counter()
    result = run("--format", "json", str(folder))
    elapsed = time.perf_counter() - started
    assert_reported(result.stderr, expected)
    report = json.loads(result.stdout)
    assert result.exit_code == 1, result.stderr  # the contradiction fails the gate; bad files alone do not
    checked = {Path(d["path"]).name for d in report["documents"]}
    assert {"a-tech-daily.md", "b-market-wire.md", "page.html", "undated.md", "huge.md", "latin-\\xe9t\\xe9.md",
            "escapes.jsonl"} <= checked
    assert not any(line.startswith("crosscheck: error: [E999]") for line in result.stderr.splitlines())
    titles = {d["title"] for d in report["documents"]}
    assert "T \ufffd \ufffd]0;owned\ufffd" in titles  # lone surrogate and terminal controls replaced
    assert not checked & {name for name, code in expected.items() if code.startswith("E")}
    contradictions = [f for f in report["findings"] if f["kind"] == "contradiction"]
    assert any({s["text"] for s in f["statements"]} == {"Baidu bought PPS for $370 million, the company said on "
                                                        "Tuesday.", "Baidu bought PPS for $470 million, the "
                                                        "company said on Tuesday."} for f in contradictions)
    problems = {(Path(p["path"]).name, p["code"]) for p in report["problems"]}
    assert problems >= set(expected.items())
    for hidden in ("MUST-NOT-APPEAR", "tracking", "document.write"):
        assert hidden not in result.stdout
    assert "nested/up" not in result.stdout  # the folder loop was walked once
    assert elapsed < 60, f"hostile corpus took {elapsed:.0f}s"


def test_strict_makes_any_unreadable_file_exit_2(tmp_path):
    write(tmp_path, "a-tech-daily.md", GOOD_A)
    write(tmp_path, "b-market-wire.md", GOOD_B)
    write(tmp_path, "empty.md", b"")
    assert run(str(tmp_path)).exit_code == 1
    result = run("--strict", str(tmp_path))
    assert result.exit_code == 2
    assert_reported(result.stderr, {"empty.md": "E101"})


def test_warnings_alone_do_not_trip_strict(tmp_path):
    write(tmp_path, "a-tech-daily.md", GOOD_A)
    write(tmp_path, "b-market-wire.md", GOOD_B.replace("2013-05-07", "early May"))
    result = run("--strict", str(tmp_path))
    assert_reported(result.stderr, {"b-market-wire.md": "W120"})
    assert result.exit_code == 1


SCRIPT_ONLY = ("---\ntitle: Bear attack\noutlet: MailOnline\npublished: 2015-01-10\n---\n\n"
               "var twitterVia = 'MailOnline'; DM.has('shareLinkTop', 'shareLinks', { 'id': '2716479', 'title': "
               "'Fisherman saved from bear attack by Justin Bieber ringtone', 'isChannel': false });\n")


def test_a_file_with_no_claim_is_named_as_a_warning(tmp_path):
    """A scraped page that is only its share-bar script reads as "no findings" unless someone says that
    nothing in it was checked."""
    write(tmp_path, "a-tech-daily.md", GOOD_A)
    write(tmp_path, "b-market-wire.md", GOOD_B)
    write(tmp_path, "script-only.md", SCRIPT_ONLY)
    result = run("--strict", str(tmp_path))
    assert_reported(result.stderr, {"script-only.md": "W150"})
    assert [line for line in error_lines(result.stderr) if "W150" in line] == [
        line for line in error_lines(result.stderr) if "script-only.md" in line]  # only that file
    assert result.exit_code == 1  # a warning: the findings decide, --strict is not tripped
    report = json.loads(run("--format", "json", str(tmp_path)).stdout)
    assert [(p["code"], Path(p["path"]).name) for p in report["problems"]] == [("W150", "script-only.md")]


def test_a_record_with_no_claim_is_named_with_its_line(tmp_path):
    records = [{"title": "Bridge", "outlet": "Harbor Gazette", "published": "2015-01-10",
                "text": "The city council approved a budget of 48 million euros for the new bridge on Monday."},
               {"title": "Share", "outlet": "MailOnline", "published": "2015-01-10",
                "text": SCRIPT_ONLY.split("---\n\n", 1)[1]}]
    write(tmp_path, "feed.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    result = run(str(tmp_path))
    assert [line for line in error_lines(result.stderr) if "W150" in line] == [
        line for line in error_lines(result.stderr) if "feed.jsonl:2:" in line] != []


def test_a_folder_of_only_bad_files_exits_2(tmp_path, monkeypatch):
    folder = tmp_path / "bad"
    expected = bad_files(folder, monkeypatch)
    for i in range(2000):  # a folder with thousands of files, none of them usable
        write(folder, f"many/{i % 20:02d}/empty-{i:04d}.md", b"")
        write(folder, f"many/{i % 20:02d}/photo-{i:04d}.jpg", b"\xff\xd8\xff")
    started = time.perf_counter()
    result = run(str(folder))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2
    assert_reported(result.stderr, expected)
    lines = error_lines(result.stderr)
    assert sum("[E101]" in line and "/many/" in line for line in lines) == 2000
    assert not any(".jpg" in line for line in lines)  # files that are not articles are not read at all
    assert lines[-1] == "crosscheck: error: no article could be checked"
    assert elapsed < 20, f"{elapsed:.0f}s for 4,000 files"


def test_a_huge_file_is_cut_at_a_paragraph_with_bounded_time(tmp_path):
    path = write(tmp_path, "huge.md", "---\ntitle: Huge\n---\n" + prose(3_000_000, seed=1))
    started = time.perf_counter()
    docs, problems = documents.load_documents([path], max_chars=1_000_000)
    assert time.perf_counter() - started < 5
    (doc,) = docs
    (problem,) = problems
    assert problem.code == "W130" and "1,000,000 characters" in problem.message
    assert 500_000 < len(doc.text) <= 1_000_000 and doc.text.endswith("again.")
    assert problem.line == doc.line_col(len(doc.text))[0]
    assert prose(3_000_000, seed=1).startswith(doc.text)  # a prefix: every offset still points into the file


def test_json_records_longer_than_the_limit_are_named(tmp_path):
    long_text = prose(30_000, seed=2)
    path = write(tmp_path, "feed.jsonl", json.dumps({"text": "Short one here."}) + "\n" + json.dumps(
        {"text": long_text}) + "\n")
    docs, problems = documents.load_documents([path], max_chars=10_000)
    assert [len(d.text) <= 10_000 for d in docs] == [True, True]
    assert [(p.code, p.line, p.message.split(":")[0]) for p in problems] == [("W130", 2, "feed#2")]


def test_a_huge_page_is_read_up_to_the_page_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_PAGE_CHARS", 5_000)
    page = PAGE.replace("</article>", "".join(f"<p>{prose(400, seed=i)}</p>\n" for i in range(40)) + "</article>")
    docs, problems = documents.load_documents([write(tmp_path, "long.html", page)])
    assert [p.code for p in problems] == ["W130"] and "page is longer" in problems[0].message
    assert "city council of Harbor" in docs[0].text


# --- rule files are untrusted -------------------------------------------------------------------

RULE = """\
id: MY01
name: My numeric rule
kind: numeric
level: warning
message: "{a_outlet} says {a_value}, {b_outlet} says {b_value}"
"""


def rule_error(tmp_path: Path, text: str | bytes | None, name: str = "MY01.yml") -> RuleFileError:
    """The error of loading the rule file (written from ``text``, or as it is when None), raised quickly."""
    path = tmp_path / "mine" / name
    if text is not None:
        write(tmp_path / "mine", name, text)
    started = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        load_rule(path)
    assert time.perf_counter() - started < 3, "a hostile rule file must be refused quickly"
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch pwned']",
                                 "!!python/object:os.system {}", "!!python/name:os.system",
                                 "!!python/module:os"])
def test_python_tags_are_refused_and_never_run(tmp_path, tag):
    assert rule_error(tmp_path, RULE + f"parameters: {tag}\n").code == "E204"
    assert not Path("pwned").exists()


def test_a_huge_rule_file_is_refused_without_reading_it_all(tmp_path):
    assert rule_error(tmp_path, RULE + "description: " + "x" * 300_000 + "\n").code == "E202"
    with (tmp_path / "mine" / "MY01.yml").open("r+b") as handle:
        handle.truncate(2_000_000_000)  # sparse: 2 GB that must never be read whole
    assert rule_error(tmp_path, None).code == "E202"


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return RULE + "parameters:\n  " + "\n  ".join(lines) + "\n"


def test_an_alias_bomb_is_refused_quickly(tmp_path):
    err = rule_error(tmp_path, _alias_bomb(10))  # 9**10 = 3.5 billion values once expanded
    assert err.code == "E212" and "aliases" in err.message


def test_recursive_aliases_and_deep_nesting_are_refused(tmp_path):
    assert rule_error(tmp_path, RULE + "parameters: &x {a: *x}\n").code == "E212"
    deep = rule_error(tmp_path, RULE + "parameters: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert deep.code == "E212" and "nested" in deep.message


def test_modest_aliases_still_load(tmp_path):
    text = RULE.replace('message: "{a_outlet} says {a_value}, {b_outlet} says {b_value}"',
                        'message: &m "{a_outlet} says {a_value}, {b_outlet} says {b_value}"') + "description: *m\n"
    rule = load_rule(write(tmp_path / "mine", "MY01.yml", text))
    assert rule.description == rule.message


@pytest.mark.parametrize("message, why", [
    ("{a_outlet:>999999999}", "format spec"),  # a gigabyte of padding per finding
    ("{a_outlet.__class__.__mro__}", "unknown field"),  # attribute access through str.format
    ("{a_outlet[0]}", "unknown field"),
    ("{a_outlet!r}", "conversion"),
    ("oops {", "not a valid template"),
    ("{}", "unknown field"),
])
def test_message_templates_take_bare_field_names_only(tmp_path, message, why):
    err = rule_error(tmp_path, RULE.replace('"{a_outlet} says {a_value}, {b_outlet} says {b_value}"',
                                            json.dumps(message)))
    assert err.code == "E209" and err.key == "message" and why in err.message


def test_rule_files_that_are_not_regular_files_are_refused(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    (tmp_path / "mine").mkdir()
    os.mkfifo(tmp_path / "mine" / "MY01.yml")  # opening it to read would block forever
    assert rule_error(tmp_path, None).code == "E201"


# --- never raises: the rule-file parser and entity keys ------------------------------------------

_FIELDS = ["id", "name", "kind", "level", "message", "link", "description", "enabled", "levels", "parameters",
           "tolerance", "min_alignment", "colour"]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                     st.sampled_from(["MY01", "numeric", "warning", "error", "{a_value}", "{", "!!python/name:os"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=4)),
                       max_leaves=12)
_YAML_BITS = st.sampled_from(["id: MY01\n", "kind: numeric\n", "level: error\n", "message: '{a_value}'\n",
                              "name: x\n", "parameters:\n  tolerance: 0.1\n", "&a ", "*a", "<<: *a\n", "!!str ",
                              "!!python/tuple [1]\n", "[", "]", "{", "}", "- ", ": ", "? ", "'", '"', "\t", "\n",
                              "%YAML 1.1\n", "---\n", "...\n", "!!binary AAAA\n", "1" * 5000, "~", ".nan"])


def _check_rule_text(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("rules")
    path = folder / "MY01.yml"
    path.write_bytes(data)
    try:
        load_rule(path)
    except RuleFileError as exc:
        assert exc.code.startswith("E2") and exc.path == str(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300).map(str.encode), st.binary(max_size=200),
                 st.lists(_YAML_BITS, max_size=25).map("".join).map(str.encode)))
def test_arbitrary_rule_text_raises_only_rule_file_errors(tmp_path_factory, data):
    _check_rule_text(tmp_path_factory, data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=10))
def test_arbitrary_rule_mappings_raise_only_rule_file_errors(tmp_path_factory, mapping):
    _check_rule_text(tmp_path_factory, yaml.safe_dump(mapping, allow_unicode=True).encode())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60),
                 st.lists(st.sampled_from(["The", "the", "Alibaba", "Group", "Holding", "Inc.", "Ltd", "'s", "’s",
                                           "&", ".", "-", " ", "  ", "'", "İ", "ß", "Co", "PPS", "\u00a0", "\n"]),
                          max_size=10).map(" ".join)))
def test_entity_key_is_idempotent_and_never_raises(name):
    key = entity_key(name)
    assert isinstance(key, str)
    assert entity_key(key) == key
    assert key == key.strip() and "  " not in key
    assert not key.startswith("the ")


def test_a_document_cut_at_the_statement_limit_is_named(tmp_path):
    """The statements stage stops at ``max_statements_per_document``; the sentences after it go unchecked, and
    the editor is told so (W151) for that document alone."""
    from crosscheck.pipeline import Pipeline, Settings

    long_text = " ".join(f"The council approved a budget of {n} million euros for bridge number {n}."
                         for n in range(1, 7))
    write(tmp_path, "long-minutes.md", "---\ntitle: Minutes\noutlet: Harbor Gazette\npublished: 2015-01-10\n---\n\n"
          + long_text + "\n")
    write(tmp_path, "a-tech-daily.md", GOOD_A)
    pipeline = Pipeline(Settings(max_statements_per_document=4, cache_dir=tmp_path / "cache"))
    try:
        analysis = pipeline.check_paths([tmp_path])
    finally:
        pipeline.close()
    cut = [(p.code, Path(p.path).name) for p in analysis.problems]
    assert cut == [("W151", "long-minutes.md")]
    assert "limit of 4 statements" in analysis.problems[0].message
    long_doc = next(d for d in analysis.documents if d.path.endswith("long-minutes.md"))
    assert sum(s.document == long_doc.id for s in analysis.statements) == 4


def test_one_bounded_read_serves_every_reader(tmp_path):
    """Articles, rule files and settings files share one bounded read: a file over the limit is refused after
    limit + 1 bytes, a FIFO before it is opened (opening it would wait for a writer)."""
    from crosscheck.files import FileTooLarge, read_bounded

    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 11)
    assert read_bounded(big, 11) == b"x" * 11
    with pytest.raises(FileTooLarge) as info:
        read_bounded(big, 10)
    assert "larger than the limit of 10 bytes" in str(info.value)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yml")
        with pytest.raises(OSError) as err:
            read_bounded(tmp_path / "pipe.yml", 10)
        assert err.value.strerror == "not a regular file"

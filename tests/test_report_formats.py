"""The report formats, each read back the way its consumer reads it.

A small report is built by hand (no models), so these tests are fast and say exactly what each
format must carry: JSON against its published schema, SARIF against a SARIF 2.1.0 subset,
Markdown through a Markdown parser, GitHub commands through the runner's unescaping, and the
terminal report as the screen shows it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
try:
    import crosscheck  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from crosscheck.nouns import Document, Finding, InputProblem, Report, Span, StatementRef, Story  # noqa: E402
from crosscheck.report import FORMATS, render  # noqa: E402
from crosscheck.report.github import escape_data, escape_property, unescape_data, unescape_property  # noqa: E402
from crosscheck.report.jsonreport import to_dict, to_json  # noqa: E402
from crosscheck.report.sarif import to_sarif_dict  # noqa: E402

REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

REUTERS = Document(
    id="a", path="news/reuters.md", title="Baidu buys PPS", outlet="Reuters", published=dt.date(2020, 5, 20),
    url="https://example.com/a", first_line=5,
    text=("Baidu bought the video site PPS for $370 million in May.\n"
          "The deal was announced in Beijing by Robin Li.\n"
          "Smart TV shipments climbed 27 percent in 2012, the company said.\n"
          "According to GfK, smart TV penetration reached 44 percent.\n"
          "Wasu Media has 8 million users.\n"))
XINHUA = Document(
    id="b", path="news/xinhua.md", title="百度 acquires PPS | video deal", outlet="Xinhua",
    published=dt.date(2020, 5, 21), url="", first_line=3,
    text=("Baidu bought the video site PPS for $470 million in May.\n"
          "The deal was announced in Beijing by Robin Li.\n"
          "According to AVC, smart TV penetration reached 46 percent.\n"
          "Wasu Media now has 12 million users, up from 8 million.\n"
          "Li called it *a milestone* | for the café business.\n"))
CAIXIN = Document(
    id="c", path="news/caixin, wire: c.md", title="Alibaba bets on Tmall Genie", outlet="Caixin", published=None,
    url="", text="Alibaba will invest RMB10bn this year in Tmall Genie.\n\nThe speaker sold 10 million units, said Wang Lei.\n")
DOCS = {d.id: d for d in (REUTERS, XINHUA, CAIXIN)}


def ref(doc: Document, index: int, *marks: str) -> StatementRef:
    """The index-th line of the document as a statement, the given words highlighted."""
    lines = doc.text.split("\n")
    text = [line for line in lines if line][index]
    start = doc.text.index(text)
    return StatementRef(doc.id, f"{doc.id}:{index}", text, start, start + len(text),
                        tuple(Span(text.index(m), text.index(m) + len(m)) for m in marks))


def finding(fid: str, kind: str, rule: str, level: str, story: str, message: str, score: float,
            *refs: StatementRef) -> Finding:
    return Finding(fid, kind, rule, level, story, message, score, refs)  # type: ignore[arg-type]


FINDINGS = (
    finding("f6", "single_source", "SRC01", "info", "s2", "Only Caixin carries this claim RMB10bn", 1.0,
            ref(CAIXIN, 0, "RMB10bn")),
    finding("f2", "agreement", "AGR01", "info", "s1", "Reuters and Xinhua agree: Beijing", 0.87654321,
            ref(REUTERS, 1, "Beijing"), ref(XINHUA, 1, "Beijing")),
    finding("f1", "contradiction", "NUM01", "error", "s1", "Reuters says $370 million, Xinhua says $470 million",
            0.912345678, ref(REUTERS, 0, "$370 million"), ref(XINHUA, 0, "$470 million")),
    finding("f3", "discrepancy", "NUM01", "warning", "s1", "GfK says 44 percent, AVC says 46 percent", 0.7,
            ref(REUTERS, 3, "GfK", "44 percent"), ref(XINHUA, 2, "AVC", "46 percent")),
    finding("f4", "update", "TIME01", "warning", "s1",
            "Reuters (2020-05-20) reports 8 million; Xinhua (2020-05-21) reports 12 million: up 50%, revised",
            0.66666666, ref(REUTERS, 4, "8 million"), ref(XINHUA, 3, "12 million")),
    finding("f5", "single_source", "SRC01", "info", "s1", "Only Xinhua carries this claim", 1.0,
            ref(XINHUA, 4)),
    finding("f7", "unsupported", "DRAFT01", "error", "s2", "No source backs: 10 million units", 0.5,
            ref(CAIXIN, 1, "10 million units")),
)
PROBLEMS = (InputProblem("news/broken.pdf", "E101", "not a readable article: empty body"),
            InputProblem("news/odd.html", "W201", "no publication date", line=12))


@pytest.fixture
def report() -> Report:
    return Report(documents=(REUTERS, XINHUA, CAIXIN),
                  stories=(Story("s1", "Baidu buys PPS for hundreds of millions", ("a", "b")),
                           Story("s2", "Alibaba bets on Tmall Genie", ("c",))),
                  findings=FINDINGS, problems=PROBLEMS, statement_count=12)


SUMMARY = ("2 stories, 3 documents, 1 contradiction, 1 unsupported claim, 1 update, 1 discrepancy, 1 agreement, "
           "2 single-source claims; 2 input problems")


# --- dispatch --------------------------------------------------------------------------------

def test_render_dispatches_every_format(report):
    for fmt in FORMATS:
        out = render(report, fmt, color=False)
        assert isinstance(out, str) and out.endswith("\n")
    with pytest.raises(ValueError, match="unknown report format"):
        render(report, "html")


# --- JSON ------------------------------------------------------------------------------------

def test_json_validates_against_published_schema(report):
    data = json.loads(to_json(report))
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
    jsonschema.Draft202012Validator(REPORT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)
    assert list(data) == ["schema", "documents", "stories", "findings", "problems", "summary"]
    assert data["schema"] == "crosscheck.report/1"


def test_json_field_values(report):
    data = to_dict(report)
    docs = {d["id"]: d for d in data["documents"]}
    assert list(docs["a"])[:7] == ["id", "path", "title", "outlet", "published", "url", "story"]
    assert docs["a"]["published"] == "2020-05-20" and docs["c"]["published"] is None
    assert docs["c"]["story"] == "s2" and docs["c"]["path"] == "news/caixin, wire: c.md"
    assert data["stories"][0] == {"id": "s1", "title": "Baidu buys PPS for hundreds of millions",
                                  "documents": ["a", "b"]}
    # sorted by story, severity, kind (display order), id
    assert [f["id"] for f in data["findings"]] == ["f1", "f4", "f3", "f2", "f5", "f7", "f6"]
    first = data["findings"][0]
    assert list(first) == ["id", "kind", "rule", "level", "story", "message", "score", "statements"]
    assert (first["kind"], first["rule"], first["level"], first["story"]) == ("contradiction", "NUM01", "error", "s1")
    a, b = first["statements"]
    assert (a["document"], a["statement"], a["line"], a["column"]) == ("a", "a:0", 5, 1)
    assert (b["document"], b["line"], b["column"]) == ("b", 3, 1)
    assert a["text"][slice(*a["highlights"][0])] == "$370 million"
    discrepancy = next(f for f in data["findings"] if f["kind"] == "discrepancy")
    gfk = discrepancy["statements"][0]
    assert gfk["line"] == 5 + 3 and gfk["start"] == REUTERS.text.index("According to GfK")
    assert [gfk["text"][s:e] for s, e in gfk["highlights"]] == ["GfK", "44 percent"]
    assert data["problems"][1] == {"path": "news/odd.html", "code": "W201", "message": "no publication date",
                                   "line": 12, "severity": "warning"}
    assert data["summary"] == {"contradiction": 1, "agreement": 1, "discrepancy": 1, "update": 1,
                               "single_source": 2, "unsupported": 1, "disputed": 0, "documents": 3, "statements": 12,
                               "problems": 2, "stories": 2, "findings": 7}


def test_json_rounds_scores_to_four_places(report):
    scores = {f["id"]: f["score"] for f in to_dict(report)["findings"]}
    assert scores["f1"] == 0.9123 and scores["f2"] == 0.8765 and scores["f4"] == 0.6667
    assert '"score": 0.9123,' in to_json(report)


def test_json_is_deterministic_and_readable(report):
    out = to_json(report)
    shuffled = dataclasses.replace(report, findings=tuple(reversed(report.findings)))
    assert to_json(report) == out == to_json(shuffled)
    assert out.endswith("}\n") and "百度" in out and "café" in out  # ensure_ascii=False
    assert out.startswith('{\n  "schema": "crosscheck.report/1",')


def test_json_statement_of_unknown_document_has_null_position(report):
    stray = StatementRef("gone", "gone:0", "A sentence.", 0, 11)
    odd = dataclasses.replace(report, findings=(finding("x", "single_source", "SRC01", "info", "s9", "m", 1.0, stray),))
    data = to_dict(odd)
    jsonschema.validate(data, REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["findings"][0]["statements"][0]["line"] is None


# --- SARIF -----------------------------------------------------------------------------------

def test_sarif_validates_and_maps_findings(report):
    data = json.loads(render(report, "sarif"))
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(data)
    assert data["version"] == "2.1.0" and len(data["runs"]) == 1
    run = data["runs"][0]
    assert run["tool"]["driver"]["name"] == "crosscheck"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    # info agreements and single-source claims are not alerts: AGR01 and SRC01 are absent
    assert set(rules) == {"NUM01", "TIME01", "DRAFT01"}
    assert rules["NUM01"]["shortDescription"]["text"] == "Reuters says $370 million, Xinhua says $470 million"
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("NUM01", "error"), ("TIME01", "warning"), ("NUM01", "warning"), ("DRAFT01", "error")]
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    first = results[0]
    assert first["partialFingerprints"] == {"crosscheck/v1": "f1"}
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "news/reuters.md"
    length = len("Baidu bought the video site PPS for $370 million in May.")
    assert loc["region"] == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 1 + length,
                             "snippet": {"text": REUTERS.text.split("\n")[0]}}
    related = first["relatedLocations"]
    assert len(related) == 1 and related[0]["physicalLocation"]["region"]["startLine"] == 3
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "news/xinhua.md"


def test_sarif_uris_are_uri_references_of_the_given_path(report):
    run = to_sarif_dict(report)["runs"][0]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"] for loc in r.get("locations", []) + r.get("relatedLocations", [])]
    for uri in uris:
        assert " " not in uri and urlsplit(uri).scheme == ""
    assert "news/caixin, wire: c.md" in {unquote(u) for u in uris}
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [("error", "E101"), ("warning", "W201")]


def test_sarif_includes_agreements_raised_to_warning(report):
    raised = tuple(dataclasses.replace(f, level="warning") if f.kind == "agreement" else f for f in report.findings)
    data = to_sarif_dict(dataclasses.replace(report, findings=raised))
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(data)
    assert "AGR01" in {r["ruleId"] for r in data["runs"][0]["results"]}


# --- Markdown --------------------------------------------------------------------------------

def _tables(tokens) -> list[list[int]]:
    """Cells per row, for each table."""
    tables, row_cells = [], 0
    for tok in tokens:
        if tok.type == "table_open":
            tables.append([])
        elif tok.type == "tr_open":
            row_cells = 0
        elif tok.type in ("th_open", "td_open"):
            row_cells += 1
        elif tok.type == "tr_close":
            tables[-1].append(row_cells)
    return tables


def _headings(tokens, tag: str) -> list[str]:
    """Headings as the reader sees them (escapes resolved)."""
    return ["".join(c.content for c in tokens[i + 1].children or ())
            for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == tag]


def test_markdown_structure(report):
    md = render(report, "markdown")
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(md)
    assert _headings(tokens, "h1") == ["crosscheck report"]
    h2 = _headings(tokens, "h2")
    assert h2 == ["Could not read", "Baidu buys PPS for hundreds of millions", "Alibaba bets on Tmall Genie"]
    h3 = _headings(tokens, "h3")
    assert "Contradiction: Reuters says $370 million, Xinhua says $470 million" in h3
    assert any(h.startswith("Update: ") for h in h3) and "Single-source claims (1)" in h3
    tables = _tables(tokens)
    # problems, then per story: sources and matrix
    assert len(tables) == 5
    for rows in tables:
        assert len(set(rows)) == 1, rows  # every row has as many cells as the header
    assert tables[1][0] == 4  # sources: outlet, date, title, file
    assert tables[2][0] == 3  # matrix: claim + Reuters + Xinhua
    assert len(tables[1]) == 3  # header + two sources (the | in a title did not split a cell)
    quotes = sum(t.type == "blockquote_open" for t in tokens)
    assert quotes == 2 * 4 + 1  # two statements for four pair findings, one for the unsupported claim
    html = parser.render(md)
    assert "<strong>$370 million</strong>" in html
    assert "*a milestone* | for the café" in html and "<em>a milestone" not in html  # text stays literal
    assert "百度 acquires PPS | video deal" in html
    assert SUMMARY in md


def test_markdown_matrix_cells(report):
    md = render(report, "markdown")
    rows = [line for line in md.splitlines() if line.startswith("| Baidu bought")]
    # "$" escaped: GitHub would otherwise read "$370 ... $470" on one line as maths
    assert rows == ["| Baidu bought the video site PPS for \\$370 million in May. | claims | contradicts |"]


def test_markdown_escapes_untrusted_text():
    from crosscheck.report.markdown import code, escape

    parser = MarkdownIt("commonmark").enable("table")
    for raw in ("US$370 and US$470", "<script>x</script> & *not em* _nor_ [link](x) `code`", "# not a heading",
                "- not a list", "1. not a list", "a | b"):
        html = parser.render(escape(raw))
        assert html == parser.render("x").replace("x", _html_text(raw), 1), (raw, html)
    assert parser.render(code("a`b|c.md")).strip() == "<p><code>a`b|c.md</code></p>"


def test_markdown_highlight_inside_a_word_is_still_bold():
    from crosscheck.report.markdown import bolded

    text = "Baidu paid US$370 million (about 44%), sources said."
    spans = (Span(text.index("$370"), text.index("$370") + 4), Span(text.index("44"), text.index("44") + 2))
    html = MarkdownIt("commonmark").render(bolded(text, spans))
    assert "<strong>US$370</strong>" in html and "<strong>44%),</strong>" in html and "*" not in html


def _html_text(raw: str) -> str:
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- GitHub ----------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning) file=([^,:\r\n]+),line=(\d+),col=(\d+),title=([^,:\r\n]+)::([^\r\n]*)$")


def test_github_lines(report):
    out = render(report, "github")
    lines = out.splitlines()
    assert len(lines) == 4  # error and warning findings only
    parsed = [COMMAND.match(line) for line in lines]
    assert all(parsed), lines
    cmd, path, line, col, title, message = parsed[0].groups()
    assert (cmd, path, line, col, title) == ("error", "news/reuters.md", "5", "1", "NUM01")
    assert unescape_data(message) == "Reuters says $370 million, Xinhua says $470 million (see also news/xinhua.md:3)"
    update = next(m for m in parsed if m.group(5) == "TIME01")
    assert unescape_data(update.group(6)).startswith(FINDINGS[4].message)
    assert "up 50%25, revised" in update.group(6)
    draft = next(m for m in parsed if m.group(5) == "DRAFT01")
    assert draft.group(2) == "news/caixin%2C wire%3A c.md"
    assert unescape_property(draft.group(2)) == CAIXIN.path
    assert (draft.group(3), draft.group(4)) == ("3", "1")


@pytest.mark.parametrize("value", ["plain", "50% of 100%", "two\nlines\r\n", "a,b:c", "%0A literal", "%25%3A", ""])
def test_github_escaping_round_trips(value):
    assert unescape_data(escape_data(value)) == value
    assert unescape_property(escape_property(value)) == value
    assert not re.search(r"[\r\n]", escape_data(value))
    assert not re.search(r"[\r\n,:]", escape_property(value))


def test_github_message_with_newline_stays_one_line(report):
    odd = dataclasses.replace(FINDINGS[2], message="first line\nsecond, line: 100%")
    out = render(dataclasses.replace(report, findings=(odd,)), "github")
    assert out.count("\n") == 1
    message = COMMAND.match(out.rstrip("\n")).group(6)
    assert unescape_data(message).startswith("first line\nsecond, line: 100%")


# --- terminal --------------------------------------------------------------------------------

def test_terminal_plain_screen(report):
    out = render(report, "text", color=False, width=100)
    lines = out.splitlines()
    assert not ANSI.search(out) and "\x1b" not in out
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)
    assert "Baidu buys PPS for hundreds of millions" in out and "Alibaba bets on Tmall Genie" in out
    # the summary is one sentence, wrapped to the screen like any paragraph
    assert " ".join(out.rstrip().split("\n\n")[-1].split()) == SUMMARY
    assert "«$370" in out and "«$470" in out and "«GfK»" in out and "«44 percent»" in out
    assert out.index("Could not read") < out.index("Baidu buys PPS for hundreds of millions")
    assert "E101" in out and "news/odd.html:12" in out
    assert "[CONTRADICTION · error]" in out and "NUM01" in out
    assert "Claims by outlet" in out and "contradicts" in out and "only source" in out
    assert "Reuters · 2020-05-20 · news/reuters.md:5" in out
    # the two statements of a pair sit side by side: both outlets on one line
    assert any("news/reuters.md:5" in line and "news/xinhua.md:3" in line for line in lines)
    # kinds in display order within a story
    story = out[out.index("Baidu buys PPS for hundreds"):out.index("Alibaba bets on Tmall Genie")]
    order = [story.index(k) for k in ("CONTRADICTION ·", "UPDATE ·", "DISCREPANCY ·", "AGREEMENT ·", "single-source")]
    assert order == sorted(order)


def test_terminal_is_pure_and_narrow_widths_fit(report, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = render(report, "text", color=False, width=100)
    assert out == render(report, "text", color=False, width=100) and "\x1b" not in out
    narrow = render(report, "text", color=False, width=60)
    assert all(len(line) <= 60 for line in narrow.splitlines())
    assert render(report, "text", color=False) == out  # width None means 100


def test_terminal_color(report, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # the caller decides colour, not the environment
    out = render(report, "text", color=True, width=100)
    assert ANSI.search(out)
    assert "«" not in out  # highlights are shown by style, not by marks
    assert re.search(r"\x1b\[[0-9;]*7[0-9;]*m\$370", out)  # reverse video


def test_terminal_strips_control_characters_from_articles(report):
    evil = StatementRef("a", "a:9", "Red \x1b[31malert\x1b[0m text", 0, 10)
    odd = dataclasses.replace(report, findings=(finding("z", "unsupported", "DRAFT01", "error", "s1", "m\x1b[2J", 1.0,
                                                        evil),))
    out = render(odd, "text", color=False)
    assert "\x1b" not in out and "alert" in out


def test_terminal_matrix_is_capped(report):
    many = tuple(finding(f"s{i:02d}", "single_source", "SRC01", "info", "s1", "only", 1.0,
                         StatementRef("a", f"a:{i + 10}", f"Claim number {i} about something.", 0, 10))
                 for i in range(20))
    out = render(dataclasses.replace(report, findings=FINDINGS + many), "text", color=False)
    story = out[out.index("Claims by outlet"):out.index("CONTRADICTION ·")]
    assert "13 more claims below" in " ".join(story.split())  # 5 + 20 claims, 12 shown
    assert sum("Claim number" in line for line in story.splitlines()) <= 12 - 5
    assert "22 single-source claims" in " ".join(out.split())


def test_stray_story_findings_are_shown(report):
    draft = finding("d", "unsupported", "DRAFT01", "error", "draft", "No source backs it", 0.5, ref(CAIXIN, 1))
    odd = dataclasses.replace(report, findings=(draft,))
    assert "Other findings" in render(odd, "text", color=False)
    assert "## Other findings" in render(odd, "markdown")


def test_empty_report_renders_everywhere():
    empty = Report((), (), ())
    for fmt in FORMATS:
        out = render(empty, fmt, color=False)
        assert isinstance(out, str)
    assert render(empty, "github") == ""
    assert json.loads(render(empty, "json"))["summary"]["documents"] == 0
    assert "0 stories, 0 documents" in render(empty, "text", color=False)


def test_terminal_crowded_story_fits_the_width():
    outlets = [f"Outlet{i} Very Long Daily News Network" for i in range(6)]
    url = "https://example.com/" + "x" * 150
    docs = tuple(Document(id=f"d{i}", path=f"deep/folder/structure/article-{i}.md", title="T" * 120, outlet=o,
                          published=None, url="", text=f"Claim {url} number {i}.\n") for i, o in enumerate(outlets))
    refs = [StatementRef(d.id, f"{d.id}:0", d.text.strip(), 0, len(d.text.strip()), (Span(6, 40),)) for d in docs]
    findings = tuple(finding(f"k{i}", "contradiction", "NUM01", "error", "s", "m " + url, 0.5, refs[0], refs[i])
                     for i in range(1, 6))
    crowded = Report(docs, (Story("s", "A story title " * 12, tuple(d.id for d in docs)),), findings)
    for width in (60, 80, 120):
        out = render(crowded, "text", color=False, width=width)
        assert all(len(line) <= width for line in out.splitlines()), width
        assert "\x1b" not in out
        # no matrix column is cropped away: every outlet heads a column, every table row is closed
        matrices = out[out.index("Claims by outlet"):out.index("Row: a claim")]
        assert all(f"Outlet{i}" in matrices for i in range(6)), matrices
        assert all(line.rstrip()[-1] in "┃│┓┩┘" for line in matrices.splitlines() if line[:1] in "┃│┏┡└")

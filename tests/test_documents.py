"""The documents stage: every file loaded or reported, and one bad file never costs the others."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.documents import load_documents
from crosscheck.documents.boilerplate import paragraphs
from crosscheck.errors import InputError
from conftest import write

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"

GOOD = """---
title: Harbor bridge approved
outlet: Harbor Gazette
published: 2021-03-02
url: https://example.org/bridge
---

The city council approved a budget of 48 million euros for the new river bridge on Monday.

Construction will start in March and take about three years, the mayor said.
"""


def load_with_good(tmp_path: Path, name: str, content: str | bytes, **kwargs):
    """Load a folder holding the file under test and a good article; the good one must always load."""
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, name, content)
    docs, problems = load_documents([tmp_path], **kwargs)
    assert "good" in [d.id for d in docs]
    return docs, problems


def only_problem(problems, code: str):
    assert [p.code for p in problems] == [code], problems
    return problems[0]


# --- Markdown and text ------------------------------------------------------------------------


def test_markdown_front_matter_and_verbatim_body(tmp_path):
    docs, problems = load_documents([write(tmp_path, "bridge.md", GOOD)])
    assert problems == []
    (doc,) = docs
    assert (doc.id, doc.title, doc.outlet, doc.published, doc.url) == (
        "bridge", "Harbor bridge approved", "Harbor Gazette", dt.date(2021, 3, 2), "https://example.org/bridge")
    assert GOOD.endswith(doc.text) and doc.text.startswith("\nThe city council")
    assert doc.first_line == 7
    offset = doc.text.index("Construction")
    assert doc.line_col(offset) == (10, 1)
    assert GOOD.splitlines()[9].startswith("Construction")


def test_missing_title_comes_from_the_first_heading_or_line(tmp_path):
    write(tmp_path, "a.md", "Intro line without heading\n\n# The Real Heading\n\nBody text here.\n")
    write(tmp_path, "b.txt", "\n  First line is the title  \n\nBody.\n")
    docs, problems = load_documents([tmp_path])
    assert problems == []
    assert [(d.title, d.outlet, d.published, d.first_line) for d in docs] == [
        ("The Real Heading", "", None, 1), ("First line is the title", "", None, 1)]


def test_published_accepts_datetimes_and_written_dates(tmp_path):
    write(tmp_path, "a.md", "---\npublished: 2020-05-20T09:30:00+08:00\n---\nText of a.\n")
    write(tmp_path, "b.md", "---\npublished: '20 May 2020'\n---\nText of b.\n")
    write(tmp_path, "c.md", "---\ndate: 2020-05-20\nsource: Wire\nunknown_key: [1, 2]\n---\nText of c.\n")
    docs, problems = load_documents([tmp_path])
    assert problems == []
    assert [d.published for d in docs] == [dt.date(2020, 5, 20)] * 3
    assert docs[2].outlet == "Wire"


@pytest.mark.parametrize("value", ["sometime soon", "2020-02-30"])
def test_unparseable_date_is_a_warning_and_the_document_loads(tmp_path, value):
    docs, problems = load_with_good(tmp_path, "dated.md", f"---\ntitle: T\npublished: {value}\n---\nBody.\n")
    problem = only_problem(problems, "W120")
    assert problem.line == 3 and value in problem.message
    dated = next(d for d in docs if d.id == "dated")
    assert dated.published is None and dated.title == "T"


def test_broken_front_matter_names_its_line(tmp_path):
    docs, problems = load_with_good(tmp_path, "broken.md", "---\ntitle: ok\nouter: [unclosed\nx: 1\n---\nBody\n")
    problem = only_problem(problems, "E110")
    assert problem.line in (3, 4, 5) and problem.path.endswith("broken.md")
    assert [d.id for d in docs] == ["good"]


def test_unclosed_front_matter_is_reported(tmp_path):
    _, problems = load_with_good(tmp_path, "open.md", "---\ntitle: never closed\n\nBody text.\n")
    assert only_problem(problems, "E110").line == 1


def test_front_matter_that_is_a_list_is_reported(tmp_path):
    _, problems = load_with_good(tmp_path, "list.md", "---\n- title\n- outlet\n---\nBody\n")
    assert "mapping" in only_problem(problems, "E111").message


# --- bytes and encodings ----------------------------------------------------------------------


def test_empty_and_blank_files_are_reported(tmp_path):
    write(tmp_path, "blank.txt", " \n\t\n")
    _, problems = load_with_good(tmp_path, "empty.md", b"")
    assert sorted(p.code for p in problems) == ["E101", "E101"]


def test_binary_file_is_reported(tmp_path):
    _, problems = load_with_good(tmp_path, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    only_problem(problems, "E102")


def test_latin1_file_is_decoded(tmp_path):
    text = ("Le conseil municipal a approuvé le budget du pont à Noël. Les élus étaient déçus, "
            "mais la décision était prise depuis des mois. Où irons-nous maintenant ?\n")
    docs, problems = load_with_good(tmp_path, "francais.txt", text.encode("latin-1"))
    assert problems == []
    assert next(d for d in docs if d.id == "francais").text == text


def test_utf8_bom_and_utf16_are_decoded(tmp_path):
    write(tmp_path, "bom.md", "\ufeff---\ntitle: With BOM\n---\nCafé.\n".encode("utf-8"))
    write(tmp_path, "wide.txt", "Smart speakers \u2014 a report.\n".encode("utf-16"))
    docs, problems = load_documents([tmp_path])
    assert problems == []
    assert [(d.title, d.text) for d in docs] == [("With BOM", "Café.\n"), ("Smart speakers \u2014 a report.",
                                                                          "Smart speakers \u2014 a report.\n")]


def test_undecodable_file_names_the_first_bad_byte(tmp_path):
    _, problems = load_with_good(tmp_path, "mojibake.txt", b"Valid start. " + bytes(range(0x80, 0x100)) * 4)
    problem = only_problem(problems, "E103")
    assert "offset 13" in problem.message and "0x80" in problem.message


def test_too_large_file_is_reported_with_the_limit(tmp_path):
    _, problems = load_with_good(tmp_path, "huge.md", "word " * 400, max_bytes=len(GOOD) + 10)
    assert f"{len(GOOD) + 10:,}" in only_problem(problems, "E104").message


def test_unreadable_file_is_reported(tmp_path):
    path = write(tmp_path, "locked.md", GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user (root) who can read any file")
        _, problems = load_with_good(tmp_path, "other.md", GOOD)
        assert only_problem(problems, "E105").path.endswith("locked.md")
    finally:
        path.chmod(0o644)


def test_os_errors_while_reading_are_reported(tmp_path, monkeypatch):
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "locked.md", GOOD)
    monkeypatch.setattr(Path, "open", refuse)
    docs, problems = load_documents([tmp_path])
    assert [d.id for d in docs] == ["good"]
    assert "Permission denied" in only_problem(problems, "E105").message


def test_read_errors_are_input_errors_with_codes(tmp_path):
    from crosscheck.documents import load_file

    with pytest.raises(InputError) as info:
        load_file(write(tmp_path, "e.md", b""))
    assert info.value.code == "E101" and str(info.value).startswith("[E101]")


# --- JSON, JSON Lines, HTML -------------------------------------------------------------------


def test_jsonl_bad_line_is_reported_and_the_other_lines_load(tmp_path):
    lines = [json.dumps({"title": "One", "text": "First article text.", "source": "Wire", "date": "2020-05-20"}),
             "{not json",
             json.dumps({"title": "Three", "body": "Third article text."}),
             json.dumps({"title": "Four"}),
             "",
             json.dumps(["not", "an", "object"])]
    docs, problems = load_with_good(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    assert [(p.code, p.line) for p in problems] == [("E140", 2), ("E141", 4), ("E140", 6)]
    feed = [d for d in docs if d.path.endswith("feed.jsonl")]
    assert [(d.id, d.title, d.outlet, d.published, d.first_line) for d in feed] == [
        ("feed#1", "One", "Wire", dt.date(2020, 5, 20), 1), ("feed#3", "Three", "", None, 3)]


def test_json_object_and_list(tmp_path):
    write(tmp_path, "one.json", json.dumps({"title": "Solo", "content": "Solo text.", "outlet": "Desk",
                                            "published": "2020-01-02", "url": "https://example.org/solo"}))
    write(tmp_path, "many.json", json.dumps([{"text": "A text."}, {"text": ""}, {"text": "C text.",
                                                                                  "published": "soon"}]))
    docs, problems = load_documents([tmp_path])
    assert [(p.code, p.message.split(" ")[:2]) for p in problems] == [("E141", ["item", "2"]), ("W120", ["item", "3:"])]
    assert [(d.id, d.title) for d in docs] == [("many#1", "A text."), ("many#3", "C text."), ("one", "Solo")]
    assert docs[2].outlet == "Desk" and docs[2].url == "https://example.org/solo"


def test_invalid_json_names_its_line(tmp_path):
    _, problems = load_with_good(tmp_path, "bad.json", '{\n "title": "x",\n "text": oops\n}')
    assert only_problem(problems, "E140").line == 3


HTML = """<!DOCTYPE html><html><head><title>Bridge approved | Harbor Gazette</title>
<meta property="og:site_name" content="Harbor Gazette">
<style>.secret-style { color: red }</style>
<script>var trackingSecret = "SCRIPT-TEXT-MUST-NOT-APPEAR";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Bridge approved</h1>
<p>The city council approved a budget of 48 million euros for the new river bridge on Monday, ending a
dispute over the crossing that lasted more than two years and divided the harbor district.</p>
<iframe src="https://ads.example.org">IFRAME-TEXT-MUST-NOT-APPEAR</iframe>
<script>document.write("INLINE-SCRIPT-MUST-NOT-APPEAR")</script>
<p>Construction of the bridge will start in March and take about three years, the mayor said, with the
budget covering the design, the steel and the removal of the old ferry pier next to the market.</p>
<p>The regional transport agency expects about 30,000 vehicles a day to use the bridge once it opens,
according to a study that the council published in April of last year.</p>
</article></body></html>"""


def test_html_main_text_without_scripts_iframes_or_styles(tmp_path):
    docs, problems = load_with_good(tmp_path, "page.html", HTML)
    assert problems == []
    page = next(d for d in docs if d.id == "page")
    assert "48 million euros" in page.text and "30,000 vehicles" in page.text
    for hidden in ("MUST-NOT-APPEAR", "secret-style", "trackingSecret"):
        assert hidden not in page.text
    assert "Bridge approved" in page.title and page.outlet == "Harbor Gazette"
    assert "\n\n" in page.text  # paragraphs as blank-line blocks


def test_html_without_article_text_is_reported(tmp_path):
    _, problems = load_with_good(tmp_path, "empty.htm", "<html><head><script>x()</script></head><body></body></html>")
    only_problem(problems, "E130")


# --- folders ----------------------------------------------------------------------------------


def test_folders_are_walked_sorted_skipping_hidden_and_foreign_files(tmp_path):
    for name in ("b/z.md", "b/a.txt", "a.md", ".hidden.md", ".git/config.md", "notes.docx", "c/d/e.jsonl"):
        write(tmp_path, name, GOOD if not name.endswith("jsonl") else json.dumps({"text": "x y z"}) + "\n")
    docs, problems = load_documents([tmp_path])
    assert problems == []
    assert [Path(d.path).relative_to(tmp_path).as_posix() for d in docs] == ["a.md", "b/a.txt", "b/z.md",
                                                                            "c/d/e.jsonl"]


def test_colliding_ids_are_made_unique(tmp_path):
    for name in ("one/story.md", "two/story.md", "story-2.md"):
        write(tmp_path, name, GOOD)
    docs, _ = load_documents([tmp_path])
    assert sorted(d.id for d in docs) == ["story", "story-2", "story-3"]


def test_missing_path_is_reported_and_explicit_files_load(tmp_path):
    good = write(tmp_path, "good.md", GOOD)
    odd = write(tmp_path, "article.text", "Plain text under an unusual suffix.\n")
    docs, problems = load_documents([tmp_path / "nope", good, odd, good])
    assert [d.id for d in docs] == ["good", "article"]
    assert [(p.code, p.message) for p in problems] == [("E105", "no such file or folder")]


def test_symlink_loop_is_walked_once(tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "sub/inner.md", GOOD)
    try:
        (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
        (tmp_path / "x.md").symlink_to(tmp_path / "y.md")
        (tmp_path / "y.md").symlink_to(tmp_path / "x.md")
        (tmp_path / "alias.md").symlink_to(tmp_path / "good.md")
    except OSError:
        pytest.skip("symbolic links are not supported here")
    docs, problems = load_documents([tmp_path])
    assert sorted(d.id for d in docs) == ["good", "inner"]
    assert {Path(p.path).name for p in problems} == {"x.md", "y.md"}
    assert {p.code for p in problems} == {"E105"}


def test_two_thousand_small_files_load_quickly(tmp_path):
    for i in range(2000):
        write(tmp_path, f"d{i % 10}/article-{i:04d}.md",
              f"---\ntitle: Item {i}\n---\nThe council counted {i} votes on Monday.\n\nLeave a comment\n")
    started = time.perf_counter()
    docs, problems = load_documents([tmp_path])
    elapsed = time.perf_counter() - started
    assert problems == [] and len(docs) == 2000 and len({d.id for d in docs}) == 2000
    assert all(len(d.boilerplate) == 1 for d in docs)
    assert elapsed < 10, f"2,000 files took {elapsed:.1f}s"


def test_loader_fills_boilerplate_and_suppressions(tmp_path):
    text = "---\ntitle: T\n---\nStory sentence one is here.\n\n<!-- crosscheck-disable numbers -->\n" \
           "Story sentence two is here.\n\nShow comments\n"
    docs, _ = load_documents([write(tmp_path, "s.md", text)])
    (doc,) = docs
    [(span, rule)] = doc.suppressions
    assert rule == "numbers" and doc.text[span.start:span.end] == "Story sentence two is here."
    assert [doc.text[s.start:s.end] for s in doc.boilerplate] == ["Show comments"]


# --- never raises -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from([".md", ".txt", ".json", ".jsonl", ".html"]))
def test_arbitrary_bytes_never_raise(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "good.md").write_text(GOOD, encoding="utf-8")
        Path(folder, "fuzz" + suffix).write_bytes(data)
        docs, problems = load_documents([folder])
        assert "good" in [d.id for d in docs]
        assert all(p.code[:1] in "EW" for p in problems)
        for doc in docs:
            assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.boilerplate)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["title", "published", "outlet", "date"]))
def test_arbitrary_front_matter_values_never_raise(value, key):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "a.md").write_text(f"---\n{key}: {value}\n---\nBody.\n", encoding="utf-8")
        docs, problems = load_documents([folder])
        assert len(docs) + len([p for p in problems if p.code.startswith("E")]) == 1


# --- the sample story set ---------------------------------------------------------------------

EXPECTED_SOURCES = {
    "2013-07-23-techcrunch-alibaba-smart-tv-os": ("TechCrunch", dt.date(2013, 7, 23)),
    "2013-07-24-zdnet-alibaba-unveils-smart-tv-os": ("ZDNet", dt.date(2013, 7, 24)),
    "2013-09-10-ducksell-alibaba-skyworth-coocaa-tv": ("ducksell.com", dt.date(2013, 9, 10)),
    "2020-05-20-krasia-alibaba-tmall-genie-investment": ("KrASIA", dt.date(2020, 5, 20)),
    "2020-05-22-warc-alibaba-smart-speaker-investment": ("WARC", dt.date(2020, 5, 22)),
}


def _debris_flags(doc):
    return [(p.text, any(s.start <= p.start and p.end <= s.end for s in doc.boilerplate))
            for p in paragraphs(doc.text) if not p.comment]


def _is_expected_debris(text: str) -> bool:
    return text.startswith(("<<:", ">>:", "Show Comments", "Read this:", "Sourced from"))


# paragraphs that are neither story nor required debris (a photo caption, a disclosure, the repeated headline)
_EITHER = ("Alibaba enters the smart TV business", "Alibaba is the parent company",
           "Alibaba and Skyworth jointly release smart TVs to join")


def test_sample_sources_load_with_their_metadata_and_debris_marked():
    docs, problems = load_documents([SOURCES])
    assert problems == []
    assert {d.id: (d.outlet, d.published) for d in docs} == EXPECTED_SOURCES
    assert all(d.title and d.url.startswith("https://") for d in docs)
    skyworth = next(d for d in docs if "skyworth" in d.id)
    flags = _debris_flags(skyworth)
    bio = next(i for i, (text, _) in enumerate(flags) if "he has won many awards" in text)
    recommend = [text for text, _ in flags].index("Recommend")
    assert len(flags) - recommend > 10  # the heading and its headline/teaser pairs
    assert all(is_debris for _, is_debris in flags[bio:])  # bio, <<: >>: links, Recommend list
    for doc in docs:
        for text, is_debris in _debris_flags(doc):
            if text.startswith(_EITHER) or (doc is skyworth and text in [t for t, _ in flags[bio:]]):
                continue
            if _is_expected_debris(text):
                assert is_debris, (doc.id, text)
            else:  # a story paragraph
                assert not is_debris, (doc.id, text)
    for needle in ("Show Comments", "Read this:", "he has won many awards", "<<:", ">>:"):
        holder = next(d for d in docs if needle in d.text)
        start = holder.text.index(needle)
        assert any(s.start <= start < s.end for s in holder.boilerplate), needle


def test_control_characters_are_those_of_unicode_categories_cc_and_cs():
    import sys
    import unicodedata

    from crosscheck.documents.reading import _CONTROLS, _TEXT_CONTROLS

    for code in range(0x11000):  # every category Cc/Cs character lies below U+E000
        ch = chr(code)
        expected = ch not in _TEXT_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs")
        assert bool(_CONTROLS.fullmatch(ch)) == expected, hex(code)
    assert not _CONTROLS.search(chr(sys.maxunicode))

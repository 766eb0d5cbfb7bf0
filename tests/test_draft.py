"""A draft written for the tests, about the sample stories, with planted errors (issue 5); its checklist (issue 19)."""

import re

import pytest

from conftest import SOURCES

DRAFT = """---
title: Alibaba's bets on TV and speakers
outlet: Our newsroom
published: 2020-06-01
---
Alibaba will invest RMB10bn (US$1.4bn) this year in its Tmall Genie smart speaker.

Smart speaker shipments in China are projected to grow 9.8% in 2020, according to IDC.

Baidu bought the online video provider PPS for $470 million.

Skyworth denied joining the Alibaba TV operating system.

\u201cBy tapping into Alibaba\u2019s diverse ecosystem and cutting-edge technology, we are committed to bringing in fewer unique experiences to our Tmall Genie users,\u201d said Ku Wei.

Tmall Genie shipped 45 million speakers to Europe in 2019.

Consumers will be able to use the Alipay payments platform via Tmall Genie from August 1st onwards.

Baidu denied its acquisition of online video provider PPS.

\u201cWe will start selling Tmall Genie speakers across Europe next spring,\u201d said Ku Wei.

\u201cThe city is ready to double the bus fleet before the summer,\u201d said Mayor Jane Roe.

It is a remarkable time for the industry.
"""


@pytest.fixture(scope="module")
def draft_result(pipeline, tmp_path_factory):
    from crosscheck.draft import check_draft

    path = tmp_path_factory.mktemp("draft") / "draft.md"
    path.write_text(DRAFT)
    analysis = check_draft(pipeline, path, [SOURCES])
    return path, analysis


def verdict_for(analysis, needle):
    found = [f for f in analysis.findings if f.story == "draft" and needle in f.statements[0].text]
    assert found, f"no verdict for the draft claim containing {needle!r}"
    return found[0]


def claim_for(analysis, needle):
    """The checklist's entry for the draft claim containing ``needle``: exactly one."""
    found = [c for c in analysis.checklist.claims if needle in c.statement.text]
    assert len(found) == 1, f"{len(found)} checklist entries for the draft claim containing {needle!r}"
    return found[0]


def marked(ref):
    return [ref.text[h.start:h.end] for h in ref.highlights]


def test_correct_amount_is_supported_after_normalisation(draft_result):
    c = claim_for(draft_result[1], "RMB10bn")
    assert c.verdict == "supported" and verdict_for(draft_result[1], "RMB10bn").kind == "agreement"
    assert c.explanation == "KrASIA and WARC both report RMB10bn (US$1.4bn)"
    # every source behind it, WARC as well as KrASIA, each with the matching figures marked
    assert {(e.statement.document.split("-")[3], e.stance) for e in c.evidence} == {("krasia", "supports"),
                                                                                     ("warc", "supports")}
    assert sorted(m for e in c.evidence for m in marked(e.statement)) == [
        "10 billion yuan", "RMB10bn", "US$1.4bn", "USD 1.4 billion"]
    assert marked(c.statement) == ["RMB10bn", "US$1.4bn"]


def test_correct_forecast_is_supported(draft_result):
    c = claim_for(draft_result[1], "9.8%")
    assert c.verdict == "supported" and c.explanation == "KrASIA and WARC both report 9.8%"


def test_wrong_amount_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "$470 million")
    assert f.kind == "contradiction" and f.rule == "NUM01" and f.level == "error"
    assert "370" in f.statements[1].text
    c = claim_for(draft_result[1], "$470 million")
    assert c.verdict == "contradicted" and c.finding == f.id and f.message == c.explanation
    assert c.explanation == "ZDNet reports US$370 million, not $470 million"


def test_altered_quote_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "fewer unique experiences")
    assert f.kind == "contradiction" and f.rule == "QUOTE01"
    c = claim_for(draft_result[1], "fewer unique experiences")
    assert re.fullmatch("(WARC|KrASIA) quotes Ku Wei saying \u201cmore\u201d, not \u201cfewer\u201d", c.explanation)
    assert marked(c.statement) == ["fewer"] and marked(c.evidence[0].statement) == ["more"]


def test_words_put_in_a_quoted_speakers_mouth_are_contradicted_with_the_real_quote(draft_result):
    f = verdict_for(draft_result[1], "across Europe next spring")
    assert f.kind == "contradiction" and f.rule == "QUOTE01" and f.level == "error"
    assert f.message.startswith("No source quotes Ku Wei saying this; the closest quote is in ")
    real = f.statements[1]
    assert "Ku" in real.text and "\u201c" in real.text  # the closest real quote of the same speaker is shown


def test_a_quote_of_a_speaker_no_source_quotes_is_unsupported(draft_result):
    f = verdict_for(draft_result[1], "double the bus fleet")
    assert f.kind == "unsupported" and f.message == "No source quotes Jane Roe"


def test_claim_the_sources_disagree_on_is_disputed(draft_result):
    f = verdict_for(draft_result[1], "Skyworth denied")
    assert f.kind == "disputed"
    c = claim_for(draft_result[1], "Skyworth denied")
    assert c.verdict == "disputed"
    assert c.explanation.startswith("The sources disagree: ducksell.com reports this, but TechCrunch, ZDNet and ")
    # the sources' own dispute (ZDNet against ducksell.com) is shown here, where it bears on the draft
    assert any("ZDNet" in m for m in c.disagreements)
    stances = {e.stance for e in c.evidence}
    assert "supports" in stances and stances & {"contradicts", "disputes"}
    assert any("These include Skyworth" in e.statement.text for e in c.evidence)


def test_invented_figure_is_unsupported(draft_result):
    f = verdict_for(draft_result[1], "45 million speakers")
    assert f.kind == "unsupported" and f.rule == "UNS01" and f.level == "warning"


def test_invented_details_are_named(draft_result):
    c = claim_for(draft_result[1], "45 million speakers")
    assert c.explanation == "No source mentions 45 million speakers or Europe"
    assert set(marked(c.statement)) == {"45 million", "Europe"}


def test_wrong_date_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "August 1st")
    assert f.kind == "contradiction" and f.rule == "DATE01" and f.level == "error"
    assert "July 1st" in f.statements[1].text
    assert claim_for(draft_result[1], "August 1st").explanation == "WARC dates it July 1st, not August 1st"


def test_confirmation_turned_into_a_denial_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "Baidu denied")
    assert f.kind == "contradiction" and f.rule == "POL01"
    assert "confirmed" in f.statements[1].text
    assert f.message == "TechCrunch and ZDNet both report it as fact, not as denied"


def test_the_checklist_has_each_claim_once_in_the_drafts_order(draft_result):
    checklist = draft_result[1].checklist
    starts = [c.statement.start for c in checklist.claims]
    assert starts == sorted(starts) and len(set(starts)) == len(starts) == 10
    from crosscheck.report.common import checklist_summary

    assert checklist_summary(checklist) == "10 claims: 2 supported, 5 contradicted, 1 disputed, 2 unsupported"
    assert {c.finding for c in checklist.claims} == {f.id for f in draft_result[1].findings}


def test_only_what_touches_the_draft(draft_result):
    """The sources' own findings count only where they bear on a claim; the rest is one line."""
    check = draft_result[1]
    assert {f.story for f in check.findings} == {"draft"}
    assert check.checklist.other_disagreements == 1  # GfK's 44% against AVC's 46%: no claim of the draft
    from crosscheck.report import render

    out = render(check.report(), "text", color=False, width=100)
    assert "44 percent" not in out and "Claims by outlet" not in out and "score" not in out
    flat = " ".join(out.split())  # where Rich wraps depends on the draft's path length
    assert "The sources disagree among themselves on 1 other claim: run `crosscheck check " in flat


def test_the_draft_is_named_by_its_title_or_file_name(draft_result, pipeline, tmp_path):
    from crosscheck.draft import check_draft
    from crosscheck.report import render

    path, check = draft_result
    assert check.checklist.name == "Alibaba's bets on TV and speakers"
    for fmt in ("text", "markdown", "json", "sarif", "github"):
        assert "draft:draft" not in render(check.report(), fmt, color=False).replace('"draft:draft', '"')
    untitled = tmp_path / "tmall-genie.md"
    untitled.write_text("Baidu shipped 20 million smart speakers last year.\n")
    bare = check_draft(pipeline, untitled, [SOURCES])
    assert bare.checklist.name == "tmall-genie.md" and bare.draft.outlet == "tmall-genie.md"
    assert [c.explanation for c in bare.checklist.claims] == ["No source mentions 20 million smart speakers"]


def test_every_format_carries_the_real_checklist(draft_result):
    import json

    import jsonschema

    from crosscheck.report import render
    from conftest import ROOT

    report = draft_result[1].report()
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8")))
    assert [c["verdict"] for c in data["claims"]][:3] == ["supported", "supported", "contradicted"]
    assert data["draft"]["summary_text"].startswith("10 claims")
    markdown = render(report, "markdown")
    assert "| 3 | \u274c contradicted | Baidu bought the online video provider PPS for \\$470 million. |" in markdown
    sarif = json.loads(render(report, "sarif"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"file://" + draft_result[0].as_posix()}  # every alert sits on the draft's lines
    github = render(report, "github")
    assert github.count("::error ") == 5 and "title=Contradicted (NUM01)" in github


def test_novel_details_ignore_spelling_acronyms_and_finer_dates():
    import datetime as dt

    from crosscheck.draft import SourceDetails
    from crosscheck.nouns import DateMention, Document, Entity, Quantity, Statement

    text = "The US Food and Drug Administration (FDA) approved it on 17 August 2022 for $5.08bn."
    source = Document("s", "s.md", "", "S", dt.date(2022, 9, 1), "", text)
    said = Statement("s:0", "s", 0, 0, len(text), text,
                     quantities=(Quantity(70, 78, "$5.08bn", 5.08e9, "money", "USD"),),
                     dates=(DateMention(50, 64, "17 August 2022", dt.date(2022, 8, 17), "day"),))
    details = SourceDetails.of([source], [said])

    def claim(**parts):
        return Statement("d:0", "d", 0, 0, 10, "claim", **parts)

    assert details.novel_in(claim(entities=(Entity(0, 5, "The U.S. Food & Drug Administration", "ORG"),))) == ()
    assert details.novel_in(claim(entities=(Entity(0, 5, "FDA", "ORG"),))) == ()
    assert details.novel_in(claim(entities=(Entity(0, 5, "Pfizer", "ORG"),))) == ("Pfizer",)
    assert details.novel_in(claim(dates=(DateMention(0, 5, "August 2022", dt.date(2022, 8, 1), "month"),))) == ()
    assert details.novel_in(claim(dates=(DateMention(0, 5, "July 2022", dt.date(2022, 7, 1), "month"),))) == (
        "July 2022",)
    assert details.novel_in(claim(quantities=(Quantity(0, 5, "$5.1bn", 5.1e9, "money", "USD"),))) == ()
    assert details.novel_in(claim(quantities=(Quantity(0, 5, "$6bn", 6e9, "money", "USD"),))) == ("$6bn",)


def test_opinion_gets_no_verdict(draft_result):
    assert not [f for f in draft_result[1].findings if "remarkable time" in f.statements[0].text]


def test_findings_point_at_the_draft_line(draft_result):
    path, analysis = draft_result
    draft_doc = next(d for d in analysis.documents if d.id.startswith("draft:"))
    f = verdict_for(analysis, "$470 million")
    line, col = draft_doc.line_col(f.statements[0].start)
    assert path.read_text().splitlines()[line - 1].startswith("Baidu bought") and col == 1


def test_the_readme_shows_the_real_checklist(pipeline, monkeypatch):
    """README's draft section is the real output of the command it names, character for character."""
    from pathlib import Path

    from conftest import ROOT

    from crosscheck.draft import check_draft
    from crosscheck.gate import gate_exit_code
    from crosscheck.report import render

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "`crosscheck check docs/example-draft.md --against sources/ --no-color` prints"
    assert command in readme
    shown = readme.split(command, 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    monkeypatch.chdir(ROOT)
    check = check_draft(pipeline, Path("docs/example-draft.md"), [Path("sources/")])
    assert render(check.report(), "text", color=False, width=100).rstrip("\n") == shown
    assert gate_exit_code(check.findings) == 1


def test_a_sources_publication_date_dates_what_it_reports(nlp):
    import datetime as dt

    from crosscheck.draft import SourceDetails
    from crosscheck.statements.extract import extract_statements
    from conftest import make_doc

    source = make_doc("s", "Skyworth denied joining the Alibaba TV operating system.", published=dt.date(2013, 9, 10))
    claim = extract_statements([make_doc("d", "In 2013, Skyworth denied joining the Alibaba TV system.")], nlp)[0]
    later = extract_statements([make_doc("e", "In 2015, Skyworth denied joining the Alibaba TV system.")], nlp)[0]
    details = SourceDetails.of([source], extract_statements([source], nlp))
    assert details.novel_in(claim) == ()  # the 2013 article carries the year, though its text never writes it
    assert details.novel_in(later) == ("2015",)


_HARBOR_SOURCE = """---
title: Harbor council votes on ferry plan
outlet: Coastal Ledger
published: 2024-03-05
---
The Marlow harbor council said on Monday it would expand the ferry service to the northern islands, as passenger numbers reached the highest level since 2019.

The new ferries will be built by Tarrow Yards, the council said.
"""

_HARBOR_DRAFT = """---
title: Ferry plan
---
The Marlow harbor council said on Monday it would expand the ferry service to the northern islands, as passenger numbers reached the lowest level since 2019.

The Marlow harbor council said on Monday it would expand the ferry service to the southern islands, as passenger numbers reached the highest level since 2019.

On Monday the Marlow harbor council said it would expand ferry services to the northern islands, with passenger numbers at their highest level since 2019.

Tarrow Yards will build the new ferries, the council said.
"""


def _checked(pipeline, tmp_path, sources: dict[str, str], draft: str):
    from crosscheck.draft import check_draft

    (tmp_path / "sources").mkdir(parents=True)
    for name, text in sources.items():
        (tmp_path / "sources" / name).write_text(text)
    (tmp_path / "draft.md").write_text(draft)
    check = check_draft(pipeline, tmp_path / "draft.md", [tmp_path / "sources"])
    return check.checklist.claims, check


def _harbor_checklist(pipeline, tmp_path):
    return _checked(pipeline, tmp_path, {"ledger.md": _HARBOR_SOURCE}, _HARBOR_DRAFT)


def test_a_copied_source_sentence_with_one_detail_changed_is_contradicted_by_the_model(pipeline, tmp_path):
    """The draft copies a source's sentence and changes a word no specific rule reads ("highest" / "lowest",
    "northern" / "southern"): the contradiction model's verdict (NLI01) stands in the draft check, near-copy
    or not; the same sentence in other words stays supported."""
    claims, check = _harbor_checklist(pipeline, tmp_path)
    lowest, southern, reworded, builder = claims
    assert "lowest" in lowest.statement.text and "southern" in southern.statement.text
    for claim, word in ((lowest, "lowest"), (southern, "southern")):
        assert (claim.verdict, claim.rule) == ("contradicted", "NLI01")
        assert "contradiction model" in claim.explanation and marked(claim.statement) == [word]
    assert (reworded.verdict, builder.verdict) == ("supported", "supported")
    assert [f.level for f in check.findings if f.rule == "NLI01"] == ["error", "error"]


def test_the_models_draft_verdicts_can_be_turned_off(pipeline, tmp_path, monkeypatch):
    from dataclasses import replace

    off = [replace(r, params=r.params.model_copy(update={"draft_findings": False})) if r.kind == "nli" else r
           for r in pipeline.rules]
    monkeypatch.setattr(pipeline, "_rules", off)
    claims, _ = _harbor_checklist(pipeline, tmp_path)
    assert [c.verdict for c in claims] == ["supported"] * 4


_EXCHANGE_SOURCE = """---
title: Exchange moved customer funds
outlet: Ledger Daily
published: 2024-03-05
---
A report by the Harbor Gazette found that the Quillex exchange transferred $1.8 billion worth of customer collateral to hedge funds last year.

Quillex reportedly transferred the funds that backed $1 billion worth of its Q-dollar tokens to multiple hedge funds.
"""

_EXCHANGE_DRAFT = """---
title: Quillex
---
A report by the Harbor Gazette found that Quillex secretly transferred $1.8 billion worth of customer funds to several hedge funds.
"""


def test_a_detail_the_draft_adds_to_a_copied_sentence_is_no_contradiction(pipeline, tmp_path):
    """The model calls a near-copy with words added ("secretly", "several") a contradiction at p 1.00; the draft
    check keeps its contradiction only where it lies in words the draft swapped or a denial. And an article
    does not contradict itself: its sentence with the draft's $1.8 billion backs the claim, its other sentence's
    $1 billion (of tokens) is another quantity, not a dispute."""
    (claim,), _ = _checked(pipeline, tmp_path, {"ledger.md": _EXCHANGE_SOURCE}, _EXCHANGE_DRAFT)
    assert (claim.verdict, claim.rule) == ("supported", "AGR01")
    assert "$1.8 billion" in marked(claim.statement)


def test_another_outlets_other_figure_still_disputes_the_claim(pipeline, tmp_path):
    other = ("---\ntitle: Quillex transfers\noutlet: Coin Wire\npublished: 2024-03-06\n---\nThe Harbor Gazette "
             "report said Quillex transferred $2.6 billion worth of customer funds to hedge funds last year.\n")
    (claim,), _ = _checked(pipeline, tmp_path, {"ledger.md": _EXCHANGE_SOURCE, "wire.md": other}, _EXCHANGE_DRAFT)
    assert (claim.verdict, claim.rule) == ("disputed", "NUM01")
    against = [e.statement.text for e in claim.evidence if e.stance == "contradicts"]
    assert against == ["The Harbor Gazette report said Quillex transferred $2.6 billion worth of customer funds to "
                       "hedge funds last year."]


def test_swaps_undone_gives_back_the_sources_words_and_keeps_what_the_draft_added():
    from crosscheck.verdicts.rules.kinds.nli import changes_deny, swaps_undone

    source = "Quillex transferred $1.8 billion of customer collateral to hedge funds last year."
    assert swaps_undone(source, "Quillex moved $1.8 billion of customer funds to several hedge funds last year.") \
        == "Quillex transferred $1.8 billion of customer collateral to several hedge funds last year."
    assert swaps_undone(source, "Quillex secretly transferred $1.8 billion of customer collateral to hedge funds.") \
        is None
    assert changes_deny(source, "Quillex did not transfer $1.8 billion of customer collateral to hedge funds.")
    assert changes_deny("The report was a hoax.", "The report was true.")
    assert not changes_deny(source, "Quillex moved $1.8 billion of customer collateral to hedge funds last year.")


def test_a_source_that_speaks_to_a_claim_with_the_same_figure_supports_it(pipeline, tmp_path):
    """A source aligned at 0.58 (under AGR01's own 0.6, over UNS01's 0.55) with the claim's figure supports it,
    as such a source supports a claim without figures; a wrong figure from the same source contradicts it."""
    source = ("---\ntitle: Court extends detention\noutlet: Coastal Ledger\npublished: 2024-03-05\n---\nA Varnish "
              "court on Tuesday agreed to extend former boxer Piet Lomond's detention on suspicion of fraud for "
              "another 30 days, according to reports.\n")
    draft = ("---\ntitle: Lomond\n---\nFormer boxer Piet Lomond and his brother were ordered to spend another {} days "
             "in detention as investigators look into accusations against them.\n")
    (same,), _ = _checked(pipeline, tmp_path / "same", {"ledger.md": source}, draft.format(30))
    (other,), _ = _checked(pipeline, tmp_path / "other", {"ledger.md": source}, draft.format(40))
    assert (same.verdict, same.rule) == ("supported", "AGR01") and "30" in marked(same.statement)
    assert (other.verdict, other.rule) == ("contradicted", "NUM01")

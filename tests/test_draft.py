"""A draft written for the tests, about the sample stories, with planted errors (issue 5)."""

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


def test_correct_amount_is_supported_after_normalisation(draft_result):
    f = verdict_for(draft_result[1], "RMB10bn")
    assert f.kind == "agreement" and "CNY 10 billion" in f.message


def test_correct_forecast_is_supported(draft_result):
    assert verdict_for(draft_result[1], "9.8%").kind == "agreement"


def test_wrong_amount_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "$470 million")
    assert f.kind == "contradiction" and f.rule == "NUM01" and f.level == "error"
    assert "370" in f.statements[1].text


def test_altered_quote_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "fewer unique experiences")
    assert f.kind == "contradiction" and f.rule == "QUOTE01"


def test_claim_the_sources_disagree_on_is_disputed(draft_result):
    f = verdict_for(draft_result[1], "Skyworth denied")
    assert f.kind == "disputed"


def test_invented_figure_is_unsupported(draft_result):
    f = verdict_for(draft_result[1], "45 million speakers")
    assert f.kind == "unsupported" and f.rule == "UNS01" and f.level == "warning"


def test_opinion_gets_no_verdict(draft_result):
    assert not [f for f in draft_result[1].findings if "remarkable time" in f.statements[0].text]


def test_findings_point_at_the_draft_line(draft_result):
    path, analysis = draft_result
    draft_doc = next(d for d in analysis.documents if d.id.startswith("draft:"))
    f = verdict_for(analysis, "$470 million")
    line, col = draft_doc.line_col(f.statements[0].start)
    assert path.read_text().splitlines()[line - 1].startswith("Baidu bought") and col == 1

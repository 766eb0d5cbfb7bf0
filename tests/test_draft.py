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


def test_words_put_in_a_quoted_speakers_mouth_are_contradicted_with_the_real_quote(draft_result):
    f = verdict_for(draft_result[1], "across Europe next spring")
    assert f.kind == "contradiction" and f.rule == "QUOTE01" and f.level == "error"
    assert "no source quotes Ku Wei" in f.message
    real = f.statements[1]
    assert "Ku" in real.text and "\u201c" in real.text  # the closest real quote of the same speaker is shown


def test_a_quote_of_a_speaker_no_source_quotes_is_unsupported(draft_result):
    f = verdict_for(draft_result[1], "double the bus fleet")
    assert f.kind == "unsupported" and "a quote of" in f.message


def test_claim_the_sources_disagree_on_is_disputed(draft_result):
    f = verdict_for(draft_result[1], "Skyworth denied")
    assert f.kind == "disputed"


def test_invented_figure_is_unsupported(draft_result):
    f = verdict_for(draft_result[1], "45 million speakers")
    assert f.kind == "unsupported" and f.rule == "UNS01" and f.level == "warning"


def test_invented_details_are_named(draft_result):
    f = verdict_for(draft_result[1], "45 million speakers")
    assert f.message.endswith("in no source at all: 45 million, Europe")
    assert {f.statements[0].text[h.start - f.statements[0].start:h.end - f.statements[0].start]
            for h in f.statements[0].highlights} == {"45 million", "Europe"}


def test_wrong_date_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "August 1st")
    assert f.kind == "contradiction" and f.rule == "DATE01" and f.level == "error"
    assert "July 1st" in f.statements[1].text


def test_confirmation_turned_into_a_denial_is_contradicted(draft_result):
    f = verdict_for(draft_result[1], "Baidu denied")
    assert f.kind == "contradiction" and f.rule == "POL01"
    assert "confirmed" in f.statements[1].text


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

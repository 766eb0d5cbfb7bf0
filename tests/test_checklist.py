"""The draft check as an editor's checklist (issue 19), without models: the explanation templates read
back as sentences, and every report format carries a hand-built checklist."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from crosscheck.checklist import (contradicted_text, disputed_text, figure_with_noun, listed, others_text, phrase,
                                  summary_text, supported_text, unsupported_text, with_nouns)
from crosscheck.gate import gate_exit_code
from crosscheck.nouns import (CheckedClaim, Checklist, Document, Evidence, Finding, Quantity, Report, Span, Statement,
                              StatementRef, Story)
from crosscheck.report import render
from crosscheck.report.github import unescape_data, unescape_property
from crosscheck.report.jsonreport import to_dict
from crosscheck.report.sarif import to_sarif_dict

ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))

_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_BAD_PLURAL = re.compile(r"\b1 \w+s\b|\b(?:[02-9]|\d\d+) (?:claim|sentence|source)\b(?!s)")


def reads_well(text: str) -> str:
    """A sentence as a reader meets it: no doubled word, no '1 claims' or '2 claim', no empty slot, no
    placeholder, no stray space before punctuation (an outlet may start lower case: ducksell.com)."""
    assert not _DOUBLED.search(text), f"doubled word in {text!r}"
    assert not _BAD_PLURAL.search(text), f"wrong plural in {text!r}"
    assert "{" not in text and "  " not in text and " ," not in text and " ;" not in text, text
    assert text == text.strip() and text, text
    return text


# --- the templates, read back -------------------------------------------------------------------

@pytest.mark.parametrize(("outlets", "figures", "close", "expected"), [
    (["KrASIA", "WARC"], "10 billion yuan (US$1.4 billion)", False,
     "KrASIA and WARC both report 10 billion yuan (US$1.4 billion)"),
    (["WARC"], "9.8%", False, "WARC reports 9.8%"),
    (["TechCrunch", "ZDNet", "ducksell.com"], "", False, "TechCrunch, ZDNet and ducksell.com all report the same"),
    (["ZDNet"], "", True, "ZDNet reports much the same"),
])
def test_supported_sentence(outlets, figures, close, expected):
    assert reads_well(supported_text(outlets, figures, close_only=close)) == expected


def test_supported_sentence_names_what_no_source_carries():
    assert reads_well(supported_text(["Reuters", "Xinhua"], missing=["Shanghai"])) == (
        "Reuters and Xinhua both report the same; no source mentions Shanghai")
    assert reads_well(supported_text(["WARC"], "9.8%", missing=["45 million speakers", "Europe"])) == (
        "WARC reports 9.8%; no source mentions 45 million speakers or Europe")


@pytest.mark.parametrize(("kind", "outlets", "theirs", "ours", "values", "expected"), [
    ("numeric", ["ZDNet"], "US$370 million", "$470 million", {}, "ZDNet reports US$370 million, not $470 million"),
    ("numeric", ["KrASIA", "WARC"], "9.8%", "8.9%", {}, "KrASIA and WARC both report 9.8%, not 8.9%"),
    ("date", ["WARC"], "July 1st", "August 1st", {}, "WARC dates it July 1st, not August 1st"),
    ("polarity", ["TechCrunch", "ZDNet"], "", "denied", {"a_polarity": "affirms", "b_polarity": "denies"},
     "TechCrunch and ZDNet both report it as fact, not as denied"),
    ("polarity", ["ducksell.com"], "denied", "", {"a_polarity": "denies", "b_polarity": "affirms"},
     "ducksell.com reports it as denied, not as fact"),
    ("entity", ["Reuters"], "", "", {"a_value": "Baidu", "b_value": "Tencent", "role": "subject of 'buy'"},
     "Reuters names Baidu, not Tencent, as the subject of 'buy'"),
    ("quote", ["WARC"], "", "", {"change": "'more' -> 'fewer'", "speaker": "Ku Wei"},
     "WARC quotes Ku Wei saying \u201cmore\u201d, not \u201cfewer\u201d"),
    ("quote", ["WARC"], "", "", {"change": "'more' -> 'fewer'; 'services' -> 'goods'", "speaker": "Ku Wei"},
     "WARC quotes Ku Wei saying \u201cmore\u201d, not \u201cfewer\u201d "
     "and \u201cservices\u201d, not \u201cgoods\u201d"),
    ("quote", ["WARC"], "", "", {"change": "no source quotes Ku Wei saying this; the closest quote: \u201c...\u201d",
                                 "speaker": "Ku Wei"},
     "No source quotes Ku Wei saying this; the closest quote is in WARC"),
    ("quote", ["WARC"], "", "", {"change": "speaker ku wei -> jack ma"}, "WARC attributes these words to someone else"),
    ("nli", ["WARC"], "", "", {"probability": "0.99"}, "WARC says otherwise (contradiction model, p=0.99)"),
    ("other", ["WARC", "KrASIA"], "", "", {}, "WARC and KrASIA both say otherwise"),
])
def test_contradicted_sentence(kind, outlets, theirs, ours, values, expected):
    assert reads_well(contradicted_text(kind, outlets, theirs, ours, values=values)) == expected


def test_sources_that_give_yet_another_figure_are_named_with_it():
    text = contradicted_text("numeric", ["Xinhua"], "$470 million", "$570 million",
                             others=[(["Reuters"], "$370 million")])
    assert reads_well(text) == "Xinhua reports $470 million and Reuters $370 million, not $570 million"
    text = contradicted_text("date", ["WARC"], "July 1st", "August 1st", others=[(["KrASIA", "SCMP"], "July 2")])
    assert reads_well(text) == "WARC dates it July 1st and KrASIA and SCMP July 2, not August 1st"


def test_a_figure_or_date_rule_without_the_words_falls_back_to_otherwise():
    assert contradicted_text("numeric", ["ZDNet"], "", "$470 million") == "ZDNet says otherwise"


@pytest.mark.parametrize(("backers", "dissenters", "expected"), [
    (["ducksell.com"], [("ZDNet", 0), ("ducksell.com", 4)],
     "The sources disagree: ducksell.com reports this, but ZDNet and 4 other ducksell.com sentences say otherwise"),
    (["ducksell.com"], [("ducksell.com", 1)],
     "The sources disagree: ducksell.com reports this, but another ducksell.com sentence says otherwise"),
    (["KrASIA", "WARC"], [("ZDNet", 0)], "The sources disagree: KrASIA and WARC report this, but ZDNet says otherwise"),
    (["KrASIA"], [], "The sources disagree among themselves: KrASIA reports this, but other sources say otherwise"),
    ([], [("ZDNet", 0)], "The sources disagree among themselves on this claim"),
])
def test_disputed_sentence(backers, dissenters, expected):
    assert reads_well(disputed_text(backers, dissenters)) == expected


@pytest.mark.parametrize(("details", "speaker", "expected"), [
    (["20 million smart speakers"], "", "No source mentions 20 million smart speakers"),
    (["45 million speakers", "Europe"], "", "No source mentions 45 million speakers or Europe"),
    (["$5bn", "Europe", "2019"], "", "No source mentions $5bn, Europe or 2019"),
    ([], "Jane Roe", "No source quotes Jane Roe"),
    (["the bus fleet"], "Jane Roe", "No source quotes Jane Roe or mentions the bus fleet"),
    ([], "", "No source reports this"),
])
def test_unsupported_sentence(details, speaker, expected):
    assert reads_well(unsupported_text(details, speaker)) == expected


@pytest.mark.parametrize(("counts", "expected"), [
    ({"supported": 4, "contradicted": 1, "disputed": 1, "unsupported": 1},
     "7 claims: 4 supported, 1 contradicted, 1 disputed, 1 unsupported"),
    ({"supported": 1, "contradicted": 0, "disputed": 0, "unsupported": 0}, "1 claim: 1 supported"),
    ({"supported": 0, "contradicted": 2, "disputed": 0, "unsupported": 0}, "2 claims: 2 contradicted"),
    ({"supported": 0, "contradicted": 0, "disputed": 0, "unsupported": 0}, "0 claims to check"),
])
def test_summary_sentence(counts, expected):
    assert reads_well(summary_text(counts)) == expected


def test_other_disagreements_sentence():
    assert reads_well(others_text(1, "`crosscheck check sources`")) == (
        "The sources disagree among themselves on 1 other claim: run `crosscheck check sources`")
    assert reads_well(others_text(2, "X")).endswith("on 2 other claims: run X")


def test_lists_and_phrases():
    assert [listed([]), listed(["A"]), listed(["A", "B"]), listed(["A", "B", "C"], "or")] == ["", "A", "A and B",
                                                                                              "A, B or C"]
    text = "Alibaba will invest 10 billion yuan (US$1.4 billion) this year, and 5% more in 2021."
    money = [Span(20, 35), Span(37, 51)]
    assert phrase(text, money) == "10 billion yuan (US$1.4 billion)"  # the bracket closed, one phrase
    assert phrase(text, [*money, Span(text.index("5%"), text.index("5%") + 2)]) == \
        "10 billion yuan (US$1.4 billion) and 5%"
    assert phrase(text, []) == ""


def test_a_count_keeps_its_noun():
    text = "Baidu shipped 20 million smart speakers last year."
    q = Quantity(14, 24, "20 million", 2e7, "count", "speaker")
    claim = Statement("d:0", "d", 0, 0, len(text), text, quantities=(q,))
    assert figure_with_noun(claim, "20 million") == "20 million smart speakers"
    money = Statement("d:0", "d", 0, 0, len(text), text,
                      quantities=(Quantity(14, 24, "20 million", 2e7, "money", "USD"),))
    assert figure_with_noun(money, "20 million") == "20 million"
    assert figure_with_noun(claim, "2019") == "2019"
    screen = "The CC10, with a 10-inch screen, sells for 549 yuan."
    at, price = screen.index("10-inch"), screen.index("549 yuan")
    cc10 = Statement("d:0", "d", 0, 100, 100 + len(screen), screen,  # offsets into the document, not the sentence
                     quantities=(Quantity(100 + at, 102 + at, "10", 10, "count", "inch"),
                                 Quantity(100 + price, 108 + price, "549 yuan", 549, "money", "CNY")))
    spans = with_nouns(cc10, [Span(at, at + 2), Span(price, price + 8)])
    assert [screen[s.start:s.end] for s in spans] == ["10-inch", "549 yuan"]
    assert phrase(screen, spans) == "10-inch and 549 yuan"


# --- every format carries the checklist ---------------------------------------------------------

DRAFT = Document("draft:draft", "drafts/draft.md", "Alibaba bets on Tmall Genie", "Alibaba bets on Tmall Genie",
                 None, "",
                 "Alibaba will invest RMB10bn this year.\nBaidu bought PPS for $470 million.\n"
                 "Baidu shipped 20 million smart speakers.\n", first_line=4)
KRASIA = Document("k", "sources/krasia.md", "Alibaba to invest", "KrASIA", dt.date(2020, 5, 20), "",
                  "Alibaba will invest 10 billion yuan this year.\n")
WARC = Document("w", "sources/warc.md", "Alibaba pours", "WARC", dt.date(2020, 5, 22), "",
                "Alibaba will invest RMB10bn this year.\n")
ZDNET = Document("z", "sources/zdnet.md", "Baidu", "ZDNet", dt.date(2013, 7, 24), "",
                 "Baidu bought PPS for US$370 million.\n")


def sref(doc: Document, words: str, *marks: str) -> StatementRef:
    start = doc.text.index(words)
    return StatementRef(doc.id, f"{doc.id}:{start}", words, start, start + len(words),
                        tuple(Span(words.index(m), words.index(m) + len(m)) for m in marks))


CLAIMS = (
    CheckedClaim(sref(DRAFT, "Alibaba will invest RMB10bn this year.", "RMB10bn"), "supported",
                 "KrASIA and WARC both report RMB10bn", "AGR01", "f-ok",
                 (Evidence(sref(KRASIA, "Alibaba will invest 10 billion yuan this year.", "10 billion yuan"),
                           "supports", "AGR01"),
                  Evidence(sref(WARC, "Alibaba will invest RMB10bn this year.", "RMB10bn"), "supports", "AGR01"))),
    CheckedClaim(sref(DRAFT, "Baidu bought PPS for $470 million.", "$470 million"), "contradicted",
                 "ZDNet reports US$370 million, not $470 million", "NUM01", "f-num",
                 (Evidence(sref(ZDNET, "Baidu bought PPS for US$370 million.", "US$370 million"), "contradicts",
                           "NUM01"),)),
    CheckedClaim(sref(DRAFT, "Baidu shipped 20 million smart speakers.", "20 million"), "unsupported",
                 "No source mentions 20 million smart speakers", "UNS01", "f-uns"),
)
CHECKLIST = Checklist("draft:draft", "Alibaba bets on Tmall Genie", ("sources/",), CLAIMS, other_disagreements=2)


def _finding(fid: str, kind: str, rule: str, level: str, claim: CheckedClaim) -> Finding:
    return Finding(fid, kind, rule, level, "draft", claim.explanation, 1.0,  # type: ignore[arg-type]
                   (claim.statement, *(e.statement for e in claim.evidence)))


FINDINGS = (_finding("f-num", "contradiction", "NUM01", "error", CLAIMS[1]),
            _finding("f-uns", "unsupported", "UNS01", "warning", CLAIMS[2]),
            _finding("f-ok", "agreement", "AGR01", "info", CLAIMS[0]))


@pytest.fixture
def report() -> Report:
    return Report((DRAFT, KRASIA, WARC, ZDNET),
                  (Story("draft", "Draft: Alibaba bets on Tmall Genie", ("draft:draft",)),
                   Story("story-1", "Alibaba", ("k", "w")), Story("story-2", "Baidu", ("z",))),
                  FINDINGS, (), 5, CHECKLIST)


def test_terminal_checklist(report):
    out = render(report, "text", color=False, width=100)
    lines = out.splitlines()
    assert lines[0] == "Draft: Alibaba bets on Tmall Genie (drafts/draft.md), against 3 sources"
    assert lines[1] == "3 claims: 1 supported, 1 contradicted, 1 unsupported"
    # the claims in the draft's order, each once, at the draft's line:column
    heads = [line.strip() for line in lines if re.match(r"\s*\d+\. ", line)]
    assert heads == ["1. \u2713 SUPPORTED  drafts/draft.md:4:1  AGR01",
                     "2. \u2717 CONTRADICTED  drafts/draft.md:5:1  NUM01",
                     "3. ? UNSUPPORTED  drafts/draft.md:6:1  UNS01"]
    assert "Baidu bought PPS for «$470 million»." in out
    assert "ZDNet reports US$370 million, not $470 million." in out
    # every source behind a claim, with outlet and date, its matching words marked
    assert "\u2713 KrASIA · 2020-05-20 · sources/krasia.md:1" in out
    assert "\u2713 WARC · 2020-05-22 · sources/warc.md:1" in out
    assert "Alibaba will invest «10 billion yuan» this year." in out
    assert "The sources disagree among themselves on 2 other claims: run `crosscheck check sources/`." in out
    # nothing of the sources among themselves, no internal id, no matrix, no score
    for absent in ("draft:draft", "Claims by outlet", "score", "AGREEMENT", "story-1"):
        assert absent not in out


def test_terminal_checklist_in_colour_marks_the_verdicts(report):
    out = render(report, "text", color=True, width=100)
    assert "\x1b[" in out and "CONTRADICTED" in out and "\u2717" in out


def test_markdown_checklist_is_a_table_with_icons_and_the_evidence_below(report):
    out = render(report, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    rows = [[t.children[0].content if t.children else "" for t in tokens[i:] if t.type == "inline"][:5]
            for i, t in enumerate(tokens) if t.type == "tr_open"]
    assert rows[0] == ["#", "Verdict", "Claim", "Line", "Why"]
    assert [r[1] for r in rows[1:]] == ["\u2705 supported", "\u274c contradicted", "\u2753 unsupported"]
    assert [r[3] for r in rows[1:]] == ["4:1", "5:1", "6:1"]
    assert out.startswith("## Draft check: Alibaba bets on Tmall Genie\n")
    assert "**3 claims: 1 supported, 1 contradicted, 1 unsupported**" in out
    assert "### 2. \u274c Contradicted · line 5:1" in out
    assert "- \u274c **ZDNet** · 2020" not in out  # ZDNet's date is its own
    assert "- \u274c **ZDNet** · 2013-07-24 · `sources/zdnet.md:1`: Baidu bought PPS for **US\\$370 million.**" in out
    assert "run `crosscheck check sources/`." in out
    assert "draft:draft" not in out


def test_json_claims_array(report):
    data = to_dict(report)
    jsonschema.Draft202012Validator(REPORT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)
    assert list(data)[-2:] == ["draft", "claims"]
    assert data["draft"]["name"] == "Alibaba bets on Tmall Genie"
    assert data["draft"]["summary"] == {"claims": 3, "supported": 1, "contradicted": 1, "disputed": 0,
                                        "unsupported": 1}
    assert data["draft"]["other_disagreements"] == 2
    assert [c["verdict"] for c in data["claims"]] == ["supported", "contradicted", "unsupported"]
    second = data["claims"][1]
    assert (second["statement"]["line"], second["statement"]["column"]) == (5, 1)
    assert second["finding"] == "f-num" and second["rule"] == "NUM01"
    assert [(e["stance"], e["statement"]["outlet"], e["statement"]["published"]) for e in second["evidence"]] == [
        ("contradicts", "ZDNet", "2013-07-24")]
    assert data["claims"][2]["evidence"] == []


def test_json_without_a_draft_has_no_claims(report):
    import dataclasses

    assert "claims" not in to_dict(dataclasses.replace(report, checklist=None))


def test_sarif_and_github_annotate_the_drafts_lines(report):
    sarif = to_sarif_dict(report)
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]["verdict"]) for r in results] == [("NUM01", "contradicted"),
                                                                          ("UNS01", "unsupported")]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "drafts/draft.md" and first["region"]["startLine"] == 5
    assert results[0]["message"]["text"] == "Contradicted: ZDNet reports US$370 million, not $470 million"
    lines = render(report, "github").splitlines()
    parsed = [re.fullmatch(r"::(\w+) file=([^,]*),line=(\d+),col=(\d+),title=([^:]*)::(.*)", line) for line in lines]
    assert [(m.group(1), unescape_property(m.group(2)), m.group(3), unescape_property(m.group(5)))
            for m in parsed] == [("error", "drafts/draft.md", "5", "Contradicted (NUM01)"),
                                 ("warning", "drafts/draft.md", "6", "Unsupported (UNS01)")]
    assert unescape_data(parsed[0].group(6)) == ("ZDNet reports US$370 million, not $470 million "
                                                 "(see also sources/zdnet.md:1)")


def test_the_gate_fails_on_a_contradicted_claim_only(report):
    assert gate_exit_code(report.findings) == 1
    assert gate_exit_code([f for f in report.findings if f.kind != "contradiction"]) == 0
    assert gate_exit_code([f for f in report.findings if f.kind != "contradiction"], fail_on="warning") == 1


def test_a_claim_whose_finding_is_baselined_or_ignored_is_not_shown(report):
    import dataclasses

    kept = dataclasses.replace(report, findings=tuple(f for f in report.findings if f.rule != "UNS01"))
    out = render(kept, "text", color=False, width=100)
    assert "2 claims: 1 supported, 1 contradicted" in out and "UNSUPPORTED" not in out
    assert [c["verdict"] for c in to_dict(kept)["claims"]] == ["supported", "contradicted"]
    assert "unsupported" not in render(kept, "markdown")


def test_a_sentence_no_rule_marked_shows_the_names_it_shares_with_the_claim():
    from crosscheck.checklist import evidence_list
    from crosscheck.nouns import Entity

    claim_text = "Skyworth denied joining the Alibaba TV operating system."
    claim = Statement("d:0", "d", 0, 0, len(claim_text), claim_text,
                      entities=(Entity(0, 8, "Skyworth", "ORG", "skyworth"),))
    text = "Now Skyworth will launch a new smart TV with Alibaba."
    source = Statement("s:3", "s", 3, 50, 50 + len(text), text,
                       entities=(Entity(54, 62, "Skyworth", "ORG", "skyworth"), Entity(95, 102, "Alibaba", "ORG",
                                                                                   "alibaba")))
    (e,) = evidence_list([(source, "contradicts", "POL01", ())], claim)
    assert [e.statement.text[h.start:h.end] for h in e.statement.highlights] == ["Skyworth"]
    (kept,) = evidence_list([(source, "contradicts", "POL01", (Span(4, 12),))], claim)
    assert kept.statement.highlights == (Span(4, 12),)  # a rule's marks win
    (bare,) = evidence_list([(source, "supports", "", ())])
    assert bare.statement.highlights == ()

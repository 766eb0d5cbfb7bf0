"""The whole pipeline on the sample story set (sources/): what the issues say must come out."""

from crosscheck.report.jsonreport import to_dict


def findings(analysis, kind):
    return [f for f in analysis.findings if f.kind == kind]


def texts(f):
    return " || ".join(s.text for s in f.statements)


def test_two_stories_with_the_right_articles(sample_analysis):
    docs = {d.id: d for d in sample_analysis.documents}
    stories = [{docs[i].outlet for i in s.documents} for s in sample_analysis.stories]
    assert stories == [{"TechCrunch", "ZDNet", "ducksell.com"}, {"KrASIA", "WARC"}]


def test_skyworth_conflict_is_a_contradiction_between_july_and_september(sample_analysis):
    from crosscheck.verdicts.calibrate import ERROR_NEEDS

    docs = {d.id: d for d in sample_analysis.documents}
    skyworth = [f for f in findings(sample_analysis, "contradiction") if "Skyworth" in texts(f)]
    assert skyworth, "the Skyworth agreed/denied conflict must be flagged"
    for f in skyworth:
        a, b = (docs[s.document] for s in f.statements)
        assert (a.published.month, b.published.month) == (7, 9)
        assert "denied" in f.statements[1].text and f.rule == "POL01"
        assert "Skyworth denies, as ducksell.com (2013-09-10) reports" in f.message  # the denier's position
        # the level follows the calibrated score: an error only when the finding is more likely right than wrong
        assert f.level == ("error" if f.score >= ERROR_NEEDS else "warning")


def test_joint_launch_is_the_update_that_followed(sample_analysis):
    updates = findings(sample_analysis, "update")
    assert any("denied" in f.statements[0].text and "Coocaa" in f.statements[1].text for f in updates)
    assert all(f.level != "error" for f in updates)


def test_penetration_figures_from_different_firms_are_a_discrepancy(sample_analysis):
    disc = findings(sample_analysis, "discrepancy")
    assert any("GfK" in f.message and "AVC" in f.message for f in disc)
    assert not any("GfK" in texts(f) and "AVC" in texts(f) for f in findings(sample_analysis, "contradiction"))


def test_money_in_two_notations_agrees(sample_analysis):
    agreements = findings(sample_analysis, "agreement")
    assert any("CNY 10 billion = CNY 10 billion" in f.message and "USD 1.4 billion" in f.message for f in agreements)
    assert any("USD 370 million = USD 370 million" in f.message for f in agreements)


def test_no_contradiction_outside_the_skyworth_conflict(sample_analysis):
    """A careful editor would call any other contradiction on this set false."""
    others = [texts(f) for f in findings(sample_analysis, "contradiction") if "Skyworth" not in texts(f)]
    assert others == []


def test_single_source_claims_are_listed_per_story(sample_analysis):
    singles = findings(sample_analysis, "single_source")
    assert {f.story for f in singles} == {s.id for s in sample_analysis.stories}
    assert any("500 units" in texts(f) for f in singles)  # only the September article has Xiaomi's 500 units


def test_web_debris_never_becomes_a_statement(sample_analysis):
    all_text = " ".join(s.text for s in sample_analysis.statements)
    for debris in ("Show Comments", "Recommend", "Read this", "Baijiahao", "Sourced from", "aquarium"):
        assert debris not in all_text


def test_statement_spans_are_true_to_the_documents(sample_analysis):
    docs = {d.id: d for d in sample_analysis.documents}
    for f in sample_analysis.findings:
        for s in f.statements:
            assert docs[s.document].text[s.start:s.end] == s.text


def test_json_report_has_the_stable_fields(sample_analysis):
    data = to_dict(sample_analysis.report())
    assert data["schema"] == "crosscheck.report/1"
    assert data["summary"]["contradiction"] == len(findings(sample_analysis, "contradiction"))
    first = data["findings"][0]
    assert {"id", "kind", "rule", "level", "story", "message", "score", "statements"} <= set(first)
    assert {"document", "text", "start", "end"} <= set(first["statements"][0])


def _excerpt(readme: str, marker: str, fence: str) -> list[str]:
    closing = fence.rstrip("abcdefghijklmnopqrstuvwxyz")  # "```text" opens, "```" closes
    block = readme.split(marker, 1)[1].split(fence + "\n", 1)[1].split("\n" + closing + "\n", 1)[0]
    return [line.rstrip() for line in block.split("\n") if line.strip() and line.strip() != "..."]


def test_the_readmes_excerpts_are_real_output(pipeline, monkeypatch):
    """The README's text and Markdown excerpts of `check sources/` are lines of the real output, in order
    (an excerpt elides with '...', it never invents)."""
    from conftest import ROOT

    from crosscheck.report import render

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    report = pipeline.check_paths(["sources/"]).report()  # as the command line names it: relative paths
    for marker, fence, fmt in (("An excerpt of `crosscheck check sources/ --no-color` (width 100):", "```text", "text"),
                               ("An excerpt of the real output:", "````markdown", "markdown")):
        real = [line.rstrip() for line in render(report, fmt, color=False, width=100).split("\n")]
        at = 0
        for line in _excerpt(readme, marker, fence):
            assert line in real[at:], f"README line not in the real {fmt} output (or out of order): {line!r}"
            at = real.index(line, at) + 1


def test_a_checked_folder_keeps_every_noun_of_its_run(sample_analysis):
    """check_paths adds the loading problems to the run's analysis and nothing else: the judged lead-claim
    pairs and the passage judgements are still what the verdict stage made of them (an analysis rebuilt
    field by field once put the claim pairs where the passage judgements belong)."""
    from crosscheck.nouns import Alignment

    assert isinstance(sample_analysis.claim_pairs, tuple)
    assert all(isinstance(a, Alignment) for a in sample_analysis.claim_pairs)
    passages = sample_analysis.passage_judgements
    assert isinstance(passages, dict) and passages
    assert all(len(k) == 2 and len(v) == 3 for k, v in passages.items())
    assert sample_analysis.problems == ()  # every sample article holds claims: no W150


def test_an_agreement_pairs_each_figure_once_and_marks_rounding(pipeline, tmp_path):
    """Each figure is shown with its closest partner only, and "=" only for equal values: a hedged or rounded
    figure that fits another is "≈" ("about USD 18 = USD 16" read as a false equality)."""
    head = "---\ntitle: {t}\noutlet: {t}\npublished: 2024-01-0{d}\n---\n\n"
    (tmp_path / "a.md").write_text(head.format(t="Alpha", d=2) + (
        "Quillo now has 5 million users, and more than 1 million of them joined this year, the company said.\n\n"
        "Korvex is offering around $15 per share and may go to around $18 per share, sources said.\n"))
    (tmp_path / "b.md").write_text(head.format(t="Beta", d=3) + (
        "Quillo now has 5 million users, the company said this week.\n\n"
        "Korvex is offering $15 per share and may go to around $21 per share, sources said.\n"))
    messages = sorted(f.message for f in pipeline.check_paths([tmp_path]).findings if f.rule == "AGR01")
    assert messages == ["Alpha and Beta agree: 5 million users = 5 million users",
                        "Alpha and Beta agree: about USD 15 = USD 15; about USD 18 ≈ about USD 21"]

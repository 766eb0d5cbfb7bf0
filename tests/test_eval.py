"""``crosscheck eval`` end to end: labelled pairs in, one prediction per row out, bad rows named.

The pairs are written per test: a figure that differs (a NUM01 contradiction), the same claim in
other words (an agreement), two sentences about different things (unrelated), a line of broken
JSON and a row without text_b. The real models run; the session ``pipeline`` fixture is reused
where the library is called directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosscheck import exitcodes
from crosscheck.cli import main
from crosscheck.evaluation.predict import VERDICTS, Evaluator
from crosscheck.evaluation.rows import read_rows

CONTRADICTION = {"id": "pps", "text_a": "Baidu bought PPS for $370 million.",
                 "text_b": "Baidu bought PPS for $470 million.", "gold": "contradiction", "tags": ["numeric"]}
AGREEMENT = {"id": "genie", "text_a": "Alibaba invested 10 billion yuan in Tmall Genie in May 2020.",
             "text_b": "In May 2020 Alibaba put 10 billion yuan into Tmall Genie.", "gold": "agreement",
             "tags": ["numeric"]}
# one figure in two notations: AGR01 reads them as equal, the contradiction model does not (contradiction 0.91)
NOTATION = dict(AGREEMENT, id="genie-rmb", text_b="In May 2020 Alibaba put RMB10 billion into Tmall Genie.")
UNRELATED = {"id": "weather", "text_a": "The weather in Paris was sunny and warm on Tuesday afternoon.",
             "text_b": "Shares of Tesla fell sharply after the quarterly earnings call.", "gold": "unrelated"}
BAD_JSON = '{"id": "broken", "text_a": "Baidu bought PPS'
NO_TEXT_B = {"id": "half", "text_a": "Only one side of the pair is here.", "gold": "neutral"}
KEYS = {"id", "verdict", "similarity", "aligned", "rules", "probabilities"}  # probabilities: the combiner (default)


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture
def pairs(tmp_path) -> Path:
    # lines: 1 contradiction, 2 agreement, 3 unrelated, 4 bad JSON, 5 no text_b
    return write_jsonl(tmp_path / "pairs.jsonl", [CONTRADICTION, AGREEMENT, UNRELATED, BAD_JSON, NO_TEXT_B])


def run(*args) -> object:
    return CliRunner().invoke(main, ["eval", *map(str, args)], catch_exceptions=False)


def test_eval_writes_one_prediction_per_good_row_and_names_bad_lines(pairs, tmp_path):
    out, metrics = tmp_path / "pred.jsonl", tmp_path / "metrics.json"
    result = run(pairs, "--output", out, "--metrics-json", metrics, "--quiet")
    assert result.exit_code == exitcodes.CLEAN, result.stderr
    assert f"{pairs}:4: not valid JSON" in result.stderr
    assert f"{pairs}:5: 'text_b' is missing or empty" in result.stderr
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["pps", "genie", "weather"]
    for p in preds:
        assert set(p) == KEYS
        assert p["verdict"] in VERDICTS
        assert isinstance(p["similarity"], float) and 0.0 <= p["similarity"] <= 1.0
        assert isinstance(p["aligned"], bool)
        assert p["rules"] == sorted(p["rules"]) and all(isinstance(r, str) for r in p["rules"])
        assert list(p["probabilities"]) == list(VERDICTS) and abs(sum(p["probabilities"].values()) - 1) < 1e-3
        # the combiner's most probable class, unless a finding is a contradiction (check reports it)
        assert p["verdict"] == max(p["probabilities"], key=p["probabilities"].get) or p["verdict"] == "contradiction"
    pps, genie, weather = preds
    assert (pps["verdict"], pps["aligned"]) == ("contradiction", True) and "NUM01" in pps["rules"]
    assert pps["similarity"] > 0.5
    assert (genie["verdict"], genie["aligned"]) == ("agreement", True) and "AGR01" in genie["rules"]
    assert (weather["verdict"], weather["aligned"], weather["similarity"]) == ("neutral", False, 0.0)
    # metrics on stdout, machine-readable copy as JSON
    assert "confusion matrix" in result.stdout and "precision" in result.stdout
    figures = json.loads(metrics.read_text())["metrics"]["overall"]["figures"]
    assert figures["accuracy"] == 1.0 and figures["unrelated_f1"] == 1.0


def test_eval_output_dash_keeps_stdout_for_predictions(tmp_path):
    path = write_jsonl(tmp_path / "one.jsonl", [CONTRADICTION])
    result = run(path, "--output", "-", "--quiet", "--task-map", "contradiction=contradiction")
    assert result.exit_code == exitcodes.CLEAN
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["verdict"] == "contradiction"
    assert "confusion matrix" in result.stderr


def test_eval_exits_2_when_no_row_can_be_scored(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [BAD_JSON, NO_TEXT_B])
    result = run(path, "--quiet")
    assert result.exit_code == exitcodes.ERROR
    assert f"{path}:1:" in result.stderr and f"{path}:2:" in result.stderr
    assert "no row" in result.stderr


def test_eval_rejects_a_malformed_task_map(pairs):
    assert run(pairs, "--task-map", "nonsense").exit_code == exitcodes.ERROR


def test_repeated_texts_are_read_once_and_chunking_changes_nothing(pipeline, tmp_path):
    again = dict(CONTRADICTION, id="pps-again", text_b="Baidu paid $370 million for PPS.")
    rows, problems = read_rows(write_jsonl(tmp_path / "r.jsonl", [CONTRADICTION, AGREEMENT, again, UNRELATED]))
    assert not problems
    together = Evaluator(pipeline, chunk_rows=10)
    one_by_one = Evaluator(pipeline, chunk_rows=1)
    plain = Evaluator(pipeline, chunk_rows=10, memo=False)
    expected = plain.predict(rows)
    assert together.predict(rows) == expected == one_by_one.predict(rows)
    assert together.texts_extracted == 7  # eight texts, the first text_a twice
    assert [p.verdict for p in expected][:3] == ["contradiction", "agreement", "agreement"]


def test_rows_with_the_same_texts_each_keep_their_finding(pipeline, tmp_path):
    """A finding's fingerprint is its texts; two rows (stories) with the same two texts each have the finding.
    Keyed by the fingerprint alone, the second row lost it when both were read in one chunk (on FNC-1 fold 0
    a row's POL02 finding came or went with another row that shared its headline and debunking sentence)."""
    twice = dict(CONTRADICTION, id="pps-twice")
    rows, _ = read_rows(write_jsonl(tmp_path / "r.jsonl", [CONTRADICTION, twice]))
    together = Evaluator(pipeline, chunk_rows=10).predict(rows)
    assert [p.verdict for p in together] == ["contradiction", "contradiction"]
    assert together == Evaluator(pipeline, chunk_rows=1).predict(rows)


def test_a_contradiction_finding_stands_whatever_the_combiner_says():
    """``check`` reports every contradiction finding; eval's verdict must not hide one because the combiner
    finds agreement more probable. Without a contradiction finding, the combiner's class decides."""
    from types import SimpleNamespace

    from crosscheck.evaluation.predict import predictions_of, row_story, story_id
    from crosscheck.evaluation.rows import EvalRow

    rows = [EvalRow("x", 1, "a", "b"), EvalRow("y", 2, "c", "d")]
    stories = [row_story(r)[2] for r in rows]
    analysis = SimpleNamespace(statements=(), stories=stories, alignments=(), findings=(
        SimpleNamespace(story=story_id(rows[0]), kind="contradiction", rule="NUM01"),
        SimpleNamespace(story=story_id(rows[1]), kind="agreement", rule="AGR01")))
    agreeing = [0.2, 0.7, 0.1]
    probabilities = {story_id(r): agreeing for r in rows}
    x, y = predictions_of(rows, analysis, probabilities)
    assert (x.verdict, y.verdict) == ("contradiction", "agreement")
    # --min-score: the combiner's class only when it is that probable; the finding's contradiction stands
    x, y = predictions_of(rows, analysis, probabilities, min_score=0.8)
    assert (x.verdict, y.verdict) == ("contradiction", "neutral")


def test_the_combiner_alone_makes_a_contradiction_only_when_more_likely_than_not():
    """Without a contradiction finding, contradiction is the verdict only at a calibrated probability of at
    least 0.5; below it, as the combiner's most probable class (0.45), the row is agreement or neutral."""
    from types import SimpleNamespace

    from crosscheck.evaluation.predict import predictions_of, row_story, story_id
    from crosscheck.evaluation.rows import EvalRow

    rows = [EvalRow(k, n, "a", "b") for n, k in enumerate("xyz", start=1)]
    analysis = SimpleNamespace(statements=(), stories=[row_story(r)[2] for r in rows], alignments=(), findings=())
    probabilities = {story_id(rows[0]): [0.45, 0.35, 0.2], story_id(rows[1]): [0.45, 0.2, 0.35],
                     story_id(rows[2]): [0.5, 0.3, 0.2]}
    x, y, z = predictions_of(rows, analysis, probabilities)
    assert (x.verdict, y.verdict, z.verdict) == ("agreement", "neutral", "contradiction")
    assert x.probabilities == (0.45, 0.35, 0.2)  # the probabilities are reported as they are
    assert predictions_of(rows, analysis, probabilities, min_score=0.6)[2].verdict == "neutral"


def test_one_figure_in_two_notations_is_an_agreement_row(tmp_path):
    """The model reads the claim with its figures in the premise's words (``judge.claim_text``): it took
    "RMB10 billion" against "10 billion yuan" for a contradiction (0.91), and the combiner, which leans on the
    model's entailment, called the row neutral although check reports the AGR01 agreement."""
    out = tmp_path / "pred.jsonl"
    result = run(write_jsonl(tmp_path / "n.jsonl", [NOTATION]), "--output", out, "--quiet")
    assert result.exit_code == exitcodes.CLEAN
    (pred,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "AGR01" in pred["rules"] and pred["verdict"] == "agreement"

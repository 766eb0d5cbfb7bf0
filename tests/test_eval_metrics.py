"""The evaluation's arithmetic, on confusion matrices small enough to work out by hand.

No model is loaded here: predictions are written by hand, so these run in well under a second.
"""

from __future__ import annotations

import math

import pytest

from crosscheck.evaluation import metrics as m
from crosscheck.evaluation.predict import Prediction, verdict_of
from crosscheck.evaluation.rows import EvalRow, parse_row
from crosscheck.evaluation.scoring import ScoringError, as_json, canonical, detect_scheme, score

# gold c c c a a n n n n n / predicted c a n a a n n c n a:
#   c: 2 predicted, 1 right, 3 gold;  a: 4 predicted, 2 right, 2 gold;  n: 4 predicted, 3 right, 5 gold
GOLD = list("cccaannnnn")
PRED = list("canaanncna")


def test_class_scores_by_hand():
    c, a, n = m.class_scores(GOLD, PRED, "can")
    assert (c.precision, c.recall, c.f1) == pytest.approx((1 / 2, 1 / 3, 0.4))
    assert (a.precision, a.recall, a.f1) == pytest.approx((2 / 4, 1.0, 2 / 3))
    assert (n.precision, n.recall, n.f1) == pytest.approx((3 / 4, 3 / 5, 2 / 3))
    assert (c.support, c.predicted, c.correct) == (3, 2, 1)
    assert (n.support, n.predicted, n.correct) == (5, 4, 3)
    assert m.macro_f1((c, a, n)) == pytest.approx((0.4 + 2 / 3 + 2 / 3) / 3)


def test_accuracy_and_balanced_accuracy_by_hand():
    assert m.accuracy(GOLD, PRED) == pytest.approx(0.6)
    assert m.balanced_accuracy(GOLD, PRED) == pytest.approx((1 / 3 + 1 + 3 / 5) / 3)
    # balanced accuracy ignores how common each class is: always guessing the majority scores 1/2
    assert m.balanced_accuracy(list("xxxxxxxxxy"), list("xxxxxxxxxx")) == pytest.approx(0.5)


def test_confusion_matrix_by_hand():
    cm = m.confusion(GOLD, PRED, rows="can", columns="can")
    assert cm.counts == ((1, 1, 1), (0, 2, 0), (1, 1, 3))
    assert cm.count("n", "c") == 1


def test_zero_division_is_zero():
    s = m.class_score(["a", "a"], ["b", "b"], "c")
    assert (s.precision, s.recall, s.f1, s.support, s.predicted) == (0.0, 0.0, 0.0, 0, 0)
    assert m.accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        m.accuracy(["a"], [])


def test_ranks_average_ties():
    assert m.ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]
    assert m.ranks([1, 1, 1]) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("rho", [m.spearman, m.spearman_exact])
def test_spearman_with_ties_by_hand(rho):
    # ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4: r = 4.5 / sqrt(4.5 * 5) = sqrt(0.9)
    assert rho([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(math.sqrt(0.9))
    assert rho([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    # monotone but not linear: rank correlation is perfect
    assert rho([1, 2, 3, 4], [1, 8, 27, 1000]) == pytest.approx(1.0)


def test_spearman_undefined_is_none():
    assert m.spearman([1, 1, 1], [1, 2, 3]) is None
    assert m.spearman([1], [2]) is None
    assert m.pearson([2, 2], [1, 3]) is None


# --- rows ----------------------------------------------------------------------------------------


def test_parse_row_reasons():
    assert "not valid JSON" in parse_row(b'{"text_a": "x",', 3)
    assert "JSON object" in parse_row(b"[1, 2]", 3)
    assert parse_row(b'{"text_a": "x"}', 3) == "'text_b' is missing or empty"
    assert parse_row(b'{"text_a": "x", "text_b": "  "}', 3) == "'text_b' is missing or empty"
    assert parse_row(b'{"text_a": 5, "text_b": "y"}', 3) == "'text_a' must be a string, got int"
    assert "UTF-8" in parse_row(b'{"text_a": "\xff", "text_b": "y"}', 3)


def test_parse_row_fields():
    row = parse_row(b'{"id": 7, "text_a": "x", "text_b": "y", "gold": 4, "tags": ["t", 1], "extra": 1}', 9)
    assert row == EvalRow("7", 9, "x", "y", 4.0, ("t", "1"))
    assert parse_row(b'{"text_a": "x", "text_b": "y"}', 2) == EvalRow("line-2", 2, "x", "y")


# --- verdicts and scoring ------------------------------------------------------------------------


def test_verdict_precedence():
    assert verdict_of(["agreement", "contradiction", "discrepancy"]) == "contradiction"
    assert verdict_of(["single_source", "agreement"]) == "agreement"
    assert verdict_of(["discrepancy", "update", "single_source"]) == "neutral"
    assert verdict_of([]) == "neutral"


def _rows_and_predictions(items):
    """(gold, tags, verdict, aligned, similarity) -> rows and predictions matched by line."""
    rows, preds = [], []
    for line, (gold, tags, verdict, aligned, sim) in enumerate(items, start=1):
        rows.append(EvalRow(f"r{line}", line, "a", "b", gold, tags))
        preds.append(Prediction(f"r{line}", line, verdict, sim, aligned, ()))
    return rows, preds


def test_detect_scheme():
    assert detect_scheme(["contradiction", "agreement", "neutral", "unrelated", None]) == "stance"
    assert detect_scheme(["agreement", "not_agreement"]) == "entailment"
    assert detect_scheme(["aligned", "not_aligned"]) == "alignment"
    assert detect_scheme(["consistent", "inconsistent"]) == "consistency"
    assert detect_scheme([0.0, 4.2]) == "similarity"
    with pytest.raises(ScoringError, match="--task-map"):
        detect_scheme(["maybe"])
    with pytest.raises(ScoringError):
        detect_scheme([1.0, "agreement"])


def test_canonical_labels_and_task_map():
    assert canonical("disagree") == "contradiction"
    assert canonical("Discuss") == "neutral"
    assert canonical("maybe", {"maybe": "neutral"}) == "neutral"
    assert canonical(2.5) == 2.5


def test_stance_with_unrelated_fnc_figures_by_hand():
    rows, preds = _rows_and_predictions([
        ("unrelated", (), "neutral", False, 0.0),  # unrelated, right: 0.25 of 0.25
        ("unrelated", (), "agreement", True, 0.8),  # called related: 0 of 0.25
        ("agreement", ("t",), "agreement", True, 0.9),  # related and right: 1 of 1
        ("contradiction", ("t",), "agreement", True, 0.9),  # related, wrong stance: 0.25 of 1
        ("neutral", (), "neutral", False, 0.0),  # called unrelated: 0 of 1
    ])
    card = score(rows, preds)
    assert card.scheme == "stance" and card.rows == 5
    o = card.overall
    assert o.figure("accuracy") == pytest.approx(3 / 5)  # unrelated counts as neutral
    assert o.figure("fnc_score") == pytest.approx(1.5 / 3.5)
    unrelated = o.of("unrelated")
    assert (unrelated.precision, unrelated.recall, unrelated.f1) == pytest.approx((0.5, 0.5, 0.5))
    assert o.of("agreement").precision == pytest.approx(1 / 3)
    # FNC-1's four labels (unrelated when not aligned): agree 1 right of 3 predicted, 1 gold
    assert o.figure("fnc_agree_f1") == pytest.approx(0.5)
    assert o.figure("fnc_disagree_f1") == o.figure("fnc_discuss_f1") == 0.0
    assert o.figure("fnc_macro_f1") == pytest.approx((0.5 + 0.5) / 4)
    assert card.confusion.count("unrelated", "agreement") == 1
    assert card.confusion.count("contradiction", "agreement") == 1
    (tag,) = card.tags
    assert (tag.name, tag.rows, tag.figure("accuracy")) == ("t", 2, 0.5)
    assert as_json(card)["overall"]["figures"]["fnc_score"] == pytest.approx(1.5 / 3.5)


def test_entailment_alignment_consistency_similarity():
    rows, preds = _rows_and_predictions([
        ("agreement", (), "agreement", True, 0.9), ("not_agreement", (), "contradiction", True, 0.7),
        ("not_agreement", (), "agreement", True, 0.8), ("agreement", (), "neutral", False, 0.0)])
    card = score(rows, preds)
    assert card.scheme == "entailment"
    agree = card.overall.of("agreement")
    assert (agree.precision, agree.recall) == (0.5, 0.5)
    assert card.overall.figure("accuracy") == 0.5

    rows, preds = _rows_and_predictions([
        ("aligned", (), "neutral", True, 0.5), ("not_aligned", (), "neutral", True, 0.5),
        ("not_aligned", (), "neutral", False, 0.0)])
    aligned = score(rows, preds).overall.of("aligned")
    assert (aligned.precision, aligned.recall, aligned.f1) == pytest.approx((0.5, 1.0, 2 / 3))

    rows, preds = _rows_and_predictions([
        ("inconsistent", (), "contradiction", True, 0.9), ("inconsistent", (), "agreement", True, 0.9),
        ("inconsistent", (), "neutral", True, 0.9), ("consistent", (), "agreement", True, 0.9)])
    card = score(rows, preds)
    assert card.scheme == "consistency"
    assert card.overall.figure("balanced_accuracy") == pytest.approx((1 / 3 + 1) / 2)

    rows, preds = _rows_and_predictions([(g, (), "neutral", s > 0, s)
                                         for g, s in [(0.0, 0.0), (2.0, 0.5), (2.0, 0.4), (5.0, 0.9)]])
    card = score(rows, preds, {})
    assert card.scheme == "similarity" and card.confusion is None
    # ranks gold 1, 2.5, 2.5, 4 and similarity 1, 3, 2, 4
    assert card.overall.figure("spearman") == pytest.approx(math.sqrt(0.9))


def test_rows_without_gold_are_not_scored():
    rows, preds = _rows_and_predictions([("agreement", (), "agreement", True, 0.9),
                                         (None, (), "contradiction", True, 0.9)])
    card = score(rows, preds)
    assert card.rows == 1 and card.overall.figure("accuracy") == 1.0

"""Exit codes a CI job gates on: 0 clean, 1 gate failed (2 is the CLI's, for errors)."""

from crosscheck import exitcodes
from crosscheck.gate import gate_exit_code
from crosscheck.nouns import Finding


def f(kind, level):
    return Finding(id=kind + level, kind=kind, rule="R", level=level, story="s", message="", score=1.0, statements=())


def test_clean_when_nothing_reaches_the_gate_level():
    assert gate_exit_code([f("agreement", "info"), f("discrepancy", "warning")]) == exitcodes.CLEAN


def test_error_fails_by_default():
    assert gate_exit_code([f("contradiction", "error")]) == exitcodes.FINDINGS


def test_fail_on_warning_counts_warnings():
    assert gate_exit_code([f("discrepancy", "warning")], fail_on="warning") == exitcodes.FINDINGS
    assert gate_exit_code([f("agreement", "info")], fail_on="warning") == exitcodes.CLEAN


def test_max_contradictions_allows_up_to_n():
    two = [f("contradiction", "error"), f("contradiction", "error")]
    assert gate_exit_code(two, max_contradictions=2) == exitcodes.CLEAN
    assert gate_exit_code(two, max_contradictions=1) == exitcodes.FINDINGS


def test_exit_zero_always_passes():
    assert gate_exit_code([f("contradiction", "error")], exit_zero=True) == exitcodes.CLEAN


def test_codes_are_distinct():
    assert len({exitcodes.CLEAN, exitcodes.FINDINGS, exitcodes.ERROR}) == 3

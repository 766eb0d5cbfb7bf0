"""Every built-in rule's case file, run through the real pipeline (spaCy + MiniLM)."""

import pytest

from crosscheck.verdicts.rules.cases import case_files, load_case_file, run_case
from crosscheck.verdicts.rules.ruleset import builtin_rules_dir, load_rules

CASES = [(path, case) for path in case_files([]) for case in load_case_file(path).cases]


@pytest.fixture(scope="module")
def rules():
    return {r.id: r for r in load_rules([])}


@pytest.mark.parametrize("path, case", CASES, ids=[f"{p.stem.split('.')[0]}: {c.name}" for p, c in CASES])
def test_rule_case(pipeline, rules, path, case):
    rule = rules[load_case_file(path).rule]
    got = run_case(pipeline, rule, case)
    if case.expect == "none":
        assert got == (), f"expected no finding, got {got}"
    else:
        assert case.expect in got, f"expected {case.expect}, got {got or 'nothing'}"


def test_cases_exist_for_the_builtin_folder():
    assert builtin_rules_dir().is_dir() and len(CASES) >= 20

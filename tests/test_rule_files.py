"""Rule files: strict decoding, and errors that name the file, the line and the key."""

from pathlib import Path

import pytest

from crosscheck.errors import RuleFileError
from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.ruleset import builtin_rules_dir, load_rule, load_rules, rule_files

GOOD = """\
id: MY01
name: My numeric rule
kind: numeric
level: warning
message: "{a_outlet} says {a_value}, {b_outlet} says {b_value}"
parameters:
  tolerance: 0.05
"""


def write(tmp_path: Path, text: str, name: str = "MY01.yml") -> Path:
    path = tmp_path / "mine" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_good_rule_loads_with_its_parameters(tmp_path):
    rule = load_rule(write(tmp_path, GOOD))
    assert (rule.id, rule.kind, rule.level, rule.group) == ("MY01", "numeric", "warning", "mine")
    assert rule.params.tolerance == 0.05
    assert rule.render({"a_outlet": "A", "a_value": "1", "b_outlet": "B", "b_value": "2"}) == "A says 1, B says 2"


@pytest.mark.parametrize("text, line, key, code", [
    (GOOD.replace("level: warning", "level: fatal"), 4, "level", "E206"),
    (GOOD + "colour: red\n", 8, "colour", "E206"),
    (GOOD.replace("kind: numeric", "kind: sarcasm"), 3, "kind", "E207"),
    (GOOD.replace("  tolerance: 0.05", "  tolerance: lots"), 7, "parameters.tolerance", "E208"),
    (GOOD.replace("  tolerance: 0.05", "  tolerence: 0.05"), 7, "parameters.tolerence", "E208"),
    (GOOD.replace("{b_value}", "{b_valeu}"), 5, "message", "E209"),
    (GOOD.replace("id: MY01", "id: OTHER01"), 1, "id", "E210"),
])
def test_bad_rule_names_file_line_and_key(tmp_path, text, line, key, code):
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as info:
        load_rule(path)
    err = info.value
    assert (err.path, err.line, err.key, err.code) == (str(path), line, key, code)
    assert str(path) in str(err) and f":{line}" in str(err)


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "id: MY01\nname: [unclosed\nkind: numeric\n")
    with pytest.raises(RuleFileError) as info:
        load_rule(path)
    assert info.value.code == "E204" and info.value.line is not None


def test_yaml_tags_that_would_run_code_are_refused(tmp_path):
    path = write(tmp_path, "!!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(RuleFileError) as info:
        load_rule(path)
    assert info.value.code == "E204"


def test_user_rules_add_to_builtins_and_can_be_disabled(tmp_path):
    write(tmp_path, GOOD)
    ids = {r.id for r in load_rules([tmp_path / "mine"])}
    assert "MY01" in ids and "NUM01" in ids
    ids = {r.id for r in load_rules([tmp_path / "mine"], disable=["NUM01", "polarity"])}
    assert "NUM01" not in ids and "POL01" not in ids and "MY01" in ids
    assert {r.id for r in load_rules([tmp_path / "mine"], include_builtin=False)} == {"MY01"}


def test_every_kind_has_a_builtin_rule():
    kinds = {load_rule(p).kind for p in rule_files(builtin_rules_dir())}
    assert kinds == set(KINDS)


def test_every_builtin_rule_has_cases_that_fire_and_cases_that_do_not():
    """proselint's meta-test: a rule without examples is not done."""
    from crosscheck.verdicts.rules.cases import load_case_file

    for path in rule_files(builtin_rules_dir()):
        cases_path = path.with_name(path.stem + ".cases.yml")
        assert cases_path.exists(), f"{path.name} has no case file"
        spec = load_case_file(cases_path)
        expects = {c.expect for c in spec.cases}
        assert spec.rule == path.stem
        assert "none" in expects and expects - {"none"}, f"{cases_path.name} needs firing and non-firing cases"


def test_discrepancy_and_update_never_fail_ci_by_default(tmp_path):
    rule = load_rule(write(tmp_path, GOOD.replace("level: warning", "level: error")))
    assert rule.level_for("contradiction") == "error"
    assert rule.level_for("discrepancy") == "warning"
    assert rule.level_for("agreement") == "info"


def test_the_builtin_rules_are_the_repository_rules_folder_and_the_wheel_maps_it():
    root = Path(__file__).resolve().parents[1]
    assert builtin_rules_dir() == root / "rules"  # one copy: the source checkout reads the top-level folder
    assert not (root / "src" / "crosscheck" / "rules").exists()
    setup = (root / "setup.py").read_text()
    assert '"crosscheck.rules": "rules"' in setup and '"crosscheck.rules"]' in setup
    pyproject = (root / "pyproject.toml").read_text()
    assert '"crosscheck.rules" = ["**/*.yml"]' in pyproject  # rule and case files go into the wheel

"""Fuzz the rule-file and case-file parsers: any bytes give a Rule or a RuleFileError (E2xx), quickly.

    python fuzz/fuzz_rules.py --seconds 60

The input is written as ``MY01.yml`` and loaded as a rule, then as a case file. Anything other
than a RuleFileError (a KeyError, a RecursionError, a pydantic error escaping, a YAML tag that
builds an object) is a bug; so is an input slower than ``--timeout`` seconds or one that needs
more than ``--rss-mb`` MiB (an alias bomb that got through).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _driver import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"^E2\d\d$")
WORK = Path(tempfile.mkdtemp(prefix="crosscheck-fuzz-rules-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
PATH = WORK / "custom" / "MY01.yml"
PATH.parent.mkdir()
load_rule = load_case_file = RuleFileError = None


def setup() -> None:
    global load_rule, load_case_file, RuleFileError
    from crosscheck.errors import RuleFileError as error
    from crosscheck.findings.cases import load_case_file as cases
    from crosscheck.findings.ruleset import load_rule as rule

    load_rule, load_case_file, RuleFileError = rule, cases, error


def seeds() -> list[bytes]:
    rules = sorted((ROOT / "src" / "crosscheck" / "rules").rglob("*.yml"))
    out = [p.read_bytes().replace(f"id: {p.stem}".encode(), b"id: MY01") for p in rules if p.stem.isupper()]
    out += [p.read_bytes() for p in rules if p.name.endswith(".cases.yml")]
    out += [b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", b"!!python/object/apply:os.system ['true']\n",
            b"message: '{a_value:>9}'\n", b"x: &x [*x]\n"]
    return out


def target(data: bytes) -> None:
    PATH.write_bytes(data)
    for load in (load_rule, load_case_file):
        try:
            load(PATH)
        except RuleFileError as exc:
            assert CODE.match(exc.code) and exc.path == str(PATH), exc
            assert exc.line is None or exc.line >= 1, exc


if __name__ == "__main__":
    sys.exit(run("fuzz_rules", target, seeds, setup, instrument=("crosscheck", "yaml")))

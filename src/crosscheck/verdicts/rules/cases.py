"""Rule test cases as data: pairs of statements that must and must not make a rule fire.

Each case runs through the real pipeline (spaCy statements, embeddings, alignment, the engine),
with only the rule under test enabled, so a case checks what users will see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crosscheck.errors import RuleFileError
from crosscheck.verdicts.rules.ruleset import CASES_SUFFIX, Rule, builtin_rules_dir, load_rules
from crosscheck.verdicts.rules.yamlsource import line_of, load_yaml_with_lines
from crosscheck.nouns import Document, Story

Expect = Literal["contradiction", "agreement", "discrepancy", "update", "single_source", "unsupported", "disputed", "none"]


class Side(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    outlet: str = ""
    published: dt.date | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    a: Side | str
    b: Side | str
    expect: Expect
    # the rule's parameters for this case only (validated like the rule file's): a case may try a setting
    # the shipped rule leaves off
    parameters: dict[str, Any] = Field(default_factory=dict)
    # the case is a draft check (``check b --against a``): ``a`` the source, ``b`` the draft; rules of kind
    # ``unsupported`` are always read that way
    draft: bool = False


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class CaseResult:
    rule: str
    name: str
    expected: str
    got: tuple[str, ...]
    path: str

    @property
    def passed(self) -> bool:
        return not self.got if self.expected == "none" else self.expected in self.got


def load_case_file(path: Path) -> CaseFile:
    data, lines = load_yaml_with_lines(path)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise RuleFileError(err["msg"] if err["type"] != "extra_forbidden" else "unknown key", path=str(path),
                            line=line_of(lines, loc), key=".".join(map(str, loc)), code="E220") from exc


def case_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths or [builtin_rules_dir()]:
        out.extend(sorted(p.rglob("*" + CASES_SUFFIX)) if p.is_dir() else [p])
    return out


def _document(doc_id: str, side: Side | str, default_date: dt.date) -> Document:
    side = Side(text=side) if isinstance(side, str) else side
    return Document(id=doc_id, path=f"<case {doc_id}>", title="", outlet=side.outlet or f"Outlet {doc_id.upper()}",
                    published=side.published or default_date, url="", text=side.text)


def run_case_files(paths: list[Path], pipeline=None) -> list[CaseResult]:
    """Run every case of every case file; rules come from the built-ins plus the folders given.

    The one way cases run, for ``crosscheck rules test`` and the test suite alike: a pipeline with
    every rule loaded (the draft check and the contradiction model read them), each case's findings
    from the rule under test alone (plus the model's judgements, as a user's run has them)."""
    from crosscheck.pipeline import Pipeline, Settings

    rule_dirs = [p for p in paths if p.is_dir()]
    rules = {r.id: r for r in load_rules(rule_dirs)}
    pipeline = pipeline or Pipeline(Settings(rules_dirs=tuple(rule_dirs)))
    results = []
    for path in case_files(paths):
        spec = load_case_file(path)
        rule = rules.get(spec.rule)
        if rule is None:
            raise RuleFileError(f"case file names unknown rule '{spec.rule}'", path=str(path), key="rule",
                                code="E221")
        for case in spec.cases:
            try:
                got = run_case(pipeline, rule, case)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise RuleFileError(f"case '{case.name}': {err['msg']} for rule {rule.id}", path=str(path),
                                    key=".".join(["parameters", *map(str, err["loc"])]), code="E222") from exc
            results.append(CaseResult(rule.id, case.name, case.expect, got, str(path)))
    return results


def run_case(pipeline, rule: Rule, case: Case) -> tuple[str, ...]:
    """The finding kinds the rule reports for this pair of texts.

    Draft-scoped rules (kind ``unsupported``), and any rule in a case marked ``draft``, read ``a`` as the
    source and ``b`` as the draft.
    """
    from crosscheck.verdicts.rules.engine import run_rules

    if case.parameters:  # pydantic's ValidationError for a bad one: run_case_files names the file
        rule = replace(rule, params=type(rule.params).model_validate({**rule.params.model_dump(), **case.parameters}))
        # analysed as a run with these parameters: what the model judges depends on them (NLI01's own_findings)
        pipeline = pipeline.with_rules([rule if r.id == rule.id else r for r in pipeline.rules])
    docs = [_document("a", case.a, dt.date(2020, 1, 1)), _document("b", case.b, dt.date(2020, 1, 2))]
    if rule.kind == "unsupported" or case.draft:
        return _run_draft_case(pipeline, rule, docs)
    story = Story("story-1", "case", ("a", "b"))
    analysis = pipeline.analyse(docs, stories=[story])
    # the nli rule goes along: its judgements can overrule the rule under test, as in a user's run
    along = [r for r in pipeline.rules if r.kind == "nli" and r.id != rule.id]
    findings = run_rules([rule, *along], [story], list(analysis.documents), list(analysis.statements),
                         list(analysis.alignments), analysis.judgements, analysis.claim_pairs)
    return tuple(sorted({f.kind for f in findings if f.rule == rule.id}))


def _run_draft_case(pipeline, rule: Rule, docs: list[Document]) -> tuple[str, ...]:
    from crosscheck.draft import findings_for, judge_claims

    source, draft = docs
    analysis = pipeline.analyse([source], stories=[Story("story-1", "case", ("a",))])
    verdicts = judge_claims(pipeline, draft, analysis)
    found = findings_for(verdicts, [rule], {source.id: source, draft.id: draft})
    return tuple(sorted({f.kind for f in found if f.rule == rule.id}))

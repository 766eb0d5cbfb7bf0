"""The verdict stage: what each statement pair across outlets means, and how sure we are.

Between the alignments and the report, in one room: the rules (the rule engine and the closed set of
rule kinds, ``verdicts.rules``, reading the rule files of ``rules/``), crosscheck's contradiction model
(``contradiction_model``, ``judge``: its judgements are evidence for the rules and the combiner), a
user's cross-encoder (``hf_cross_encoder``) and the combiner with its calibration (``evidence``,
``features``, ``combiner``, ``calibrate``). Training code lives beside the run-time, in ``training/``.

The stage reads ``READS`` and gives ``GIVES``; ``decide`` is its entry point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crosscheck.nouns import Alignment, Document, Finding, Statement, Story
    from crosscheck.verdicts.combiner import Combiner
    from crosscheck.verdicts.rules.engine import PairMemo
    from crosscheck.verdicts.rules.ruleset import Rule

# what the stage reads from the stages before it, and what it gives the report
READS = ("documents", "statements", "stories", "alignments", "claim_pairs", "judgements", "passage_judgements")
GIVES = ("findings",)

Judgement = tuple[float, float, float]  # the contradiction model's agreement, neutral, contradiction


def decide(rules: Sequence[Rule], stories: Sequence[Story], documents: Sequence[Document],
           statements: Sequence[Statement], alignments: Sequence[Alignment],
           judgements: Mapping[tuple[str, str], Judgement] | None = None, claim_pairs: Sequence[Alignment] = (),
           combiner: Combiner | None = None, min_score: float = 0.0, memo: PairMemo | None = None,
           passages: Mapping[tuple[str, str], Judgement] | None = None) -> list[Finding]:
    """The findings of every enabled rule, each scored by the combiner (when given) and those under
    ``min_score`` dropped; deterministic order (story, severity, kind, fingerprint). ``memo``: the rules'
    verdicts from the pass that chose the pairs to judge (``rules.engine.PairMemo``). The rules read
    ``judgements`` (the statements alone), the combiner ``passages`` (each premise with its neighbour, as it
    was trained: ``judge.View``) where a pair has one, else ``judgements``."""
    from crosscheck.verdicts.rules.engine import run_rules

    findings = run_rules(rules, stories, documents, statements, alignments, judgements, claim_pairs, memo)
    if combiner is None and min_score <= 0:
        return findings
    from crosscheck.verdicts.calibrate import calibrate_findings

    scored_by = {**(judgements or {}), **(passages or {})} if passages is not None else judgements
    return calibrate_findings(findings, combiner, rules, documents, statements, alignments, scored_by, min_score)

"""Putting the combiner to work: calibrated scores on findings, probabilities per story.

Why scores on findings: a rule's own confidence is a guess; the combiner's probability is
measured ("0.9 = nine in ten such flags were right on labelled data"). A contradiction,
discrepancy or update finding gets the pair's probability of contradiction, an agreement the
pair's probability of agreement; findings about one statement (single-source, unsupported) keep
the rule's score. ``min_score`` then drops findings below a threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from crosscheck.verdicts.combiner import Combiner
from crosscheck.verdicts.evidence import Evidence, statement_counts, story_evidence
from crosscheck.verdicts.features import aggregate, evidence_features, pair_features
from crosscheck.verdicts.rules.engine import make_pair, sort_findings
from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.kinds.base import Neighbours, Pair
from crosscheck.verdicts.rules.ruleset import Rule
from crosscheck.nouns import Alignment, Document, Finding, Statement, Story

# which class's probability a finding kind is scored by
SCORED_BY = {"contradiction": "contradiction", "discrepancy": "contradiction", "update": "contradiction",
             "disputed": "contradiction", "agreement": "agreement"}


Judgements = Mapping[tuple[str, str], tuple[float, float, float]]  # alignment ids -> agreement, neutral, contradiction


# the calibrated probability an error-level finding needs to stay an error: below it the finding is more
# likely wrong than right, and a CI gate must not fail on it (it is shown as a warning)
ERROR_NEEDS = 0.5


def nli_table(judgements: Judgements | None, pairs: Sequence[Pair]) -> dict[tuple[str, str], tuple[float, float]] | None:
    """The model's (contradiction, entailment) probabilities per (a, b) statement ids of the judged pairs."""
    if judgements is None or not pairs:
        return None
    out = {}
    for p in pairs:
        j = judgements.get((p.alignment.a, p.alignment.b))
        if j is not None:
            out[(p.a.id, p.b.id)] = (float(j[2]), float(j[0]))
    return out


def story_probabilities(combiner: Combiner, rules: Sequence[Rule], stories: Sequence[Story],
                        documents: Sequence[Document], statements: Sequence[Statement],
                        alignments: Sequence[Alignment], judgements: Judgements | None = None
                        ) -> dict[str, np.ndarray]:
    """Probabilities (combiner classes) per story, from all its cross-document aligned pairs."""
    evidence = story_evidence(stories, documents, statements, alignments)
    table = nli_table(judgements, [p for e in evidence.values() for p in e.pairs])
    ids = list(evidence)
    if not ids:
        return {}
    x = np.vstack([evidence_features(evidence[i], rules, table) for i in ids])
    return dict(zip(ids, combiner.probabilities(x)))


def has_measured_score(f: Finding, kind_of: Mapping[str, str]) -> bool:
    """Whether the finding's score is already a measured probability (its rule's kind measures findings of its
    kind: POL01's and POL02's precision), which the combiner leaves as it is; ``kind_of``: rule id -> kind."""
    return f.rule in kind_of and KINDS[kind_of[f.rule]].measures(f.kind)


def calibrate_findings(findings: Sequence[Finding], combiner: Combiner | None, rules: Sequence[Rule],
                       documents: Sequence[Document], statements: Sequence[Statement],
                       alignments: Sequence[Alignment], judgements: Judgements | None = None,
                       min_score: float = 0.0) -> list[Finding]:
    """Findings with calibrated scores (when a combiner is given), those under ``min_score`` dropped."""
    out = list(findings)
    if combiner is not None:
        by_stmt = {s.id: s for s in statements}
        by_doc = {d.id: d for d in documents}
        by_ids = {(al.a, al.b): al for al in alignments} | {(al.b, al.a): al for al in alignments}
        sizes = statement_counts(statements)
        wanted: dict[tuple[str, str], Pair] = {}
        kind_of = {r.id: r.kind for r in rules}
        neighbours = Neighbours(alignments, by_stmt)

        def measured(f: Finding) -> bool:
            return has_measured_score(f, kind_of)

        for f in out:
            if measured(f):
                continue
            key = _key(f, by_ids)
            if key is not None:
                wanted[key] = make_pair(by_ids[key], by_stmt, by_doc, neighbours=neighbours)
        pairs = list(wanted.values())
        table = nli_table(judgements, pairs) if combiner.uses_nli else None
        probs = {}
        if pairs:
            x = np.vstack([aggregate([pair_features(p, rules, (sizes[p.a.document], sizes[p.b.document]),
                                                    (table or {}).get((p.a.id, p.b.id)))]) for p in pairs])
            probs = dict(zip(wanted, combiner.probabilities(x)))
        rescored = []
        for f in out:
            key = _key(f, by_ids)
            if key in probs and not measured(f):
                p = probs[key][combiner.classes.index(SCORED_BY[f.kind])]
                if SCORED_BY[f.kind] == "agreement":
                    p = combiner.agreement_score(p)
                f = replace(f, score=round(float(p), 4))
            if (key in probs or measured(f)) and f.level == "error" and f.score < ERROR_NEEDS:
                f = replace(f, level="warning")  # more likely wrong than right: shown, never failing CI
            rescored.append(f)
        out = rescored
    if min_score > 0:
        out = [f for f in out if f.score >= min_score]
    return sort_findings(out)


def _key(f: Finding, by_ids: dict[tuple[str, str], Alignment]) -> tuple[str, str] | None:
    if f.kind not in SCORED_BY or len(f.statements) != 2:
        return None
    al = by_ids.get((f.statements[0].statement, f.statements[1].statement))
    return (al.a, al.b) if al is not None else None


def evidence_probabilities(combiner: Combiner, rules: Sequence[Rule], evidence: Evidence,
                           judgements: Judgements | None = None) -> np.ndarray:
    """Probabilities for one story's evidence (used by tests and the bench)."""
    return combiner.probabilities(evidence_features(evidence, rules, nli_table(judgements, evidence.pairs)))[0]

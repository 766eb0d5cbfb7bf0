"""Alignments -> findings: every enabled rule looks at every aligned pair it is meant for.

The engine orders each pair in time (earlier article first), runs the pair rules, resolves
what they say (a pair that conflicts is never also reported as an agreement), drops what inline
suppressions switch off, and gives every finding a fingerprint that survives file renames,
re-ordering and unrelated edits elsewhere in an article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.kinds.base import Neighbours, Pair, Verdict, same_words
from crosscheck.verdicts.rules.kinds.nli import NliParams, differs_in_substance, vetoes
from crosscheck.verdicts.rules.ruleset import Rule
from crosscheck.nouns import Alignment, Document, Finding, Span, Statement, StatementRef, Story
from crosscheck.statements.extract import statements_by_document

_SPACE = re.compile(r"\s+")
KIND_ORDER = {"contradiction": 0, "disputed": 1, "unsupported": 2, "update": 3, "discrepancy": 4, "agreement": 5,
              "single_source": 6}
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def fingerprint(rule: str, kind: str, refs: Sequence[tuple[str, str]]) -> str:
    """Hash of the rule, the kind and each statement's whitespace-normalised text, order-free.

    Document ids are left out on purpose: renaming or re-ordering files keeps the fingerprint.
    """
    parts = sorted(_SPACE.sub(" ", text).strip().lower() for _, text in refs)
    return hashlib.sha256("\x1f".join([rule, kind, *parts]).encode()).hexdigest()[:16]


def _time_key(doc: Document) -> tuple:
    return (doc.published or dt.date.max, doc.id)


def make_pair(al: Alignment, statements: dict[str, Statement], documents: dict[str, Document],
              judgements: Mapping[tuple[str, str], Judgement] | None = None, claim_pair: bool = False,
              neighbours: Neighbours | None = None) -> Pair:
    a, b = statements[al.a], statements[al.b]
    da, db = documents[a.document], documents[b.document]
    if (_time_key(db), b.index) < (_time_key(da), a.index):
        a, b, da, db = b, a, db, da
    return Pair(a, b, da, db, al, judgements.get((al.a, al.b)) if judgements else None, claim_pair, neighbours)


def _suppressed(rule: Rule, doc: Document, s: Statement) -> bool:
    return any(span.start <= s.start < span.end and target in (rule.id, rule.group, "all")
               for span, target in doc.suppressions)


def _ref(s: Statement, highlights: Iterable[Span]) -> StatementRef:
    return StatementRef(s.document, s.id, s.text, s.start, s.end, tuple(sorted(set(highlights),
                                                                              key=lambda h: (h.start, h.end))),
                        s.before, s.after)


def _values(pair: Pair, verdict: Verdict) -> dict:
    common = {"a_outlet": pair.doc_a.outlet or pair.doc_a.id, "b_outlet": pair.doc_b.outlet or pair.doc_b.id,
              "a_date": pair.doc_a.published.isoformat() if pair.doc_a.published else "undated",
              "b_date": pair.doc_b.published.isoformat() if pair.doc_b.published else "undated",
              "a_text": pair.a.text, "b_text": pair.b.text}
    return {**common, **verdict.values}


Judgement = tuple[float, float, float]  # the contradiction model's agreement, neutral, contradiction


def model_says(rule: Rule, verdict: Verdict, verdicts: Sequence[tuple[Rule, Verdict]], pair: Pair,
               nli: NliParams | None) -> bool:
    """Whether a rule's verdict stands beside the contradiction model's judgement of the pair.

    A specific rule names the reason when it fires, so the model's own contradiction (kind ``nli``)
    stands only where no specific rule reports a conflict; a specific rule's contradiction falls when
    the model is sure the pair agrees or is unrelated (``veto_*`` of the nli rule); an agreement without
    matching figures falls when the model calls the pair a contradiction.
    """
    if rule.kind == "nli":
        return not any(r.kind != "nli" and v.kind != "agreement" for r, v in verdicts)
    if nli is None or pair.judgement is None:
        return True
    if verdict.kind == "contradiction":
        return rule.kind not in nli.veto_kinds or not vetoes(pair.judgement, nli, not verdict.named_dispute)
    if verdict.kind == "agreement":  # figures that match after normalisation are the rules' to read, not the model's
        # a near-copy with a detail added ("In 2013, Skyworth denied ...") is no contradiction, whatever the
        # model says: it calls such pairs contradictions at p 0.98 and more (docs/model-card.md)
        return (matched_figures(verdict) or pair.judgement[2] < nli.min_contradiction
                or not differs_in_substance(pair.a.text, pair.b.text))
    return True


def model_may_overrule(rule: Rule, verdict: Verdict, nli: NliParams | None, a: str, b: str) -> bool:
    """Whether ``model_says`` can drop this verdict of the statements ``a`` and ``b`` (texts), whatever the
    model's judgement: a contradiction of a kind it may veto (``veto_kinds``), an agreement without matching
    figures between statements that differ in substance.

    Why: these are the only verdicts a judgement in the statements' view decides, so the only rule pairs the
    model must judge in that view. A figure's, a date's or a quote's contradiction stands whatever the model
    says (its score reads the passage view: ``judge.View``), an agreement of matching figures is the rules' to
    read, and one between near-copies stands too; judging those pairs was about three quarters of the
    statement-view judging of the 1,000-article bench corpus."""
    if nli is None or rule.kind == "nli":
        return False
    if verdict.kind == "contradiction":
        return rule.kind in nli.veto_kinds
    return verdict.kind == "agreement" and not matched_figures(verdict) and differs_in_substance(a, b)


def matched_figures(verdict: Verdict) -> bool:
    """Whether an agreement verdict rests on figures (or dates) that matched, not on words alone."""
    return verdict.values.get("values", "same claim") != "same claim"


@dataclass
class PairMemo:
    """The verdicts of the rule kinds that do not read the model's judgement, per aligned pair.

    Why: a run asks the rules twice, once without the model to choose the pairs it judges and once with
    its judgements; those kinds say the same both times, and asking them is most of the rules' cost (a
    1,000-article run: 254,550 aligned pairs, 5 s a pass). Valid for one run's alignments and rules."""

    rules: tuple[Rule, ...] = ()  # the pair rules the verdicts came from
    alignments: Sequence[Alignment] | None = None  # ... and the alignments (the same object, not a copy)
    # (a, b) -> [(index of the rule in the run's pair rules, rule, verdict)] in rule order; only the pairs some
    # rule spoke of (a 10,000-article run aligns 4.8 million pairs, a few percent of which any rule reports)
    verdicts: dict[tuple[str, str], list[tuple[int, Rule, Verdict]]] = field(default_factory=dict)


def _pair_verdicts(pair: Pair, al: Alignment, rules: Sequence[tuple[int, Rule]], claim_pair: bool
                   ) -> list[tuple[int, Rule, Verdict]]:
    out = []
    for index, rule in rules:
        if al.score < rule.params.min_alignment and not pair.same_document and not claim_pair:
            continue  # same-document pairs come from align_within, which has its own criteria
        out += [(index, rule, verdict) for verdict in KINDS[rule.kind].check(pair, rule.params)]  # type: ignore[misc]
    return out


def run_rules(rules: Sequence[Rule], stories: Sequence[Story], documents: Sequence[Document],
              statements: Sequence[Statement], alignments: Sequence[Alignment],
              judgements: Mapping[tuple[str, str], Judgement] | None = None,
              claim_pairs: Sequence[Alignment] = (), memo: PairMemo | None = None) -> list[Finding]:
    """All findings of all rules, deterministic order: story, severity, kind, fingerprint.

    ``judgements`` (the contradiction model's, keyed by alignment ids) go with their pairs: the nli rule
    kind reads them, and they can overrule a specific rule (``model_says``). ``claim_pairs`` (lead claims
    against other outlets' closest statements, refutations against leads: not aligned) are read only by the
    rule kinds that declare ``reads_claim_pairs``. ``memo`` keeps the verdicts that do not depend on the
    judgements between two calls on the same alignments and rules (``PairMemo``)."""
    by_stmt = {s.id: s for s in statements}
    by_doc = {d.id: d for d in documents}
    story_of = {d: st.id for st in stories for d in st.documents}
    position = {s.id: i for i, s in enumerate(statements)}
    neighbours = Neighbours(alignments, by_stmt)
    pair_rules = [r for r in rules if KINDS[r.kind].check is not None]
    story_rules = [r for r in rules if KINDS[r.kind].check_story is not None]
    findings: dict[tuple[str, str], Finding] = {}  # by story and fingerprint
    nli = next((r.params for r in pair_rules if r.kind == "nli"), None)

    indexed = list(enumerate(pair_rules))
    claim_rules = [(i, r) for i, r in indexed if KINDS[r.kind].reads_claim_pairs]
    model_rules = [(i, r) for i, r in indexed if KINDS[r.kind].reads_judgement]
    reuse = memo is not None and memo.rules == tuple(pair_rules) and memo.alignments is alignments
    if memo is not None and not reuse:  # other rules, parameters or alignments: start afresh
        memo.rules, memo.alignments, memo.verdicts = tuple(pair_rules), alignments, {}
    for al, claim_pair in [(al, False) for al in alignments] + [(al, True) for al in claim_pairs]:
        key = (al.a, al.b)
        if reuse and not claim_pair:
            known = memo.verdicts.get(key, [])  # type: ignore[union-attr]
            if not known and (not judgements or key not in judgements):
                continue  # no rule spoke, and no judgement for the model's rules to read
            pair = make_pair(al, by_stmt, by_doc, judgements, claim_pair, neighbours)
            found = sorted(known + _pair_verdicts(pair, al, model_rules, claim_pair), key=lambda x: x[0])
        else:
            pair = make_pair(al, by_stmt, by_doc, judgements, claim_pair, neighbours)
            found = _pair_verdicts(pair, al, claim_rules if claim_pair else indexed, claim_pair)
            if memo is not None and not claim_pair and found:
                fixed = [x for x in found if not KINDS[x[1].kind].reads_judgement]
                if fixed:
                    memo.verdicts[key] = fixed
        verdicts: list[tuple[Rule, Verdict]] = [(rule, verdict) for _, rule, verdict in found]
        if pair.judgement is not None:
            verdicts = [(r, v) for r, v in verdicts if model_says(r, v, verdicts, pair, nli)]  # type: ignore[arg-type]
        if verdicts and not pair.same_document and same_words(pair.a.text, pair.b.text):
            verdicts = [(r, v) for r, v in verdicts if v.kind == "agreement"]  # a reprint cannot contradict itself
        if any(v.kind != "agreement" for _, v in verdicts):
            verdicts = [(r, v) for r, v in verdicts if v.kind != "agreement"]
        for rule, verdict in verdicts:
            if _suppressed(rule, pair.doc_a, pair.a) or _suppressed(rule, pair.doc_b, pair.b):
                continue
            refs = (_ref(pair.a, verdict.highlights_a), _ref(pair.b, verdict.highlights_b))
            fid = fingerprint(rule.id, verdict.kind, [(r.document, r.text) for r in refs])
            # a measured probability as it is (the model's, POL02's precision); a rule's guess weighed by the alignment
            measured = KINDS[rule.kind].measures(verdict.kind)
            score = round(verdict.confidence if measured else min(1.0, al.score) * verdict.confidence, 4)
            story = story_of.get(pair.a.document, "")
            finding = Finding(fid, verdict.kind, rule.id, rule.level_for(verdict.kind), story,  # type: ignore[arg-type]
                              rule.render(_values(pair, verdict)), score, refs)
            # one finding per story and fingerprint: the same two texts in another story are that story's finding
            # (keyed by the fingerprint alone, two rows of an eval file that share a headline and a debunking
            # sentence made one finding between them, and which row kept it hung on the rows read together)
            if (story, fid) not in findings or findings[story, fid].score < score:
                findings[story, fid] = finding

    findings = _best_agreement_per_statement(findings)
    findings = _best_debunk_per_statement(findings, {r.id for r in pair_rules if r.kind == "debunk"})
    # statements aligned across documents at or above each story rule's threshold: one pass over the
    # alignments per rule, not per story (a story-by-story pass made a 1,000-article run quadratic)
    across = [al for al in alignments if by_stmt[al.a].document != by_stmt[al.b].document]
    strong_for = {rule.id: {x for al in across if al.score >= rule.params.min_alignment for x in (al.a, al.b)}
                  for rule in story_rules}
    statements_of = statements_by_document(statements)
    for story in stories:
        members = sorted((s for d in set(story.documents) for s in statements_of.get(d, ())),
                         key=lambda s: position[s.id])  # the input order, as before
        outlets = len({(by_doc[d].outlet or d) for d in story.documents})
        for rule in story_rules:
            strong = strong_for[rule.id]
            for s, verdict in KINDS[rule.kind].check_story(members, strong, outlets, rule.params):  # type: ignore[misc]
                doc = by_doc[s.document]
                if _suppressed(rule, doc, s):
                    continue
                values = {"a_outlet": doc.outlet or doc.id,
                          "a_date": doc.published.isoformat() if doc.published else "undated", "a_text": s.text,
                          **verdict.values}
                ref = _ref(s, ())
                fid = fingerprint(rule.id, verdict.kind, [(s.document, s.text)])
                findings[story.id, fid] = Finding(fid, verdict.kind, rule.id, rule.level_for(verdict.kind),  # type: ignore[arg-type]
                                                  story.id, rule.render(values), 1.0, (ref,))
    return sort_findings(findings.values())


def _keep_best(findings: dict[tuple[str, str], Finding], chosen: Callable[[Finding], bool],
               keys: Callable[[Finding], Iterable[tuple]]) -> dict[tuple[str, str], Finding]:
    """Of the ``chosen`` findings (keyed by story and fingerprint), only the best-scoring one under each of their
    ``keys``; the rest kept."""
    best: dict[tuple, tuple[str, str]] = {}
    for at, f in findings.items():
        if not chosen(f):
            continue
        for key in keys(f):
            if key not in best or (f.score, f.id) > (findings[best[key]].score, findings[best[key]].id):
                best[key] = at
    keep = set(best.values())
    return {at: f for at, f in findings.items() if not chosen(f) or at in keep}


def _best_agreement_per_statement(findings: dict[tuple[str, str], Finding]) -> dict[tuple[str, str], Finding]:
    """One agreement per statement and other document: the best-scoring one."""
    return _keep_best(findings, lambda f: f.kind == "agreement",
                      lambda f: ((f.statements[0].statement, f.statements[1].document),
                                 (f.statements[1].statement, f.statements[0].document)))


def _best_debunk_per_statement(findings: dict[tuple[str, str], Finding], rule_ids: set[str]
                               ) -> dict[tuple[str, str], Finding]:
    """One debunk finding per debunking statement and other document: the best-scoring counterpart.
    A refutation aligns loosely with many sentences of the article it disputes; one is the dispute."""
    def key(f: Finding) -> tuple[tuple, ...]:
        cue, other = (f.statements[0], f.statements[1]) if f.statements[0].highlights else (f.statements[1], f.statements[0])
        return ((f.rule, cue.statement, other.document),)

    return _keep_best(findings, lambda f: f.rule in rule_ids, key)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.story, LEVEL_ORDER[f.level], KIND_ORDER.get(f.kind, 9), -f.score, f.id))

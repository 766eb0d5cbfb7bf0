"""nli: the contradiction model says the two statements cannot both be true, and no specific rule says why.

Why a kind of its own: most contradictions in real news are phrased ("the council voted the plan
down", "the story was a hoax"), not a clean swap of a figure or a polarity. The model's three
probabilities come with the pair (``Pair.judgement``, filled by the verdict stage); this kind turns a
confident contradiction into a finding with the words that differ highlighted. The same rule's
``veto_*`` parameters let the model overrule a specific rule's contradiction that it confidently
calls agreement or unrelated (the engine applies them; see verdicts/rules/engine.py).
"""

from __future__ import annotations

import difflib
import re

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict
from crosscheck.nouns import Span

_TOKEN = re.compile(r"[\w'\u2019$%.,-]+")
_STOP = frozenset("a an the of to in on at for and or but is are was were be been it its that this by with as from "
                  "has have had will would".split())


class NliParams(Params):
    min_alignment: float = 0.5
    # whether the model's confident contradictions become findings of their own; off, the model still
    # vetoes rules' false alarms, feeds the combiner and judges draft claims
    own_findings: bool = True
    min_contradiction: float = Field(0.98, ge=0, le=1)  # model probability that makes a finding
    max_agreement: float = Field(0.1, ge=0, le=1)  # ... while the agreement probability stays under this
    # the model overrules a specific rule's contradiction when it is this sure of agreement / of neutral
    veto_agreement: float = Field(0.9, ge=0, le=1)
    veto_neutral: float = Field(0.9, ge=0, le=1)
    # the rule kinds it may overrule: not figures and dates, which the rules read exactly and the model not,
    # nor quotes, whose speaker the model does not weigh
    veto_kinds: tuple[str, ...] = ("polarity", "entity")
    # the draft check: a source close in topic supports a claim only with this entailment probability
    min_entailment: float = Field(0.0, ge=0, le=1)
    # the draft check: a draft claim the model contradicts (the same thresholds) is contradicted, whatever
    # own_findings says, near-copies of a source sentence included (``check_draft``)
    draft_findings: bool = True
    cross_document_only: bool = True
    # at most this many pairs judged for the rule's own findings (the best aligned first; the pairs the
    # rules report on are judged whatever their number): the model judges ~60-80 pairs/s on two cores
    max_pairs: int = Field(4000, ge=0)
    # each article's first ``lead_claims`` statements are also judged against the ``lead_evidence`` closest
    # statements (cosine at least ``lead_min_cosine``) of every other outlet's article, aligned or not;
    # such a pair makes a finding at ``lead_min_contradiction``. 0 claims: off
    lead_claims: int = Field(0, ge=0)
    lead_evidence: int = Field(2, ge=1)
    lead_min_cosine: float = Field(0.35, ge=0, le=1)
    lead_min_contradiction: float = Field(0.98, ge=0, le=1)


def differing_words(a: str, b: str) -> tuple[tuple[Span, ...], tuple[Span, ...], str, str]:
    """Spans (into each text) of the content words the other text lacks, and those words joined."""
    ta = [(m.start(), m.end(), m.group(0).lower().strip(".,")) for m in _TOKEN.finditer(a)]
    tb = [(m.start(), m.end(), m.group(0).lower().strip(".,")) for m in _TOKEN.finditer(b)]
    ops = difflib.SequenceMatcher(a=[t[2] for t in ta], b=[t[2] for t in tb], autojunk=False).get_opcodes()
    ha, hb, wa, wb = [], [], [], []
    for op, a0, a1, b0, b1 in ops:
        if op == "equal":
            continue
        for toks, lo, hi, spans, words in ((ta, a0, a1, ha, wa), (tb, b0, b1, hb, wb)):
            for s, e, w in toks[lo:hi]:
                if w and w not in _STOP:
                    spans.append(Span(s, e))
                    words.append(w)
    return tuple(ha), tuple(hb), " ".join(wa[:8]), " ".join(wb[:8])


# words that turn an added phrase into a denial of the rest ("... was a hoax", "did not ...")
_DENYING = frozenset("not no never none nothing nobody n't deny denies denied denial false fake hoax untrue myth "
                     "debunked satire satirical fabricated rumor rumour refuted rejected dismissed baseless wrong "
                     "bogus doctored photoshopped prank parody".split())


def _words(text: str) -> list[re.Match]:
    return list(_TOKEN.finditer(text))


def _norm(m: re.Match) -> str:
    return m.group(0).lower().strip(".,").replace("\u2019", "'")


def _denying(words: set[str]) -> bool:
    return bool(words & _DENYING) or any(w.endswith("n't") for w in words)


def changes_deny(a: str, b: str) -> bool:
    """Whether a phrase one statement adds, drops or swaps denies the rest ("not", "a hoax", "denied")."""
    ta, tb = [_norm(m) for m in _words(a)], [_norm(m) for m in _words(b)]
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
        if op != "equal" and _denying(set(ta[a0:a1]) | set(tb[b0:b1])):
            return True
    return False


def swaps_undone(a: str, b: str) -> str | None:
    """``b`` with every run of words it put in place of ``a``'s words given back ``a``'s words, what it added
    or dropped left as it is ("Quillex moved $1.8 billion of customer funds to several hedge funds" against
    "Quillex transferred $1.8 billion of customer collateral to hedge funds": "Quillex transferred $1.8 billion
    of customer collateral to several hedge funds"); None when ``b`` swapped no word."""
    ta, tb = _words(a), _words(b)
    ops = difflib.SequenceMatcher(a=[_norm(m) for m in ta], b=[_norm(m) for m in tb], autojunk=False).get_opcodes()
    out, pos = [], 0
    for op, a0, a1, b0, b1 in ops:
        if op == "replace":
            out += [b[pos:tb[b0].start()], a[ta[a0].start():ta[a1 - 1].end()]]
            pos = tb[b1 - 1].end()
    return "".join(out) + b[pos:] if out else None


# share of the shorter statement's content words the other one has, from which a pair is a near-copy
NEAR_COPY = 0.7


def differs_in_substance(a: str, b: str) -> bool:
    """Whether the two statements differ by more than detail: an added or swapped phrase that denies
    ("... was a hoax", "did not"), or, between statements that are not near-copies (``NEAR_COPY``), some
    words replaced by others.

    Why near-copies need a denying word: on real stories the model called reprints with a synonym or a
    pronoun swapped ("cell phone" / "mobile", "He" / "Vorozhbitsyn") contradictions at p = 0.98 and
    more, so a one-word swap ("approved" / "voted down") is left to the rules' antonym lists.

    Why: a sentence and its reprint with a detail added or dropped ("stunned wife Feng, 30, came across
    the message" / "... came across the message and several others") say no contradicting thing, but a
    model trained on one-edit contradictions leans to calling near-copies contradictions."""
    ta, tb = [_norm(m) for m in _words(a)], [_norm(m) for m in _words(b)]
    ca, cb = set(ta) - _STOP, set(tb) - _STOP
    near_copy = bool(ca and cb) and len(ca & cb) / min(len(ca), len(cb)) >= NEAR_COPY
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        left, right = set(ta[a0:a1]), set(tb[b0:b1])
        if _denying(left | right):
            return True
        if op == "replace" and left - _STOP and right - _STOP and not near_copy:
            return True
    return False


def check(pair: Pair, p: NliParams) -> list[Verdict]:
    j = pair.judgement
    if j is None or (p.cross_document_only and pair.same_document) or not (p.own_findings or pair.claim_pair):
        return []
    threshold = p.lead_min_contradiction if pair.claim_pair else p.min_contradiction
    if not confident(j, threshold, p) or not differs_in_substance(pair.a.text, pair.b.text):
        return []
    return _contradiction(pair, j)


def check_draft(pair: Pair, p: NliParams) -> list[Verdict]:
    """A draft claim (``pair.b``) against a source statement: the model's confident contradiction, with
    ``draft_findings`` on, even where the draft copies the source's sentence and changes a word or two.

    Why not ``differs_in_substance`` here: between outlets, a reprint with a synonym swapped is the
    model's commonest false alarm (each outlet edits the wire copy), but a draft sentence that copies a
    source's and changes a detail ("the highest level" / "the lowest level", "the Bank of Japan" / "the
    Bank of India") is the edit a draft check exists to catch. The draft check then keeps the verdict only where
    the contradiction lies in words the draft changed (``draft._contradictions_in_changed_words``): on SummEdits
    (bench/draft_summedits.py) 21 of the 24 summaries NLI01 names carry a real error."""
    j = pair.judgement
    if j is None or not p.draft_findings or not confident(j, p.min_contradiction, p):
        return []
    return _contradiction(pair, j)


def confident(j: tuple[float, float, float], threshold: float, p: NliParams) -> bool:
    """Whether a judgement is a contradiction the rule reports: at least ``threshold``, agreement at most
    ``max_agreement``."""
    return j[2] >= threshold and j[0] <= p.max_agreement


def _contradiction(pair: Pair, j: tuple[float, float, float]) -> list[Verdict]:
    contradiction = j[2]
    ha, hb, wa, wb = differing_words(pair.a.text, pair.b.text)
    return [Verdict("contradiction", {"probability": f"{contradiction:.2f}", "a_value": wa or "(same words)",
                                      "b_value": wb or "(same words)"}, ha, hb, confidence=contradiction)]


def vetoes(judgement: tuple[float, float, float] | None, p: NliParams, neutral_counts: bool = True) -> bool:
    """Whether the model is sure enough of agreement or of no relation to overrule a rule's contradiction
    (``neutral_counts`` false: only agreement, for a named party's denial, which NLI calls neutral)."""
    if judgement is None:
        return False
    agreement, neutral, _ = judgement
    return agreement >= p.veto_agreement or (neutral_counts and neutral >= p.veto_neutral)


KIND = Kind("nli", NliParams, frozenset({"probability", "a_value", "b_value"}), check=check, reads_claim_pairs=True, measured_kinds=frozenset({"contradiction"}),
            reads_judgement=True, check_draft=check_draft, description="the contradiction model: two statements that cannot both be true")

"""Evidence features: what the earlier stages say about an aligned statement pair, as numbers.

Why: the rules see a few clean signals (a changed figure, a denial); the combiner weighs every
signal the stages already compute, so a pair that shares words but no conflicting fact is not
taken for a contradiction, and a phrased refutation ("dismissed the report as a hoax") still
counts. Each feature is documented in ``FEATURES`` and in docs/calibration.md; all lie in [0, 1].

A set of pairs (a document pair, a story) is described by ``aggregate``: per feature the max,
min or mean over its pairs, plus whether there is any and how many. One
pair is the set of one, so a finding and a whole eval row are scored by the same model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from crosscheck.verdicts.evidence import Evidence
from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.kinds.base import Pair
from crosscheck.verdicts.rules.kinds.values import COMPARABLE_KINDS, compare_quantities, dates_apart, pinned_dates
from crosscheck.verdicts.rules.ruleset import Rule
from crosscheck.nouns import Statement
from crosscheck.statements.entities import shared_names
from crosscheck.statements.lexicon import HEDGE_ADVERBS, HEDGE_AUX

Aggregate = Literal["max", "min", "mean"]


@dataclass(frozen=True)
class Feature:
    name: str
    aggregate: Aggregate  # how a set of pairs combines it
    doc: str


FEATURES: tuple[Feature, ...] = (
    Feature("cosine", "max", "embedding cosine of the two statements (MiniLM)"),
    Feature("lexical", "max", "rapidfuzz token-set ratio of content lemmas"),
    Feature("entity_overlap", "max", "Jaccard overlap of normalised entity keys"),
    Feature("alignment", "max", "the alignment stage's blended score"),
    Feature("entity_unmatched", "max", "share of one side's names that the other side lacks (the larger side)"),
    Feature("novel_words", "min", "share of the shorter statement's content lemmas missing from the longer one"),
    Feature("length_ratio", "max", "shorter / longer statement length in content lemmas"),
    Feature("numbers_conflict", "max", "a comparable figure differs (numeric values, any alignment)"),
    Feature("numbers_delta", "max", "largest |log10 ratio| of conflicting figures, divided by 2, capped at 1"),
    Feature("numbers_match", "max", "a comparable figure agrees"),
    Feature("numbers_unmatched", "max", "the shorter statement has a figure with no comparable partner"),
    Feature("dates_conflict", "max", "both give a day/month date and none can be the same period"),
    Feature("dates_delta", "max", "smallest gap in days between the two sides' dates, log-scaled, capped at 1"),
    Feature("rule_numeric", "max", "the numeric rule kind calls the pair a contradiction"),
    Feature("rule_numeric_discrepancy", "max", "the numeric rule kind calls it a discrepancy (other source/year)"),
    Feature("rule_date", "max", "the date rule kind calls it a contradiction or discrepancy"),
    Feature("rule_polarity", "max", "the polarity rule kind calls it a contradiction"),
    Feature("rule_polarity_update", "max", "the polarity rule kind calls it an update"),
    Feature("rule_entity", "max", "the entity rule kind: another actor in the same role"),
    Feature("rule_quote", "max", "the quote rule kind: an altered quotation"),
    Feature("rule_modality", "max", "the hedge (modality) rule kind: fact against possibility"),
    Feature("rule_agreement", "max", "the agreement rule kind corroborates the pair"),
    Feature("rules_contradiction", "max", "a rule reports a contradiction with the pair over its own min_alignment "
                                          "(what the rules alone, --no-combiner, report)"),
    Feature("rules_agreement", "max", "the agreement rule reports the pair over its min_alignment, no rule conflicting"),
    Feature("negation_mismatch", "max", "one side negated, the other not"),
    Feature("denial_mismatch", "max", "one side uses a denial verb, the other not"),
    Feature("refute_cue", "max", "a refuting cue (hoax, fake, no evidence, debunked...) on exactly one side"),
    Feature("refute_any", "mean", "a refuting cue on either side (a set: the share of its pairs with one)"),
    Feature("hedge_cue", "max", "a hedging cue (reportedly, allegedly, may, could, claims) on exactly one side"),
    Feature("modality_mismatch", "max", "the statements' modalities differ (asserted/planned/hedged/reported)"),
    Feature("attribution_same", "max", "both attributed, to the same source"),
    Feature("attribution_differ", "max", "both attributed, to different sources"),
    Feature("position", "min", "mean relative position of the two statements in their articles (0 = lead)"),
    Feature("aligned_conflict", "max", "alignment score if the pair shows any conflict (a figure, a date, a "
                                       "negation, a denial, a refuting cue, a rule's contradiction), else 0"),
    Feature("aligned_clean", "max", "alignment score x (1 - novel_words) if the pair shows no conflict, else 0"),
    Feature("nli_contradiction", "max", "the contradiction model's contradiction probability (0 where it did not judge "
                                        "the pair)"),
    Feature("nli_entailment", "max", "the contradiction model's agreement (entailment) probability (0 where it did "
                                     "not judge the pair)"),
)
PAIR_NAMES = tuple(f.name for f in FEATURES)
# set-level features, computed by ``aggregate`` (a single pair gets them too)
SET_FEATURES: tuple[Feature, ...] = (
    Feature("aligned", "max", "1 when the set has at least one aligned pair"),
    Feature("pairs", "max", "log(1 + aligned pairs) / log(50), capped at 1"),
)
# Article length is deliberately not a feature: in the dev data long articles come almost only from
# FNC-1, whose rows are mostly unrelated or discuss, so the model would learn "a full article is
# neutral" and score every agreement between two real articles low.
NAMES = PAIR_NAMES + tuple(f.name for f in SET_FEATURES)
_INDEX = {n: i for i, n in enumerate(PAIR_NAMES)}

REFUTE_CUES = re.compile(
    r"\b(hoax(es)?|fake|false(ly)?|untrue|not true|no evidence|debunk\w*|rumou?rs?|myth|baseless|fabricat\w+|"
    r"satir\w+|dismiss\w*|refut\w+|den(y|ies|ied)|deny\w*|bogus|misleading|no truth|no basis|never happened|"
    r"unfounded|unconfirmed|doctored|photoshopped)\b", re.IGNORECASE)
HEDGE_CUES = re.compile(
    r"\b(reported(ly)?|alleged(ly)?|claim(s|ed)?|may|might|could|possibl[ey]|apparent(ly)?|purported(ly)?|"
    r"rumou?red|suggest(s|ed)?|seem(s|ed)?|unverified|believed)\b", re.IGNORECASE)
_CONFLICTS = ("numbers_conflict", "dates_conflict", "negation_mismatch", "denial_mismatch", "refute_cue",
              "rule_numeric", "rule_date", "rule_polarity", "rule_entity", "rule_quote")
_RULE_FEATURES = {("numeric", "contradiction"): "rule_numeric", ("numeric", "discrepancy"): "rule_numeric_discrepancy",
                  ("date", "contradiction"): "rule_date", ("date", "discrepancy"): "rule_date",
                  ("polarity", "contradiction"): "rule_polarity", ("polarity", "update"): "rule_polarity_update",
                  ("entity", "contradiction"): "rule_entity", ("quote", "contradiction"): "rule_quote",
                  ("hedge", "discrepancy"): "rule_modality", ("agreement", "agreement"): "rule_agreement"}


def pair_features(pair: Pair, rules: Sequence[Rule], sizes: tuple[int, int] = (0, 0),
                  nli: tuple[float, float] | None = None) -> np.ndarray:
    """The feature vector (``PAIR_NAMES`` order) of one aligned pair.

    Every pair rule runs on the pair whatever its alignment score: the feature says what the rule
    kind sees, the similarity features say how far to trust it. ``sizes`` are the statement counts
    of the two documents (for the position feature); ``nli`` the cross-encoder's (contradiction,
    entailment) probabilities.
    """
    a, b, al = pair.a, pair.b, pair.alignment
    v = np.zeros(len(PAIR_NAMES), dtype=np.float64)

    def put(name: str, value: float) -> None:
        v[_INDEX[name]] = min(1.0, max(0.0, float(value)))

    put("cosine", al.cosine)
    put("lexical", al.lexical)
    put("entity_overlap", al.entity_overlap)
    put("alignment", al.score)
    put("entity_unmatched", entity_unmatched(a, b))
    short, long_ = sorted((a, b), key=lambda s: (len(s.lemmas), s.id))
    la, lb = set(short.lemmas), set(long_.lemmas)
    put("novel_words", len(la - lb) / len(la) if la else 0.0)
    put("length_ratio", len(short.lemmas) / len(long_.lemmas) if long_.lemmas else 0.0)
    cmp = compare_quantities(a, b, tolerance=0.0, max_ratio=1e9, min_frame_overlap=0.0, kinds=COMPARABLE_KINDS)
    if cmp.conflicts:
        put("numbers_conflict", 1.0)
        put("numbers_delta", max(_log_ratio(qa.value, qb.value) for qa, qb in cmp.conflicts) / 2)
    put("numbers_match", bool(cmp.matches))
    matched = {id(q) for pair_ in cmp.matches + cmp.conflicts for q in pair_}
    put("numbers_unmatched", any(id(q) not in matched and q.kind in COMPARABLE_KINDS for q in short.quantities))
    conflict, gap = date_conflict(a, b)
    put("dates_conflict", conflict)
    put("dates_delta", gap)
    fired: set[str] = set()
    for rule in rules:
        check = KINDS[rule.kind].check
        if check is None:
            continue
        for verdict in check(pair, rule.params):
            name = _RULE_FEATURES.get((rule.kind, verdict.kind))
            if name:
                put(name, 1.0)
            if al.score >= rule.params.min_alignment:
                fired.add(verdict.kind)
    put("rules_contradiction", "contradiction" in fired)
    put("rules_agreement", fired == {"agreement"})
    put("negation_mismatch", a.polarity.negated != b.polarity.negated)
    put("denial_mismatch", a.polarity.denial != b.polarity.denial)
    ra, rb = bool(REFUTE_CUES.search(a.text)), bool(REFUTE_CUES.search(b.text))
    put("refute_cue", ra != rb)
    put("refute_any", ra or rb)
    put("hedge_cue", _hedged(a) != _hedged(b))
    put("modality_mismatch", a.modality != b.modality)
    if a.attribution is not None and b.attribution is not None and a.attribution.source and b.attribution.source:
        same = a.attribution.source in b.attribution.source or b.attribution.source in a.attribution.source
        put("attribution_same", same)
        put("attribution_differ", not same)
    put("position", (_relative(a.index, sizes[0]) + _relative(b.index, sizes[1])) / 2)
    conflict = max(v[_INDEX[n]] for n in _CONFLICTS)
    put("aligned_conflict", al.score * conflict)
    put("aligned_clean", al.score * (1 - v[_INDEX["novel_words"]]) * (1 - conflict))
    if nli is not None:
        # figures that match after normalisation are the rules' to read: the model takes "10 billion yuan"
        # and "RMB10 billion" for a contradiction (p 0.96), so its contradiction is no evidence there
        figures_agree = bool(cmp.matches) and not cmp.conflicts
        put("nli_contradiction", 0.0 if figures_agree else nli[0])
        put("nli_entailment", nli[1])
    return v


def entity_unmatched(a: Statement, b: Statement) -> float:
    """The larger share, over the two sides, of a side's entity keys that the other side does not name."""
    ka, kb = {e.key for e in a.entities if e.key}, {e.key for e in b.entities if e.key}
    out = 0.0
    for mine, other in ((ka, kb), (kb, ka)):
        if mine:
            out = max(out, sum(1 for k in mine if not shared_names({k}, other)) / len(mine))
    return out


def date_conflict(a: Statement, b: Statement) -> tuple[bool, float]:
    """Whether both sides date something to a day or month and no two of their dates overlap, and
    the smallest gap between them (log10 of days / 4, capped at 1)."""
    if not dates_apart(a, b):
        return False, 0.0
    gap = min(abs((x.value - y.value).days) for x in pinned_dates(a) for y in pinned_dates(b))  # type: ignore[operator]
    return True, min(1.0, math.log10(1 + gap) / 4)


def aggregate(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The ``NAMES`` vector of a set of pairs: each pair feature by its aggregate, then the set features."""
    out = np.zeros(len(NAMES), dtype=np.float64)
    if len(vectors):
        stack = np.vstack(vectors)
        for i, f in enumerate(FEATURES):
            col = stack[:, i]
            out[i] = col.max() if f.aggregate == "max" else col.min() if f.aggregate == "min" else col.mean()
    n = len(PAIR_NAMES)
    out[n] = 1.0 if len(vectors) else 0.0
    out[n + 1] = min(1.0, math.log1p(len(vectors)) / math.log(50))
    return out


def evidence_features(evidence: Evidence, rules: Sequence[Rule],
                      nli: dict[tuple[str, str], tuple[float, float]] | None = None) -> np.ndarray:
    """The aggregated vector of a story's (or eval row's) evidence."""
    vectors = [pair_features(p, rules, (evidence.size_of(p.a.document), evidence.size_of(p.b.document)),
                             (nli or {}).get((p.a.id, p.b.id))) for p in evidence.pairs]
    return aggregate(vectors)


def _hedged(s: Statement) -> bool:
    return s.modality == "hedged" or bool(HEDGE_CUES.search(s.text)) or \
        any(w in HEDGE_ADVERBS or w in HEDGE_AUX for w in s.lemmas)


def _relative(index: int, size: int) -> float:
    return index / (size - 1) if size > 1 else 0.0


def _log_ratio(x: float, y: float) -> float:
    lo, hi = sorted((abs(x), abs(y)))
    if lo == 0:
        return 2.0 if hi else 0.0
    return min(2.0, math.log10(hi / lo))

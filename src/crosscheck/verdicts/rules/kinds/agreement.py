"""agreement: the same claim corroborated by another outlet, with the normalised values that match."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from crosscheck.nouns import Quantity
from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, rel
from crosscheck.verdicts.rules.kinds.values import compare_quantities, describe, has_figures, times_differ


class AgreementParams(Params):
    min_alignment: float = 0.6
    tolerance: float = Field(0.0, ge=0, le=1)
    max_ratio: float = Field(20.0, gt=1)
    min_frame_overlap: float = Field(0.0, ge=0, le=1)
    # claims without figures agree only when they are near-paraphrases
    min_cosine_without_values: float = Field(0.8, ge=0, le=1)


def check(pair: Pair, p: AgreementParams) -> list[Verdict]:
    if pair.same_document:
        return []
    a, b = pair.a, pair.b
    if (a.polarity.negated or a.polarity.denial) != (b.polarity.negated or b.polarity.denial):
        return []
    if times_differ(a, b):
        return []  # "from July 1st" and "from August 1st" (or "before July 1st") are not the same claim
    cmp = compare_quantities(a, b, tolerance=p.tolerance, max_ratio=p.max_ratio, min_frame_overlap=p.min_frame_overlap)
    if cmp.conflicts:
        return []
    if cmp.matches:
        pairs = one_to_one(cmp.matches)
        shown = "; ".join(f"{describe(qa)} {'=' if qa.value == qb.value else '≈'} {describe(qb)}" for qa, qb in pairs)
        return [Verdict("agreement", {"values": shown, "a_value": describe(pairs[0][0]),
                                      "b_value": describe(pairs[0][1])},
                        tuple(rel(a, qa.start, qa.end) for qa, _ in pairs),
                        tuple(rel(b, qb.start, qb.end) for _, qb in pairs), confidence=0.9)]
    figures = has_figures(a) or has_figures(b)
    # context borrowed from a previous sentence helps find a pair, but a paraphrase must stand on its own
    standalone = not a.context and not b.context
    if not figures and standalone and pair.alignment.cosine >= p.min_cosine_without_values:
        return [Verdict("agreement", {"values": "same claim", "a_value": "", "b_value": ""},
                        confidence=pair.alignment.cosine)]
    return []


def one_to_one(matches: Sequence[tuple[Quantity, Quantity]]) -> list[tuple[Quantity, Quantity]]:
    """Each figure shown with one partner, the closest values paired first, in the first statement's order: "5
    million users = 5 million users", and not also "more than 1 million users = 5 million users"; a figure the
    statement repeats is shown once."""
    def gap(m: tuple[Quantity, Quantity]) -> float:
        va, vb = m[0].value, m[1].value
        return abs(va - vb) / max(abs(va), abs(vb), 1e-12)
    used_a: set[int] = set()
    used_b: set[int] = set()
    shown: set[tuple[str, str]] = set()
    out = []
    for qa, qb in sorted(matches, key=gap):
        if id(qa) in used_a or id(qb) in used_b:
            continue
        used_a.add(id(qa))
        used_b.add(id(qb))
        if (said := (describe(qa), describe(qb))) not in shown:
            shown.add(said)
            out.append((qa, qb))
    return sorted(out, key=lambda m: m[0].start)


KIND = Kind("agreement", AgreementParams, frozenset({"values", "a_value", "b_value"}), check=check,
            description="same claim, same normalised values")

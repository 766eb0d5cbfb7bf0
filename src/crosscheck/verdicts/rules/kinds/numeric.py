"""numeric: the same quantity about the same subject with different normalised values.

Rounding and hedges are compatible ("8 million" vs "more than 8 million"). When the two figures
come from different authorities, different years or different dates ("531 cases as of April 5" /
"540 cases by April 6", or "fewer than 800 deaths before April 29" / "801 as of April 29": a running
count) the finding is a discrepancy, not a contradiction: both can be true.
"""

from __future__ import annotations

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, rel
from crosscheck.verdicts.rules.kinds.values import (COMPARABLE_KINDS, compare_quantities, describe, negated,
                                                    negated_comparison, sources_differ, times_differ, years)


class NumericParams(Params):
    min_alignment: float = 0.5
    tolerance: float = Field(0.0, ge=0, le=1)  # extra relative slack beyond the wording's own rounding
    max_ratio: float = Field(20.0, gt=1)  # figures further apart are different quantities, not a conflict
    min_frame_overlap: float = Field(0.25, ge=0, le=1)
    kinds: tuple[str, ...] = ("money", "percent", "count", "multiplier")
    different_sources_are_discrepancy: bool = True
    different_years_are_discrepancy: bool = True
    different_dates_are_discrepancy: bool = True


def check(pair: Pair, p: NumericParams) -> list[Verdict]:
    if pair.same_document:
        return []
    cmp = compare_quantities(pair.a, pair.b, tolerance=p.tolerance, max_ratio=p.max_ratio,
                             min_frame_overlap=p.min_frame_overlap, kinds=frozenset(p.kinds) & COMPARABLE_KINDS)
    if not cmp.conflicts:
        return []
    qa, qb = max(cmp.conflicts, key=lambda c: len(set(c[0].frame) & set(c[1].frame)))
    values = {"a_value": _said(pair.a, qa), "b_value": _said(pair.b, qb), "quantity": qa.kind,
              "relation": "differ"}
    kind = "contradiction"
    sources = sources_differ(pair.a, pair.b)
    ya, yb = years(pair.a), years(pair.b)
    if sources and p.different_sources_are_discrepancy:
        kind = "discrepancy"
        values["relation"] = f"different sources ({sources[0]} vs {sources[1]})"
    elif ya and yb and not ya & yb and p.different_years_are_discrepancy:
        kind = "discrepancy"
        values["relation"] = f"different periods ({', '.join(map(str, sorted(ya)))} vs {', '.join(map(str, sorted(yb)))})"
    elif p.different_dates_are_discrepancy and (times := times_differ(pair.a, pair.b)):
        kind = "discrepancy"
        values["relation"] = f"different dates ({times[0]} vs {times[1]})"
    values["a_source"] = pair.a.attribution.display if pair.a.attribution else ""
    values["b_source"] = pair.b.attribution.display if pair.b.attribution else ""
    return [Verdict(kind, values, (rel(pair.a, qa.start, qa.end),), (rel(pair.b, qb.start, qb.end),),
                    confidence=0.9 if kind == "contradiction" else 0.7)]


def _said(s, q) -> str:
    """The figure as the statement puts it: "not USD 46 million" for a denied one, "under 50 feet" for the far end
    of a negated comparison ("not as big as 50 feet")."""
    if negated_comparison(s, q):
        return f"under {describe(q)}"
    return f"not {describe(q)}" if negated(s, q) else describe(q)


KIND = Kind("numeric", NumericParams, frozenset({"a_value", "b_value", "quantity", "relation", "a_source", "b_source"}),
            check=check, description="same quantity, different normalised value")

"""numeric: the same quantity about the same subject with different normalised values.

Rounding and hedges are compatible ("8 million" vs "more than 8 million"). When the two figures
come from different authorities, different years or different dates ("531 cases as of April 5" /
"540 cases by April 6", or "fewer than 800 deaths before April 29" / "801 as of April 29": a running
count) the finding is a discrepancy, not a contradiction: both can be true. So is a forecast against a figure
reported as reached ("this figure will reach 52% during the holiday" / "... has increased, reaching 50%"): the
forecast speaks of a later time.
"""

from __future__ import annotations

import re

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
    # one figure forecast ("will reach 52%", "is expected to rise to"), the other reported: different times
    forecast_is_discrepancy: bool = True


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
    elif p.forecast_is_discrepancy and (forecast := _forecast(pair, qa, qb)):
        kind = "discrepancy"
        values["relation"] = forecast
    values["a_source"] = pair.a.attribution.display if pair.a.attribution else ""
    values["b_source"] = pair.b.attribution.display if pair.b.attribution else ""
    return [Verdict(kind, values, (rel(pair.a, qa.start, qa.end),), (rel(pair.b, qb.start, qb.end),),
                    confidence=0.9 if kind == "contradiction" else 0.7)]


# a figure forecast to reach a level: a future or expectation marker, then a verb of reaching or moving, just before
# the figure ("will reach 52%", "is expected to rise to about $5 billion", "forecast to grow 7%"). Not a plan's
# figure ("will cut 5,000 jobs": both outlets report the plan, and its size can be contradicted). The statement's
# modality is too coarse for this ("these models start from $349 and customers will be allowed to try them on" is
# "planned" by its second clause)
_FORECAST = re.compile(
    r"\b(?:will|shall|(?:is|are|was|were)\s+(?:expected|forecast|projected|predicted|set|poised|likely|going)\s+to"
    r"|expects?\s+(?:[\w-]+\s+){0,3}to|forecasts?\s+(?:[\w-]+\s+){0,3}to|projects?\s+(?:[\w-]+\s+){0,3}to)"
    r"\s+(?:\w+ly\s+)?(?:reach|hit|top|exceed|surpass|pass|rise|grow|climb|increase|jump|soar|fall|drop|decline|decrease"
    r"|shrink|total|be|stand|approach)(?:\s+(?:to|by|at|about|around|nearly|almost|some|roughly|approximately|over"
    r"|more\s+than|as\s+(?:much|many|high)\s+as))*\s+\W?$", re.IGNORECASE)


def _forecast(pair: Pair, qa, qb) -> str:
    """"a forecast against a reported figure" when exactly one of the two figures is forecast (``_FORECAST``)
    and the other is not; "" otherwise. Two forecasts of one figure, or two reports, still contradict."""
    fa = _FORECAST.search(pair.a.text[:rel(pair.a, qa.start, qa.end).start]) is not None
    fb = _FORECAST.search(pair.b.text[:rel(pair.b, qb.start, qb.end).start]) is not None
    if fa == fb:
        return ""
    return "a forecast against a reported figure" if fa else "a reported figure against a forecast"


def _said(s, q) -> str:
    """The figure as the statement puts it: "not USD 46 million" for a denied one, "under 50 feet" for the far end
    of a negated comparison ("not as big as 50 feet")."""
    if negated_comparison(s, q):
        return f"under {describe(q)}"
    return f"not {describe(q)}" if negated(s, q) else describe(q)


KIND = Kind("numeric", NumericParams, frozenset({"a_value", "b_value", "quantity", "relation", "a_source", "b_source"}),
            check=check, description="same quantity, different normalised value")

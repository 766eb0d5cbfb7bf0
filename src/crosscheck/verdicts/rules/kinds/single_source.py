"""single_source: check-worthy claims (figures, dates, named actors) that only one outlet carries."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Params, Verdict
from crosscheck.nouns import Statement


class SingleSourceParams(Params):
    min_alignment: float = 0.5  # a claim aligned this well with another outlet's counts as corroborated
    min_outlets: int = Field(2, ge=2)  # only stories covered by this many outlets list such claims
    require_figures: bool = True  # list only claims with a figure or a date (named actors alone are too many)


def check_story(statements: Sequence[Statement], corroborated: set[str], outlets: int,
                p: SingleSourceParams) -> list[tuple[Statement, Verdict]]:
    if outlets < p.min_outlets:
        return []
    out = []
    for s in statements:
        if s.id in corroborated or not s.check_worthy:
            continue
        figures = [q for q in s.quantities if q.kind not in ("year", "ordinal")]
        if p.require_figures and not figures and not any(d.value is not None for d in s.dates):
            continue
        out.append((s, Verdict("single_source", {"a_value": ", ".join(q.text for q in figures)})))
    return out


KIND = Kind("single_source", SingleSourceParams, frozenset({"a_value"}), check_story=check_story,
            description="a check-worthy claim only one outlet carries")

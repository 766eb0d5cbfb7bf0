"""unsupported: a draft's check-worthy claim that no source carries (used by the draft check)."""

from __future__ import annotations

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Params


class UnsupportedParams(Params):
    # a source statement aligned at least this well, with no rule in conflict, supports the claim
    min_alignment: float = Field(0.55, ge=0, le=1)
    neighbours: int = Field(5, ge=1, le=50)  # source statements compared with each draft claim


KIND = Kind("unsupported", UnsupportedParams, frozenset({"a_value"}),
            description="a draft's claim that no source carries")

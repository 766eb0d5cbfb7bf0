"""date: the same event placed at different times ("in May" vs "in June"), dates resolved per article."""

from __future__ import annotations

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, rel
from crosscheck.verdicts.rules.kinds.values import has_figures, pinned_dates, sources_differ
from crosscheck.statements.dates import same_period


class DateParams(Params):
    min_alignment: float = 0.7
    granularities: tuple[str, ...] = ("day", "month")
    require_shared_predicate: bool = True
    # a bare year dates the event too ("founded in 1998" / "in 1999"), unless a figure in either statement
    # makes the year the period a figure is measured over ("grew 9.8% in 2020" / "12% in 2019": NUM01's
    # discrepancy, not a date conflict)
    years: bool = True


def check(pair: Pair, p: DateParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document or (p.require_shared_predicate and not set(a.predicates) & set(b.predicates)):
        return []
    granularities = p.granularities
    if p.years and "year" not in granularities and not has_figures(a) and not has_figures(b):
        granularities = (*granularities, "year")
    da, db = pinned_dates(a, granularities), pinned_dates(b, granularities)
    if not da or not db:
        return []
    results = [(x, y, same_period(x, y)) for x in da for y in db]
    if any(r is True for _, _, r in results):
        return []
    x, y, _ = results[0]
    kind = "discrepancy" if sources_differ(a, b) else "contradiction"
    return [Verdict(kind, {"a_value": f"{x.text} ({x.value})", "b_value": f"{y.text} ({y.value})"},
                    (rel(a, x.start, x.end),), (rel(b, y.start, y.end),), confidence=0.75)]


KIND = Kind("date", DateParams, frozenset({"a_value", "b_value"}), check=check,
            description="same event, different date")

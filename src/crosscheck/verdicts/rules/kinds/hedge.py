"""hedge: one source states as fact what another reports only as possible.

Not a contradiction (both can be right), but an editor should know the certainty differs.
A plan ("will", "plans to") against a completed fact is neither: plans are often carried out.
"""

from __future__ import annotations

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, content_stems


class HedgeParams(Params):
    min_alignment: float = 0.7
    # content words the two sentences themselves share: alignment also reads the sentence a statement leans on
    # ("They believed it may have been taken by a stray dog" is embedded with "Doctors ... combed the area"), so a
    # pair can align through that context while its own words say two different things
    min_shared_words: int = 2


def check(pair: Pair, p: HedgeParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document or {a.modality, b.modality} != {"asserted", "hedged"}:
        return []
    if (a.polarity.negated or a.polarity.denial) != (b.polarity.negated or b.polarity.denial):
        return []
    if len(content_stems(a.text) & content_stems(b.text)) < p.min_shared_words:
        return []  # aligned through the sentence one of them leans on, not through what either says
    certain, unsure = ("a", "b") if a.modality == "asserted" else ("b", "a")
    return [Verdict("discrepancy", {"certain": certain.upper(), "hedged": unsure.upper(),
                                    "a_value": a.modality, "b_value": b.modality}, confidence=0.5)]


KIND = Kind("hedge", HedgeParams, frozenset({"certain", "hedged", "a_value", "b_value"}), check=check,
            description="stated as fact by one source, as a possibility by another")

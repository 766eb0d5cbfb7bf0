"""hedge: one source states as fact what another reports only as possible.

Not a contradiction (both can be right), but an editor should know the certainty differs.
A plan ("will", "plans to") against a completed fact is neither: plans are often carried out.
"""

from __future__ import annotations

import re

from pydantic import Field

from crosscheck.nouns import Statement
from crosscheck.statements.cues import asks_or_hedges
from crosscheck.statements.lexicon import HEDGE_AUX
from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, content_stems


class HedgeParams(Params):
    min_alignment: float = 0.7
    # content words the two sentences themselves share: alignment also reads the sentence a statement leans on
    # ("They believed it may have been taken by a stray dog" is embedded with "Doctors ... combed the area"), so a
    # pair can align through that context while its own words say two different things
    min_shared_words: int = 2
    # two sentences whose main verbs differ still tell one act when they are this close in meaning (embedding
    # cosine): "allegedly took a selfie" / "snapped a selfie". The agreement kind's bar for "the same claim"
    min_cosine_other_verbs: float = Field(0.8, ge=0, le=1)


def check(pair: Pair, p: HedgeParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document or {a.modality, b.modality} != {"asserted", "hedged"}:
        return []
    if (a.polarity.negated or a.polarity.denial) != (b.polarity.negated or b.polarity.denial):
        return []
    if len(content_stems(a.text) & content_stems(b.text)) < p.min_shared_words:
        return []  # aligned through the sentence one of them leans on, not through what either says
    if not _one_act(a, b) and pair.alignment.cosine < p.min_cosine_other_verbs:
        return []
    certain, unsure = ("a", "b") if a.modality == "asserted" else ("b", "a")
    stated, hedged = (a, b) if certain == "a" else (b, a)
    if not _states_it(stated, hedged):
        return []
    return [Verdict("discrepancy", {"certain": certain.upper(), "hedged": unsure.upper(),
                                    "a_value": a.modality, "b_value": b.modality}, confidence=0.5)]


def _one_act(a: Statement, b: Statement) -> bool:
    """Whether the two sentences tell of one act: a verb of one's main clause is a word of the other ("Alibaba
    pre-installs ..." / "Alibaba may pre-install ..."); else only a near-paraphrase is (``min_cosine_other_verbs``).
    Two acts around the same names ("A ban has just been announced in Saudi Arabia" / "Perhaps it can sponsor a
    contest ... in Saudi Arabia", "Apple is reportedly buying Path" / "Path and the team are going to Apple") are
    two claims, one of which is certain and the other not: no difference in certainty about anything. A sentence
    whose main verb is a copula ("is worth", "is likely") has none to share, and is judged by the words it shares
    alone."""
    if not a.predicates or not b.predicates:
        return True
    return bool(set(a.predicates) & set(b.lemmas + b.predicates) or set(b.predicates) & set(a.lemmas))


# hearsay in the passive: "Lenovo is said to make a $15 per share offer", "is reported to be", "are believed to"
_REPORTED_TO = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:said|reported|rumou?red|believed|thought"
                          r"|understood|alleged|tipped)\s+to\b", re.IGNORECASE)
_MODAL = re.compile(rf"\b(?:{'|'.join(sorted(HEDGE_AUX))})\b", re.IGNORECASE)  # "may", "might", "could"
# a claim the sentence reports rather than makes: "abuzz with claims that ...", "after reports that she ...", "a
# video that claims to show ...", "purporting to show"
_REPORTED_CLAIM = re.compile(r"\b(?:claims?|reports?|rumou?rs?|allegations?|speculation)\s+that\b"
                             r"|\b(?:claim(?:s|ed|ing)?|purport(?:s|ed|ing)?)\s+to\s+(?:show|depict|be|have)\b",
                             re.IGNORECASE)
# a sentence that is one quotation from start to end ("“NHL expansion – four teams added by 2017 ...”"): someone's
# words, which the outlet prints, not its own statement of fact
_WHOLLY_QUOTED = re.compile(r"^\W{0,3}[\"“‘'].*[\"”’']\W{0,3}$", re.DOTALL)


def _states_it(stated: Statement, hedged: Statement) -> bool:
    """Whether the statement read as a fact states it as one. Not when it passes the claim on as hearsay ("is said to
    make an offer"), an unnamed report's or an unconfirmed one ("There is no way to confirm if ..."), a claim it
    reports ("abuzz with claims that ...", "a video that claims to show ..."), when a clause of it is itself
    hedged ("would be valued at $2 billion and could be signed this week"), or when it is one quotation; and not
    when it names who reported it while the other's only hedge is "reportedly" or "allegedly": a report against a
    report ("NBC News reported the soldiers were apprehended" / "were reportedly caught"). A named source's
    fact against a "may" is still a difference in certainty ("ISIS is harvesting organs, the ambassador said" /
    "ISIS may be harvesting organs")."""
    text = stated.text.strip()
    if asks_or_hedges(stated) or _REPORTED_TO.search(text) or _REPORTED_CLAIM.search(text) or _MODAL.search(text) \
            or _WHOLLY_QUOTED.match(text):
        return False
    return stated.attribution is None or _MODAL.search(hedged.text) is not None


KIND = Kind("hedge", HedgeParams, frozenset({"certain", "hedged", "a_value", "b_value"}), check=check,
            description="stated as fact by one source, as a possibility by another")

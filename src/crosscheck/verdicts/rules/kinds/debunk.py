"""debunk: one outlet calls the story false ("a hoax", "fake", "no evidence") where another reports it as true.

Why: a refuting outlet rarely negates the affirming outlet's sentence word for word; it judges the
story in its own register ("we're counting down to the hoax bust", "the picture was photoshopped").
The cue is read in the debunking statement, and the other outlet's whole article must be free of any
such cue: a story whose outlets all call it a hoax is unanimous, not disputed. The pair is an aligned
one (the cue is about what the other outlet says) or, where the debunking statement aligns with nothing
of the other article ("The report is fiction"), a refutation pair against that article's lead (its
first statement of six words or more: alignments.refutation_pairs). The engine keeps one finding per
debunking statement and outlet (the best-scoring counterpart).
"""

from __future__ import annotations

import functools

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, cue_span, rel
from crosscheck.nouns import Document, Statement
from crosscheck.statements.cues import asks_or_hedges, debunk_cues, negates_a_debunk
from crosscheck.statements.lexicon import SPEECH_VERBS
from crosscheck.statements.extract import readable_paragraphs


# the share of POL02's findings that paired an affirming with a refuting outlet on the 115 labelled stories
# of bench/stories.py and bench/stories.py --extra: the finding's score. Contradictions 69 of 74 (2026-12-02,
# once a named party's refutation became a discrepancy and questions and hedged reports were left alone;
# before, 78 of 95); the named parties' discrepancies 6 of 16
MEASURED_PRECISION = 0.93
NAMED_PARTY_PRECISION = 0.38


class DebunkParams(Params):
    min_alignment: float = 0.4  # a debunk is worded apart from the claim it judges: a loose alignment suffices
    # a refutation the outlet puts in a named party's mouth ("the Hong Kong police said rumors ... were 'totally
    # untrue'") is that party's claim, not the outlet's: a discrepancy between the party and the other outlet.
    # On the 115 labelled stories of bench/stories.py (and --extra) those findings were 4 false alarms on
    # unanimous stories and 2 of 44 contested stories found (one of them by a misread speaker)
    named_party_is_discrepancy: bool = True
    # an outlet with a statement of its own that denies what the debunk is about (aligned with the debunking
    # statement at this score or more: "Lisa Bonet did NOT send a cryptic tweet" against "Fake Lisa Bonet
    # tweet fools media outlets") sides with the debunk, although none of its words is a debunking cue
    sided_denial_alignment: float = 0.5
    extra_cues: tuple[str, ...] = ()  # more regular expressions, matched as whole words, case-insensitive


@functools.lru_cache(maxsize=4096)
def _doubts(doc: Document, extra: tuple[str, ...]) -> bool:
    """Whether the article anywhere in its readable text (not its web-page debris) calls something false or
    doubts it ("could be a hoax"): an outlet that doubts the story does not report it as true."""
    return any(debunk_cues(doc.text[start:end], extra, hedged=True) for start, end in readable_paragraphs(doc))


def _denies(s: Statement) -> bool:
    """A statement whose main verb (its first predicate) is negated or denies ("Loggers have NOT cut down
    the world's oldest tree", "Lisa Bonet did NOT send a cryptic tweet") does not report the story as
    true: it sides with the debunk. Not a negation in a subordinate clause ("Adopts Boy so He Won't Turn
    Into Werewolf"), nor one that denies the story is false ("They're not fake": it affirms)."""
    if s.polarity.denial:
        return True
    if not s.polarity.negated or negates_a_debunk(s.text):
        return False
    cue = cue_span(s)
    if not s.predicates and cue is not None and not s.text[:cue.start].strip(" \"'\u2018\u201c"):
        return True  # a headline that opens with its negation and has no verb: "No gender segregation on Saudia"
    main = s.predicates[:1] or ("be",)  # a sentence with no predicate but its copula: "X isn't Y's dad"
    if main[0] in SPEECH_VERBS:  # "The Fingerprint Of Global Warming Doesn't Exist, Study Finds": what is found
        main = s.predicates[:2]
    return s.polarity.scope in main


def _denies_too(s: Statement, other_doc: Document, pair: Pair, p: DebunkParams) -> bool:
    """Whether the other outlet itself denies what the debunking statement ``s`` is about: two outlets that
    both call a rumour false agree, whatever words each uses."""
    if pair.neighbours is None:
        return False
    return any(_denies(t) for t in pair.neighbours.of(s.id, other_doc.id, p.sided_denial_alignment))


def _side(s: Statement, doc: Document) -> str:
    date = doc.published.isoformat() if doc.published else "undated"
    return f"{doc.outlet or doc.id} ({date})"


def check(pair: Pair, p: DebunkParams) -> list[Verdict]:
    if pair.same_document:
        return []
    for s, doc, other, other_doc, first in ((pair.a, pair.doc_a, pair.b, pair.doc_b, True),
                                            (pair.b, pair.doc_b, pair.a, pair.doc_a, False)):
        cues = debunk_cues(s.text, p.extra_cues)
        if (not cues or asks_or_hedges(other) or _denies(other) or debunk_cues(other.text, p.extra_cues, hedged=True)
                or _doubts(other_doc, p.extra_cues) or _denies_too(s, other_doc, pair, p)):
            continue
        start, end = cues[0]
        party = s.attribution.name if s.attribution is not None and s.attribution.named else ""
        debunker = f"{party}, as {_side(s, doc)} reports," if party else _side(s, doc)
        values = {"debunker": debunker, "cue": s.text[start:end], "reporter": _side(other, other_doc)}
        spans = tuple(rel(s, s.start + a, s.start + b) for a, b in cues)
        party_said = bool(party) and p.named_party_is_discrepancy
        return [Verdict("discrepancy" if party_said else "contradiction", values, spans if first else (),
                        () if first else spans,
                        confidence=NAMED_PARTY_PRECISION if party_said else MEASURED_PRECISION)]
    return []


KIND = Kind("debunk", DebunkParams, frozenset({"debunker", "cue", "reporter"}), check=check, reads_claim_pairs=True, measured_kinds=frozenset({"contradiction", "discrepancy"}),
            description="one outlet calls the story false (hoax, fake, no evidence); another reports it as true")

"""Cues read off a statement's text: the words by which an outlet calls a story false.

Why here: the alignment stage proposes pairs from them ("The report is fiction" names nothing of the
claim it refutes) and the debunk rule kind judges by them; both read the same cues.
"""

from __future__ import annotations

import functools
import re

from crosscheck.nouns import Statement
from crosscheck.statements.lexicon import CLAIM_NOUNS, DEBUNK_CUES

_NEGATED = re.compile(r"\b(not|no|n[’']t|never|nothing|nor)\b\W+(?:\w+\W+){0,2}$", re.IGNORECASE)
# words after a predicative "false"/"fake" that continue the clause ("the report was false and misleading")
_CONTINUES = frozenset({"and", "or", "but", "as", "by", "to", "in", "on", "after", "because", "according", "since",
                        "when", "from", "with", "too", "at", "for",
                        "who", "whose", "which", "that"})  # "was a fake who has tricked people before"


@functools.lru_cache(maxsize=16)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(%s)\b" % "|".join((*DEBUNK_CUES, *extra)), re.IGNORECASE)


# a doubt raised, not a judgement made: "whether it is a hoax", "could be fake", "if the photo was doctored",
# "while some assert that it is a playful hoax", "others argue that ... is a hoax", "the image can be easily
# recreated in Photoshop" (what could be, not what was), "it is very possible that those sources ... are made
# up" ("may" in lower case only: "In May the story was called a hoax" judges; "can be", not "can": "we can
# reveal the photo was fake" judges; not "claims that": "police said rumors that they had used rubber bullets
# were untrue" judges the rumours, and a pattern cannot tell it from "met with claims that it was faked")
_HEDGED = re.compile(r"\b((?i:whether|if|could|might|possibly|possible|perhaps|can\s+(?:\w+\s+)?be"
                     r"|(?:some|others)\s+(?:\w+\s+)?(?:say|says|said|assert|asserts|argue|argues|insist|insists"
                     r"|claim|claims|believe|believes|think|suggest|suggests))|may)\b(?![^.;:!?]*[.;:!?]\s)")
# a cue naming what is rumoured, not judging it: "Hoax Rumors Swirl", "hoax claims", "Photoshop allegations"
# ("false rumors", "fake claims" judge: "false" and "fake" before a claim noun are read below)
_RUMOURED = re.compile(r"\s+(?:rumou?rs?|claims?|allegations?|accusations?|speculation|theor(?:y|ies)|fears?)\b",
                       re.IGNORECASE)
# hoaxes named as a kind, not this story judged: "it's also been the subject of several online hoaxes",
# "Among previous hoaxes were a yarn about welfare recipients ..."
_GENERIC = re.compile(r"\b(?:several|many|numerous|countless|various|other|previous|past|earlier|similar|a\s+number\s+of"
                      r"|a\s+series\s+of|a\s+string\s+of|a\s+spate\s+of|plenty\s+of)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_PLURAL_CUES = frozenset({"hoaxes", "hoaxers", "fakes"})
# "fake news" as an epithet for the press ("the fake news media"), not a verdict on the story
# ("the fake news site Hip-Hop Hangover posted a story ..." judges the story by its source)
_EPITHET = re.compile(r"\s+news\s+(?:media|writers?|networks?|industry)\b", re.IGNORECASE)


def is_question(text: str) -> bool:
    """Whether the text asks ("Did she play a hoax on us?", closing quotes and brackets aside)."""
    return text.rstrip().rstrip("\"'\u201d\u2019)").endswith("?")


# a claim put in the mouth of an unnamed report: "Circulating 'news' report claims that ...", "According to
# a report that is circulating via social media, ...", "numerous websites such as X17Online claimed ..."
_UNNAMED_REPORT = (r"(?:news\s+|media\s+|viral\s+|circulating\s+|online\s+|unconfirmed\s+)*"
                   r"(?:reports?|rumou?rs?|stor(?:y|ies)|posts?|messages?|websites|sites|tabloids|outlets)")
_REPORTS_A_CLAIM = re.compile(
    rf"(?:\b{_UNNAMED_REPORT}['’\"]?(?:\s+such\s+as\s+\S+(?:\s+\S+)?)?\s+(?:that\s+)?"
    rf"(?:claims?|claimed|alleges?|alleged|suggests?|suggested)\b"
    rf"|\baccording\s+to\s+(?:a|an|one|some|several)\s+(?:\w+\s+)?{_UNNAMED_REPORT}\b)", re.IGNORECASE)


# a headline that labels its claim a report: "Report: Apple Plans to Phase Out Beats Music", "Israeli report: Sisi
# offered ...", "Apple to shut down Beats Music: Report"
_REPORT_LABEL = re.compile(r"^\W*(?:[A-Z][\w'’-]*\s+)?(?:reports?|rumou?rs?)\s*:\s|:\s*(?:reports?|rumou?rs?)\W*$",
                           re.IGNORECASE)


def reports_a_claim(text: str) -> bool:
    """Whether the sentence puts its claim in the mouth of an unnamed report or rumour."""
    return _REPORTS_A_CLAIM.search(text) is not None or _REPORT_LABEL.search(text) is not None


# the story's subject qualified as unproven: "this alleged 'Crabzilla'", "Purported Lisa Bonet Twitter Account";
# a claim the subject makes of itself ("a massage therapist claims to have undergone plastic surgery"); a claim the
# outlet says it cannot check ("There is no way to confirm if the implant is real", "could not be independently
# verified")
_QUALIFIED = re.compile(r"\b(?:alleged|purported|so-called|supposed|unconfirmed|unverified)\b"
                        # a report taken on condition: "If true, the move would be ...", "if the rumors are true"
                        r"|\bif\s+(?:true|confirmed|accurate|correct)\b"
                        r"|\bif\s+(?:the|these|those|this|that|such)\s+(?:[\w-]+\s+)?(?:reports?|claims?|rumou?rs?|stor(?:y|ies)"
                        r"|allegations?)\s+(?:is|are|was|were|prove\w*|turn\w*\s+out)\b"
                        r"|\bclaim(?:s|ed|ing)?\s+to\s+(?:have|be|had)\b"
                        r"|\b(?:no\s+way\s+to|could\s+not|couldn[’']t|cannot|can[’']t|unable\s+to|not\s+been\s+able\s+to)"
                        r"\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verif)\w*", re.IGNORECASE)


def asks_or_hedges(s: Statement) -> bool:
    """A question ("Did Mitt Romney call her 'First Woman'?"), a hedged report ("allegedly took a
    selfie", "this alleged 'Crabzilla'", "claims to have undergone surgery", "could not be verified") or a
    claim an unnamed report makes ("Circulating 'news' report claims that loggers cut down the oldest tree"):
    it reports no claim as true, so it neither affirms what another outlet denies nor believes what another
    calls false."""
    return (s.modality == "hedged" or is_question(s.text) or reports_a_claim(s.text)
            or _QUALIFIED.search(s.text) is not None)


def _negated(text: str, m: re.Match[str]) -> bool:
    """Whether the cue ``m`` is negated by the words before it ("no hoax", "not fake"); cues that carry their
    own negation ("not true", "isn't real") are not."""
    return (not m.group(1).lower().startswith(("not ", "no ", "isn", "wasn"))
            and _NEGATED.search(text[max(0, m.start() - 25):m.start()]) is not None)


def negates_a_debunk(text: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether the text denies that the story is false ("They're not fake", "Climate change is not a hoax"):
    a negation that affirms."""
    return any(_negated(text, m) for m in _pattern(extra).finditer(text))


def debunk_cues(text: str, extra: tuple[str, ...] = (), hedged: bool = False) -> list[tuple[int, int]]:
    """Character ranges of the cues that call something false, leaving out negated ones ("no hoax",
    "isn't fake") and "false"/"fake" before a noun that is not a report of the story ("false teeth").
    Unless ``hedged``, also those of a question ("Did she play a hoax on us?") or a doubt in the same
    sentence before the cue ("whether the picture ... is just an elaborate hoax", "could be fake")."""
    return list(_debunk_cues(text, extra, hedged))


@functools.lru_cache(maxsize=1 << 16)
def _debunk_cues(text: str, extra: tuple[str, ...], hedged: bool) -> tuple[tuple[int, int], ...]:
    """``debunk_cues``, remembered by text: POL02 and POL01 ask it of both statements of every aligned pair,
    so each statement's text is asked many times (1.1 million calls, 19 s of a 1,000-article run, before)."""
    out = []
    question = is_question(text)
    for m in _pattern(extra).finditer(text):
        word = m.group(1).lower()
        if _negated(text, m):
            continue
        if not hedged and (question or _HEDGED.search(text[max(0, m.start() - 200):m.start()])):
            continue
        if not hedged and word in _PLURAL_CUES and _GENERIC.search(text[max(0, m.start() - 60):m.start()]):
            continue  # still a doubt of the outlet's (``hedged``), like a rumour named
        if word in ("false", "fake"):
            following = re.match(r"\s+([a-z]+)", text[m.end():])
            if following and following.group(1) not in CLAIM_NOUNS | _CONTINUES:
                continue
            if word == "fake" and _EPITHET.match(text, m.end()):
                continue
        elif not hedged and _RUMOURED.match(text, m.end()):
            continue  # a doubt named ("hoax rumors"), not a judgement: still a doubt of the outlet's (``hedged``)
        out.append((m.start(), m.end()))
    return tuple(out)

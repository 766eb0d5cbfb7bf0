"""polarity: one source affirms what another denies, or uses the opposite verb (rose/fell).

Time-aware: when the later statement marks a turn ("However", "no longer") or cites an event
newer than the earlier article, the pair is an update (the position changed), not a contradiction.
A plan is still a claim: "plans to launch" against "denied joining" conflicts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pydantic import Field

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict, content_stems, cue_span, stem
from crosscheck.verdicts.rules.kinds.timeline import date_label, says_it_changed
from crosscheck.nouns import Statement
from crosscheck.statements.cues import asks_or_hedges, debunk_cues
from crosscheck.statements.entities import same_entity, shared_names
from crosscheck.statements.lexicon import DENIAL_VERBS

DEFAULT_ANTONYMS = (
    ("rise", "fall"), ("increase", "decrease"), ("grow", "shrink"), ("gain", "lose"), ("win", "lose"),
    ("confirm", "deny"), ("join", "quit"), ("join", "leave"), ("approve", "reject"), ("accept", "reject"),
    ("open", "close"), ("hire", "fire"), ("buy", "sell"), ("acquire", "sell"), ("raise", "cut"),
    ("expand", "shrink"), ("launch", "cancel"), ("succeed", "fail"), ("support", "oppose"), ("agree", "refuse"),
    ("climb", "fall"), ("climb", "drop"), ("rise", "drop"), ("increase", "drop"), ("surge", "plunge"),
)


_PAST = {"denies": "denied", "affirms": "affirmed"}
# a contradiction's score: the share of POL01's cross-outlet contradictions that were right on labelled real news
# (bench/finding_scores.py, 2026-12-03): 27 of 63, the 4 on the 115 labelled stories (all right: an affirming
# against a refuting outlet) and 59 between FNC-1 bodies and headlines (23 in "disagree" rows; FNC-1 files a
# reported denial under "discuss", so that view is the stricter). The combiner's score said nothing there (AUC
# 0.43 on FNC-1, mean 0.25; 0.07 on the four right story findings): it never saw enough denials to learn them.
MEASURED_PRECISION = 0.43


class PolarityParams(Params):
    # a denial whose denier is named on the other side is strong evidence: a looser alignment suffices
    min_alignment: float = 0.4
    # a bare negation ("did not", "no") needs a closer match: negations are common and often local
    min_alignment_negation: float = 0.55
    require_shared_entity: bool = True
    antonyms: tuple[tuple[str, str], ...] = DEFAULT_ANTONYMS
    extra_denial_verbs: tuple[str, ...] = ()
    min_shared_lemmas: int = Field(2, ge=0)  # content words both statements use (names included)
    # with no name in common only the shared verb ties the two: "No invoices are sent" / "you send an invoice"
    min_alignment_unnamed: float = 0.65


@functools.lru_cache(maxsize=32)
def _antonym_verbs(antonyms: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """Every verb of the antonym pairs: a statement using none of them cannot be half of a pair."""
    return frozenset(verb for pair in antonyms for verb in pair)


# "has not commented", "did not respond": no position taken, so nothing to contradict ("is yet to comment")
NO_COMMENT_VERBS = frozenset({"comment", "respond", "reply", "answer", "return", "confirm", "speak", "elaborate",
                              "disclose", "specify"})
# a question left open, not a claim denied: "Psaki would not say whether this would constitute an act of war"
_NO_ANSWER = re.compile(r"(?:\bnot|n[’']t|\bdeclined\s+to|\brefused\s+to)\s+(?:\w+\s+)?(?:say|tell|reveal|discuss|disclose)"
                        r"\s+(?:\w+\s+)?(?:whether|if|how|what|when|why|who|where|which)\b", re.IGNORECASE)
# "has not expanded since X" says when it last did: "The league last expanded in 2000 with X" says the same
_NOT_SINCE = re.compile(r"(?:n[’']t|\bnot|\bnever)\s+(?:[\w-]+\s+){0,3}?since\b", re.IGNORECASE)
_LAST = re.compile(r"\blast\b|\bmost\s+recent(?:ly)?\b", re.IGNORECASE)
# verbs that report a claim as contested: an affirming statement that uses one reports the dispute too ("The acting
# head of the FBI said ... Comey enjoyed broad support - directly contradicting the White House assertion" against
# "Acting FBI head disputes White House claim"). Not "deny", "reject" or "refuse": a party's own denial or refusal
# of something else is often reported beside a claim ("al-Sisi had offered Abbas ... and Abbas had rejected the offer")
_DISPUTING = frozenset({"dispute", "contradict", "refute", "rebut", "debunk", "repudiate"})
# "not ... any longer" says what a verb of ceasing says: "will stop selling" / "will not sell any longer"
_NO_MORE = re.compile(r"\b(?:any\s*more|any\s+longer|no\s+longer)\b", re.IGNORECASE)
_CEASING = frozenset({"stop", "cease", "quit", "halt", "end", "discontinue", "suspend", "abandon"})
# verbs of refusing an act, not of denying a claim: "refused treatment" says nothing of what others report
_REFUSALS = ("refus", "declin")
# a request turned down is an act refused too: "The Pentagon is rejecting demands by Kyrgyzstan to pay for the base"
# says nothing against "Manas air base is located in Kyrgyzstan"
_REQUESTS = frozenset({"demand", "call", "request", "offer", "proposal", "bid", "plea", "appeal", "invitation",
                       "application", "petition", "ultimatum"})


def _negative(s: Statement, extra: tuple[str, ...]) -> bool:
    """Whether the statement negates or denies; a negated denial ("did not deny joining", "no longer
    denies joining") takes the claim back from the denial, so it does not."""
    if s.polarity.negated and (s.polarity.scope in DENIAL_VERBS or s.polarity.scope in extra):
        return False
    return s.polarity.negated or s.polarity.denial or any(p in extra for p in s.predicates)


def _cue_span(s: Statement) -> tuple:
    span = cue_span(s)
    return (span,) if span is not None else ()


def _denier(s: Statement, extra: tuple[str, ...]) -> str:
    """Who denies, when the statement names them: the subject of its denial verb."""
    for pred, role, key in s.roles:
        if role == "subject" and (pred in DENIAL_VERBS or pred in extra):
            return key
    return ""


def _who(s: Statement, doc, date: str, polarity: str, denier: str) -> str:
    """Whose position a side is: the outlet's own, or, when the outlet reports a named party's denial
    (``denier``, "" for the affirming side), that party's as the outlet reports it ("Skyworth denies, as
    ducksell.com (2013-09-10) reports"): the dispute is then between the other outlet and the denier, not
    the reporting outlet's own claim."""
    outlet = f"{doc.outlet or doc.id} ({date})"
    if denier:
        name = next((e.text for e in s.entities if e.key == denier), denier)
        return f"{name} denies, as {outlet} reports"
    return f"{outlet} {polarity}"


# "does not plan to", "has no plans to", "has no intention of": the plan is denied, whatever its verb
_PLAN_VERBS = frozenset({"plan", "intend"})
_PLAN_NOUNS = frozenset({"plan", "intention"})


# "hadn't planned to marry him for love, but for profit": the negation is of the adjunct, not of the plan
_NOT_X_BUT_Y = re.compile(r"\bbut\b", re.IGNORECASE)


def _denies_a_plan(s: Statement) -> bool:
    """Whether a negation denies a plan ("Saudia does not have plans to separate passengers"): its scope is
    the plan, not the verb of the plan ("separate"), which the reporting side words its own way ("ban")."""
    scope = s.polarity.scope
    span = cue_span(s)
    after_cue = span.end if span is not None else 0
    if not s.polarity.negated or _NOT_X_BUT_Y.search(s.text, after_cue):
        return False
    return scope in _PLAN_VERBS or (scope == "have" and bool(_PLAN_NOUNS & set(s.lemmas)))


def _plan_owner_named(s: Statement, other: Statement) -> bool:
    """Whether ``other`` states a plan ("intends to ban", "will order staff", "is set to": its modality) and
    names the subject of ``s``'s negated verb (whose plan it is)."""
    subjects = {key for pred, role, key in s.roles if role == "subject" and pred == s.polarity.scope}
    return (bool(subjects and shared_names(subjects, {e.key for e in other.entities}))
            and other.modality == "planned")


def _surname(party: str, negative: Statement) -> str:
    """The surname a person is also named by ("al-Sisi" for "abdel fatah al-sisi"); "" for an organisation or
    a surname of two letters or fewer."""
    if party not in {e.key for e in negative.entities if e.label == "PERSON"}:
        return ""
    surname = party.split()[-1]
    return surname if len(surname) > 2 else ""


# verbs of saying and reporting: two statements that both "say" something share no claim by it ("'It's very clear
# that the tactics ISIS is using expand by the day,' Mladenov said" / "Isis fighter denies claim and says
# organ-harvesting 'would bring in peanuts'": the bench corpus); nor by a verb of thinking, whose claim is its
# complement ("she 'didn't feel that Jim was a priority'" / "I really feel that our country let Jim down")
_SPEAKING = frozenset({"say", "tell", "report", "state", "add", "claim", "write", "note", "accord", "announce", "reveal"})
_SAYING = _SPEAKING | {"feel", "think", "believe"}


def _shared_content(a: Statement, b: Statement) -> set[str]:
    """The lemmas both statements use, verbs of saying aside."""
    return (set(a.lemmas) & set(b.lemmas)) - _SAYING


def _name_words(party: str) -> set[str]:
    """The words of a party's name, which two statements share without disputing anything."""
    return set(re.split(r"[\s-]+", party)) if party else set()


def _names_the_denier(denier: str, negative: Statement, other: Statement) -> bool:
    """Whether ``other`` names whoever denies: the same name or a longer form of it ("Alibaba" / "Alibaba
    Group"), and for a person also by the surname ("al-Sisi" / "Abdel Fatah al-Sisi", "President Sisi")."""
    keys = {e.key for e in other.entities}
    if shared_names({denier}, keys):
        return True
    surname = _surname(denier, negative)
    return bool(surname) and any(k.split()[-1] == surname for k in keys if k)


# entity labels that describe rather than name the party ("Egyptian", a title spaCy took for a name)
_NOT_A_SUBJECT = frozenset({"NORP", "PROPN", "ORDINAL", "CARDINAL", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY"})


def _subject(a: Statement, shared: set[str], negative: Statement | None, denier: str) -> str:
    """Who or what the finding is about, as a journalist names it: the denier when one side denies
    (``negative``, None when neither does: "al-Sisi", not "Egyptian, Palestinian, President"), else the
    names both sides share, nationalities and the like ("Egyptian") only when nothing else is shared."""
    if negative is not None:
        named = next((e.text for e in negative.entities if e.key == denier), "")
        if named:
            return named
    names = {e.key: e.text for e in a.entities}
    kinds = {e.key: e.label for e in a.entities}
    proper = [k for k in sorted(shared) if kinds.get(k) not in _NOT_A_SUBJECT]
    return ", ".join(names[k] for k in (proper or sorted(shared))) or "The claim"



@dataclass(frozen=True)
class _Denial:
    """The negative side of an opposed pair, read once against the other side."""

    denier: str  # the subject of the denial verb ("" when unnamed)
    denier_named: bool  # ... and the other side names it
    plan: bool  # a disowned plan ("does not have plans to"), whatever the plan's verb
    owner: str  # the subject of the disowned plan ("" when no plan is denied)
    owner_named: bool  # ... and the other side names it and states a plan
    refusal: bool  # "refused", "declined": an act refused, not a claim denied
    explicit: bool  # a denial verb, not a bare negation


# denial verbs that also turn a party away: with a named object they disown someone, not a claim
_DISOWNING = frozenset({"disown", "disavow"})


def _rejects_a_party(s: Statement) -> bool:
    """Whether the statement disowns a named party rather than denying a claim: "the family disowns the so-called
    Mariam Al Mansouri" turns someone away, as a refusal does, and denies nothing another outlet reports of her.
    Not "deny" or "reject", whose named object is often the subject of the denied claim in a headline's grammar
    ("The palace denies Prince Tomas 'was at the party'")."""
    return (any(role == "object" and pred in _DISOWNING for pred, role, _ in s.roles)
            or _DISOWNS_SOMEONE.search(s.text) is not None)


# "the family has disowned her": a person named by a pronoun is no role of the statement
_DISOWNS_SOMEONE = re.compile(r"\bdisown(?:s|ed|ing)?\s+(?:him|her|them|me|us|the\s+so-called)\b", re.IGNORECASE)
# a scenario, not a claim of fact: "In that case, CBO warns, the number of uninsured will abruptly increase" says
# nothing against "the number of uninsured will drop this year"
_CONDITIONAL = re.compile(r"^\W*(?:if|unless)\b|\bin\s+(?:that|which|such\s+a)\s+case\b", re.IGNORECASE)


def _read_denial(negative: Statement, other: Statement, p: PolarityParams) -> _Denial:
    denier = _denier(negative, p.extra_denial_verbs)
    plan = _denies_a_plan(negative)
    owner = next(iter(sorted(k for pred, role, k in negative.roles if role == "subject"
                             and pred == negative.polarity.scope)), "") if plan else ""
    return _Denial(denier=denier, denier_named=bool(denier) and _names_the_denier(denier, negative, other),
                   plan=plan, owner=owner, owner_named=plan and _plan_owner_named(negative, other),
                   refusal=negative.polarity.cue.lower().startswith(_REFUSALS)
                   or (negative.polarity.denial and negative.polarity.scope in _REQUESTS)
                   or (negative.polarity.denial and _rejects_a_party(negative)),
                   explicit=negative.polarity.denial)


def _named_dispute(negative: Statement, other: Statement, d: _Denial, p: PolarityParams) -> bool:
    """Whether ``negative`` is a named party's denial of what ``other`` affirms: an explicit denial (not a
    refusal) whose denier it names, or a disowned plan whose owner ``other`` names. The denier need not be
    named in ``other`` ("Korovin denied taking a selfie" / "Joan Rivers' doctor snapped a selfie": on the dev
    stories one more contested story found, no unanimous one alarmed; on FNC-1 a wash, disagree F1 fold 1
    0.379 to 0.386, fold 0 0.408 to 0.403: its annotators call a reported denial disagree or discuss alike)."""
    if d.plan:
        party, named = d.owner, d.owner_named
    elif d.explicit and not d.refusal:
        party, named = d.denier, bool(d.denier)
    else:
        return False
    # and the two say something in common besides the party's name: "Hefner denied reports that he is dead"
    # names Hefner, as "Hefner launched Playboy in 1953" does, and disputes nothing of it
    return named and len(_shared_content(negative, other) - _name_words(party)) >= p.min_shared_lemmas


_DENYING = r"(?:den(?:y|ies|ied|ying)|refut\w*|dismiss\w*|reject\w*)"
# a sentence that turns the story: what follows it supersedes a denial reported before it
_TURN = re.compile(r"(?:^|[.!?]['\"\u2019\u201d]?\s+)(?:However|Now|But now|Since then|Later|Yet)\b", re.MULTILINE)


@functools.lru_cache(maxsize=4096)
def _denials_by(name: str, doc) -> tuple[int, ...]:
    """Where the article reports ``name`` denying something ("According to CNN, Korovin 'categorically
    denies' taking the selfie", "reports say Abbas has denied"): the name, then a denying verb within 40
    characters of one sentence; the offsets where each such mention ends."""
    pattern = re.compile(r"\b%s\b[^.!?]{0,40}?\b%s\b" % (re.escape(name), _DENYING), re.IGNORECASE)
    return tuple(m.end() for m in pattern.finditer(doc.text))


def _both_report_the_denial(negative: Statement, pair: Pair, d: _Denial) -> bool:
    """Whether the affirming outlet's article reports the same party's denial too, and does not turn it
    ("Skyworth denied joining ..." then "However, ... Skyworth will release ...": the article says the
    denial was overtaken). Then both outlets report the dispute and neither contradicts the other: on the
    stories of bench/stories.py, 9 of the 11 POL01 conflicts between two affirming outlets were "Korovin
    denies taking a selfie" against "a sedated Rivers was visible in Korovin's procedure room selfie", the
    second outlet reporting Korovin's denial as well."""
    if not d.denier or not d.explicit:
        return False
    other, other_doc = (pair.b, pair.doc_b) if negative is pair.a else (pair.a, pair.doc_a)
    name = _surname(d.denier, negative) or d.denier
    return any(end >= other.start or not _TURN.search(other_doc.text, end, other.start)
               for end in _denials_by(name, other_doc))


_ALWAYS_BEFORE = re.compile(r"\b(?:always|consistently|repeatedly)\s+(?:\w+\s+)?$", re.IGNORECASE)
_EVER_AFTER = re.compile(r"^\s+to\s+(?:ever|never)\b", re.IGNORECASE)


def _for_all_time(s: Statement) -> bool:
    """Whether the statement's refusal holds for all time: "always" just before its cue or "to ever" just after."""
    span = cue_span(s)
    if span is None:
        return False
    return bool(_ALWAYS_BEFORE.search(s.text[:span.start]) or _EVER_AFTER.match(s.text[span.end:]))


def _close_enough(pair: Pair, negative: Statement, other: Statement, d: _Denial, p: PolarityParams) -> bool:
    """Denials need their denier named on the other side; bare negations need a close match."""
    # a refusal is an act, its doer named or not: "Tridevil refused to give her real name" says nothing against
    # "Tridevil (going by her real name Alisha Hessler) lists ..."; it must meet the other's verb, as below. One that
    # holds for all time ("refused to ever act in a Malayalam film", "always rejected offers to play") says the act
    # never happened, as a denial does
    if pair.same_document or (d.denier_named and (not d.refusal or _for_all_time(negative))):
        return True
    if d.owner_named:
        return pair.alignment.score >= p.min_alignment_negation
    if (d.refusal or not d.explicit) and negative.polarity.scope not in other.predicates:
        return False  # "no details were disclosed" does not negate "X entered the TV business"
    if not d.explicit and _another_verb_by_its_particle(negative, other):
        return False
    return pair.alignment.score >= p.min_alignment_negation


# particles that make another verb of the one they follow ("report back" is not "report"); prepositions that may
# also be particles ("report on", "turn in") are left out: there the verb usually keeps its sense
_PARTICLES = frozenset("back up out off away down".split())


def _forms(words: list[tuple[str, int, int]], lemma: str) -> list[int]:
    """Where ``words`` (``_tokens``) hold a form of ``lemma``, by the crude stem ("reported" / "report")."""
    wanted = stem(lemma.lower())
    return [i for i, (word, _, _) in enumerate(words) if stem(word) == wanted]


def _particle_after(text: str, start: int, lemma: str) -> str | None:
    """The particle right after the first form of ``lemma`` from ``start`` on ("They didn't report back" ->
    "back"), "" where that form has none, None where no form of ``lemma`` is found."""
    words = _tokens(text[start:])
    forms = _forms(words, lemma)
    if not forms:
        return None
    i = forms[0]
    return words[i + 1][0] if i + 1 < len(words) and words[i + 1][0] in _PARTICLES else ""


def _another_verb_by_its_particle(negative: Statement, other: Statement) -> bool:
    """Whether the negated verb and the other's verb of the same lemma are two verbs, one with a particle and
    the other without it: "They didn't report back (to the base)" negates nothing of "the three men were reported
    missing". The other side has the particle when it comes within eight words after its verb ("called the strike
    at the plant off" is "call off")."""
    span = cue_span(negative)
    lemma = negative.polarity.scope
    if span is None or not lemma:
        return False
    particle = _particle_after(negative.text, span.end, lemma)
    if particle is None:
        return False
    words = _tokens(other.text)
    forms = _forms(words, lemma)
    if not forms:
        return False
    if particle:
        return not any(particle in (w for w, _, _ in words[i + 1:i + 9]) for i in forms)
    return all(i + 1 < len(words) and words[i + 1][0] in _PARTICLES for i in forms)


def _denies_what_the_other_says(negative: Statement, other: Statement) -> bool:
    """Whether what the negative statement denies, spelled out after its cue, shares a word with the other
    statement. Why: "Officers used tear gas ..., though officers denied rumours they had also fired rubber
    bullets" denies nothing of "police ... heavy-handed use of tear gas"; a denial whose object is not
    spelled out after the cue ("Abbas refuted the reports") is left to the other tests."""
    span = cue_span(negative)
    if span is None or span.end == 0:
        return True
    denied = content_stems(negative.text[span.end:])
    if len(denied) < 2:
        return True
    said = content_stems(other.text) | {stem(w) for w in other.lemmas}
    return bool(denied & said)


_TOKENS = re.compile(r"\w+")
_NEW_CLAUSE = re.compile(r"[,;:]|\b(?:but|and|while|whereas|although|though|yet)\b", re.IGNORECASE)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The text's words, lower-cased, with their offsets."""
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKENS.finditer(text.replace("\u2019", "'"))]


def _find(needle: list[str], hay: list[str]) -> list[int]:
    """Where ``needle`` occurs in ``hay`` as a run of words."""
    n = len(needle)
    return [i for i in range(len(hay) - n + 1) if hay[i:i + n] == needle] if n else []


# words the negative statement quotes its subject saying after the cue ("denies claim and says organ-harvesting 'would
# bring in peanuts'"), not the claim it denies ("denies the prince 'was at the party'")
_SAYS_QUOTE = re.compile(r"\b(?:says?|said|saying|adds?|added|insists?|insisted)\b[^'\"\u2018\u201c.]{0,40}?"
                         r"['\"\u2018\u201c]([^'\"\u2019\u201d]{8,})['\"\u2019\u201d]")


def _negation_not_in_dispute(negative: Statement, other: Statement) -> bool:
    """Whether the negation is not what sets the two statements apart: the other prints the negative one's cue
    with a word either side too ("adopted the 'hands up, don't shoot' gesture" / "using the 'hands up, don't
    shoot' gesture": a slogan, negated on both sides), or the other is a run of the negative statement's own
    words that leaves its cue out ("People will ask why you brought the body" / "People will ask why you brought
    the body but you didn't bring him when he was alive.": the fuller quote says the shorter one too), or the other
    prints four or more words the negative one quotes its subject saying ("Isis fighter denies claim and says
    organ-harvesting 'would bring in peanuts'" / "This 'organ selling' would bring in peanuts in comparison ...":
    both report the denier's own words, which dispute nothing the other outlet says)."""
    span = cue_span(negative)
    if span is None:
        return False
    words = _tokens(negative.text)
    cue = [i for i, (_, start, end) in enumerate(words) if start < span.end and end > span.start]
    theirs = [w for w, _, _ in _tokens(other.text)]
    if cue:
        lo, hi = max(0, cue[0] - 1), min(len(words), cue[-1] + 2)
        if hi - lo >= 3 and _find([w for w, _, _ in words[lo:hi]], theirs):
            return True
    for said in _SAYS_QUOTE.finditer(negative.text, span.end):  # what the denier says, which the other prints too
        quoted = [w for w, _, _ in _tokens(said.group(1))]
        if len(quoted) >= 4 and _find(quoted, theirs):
            return True
    if len(theirs) >= 6 and cue:  # six words or more: enough to stand for a claim of its own
        mine = [w for w, _, _ in words]
        # the negation must come after the run, in a clause of its own ("... the body but you didn't bring him"):
        # a cue before the run negates it ("No weapons of mass destruction found in Iraq yet" / "Weapons of mass
        # destruction found in Iraq", an RTE row)
        for at in _find(theirs, mine):
            end = at + len(theirs)
            if cue[0] >= end and _NEW_CLAUSE.search(negative.text[words[end - 1][2]:words[cue[0]][1]]):
                return True
    return False


_THING = frozenset({"it", "this"})
_BETWEEN = frozenset({"does", "did", "do", "has", "had", "not", "n't", "t", "also", "actually", "really", "even",
                      "still", "just"})


def _a_thing_says(text: str, verb: str) -> bool:
    """Whether ``verb``'s first form in ``text`` has "it" or "this" for its subject, auxiliaries and adverbs aside
    ("it says nothing about ...", "This doesn't mention ...")."""
    words = _tokens(text)
    forms = _forms(words, verb)
    if not forms:
        return False
    j = forms[0] - 1
    while j >= 0 and words[j][0] in _BETWEEN:
        j -= 1
    return j >= 0 and words[j][0] in _THING


_EXCEPT = re.compile(r"\b(?:except(?:\s+for)?|excluding|other than|apart from|save for|with the exception of)\b",
                     re.IGNORECASE)
# where an exception outside brackets ends: a comma, a bracket, a semicolon, or the verb it excepts from
_EXCEPTION_END = re.compile(r"[(),;]|\s(?:are|is|was|were|will|would|can|cannot|could|may|must|have|has|had|do|does"
                            r"|did)\b", re.IGNORECASE)


def _excepted(negative: Statement, other: Statement) -> bool:
    """Whether the other statement speaks of what the negative one excepts: "all foreigners (except residents,
    family connection, medical personnel) are not allowed to enter" denies nothing of "Family members of EU
    citizens were allowed to enter". The exception runs to a bracket or a semicolon; it counts where the other
    statement shares one of its words that the rest of the negative statement does not have."""
    text = negative.text
    for m in _EXCEPT.finditer(text):
        bracketed = text.rfind("(", 0, m.start()) > text.rfind(")", 0, m.start())
        end = text.find(")", m.end()) if bracketed else -1
        if end < 0:
            stop = _EXCEPTION_END.search(text, m.end())
            end = stop.start() if stop else len(text)
        rest = text[:m.start()] + " " + text[end:]
        if (content_stems(text[m.end():end]) - content_stems(rest)) & content_stems(other.text):
            return True
    return False


def _unsaid_by_another(negative: Statement, other: Statement) -> bool:
    """Whether the negative statement denies only that a named party said something ("Raven-Symone has NOT actually
    claimed Cosby molested her": a negated verb of saying whose subject is named) and the other does not report that
    party saying anything (its speaker, and the subjects of its verbs of saying, are others): what is denied is a
    party's words, which the other does not report. Not a verb of thinking: "Smith does not believe the fire was
    arson" is Smith's position, which disputes "The fire was arson, police said"."""
    scope = negative.polarity.scope
    if not negative.polarity.negated or negative.polarity.denial or scope not in _SPEAKING:
        return False
    sayers = {k for pred, role, k in negative.roles if pred == scope and role == "subject"}
    if not sayers:
        # "it says nothing about Justin Bieber", "this does not mention the merger": a text's silence, not a denial
        return _a_thing_says(negative.text, scope)
    speakers = {k for pred, role, k in other.roles if role == "subject" and pred in _SPEAKING}
    if other.attribution is not None and other.attribution.source:
        speakers.add(other.attribution.source)
    return not any(same_entity(x, y) for x in sayers for y in speakers)


def check(pair: Pair, p: PolarityParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    # each test below only rejects, so their order does not change a verdict: the one that rejects most
    # pairs (both affirm, or both deny, with no antonym verb) and costs least goes first
    neg_a, neg_b = _negative(a, p.extra_denial_verbs), _negative(b, p.extra_denial_verbs)
    if neg_a == neg_b and (pair.same_document or pair.alignment.score < p.min_alignment_negation
                           or _antonym_verbs(p.antonyms).isdisjoint(a.predicates)):
        return []  # the same polarity: only opposite verbs (antonyms, below) could make a finding
    shared = shared_names({e.key for e in a.entities}, {e.key for e in b.entities})
    # no common name: the same main verb with opposite polarity must carry the conflict
    if p.require_shared_entity and not shared and not set(a.predicates) & set(b.predicates):
        return []
    if not shared and not pair.same_document and pair.alignment.score < p.min_alignment_unnamed:
        return []
    if not pair.same_document and (_CONDITIONAL.search(a.text) or _CONDITIONAL.search(b.text)):
        return []  # a scenario ("In that case ...", "If the council ...") is not a claim either side makes
    negative: Statement | None = None
    denier = ""
    if neg_a != neg_b:
        negative, other = (a, b) if neg_a else (b, a)
        denial = _read_denial(negative, other, p)
        denier = denial.denier
        if (not denial.explicit or denial.refusal) and (negative.polarity.scope in NO_COMMENT_VERBS
                                                         or _NO_ANSWER.search(negative.text)):
            return []  # "has not commented", "declined to answer questions", "would not say whether"
        if _NO_MORE.search(negative.text) and _CEASING & set(other.predicates):
            return []  # "will not sell its caplets any longer" / "will stop selling its caplets": one claim
        if (_NOT_SINCE.search(negative.text) and _LAST.search(other.text)
                and negative.polarity.scope in other.predicates):
            return []  # "hasn't expanded since 2000" / "last expanded in 2000": one claim, the last time it did
        if _unsaid_by_another(negative, other):
            return []  # "Raven-Symone has NOT claimed Cosby molested her" / "The site claims there were rumours ..."
        if _excepted(negative, other):
            return []  # "all foreigners (except family) are not allowed" / "Family members were allowed"
        if negative.polarity.denial and not pair.same_document and _DISPUTING & set(other.lemmas):
            return []  # both report a dispute: "... disputes White House claim" / "... directly contradicting the White House"
        if not pair.same_document and (_both_report_the_denial(negative, pair, denial) or asks_or_hedges(other)
                                       or debunk_cues(other.text)):
            # both outlets report the dispute; the other reports only an allegation or a question; or it calls
            # the story false itself ("NHL Expansion Plan Report Is 'Complete Fabrication': Bettman")
            return []
    # content words in common, the denier's name aside: "Joan Rivers Doctor Denies Selfie" disputes nothing of
    # "Star-studded send-off at Joan Rivers' funeral"
    if len(_shared_content(a, b) - _name_words(denier)) < p.min_shared_lemmas and not pair.same_document:
        return []
    if negative is not None and not _close_enough(pair, negative, other, denial, p):
        return []
    if negative is not None and not denial.explicit and _another_actors_act(negative, other):
        return []  # "Manson does not want to marry Burton" / "Burton wanted access to Manson's corpse": two wishes
    if negative is not None and not pair.same_document and not _denies_what_the_other_says(negative, other):
        return []
    if negative is not None and _negation_not_in_dispute(negative, other):
        return []  # a negated slogan both print; the other a part of the negative statement, cue left out
    date_a, date_b = date_label(pair)
    values = {"subject": _subject(a, shared, negative, denier), "a_polarity": "denies" if neg_a else "affirms",
              "b_polarity": "denies" if neg_b else "affirms", "antonyms": ""}
    if neg_a != neg_b:
        changed = says_it_changed(pair)
        if pair.same_document:
            # within one article only a position taken and then turned is an update ("Skyworth denied
            # joining ..." then "However, ... Skyworth will release ..."): a bare negation followed by any
            # sentence opening with "But" or "Now" ("Money is not an object to her" / "Now, a friend is
            # auctioning ...") is the article's narrative, not a change of position (23 of the 24 updates
            # on the 115 labelled stories of bench/stories.py were that)
            if not (neg_a and changed and denial.explicit and not denial.refusal):
                return []
            sequence = f"{pair.doc_a.outlet or pair.doc_a.id} ({date_a}) reports it first {_PAST[values['a_polarity']]}, then {_PAST[values['b_polarity']]}"
            return [Verdict("update", {**values, "sequence": sequence}, _cue_span(a), (), confidence=0.7)]
        kind = "update" if changed else "contradiction"
        values["sequence"] = (f"{_who(a, pair.doc_a, date_a, values['a_polarity'], denier if neg_a else '')}; "
                              f"{_who(b, pair.doc_b, date_b, values['b_polarity'], denier if neg_b else '')}")
        return [Verdict(kind, values, _cue_span(a), _cue_span(b),
                        confidence=MEASURED_PRECISION if kind == "contradiction" else 0.75,
                        named_dispute=_named_dispute(negative, other, denial, p))]
    if pair.same_document or pair.alignment.score < p.min_alignment_negation:
        return []
    for x, y in p.antonyms:
        for left, right in ((x, y), (y, x)):
            # each statement on its own side ("neither confirmed nor denied" / the same: no finding), said of one actor
            if (left in a.predicates and right in b.predicates and right not in a.predicates
                    and left not in b.predicates and not _other_actors(a, left, b, right)):
                kind = "update" if says_it_changed(pair) else "contradiction"
                values.update(antonyms=f"{left} / {right}",
                              sequence=f"{pair.doc_a.outlet or pair.doc_a.id} ({date_a}) says {left}, "
                                       f"{pair.doc_b.outlet or pair.doc_b.id} ({date_b}) says {right}")
                return [Verdict(kind, values, confidence=MEASURED_PRECISION if kind == "contradiction" else 0.7)]
    return []


def _other_actors(a: Statement, verb_a: str, b: Statement, verb_b: str) -> bool:
    """Whether opposite verbs have different named subjects, so that both can be true: "Mojang sells Minecraft" /
    "Microsoft will buy Mojang" (one sells, another buys), "Revenue rose" / "Profit fell"."""
    sa = {k for v, role, k in a.roles if v == verb_a and role == "subject"}
    sb = {k for v, role, k in b.roles if v == verb_b and role == "subject"}
    return bool(sa and sb and not shared_names(sa, sb))


# words of a title or a body, not a name: "Argentina's President" may well be "Cristina Kirchner"
_TITLE_WORDS = frozenset("""president minister premier chancellor governor mayor king queen prince princess ceo
chairman chairwoman chief head leader spokesman spokeswoman spokesperson director secretary senator judge official
officials police government company firm army""".split())


def _one_party(x: str, y: str) -> bool:
    """Two keys for one party: ``same_entity``, or the same last word ("Jared Kushner" / "Kushner", "Mrs Kirchner"
    / "Cristina Kirchner")."""
    return same_entity(x, y) or x.split()[-1] == y.split()[-1]


def _another_actors_act(negative: Statement, other: Statement) -> bool:
    """Whether the negated verb and the other's same verb have different named subjects, neither of whom the
    other side's verb takes in any role: two parties' acts or wishes, both of which can be true ("But Manson does
    not want to marry Burton" / "Burton wanted access to Manson's corpse"). A subject the other side names as the
    verb's object is one act told in the passive or the active ("Smith was not elected by the council" / "The
    council elected Smith") and still conflicts; so does a subject named by a title ("Argentina's President didn't
    adopt a werewolf" / "Cristina Kirchner has adopted a Jewish boy")."""
    verb = negative.polarity.scope
    if not verb:
        return False
    subjects_neg = {k for v, role, k in negative.roles if v == verb and role == "subject" and k}
    subjects_other = {k for v, role, k in other.roles if v == verb and role == "subject" and k}
    if not subjects_neg or not subjects_other or any(_TITLE_WORDS & set(k.split())
                                                      for k in subjects_neg | subjects_other):
        return False
    said_neg = {k for v, _, k in negative.roles if v == verb and k}
    said_other = {k for v, _, k in other.roles if v == verb and k}
    return (not any(_one_party(x, y) for x in subjects_neg for y in said_other)
            and not any(_one_party(x, y) for x in subjects_other for y in said_neg))


KIND = Kind("polarity", PolarityParams,
            frozenset({"subject", "a_polarity", "b_polarity", "antonyms", "sequence"}), check=check,
            measured_kinds=frozenset({"contradiction"}),
            description="affirmed by one source, denied by another (or opposite verbs)")

"""entity: a different person, company or place in the same role (who acquired whom, who heads what)."""

from __future__ import annotations

import re

from crosscheck.verdicts.rules.kinds.base import Kind, Pair, Params, Verdict
from crosscheck.nouns import Statement
from crosscheck.statements.entities import same_entity, shared_names


# who reports, says or tells is a source, not an actor of the claim: "CNN reported" and "The New York
# Times reports" the same thing is corroboration (quotes put in another mouth are QUOTE01's)
REPORTING_VERBS = ("say", "tell", "report", "add", "note", "write", "state", "announce", "explain", "claim",
                   "cite", "quote", "confirm", "reveal")


_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})  # spaCy's kinds of names; PROPN says nothing
# a Title Case headline capitalises a description: "Joan Rivers Doctor Denies Selfie" names the doctor by role,
# not a person other than "Dr. Gwen Korovin" (an ENT01 alarm on FNC-1 fold 0)
_ROLE_NOUNS = frozenset("""doctor physician surgeon nurse lawyer attorney spokesman spokeswoman spokesperson official
officials police mother father wife husband son daughter brother sister family parents friend boss chief owner
manager aide adviser advisor source sources""".split())


class EntityParams(Params):
    min_alignment: float = 0.6
    roles: tuple[str, ...] = ("subject", "object")
    ignore_predicates: tuple[str, ...] = REPORTING_VERBS
    # a person against a country, a company or a group is one actor named by metonymy far more often than
    # two: "Egypt offers Abbas land" / "al-Sisi has offered". Off by default: with the small spaCy model's
    # labels ("Hubble" a PERSON) it also dropped a right finding on SummEdits and on VitaminC for one false
    # alarm fewer on FNC-1; worth turning on with a larger spaCy pipeline
    same_kind_only: bool = False


def check(pair: Pair, p: EntityParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document:
        return []
    keys_a, keys_b = {e.key for e in a.entities}, {e.key for e in b.entities}
    labels = {e.key: e.label for e in (*a.entities, *b.entities) if e.label in _KINDS}
    for pred, role, key_a in a.roles:
        if role not in p.roles or pred in p.ignore_predicates or _described(key_a):
            continue
        for pred_b, role_b, key_b in b.roles:
            if (pred_b, role_b) != (pred, role) or _described(key_b) or same_entity(key_a, key_b):
                continue  # one entity written two ways ("Pink News" / "PinkNews", "Inc." dropped) is no other actor
            if shared_names({key_a}, keys_b) or shared_names({key_b}, keys_a) or \
                    any(same_entity(key_a, k) for k in keys_b) or any(same_entity(key_b, k) for k in keys_a):
                continue  # both names appear on both sides: a different wording, not a different actor
            if _adds_an_actor(a, pred) or _adds_an_actor(b, pred):
                continue  # "the security commission also disclosed ...": one more actor, not another one
            if _two_places(a, b, {key_a, key_b}):
                continue  # "The FBI monitors ... in the United States" / "The NSA monitors ... overseas": two acts
            if _one_full_name(key_a, key_b, pair):
                continue  # "Hung" and "Zhang" of "Zhang Hung": one person by given name and by surname
            if p.same_kind_only and key_a in labels and key_b in labels and \
                    (labels[key_a] == "PERSON") != (labels[key_b] == "PERSON"):
                continue  # a country or a company for its leader: "Egypt offers" / "al-Sisi offered"
            return [Verdict("contradiction", {"a_value": key_a, "b_value": key_b, "role": f"{role} of '{pred}'"},
                            confidence=0.7)]
    return []


def _described(key: str) -> bool:
    """Whether the key names someone by a role ("joan rivers doctor", "white house spokesman"), not by name."""
    return key.rsplit(" ", 1)[-1] in _ROLE_NOUNS


def _adds_an_actor(s: Statement, verb: str) -> bool:
    """Whether the statement says its actor did it too ("Salahuddin security commission also disclosed that ...",
    "Jordan, too, has launched airstrikes"): the other outlet's actor is then one more, not another
    (an error-level ENT01 alarm on the bench corpus)."""
    stem = re.escape(verb[:max(3, len(verb) - 2)])
    return re.search(rf"\b(?:also|too|likewise)\b,?\s+(?:\w+\s+)?{stem}", s.text, re.IGNORECASE) is not None


_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# where an act happens, said without a name
_PLACE_ADVERBS = frozenset({"overseas", "abroad", "domestically", "nationwide", "locally", "worldwide",
                            "internationally"})
# a named place where something happens follows a preposition of place ("in the United States"); a place
# naming an actor ("Argentina's president") or a wire dateline ("BUENOS AIRES, Dec. 29 (UPI) --") does not
_AT = re.compile(r"\b(?:in|at|inside|across|within|throughout)\s+(?:the\s+)?$", re.IGNORECASE)


def _places(s: Statement, actors: set[str]) -> set[str]:
    """The places a statement puts its act in: named places after a preposition of place that are not the
    actors, and place adverbs ("overseas")."""
    named = {e.key for e in s.entities if e.label in _PLACE_LABELS and e.key and e.key not in actors
             and _AT.search(s.text[:max(0, e.start - s.start)])}
    return named | {w.lower() for w in re.findall(r"[A-Za-z]+", s.text) if w.lower() in _PLACE_ADVERBS}


def _two_places(a: Statement, b: Statement, actors: set[str]) -> bool:
    """Whether the two statements put the act in two places, neither naming the other's: two actors each doing it
    in its own place ("The FBI monitors the communications of Russian officials in the United States" / "The
    National Security Agency monitors the communications of Russian officials overseas") are two facts, not
    another actor (an error-level ENT01 alarm on the bench corpus)."""
    pa, pb = _places(a, actors), _places(b, actors)
    return bool(pa and pb) and not shared_names(pa, pb)  # shared_names counts equal keys too


def _one_full_name(x: str, y: str, pair: Pair) -> bool:
    """Whether one of the two articles writes the two names together as one name ("Zhang Hung")."""
    texts = (pair.doc_a.text.lower(), pair.doc_b.text.lower())
    return any(f"{first} {second}" in t for first, second in ((x, y), (y, x)) for t in texts)


KIND = Kind("entity", EntityParams, frozenset({"a_value", "b_value", "role"}), check=check,
            description="different actor in the same role")

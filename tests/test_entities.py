"""Names written two ways are one actor; actors named as different kinds of thing are not a conflict (ENT01)."""

import pytest

from crosscheck.nouns import Alignment, Entity, Statement
from crosscheck.statements.entities import same_entity
from crosscheck.verdicts.rules.kinds.base import Pair
from crosscheck.verdicts.rules.kinds.entity import EntityParams, check
from tests.conftest import make_doc


@pytest.mark.parametrize("a, b, same", [
    ("un", "united nations", True),  # initials
    ("nhl", "national hockey league", True),
    ("boc", "bank of china", True),  # minor words left out of the initials
    ("music beats", "beats music", True),  # the same words in another order
    ("steven sotloff", "steven joel sotloff", True),  # a middle name left out
    ("iair tawil", "yair tawil", True),  # a given name transliterated two ways
    ("christina kirchner", "fernandez de kirchner", True),  # a surname joined by a particle, no given name
    ("ursula von der leyen", "von der leyen", True),
    ("cristina kirchner", "christina fernández de kirchner", True),  # middle names left out, a letter apart
    ("baghdadi", "al-baghdadi", True),  # an Arabic name's article
    ("george bush", "jeb bush", False),  # one family, two people
    ("juan de la cruz", "maria cruz", False),
    ("george walker bush", "georgia bush", False),
    ("mohammed ali", "mohammad ali", True),
    ("john smith", "jane smith", False),  # two letters apart: another person
    ("ian smith", "jan smith", False),  # a short given name: too little to tell a slip
    ("john smith", "john paul jones", False),
    ("us", "uk", False),
    ("china", "bank of china", False),
    ("baidu", "tencent", False),
    ("isis", "islamic state", True),  # one group under two house styles
    ("isil", "islamic state is", True),  # "The Islamic State (IS)"
    ("isis", "al-qaeda", False),
    ("islamic state", "state department", False),
])
def test_one_name_written_two_ways(a, b, same):
    assert same_entity(a, b) is same and same_entity(b, a) is same


def _statement(doc: str, text: str, actor: str, label: str) -> Statement:
    return Statement(f"{doc}:0", doc, 0, 0, len(text), text, entities=(Entity(0, len(actor), actor, label, actor.lower()),),
                     roles=(("offer", "subject", actor.lower()),), predicates=("offer",))


def _pair(label_a: str, label_b: str, actor_a: str = "Egypt", actor_b: str = "Sisi") -> Pair:
    a = _statement("a", f"{actor_a} offered Abbas land in the Sinai.", actor_a, label_a)
    b = _statement("b", f"{actor_b} offered Abbas land in the Sinai.", actor_b, label_b)
    return Pair(a, b, make_doc("a", a.text), make_doc("b", b.text), Alignment(a.id, b.id, 0.9, 0.9, 0.9, 0.0))


def test_a_country_for_its_leader_is_no_other_actor_when_asked():
    assert check(_pair("GPE", "PERSON"), EntityParams(same_kind_only=True)) == []
    assert [v.kind for v in check(_pair("GPE", "PERSON"), EntityParams())] == ["contradiction"]  # the default
    assert [v.kind for v in check(_pair("GPE", "ORG"), EntityParams(same_kind_only=True))] == ["contradiction"]


def test_two_actors_of_one_kind_or_of_an_unknown_kind_still_conflict():
    asked = EntityParams(same_kind_only=True)
    assert [v.kind for v in check(_pair("ORG", "ORG", "Baidu", "Tencent"), asked)] == ["contradiction"]
    # "PROPN" is the statements stage's label for a proper noun spaCy did not recognise: no kind at all
    assert [v.kind for v in check(_pair("PERSON", "PROPN", "Baidu", "Tencent"), asked)] == ["contradiction"]


def test_an_actor_who_did_it_too_is_one_more_not_another():
    """"Contoso also offered Abbas land" adds an actor to "Northwind offered Abbas land" (an ENT01 alarm on
    the bench corpus: "Salahuddin security commission also disclosed that ...")."""
    a = _statement("a", "Northwind offered Abbas land in the Sinai.", "Northwind", "ORG")
    also = _statement("b", "Contoso also offered Abbas land in the Sinai.", "Contoso", "ORG")
    pair = Pair(a, also, make_doc("a", a.text), make_doc("b", also.text), Alignment(a.id, also.id, 0.9, 0.9, 0.9, 0.0))
    assert check(pair, EntityParams()) == []
    assert [v.kind for v in check(_pair("ORG", "ORG", "Northwind", "Contoso"), EntityParams())] == ["contradiction"]


@pytest.mark.parametrize("text, places", [
    ("The Halvard Bureau monitors the communications of Velorian officials in the United States.", {"united states"}),
    ("The Korvish Agency monitors the communications of Velorian officials overseas.", {"overseas"}),
    # a place naming the actor, and a wire dateline, put the act nowhere
    ("BUENOS AIRES, Dec. 29 (UPI) -- Argentina's president adopted the boy as her godson.", set()),
])
def test_where_a_statement_puts_its_act(pipeline, text, places):
    from crosscheck.verdicts.rules.kinds.entity import _places

    s = pipeline.statements_of([make_doc("d", text)])[0]
    assert _places(s, set()) == places

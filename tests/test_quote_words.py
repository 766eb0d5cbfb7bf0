"""QUOTE01's reading of a quote's words: house spellings, editor's marks, one quote or two passages."""

import pytest

from crosscheck.verdicts.rules.kinds.quote import GAP, house_spelling, internal_changes, one_quote


@pytest.mark.parametrize("x, y", [("harbour", "harbor"), ("colours", "colors"), ("centre", "center"),
                                  ("realised", "realized"), ("organisation", "organization"),
                                  ("travelled", "traveled"), ("defence", "defense"), ("catalogue", "catalog")])
def test_british_and_american_spellings_are_one_word(x, y):
    assert house_spelling(x, y) and house_spelling(y, x)


@pytest.mark.parametrize("x, y", [("filled", "filed"), ("filling", "filing"), ("four", "for"), ("hours", "hors"),
                                  ("tourist", "torist"), ("confirm", "determine")])
def test_other_words_are_not_spellings_of_one_word(x, y):
    assert not house_spelling(x, y)


def test_an_editors_gap_stands_for_any_words_or_none():
    a = "is not taking patients at the clinic nor is he serving".split()
    assert internal_changes(a, "is not taking patients … nor is he serving".split()) == []
    assert internal_changes(a, "is not taking patients nor is he serving".split()) == ["'at the clinic' -> '(nothing)'"]
    assert internal_changes("have … settled it".split(), "have settled it".split()) == []
    assert GAP == "…"


def test_two_passages_of_one_speech_are_not_one_quote():
    long = ("rebels attacked the army post and killed my son in the fighting and i had no other option but to "
            "pick up a gun and i began shooting at the rebels").split()
    assert not one_quote(long, "i went to the army check post and began shooting back".split(), 0.7)
    # one word put in another's place keeps a short quote one quote; so does a long run word for word
    assert one_quote("called like 50 or 60 doctors".split(), "i called 53 or 60 doctors and no one would".split(), 0.7)
    assert one_quote("our prayers first and foremost are with his family".split(),
                     "our prayers first and foremost are with mr lane and mr lane's family".split(), 0.99)

"""Claims, not sentences: a sentence that coordinates two clauses with subjects of their own makes two
statements, each with its own span, and both can be corroborated (issue 17)."""

import pytest

from crosscheck.nouns import Story
from crosscheck.statements.extract import extract_statements
from tests.conftest import SOURCES, make_doc


def _claims(nlp, text: str) -> list:
    return extract_statements([make_doc("d", text)], nlp)


def test_two_claims_each_with_its_span_and_the_shared_subject(nlp):
    text = "Shoppers can pay with the app from June 1, and they can also track deliveries on the map."
    first, second = _claims(nlp, text)
    assert first.text == "Shoppers can pay with the app from June 1" and text[first.start:first.end] == first.text
    assert second.text == "they can also track deliveries on the map." and text[second.start:second.end] == second.text
    assert second.subject == "Shoppers" and "shopper" in second.lemmas  # "they" reads the sentence's subject
    assert second.embedding_text.startswith("Shoppers ")
    # the whole sentence stays at hand for the report
    assert first.before + first.text + first.after == text == second.before + second.text + second.after
    assert [d.value.month for d in first.dates] == [6] and not second.dates


def test_a_contrast_makes_two_claims(nlp):
    first, second = _claims(nlp, "Alibaba shares rose 5% in Hong Kong, while Tencent shares fell 2% on the same day.")
    assert first.text == "Alibaba shares rose 5% in Hong Kong"
    assert second.text.startswith("Tencent shares fell 2%") and second.predicates == ("fall",)


@pytest.mark.parametrize("text", [
    "Skyworth denied joining the Alibaba TV operating system.",  # one claim
    "Alibaba will invest 10 billion yuan and launch a new speaker this year.",  # one subject, two predicates
    "\u201cWe sold out in a day, and we will make more,\u201d the company said.",  # inside a quotation
    "The plant will close in May, and 300 workers will lose their jobs, officials said.",  # not the tail
    "He came, and it rained on the town all day long.",  # a part of fewer than four words
])
def test_what_stays_one_statement(nlp, text):
    assert [s.text for s in _claims(nlp, text)] == [text]


def test_a_real_sentence_of_the_sources_splits(nlp):
    doc = next(p for p in sorted(SOURCES.glob("*ducksell*")))
    from crosscheck.documents import load_documents

    docs, _ = load_documents([doc])
    texts = [s.text for s in extract_statements(docs, nlp)]
    assert "now Skyworth will also launch a new smart TV with Alibaba." in texts
    assert "Not long ago, iQiyi and TCL conducted cross-border cooperation" in texts


def test_every_claim_of_a_two_claim_sentence_is_corroborated(pipeline):
    a = make_doc("a1", "Shoppers can pay with the app from June 1, and they can also track deliveries on the map.",
                 outlet="One")
    b = make_doc("b1", "The app takes payments from June 1. The weather was mild in the city all week. "
                       "Deliveries can be tracked on a map.", outlet="Two")
    analysis = pipeline.analyse([a, b], stories=[Story("s", "t", ("a1", "b1"))])
    agreed = {tuple(sorted(r.text for r in f.statements)) for f in analysis.findings if f.kind == "agreement"}
    assert ("Shoppers can pay with the app from June 1", "The app takes payments from June 1.") in agreed
    assert ("Deliveries can be tracked on a map.", "they can also track deliveries on the map.") in agreed

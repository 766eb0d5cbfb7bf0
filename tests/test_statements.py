"""The statements stage on small texts written for the test, with the real spaCy pipeline."""

import datetime as dt

import pytest

from conftest import make_doc
from crosscheck.nouns import Span
from crosscheck.statements.entities import entity_key
from crosscheck.statements.extract import extract_statements, readable_paragraphs


def one(nlp, text, **kw):
    out = extract_statements([make_doc("d", text, **kw)], nlp)
    assert len(out) == 1, [s.text for s in out]
    return out[0]


def test_spans_point_into_the_document_text(nlp):
    text = "First paragraph says Alibaba unveiled a TV system.\n\n   Second one, indented, names Skyworth as a partner."
    doc = make_doc("d", text)
    stmts = extract_statements([doc], nlp)
    assert [doc.text[s.start:s.end] for s in stmts] == [s.text for s in stmts]
    assert stmts[1].text.startswith("Second one")


def test_boilerplate_paragraphs_are_never_read(nlp):
    text = "Alibaba unveiled a smart TV system on Tuesday.\n\nRelated: ten other stories you may like today."
    start = text.index("Related")
    doc = make_doc("d", text)
    from dataclasses import replace

    doc = replace(doc, boilerplate=(Span(start, len(text)),))
    assert [s.text for s in extract_statements([doc], nlp)] == ["Alibaba unveiled a smart TV system on Tuesday."]


def test_suppression_comment_is_not_read_as_text(nlp):
    text = "<!-- crosscheck-disable NUM01 -->\nAlibaba will invest 10 billion yuan this year."
    stmts = extract_statements([make_doc("d", text)], nlp)
    assert len(stmts) == 1 and "crosscheck" not in stmts[0].text and stmts[0].text.startswith("Alibaba")


def test_denial_verb_sets_polarity(nlp):
    s = one(nlp, "The TV maker Skyworth denied joining the Alibaba TV operating system.")
    assert s.polarity.denial and s.polarity.cue == "denied"
    assert "join" in s.predicates


@pytest.mark.parametrize("text", [
    "Shlomo and Nehama Tawil wrote to the president in 1993 asking for the honor and were denied.",  # passive
    "The mayor's request for more police was denied by the city council on Monday.",
    "Skyworth did not deny joining the Alibaba TV operating system.",  # the reverse of a denial
    "Skyworth no longer denies joining the Alibaba TV operating system.",
    "The spokesman neither confirmed nor denied the report on Monday.",  # no answer either way
    "All charges against the Halvorsen brothers were dismissed by the court in March.",  # a court's act
    "The charges were dropped by the prosecutors on Friday.",  # not a denial verb
])
def test_a_denial_verb_that_denies_nothing(nlp, text):
    assert not one(nlp, text).polarity.denial


@pytest.mark.parametrize("text, scope", [
    ("The charges were denied by his family on Tuesday.", "charge"),
    ("The reports were dismissed by the Zentrix spokesman as speculation.", "report"),
    ("Allegations of a cover-up have been firmly rejected by the Ministry of Ports.", "allegation"),
])
def test_a_claim_denied_in_the_passive_is_a_denial(nlp, text, scope):
    s = one(nlp, text)
    assert s.polarity.denial and s.polarity.scope == scope


@pytest.mark.parametrize("text, source", [
    ("The charges were denied by the Halvorsen family on Tuesday.", "halvorsen"),
    ("The plan was announced by Zentrix Motors on Monday.", "zentrix motors"),
])
def test_the_passive_agent_is_the_source(nlp, text, source):
    s = one(nlp, text)
    assert s.attribution is not None and source in s.attribution.source


@pytest.mark.parametrize("text", [
    "The minister was told that the bridge would close in May.",  # the listener
    "The charges were denied on Tuesday.",  # no one named: the charges are not the source
])
def test_a_passive_subject_is_no_source(nlp, text):
    s = one(nlp, text)
    assert s.attribution is None or s.attribution.source not in ("minister", "charge")


def test_negated_main_verb(nlp):
    s = one(nlp, "The regulator did not approve the merger of the two operators.")
    assert s.polarity.negated and not s.polarity.denial


@pytest.mark.parametrize("text, scope", [
    ("The hostages were left behind since neither country negotiates with kidnappers.", "negotiate"),
    ("Neither Apple nor Google commented on the report.", "comment"),
    ("The spokesman neither confirmed nor denied the report on Monday.", "confirm"),
])
def test_neither_negates_its_verb(nlp, text, scope):
    s = one(nlp, text)
    assert s.polarity.negated and s.polarity.cue.lower() == "neither" and s.polarity.scope == scope


@pytest.mark.parametrize("text", [
    "The president adopted a boy as her godson so that he would not turn into a werewolf.",
    "The council built a wall so that the river would not flood the town again.",
    "They left the house early in order not to miss the last train.",
    "The president adopted a young boy so he won't turn into a werewolf.",  # "so" alone, a modal
])
def test_a_negated_purpose_is_not_the_sentences_negation(nlp, text):
    assert not one(nlp, text).polarity.negated


def test_a_negation_beside_a_purpose_clause_still_counts(nlp):
    assert one(nlp, "The council did not build the wall so that the river could flood the meadows.").polarity.negated


def test_a_title_case_contraction_negates(nlp):
    # spaCy hangs this "n’t" on "Did" as punctuation, not as a negation of "Adopt"
    s = one(nlp, "Argentina's President Didn’t Adopt A Jewish Child To Avoid Becoming A Werewolf")
    assert s.polarity.negated and s.polarity.scope == "adopt" and s.polarity.cue == "n’t"


def test_no_longer_negates_its_verb(nlp):
    s = one(nlp, "Manson apparently got wind of the plan and now no longer wants to marry Burton.")
    assert s.polarity.negated and s.polarity.cue == "no longer" and s.polarity.scope == "want"
    assert s.text[s.polarity.start - s.start:s.polarity.end - s.start] == "no longer"


def test_affirmative_statement_has_no_polarity_cue(nlp):
    s = one(nlp, "Skyworth agreed to incorporate the operating system into its sets.")
    assert not s.polarity.negated and not s.polarity.denial


def test_attribution_according_to(nlp):
    s = one(nlp, "Smart speaker shipments in China will grow 9.8% in 2020, according to IDC.")
    assert s.attribution is not None and s.attribution.source == "idc"


def test_attribution_by_speech_verb_prefers_the_named_organisation(nlp):
    s = one(nlp, "Data from AVC shows that the penetration rate of smart TVs reached 46%.")
    assert s.attribution is not None and s.attribution.source == "avc"


def test_pronoun_subject_is_not_an_attribution(nlp):
    s = one(nlp, "It said the deal would close next month.")
    assert s.attribution is None


def test_attribution_carries_over_to_a_sentence_that_leans_on_it(nlp):
    text = "According to GfK, China has 44 percent penetration. Comparatively, the US is at 11 percent."
    stmts = extract_statements([make_doc("d", text)], nlp)
    assert [s.attribution.source for s in stmts] == ["gfk", "gfk"]


def test_modality(nlp):
    assert one(nlp, "Alibaba will release the box in June.").modality == "planned"
    assert one(nlp, "Alibaba plans to release the box in June.").modality == "planned"
    assert one(nlp, "Saudia is set to separate men and women on its flights.").modality == "planned"
    assert one(nlp, "The sun set to the west of the hills on Monday evening.").modality == "asserted"
    assert one(nlp, "Alibaba may release the box in June.").modality == "hedged"
    assert one(nlp, "Alibaba released the box in June.").modality == "asserted"


def test_money_is_normalised_with_a_frame(nlp):
    s = one(nlp, "Alibaba will invest RMB10bn (US$1.4bn) this year in Tmall Genie.")
    money = {(q.unit, q.value) for q in s.quantities if q.kind == "money"}
    assert money == {("CNY", 1e10), ("USD", 1.4e9)}
    assert any("invest" in q.frame for q in s.quantities)


def test_a_count_carries_the_names_on_what_it_counts(nlp):
    s = one(nlp, "Observers said Varn militants beheaded nine Kurdish fighters near the border.")
    (fighters,) = [q for q in s.quantities if q.unit == "fighter"]
    assert fighters.qualifiers == ("kurdish",)
    s = one(nlp, "The app now has 5 million daily active users.")
    assert [q.qualifiers for q in s.quantities] == [("daily",)]
    s = one(nlp, "Observers said militants beheaded nine fighters near the border.")
    assert [q.qualifiers for q in s.quantities] == [()]


def test_a_date_carries_the_named_place_of_its_verb(nlp):
    s = one(nlp, "The cadets arrived at Camp Edwards on Sept. 11 for a training exercise.",
            published=dt.date(2017, 9, 20))
    assert [(d.anchor, d.place) for d in s.dates] == [("arrive", "camp edwards")]
    s = one(nlp, "The cadets arrived on Sept. 11 for a training exercise.", published=dt.date(2017, 9, 20))
    assert [d.place for d in s.dates] == [""]


def test_relative_date_resolves_against_publication(nlp):
    s = one(nlp, "A media outlet published the letter yesterday.", published=dt.date(2013, 9, 10))
    assert [d.value for d in s.dates] == [dt.date(2013, 9, 9)]


def test_entities_include_names_the_small_model_misses(nlp):
    s = one(nlp, "Skyworth, Haier and Changhong will launch sets in the near future.")
    keys = {e.key for e in s.entities}
    assert {"skyworth", "haier", "changhong"} <= keys


def test_roles_name_who_did_what(nlp):
    s = one(nlp, "Baidu acquired the online video provider PPS for $370 million.")
    assert ("acquire", "subject", "baidu") in s.roles


def test_a_headline_description_names_no_actor(nlp):
    s = one(nlp, "Employer of 300,000 will separate its computer and printer business from its services arm")
    assert not [r for r in s.roles if r[1] == "subject"]
    assert ("deny", "subject", "skyworth") in one(nlp, "Skyworth denied joining the alliance.").roles


def test_contrast_opener(nlp):
    text = "Skyworth denied joining. However, Skyworth and Alibaba will release a TV together."
    stmts = extract_statements([make_doc("d", text)], nlp)
    assert [s.contrast for s in stmts] == [False, True]


def test_entity_key_normalises_company_names():
    assert entity_key("Alibaba Group Holding") == "alibaba"
    assert entity_key("Alibaba\u2019s") == "alibaba"
    assert entity_key("The Chinese government") == "chinese government"


def test_headline_repeated_in_the_body_is_skipped():
    doc = make_doc("d", "Big news today\n\nAlibaba unveiled a TV system.", title="Big news today")
    paragraphs = [doc.text[s:e] for s, e in readable_paragraphs(doc)]
    assert paragraphs == ["Alibaba unveiled a TV system."]


def test_an_article_that_is_its_headline_keeps_it():
    text = "The woman who reported adding a third breast was lying and the story is a hoax."
    doc = make_doc("d", text + "\n", title=text)
    assert [doc.text[s:e] for s, e in readable_paragraphs(doc)] == [text]


def test_long_paragraph_is_cut_at_sentence_ends_and_spans_stay_true(nlp):
    from crosscheck.statements.extract import MAX_SEGMENT_CHARS, _pieces

    sentence = "Alibaba will invest 10 billion yuan in Tmall Genie this year. "
    text = sentence * (MAX_SEGMENT_CHARS // len(sentence) * 3)
    pieces = list(_pieces(text, 0, len(text.rstrip())))
    assert len(pieces) >= 3 and all(e - s <= MAX_SEGMENT_CHARS for s, e in pieces)
    assert all(text[e - 1] == "." for s, e in pieces)
    doc = make_doc("d", text)
    stmts = extract_statements([doc], nlp)
    assert len(stmts) == text.count("Alibaba")
    assert all(doc.text[s.start:s.end] == s.text for s in stmts)


def test_each_document_is_handed_over_once_complete_in_order(nlp):
    docs = [make_doc(f"d{n}", "\n\n".join(f"Paragraph {k} of article {n} says prices rose {k} percent." for k in range(20)))
            for n in range(3)]
    heard = []
    out = extract_statements(docs, nlp, batch_size=4, each_document=lambda doc_id, got: heard.append((doc_id, list(got))))
    assert [doc_id for doc_id, _ in heard] == ["d0", "d1", "d2"]
    assert all(len(got) == 20 and {s.document for s in got} == {doc_id} for doc_id, got in heard)
    assert [s for _, got in heard for s in got] == out


def test_a_paragraph_reprinted_by_another_outlet_is_parsed_once(nlp):
    wire = "Alibaba will invest 10 billion yuan in the Tmall Genie unit over three years, the company said on Tuesday."
    own = "Analysts at IDC expect smart speaker shipments to grow next year."
    docs = [make_doc("a", f"{wire}\n\n{own}"), make_doc("b", wire, published=dt.date(2020, 6, 1))]
    parsed: list[str] = []
    real_pipe = nlp.pipe

    class Counting:  # the pipeline, recording what it is asked to parse
        def pipe(self, texts, **kw):
            for text in texts:
                parsed.append(text)
                yield from real_pipe([text], **kw)

    stmts = extract_statements(docs, Counting())
    assert parsed == [wire, own]  # the repeat in b was not parsed again
    a, b = [s for s in stmts if s.document == "a"][0], [s for s in stmts if s.document == "b"][0]
    assert (a.text, a.quantities, a.entities, a.lemmas) == (b.text, b.quantities, b.entities, b.lemmas)
    assert b.id == "b:0" and b.start == 0
    # the date is b's own: "Tuesday" resolves against each article's publication date
    tuesday = [[d.value for d in s.dates if d.text == "Tuesday"] for s in (a, b)]
    assert tuesday[0] and tuesday[1] and tuesday[0] != tuesday[1]
    assert [s for s in stmts if s.document == "b"] == extract_statements([docs[1]], nlp)  # as if b were parsed alone


_KEYS = ["alibaba", "alibaba tv", "alibaba group", "pps", "pps net tv", "china", "bank of china", "tv", "", "a  b",
         "a", "a b", "tmall genie", "tmall"]


def test_shared_names_is_same_name_against_every_key():
    """The set look-ups of shared_names give what comparing every key with every key gives."""
    import random

    from crosscheck.statements.entities import same_name, shared_names

    rng = random.Random(7)
    for _ in range(3000):
        a = set(rng.sample(_KEYS, rng.randint(0, 5)))
        b = set(rng.sample(_KEYS, rng.randint(0, 5)))
        assert shared_names(a, b) == {x for x in a if x in b or any(same_name(x, y) for y in b)}, (a, b)
    assert shared_names({"alibaba"}, {"alibaba tv"}) == {"alibaba"}
    assert shared_names({"alibaba tv"}, {"alibaba"}) == {"alibaba tv"}
    assert shared_names({"china"}, {"bank of china"}) == set()
    assert all(shared_names({k}, set()) == set() == shared_names(set(), {k}) for k in _KEYS)


@pytest.mark.parametrize("text, roles", [
    ("BUENOS AIRES, Argentina (JTA) \u2014 Argentina's president adopted a Jewish godson under an old law.", []),
    ("LONDON (Reuters) - Barclays fired its chief executive on Monday after a long review.",
     [("fire", "subject", "barclays")]),
])
def test_a_datelines_place_is_no_actor(nlp, text, roles):
    assert [r for r in one(nlp, text).roles if r[2] in ("buenos aires", "barclays", "london reuters barclays")] == roles


def test_a_purpose_cut_off_a_title_case_headline_is_no_negation(nlp):
    """spaCy cuts "... Adopts Young Boy so He Won't Turn Into Werewolf" in two; the second part is the purpose."""
    doc = make_doc("h", "Argentina's President Adopts Young Boy so He Won't Turn Into Werewolf")
    assert not any(s.polarity.negated for s in extract_statements([doc], nlp))


def test_a_negated_result_after_so_is_a_negation(nlp):
    doc = make_doc("r", "So the final was not played on Saturday, the league said.")
    assert any(s.polarity.negated for s in extract_statements([doc], nlp))


def test_each_date_knows_the_verb_it_dates(nlp):
    s = one(nlp, "A dog attacked a postman in Leeds on Saturday, the council said on Sunday.")
    assert {d.text: d.anchor for d in s.dates} == {"Saturday": "attack", "Sunday": "say"}
    s = one(nlp, "The Herald reports that the brewer will close its plant, which it bought in May.")
    assert [d.anchor for d in s.dates] == ["buy"]

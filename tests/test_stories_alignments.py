"""Stories and alignments on texts written for the test, with the real embedding model."""

import datetime as dt

from conftest import make_doc
from crosscheck.alignments import AlignParams, align_story, entity_overlap, lexical_overlap
from crosscheck.nouns import Story

TV_A = ("Alibaba unveils a smart TV operating system", "Alibaba unveiled a smart TV operating system and a set-top box "
        "on Tuesday. Skyworth and Haier agreed to put the system in their televisions. The box is called Wasu Rainbow.")
TV_B = ("Alibaba launches smart TV OS with Skyworth and Haier", "Alibaba launched a television operating system this "
        "week. TV makers Skyworth and Haier will ship sets running it. Wasu Media builds the Wasu Rainbow box.")
SPEAKER = ("Alibaba bets on Tmall Genie smart speakers", "Alibaba will invest 10 billion yuan in its Tmall Genie smart "
           "speaker this year. The speakers will let users order breakfast at KFC. IDC expects shipments to grow.")


def docs(dates=(dt.date(2013, 5, 28), dt.date(2013, 5, 29), dt.date(2013, 6, 2))):
    return [make_doc(f"d{i}", body, published=day, title=title)
            for i, ((title, body), day) in enumerate(zip((TV_A, TV_B, SPEAKER), dates))]


def test_same_story_grouped_and_same_company_other_story_kept_apart(pipeline):
    analysis = pipeline.analyse(docs())
    groups = sorted(sorted(s.documents) for s in analysis.stories)
    assert groups == [["d0", "d1"], ["d2"]]


def test_articles_years_apart_are_never_one_story(pipeline):
    analysis = pipeline.analyse(docs(dates=(dt.date(2013, 5, 28), dt.date(2016, 5, 29), dt.date(2013, 6, 2))))
    assert all(len(s.documents) == 1 or set(s.documents) != {"d0", "d1"} for s in analysis.stories)


def test_alignment_pairs_the_sentences_that_say_the_same_thing(pipeline):
    analysis = pipeline.analyse(docs()[:2], stories=[Story("s", "t", ("d0", "d1"))])
    by_id = {s.id: s for s in analysis.statements}
    best = {}
    for al in analysis.alignments:
        a, b = by_id[al.a], by_id[al.b]
        if a.document != b.document:
            best.setdefault(a.index, (al.score, b.index))
            best[a.index] = max(best[a.index], (al.score, b.index))
    assert best[0][1] == 0  # unveiled the OS ~ launched the OS
    assert best[1][1] == 1  # Skyworth and Haier agreed ~ will ship sets
    assert all(0 <= al.score <= 1.0001 for al in analysis.alignments)


def test_unrelated_sentences_are_not_aligned(pipeline):
    d = [make_doc("x", "The central bank raised interest rates by half a point."),
         make_doc("y", "The striker scored twice in the second half of the final.")]
    analysis = pipeline.analyse(d, stories=[Story("s", "t", ("x", "y"))])
    assert [al for al in analysis.alignments if al.a.split(":")[0] != al.b.split(":")[0]] == []


def test_lexical_and_entity_overlap(nlp):
    from crosscheck.statements.extract import extract_statements

    a, b = extract_statements([make_doc("a", "Baidu bought PPS for $370 million."),
                               make_doc("b", "Baidu acquired PPS for US$370 million.")], nlp)
    assert entity_overlap(a, b) > 0.5
    assert 0.5 < lexical_overlap(a, b) <= 1.0


def test_align_params_default_weights_sum_to_one():
    p = AlignParams()
    assert abs(p.cosine_weight + p.lexical_weight + p.entity_weight - 1.0) < 1e-9


def test_names_every_article_shares_still_count_in_a_small_input():
    """Two articles about the same people: with an unsmoothed idf their shared names weighed nothing."""
    from crosscheck.nouns import Entity, Statement
    from crosscheck.stories import name_vectors

    docs = [make_doc("n1", "x"), make_doc("n2", "y")]
    ents = (Entity(0, 5, "Kei Nishikori", "PERSON", "kei nishikori"), Entity(6, 9, "Forbes", "ORG", "forbes"))
    st = [Statement("n1:0", "n1", 0, 0, 1, "x", entities=ents), Statement("n2:0", "n2", 0, 0, 1, "y", entities=ents[:1])]
    a, b = name_vectors(docs, st)
    shared = sum(w * b.get(k, 0.0) for k, w in a.items())
    assert shared > 0.5 and a["kei nishikori"] < a["forbes"]  # shared, and rarer names weigh more


def test_articles_sharing_a_claim_are_one_story_and_a_look_alike_is_not(pipeline):
    """A refuting article opens elsewhere ("a story started spreading...") but repeats the claim it refutes;
    another bear story of the same region shares headline words and names but no claim. The closest
    sentence pairs (``claim_similarity``) tell them apart where headline, mean content and names did not."""
    from crosscheck.stories import StoryParams, group_stories

    told = make_doc("a", "A fisherman in Siberia says a ringing phone scared off a brown bear that attacked him on "
                    "Monday. Igor Petrov, 41, was walking to a lake when the bear knocked him down. His phone rang "
                    "with a pop song and the animal ran into the forest. Doctors in Yakutsk treated him for cuts to "
                    "his back.", title="Ringtone scares off bear in Siberia")
    refuted = make_doc("b", "Just after noon on Tuesday, a story started spreading across entertainment websites. "
                       "In the span of an hour it appeared on a dozen sites, each copying the last. The story claims "
                       "a ringing phone scared off a brown bear that attacked a fisherman in Siberia. None of the "
                       "sites called the police in Yakutsk, who say they have no record of any attack.",
                       title="How a viral story spreads without a single check")
    other = make_doc("c", "A brown bear walked into a supermarket in a Siberian town on Monday and ate a display of "
                     "honey. Shoppers filmed the animal before rangers led it back into the forest. No one was hurt, "
                     "and the shop reopened an hour later.", title="Bear raids supermarket in Siberia")
    docs = [told, refuted, other]
    statements = pipeline.statements_of(docs)
    encoded = pipeline.encoder.encode(pipeline.encoding_texts(docs, statements, with_headlines=True))
    vectors, headlines = encoded[:len(statements)], encoded[len(statements):]

    def grouped(params: StoryParams) -> set[tuple[str, ...]]:
        return {s.documents for s in group_stories(docs, statements, vectors, headlines, params)}

    assert grouped(StoryParams()) == {("a", "b"), ("c",)}
    # the blend without the closest pairs grouped the look-alike and left the refutation alone
    without = StoryParams(threshold=0.3, headline_weight=0.5, content_weight=0.3, name_weight=0.2, claim_weight=0.0,
                          claims_weight=0.0)
    assert grouped(without) != {("a", "b"), ("c",)}

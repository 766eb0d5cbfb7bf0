"""POL02 (kind debunk): an outlet that calls the story false against one that reports it as true."""

import pytest

from crosscheck.verdicts.rules.kinds.debunk import _doubts, debunk_cues
from crosscheck.nouns import Span, Story
from tests.conftest import make_doc


def _cues(text: str) -> list[str]:
    return [text[a:b] for a, b in debunk_cues(text)]


@pytest.mark.parametrize("text, expected", [
    ("The aerial picture of the crab was photoshopped.", ["photoshopped"]),
    ("Snopes says the story is a hoax and the video is fake.", ["hoax", "fake"]),
    ("There is no evidence that the spider laid eggs.", ["no evidence"]),
    ("The airline termed the reports false and misleading.", ["false"]),
    ("The fake photo spread fast.", ["fake"]),
    ("The report isn't true, the ministry said.", ["isn't true"]),
    ("It's internet gold! Also, as it turns out, not even remotely true.", ["not even remotely true"]),
    ("The wedding never happened, her agent said.", ["never happened"]),
    ("Police said the attack did not happen.", ["did not happen"]),
    ("It is not true that nothing happened.", ["not true"]),
    # a doubt raised is not a judgement made: a question, "whether", "could", "if"
    ("Did a woman claiming to have a third breast play a hoax on us?", []),
    ("Readers are asked to judge whether the picture shows a giant crab or is just an elaborate hoax.", []),
    ("If it is a hoax, it is a good one. The picture is fake.", ["fake"]),
    ("The photo could be fake, an expert said.", []),
    ("In May the story was called a hoax.", ["hoax"]),
    ("She says her third breast is no hoax.", []),  # a negated cue affirms
    ("He insists the video is not fake at all.", []),
    ("Surgeons made a pocket for the false breast.", []),  # a thing, not the story
    ("Russia feeds false information into monitored channels.", []),
    ("Emmental is made up of 45% fat.", []),
    ("The quote was made up by the website.", ["made up"]),
    ("Sources said the mayor had made up her mind to close the pier.", []),  # an idiom
    # a view reported, not the outlet's: "some assert", "others argue"; "probably" judges (a refuting outlet's
    # "It's probably not true" in the stories set)
    ("While some assert it is a playful hoax, others believe it is a real monster.", []),
    ("Others argue that the shadow is a sandbank, or simply a hoax.", []),
    ("It's probably not true, the council said.", ["not true"]),
    # what could be done, someone else's claim, a rumour named: no judgement (FNC-1 fold 0, "discuss" bodies)
    ("He said the image of the giant crab can be quite easily recreated in Photoshop.", []),
    ("We can now reveal that the photo was faked.", ["faked"]),
    ("Police said rumors that officers had used rubber bullets were totally untrue.", ["untrue"]),
    ("Alisha Hessler Hoax Rumors Swirl", []),
    ("Police dismissed the false rumors about the mayor.", ["false"]),  # "false rumors" judges
    # "fake news" as a name for the press, not a verdict on the story
    ("Whenever you see the words 'sources say' in the fake news media, it is made up.", ["made up"]),
    ("The ministry called the story fake news.", ["fake"]),
    ("The fake news site Hip-Hop Hangover posted a story alleging the charges.", ["fake"]),  # judged by its source
    # hoaxes named as a kind, not this story judged (20 POL02 alarms on the bench corpus from one reprinted body)
    ("It has also been the subject of several online hoaxes and conspiracy theories.", []),
    ("Among previous hoaxes were a yarn about welfare recipients getting free cars.", []),
    ("The giant crab photo is one of the biggest hoaxes of the year.", ["hoaxes"]),
])
def test_debunk_cues(text, expected):
    assert _cues(text) == expected


def test_a_doubt_counts_as_doubt_for_the_other_article():
    """An article that asks whether the story is a hoax does not report it as true: hedged cues count there."""
    text = "Did the woman play a hoax on us?"
    assert debunk_cues(text) == [] and [text[a:b] for a, b in debunk_cues(text, hedged=True)] == ["hoax"]


def test_a_rumour_of_a_hoax_is_a_doubt_not_a_judgement():
    text = "Alisha Hessler Hoax Rumors Swirl"
    assert debunk_cues(text) == [] and [text[a:b] for a, b in debunk_cues(text, hedged=True)] == ["Hoax"]


def test_a_cue_in_web_page_debris_does_not_count():
    text = "A giant crab was seen off Whitstable. Related: Ten hoaxes that fooled the internet."
    start = text.index("Related")
    clean = make_doc("d1", text)
    debris = make_doc("d2", text)
    debris = type(debris)(**{**debris.__dict__, "boilerplate": (Span(start, len(text)),)})
    assert _doubts(clean, ()) and not _doubts(debris, ())


def _findings(pipeline, a_text: str, b_text: str):
    from crosscheck.verdicts.rules.engine import run_rules

    docs = [make_doc("a1", a_text, outlet="Daily One"), make_doc("b1", b_text, outlet="Weekly Two")]
    story = Story("s", "t", ("a1", "b1"))
    analysis = pipeline.analyse(docs, stories=[story])
    return [f for f in run_rules(pipeline.rules, [story], list(analysis.documents), list(analysis.statements),
                                 list(analysis.alignments), analysis.judgements) if f.rule == "POL02"]


def test_one_finding_per_debunking_statement_and_outlet(pipeline):
    found = _findings(pipeline,
                      "An aerial photo shows a giant crab 50 feet long off the coast of Whitstable. "
                      "The giant crab off Whitstable was photographed from the air by a drone. "
                      "The 50-foot crab was seen lurking in the harbour at Whitstable.",
                      "The aerial photo of the 50-foot giant crab off Whitstable is a hoax, experts say.")
    assert len(found) == 1
    f = found[0]
    assert f.kind == "contradiction" and f.level == "warning"
    assert f.message.startswith("Disputed: Weekly Two") and "«hoax»" in f.message and "Daily One" in f.message
    cue_side = next(r for r in f.statements if r.highlights)
    assert cue_side.document == "b1" and cue_side.text[cue_side.highlights[0].start:].startswith("hoax")


def test_no_dispute_when_both_outlets_doubt_the_story(pipeline):
    found = _findings(pipeline,
                      "An aerial photo shows a giant crab 50 feet long off Whitstable, but it may be fake.",
                      "The aerial photo of the 50-foot giant crab off Whitstable is a hoax, experts say.")
    assert found == []


def test_no_dispute_when_the_other_outlet_denies_the_story_in_its_own_words(pipeline):
    # both outlets side against the rumour: one calls it fake, the other denies it with no debunking word
    claim = "Reports on Sunday said the actress Dana Hill had sent a cryptic tweet about her former co-star."
    debunk = "The fake Dana Hill tweet about her former co-star fooled several outlets."
    assert len(_findings(pipeline, claim, debunk)) == 1  # the claim alone is reported as true: disputed
    denial = "Dana Hill did not send a cryptic tweet about her former co-star."
    assert _findings(pipeline, f"{claim} {denial}", debunk) == []


@pytest.mark.parametrize("denial", [
    "No ban on mixed seating at Harbor Air",  # a headline with no verb that opens with its negation
    "Harbor Air's ban on mixed seating does not exist, the airline says",  # what is said, not the saying
])
def test_a_denial_in_a_headline_sides_with_the_debunk(pipeline, denial):
    debunk = "Harbor Air's spokesman called the reports of a ban on mixed seating false and misleading."
    claim = "Harbor Air will ban mixed seating on all its flights from next month, a newspaper reported."
    assert len(_findings(pipeline, claim, debunk)) == 1  # a claim reported as true: disputed
    assert _findings(pipeline, denial, debunk) == []


def test_bad_case_parameters_name_the_file_and_the_key(tmp_path, pipeline):
    from crosscheck.errors import RuleFileError
    from crosscheck.verdicts.rules.cases import run_case_files

    path = tmp_path / "POL02.cases.yml"
    path.write_text("rule: POL02\ncases:\n  - name: bad\n    a: one sentence here.\n    b: another one here.\n"
                    "    expect: none\n    parameters: {min_alignment: high}\n")
    with pytest.raises(RuleFileError) as err:
        run_case_files([path], pipeline)
    assert err.value.code == "E222" and "POL02.cases.yml" in str(err.value) and "min_alignment" in str(err.value)


def test_a_refutation_that_names_nothing_meets_the_other_articles_lead(pipeline):
    # "The report is fiction" aligns with no sentence of the article it refutes: it is paired with its lead
    found = _findings_with_claim_pairs(
        pipeline,
        "Illegal loggers in the Amazon have cut down the world's oldest tree by mistake. "
        "The giant Samauma tree was estimated to be over 5,800 years old. Experts are devastated.",
        "Circulating social media posts tell of a loss in Peru. The report is fiction, and the site that "
        "published it calls itself satirical.")
    assert len(found) == 1 and found[0].kind == "contradiction"
    refuting, lead = sorted(found[0].statements, key=lambda r: r.document == "a1")
    # the sentence makes two claims; the second calls the site satirical, and the report shows the whole sentence
    assert "satirical" in refuting.text and "fiction" in refuting.before
    assert lead.document == "a1" and "oldest tree" in lead.text


def test_a_bare_verdict_judges_the_story_just_told(pipeline):
    # a whole sentence with no name and next to no words ("not even remotely true") judges what came before
    found = _findings_with_claim_pairs(
        pipeline,
        "The mayor of Bruges adopted a stray cat to keep the city's canals free of ghosts, aides said.",
        "You have probably read that a Belgian mayor took in a cat to chase away the ghosts of the canals. "
        "Also, as it turns out, not even remotely true.")
    assert len(found) == 1 and found[0].kind == "contradiction"
    assert any("not even remotely true" in ref.text for ref in found[0].statements)


def test_a_clause_that_calls_something_else_untrue_is_no_verdict_on_the_story(pipeline):
    found = _findings_with_claim_pairs(
        pipeline,
        "The mayor of Bruges adopted a stray cat to keep the city's canals free of ghosts, aides said.",
        "The mayor spoke about his childhood. People say it gets better, but that isn't true in my case.")
    assert found == []


def test_a_refutation_with_particulars_of_its_own_meets_no_lead(pipeline):
    found = _findings_with_claim_pairs(
        pipeline,
        "Hong Kong protesters raised their hands in the Ferguson gesture on Saturday night.",
        "The police said rumours that officers had fired rubber bullets at the crowd near the government "
        "offices in Admiralty on Sunday morning were totally untrue.")
    assert found == []


def _findings_with_claim_pairs(pipeline, a_text: str, b_text: str):
    docs = [make_doc("a1", a_text, outlet="Daily One"), make_doc("b1", b_text, outlet="Weekly Two")]
    analysis = pipeline.analyse(docs, stories=[Story("s", "t", ("a1", "b1"))])
    return [f for f in analysis.findings if f.rule == "POL02"]


def test_a_debunk_findings_score_is_its_measured_precision_not_the_combiners(pipeline):
    from crosscheck.verdicts.rules.kinds.debunk import MEASURED_PRECISION

    assert pipeline.combiner is not None  # the default run scores findings with the combiner ...
    found = _findings_with_claim_pairs(
        pipeline,
        "An aerial photo shows a giant crab 50 feet long off the coast of Whitstable.",
        "The aerial photo of the 50-foot giant crab off Whitstable is a hoax, experts say.")
    assert [f.score for f in found] == [MEASURED_PRECISION]  # ... but not POL02's, which it never saw


def test_a_named_partys_refutation_is_a_discrepancy_in_the_partys_name(pipeline):
    from crosscheck.verdicts.rules.kinds.debunk import NAMED_PARTY_PRECISION

    found = _findings_with_claim_pairs(
        pipeline,
        "Police in Hong Kong fired rubber bullets at the protesters in Admiralty on Sunday night.",
        "Police spokesman John Tse said reports that officers fired rubber bullets at the protesters in Admiralty "
        "on Sunday night were untrue.")
    assert [f.kind for f in found] == ["discrepancy"] and found[0].level == "warning"
    assert found[0].message.startswith("Disputed: John Tse, as Weekly Two (") and "reports, calls it «untrue»" in found[0].message
    assert found[0].score == NAMED_PARTY_PRECISION


@pytest.mark.parametrize("text, reported", [
    ("Circulating 'news' report claims that illegal loggers have cut down the oldest tree.", True),
    ("According to a report that is circulating via social media, loggers cut down the tree.", True),
    ("Reports claim the singer was arrested.", True),
    ("On Saturday, numerous websites such as X17Online claimed the actress had posted a tweet.", True),
    ("The company reported that sales rose.", False),  # a named party's report is its claim
    ("According to the Daily Mail, the woman has three breasts.", False),
    ("The report said the plane landed.", False),
    # a headline labelled a report
    ("Report: Apple Plans to Phase Out Beats Music Brand", True),
    ("Israeli report: Sisi offered Abbas a Palestinian state in Sinai", True),
    ("Apple to shut down Beats Music: Report", True),
    ("Apple plans to phase out the Beats Music brand", False),
    ("Reporters: the crowd left at noon", False),
])
def test_a_claim_in_the_mouth_of_an_unnamed_report(text, reported):
    from crosscheck.statements.cues import reports_a_claim

    assert reports_a_claim(text) is reported


@pytest.mark.parametrize("text, hedged", [
    ("A massage therapist claims to have undergone surgery to obtain a third breast.", True),
    ("There is no way to confirm if the implant is real.", True),
    ("The video could not be independently verified by Reuters.", True),
    ("The unconfirmed report spread on Twitter.", True),
    ("If true, the move would be a change from May, when Apple praised Beats Music.", True),  # a report on condition
    ("If the rumors are true, Apple is killing Beats Music.", True),
    ("If Apple closes Beats Music, its 300 staff will move to iTunes.", False),  # a condition, not a report doubted
    ("A massage therapist underwent surgery to obtain a third breast.", False),
    ("The company claimed that sales rose.", False),  # a named party's claim stays a report
    ("Police confirmed the arrest on Sunday.", False),
])
def test_a_claim_the_outlet_does_not_stand_behind(text, hedged):
    from crosscheck.nouns import Statement
    from crosscheck.statements.cues import asks_or_hedges

    assert asks_or_hedges(Statement("d:0", "d", 0, 0, len(text), text)) is hedged


@pytest.mark.parametrize("text, cue", [
    ("Woman with three breasts 'was a fake who has tricked people online before'", "fake"),  # a person a fake
    ("Woman who claimed to have a third breast exposed as hoaxer", "hoaxer"),
    ("Fox News floats BS story about fleeing Marines", "bs"),
])
def test_a_person_called_a_fake_or_a_hoaxer(text, cue):
    found = debunk_cues(text)
    assert [text[a:b].lower() for a, b in found] == [cue]


def test_bs_is_a_cue_only_before_a_story():
    assert debunk_cues("She has a BS in biology from Stanford.") == []


@pytest.mark.parametrize("text", ["In 2013, a groom was jailed after staging a bomb hoax on his wedding day.",
                                  "Police received hoax calls all night."])
def test_a_hoax_as_a_crime_is_no_verdict_on_the_story(text):
    assert debunk_cues(text) == []


def test_a_verbless_denial_after_the_first_sentence_sides_with_the_debunk(pipeline):
    # the negation's offsets are the document's: a denial that is not the article's first sentence counts too
    debunk = "Harbor Air's spokesman called the reports of a ban on mixed seating false and misleading."
    denial = "Harbor Air flies seaplanes between Vancouver and Victoria. No ban on mixed seating at Harbor Air."
    assert _findings(pipeline, denial, debunk) == []

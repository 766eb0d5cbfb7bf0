"""Web-page debris is marked as whole paragraphs, and story paragraphs never are."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.documents.boilerplate import find_boilerplate, find_suppressions, paragraphs
from crosscheck.nouns import Span

STORY = [
    "The city council of Harborview approved a budget of 48 million euros for the new river bridge on Monday, "
    "ending a dispute over the crossing that lasted more than two years.",
    "Mayor Ines Valdez said construction of the bridge would start in March and take about three years, "
    "with the budget covering design, steel and the removal of the old ferry pier.",
    "Opposition members had argued the council should repair the existing crossing instead, saying a new "
    "bridge would cost the city twice as much over its lifetime.",
    "The regional transport agency expects about 30,000 vehicles a day to use the bridge once it opens, "
    "according to a study the council published in April.",
]


def article(*extra: str, story: list[str] = STORY) -> str:
    return "\n\n".join([*story, *extra]) + "\n"


def marked(text: str, title: str = "") -> list[str]:
    """The text of every paragraph inside a boilerplate span."""
    spans = find_boilerplate(text, title)
    return [p.text for p in paragraphs(text) if any(s.start <= p.start and p.end <= s.end for s in spans)]


def test_a_plain_story_has_no_boilerplate():
    assert find_boilerplate(article()) == ()


def test_navigation_lines_are_debris():
    text = article("<< Flooding closes the coastal road for a week", ">> Schools reopen after the storm",
                   "Previous: Port workers vote on new contract", "Next: Museum extends opening hours")
    assert marked(text) == ["<< Flooding closes the coastal road for a week", ">> Schools reopen after the storm",
                            "Previous: Port workers vote on new contract", "Next: Museum extends opening hours"]


def test_comment_prompts_and_share_buttons_are_debris():
    assert marked(article("Leave a comment")) == ["Leave a comment"]
    assert marked(article("View 12 comments")) == ["View 12 comments"]
    assert marked(article("Share this article")) == ["Share this article"]


def test_inline_link_out_between_story_paragraphs_is_debris():
    story = [*STORY[:2], "Read more: Harborview ferry service to end next year", *STORY[2:]]
    text = "\n".join(story) + "\n"  # one paragraph per line, no blank lines
    assert marked(text) == ["Read more: Harborview ferry service to end next year"]
    # the same link set in brackets (an inline "related" box), whose headline calls something a lie
    boxed = "[ Related: Ferry Operator Says Safety Report Is A Complete Lie! ]"
    text = "\n".join([*STORY[:2], boxed, *STORY[2:]]) + "\n"
    assert marked(text) == [boxed]


def test_credit_lines_and_lone_end_markers_are_debris():
    text = article("Photo: Harborview city press office", "Reporting by Ana Ruiz; editing by Tom Berg", "(END)")
    assert marked(text) == ["Photo: Harborview city press office", "Reporting by Ana Ruiz; editing by Tom Berg",
                            "(END)"]
    assert marked(article("Adapted from the Harbor Gazette; additional reporting by our staff")) == [
        "Adapted from the Harbor Gazette; additional reporting by our staff"]


SCRIPT = ("var twitterVia = 'MailOnline'; DM.has('shareLinkTop', 'shareLinks', { 'id': '2716479', 'title': "
          "'Fisherman saved from bear attack by Justin Bieber ringtone', 'isChannel': false });")


def test_page_script_is_debris():
    assert marked(article(SCRIPT)) == [SCRIPT]
    assert marked(article("brightcove.createExperiences();")) == ["brightcove.createExperiences();"]


def test_a_style_sheet_captured_with_the_page_is_debris():
    css = "@media only screen and (min-width : 500px) {.promo-box { display: none; }}"
    assert marked(article(css)) == [css]


DEBRIS_LINES = {
    "follow and contact lines": ("Follow me on Twitter @harborreporter",
                                 "Like Us On Facebook |   Follow Us On Twitter |   Contact The Author",
                                 "Write to Ana Ruiz at ana.ruiz@harborgazette.example and Tom Berg at "
                                 "tom.berg@harborgazette.example",
                                 "ana.ruiz@harborgazette.example Follow on Twitter @anaruiz"),
    "links to other stories": ("MORE: Flooding closes the coastal road for a week",
                               "(MORE: Schools reopen after the storm)"),
    "prompts to comment or click": ("What do you make of the bridge vote? Sound off in the comments below.",
                                    "Have something to add to this story? Share it in the comments.",
                                    "To read the mayor's statement in full, CLICK HERE.",
                                    "Read more in the full article here."),
    "what embedded posts leave behind": (
        "\u2014 Ines Valdez (@inesvaldez) March 3, 2015",
        "\u00e2\u20ac\u201d Tom Berg (@tomberg) March 4, 2015",  # the dash mis-decoded, as scraped pages have it
        "A photo posted by Harbor Gazette (@harborgazette) on Nov 11, 2014 at 2:20pm PST",
        "Bridge vote ends two-year dispute\u2026 http://t.co/AbC123xyz via @HarborGazette"),
    "bracketed credits and helpline boxes": (
        "[Image via the council's photo stream]", "[Photo Credit: Jane Roe/Harbor Gazette]",
        "(Reporting by Ana Ruiz; Editing by Tom Berg)", "H/T Harbor Gazette / Photo via City Archive",
        "[Harbor Gazette via Coastal Wire]",
        "For confidential support on any issue call the helpline on 0800 000 000 or visit www.example.org"),
    "picture captions and agency credits": (
        "Getty   Ruined: the old ferry pier after the storm", "Reuters   Closed? The coastal road stays shut",
        "Mayor Ines Valdez at the bridge vote. Photo: Harbor Gazette", "Harbor BridgePhoto: City Archive",
        "The ferry at dawn (Picture: Facebook/Harbor Ferries)", "via Harbor Gazette",
        "[h/t Coastal Wire] [Image via the council's photo stream]"),
    "embedded posts and their links": (
        "The bridge is finally happening! http://t.co/AbC123xyz pic.twitter.com/XyZ987abc",
        "Ferry queue at 6am again: http://t.co/QwE456rty",
        "Follow Ana Ruiz (@anaruiz) on Twitter"),
    "a page's own furniture": ("Scroll down for video", "ON A MOBILE DEVICE? Click here to watch the vote",
                               "Sorry we are not currently accepting comments on this article.",
                               "Comments are closed.", "The Associated Press contributed to this report."),
    "calls to readers and keyword clouds": (
        "Did the storm flood your street? Email newsdesk@harborgazette.example with your pictures",
        "Watch the latest video at video.harborgazette.example",
        "4. Why The Old Ferry Pier Is Sinking\nferry, ferry pier, harbor, harbor bridge, bridge vote, storm, "
        "storm damage, coastal road, council"),
}


@pytest.mark.parametrize("kind", sorted(DEBRIS_LINES))
def test_page_furniture_around_the_story_is_debris(kind):
    lines = DEBRIS_LINES[kind]
    assert marked(article(*lines)) == list(lines)
    for line in lines:  # and each by its own wording, alone between two paragraphs of the story
        assert marked(article(story=[*STORY[:2], line, *STORY[2:]])) == [line], line


def test_story_sentences_about_comments_following_and_support_stay_story():
    lines = ("The council did not return a request for comment on the new figures, a spokesman said on Monday.",
             "Valdez urged residents to follow the council on Twitter, where it posts the weekly works schedule.",
             "For confidential support, the council said, the families could contact a caseworker at the town hall "
             "office, which reopens on Friday after the flood repairs are finished.",
             "Photographs of the bridge design were shown at the meeting and drew applause from the public gallery.",
             "More than 200 residents wrote to the council before the vote, and most of them backed the bridge.",
             "Read the council's own figures and the bridge looks cheaper than the ferry it replaces, Valdez said.",
             # a list of names, a picture and a tweet the story talks about, a photo agency in a sentence
             "The bidders were Harbor Ferries, Coastal Wire, Bay Lines, Pier Group, Tide Co, Gull Transport, "
             "North Quay, Dock Works and Mariner Holdings.",
             "The picture, which Valdez posted on Twitter on Monday, shows the pier's broken piles at low tide.",
             "Getty Images, which owns the photograph, said it had not been altered before it was published.",
             "Valdez wrote via her office that the bridge would open in June, two months later than planned.",
             # the words of furniture inside story sentences
             "Residents had to scroll down for several pages of the council's website to find the bridge budget.",
             "The council said it was not accepting comments on the design after Friday, when the consultation ends.",
             "Harbor Ferries, which contributed to the study, said the ferry would run until the bridge opens.")
    assert marked(article(*lines)) == []


def test_prose_about_code_is_story():
    # one sign of code (a call) is not enough; news about software writes such things
    text = article("Engineers said the function that crashed the trading system was called only once on Monday.",
                   "The app calls window.open() when a reader taps the link, the company's engineers said.")
    assert find_boilerplate(text) == ()


def test_script_inside_a_story_paragraph_is_no_claim(nlp):
    from conftest import make_doc
    from crosscheck.statements.extract import extract_statements

    text = f"{STORY[0]} {STORY[1]} {SCRIPT}"  # one paragraph: the page's script after the story's sentences
    texts = [s.text for s in extract_statements([make_doc("d", text)], nlp)]
    assert len(texts) == 2 and not any("twitterVia" in t for t in texts)
    assert texts[1].startswith("Mayor Ines Valdez")


def test_a_sentence_that_starts_like_a_credit_is_story():
    text = article("Research by the transport agency found that ferry use fell by a third in five years.")
    assert marked(text) == []


def test_a_headed_list_of_related_headlines_is_debris():
    items = ["Related stories", "Storm damage bill tops 3 million", "Council elections set for autumn",
             "Why the old ferry pier is sinking"]
    assert marked(article(*items)) == items


def test_teaser_pairs_are_debris_even_without_a_heading():
    items = ["Rail strike called off", "Union leaders agreed late on Sunday to a new offer from the ope...",
             "Harbor fish market to move", "The century-old market will leave the waterfront for a new hal…"]
    assert marked(article(*items)) == items


def test_a_plain_bulleted_list_of_facts_is_story():
    facts = "- 48 million euros for the bridge\n- construction from March\n- about 30,000 vehicles a day"
    assert marked(article(facts)) == []
    assert marked(article("- first figure\n- second figure\n- third figure")) == []


def test_a_hard_wrapped_paragraph_is_one_paragraph():
    wrapped = ("The council also voted to rename the square next to the\n"
               "old ferry pier after the town's first harbor master, a\n"
               "proposal that passed with a large majority.")
    text = article(wrapped)
    assert wrapped in [p.text for p in paragraphs(text)]
    assert marked(text) == []


def test_an_author_bio_at_the_end_is_debris():
    bio = ("Marta Kowalski is a freelance writer based in Lisbon. She has won two regional press awards "
           "for her reporting on migration and was named young columnist of the year in 2019.")
    assert marked(article(bio)) == [bio]


def test_a_bio_followed_by_more_debris_is_still_found():
    bio = ("Peter Lund has written for magazines in five countries and is the author of two books "
           "about mountain villages. Follow him on social media.")
    text = article(bio, "Next: Hospital wing opens", "Leave a reply")
    assert marked(text) == [bio, "Next: Hospital wing opens", "Leave a reply"]


def test_a_last_paragraph_about_the_story_is_not_a_bio():
    last = ("Valdez, who has won two elections on a promise to fix the crossing, said the bridge budget "
            "would be reviewed by the council every year until the river crossing opens.")
    assert marked(article(last)) == []


def test_a_last_paragraph_with_new_vocabulary_but_no_bio_cues_is_story():
    last = ("Separately, regional lawmakers are expected to sign off a national rail investment plan "
            "this week that includes high-speed lines and automated freight depots.")
    assert marked(article(last)) == []


def test_everything_short_after_a_strong_end_marker_is_debris():
    end = STORY[-1] + " (End)"
    text = article("Subscribe for updates", "Trending", "Ice cream sales soar", story=[*STORY[:-1], end])
    assert marked(text) == ["Subscribe for updates", "Trending", "Ice cream sales soar"]


def test_story_after_an_end_marker_keeps_the_tail():
    end = STORY[1] + " (End)"
    text = article(story=[STORY[0], end, *STORY[2:]])
    assert marked(text) == []


def test_spans_are_whole_paragraphs_trimmed():
    text = article("   Leave a comment   ")
    (span,) = find_boilerplate(text)
    assert text[span.start:span.end] == "Leave a comment"


def test_suppression_comment_applies_to_the_next_paragraph():
    text = "First paragraph here.\n\n<!-- crosscheck-disable numbers.mismatch dates -->\nSecond paragraph.\n"
    start = text.index("Second")
    span = Span(start, start + len("Second paragraph."))
    assert find_suppressions(text) == ((span, "numbers.mismatch"), (span, "dates"))


def test_suppression_without_ids_means_all_and_trailing_comment_is_ignored():
    text = "<!-- crosscheck-disable -->\n\nOnly paragraph.\n\n<!-- crosscheck-disable x -->\n"
    start = text.index("Only")
    assert find_suppressions(text) == ((Span(start, start + len("Only paragraph.")), "all"),)


def test_suppression_comments_are_not_boilerplate():
    text = article("<!-- crosscheck-disable all -->")
    assert find_boilerplate(text) == ()


_LINES = st.sampled_from(["", " ", "Show Comments", "<< back", "Read this: a headline", "Photo: x", "(End)",
                          "Recommend", "Short headline here", "A teaser that stops...", STORY[0], STORY[1],
                          "- bullet", "<!-- crosscheck-disable a b -->", "he has won awards. She is a writer.",
                          "\u00a0\u00a0indented line", "word"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=80)), max_size=25), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_spans_are_within_the_text_ordered_and_disjoint(lines, sep):
    text = sep.join(lines)
    spans = find_boilerplate(text)
    previous_end = 0
    for span in spans:
        assert 0 <= previous_end <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip() == text[span.start:span.end]
        previous_end = span.end
    for span, rule in find_suppressions(text):
        assert 0 <= span.start < span.end <= len(text) and rule

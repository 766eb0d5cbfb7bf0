"""Web-page debris in an article's text: paragraphs that must never become claims.

Text captured from the web carries the page around the story: related-headline lists,
previous/next links, comment prompts, link-outs, credit lines and the author's bio. Reading
them as claims produces nonsense findings, but rewriting the text would break every offset.
So we only *mark* them, as spans of whole paragraphs.

Structure and position come first, because they generalise across sites: runs of short lines
without sentence punctuation are link lists, teasers are cut off with an ellipsis, a bio sits
at the end and shares few words with the story, and after an end-of-article marker only
debris follows. A small set of cue patterns (``Previous:``, ``Show comments``, ``Read more:``,
``Photo:``, "Follow us on Twitter", "Share it in the comments", an embedded tweet's signature line, a
helpline box, a style sheet...) comes second. Nothing here is specific to one site or one article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crosscheck.nouns import Span

# --- shape ------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
_CLOSERS = "\"'\u201d\u2019)]}\u00bb*_ "
_TERMINAL = ".!?\u3002\uff01\uff1f"
_END_MARK = re.compile(r"(?:\(\s*ends?\s*\)|\[\s*ends?\s*\]|[-\u2013\u2014]+\s*(?:ends?|30)\s*[-\u2013\u2014]+"
                       r"|#{3,}|\*{3,})\s*$", re.I)
_MARKDOWN_LEAD = re.compile(r"^(?:#{1,6}\s+|[-*+\u2022]\s+|\d{1,3}[.)]\s+)")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]\s+|\d{1,3}[.)]\s+)")
_LINK = re.compile(r"\]\(|https?://|www\.", re.I)
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*")
_SUPPRESS = re.compile(r"\s*<!--\s*crosscheck-disable\b(.*?)-->\s*", re.S)

# a line ending in one of these runs on into the next line (hard-wrapped prose)
_JOINING_WORDS = frozenset("""a an the of to in on at for from by with and or but nor as that which who whom
whose its their his her our your is are was were be been has have had will would can could said says than
into onto over under about after before between per via""".split())

MAX_ITEM_WORDS = 18  # a headline in a link list
MAX_ITEM_CHARS = 160
MAX_TEASER_WORDS = 40
MAX_BIO_PARAGRAPHS = 3
MIN_NEWS_WORDS = 8  # a paragraph shorter than this, or without a full stop, is not story text

# --- cues -------------------------------------------------------------------------------------

_NAV = re.compile(r"^(?:<<|>>|\u00ab|\u00bb|\u2039|\u203a|\u2190|\u2192)"
                  r"|^(?:previous|prev|next|older|newer)(?:\s+(?:article|story|post|page|entry|item))?"
                  r"\s*[:\uff1a|>\u00bb\u203a]", re.I)
_COMMENTS = re.compile(r"(?:(?:show|view|load|hide|see|read)(?:\s+all)?(?:\s+\d+)?\s+comments?"
                       r"|leave\s+a\s+(?:comment|reply)|post\s+a\s+comment|add\s+(?:a|your)\s+comment"
                       r"|join\s+the\s+(?:conversation|discussion)|\d+\s+comments?|comments?(?:\s*\(\d+\))?"
                       r"|no\s+comments(?:\s+yet)?|be\s+the\s+first\s+to\s+comment"
                       # "Sorry we are not currently accepting comments on this article.", "Comments are closed."
                       r"|(?:sorry,?\s+)?(?:we\s+are\s+|we['\u2019]re\s+)?not\s+(?:currently\s+)?accepting\s+comments"
                       r"(?:\s+on\s+this\s+(?:article|story|post|page))?|comments\s+(?:are|have\s+been)\s+(?:closed|disabled))"
                       r"\s*[.!:]?", re.I)
_LIST_HEAD = re.compile(r"(?:recommend(?:ed)?(?:\s+(?:for\s+you|reading|articles?|stories|posts|news|videos?))?"
                        r"|related(?:\s+(?:articles?|stories|posts|news|content|reading|coverage|links|topics))?"
                        r"|read\s+more|more\s+(?:from|on|in|about)\s+.{1,40}"
                        r"|more\s+(?:stories|news|articles|like\s+this)"
                        r"|you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)"
                        r"|(?:most\s+)?(?:popular|read|viewed|shared)"
                        r"(?:\s+(?:now|today|stories|articles|this\s+week))?"
                        r"|trending(?:\s+(?:now|stories|today))?|further\s+reading|see\s+also"
                        r"|latest(?:\s+(?:news|stories|articles|posts))?|top\s+stories|editor['\u2019]?s?\s+picks?"
                        r"|hot\s+(?:news|topics|articles)|what\s+to\s+read\s+next|up\s+next)\s*[:\uff1a]?", re.I)
# "[ Related: City Council Approves New Budget ]": a link set in brackets between two paragraphs of the story
_LINKOUT = re.compile(r"^[\[(]?\s*(?:read\s+(?:this|more|also|next)|also\s+read|see\s+also|related|recommended|more"
                      r"|more\s+from\s+[^:\uff1a]{1,40}|further\s+reading|you\s+(?:may|might)\s+also\s+like"
                      r"|don['\u2019]t\s+miss|must\s+read|watch|listen|click\s+here|learn\s+more)"
                      r"\s*[:\uff1a|>\u00bb]\s*\S", re.I)
_CREDIT = re.compile(r"^[\[(]?\s*(?:(?:top\s+|main\s+|header\s+|cover\s+|file\s+|featured\s+)?"
                     r"(?:photos?|images?|pictures?|pics?|graphics?|illustrations?|videos?|screenshots?)"
                     r"(?:\s+credits?)?\s*(?:[:\uff1a|]|via\b|by\b|courtesy\b)"
                     r"|(?:credits?|sources?|via)\s*[:\uff1a]|sourced\s+from\b|adapted\s+from\b|courtesy\s+of\b"
                     r"|(?:additional\s+)?(?:reporting|writing|editing)\s+by\b"
                     r"|copyright\s*(?:\u00a9|\(c\)|\d{4})|\u00a9)"
                     r"|\b(?:additional|extra)\s+(?:content|reporting|writing|research)\s+by\b|all\s+rights\s+reserved"
                     r"|\bcontributed\s+to\s+this\s+(?:report|story|article)\.?$"  # "The Associated Press contributed ..."
                     r"|^\[?h/t\b|^\[[^\[\]\n]{1,60}\s+via\s+[^\[\]\n]{1,60}\]$"
                     r"|^via\s+[^\n.!?:]{1,40}$"  # "via Daily Mail"
                     r"|(?:photo|image|picture)s?\s*:\s*[^\n:.!?]{1,30}$"  # "Lisa BonetPhoto: WireImage"
                     # a picture agency's caption, set off by wide spaces: "Getty   Murderer: The lonely owl ..."
                     r"|^(?:getty(?:\s+images)?|afp|reuters|ap|pa|epa|rex(?:\s+features)?|shutterstock"
                     r"|splash(?:\s+news)?|corbis|alamy|wireimage)\s{2,}\S",
                     re.I)
_END_ALONE = re.compile(r"[(\[]?\s*(?:ends?|the\s+end)\s*[)\]]?\.?|[-\u2013\u2014]+\s*(?:ends?|30)\s*[-\u2013\u2014]+"
                        r"|#{3,}|\*{3,}", re.I)
_SHARE = re.compile(r"(?:(?:share|tweet|email|e-mail|print|facebook|twitter|linkedin|whatsapp|reddit|pinterest"
                    r"|copy\s+link|save|subscribe|advertisement|advert|sponsored(?:\s+content)?)"
                    r"(?:\s*(?:this(?:\s+(?:article|story|post))?|on\s+\w+))?[\s|,/\u00b7\u2022]*)+", re.I)
_TAGS = re.compile(r"^(?:tags?|topics?|filed\s+under|categor(?:y|ies)|keywords?)\s*[:\uff1a]", re.I)
MIN_CLOUD_ITEMS = 8  # a line of this many short, comma-separated, mostly lower-case phrases is a keyword cloud
# "Follow us on Twitter", "Like Us On Facebook | Follow Us On Twitter | Contact The Author": each part of the
# paragraph asks the reader to follow, like or contact someone
_SOCIAL_PART = re.compile(r"\s*(?:(?:follow|like|join|find|friend|add)\s+"
                          r"(?:us|me|him|her|them|(?:[A-Z][\w'.-]*\s+){0,2}[A-Z][\w'.-]*(?:\s*\(@\w{1,30}\))?)\s+on\s+"
                          r"(?:twitter|facebook|instagram|tiktok|youtube|linkedin|pinterest|google\+?|snapchat|x)\b"
                          r"(?:\s*(?:at|:)?\s*@\w+)?|contact\s+the\s+(?:author|writer|editor|reporter)"
                          r"|(?:email|e-mail)\s+the\s+(?:author|writer|editor|reporter))\s*[.!]?\s*", re.I)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CONTACT = re.compile(rf"^(?:write\s+to\b[^\n]{{1,160}}\bat\s+{_EMAIL}|e-?mail\s+(?:us\s+at\s+)?{_EMAIL}"
                      rf"|{_EMAIL}\s+(?:follow|on\s+twitter)\b)", re.I)
# the reader asked to act: "Share it in the comments.", "Sound off in the comments below", "... CLICK HERE."
_PROMPT = re.compile(r"(?:\b(?:in|to)\s+the\s+comments?(?:\s+(?:below|section))?|\bcomments?\s+(?:below|section)"
                     r"|\bclick\s+(?:here|below|the\s+link)|\btap\s+here"
                     r"|^(?:read|see|watch|listen\s+to|find\s+out)\b[^\n]{0,60}\bhere)\s*[.!?:)]*$"
                     rf"|\b(?:e-?mail|write\s+to|send\s+\w+\s+to)\s+(?:us\s+(?:at\s+)?)?{_EMAIL}\s+with\s+your\b"
                     r"|^watch\s+(?:the\s+)?(?:latest\s+|full\s+)?videos?\s+(?:at|on)\b"
                     # a page's own furniture: "Scroll down for video", "ON A MOBILE DEVICE? ..."
                     r"|^scroll\s+down\s+(?:for|to\s+(?:see|watch|read))\b[^\n]{0,40}$"
                     r"|^(?:are\s+you\s+)?(?:reading\s+this\s+)?on\s+a\s+mobile(?:\s+(?:device|phone))?\s*\?", re.I)
# what an embedded post leaves behind: a tweet's signature line, an Instagram caption line, a shared link
_EMBED = re.compile(r"^(?:[\u2014\u2013-]|\u00e2\u20ac[\u201d\u201c])"  # a dash, or one mis-decoded ("â€”")
                    r"\s*[^\n]{0,80}\(@\w{1,30}\)\s+\w+\s+\d{1,2},\s+\d{4}\s*$"
                    r"|^an?\s+(?:photo|video|post)\s+(?:posted|shared)\s+by\b[^\n]{0,80}\(@\w{1,30}\)"
                    r"|https?://t\.co/\w+(?:\s+via\s+@\w+)?\s*$|\bpic\.twitter\.com/\w+", re.I)
# the boxed line under a story about suicide or abuse: where readers can find help
_HELPLINE = re.compile(r"^(?:for\s+(?:free\s+and\s+)?confidential\s+support"
                       r"|if\s+you\s+(?:or\s+someone\s+you\s+know\s+)?(?:are|is|have\s+been)\s+"
                       r"(?:affected|struggling|in\s+crisis)|if\s+you\s+need\s+(?:help|support|to\s+talk))"
                       r"\b[^\n]{0,200}\b(?:call|phone|text|visit|contact)\b", re.I)
_HELPLINE_CONTACT = re.compile(r"\d[\d \-]{5,}\d|www\.|https?://|\.(?:org|com|net)\b", re.I)  # a number or an address

# about the author: third person and career vocabulary (one cue is not enough without low overlap)
_BIO_CUES = (
    re.compile(r"\b(?:he|she|they)\s+(?:has|have|had)\s+(?:also\s+)?(?:won|written|worked|covered|reported"
               r"|contributed|authored|published|received|been\s+(?:a|an|named|awarded))\b", re.I),
    re.compile(r"\b(?:is|was)\s+(?:(?:a|an|the|our)\s+)?(?:[\w,.\-]+\s+){0,5}?(?:writer|author|journalist|reporter"
               r"|correspondent|editor|columnist|contributor|blogger|commentator|freelancer|media\s+person)s?\b",
               re.I),
    re.compile(r"\b(?:winner|recipient|laureate)s?\s+of\b|\bawards?\b|\bprizes?\b|\bhonou?rs?\b", re.I),
    re.compile(r"\b(?:author|writer|creator|journalist|reporter|blogger|columnist|person)\s+of\s+the\s+year\b", re.I),
    re.compile(r"\b(?:follow|reach|contact|email)\s+(?:him|her|them|me)\b|(?<!\w)@\w{2,}", re.I),
    re.compile(r"\b(?:his|her|their)\s+(?:work|writing|articles|books?|columns?|reporting|stories)\b", re.I),
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# signs of script or markup captured with the page ("var twitterVia = 'MailOnline'; DM.has('shareLinkTop', ...")
_CODE_SIGNS = tuple(re.compile(x) for x in (
    r"\b(?:var|let|const)\s+[A-Za-z_$][\w$]*\s*=",  # a declaration
    r"\bfunction\s*[\w$]*\s*\(",  # a function
    r"\b[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\(",  # a method call
    r"['\"][\w-]+['\"]\s*:\s*(?:['\"]|true\b|false\b|null\b|\d|\{|\[)",  # an object's 'key': value
    r"\}\s*\)\s*;",  # "});"
    r"\)\s*;",  # a statement's end
    r"=>",
    r"</?(?:script|style|div|span|iframe)\b",
    r"@media\b",  # a style sheet's media query
    r"\{\s*[\w-]+\s*:\s*[^;{}]+;\s*\}",  # a style rule's declarations: "{ display: none; }"
    r"(?:^|[\s{}])[.#][A-Za-z_][\w-]*\s*\{",  # a class or id selector opening its rules: ".mobile {"
))

_STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my no nor not
now of off on once only or other our ours out over own same she should so some such than that the their theirs
them then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours many much new one two three said says say""".split())
_STEM_LENGTH = 6


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the text: a blank-line block, or one line of a block of separate lines."""

    start: int
    end: int
    text: str
    comment: bool = False  # an HTML comment on its own line


@dataclass(frozen=True)
class _Shape:
    words: int
    terminal: bool  # ends like a sentence
    teaser: bool  # cut off with an ellipsis
    bullet: bool
    link: bool
    end_mark: bool  # ends with an end-of-article marker: "(End)", "-30-", "###"
    clean: str  # the text without Markdown markers, for the cue patterns


# --- segmentation -----------------------------------------------------------------------------


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of ``text`` in order, with offsets trimmed of surrounding whitespace."""
    out: list[Paragraph] = []
    for block in _blocks(text):
        for unit in _units(block):
            first, last = unit[0], unit[-1]
            start = first[0] + (len(first[1]) - len(first[1].lstrip()))
            end = last[0] + len(last[1].rstrip())
            out.append(Paragraph(start, end, text[start:end], bool(_HTML_COMMENT.fullmatch(first[1]))))
    return out


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines as (offset, line); an HTML comment line is a block of its own."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if not line.strip() or _HTML_COMMENT.fullmatch(line):
            if current:
                blocks.append(current)
            current = []
            if line.strip():
                blocks.append([(pos, line)])
        else:
            current.append((pos, line))
        pos += len(line) + 1
    if current:
        blocks.append(current)
    return blocks


def _units(block: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A hard-wrapped block is one paragraph; otherwise each line is, unless it clearly runs on."""
    if len(block) == 1:
        return [block]
    runs_on = [_runs_on(a[1], b[1]) for a, b in zip(block, block[1:])]
    if sum(runs_on) * 2 >= len(runs_on):
        return [block]
    units = [[block[0]]]
    for line, joined in zip(block[1:], runs_on):
        if joined and _starts_lower(line[1]):
            units[-1].append(line)
        else:
            units.append([line])
    return units


def _runs_on(line: str, following: str) -> bool:
    tail = line.rstrip()
    if not tail or tail[-1] in _TERMINAL + ":\u2026" or tail.rstrip(_CLOSERS)[-1:] in tuple(_TERMINAL):
        return False
    if _BULLET.match(following) or _HTML_COMMENT.fullmatch(following):
        return False
    if _starts_lower(following) or tail[-1] in ",;-\u2013\u2014(":
        return True
    last_word = tail.split()[-1].lower()
    return last_word in _JOINING_WORDS


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip()
    return bool(stripped) and (stripped[0].islower() or stripped[0].isdigit())


# --- features ---------------------------------------------------------------------------------


def _shape(p: Paragraph) -> _Shape:
    clean = _MARKDOWN_LEAD.sub("", p.text.strip()).strip().strip("*_").strip()
    mark = _END_MARK.search(clean[-40:])  # only the tail: searching whole paragraphs is slow
    body = clean[:len(clean) - len(clean[-40:]) + mark.start()].rstrip() if mark else clean
    tail = body.rstrip(_CLOSERS)
    teaser = tail.endswith(("...", "\u2026"))
    terminal = not teaser and tail[-1:] in tuple(_TERMINAL)
    return _Shape(words=len(_WORD.findall(clean)), terminal=terminal, teaser=teaser,
                  bullet=bool(_BULLET.match(p.text)), link=bool(_LINK.search(p.text)), end_mark=bool(mark),
                  clean=clean)


def _headline_like(s: _Shape) -> bool:
    """Short, and not ending like a sentence or a clause: a headline or a menu entry."""
    if not 1 <= s.words <= MAX_ITEM_WORDS or len(s.clean) > MAX_ITEM_CHARS or s.teaser:
        return False
    if s.terminal:
        return s.clean.rstrip(_CLOSERS)[-1:] in "?!" and s.words <= 14  # question headlines
    return s.clean.rstrip(_CLOSERS)[-1:] not in ",;:"


def _teaser(s: _Shape) -> bool:
    return s.teaser and s.words <= MAX_TEASER_WORDS


def _news_like(s: _Shape) -> bool:
    return (s.words >= MIN_NEWS_WORDS and s.terminal) or s.words >= 2 * MAX_ITEM_WORDS


def looks_like_code(text: str) -> bool:
    """Whether the text is script or markup, not prose: two or more different signs of code.

    On the 451 FNC-1 dev bodies and the sample sources, 3 of 5,475 paragraphs have two signs, all of
    them page script (one of them inside a paragraph of story text: the statements stage leaves out such
    sentences, this module the paragraphs that start as code)."""
    return sum(1 for sign in _CODE_SIGNS if sign.search(text)) >= 2


def _cue_kind(s: _Shape) -> str | None:
    """The debris kind a paragraph's own wording gives away, if any."""
    text = s.clean
    if looks_like_code(text[:80]):  # a paragraph that opens as code
        return "script"
    if _NAV.match(text):
        return "navigation"
    if _COMMENTS.fullmatch(text):
        return "comments"
    if _LIST_HEAD.fullmatch(text):
        return "list-heading"
    if _LINKOUT.match(text) and s.words <= 30:
        return "link-out"
    if s.words <= 40 and _CREDIT.search(text) and (_CREDIT.match(text) or not s.terminal or s.words <= 20):
        return "credit"
    if (_TAGS.match(text) and s.words <= 30) or any(_keyword_cloud(line) for line in text.split("\n")):
        return "tags"
    if text and _SHARE.fullmatch(text):
        return "share"
    if s.words <= 30 and (_social(text) or _CONTACT.match(text)):
        return "social"
    if s.words <= 20 and _PROMPT.search(text):
        return "prompt"
    if s.words <= 40 and _EMBED.search(text):
        return "embed"
    if s.words <= 60 and _HELPLINE.match(text) and _HELPLINE_CONTACT.search(text):
        return "helpline"
    if _END_ALONE.fullmatch(text):
        return "end-marker"
    return None


def _keyword_cloud(line: str) -> bool:
    """A line of search keywords under a teaser ("iphone, iphone 6, apple, apple keynote, iphone 6 event, ..."):
    many phrases of at most four words, mostly lower case, no "and", not ending like a sentence. A list of
    names in the story ("Skyworth, Haier, Changhong and TCL.") has capitals, an "and" and a full stop."""
    line = line.strip()
    items = [x.strip() for x in line.split(",")]
    if len(items) < MIN_CLOUD_ITEMS or line[-1:] in _TERMINAL or re.search(r"\band\b", line, re.I):
        return False
    if any(not x or len(x.split()) > 4 for x in items):
        return False
    return sum(x[0].islower() for x in items) * 2 > len(items)


def _social(text: str) -> bool:
    """Every part of the paragraph (split at | or bullets) asks the reader to follow or contact someone."""
    parts = [x for x in re.split(r"[|\u00b7\u2022]", text) if x.strip()]
    return bool(parts) and all(_SOCIAL_PART.fullmatch(x) for x in parts)


# --- the passes -------------------------------------------------------------------------------


def find_boilerplate(text: str, title: str = "") -> tuple[Span, ...]:
    """Spans (whole paragraphs, offsets into ``text``) of web-page debris, in order, never overlapping."""
    paras = [p for p in paragraphs(text) if not p.comment]
    shapes = [_shape(p) for p in paras]
    debris = {i for i, s in enumerate(shapes) if _cue_kind(s)}
    debris |= _link_lists(shapes, debris)
    debris |= _author_bios(paras, shapes, debris, title)
    debris |= _after_end(shapes, debris)
    return tuple(Span(paras[i].start, paras[i].end) for i in sorted(debris))


def _is_item(s: _Shape) -> bool:
    return _headline_like(s) or _teaser(s)


def _link_lists(shapes: Sequence[_Shape], debris: set[int]) -> set[int]:
    """Runs of headline-like lines and teasers: related-article lists, menus, tag clouds."""
    found: set[int] = set()
    last_news = max((i for i, s in enumerate(shapes) if _news_like(s) and i not in debris), default=-1)
    i = 0
    while i < len(shapes):
        if i in debris or not _is_item(shapes[i]):
            i += 1
            continue
        j = i
        while j < len(shapes) and j not in debris and _is_item(shapes[j]):
            j += 1
        run = range(i, j)
        headed = i > 0 and _cue_kind(shapes[i - 1]) == "list-heading"
        if _is_link_list(shapes, run, headed, in_tail=i > last_news):
            found.update(run)
        i = j
    return found


def _is_link_list(shapes: Sequence[_Shape], run: range, headed: bool, in_tail: bool) -> bool:
    items = [shapes[k] for k in run]
    if all(s.bullet and not s.link for s in items) and not headed:
        return False  # a plain bulleted list in the story is content ("- 8 million users")
    teasers = sum(_teaser(s) for s in items)
    return headed or len(items) >= 3 or (len(items) >= 2 and (teasers > 0 or in_tail))


def _author_bios(paras: Sequence[Paragraph], shapes: Sequence[_Shape], debris: set[int], title: str) -> set[int]:
    """Paragraphs at the very end (only debris after them) that are about the author, not the story.

    A bio shares few content words with the story and talks about a person's career; either
    signal alone is weak, both together at the end of the text are strong. After an explicit
    end-of-article marker ("(End)", "-30-"), one cue or a near-zero overlap is enough.
    """
    found: set[int] = set()
    ends_at = [i for i, s in enumerate(shapes) if s.end_mark]
    for i in reversed(range(len(paras))):
        if i in debris:
            continue
        if len(found) == MAX_BIO_PARAGRAPHS:
            break
        rest = [k for k in range(len(paras)) if k != i and k not in debris and k not in found]
        story = _content_stems(" ".join([title, *(paras[k].text for k in rest)]))
        if len(story) < 20 or not rest:
            break  # too little story to judge against
        if not _is_bio(paras[i].text, story, after_end=any(m < i for m in ends_at)):
            break
        found.add(i)
    return found


def _is_bio(text: str, story: set[str], after_end: bool) -> bool:
    own = _content_stems(text)
    if len(own) < 5:
        return False
    overlap = len(own & story) / len(own)
    cues = sum(1 for cue in _BIO_CUES if cue.search(text)) + (len(_YEAR.findall(text)) >= 3)
    if after_end:
        return overlap < 0.1 or (cues >= 1 and overlap < 0.5)
    return (cues >= 1 and overlap < 0.2) or (cues >= 2 and overlap < 0.5)


def _content_stems(text: str) -> set[str]:
    words = {w.replace("\u2019", "'") for w in _WORD.findall(text.lower())}
    return {_stem(w) for w in words if len(w) >= 3 and w not in _STOPWORDS and not w.isdigit()}


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    return word[:_STEM_LENGTH]


def _after_end(shapes: Sequence[_Shape], debris: set[int]) -> set[int]:
    """After a strong end-of-article marker, every short paragraph is debris if no story text follows."""
    last_story = max((k for k, s in enumerate(shapes) if k not in debris and _news_like(s)), default=-1)
    marker = next((i for i, s in enumerate(shapes) if i >= last_story and (
        s.end_mark or _cue_kind(s) in ("navigation", "comments", "list-heading"))), None)
    if marker is None:
        return set()
    return {k for k in range(marker + 1, len(shapes)) if k not in debris}


# --- suppressions -----------------------------------------------------------------------------


def find_suppressions(text: str) -> tuple[tuple[Span, str], ...]:
    """``<!-- crosscheck-disable RULE ... -->`` on its own line: those rules (or "all") off for the next paragraph."""
    paras = paragraphs(text)
    out: list[tuple[Span, str]] = []
    for i, p in enumerate(paras):
        marker = _SUPPRESS.fullmatch(p.text) if p.comment else None
        if marker is None:
            continue
        target = next((q for q in paras[i + 1:] if not q.comment), None)
        if target is None:
            continue
        ids = [x for x in re.split(r"[\s,]+", marker.group(1)) if x] or ["all"]
        out += [(Span(target.start, target.end), rule) for rule in dict.fromkeys(ids)]
    return tuple(out)

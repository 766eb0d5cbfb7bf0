"""Documents -> statements: sentences with spans and everything the rules compare.

spaCy gives sentences, entities, lemmas and the dependency parse; our own grammar
(``quantities``) normalises figures and ``dates`` resolves date expressions against each
article's publication date. Boilerplate paragraphs found by the documents stage are never read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from crosscheck.documents.boilerplate import looks_like_code
from crosscheck.nouns import Attribution, DateMention, Document, Entity, Polarity, Quantity, Span, Statement
from crosscheck.statements import lexicon as lx
from crosscheck.statements.dates import find_dates, resolve_date, resolve_past
from crosscheck.statements.entities import entity_key
from crosscheck.statements.quantities import parse_quantities

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_QUOTE = re.compile(r"\u201c[^\u201d]{3,}\u201d|\"[^\"]{3,}\"")
_MIN_WORDS = 3
_QUOTE_CHARS = frozenset('"\u201c\u201d')
DEFAULT_MAX_STATEMENTS = 5000
# paragraphs per spaCy batch: 64 parsed 2,817 distinct paragraphs of the bench corpus in 18.9 s against 22.3 s
# at 16 (one process, the same parses token for token); 256 was no faster
PARSE_BATCH = 64


def readable_paragraphs(doc: Document) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph outside boilerplate, trimmed of surrounding whitespace.

    A blank-line block is cut around boilerplate spans rather than dropped whole: articles
    written one paragraph per line have no blank lines at all.
    """
    skipped = sorted((s.start, s.end) for s in doc.boilerplate)
    pos = 0
    for m in [*_PARAGRAPH_BREAK.finditer(doc.text), None]:
        block_end = m.start() if m else len(doc.text)
        block_start = pos
        pos = m.end() if m else len(doc.text)
        for start, end in _outside(block_start, block_end, skipped):
            chunk = doc.text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            start, end = start + lead, start + len(chunk.rstrip())
            if end <= start:
                continue
            line = doc.text[start:end]
            if line.startswith("#") or _HTML_COMMENT.fullmatch(line):
                continue
            if doc.title and line.strip().lower() == doc.title.strip().lower() and doc.text[end:].strip():
                continue  # the headline repeated above the body (an article that is its headline keeps it)
            yield start, end


def _outside(start: int, end: int, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The parts of [start, end) that no span covers, in order."""
    cursor = start
    for s, e in spans:
        if e <= cursor or s >= end:
            continue
        if s > cursor:
            yield cursor, s
        cursor = max(cursor, e)
    if cursor < end:
        yield cursor, end


MAX_SEGMENT_CHARS = 3_000  # longer paragraphs are cut at sentence ends: spaCy's cost grows faster than linearly


def _pieces(text: str, start: int, end: int, limit: int = MAX_SEGMENT_CHARS) -> Iterator[tuple[int, int]]:
    """[start, end) cut into pieces of at most ``limit`` characters, at a sentence end where possible."""
    while end - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit - 1
        yield start, start + cut + 1
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def extract_statements(documents: Sequence[Document], nlp: "Language | None" = None, *,
                       max_per_document: int = DEFAULT_MAX_STATEMENTS, batch_size: int = PARSE_BATCH,
                       n_process: int = 1,
                       each_document: Callable[[str, Sequence[Statement]], None] | None = None) -> list[Statement]:
    """Every sentence of every document, in document order, as a Statement.

    ``each_document(id, statements)`` is called as soon as a document's statements are complete,
    while later documents are still being parsed (the pipeline starts encoding them meanwhile).
    """
    if nlp is None:
        from crosscheck.statements.nlp import load_nlp

        nlp = load_nlp()
    by_id = {d.id: d for d in documents}
    segments: list[tuple[str, tuple[str, int, int]]] = []
    for number, doc in enumerate(documents):
        for para_no, (start, end) in enumerate(readable_paragraphs(doc)):
            for piece_start, piece_end in _pieces(doc.text, start, end):
                segments.append((_blank_comments(doc.text[piece_start:piece_end]), (doc.id, piece_start, para_no)))
    out: list[Statement] = []
    counts: dict[str, int] = {}
    previous_attr: dict[tuple[str, int], Attribution] = {}
    previous: dict[str, Statement] = {}
    current, first = None, 0  # the document being parsed and the index in ``out`` of its first statement
    parsed = parse_once(nlp, [text for text, _ in segments], batch_size=batch_size, n_process=n_process)
    for sdoc, (doc_id, seg_start, para_no) in zip(parsed, (where for _, where in segments)):
        if doc_id != current:
            if current is not None and each_document is not None:
                each_document(current, out[first:])
            current, first = doc_id, len(out)
        doc = by_id[doc_id]
        for sent, subject, around in (claim for whole in sdoc.sents for claim in _claims(whole)):
            if counts.get(doc_id, 0) >= max_per_document:
                break
            words = [t for t in sent if t.is_alpha]
            if len(words) < _MIN_WORDS or looks_like_code(sent.text):
                continue  # too short to claim anything; page script inside a paragraph of story text
            index = counts.get(doc_id, 0)
            stmt = _statement(doc, sent, seg_start, index)
            if around is not None:  # one claim of a sentence that makes two: the rest of it, to show
                stmt = replace(stmt, before=doc.text[seg_start + around[0]:stmt.start],
                               after=doc.text[stmt.end:seg_start + around[1]])
            if subject:  # a claim whose subject is a pronoun reads the sentence's subject ("Shoppers ... they")
                stmt = replace(stmt, subject=subject.text, lemmas=tuple(dict.fromkeys(
                    stmt.lemmas + tuple(t.lemma_.lower() for t in subject if t.pos_ in lx.CONTENT_POS and t.is_alpha))))
            if stmt.attribution is None and (doc_id, para_no) in previous_attr and _continues(sent):
                inherited = previous_attr[(doc_id, para_no)]
                stmt = replace(stmt, attribution=Attribution(inherited.source, "(context)", named=inherited.named,
                                                                 name=inherited.name))
            elif stmt.attribution is not None:
                previous_attr[(doc_id, para_no)] = stmt.attribution
            if doc_id in previous and not subject and _leans_on_previous(sent):
                before = previous[doc_id]
                stmt = replace(stmt, context=before.text, lemmas=tuple(dict.fromkeys(stmt.lemmas + before.lemmas)))
            previous[doc_id] = stmt
            out.append(stmt)
            counts[doc_id] = index + 1
    if current is not None and each_document is not None:
        each_document(current, out[first:])
    return out


def parse_once(nlp: "Language", texts: Sequence[str], *, batch_size: int = PARSE_BATCH,
               n_process: int = 1) -> Iterator["SpacyDoc"]:
    """spaCy's Doc of each text, in order, parsing each distinct text once.

    Outlets reprint wire copy paragraph for paragraph, and the parse is most of a cold run's cost:
    a repeated paragraph reuses the Doc of its first occurrence (the same text gives the same parse;
    the statements read from it still get their own document, offsets and date). A Doc is kept
    only until its text's last occurrence, so memory holds the repeats still to come, not every Doc.
    """
    left = Counter(texts)
    fresh = nlp.pipe(iter(dict.fromkeys(texts)), batch_size=batch_size, n_process=n_process)
    kept: dict[str, "SpacyDoc"] = {}
    for text in texts:
        doc = kept[text] if text in kept else next(fresh)
        left[text] -= 1
        if left[text]:
            kept[text] = doc
        else:
            kept.pop(text, None)
        yield doc


_ANAPHORIC_OPENERS = frozenset({"it", "this", "these", "they", "that", "comparatively", "similarly", "meanwhile",
                                "also", "and", "its", "their", "such", "by"})


_ANAPHORS = frozenset({"these", "they", "this", "it", "those", "such", "he", "she", "both"})


_SUBJECTS = ("nsubj", "nsubjpass")
_CLAIM_MIN_WORDS = 4


def _claims(sent: "SpacySpan") -> list[tuple["SpacySpan", "SpacySpan | None", tuple[int, int] | None]]:
    """A sentence as the claims it makes: one, or two where the root verb coordinates a clause with a
    subject of its own ("Shoppers can pay with the app from June 1, and they can track deliveries") or
    a contrast ("A rose 5%, while B fell 2%"). Each claim is a span of the sentence; the second comes
    with the first's subject when its own is a pronoun. Conservative: no split inside a quotation, none
    where the clause is not the sentence's tail ("..., and it will B, officials said"), none leaving a
    part of fewer than four words. The third item: the sentence's character range (in the parsed segment)
    for a claim of a split sentence, else None."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or _QUOTE_CHARS.intersection(sent.text):
        return [(sent, None, None)]
    for clause in root.children:
        if clause.i <= root.i:
            continue
        subject = next((t for t in clause.children if t.dep_ in _SUBJECTS), None)
        marks = [t for t in clause.children if t.dep_ == "mark" and t.lower_ in ("while", "whereas")]
        if subject is None or not ((clause.dep_ == "conj" and clause.pos_ in ("VERB", "AUX"))
                                   or (clause.dep_ == "advcl" and marks)):
            continue
        cut = min([clause.left_edge.i, *(t.i for t in marks)])
        if any(t.is_alpha for t in sent.doc[clause.right_edge.i + 1:sent.end]):
            continue
        end = cut
        while end > sent.start and (sent.doc[end - 1].is_punct or sent.doc[end - 1].dep_ == "cc"):
            end -= 1
        start = max([cut - 1, *(t.i for t in marks)]) + 1  # the second claim without its "while"
        first, second = sent.doc[sent.start:end], sent.doc[start:sent.end]
        if min(sum(t.is_alpha for t in first), sum(t.is_alpha for t in second)) < _CLAIM_MIN_WORDS:
            continue
        own = next((t for t in root.children if t.dep_ in _SUBJECTS), None)
        carried = sent.doc[own.left_edge.i:own.right_edge.i + 1] if own is not None and subject.pos_ == "PRON" else None
        text = sent.text
        bounds = (sent.start_char + len(text) - len(text.lstrip()), sent.start_char + len(text.rstrip()))
        return [(first, None, bounds), (second, carried, bounds)]
    return [(sent, None, None)]


def _leans_on_previous(sent: "SpacySpan") -> bool:
    """The subject is a pronoun or demonstrative that points back ("These include Skyworth")."""
    first = next((t for t in sent if t.is_alpha), None)
    if first is None or first.lower_ not in _ANAPHORS:
        return False
    return first.dep_ in ("nsubj", "nsubjpass", "det") and (first.dep_ != "det" or first.head.dep_.startswith("nsubj"))


def _continues(sent: "SpacySpan") -> bool:
    """The sentence leans on the one before ("Comparatively, ...", "It is expected that ...")."""
    first = next((t for t in sent if t.is_alpha), None)
    return first is not None and first.lower_ in _ANAPHORIC_OPENERS


def _blank_comments(text: str) -> str:
    """HTML comments (suppression markers) become spaces: same length, offsets stay true."""
    return _HTML_COMMENT.sub(lambda m: " " * len(m.group()), text)


def _statement(doc: Document, sent: "SpacySpan", seg_start: int, index: int) -> Statement:
    raw = sent.text
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    start = seg_start + sent.start_char + lead
    base = seg_start  # offsets of tokens are relative to the segment
    quantities = tuple(_with_frame(q, sent, base) for q in parse_quantities(text, offset=start))
    return Statement(
        id=f"{doc.id}:{index}",
        document=doc.id,
        index=index,
        start=start,
        end=start + len(text),
        text=text,
        quantities=quantities,
        dates=tuple(_dates(sent, base, doc)),
        entities=tuple(_entities(sent, base)),
        polarity=_polarity(sent, base),
        attribution=_attribution(sent, base),
        modality=_modality(sent),
        lemmas=tuple(dict.fromkeys(t.lemma_.lower() for t in sent if t.pos_ in lx.CONTENT_POS and not t.is_stop
                                   and t.is_alpha)),
        predicates=tuple(dict.fromkeys(t.lemma_.lower() for t in _main_chain(sent) if t.pos_ in ("VERB", "AUX")
                                       and t.lemma_.lower() not in ("be", "have", "do", "will"))),
        quotes=tuple(Span(start + m.start(), start + m.end()) for m in _QUOTE.finditer(text)),
        contrast=_opens_with_contrast(sent),
        roles=tuple(_roles(sent)),
    )


def _main_chain(sent: "SpacySpan") -> list["Token"]:
    """The root and the verbs it directly governs as complements or conjuncts."""
    root = sent.root
    chain = [root]
    for child in root.children:
        if child.dep_ in ("xcomp", "ccomp", "conj", "advcl") and child.pos_ in ("VERB", "AUX") \
                and not _purpose(child):
            chain.append(child)
            chain.extend(g for g in child.children if g.dep_ in ("xcomp",) and g.pos_ == "VERB")
        elif child.dep_ == "acomp":  # "will be able to use", "is set to launch": the verb is under the adjective
            chain.extend(g for g in child.children if g.dep_ == "xcomp" and g.pos_ == "VERB")
    return chain


_MODALS = frozenset({"wo", "will", "would", "ca", "can", "could", "may", "might", "shall", "should"})


def _purpose(verb: "Token") -> bool:
    """A clause of purpose ("adopted him so that he would not turn into a werewolf", "... so he won't turn into
    a werewolf", "left early in order not to miss the train"): what someone meant to happen or avoid, not a
    claim that it did, so its negation is not the sentence's. Also such a clause cut off as a sentence of its
    own, as spaCy cuts a Title Case headline ("Argentina's President Adopts Young Boy | so He Won't Turn Into
    Werewolf"): a lower-case "so" opening it, a modal verb. A result ("..., so the final was not played") is
    a claim."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    modal = any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children)
    if verb.dep_ == "advcl" and ({"so", "that"} <= marks or "lest" in marks or (marks == {"so"} and modal)):
        return True
    if verb.dep_ == "ROOT" and modal and verb.sent[0].text == "so":
        return True
    before = [t.lower_ for t in verb.doc[max(verb.sent.start, verb.i - 4):verb.i]]
    return "order" in before and "in" in before


def _not_a_denial(verb: "Token") -> bool:
    """A denial verb that denies nothing: passive ("asked for the honor and were denied", "the request was
    denied by the council": something was refused) unless what it has for subject is a claim ("the charges
    were denied by his family", "the reports were dismissed": a denial in the passive), itself negated
    ("did not deny", "no longer denies": the reverse of a denial) or the second half of "neither confirmed
    nor denied" (no answer either way)."""
    if any(c.dep_ == "neg" or c.lower_ == "longer" for c in verb.children) or (
            verb.dep_ == "conj" and any(c.lower_ == "neither" for c in verb.head.children)):
        return True
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return not _claim_denied(verb)
    return False


def _claim_denied(verb: "Token") -> bool:
    """A passive denial verb whose subject is a claim: a report, an allegation, a rumour (or, for "deny",
    "refute", "dispute" and "rebut", a charge: charges are "dismissed" or "dropped" by a court, which is
    no one's denial)."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subject is None:
        return False
    noun = subject.lemma_.lower()
    return noun in lx.DENIABLE_NOUNS or (noun == "charge" and verb.lemma_.lower() in lx.DISPUTE_VERBS)


def _polarity(sent: "SpacySpan", base: int) -> Polarity:
    if _purpose(sent.root):
        return Polarity()
    chain = _main_chain(sent)
    chain_ids = {t.i for t in chain}
    for tok in chain:
        if tok.lemma_.lower() in lx.DENIAL_VERBS and tok.pos_ == "VERB" and not _not_a_denial(tok):
            comp = next((c for c in tok.children if c.dep_ in ("xcomp", "ccomp", "dobj", "nsubjpass")
                         and c.pos_ in ("VERB", "NOUN")), None)
            return Polarity(negated=False, denial=True, cue=tok.text, start=base + tok.idx,
                            end=base + tok.idx + len(tok), scope=comp.lemma_.lower() if comp is not None else "")
    for tok in sent:
        lower = tok.lower_
        if tok.dep_ == "neg" and tok.head.i in chain_ids and not _scopes_over_only(tok) and not _imperative(tok.head):
            return Polarity(negated=True, cue=tok.text, start=base + tok.idx, end=base + tok.idx + len(tok),
                            scope=tok.head.lemma_.lower())
        if lower == "no" and tok.head.lower_ == "longer" and tok.head.head.i in chain_ids:
            # "Manson now no longer wants to marry her": "no" hangs on "longer", "longer" on the verb
            return Polarity(negated=True, cue=f"{tok.text} {tok.head.text}", start=base + tok.idx,
                            end=base + tok.head.idx + len(tok.head), scope=tok.head.head.lemma_.lower())
        if lower in ("no", "never", "none", "nobody", "nothing", "neither") and (
            tok.head.i in chain_ids or tok.head.head.i in chain_ids and tok.head.dep_ in ("nsubj", "nsubjpass", "dobj")
        ):
            verb = tok.head if tok.head.i in chain_ids else tok.head.head
            return Polarity(negated=True, cue=tok.text, start=base + tok.idx, end=base + tok.idx + len(tok),
                            scope=verb.lemma_.lower())
        if lower in ("n't", "n\u2019t") and tok.dep_ != "neg" and tok.head.dep_ == "aux" and tok.head.head.i in chain_ids:
            # "President Didn\u2019t Adopt A Jewish Child": in a Title Case headline spaCy may hang the
            # contraction on its auxiliary as punctuation; it still negates the auxiliary's verb
            verb = tok.head.head
            return Polarity(negated=True, cue=tok.text, start=base + tok.idx, end=base + tok.idx + len(tok),
                            scope=verb.lemma_.lower())
    return Polarity()


def _imperative(verb: "Token") -> bool:
    """"..., don't make more trouble": an instruction with no subject, its "do" opening the clause. It
    tells someone what to do; it does not deny anything."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children):
        return False
    aux = next((c for c in verb.children if c.dep_ == "aux" and c.lemma_.lower() == "do" and c.i < verb.i), None)
    if aux is None:
        return False
    before = verb.doc[aux.i - 1] if aux.i > verb.sent.start else None
    return before is None or before.is_punct


def _scopes_over_only(neg: "Token") -> bool:
    """"not only X", "not the only X", "not just X": the claim is extended, not negated."""
    following = [t.lower_ for t in neg.doc[neg.i + 1:neg.i + 3]]
    return bool(following) and (following[0] in ("only", "just", "merely", "alone") or following[:2] == ["the", "only"])


def _modality(sent: "SpacySpan") -> str:
    chain = _main_chain(sent)
    for tok in chain:
        aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
        if aux & lx.HEDGE_AUX or any(c.lower_ in lx.HEDGE_ADVERBS for c in tok.children):
            return "hedged"
    for tok in chain:
        aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
        if aux & lx.FUTURE_AUX or tok.lemma_.lower() in lx.PLAN_VERBS:
            return "planned"
        if tok.lower_ == "going" and any(c.dep_ == "xcomp" for c in tok.children):
            return "planned"
        if tok.lemma_.lower() == "set" and any(c.dep_ == "xcomp" and c.pos_ == "VERB" for c in tok.children):
            return "planned"  # "Saudia is set to separate passengers", "Alibaba set to launch TV OS"
    return "asserted"


def _entities(sent: "SpacySpan", base: int) -> Iterator[Entity]:
    taken: set[int] = set()
    for ent in sent.ents:
        if ent.label_ in lx.ENTITY_LABELS:
            taken.update(range(ent.start, ent.end))
            for group in _split_coordination(list(ent)):
                text = sent.doc.text[group[0].idx:group[-1].idx + len(group[-1])]
                key = entity_key(text)
                if key:
                    yield Entity(base + group[0].idx, base + group[-1].idx + len(group[-1]), text, ent.label_, key)
    # the small model misses many names ("Skyworth"): proper-noun runs it did not label count too
    run: list["Token"] = []
    for tok in [*sent, None]:
        if tok is not None and (tok.pos_ == "PROPN" or _bare_capitalised(tok)) and tok.i not in taken and tok.is_alpha:
            run.append(tok)
            continue
        if run:
            first, last = run[0], run[-1]
            text = sent.doc.text[first.idx:last.idx + len(last)]
            key = entity_key(text)
            if key:
                yield Entity(base + first.idx, base + last.idx + len(last), text, "PROPN", key)
            run = []


def _bare_capitalised(tok: "Token") -> bool:
    """A capitalised singular noun without a determiner opening the sentence is a name.

    English singular count nouns need a determiner ("The regulator approved"), so "Skyworth
    denied" or "Tencent acquired" name someone even when the tagger calls the word a NOUN. A headline drops
    the determiner too, so a noun with an "of" after it describes ("Employer of 300,000 will separate its
    businesses", "Maker of the Galaxy phones ...") and names no one.
    """
    return (bool(tok.is_sent_start) and tok.is_title and tok.tag_ in ("NN", "NNP")
            and tok.dep_ in ("nsubj", "nsubjpass", "compound")
            and not any(c.dep_ in ("det", "poss") or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children)
            and not any(c.dep_ in ("det", "poss") for c in tok.head.children if tok.dep_ == "compound"))


def _split_coordination(tokens: list["Token"]) -> list[list["Token"]]:
    """"Alibaba and Skyworth Group" names two companies: split a name on 'and' and commas."""
    groups: list[list["Token"]] = [[]]
    for tok in tokens:
        if tok.lower_ in ("and", ","):
            groups.append([])
        else:
            groups[-1].append(tok)
    return [g for g in groups if g]


def _dates(sent: "SpacySpan", base: int, doc: Document) -> Iterator[DateMention]:
    """The sentence's dates, each with the verb it hangs from; not a wire dateline's ("BUENOS AIRES, Dec. 29 (UPI)
    --"), which dates the report as the publication date does, not anything the sentence says happened."""
    dateline = _DATELINE.match(sent.text)
    if dateline:
        cut = base + sent.start_char + dateline.end()
        yield from (d for d in _dates_in(sent, base, doc) if d.start >= cut)
    else:
        yield from _dates_in(sent, base, doc)


def _dates_in(sent: "SpacySpan", base: int, doc: Document) -> Iterator[DateMention]:
    found = False
    for ent in sent.ents:
        if ent.label_ == "DATE":
            since = ent.start > sent.start and sent.doc[ent.start - 1].lower_ == "since"
            value, granularity = (resolve_past if since else resolve_date)(ent.text, doc.published)
            found = True
            verb = _verb_above(ent.root)
            yield DateMention(base + ent.start_char, base + ent.end_char, ent.text, value, granularity,  # type: ignore[arg-type]
                              _anchor(verb), _place(verb))
    if not found:
        for m in find_dates(sent.text, doc.published, offset=base + sent.start_char):
            inside = _tokens_in(sent, base, m.start, m.end)
            verb = _verb_above(inside[-1]) if inside else None
            yield replace(m, anchor=_anchor(verb), place=_place(verb)) if inside else m


def _tokens_in(sent: "SpacySpan", base: int, start: int, end: int) -> list["Token"]:
    """The sentence's tokens that overlap the document range [start, end) (token offsets + ``base``)."""
    return [t for t in sent if base + t.idx < end and base + t.idx + len(t) > start]


def _verb_above(tok: "Token") -> "Token | None":
    """The verb a date hangs from: the first verb up its head chain (four steps at most); None if there is none."""
    for _ in range(4):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _anchor(verb: "Token | None") -> str:
    """The lemma of the verb a date hangs from ("" without one): which event the date dates."""
    return verb.lemma_.lower() if verb is not None else ""


_PLACE_PREPOSITIONS = frozenset({"at", "in", "to", "into", "from", "near", "outside", "inside"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG"})


def _place(verb: "Token | None") -> str:
    """The named place of the verb a date hangs from ("arrived at Camp Edwards on Sept. 11" -> "camp edwards"):
    a place, building or organisation named after one of its prepositions; "" when it has none."""
    if verb is None:
        return ""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in _PLACE_PREPOSITIONS:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj.ent_type_ in _PLACE_LABELS:
                ent = next((e for e in obj.doc.ents if e.start <= obj.i < e.end), None)
                if ent is not None:
                    return _strip_article(ent.text).lower()
    return ""


def _attribution(sent: "SpacySpan", base: int) -> Attribution | None:
    """Who the claim is sourced to. The innermost named source wins: in "According to the Post,
    research firm IDC has forecast that ...", the figure is IDC's."""
    said = None
    for tok in sent:
        if tok.lemma_.lower() in lx.SPEECH_VERBS and tok.pos_ == "VERB":
            subj = [c for c in tok.children if c.dep_ == "nsubj"] or _agent(tok)
            complement = any(c.dep_ in ("ccomp", "parataxis") for c in tok.children) or tok.dep_ in (
                "parataxis", "ROOT") and tok.i > sent.start + 2
            if subj and (complement or tok.dep_ in ("parataxis", "ROOT")):
                said = _attribution_from(subj[0], tok.text, base)
                if said:
                    break
    according = None
    for tok in sent:
        if tok.lower_ == "according":
            for to in tok.children:
                for obj in to.children:
                    if obj.dep_ == "pobj" and (found := _attribution_from(obj, "according to", base)):
                        according = according or found
    if said and according and said.start > according.start and said.named:
        return said
    return according or said


def _agent(verb: "Token") -> list["Token"]:
    """Who speaks in the passive: "The charges were denied by his family" is the family's word. The passive
    subject is what was said ("the charges"), or the listener ("he was told"), or the claim's subject ("he is
    said to have"), never the source."""
    return [obj for by in verb.children if by.dep_ == "agent" for obj in by.children if obj.dep_ == "pobj"]


def _attribution_from(head: "Token", cue: str, base: int) -> Attribution | None:
    """The source named by a phrase: its organisation or person if named, else the phrase itself."""
    if head.pos_ == "PRON" or head.lower_ in ("which", "who", "that"):
        return None
    # a relative clause describes the source and names others: "a nurse who treated the wounded in a hospital in
    # Deir-ez-Zour" is a nurse, not Deir-ez-Zour (QUOTE01 set her words against the same words of "the Mail")
    described = {t.i for c in head.children if c.dep_ == "relcl" for t in c.subtree}
    subtree = [t for t in head.subtree if t.i not in described]
    lo, hi = subtree[0].i, subtree[-1].i + 1
    doc = head.doc
    named = [e for e in doc.ents if e.start >= lo and e.end <= hi and e.label_ in ("ORG", "PERSON", "GPE", "NORP")
             and not any(t.i in described for t in e)]
    if named:
        rank = {"ORG": 0, "PERSON": 0, "NORP": 1, "GPE": 2}
        ent = min(named, key=lambda e: (rank[e.label_], not (e.start <= head.i < e.end), -(e.end - e.start)))
        return Attribution(entity_key(ent.text) or ent.text.lower(), cue, base + ent.start_char, base + ent.end_char,
                           named=True, name=_strip_article(ent.text))
    dated = {t.i for e in doc.ents if e.label_ in ("DATE", "TIME") for t in e}
    propn = [t for t in subtree if t.pos_ == "PROPN" and t.i not in dated]
    if propn:
        text = doc.text[propn[0].idx:propn[-1].idx + len(propn[-1])]
        return Attribution(entity_key(text) or text.lower(), cue, base + propn[0].idx,
                           base + propn[-1].idx + len(propn[-1]), named=True, name=text)
    words = [t for t in subtree if not t.is_stop and t.is_alpha and t.i not in dated and t.dep_ != "prep"
             and t.head.dep_ != "prep"]
    phrase = " ".join(t.lemma_.lower() for t in words) or head.lemma_.lower()
    return Attribution(phrase, cue, base + subtree[0].idx, base + subtree[-1].idx + len(subtree[-1]))


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _with_frame(q: Quantity, sent: "SpacySpan", base: int) -> Quantity:
    """Attach the lemmas of what the figure measures, read off the dependency parse."""
    toks = _tokens_in(sent, base, q.start, q.end)
    if not toks:
        return q
    inside = {t.i for t in toks}
    frame: list[str] = []
    seen: set[int] = set()
    for tok in toks:
        cur = tok
        for _ in range(4):
            nxt = cur.head
            if nxt.i == cur.i:
                break
            cur = nxt
            if cur.i in inside or cur.i in seen:
                continue
            seen.add(cur.i)
            if cur.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not cur.is_stop:
                frame.append(cur.lemma_.lower())
            for child in cur.children:
                if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "compound", "amod") and child.i not in inside \
                        and child.pos_ in ("NOUN", "PROPN") and child.i not in seen:
                    seen.add(child.i)
                    frame.append(child.lemma_.lower())
                    # "the market penetration rate": the modifiers say what the rate measures
                    frame.extend(g.lemma_.lower() for g in child.children
                                 if g.dep_ == "compound" and g.pos_ in ("NOUN", "PROPN") and g.i not in inside)
        # nouns the number itself governs ("8 million users", "44 percent penetration")
        for child in tok.children:
            if child.i not in inside and child.pos_ in ("NOUN", "PROPN") and child.i not in seen:
                seen.add(child.i)
                frame.append(child.lemma_.lower())
    return replace(q, frame=tuple(dict.fromkeys(frame)), qualifiers=_qualifiers(q, toks, inside))


_GROUP_ENTITIES = frozenset({"NORP", "ORG", "GPE", "PERSON", "PRODUCT"})


def _qualifiers(q: Quantity, toks: list["Token"], inside: set[int]) -> tuple[str, ...]:
    """The names on the noun a count counts ("100 ISIS fighters", "nine Kurdish fighters") and the window it is
    counted over ("5 million daily active users"): the noun the figure modifies, if it is the count's unit, and
    its name-like compound or adjective modifiers and window words."""
    if q.kind != "count" or not q.unit:
        return ()
    unit_words = {q.unit, "people"} if q.unit == "person" else {q.unit}
    out: list[str] = []
    for tok in toks:
        noun = tok.head
        if noun.i in inside or noun.pos_ not in ("NOUN", "PROPN") or noun.lemma_.lower() not in unit_words:
            continue
        out.extend(c.text.lower() for c in noun.children
                   if c.i not in inside and c.dep_ in ("compound", "amod") and c.i < noun.i
                   and (c.ent_type_ in _GROUP_ENTITIES or c.pos_ == "PROPN" or c.lower_ in lx.COUNT_WINDOWS))
    return tuple(dict.fromkeys(out))


_ROLE_DEPS = {"nsubj": "subject", "agent": "subject", "dobj": "object", "nsubjpass": "object"}


# a wire story's dateline: "BUENOS AIRES, Argentina (JTA) —", "BUENOS AIRES, Dec. 30 (UPI) --", "LONDON (Reuters) -"
_DATELINE = re.compile(r"\s*[A-Z][A-Z.'\u2019 -]*[A-Z](?:,[^\n\u2014\u2013]{0,40}?)?(?:\s*\([^)]{1,30}\))?\s*(?:--|\u2014|\u2013|-)\s")


def _roles(sent: "SpacySpan") -> Iterator[tuple[str, str, str]]:
    """(verb lemma, role, entity key) for named subjects and objects of the main verbs; a dateline's place is
    no actor ("BUENOS AIRES, Argentina (JTA) — Argentina's president adopted ..." is not Buenos Aires adopting)."""
    dateline = _DATELINE.match(sent.text)
    after = sent.start_char + dateline.end() if dateline else -1
    named = [(e.start, e.end, entity_key(e.text)) for e in sent.ents if e.label_ in ("ORG", "PERSON", "GPE", "NORP")
             and e.start_char >= after]
    for verb in _main_chain(sent):
        if verb.pos_ != "VERB":
            continue
        for child in verb.children:
            role = _ROLE_DEPS.get(child.dep_)
            target = child
            if child.dep_ == "agent":  # "was acquired by Baidu"
                target = next((g for g in child.children if g.dep_ == "pobj"), None)
            if role is None or target is None or target.idx < after:
                continue
            key = next((k for s, e, k in named if s <= target.i < e), "")
            if not key and (target.pos_ == "PROPN" or _bare_capitalised(target)):
                key = entity_key(" ".join(t.text for t in target.subtree
                                          if (t.pos_ == "PROPN" or _bare_capitalised(t)) and t.idx >= after))
            if key:
                yield verb.lemma_.lower(), role, key


def _opens_with_contrast(sent: "SpacySpan") -> bool:
    first = next((t for t in sent if t.is_alpha), None)
    return first is not None and first.lower_ in lx.CONTRAST_OPENERS


def statements_by_document(statements: Iterable[Statement]) -> dict[str, list[Statement]]:
    out: dict[str, list[Statement]] = {}
    for s in statements:
        out.setdefault(s.document, []).append(s)
    return out

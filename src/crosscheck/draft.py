"""A draft against its sources: every check-worthy claim of the draft gets one verdict.

- supported: a source carries the claim (with matching normalised values where there are any);
- contradicted: a source says otherwise (a rule names how) and no source backs the draft;
- disputed: the sources disagree among themselves on it, some backing the draft, some not;
- unsupported: no source carries it: the claim the editor must verify by hand.

The same stages and rules as ``check`` do the work; only the pairing differs: each draft
statement is compared with its nearest source statements across all stories of the sources.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from crosscheck.alignments import score_pair
from crosscheck.documents import load_documents
from crosscheck.errors import InputError
from crosscheck.verdicts.rules.engine import fingerprint, make_pair, matched_figures, model_says, sort_findings
from crosscheck.verdicts.rules.kinds import KINDS
from crosscheck.verdicts.rules.kinds.base import Verdict
from crosscheck.verdicts.rules.kinds.nli import NliParams
from crosscheck.verdicts.rules.kinds.values import compatible
from crosscheck.verdicts.rules.ruleset import Rule
from crosscheck.checklist import (bearing, contradicted_text, disputed_text, evidence_list, figure_with_noun, phrase,
                                  with_nouns,
                                  supported_text, unsupported_text)
from crosscheck.nouns import (CheckedClaim, Checklist, DateMention, Document, Evidence, Finding, Quantity, Report, Span,
                              Statement, StatementRef, Story)
from crosscheck.pipeline import Analysis, Pipeline
from crosscheck.statements.dates import period

DRAFT_STORY = "draft"
CONFLICT_KINDS = ("contradiction",)


@dataclass(frozen=True)
class ClaimVerdict:
    """What the sources say about one draft statement."""

    statement: Statement
    verdict: str  # supported | contradicted | disputed | unsupported
    support: tuple[tuple[Rule | None, Statement, Verdict | None], ...] = ()
    conflicts: tuple[tuple[Rule, Statement, Verdict], ...] = ()
    # figures, names and dates of the claim that no source carries anywhere ("$470 million", "Europe")
    novel: tuple[str, ...] = ()


def _claims(statements: Sequence[Statement]) -> list[Statement]:
    """Check-worthy draft statements: figures, dates, named actors or quotes; not opinion or transitions."""
    return [s for s in statements if s.check_worthy or s.quotes]


def _has_figures(s: Statement) -> bool:
    return any(q.kind not in ("year", "ordinal") for q in s.quantities)


_NAME_LABELS = frozenset({"PROPN", "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
_NAME_NOISE = re.compile(r"[^\w\s]+")


def _name_form(text: str) -> str:
    """Lower case, '&' read as 'and', punctuation and a leading 'the' dropped, spaces collapsed."""
    words = _NAME_NOISE.sub(" ", text.lower().replace(".", "").replace("&", " and ")).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class SourceDetails:
    """Every figure, date and name the sources carry, for the question "does any source say this at all?"."""

    quantities: tuple[Quantity, ...]
    dates: frozenset[tuple[dt.date, str]]  # (first day, granularity) of every resolved source date
    text: str  # every source's text in _name_form, padded with spaces for whole-word lookups
    keys: frozenset[str]  # entity keys of the sources

    @classmethod
    def of(cls, documents: Sequence[Document], statements: Sequence[Statement]) -> SourceDetails:
        # a source's publication date dates what it reports: "In 2013, Skyworth denied ..." is carried by a
        # 2013 article that reports the denial, though its text never writes the year
        return cls(tuple(q for s in statements for q in s.quantities),
                   frozenset((m.value, m.granularity) for s in statements for m in s.dates if m.value)
                   | frozenset((d.published, "day") for d in documents if d.published),
                   " " + " ".join(_name_form(d.text) for d in documents) + " ",
                   frozenset(e.key for s in statements for e in s.entities if e.key))

    def names(self, text: str, whole_words: bool = True) -> bool:
        form = _name_form(text)
        if not form or (f" {form} " if whole_words else f" {form}") in self.text:
            return True
        words = form.split()  # "U.S. Food & Drug Administration" is also written "FDA"
        initials = "".join(w[0] for w in words if w not in ("and", "of", "for", "the"))
        return len(words) > 1 and f" {initials} " in self.text

    def novel_in(self, claim: Statement) -> tuple[str, ...]:
        """The claim's figures, absolute dates and names that appear in no source."""
        out: list[str] = []
        for q in claim.quantities:
            if q.kind == "ordinal":
                continue
            if q.kind == "year":
                if not self.names(q.text) and not any(v.year == q.value for v, _ in self.dates):
                    out.append(q.text)
            elif not any(x.kind == q.kind and (x.unit == q.unit or not x.unit or not q.unit)
                         and compatible(x, q, _FIGURE_TOLERANCE) for x in self.quantities):
                out.append(q.text)
        for m in claim.dates:
            if m.value is not None and not self.names(m.text, whole_words=False) and not self._dates_inside(m):
                out.append(m.text)
        for e in claim.entities:
            if e.label in _NAME_LABELS and not self.names(e.text) and not (e.key and e.key in self.keys):
                out.append(e.text)
        return tuple(dict.fromkeys(out))

    def _dates_inside(self, m: DateMention) -> bool:
        """Some source date falls in the claim's period: a coarser date is carried by a finer one inside
        it ("August 2022" by "17 August 2022"). Without a written year ("Jan. 18") the year is only a
        guess from each article's own date, so the source dates are read in the claim's year."""
        try:
            span = period(m)
        except (ValueError, OverflowError):
            return True  # a date at the edge of the calendar: nothing to tell
        if span is None:
            return True
        year_written = bool(_YEAR.search(m.text))
        return any(span[0] <= (v if year_written else _in_year(v, span[0].year)) < span[1] for v, _ in self.dates)


def _in_year(day: dt.date, year: int) -> dt.date:
    """The same day in ``year`` (29 February stays where it is)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day


_YEAR = re.compile(r"\b\d{4}\b|'\d\d\b")
_FIGURE_TOLERANCE = 0.02  # "$5.1bn" in the draft is carried by a source's "$5.08bn"


def load_draft(path: str | Path, max_bytes: int) -> Document:
    docs, problems = load_documents([path], max_bytes=max_bytes)
    if not docs:
        reason = problems[0].message if problems else "no article found"
        raise InputError(f"the draft could not be read: {reason}", path=str(path), code="E150")
    draft = docs[0]
    return replace(draft, id=f"draft:{draft.id}", outlet=draft.outlet or draft_name(draft))


def judge_claims(pipeline: Pipeline, draft: Document, sources: Analysis) -> list[ClaimVerdict]:
    """One verdict per check-worthy draft statement."""
    unsupported_rule = next((r for r in pipeline.rules if r.kind == "unsupported"), None)
    min_support = unsupported_rule.params.min_alignment if unsupported_rule else 0.55  # type: ignore[attr-defined]
    neighbours = unsupported_rule.params.neighbours if unsupported_rule else 5  # type: ignore[attr-defined]
    statements = pipeline.statements_of([draft])
    claims = _claims(statements)
    details = SourceDetails.of(sources.documents, sources.statements)
    if not claims or not sources.statements:
        return [ClaimVerdict(s, "unsupported", novel=details.novel_in(s)) for s in claims]
    vectors = pipeline.encoder.encode([s.embedding_text for s in claims])
    sims = vectors @ sources.vectors.T
    docs = {d.id: d for d in sources.documents}
    docs[draft.id] = draft
    by_id = {s.id: s for s in sources.statements}
    disputed_ids = {ref.statement for f in sources.findings if f.kind in CONFLICT_KINDS for ref in f.statements}
    pair_rules = [r for r in pipeline.rules if KINDS[r.kind].check is not None]
    nli = pipeline.nli_rule.params if pipeline.nli_rule is not None else None
    candidates = []  # per claim: its nearest source statements, as (earlier, later)-ordered pairs
    for claim, row in zip(claims, sims):
        found = []
        for col in np.argsort(-row)[:neighbours]:
            source = sources.statements[int(col)]
            al = score_pair(source, claim, float(row[col]), pipeline.settings.align)
            if al.score >= pipeline.settings.align.threshold:
                found.append((source, make_pair(al, {source.id: source, claim.id: claim, **by_id}, docs)))
        candidates.append(found)
    pairs = [(source, claim) for claim, found in zip(claims, candidates) for source, _ in found]
    judged, read = _judge_pairs(pipeline, pairs)
    in_changed_words = _contradictions_in_changed_words(pipeline, pairs, judged, read, nli)
    quote_rule = next((r for r in pipeline.rules if r.kind == "quote"), None)
    out = []
    for claim, found in zip(claims, candidates):
        quoted = _quote_verdict(claim, sources.statements, quote_rule, details) if quote_rule else None
        if quoted is not None:
            out.append(quoted)  # a misquote outweighs whatever the rest of the sentence agrees on
            continue
        support: list = []
        conflicts: list = []
        for source, pair in found:
            judgement = judged.get((source.id, claim.id))
            pair = replace(pair, judgement=judgement)
            al = pair.alignment
            fired = [(rule, v) for rule in pair_rules if al.score >= _floor(rule, min_support)
                     for v in KINDS[rule.kind].draft_verdicts(pair, rule.params)]
            if judgement is not None:
                fired = [(r, v) for r, v in fired if model_says(r, v, fired, pair, nli)
                         and (r.kind != "nli" or (source.id, claim.id) in in_changed_words)]
            conflicts += [(rule, source, v) for rule, v in fired if v.kind in CONFLICT_KINDS]
            in_conflict = any(v.kind in CONFLICT_KINDS for _, v in fired)
            agreeing = [] if in_conflict else [(rule, source, v) for rule, v in fired if v.kind == "agreement"]
            if agreeing:
                support += agreeing
            elif al.score >= min_support and not _has_figures(claim) and not in_conflict and \
                    (judgement is None or nli is None or judgement[0] >= nli.min_entailment):
                # close in topic is support only when the model (where it judges) says the source entails it
                support.append((None, source, None))  # a claim with figures needs matching values instead
        strong = [x for x in support if x[2] is not None]  # an agreement verdict, not mere topical closeness
        conflicts = _other_quantities_dropped(conflicts, strong)
        novel = details.novel_in(claim)
        if novel and not strong:
            support = []  # close in topic, but a figure, date or name of the claim is in no source
        if conflicts and strong:
            verdict = "disputed"
            support = strong
        elif conflicts:
            verdict = "contradicted"
        elif support:
            verdict = "disputed" if any(s.id in disputed_ids for _, s, _ in support) else "supported"
        else:
            verdict = "unsupported"
        out.append(ClaimVerdict(claim, verdict, tuple(support), tuple(conflicts), novel))
    return out


def _floor(rule: Rule, min_support: float) -> float:
    """The alignment a source needs before a rule reads it against a draft claim: the rule's own, but an
    agreement's no higher than the unsupported rule's bar for a source that speaks to the claim.

    Why: a claim without figures is supported by a source that close (UNS01 ``min_alignment``, 0.55); a claim
    with figures needs them matched (an agreement), and at AGR01's own 0.6 a source that close with the same
    figures left it unsupported ("Andrew Tate ... told to spend another 30 days in detention" against "A
    Romanian court ... agreed to extend ... Andrew Tate's detention ... for another 30 days", 0.58)."""
    own = rule.params.min_alignment  # type: ignore[attr-defined]
    return min(own, min_support) if rule.kind == "agreement" else own


_Conflict = tuple[Rule, Statement, Verdict]


def _other_quantities_dropped(conflicts: list[_Conflict], strong: list[_Conflict]) -> list[_Conflict]:
    """The conflicts left once an article's other figures are read as other quantities.

    Why: an article does not contradict itself. Where one of its sentences states the claim's figure or date
    (an agreement of matching values), another of its sentences with another figure speaks of something else:
    "Binance transferred nearly $1.8 billion ..." and, further down, "the funds that backed $1 billion worth of
    B-peg USDC" do not make a draft's "$1.8 billion" disputed. Another article's other figure still does."""
    matched = [(s.document, h) for _, s, v in strong if matched_figures(v) for h in v.highlights_b]

    def restated(source: Statement, verdict: Verdict) -> bool:
        return any(doc == source.document and h.start < m.end and m.start < h.end
                   for h in verdict.highlights_b for doc, m in matched)

    return [(r, s, v) for r, s, v in conflicts if r.kind not in ("numeric", "date") or not restated(s, v)]


_SAME_QUOTE = 92.0  # rapidfuzz partial ratio: the draft's words stand in a source's quote (cut short allowed)


def _quote_verdict(claim: Statement, statements: Sequence[Statement], rule: Rule,
                   details: SourceDetails) -> ClaimVerdict | None:
    """A quote the draft attributes to a named speaker, checked against what the sources quote that speaker
    saying: None when every quoted passage is found in one of the speaker's real quotes (the claim is then
    judged as any other); contradicted, with the closest real quote, when the sources quote the speaker but
    not these words; unsupported when no source quotes the speaker at all."""
    from rapidfuzz import fuzz

    from crosscheck.verdicts.rules.kinds.quote import internal_changes, quoted_passages
    from crosscheck.statements.entities import same_entity

    speaker = claim.attribution
    passages = [(span, words) for span, words in quoted_passages(claim) if len(words) >= 4]
    if speaker is None or not speaker.named or not speaker.source or not passages:
        return None
    theirs = [(s, span, words) for s in statements if s.attribution and s.attribution.source
              and same_entity(s.attribution.source, speaker.source) for span, words in quoted_passages(s)
              if len(words) >= 4]
    name = speaker.name or speaker.source
    for span, words in passages:
        text = " ".join(words)
        scored = [(fuzz.partial_ratio(text, " ".join(w)) if len(w) >= len(words) else
                   fuzz.ratio(text, " ".join(w)), s, sp, w) for s, sp, w in theirs]
        best = max(scored, key=lambda x: (x[0], x[1].id), default=None)
        if best is not None and best[0] >= _SAME_QUOTE and not internal_changes(best[3], words):
            continue
        if best is None:
            return ClaimVerdict(claim, "unsupported", novel=(f"a quote of {name}",) + details.novel_in(claim))
        closest = max(theirs, key=lambda x: (fuzz.token_set_ratio(text, " ".join(x[2])), x[0].id))
        source, source_span, source_words = closest
        changes = internal_changes(source_words, words)
        altered = fuzz.token_set_ratio(text, " ".join(source_words)) >= rule.params.same_quote_similarity
        change = "; ".join(changes[:3]) if altered and changes else \
            f"no source quotes {name} saying this; the closest quote: \u201c{' '.join(source_words[:25])}\u201d"
        verdict = Verdict("contradiction", {"change": change, "a_value": source.attribution.source,
                                            "b_value": speaker.source}, (source_span,), (span,), 0.85)
        return ClaimVerdict(claim, "contradicted", conflicts=((rule, source, verdict),))
    return None


def _judge_pairs(pipeline: Pipeline, pairs: Sequence[tuple[Statement, Statement]]
                 ) -> tuple[dict[tuple[str, str], tuple[float, float, float]], dict[tuple[str, str], str]]:
    """The contradiction model's judgement of each (source, claim) pair, source as premise, and the claim as the
    model read it (``judge.claim_text``, which the check of changed words reads too); none when off."""
    if not pairs or not pipeline.judging_on:
        return {}, {}
    from crosscheck.verdicts.judge import claim_text, judge

    read = {(a.id, b.id): claim_text(a, b) for a, b in pairs}
    found = judge(pipeline.judging_model(), [(a.text, read[a.id, b.id]) for a, b in pairs], pipeline.judgement_cache())
    return {(a.id, b.id): j for (a, b), j in zip(pairs, found)}, read


_GONE = 0.5  # the model's contradiction probability under which it no longer calls the pair a contradiction


def _contradictions_in_changed_words(pipeline: Pipeline, pairs: Sequence[tuple[Statement, Statement]],
                                     judged: dict[tuple[str, str], tuple[float, float, float]],
                                     read: dict[tuple[str, str], str], nli: NliParams | None) -> set[tuple[str, str]]:
    """The (source, claim) pairs whose model contradiction lies in words the draft changed: a denying word
    added, dropped or swapped ("did not"), or words swapped for the source's, the contradiction gone once the
    source's words are given back ("the lowest level" / "the highest level").

    Why: the model calls a near-copy with a detail added a contradiction ("Quillex secretly moved $1.8 billion
    to several funds" against "Quillex moved $1.8 billion to funds", p 1.00 with "secretly" and "several" alone
    added). A detail the draft adds is one no source backs, not one a source denies; the draft check names
    such details elsewhere (supported or unsupported, with the details in no source)."""
    if nli is None or not nli.draft_findings:
        return set()
    from crosscheck.verdicts.judge import judge
    from crosscheck.verdicts.rules.kinds.nli import changes_deny, confident, swaps_undone

    sure = [(a, b) for a, b in pairs if (j := judged.get((a.id, b.id))) is not None
            and confident(j, nli.min_contradiction, nli)]
    kept = {(a.id, b.id) for a, b in sure if changes_deny(a.text, b.text)}
    undone = [(a, b, swaps_undone(a.text, read[a.id, b.id])) for a, b in sure if (a.id, b.id) not in kept]
    asked = [(a, b, text) for a, b, text in undone if text is not None]
    if not asked:
        return kept
    found = judge(pipeline.judging_model(), [(a.text, text) for a, _, text in asked], pipeline.judgement_cache())
    return kept | {(a.id, b.id) for (a, b, _), j in zip(asked, found) if j[2] < _GONE}


def _ref(s: Statement, highlights=()) -> StatementRef:
    return StatementRef(s.document, s.id, s.text, s.start, s.end, tuple(highlights), s.before, s.after)


def draft_name(draft: Document) -> str:
    """What the checklist calls the draft: its title, else its file name (never its internal id). A title the
    loader only guessed from the draft's first sentence is no title."""
    first = next((" ".join(line.split()) for line in draft.text.splitlines() if line.strip()), "")
    guessed = bool(draft.title) and first.startswith(draft.title.rstrip("…").rstrip())
    return (draft.title if not guessed else "") or Path(draft.path).name or draft.id


def _outlet(doc: Document) -> str:
    return doc.outlet or doc.title or doc.id


def _outlets(statements: Sequence[Statement | StatementRef], docs: dict[str, Document]) -> list[str]:
    """The outlets of these statements, each once, earliest publication first."""
    return _outlets_of([docs[s.document] for s in statements])


def _outlets_of(documents: Sequence[Document]) -> list[str]:
    ordered = sorted(documents, key=lambda d: (d.published or dt.date.max, _outlet(d)))
    return list(dict.fromkeys(_outlet(d) for d in ordered))


_FINDING_KIND = {"supported": "agreement", "contradicted": "contradiction", "disputed": "disputed",
                 "unsupported": "unsupported"}


def checked_claim(v: ClaimVerdict, rules: Sequence[Rule], docs: dict[str, Document],
                  source_findings: Sequence[Finding] = ()) -> tuple[CheckedClaim, Finding | None]:
    """The claim as the checklist shows it, and the finding the gate counts for it (None for an unsupported
    claim when the unsupported rule is off)."""
    source_findings = [f for f in source_findings if f.kind in SOURCE_CONFLICT_KINDS]
    if v.verdict == "contradicted" and v.conflicts:
        claim = _contradicted(v, docs)
    elif v.verdict == "disputed":
        claim = _disputed(v, docs, source_findings)
    elif v.verdict == "supported" and v.support:
        claim = _supported(v, docs)
    else:
        claim = _unsupported(v, rules)
    if not claim.disagreements:  # the sources' own disagreements about the sentences behind the verdict
        found = bearing(source_findings, (e.statement.statement for e in claim.evidence))
        claim = replace(claim, disagreements=tuple(dict.fromkeys(f.message for f in found)))
    if not claim.rule:
        return claim, None
    if claim.verdict == "contradicted":
        rule = next((r for r in rules if r.id == claim.rule), None) or v.conflicts[0][0]
        level = rule.level_for("contradiction")
    elif claim.verdict == "unsupported":
        level = next(r.level for r in rules if r.id == claim.rule)
    else:
        level = "info" if claim.verdict == "supported" else "warning"
    found = _finding(_FINDING_KIND[claim.verdict], claim.rule, level, claim.explanation,
                     (claim.statement, *(e.statement for e in claim.evidence)))
    return replace(claim, finding=found.id), found


def _contradicted(v: ClaimVerdict, docs: dict[str, Document]) -> CheckedClaim:
    rule, source, verdict = v.conflicts[0]
    claim = v.statement
    theirs = phrase(source.text, verdict.highlights_a)
    ours = phrase(claim.text, verdict.highlights_b)
    worded = rule.kind in ("numeric", "date")  # the explanation names each source's figure or date
    by_words: dict[str, list[Statement]] = {}
    for r, s, x in v.conflicts:
        if r.id == rule.id:
            by_words.setdefault(phrase(s.text, x.highlights_a) if worded else theirs, []).append(s)
    others = [(_outlets(group, docs), words) for words, group in by_words.items() if words != theirs] if worded else []
    speaker = claim.attribution.display if claim.attribution else ""
    source_marks, claim_marks = verdict.highlights_a, verdict.highlights_b
    if rule.kind == "quote":
        source_marks, claim_marks = _changed_words(source.text, claim.text, verdict)
    text = contradicted_text(rule.kind, _outlets(by_words[theirs], docs), theirs, ours,
                             values={**verdict.values, "speaker": speaker}, others=others)
    evidence = evidence_list(((s, "contradicts", r.id, source_marks if s.id == source.id else x.highlights_a)
                              for r, s, x in v.conflicts), claim)
    return CheckedClaim(_ref(claim, claim_marks), "contradicted", text, rule.id, evidence=evidence)


_SWAP = re.compile(r"'([^']*)' -> '([^']*)'")


def _changed_words(source_text: str, claim_text: str, verdict: Verdict) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """For an altered quote, the replaced words inside each quote ('more' in the source, 'fewer' in the draft);
    the whole quotes when the words cannot be found."""
    def find(text: str, inside: tuple[Span, ...], words: str) -> list[Span]:
        if not words or words == "(nothing)":
            return []
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words.split()) + r"(?!\w)", re.IGNORECASE)
        for sp in inside:
            m = pattern.search(text, sp.start, sp.end)
            if m:
                return [Span(m.start(), m.end())]
        return []

    pairs = _SWAP.findall(verdict.values.get("change", ""))
    a = [s for old, _ in pairs for s in find(source_text, verdict.highlights_a, old)]
    b = [s for _, new in pairs for s in find(claim_text, verdict.highlights_b, new)]
    return (tuple(a) or verdict.highlights_a), (tuple(b) or verdict.highlights_b)


def _supported(v: ClaimVerdict, docs: dict[str, Document]) -> CheckedClaim:
    claim = v.statement
    strong = [x for x in v.support if x[2] is not None]
    backing = strong or list(v.support)
    highlights = tuple(dict.fromkeys([*(h for _, _, x in strong for h in x.highlights_b), *_novel_marks(v)]))
    first = strong[0][2] if strong else None
    figures = phrase(claim.text, with_nouns(claim, first.highlights_b)) if first is not None else ""
    text = supported_text(_outlets([s for _, s, _ in backing], docs), figures, close_only=not strong,
                          missing=_details(v))
    evidence = evidence_list(((s, "supports", r.id if r else "", x.highlights_a if x else ())
                              for r, s, x in backing), claim)
    rule = next((r.id for r, _, _ in strong if r is not None), "AGR01")
    return CheckedClaim(_ref(claim, highlights), "supported", text, rule, evidence=evidence)


def _disputed(v: ClaimVerdict, docs: dict[str, Document], source_findings: Sequence[Finding]) -> CheckedClaim:
    """Some sources back the claim, others (or the sources' own findings about the backers) say otherwise."""
    claim = v.statement
    backer_ids = {s.id for _, s, _ in v.support}
    found = bearing(source_findings, backer_ids | {s.id for _, s, _ in v.conflicts})
    evidence = evidence_list([*((s, "supports", r.id if r else "", x.highlights_a if x else ())
                                for r, s, x in v.support),
                              *((s, "contradicts", r.id, x.highlights_a) for r, s, x in v.conflicts)], claim)
    listed_ids = {e.statement.statement for e in evidence}
    others = {ref.statement: Evidence(ref, "disputes", f.rule) for f in found for ref in f.statements
              if ref.statement not in listed_ids and ref.document in docs}
    evidence += tuple(others.values())
    dissent = [docs[e.statement.document] for e in evidence if e.stance != "supports"]
    backer_outlets = _outlets([s for _, s, _ in v.support], docs)
    counts = Counter(_outlet(d) for d in dissent)
    dissenters = [(o, counts[o] if o in backer_outlets else 0) for o in _outlets_of(dissent)]
    rule = v.conflicts[0][0].id if v.conflicts else (found[0].rule if found else "AGR01")
    highlights = v.conflicts[0][2].highlights_b if v.conflicts else ()
    return CheckedClaim(_ref(claim, highlights), "disputed", disputed_text(backer_outlets, dissenters), rule,
                        evidence=evidence, disagreements=tuple(dict.fromkeys(f.message for f in found)))


_QUOTE_OF = "a quote of "


def _speaker(v: ClaimVerdict) -> str:
    return next((n[len(_QUOTE_OF):] for n in v.novel if n.startswith(_QUOTE_OF)), "")


def _details(v: ClaimVerdict) -> list[str]:
    """The claim's details that no source carries, counts with their noun ('20 million smart speakers');
    a title beside the quoted speaker's name ('Mayor' of 'Mayor Jane Roe') is part of the name."""
    speaker = _speaker(v)
    text = v.statement.text
    out = []
    for n in v.novel:
        if n.startswith(_QUOTE_OF) or (speaker and (n in speaker or f"{n} {speaker}" in text
                                                    or f"{speaker} {n}" in text)):
            continue
        out.append(figure_with_noun(v.statement, n))
    return out


def _novel_marks(v: ClaimVerdict) -> list[Span]:
    """Where the claim's figures, dates and names that no source carries stand (offsets into its text)."""
    claim = v.statement
    return [Span(x.start - claim.start, x.end - claim.start)
            for x in (*claim.quantities, *claim.dates, *claim.entities) if x.text in v.novel]


def _unsupported(v: ClaimVerdict, rules: Sequence[Rule]) -> CheckedClaim:
    rule = next((r for r in rules if r.kind == "unsupported"), None)
    return CheckedClaim(_ref(v.statement, _novel_marks(v)), "unsupported", unsupported_text(_details(v), _speaker(v)),
                        rule.id if rule else "")


def findings_for(verdicts: Sequence[ClaimVerdict], rules: Sequence[Rule], docs: dict[str, Document],
                 source_findings: Sequence[Finding] = ()) -> list[Finding]:
    """The findings the gate counts, one per claim: they point at the draft first (its line and column),
    the sources after."""
    found = (checked_claim(v, rules, docs, source_findings)[1] for v in verdicts)
    return sort_findings(f for f in found if f is not None)


def _finding(kind: str, rule: str, level: str, message: str, refs: tuple[StatementRef, ...]) -> Finding:
    fid = fingerprint(rule, kind, [(r.document, r.text) for r in refs[:1]])
    return Finding(fid, kind, rule, level, DRAFT_STORY, message, 1.0, refs)  # type: ignore[arg-type]


SOURCE_CONFLICT_KINDS = ("contradiction", "discrepancy", "update")


def other_disagreements(source_findings: Sequence[Finding], claims: Sequence[CheckedClaim]) -> int:
    """How many claims the sources disagree on among themselves that no claim of the draft touches: findings
    that share a statement count as one claim."""
    touched = {e.statement.statement for c in claims for e in c.evidence}
    rest = [f for f in source_findings if f.kind in SOURCE_CONFLICT_KINDS
            and not any(r.statement in touched for r in f.statements)]
    groups: list[set[str]] = []
    for f in rest:
        ids = {r.statement for r in f.statements}
        joined = [g for g in groups if g & ids]
        for g in joined:
            groups.remove(g)
            ids |= g
        groups.append(ids)
    return len(groups)


@dataclass(frozen=True)
class DraftCheck:
    """A draft checked against its sources: the checklist, the findings the gate counts, and the sources' run."""

    draft: Document
    sources: Analysis
    verdicts: tuple[ClaimVerdict, ...]
    checklist: Checklist
    findings: tuple[Finding, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return (self.draft, *self.sources.documents)

    def report(self) -> Report:
        story = Story(DRAFT_STORY, f"Draft: {self.checklist.name}", (self.draft.id,))
        return Report(self.documents, (story, *self.sources.stories), self.findings, self.sources.problems,
                      len(self.sources.statements), self.checklist)


def checklist_of(draft: Document, verdicts: Sequence[ClaimVerdict], rules: Sequence[Rule],
                 sources: Analysis, source_paths: Sequence[str | Path] = ()) -> tuple[Checklist, list[Finding]]:
    """The draft's checklist (every claim once, in the draft's order) and its findings."""
    docs = {d.id: d for d in sources.documents}
    docs[draft.id] = draft
    checked = [checked_claim(v, rules, docs, sources.findings) for v in verdicts]
    claims = tuple(c for c, _ in checked)
    checklist = Checklist(draft.id, draft_name(draft), tuple(str(p) for p in source_paths), claims,
                          other_disagreements(sources.findings, claims))
    return checklist, sort_findings(f for _, f in checked if f is not None)


def check_draft(pipeline: Pipeline, draft_path: str | Path, source_paths: Sequence[str | Path]) -> DraftCheck:
    """The draft's claims judged against the sources: the checklist and the findings the gate counts. The
    sources' own disagreements appear only where they bear on a claim of the draft."""
    draft = load_draft(draft_path, pipeline.settings.max_file_bytes)
    sources = pipeline.check_paths(source_paths)
    dated = draft  # an undated draft is read as written the day after the latest source ("yesterday", "on Monday")
    if draft.published is None:
        latest = max((d.published for d in sources.documents if d.published), default=None)
        dated = replace(draft, published=latest + dt.timedelta(days=1) if latest else None)
    verdicts = judge_claims(pipeline, dated, sources)
    checklist, findings = checklist_of(draft, verdicts, pipeline.rules, sources, source_paths)
    return DraftCheck(draft, sources, tuple(verdicts), checklist, tuple(findings))

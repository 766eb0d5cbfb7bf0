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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from crosscheck.alignments import score_pair
from crosscheck.documents import load_documents
from crosscheck.errors import InputError
from crosscheck.findings.engine import fingerprint, make_pair, model_says, sort_findings
from crosscheck.findings.kinds import KINDS
from crosscheck.findings.kinds.base import Verdict
from crosscheck.findings.kinds.values import compatible
from crosscheck.findings.ruleset import Rule
from crosscheck.nouns import DateMention, Document, Finding, Quantity, Span, Statement, StatementRef, Story
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
        return cls(tuple(q for s in statements for q in s.quantities),
                   frozenset((m.value, m.granularity) for s in statements for m in s.dates if m.value),
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
    return replace(draft, id=f"draft:{draft.id}")


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
    judged = _judge_pairs(pipeline, [(source, claim) for claim, found in zip(claims, candidates)
                                     for source, _ in found])
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
            fired = [(rule, v) for rule in pair_rules if al.score >= rule.params.min_alignment
                     for v in KINDS[rule.kind].check(pair, rule.params)]  # type: ignore[misc]
            if judgement is not None:
                fired = [(r, v) for r, v in fired if model_says(r, v, fired, pair, nli)]
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


_SAME_QUOTE = 92.0  # rapidfuzz partial ratio: the draft's words stand in a source's quote (cut short allowed)


def _quote_verdict(claim: Statement, statements: Sequence[Statement], rule: Rule,
                   details: SourceDetails) -> ClaimVerdict | None:
    """A quote the draft attributes to a named speaker, checked against what the sources quote that speaker
    saying: None when every quoted passage is found in one of the speaker's real quotes (the claim is then
    judged as any other); contradicted, with the closest real quote, when the sources quote the speaker but
    not these words; unsupported when no source quotes the speaker at all."""
    from rapidfuzz import fuzz

    from crosscheck.findings.kinds.quote import internal_changes, quoted_passages
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
                 ) -> dict[tuple[str, str], tuple[float, float, float]]:
    """The contradiction model's judgement of each (source, claim) pair, source as premise; none when off."""
    if not pairs or not pipeline.judging_on:
        return {}
    from crosscheck.verdicts.judge import judge

    found = judge(pipeline.judging_model(), [(a.text, b.text) for a, b in pairs], pipeline.judgement_cache())
    return {(a.id, b.id): j for (a, b), j in zip(pairs, found)}


def _ref(s: Statement, highlights=()) -> StatementRef:
    return StatementRef(s.document, s.id, s.text, s.start, s.end, tuple(highlights))


def findings_for(verdicts: Sequence[ClaimVerdict], rules: Sequence[Rule], docs: dict[str, Document]) -> list[Finding]:
    """Findings that point at the draft first (its line and column), the sources after."""
    unsupported_rule = next((r for r in rules if r.kind == "unsupported"), None)
    out: list[Finding] = []

    def outlet(s: Statement) -> str:
        d = docs[s.document]
        return f"{d.outlet or d.id} ({d.published.isoformat() if d.published else 'undated'})"

    for v in verdicts:
        claim = v.statement
        draft_doc = docs[claim.document]
        if v.verdict in ("contradicted", "disputed") and v.conflicts:
            rule, source, verdict = v.conflicts[0]
            kind = "contradiction" if v.verdict == "contradicted" else "disputed"
            src_doc = docs[source.document]
            reason = rule.render({**verdict.values, "a_outlet": src_doc.outlet or source.document,
                                  "a_date": src_doc.published.isoformat() if src_doc.published else "undated",
                                  "b_outlet": "the draft",
                                  "b_date": draft_doc.published.isoformat() if draft_doc.published else "undated",
                                  "a_text": source.text,
                                  "b_text": claim.text})
            if kind == "disputed":
                backers = sorted({outlet(s) for _, s, _ in v.support})
                reason = f"Sources disagree: {', '.join(backers)} back the draft; {reason}"
            level = rule.level_for("contradiction") if kind == "contradiction" else "warning"
            backing = v.support[:2] if kind == "disputed" else ()
            refs = (_ref(claim, verdict.highlights_b), _ref(source, verdict.highlights_a),
                    *(_ref(s) for _, s, _ in backing))
            out.append(_finding(kind, rule.id, level, reason, refs))
        elif v.verdict == "disputed":
            backers = sorted({outlet(s) for _, s, _ in v.support})
            out.append(_finding("disputed", "AGR01", "warning",
                                f"Sources disagree among themselves on this claim; backed by {', '.join(backers)}",
                                (_ref(claim), *(_ref(s) for _, s, _ in v.support[:2]))))
        elif v.verdict == "supported":
            rule, source, verdict = v.support[0]
            backers = sorted({outlet(s) for _, s, _ in v.support})
            values = verdict.values.get("values", "") if verdict else ""
            detail = f": {values}" if values and values != "same claim" else ""
            out.append(_finding("agreement", rule.id if rule else "AGR01", "info",
                                f"Supported by {', '.join(backers)}{detail}",
                                (_ref(claim, verdict.highlights_b if verdict else ()),
                                 _ref(source, verdict.highlights_a if verdict else ()))))
        elif unsupported_rule is not None:
            figures = ", ".join(q.text for q in claim.quantities if q.kind not in ("year", "ordinal"))
            message = unsupported_rule.render({"a_value": figures, "a_text": claim.text})
            if v.novel:
                message += f"; in no source at all: {', '.join(v.novel)}"
            highlights = [Span(x.start, x.end) for x in (*claim.quantities, *claim.dates, *claim.entities)
                          if x.text in v.novel]
            out.append(_finding("unsupported", unsupported_rule.id, unsupported_rule.level, message,
                                (_ref(claim, highlights),)))
    return sort_findings(out)


def _finding(kind: str, rule: str, level: str, message: str, refs: tuple[StatementRef, ...]) -> Finding:
    fid = fingerprint(rule, kind, [(r.document, r.text) for r in refs[:1]])
    return Finding(fid, kind, rule, level, DRAFT_STORY, message, 1.0, refs)  # type: ignore[arg-type]


def check_draft(pipeline: Pipeline, draft_path: str | Path, source_paths: Sequence[str | Path]) -> Analysis:
    """The draft's findings plus the sources' own analysis, as one Analysis for the report."""
    draft = load_draft(draft_path, pipeline.settings.max_file_bytes)
    sources = pipeline.check_paths(source_paths)
    if draft.published is None:
        latest = max((d.published for d in sources.documents if d.published), default=None)
        draft = replace(draft, published=latest + dt.timedelta(days=1) if latest else None)
    verdicts = judge_claims(pipeline, draft, sources)
    docs = {d.id: d for d in sources.documents}
    docs[draft.id] = draft
    draft_findings = findings_for(verdicts, pipeline.rules, docs)
    story = Story(DRAFT_STORY, f"Draft: {draft.title or draft.id}", (draft.id,))
    conflicts_among_sources = [f for f in sources.findings if f.kind in ("contradiction", "discrepancy", "update")]
    return Analysis((draft, *sources.documents), sources.statements, sources.vectors, (story, *sources.stories),
                    sources.alignments, tuple(draft_findings) + tuple(conflicts_among_sources), sources.problems)

"""The pipeline, one direction: sources -> documents -> statements -> stories -> alignments -> findings.

Each stage is a function of the nouns of the stage before; this module only wires them and
reports progress. It never prints: the CLI owns the terminal.

Costs (see docs/scaling.md): statements are cached per document and embeddings per text, so a
repeat run loads neither spaCy nor a model; every text of a run is encoded in one call (on a cold
CLI run mostly ahead of it, article by article in a helper process while spaCy parses); story
grouping scores nearest-neighbour candidate pairs only; alignment is per story and bounded per
document. ``timings`` keeps each stage's seconds of the last analysis.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crosscheck.alignments import AlignParams, align_story, align_within
from crosscheck.documents import load_documents
from crosscheck.errors import ModelError
from crosscheck.embeddings import Encoder, StatementCache, default_cache_dir, statements_version
from crosscheck.nouns import Alignment, Document, Finding, InputProblem, Report, Statement, Story
from crosscheck.statements.extract import extract_statements
from crosscheck.stories import StoryParams, group_stories, headline_text, single_threaded_blas

if TYPE_CHECKING:  # imported when first used: a cold run forks the model's helper before paying for them
    from crosscheck.verdicts.combiner import Combiner
    from crosscheck.verdicts.hf_cross_encoder import NliScorer
    from crosscheck.verdicts.rules.engine import PairMemo
    from crosscheck.verdicts.rules.ruleset import Rule
    from crosscheck.verdicts.judge import Judgement, JudgementCache, PairModel

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told; the CLI and config files fill it."""

    model: str | None = None
    allow_download: bool = False
    cache_dir: Path | None = None
    use_cache: bool = True
    rules_dirs: tuple[Path, ...] = ()
    builtin_rules: bool = True
    disable: tuple[str, ...] = ()
    story: StoryParams = field(default_factory=StoryParams)
    align: AlignParams = field(default_factory=AlignParams)
    max_statements_per_document: int = 5000
    max_file_bytes: int = 50_000_000
    jobs: int = 1  # processes for the statements stage (spaCy); more pay off only on large uncached inputs
    # the learned combiner (verdicts/combiner.py): findings' scores become calibrated probabilities
    combiner: bool = True
    combiner_model: Path | None = None  # a combiner JSON; None: the one shipped in the package
    # crosscheck's contradiction model judges aligned cross-outlet pairs (verdicts/contradiction_model.py)
    contradiction_model: bool = True
    nli_model: str | None = None  # a user's NLI cross-encoder (name or path) that replaces the shipped model
    min_score: float = 0.0  # findings scoring below this are dropped
    # load the encoder in a forked helper while spaCy parses (embeddings/helper_process.py); the CLI turns it on
    background_model: bool = False


@dataclass(frozen=True)
class Analysis:
    """Every intermediate noun of one run, for the report, the draft check and evaluation."""

    documents: tuple[Document, ...]
    statements: tuple[Statement, ...]
    vectors: np.ndarray
    stories: tuple[Story, ...]
    alignments: tuple[Alignment, ...]
    findings: tuple[Finding, ...]
    problems: tuple[InputProblem, ...] = ()
    # the contradiction model's (agreement, neutral, contradiction) per judged alignment (a, b) ids: the
    # statements alone (what the rules read), and, for the pairs of the rules' conflicts, each premise with
    # its neighbour (what the combiner scores them by; verdicts/judge.py: ``View``)
    judgements: dict[tuple[str, str], tuple[float, float, float]] | None = None
    passage_judgements: dict[tuple[str, str], tuple[float, float, float]] | None = None
    claim_pairs: tuple[Alignment, ...] = ()  # lead claims against other outlets' closest statements (judged)

    def report(self) -> Report:
        return Report(self.documents, self.stories, self.findings, self.problems, len(self.statements))


class Pipeline:
    """Holds what is costly to load (rules, spaCy, the encoder) across analyses."""

    # fewer uncached paragraphs than this per process are parsed in this process alone: a worker
    # costs a fork and the pickling of its statements (see bench/perf_jobs.py)
    MIN_SEGMENTS_PER_PROCESS = 200

    def __init__(self, settings: Settings = Settings(), progress: Progress | None = None,
                 rules: Sequence[Rule] | None = None) -> None:
        self.settings = settings
        self.progress = progress or (lambda stage, done, total: None)
        self._rules = list(rules) if rules is not None else None
        self._encoder: Encoder | None = None
        self._statement_cache: StatementCache | None = None
        self.timings: dict[str, float] = {}
        self.extracted_documents = 0  # documents that went through spaCy (not found in the statement cache)
        self._combiner: Combiner | None = None
        self._nli: NliScorer | None = None
        self._pair_model: PairModel | None = None
        self._judgement_cache: JudgementCache | None = None

    def with_rules(self, rules: Sequence[Rule]) -> Pipeline:
        """This pipeline with other rules: the same settings, and the models and caches it has loaded.

        Why: what a run judges and pairs depends on the rules' parameters (NLI01's ``own_findings`` has the
        model judge every well-aligned pair), so a rule case with parameters is analysed as a run with them."""
        other = Pipeline(self.settings, self.progress, rules)
        other._encoder, other._statement_cache, other._combiner = self._encoder, self._statement_cache, self._combiner
        other._nli, other._pair_model, other._judgement_cache = self._nli, self._pair_model, self._judgement_cache
        return other

    @property
    def rules(self) -> list[Rule]:
        """The rules of this run, read and validated once, when first needed (a broken rule file raises)."""
        if self._rules is None:
            from crosscheck.verdicts.rules.ruleset import load_rules

            s = self.settings
            self._rules = load_rules(s.rules_dirs, include_builtin=s.builtin_rules, disable=s.disable)
        return self._rules

    def close(self) -> None:
        """Stop the encoder's helper process, if one was started (it also stops when this process exits)."""
        if self._encoder is not None:
            self._encoder.close()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            s = self.settings
            self._encoder = Encoder(s.model, cache_dir=s.cache_dir, use_cache=s.use_cache,
                                    allow_download=s.allow_download,
                                    progress=lambda done, total: self.progress("encoding", done, total))
        return self._encoder

    def _statements_cache(self) -> StatementCache | None:
        if not self.settings.use_cache:
            return None
        if self._statement_cache is None:
            from crosscheck.statements.nlp import pipeline_name

            version = statements_version(pipeline_name(), self.settings.max_statements_per_document)
            self._statement_cache = StatementCache(self.settings.cache_dir or default_cache_dir(), version)
        return self._statement_cache

    def check_paths(self, paths: Sequence[str | Path]) -> Analysis:
        self.progress("loading", 0, 1)
        started = time.perf_counter()
        documents, problems = load_documents(paths, max_bytes=self.settings.max_file_bytes)
        loading = time.perf_counter() - started
        analysis = self.analyse(documents)
        self.timings = {"loading": loading, **self.timings}
        return replace(analysis, problems=(*problems, *unchecked_text(analysis.documents, analysis.statements,
                                                                       self.settings.max_statements_per_document)))

    def statements_of(self, documents: Sequence[Document],
                      each_document: Callable[[str, Sequence[Statement]], None] | None = None) -> list[Statement]:
        """Statements of the documents, in their order; cached per document unless the cache is off.

        ``each_document(id, statements)`` hears of each freshly parsed document as soon as it is done.
        """
        self.progress("reading", 0, len(documents))
        cache = self._statements_cache()
        found = cache.get_many(documents) if cache else {}
        fresh_docs = [d for d in documents if d.id not in found]
        if fresh_docs:
            if self.settings.background_model:  # uncached statements: their texts most likely need the model
                self.encoder.start_background(expected_texts=_expected_texts(fresh_docs))
            self.rules  # noqa: B018 - read now, while the helper loads: a broken rule file fails before parsing
            self.extracted_documents += len(fresh_docs)
            fresh = self._extract(fresh_docs, each_document)
            by_doc: dict[str, list[Statement]] = {d.id: [] for d in fresh_docs}
            for s in fresh:
                by_doc[s.document].append(s)
            if cache:
                cache.put_many([(d, by_doc[d.id]) for d in fresh_docs])
            found.update(by_doc)
        self.progress("reading", len(documents), len(documents))
        return [s for d in documents for s in found.get(d.id, ())]

    def _extract(self, documents: Sequence[Document],
                 each_document: Callable[[str, Sequence[Statement]], None] | None = None) -> list[Statement]:
        from crosscheck.statements.nlp import load_nlp

        nlp = load_nlp()
        # thinc's products go through numpy's BLAS: with its second thread on the core where the model's
        # helper (or another worker) computes, every product waits for it (measured under load: 20 articles
        # 13.5 / 10.7 s with two threads, 10.0 / 9.5 s with one); the statements are the same either way
        with single_threaded_blas():
            return self._extract_with(nlp, documents, each_document)

    def _extract_with(self, nlp, documents: Sequence[Document],
                      each_document: Callable[[str, Sequence[Statement]], None] | None) -> list[Statement]:
        limit = self.settings.max_statements_per_document
        chunks = _chunks(documents, self._processes(documents))
        if len(chunks) == 1:  # (with several processes both cores parse: nothing to overlap the encoding with)
            return extract_statements(documents, nlp, max_per_document=limit, each_document=each_document)
        # forked workers inherit the loaded pipeline; this process parses the first share itself
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(len(chunks) - 1, mp_context=_worker_context()) as pool:
            futures = [pool.submit(_extract_chunk, chunk, limit) for chunk in chunks[1:]]
            out = extract_statements(chunks[0], nlp, max_per_document=limit)
            for future in futures:
                out.extend(future.result())
        return out

    def _processes(self, documents: Sequence[Document]) -> int:
        """Processes for the statements stage: ``jobs``, but only as many as have enough text to pay off."""
        import multiprocessing

        jobs = max(1, int(self.settings.jobs))
        if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
            return 1
        paragraphs = sum(d.text.count("\n\n") + 1 for d in documents)
        return max(1, min(jobs, len(documents), paragraphs // self.MIN_SEGMENTS_PER_PROCESS))

    # texts handed to the encoder's helper at a time while parsing goes on: at least a batch, and on
    # large runs more (batches are sorted by length within a request: less padding), few enough
    # that the helper starts on the first articles
    PREFETCH_TEXTS = (32, 512)

    def _prefetcher(self, documents: Sequence[Document], with_headlines: bool
                    ) -> Callable[[str, Sequence[Statement]], None]:
        """A callback for each parsed document that hands its encoding texts to the encoder's helper."""
        by_id = {d.id: d for d in documents}
        pending: list[str] = []
        least, most = self.PREFETCH_TEXTS
        at_a_time = max(least, min(most, _expected_texts(documents) // 20))

        def each_document(doc_id: str, statements: Sequence[Statement]) -> None:
            pending.extend(s.embedding_text for s in statements)
            if with_headlines:
                pending.append(headline_text(by_id[doc_id], statements[:1]))
            if len(pending) >= at_a_time:
                self.encoder.prefetch(pending)
                pending.clear()

        return each_document

    def encoding_texts(self, documents: Sequence[Document], statements: Sequence[Statement],
                       with_headlines: bool = True) -> list[str]:
        """What one run encodes, in one call: statements and, for grouping, each article's headline and lead."""
        texts = [s.embedding_text for s in statements]
        if with_headlines:
            by_doc: dict[str, list[Statement]] = {}
            for s in statements:
                if s.document not in by_doc:
                    by_doc[s.document] = [s]  # headline_text reads only the first statement
            texts += [headline_text(d, by_doc.get(d.id, [])) for d in documents]
        return texts

    def analyse(self, documents: Sequence[Document], stories: Sequence[Story] | None = None) -> Analysis:
        """Run every stage after loading; ``stories`` given means the grouping is known (evaluation)."""
        with fewer_collections():
            return self._analyse(documents, stories)

    def _analyse(self, documents: Sequence[Document], stories: Sequence[Story] | None) -> Analysis:
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - clock
            clock = now

        documents = sorted(documents, key=lambda d: d.id)
        with_headlines = stories is None
        prefetch = self._prefetcher(documents, with_headlines) if self.settings.background_model else None
        statements = self.statements_of(documents, prefetch) if documents else []
        lap("statements")
        texts = self.encoding_texts(documents, statements, with_headlines=with_headlines)
        encoded = self.encoder.encode(texts) if texts else np.zeros((0, 384), np.float32)
        vectors, headlines = encoded[:len(statements)], encoded[len(statements):]
        lap("embeddings")
        if stories is None:
            self.progress("grouping", 0, 1)
            stories = group_stories(documents, statements, vectors, headlines, self.settings.story)
        lap("stories")
        with single_threaded_blas():  # many small products: see stories.single_threaded_blas
            alignments = self.align(stories, statements, vectors)
            lap("alignments")
        # the contradiction model's batches are large products: every BLAS thread helps
        from crosscheck.verdicts.rules.engine import PairMemo

        memo = PairMemo()  # the rules' verdicts that the judgements do not change: asked once, not twice
        judgements, passages, claim_pairs = self.judge(documents, statements, alignments, stories, vectors, memo)
        lap("judgements")
        claim_pairs = [*claim_pairs, *self.refutations(documents, statements, vectors, stories, alignments)]
        with single_threaded_blas():
            self.progress("checking", 0, 1)
            from crosscheck.verdicts import decide

            findings = decide(self.rules, stories, documents, statements, alignments, judgements, claim_pairs,
                              self.combiner, self.settings.min_score, memo, passages)
            lap("findings")
        self.timings = timings
        return Analysis(tuple(documents), tuple(statements), vectors, tuple(stories), tuple(alignments),
                        tuple(findings), judgements=judgements, claim_pairs=tuple(claim_pairs),
                        passage_judgements=passages)

    @property
    def combiner(self) -> Combiner | None:
        """The learned combiner, loaded once; None when the settings turn it off."""
        if not self.settings.combiner:
            return None
        if self._combiner is None:
            from crosscheck.verdicts.combiner import load_combiner

            self._combiner = load_combiner(self.settings.combiner_model)
            if self.settings.nli_model and not self._combiner.uses_nli:
                raise ModelError(f"--nli-model needs a combiner trained with NLI features; "
                                 f"{self.settings.combiner_model or 'the shipped combiner'} was not (train one with "
                                 "python -m crosscheck.training.combiner_train --nli-model ...)", code="E406")
        return self._combiner

    @property
    def nli(self) -> NliScorer | None:
        if self.settings.nli_model and self._nli is None:
            from crosscheck.verdicts.hf_cross_encoder import NliScorer

            self._nli = NliScorer(self.settings.nli_model, allow_download=self.settings.allow_download)
        return self._nli

    @property
    def pair_model(self) -> PairModel | None:
        """The model that judges statement pairs: the user's ``--nli-model``, else the shipped one;
        None when it is turned off (``contradiction_model`` false, or the nli rule disabled)."""
        if self._pair_model is None and self.nli_rule is not None:
            if self.settings.nli_model:
                self._pair_model = self.nli
            elif self.settings.contradiction_model:
                from crosscheck.verdicts.contradiction_model import ContradictionModel

                self._pair_model = ContradictionModel()
        return self._pair_model

    @property
    def nli_rule(self) -> Rule | None:
        return next((r for r in self.rules if r.kind == "nli"), None)

    def judge(self, documents: Sequence[Document], statements: Sequence[Statement], alignments: Sequence[Alignment],
              stories: Sequence[Story] = (), vectors: np.ndarray | None = None, memo: PairMemo | None = None
              ) -> tuple[dict[tuple[str, str], Judgement] | None, dict[tuple[str, str], Judgement] | None,
                         list[Alignment]]:
        """The contradiction model's judgements of the pairs a verdict can hang on (the statements' view, which
        the rules read), the pairs of the rules' conflicts in the passage view too (which the combiner scores
        them by; verdicts/judge.py: ``View``), and the lead-claim pairs it judged beside the aligned ones."""
        rule = self.nli_rule
        if not self.judging_on:
            return None, None, []
        from crosscheck.verdicts.calibrate import has_measured_score
        from crosscheck.verdicts.rules.engine import model_may_overrule, run_rules
        from crosscheck.verdicts.rules.kinds import KINDS
        from crosscheck.verdicts.judge import judge_alignments, lead_claim_pairs

        # the pairs the rules report on (a first, cheap pass without the model): the model may overrule them
        by_ids = {(al.a, al.b): al for al in alignments} | {(al.b, al.a): al for al in alignments}
        ruled, conflicts = [], []
        p = rule.params  # type: ignore[union-attr]
        kind_of = {r.id: r.kind for r in self.rules}
        text_of = {s.id: s.text for s in statements}
        for f in run_rules([r for r in self.rules if KINDS[r.kind].check is not None],
                           stories, documents, statements, alignments, memo=memo):
            if len(f.statements) == 2 and (key := (f.statements[0].statement, f.statements[1].statement)) in by_ids:
                al = by_ids[key]
                # judged in the statements' view only where the judgement can drop a verdict of the pair
                # (engine.model_may_overrule; every pair when no memo kept the verdicts), and a word-for-word
                # reprint, whose judgement costs nothing (judge.IDENTICAL) and which its agreement's score reads
                a, b = text_of[al.a], text_of[al.b]
                if memo is None or a == b or any(model_may_overrule(r, v, p, a, b)
                                                 for _, r, v in memo.verdicts.get((al.a, al.b), ())):
                    ruled.append(al)
                if f.kind != "agreement" and not has_measured_score(f, kind_of):
                    conflicts.append(al)  # a measured score is the finding's own: the combiner does not read it
        claims: list[Alignment] = []
        if p.lead_claims and vectors is not None and len(stories):  # type: ignore[attr-defined]
            claims = lead_claim_pairs(stories, statements, vectors, documents, p.lead_claims,  # type: ignore[attr-defined]
                                      p.lead_evidence, p.lead_min_cosine,  # type: ignore[attr-defined]
                                      self.settings.align, alignments)
        model, cache = self.judging_model(), self.judgement_cache()
        sentences = judge_alignments(model, alignments, statements, documents,
                                     p.min_alignment, cache=cache,  # type: ignore[attr-defined]
                                     progress=lambda done, total: self.progress("judging", done, total),
                                     also=ruled + claims,
                                     max_pairs=p.max_pairs if p.own_findings else 0)  # type: ignore[attr-defined]
        # the combiner's view, only where a score hangs on it: the pairs of the conflicts the rules report whose
        # score the combiner gives. An agreement's score is the combiner's probability through a map that is
        # nearly flat (docs/calibration.md: a = 0.055), so its pair keeps the statements' judgement, or none
        # (matching figures, near-copies: not judged at all, which moved 2,943 agreement scores of the
        # 1,000-article bench corpus by 0.019 at most); judging every agreement's pair twice, with premises twice
        # as long, made the judging of that corpus take 184 s (about 30 s before; README, "Speed")
        passages = judge_alignments(model, [], statements, documents, 1.0, cache=cache, also=conflicts,
                                    view="passage") if conflicts else {}
        return sentences, passages, claims

    def refutations(self, documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                    stories: Sequence[Story], alignments: Sequence[Alignment]) -> list[Alignment]:
        """Statements calling the story false against other outlets' leads they align with nowhere, for the
        debunk rules (alignments.refutation_pairs); none when no such rule is enabled."""
        rule = next((r for r in self.rules if r.kind == "debunk"), None)
        if rule is None:
            return []
        from crosscheck.alignments import refutation_pairs

        return refutation_pairs(stories, statements, vectors, {d.id: d.outlet or d.id for d in documents}, alignments,
                                rule.params.min_alignment, self.settings.align,
                                extra_cues=rule.params.extra_cues)  # type: ignore[attr-defined]

    @property
    def judging_on(self) -> bool:
        """Whether a model judges statement pairs in this run: the nli rule is enabled and a model is on."""
        return self.nli_rule is not None and bool(self.settings.contradiction_model or self.settings.nli_model)

    def judgement_cache(self) -> JudgementCache | None:
        if self.settings.use_cache and self._judgement_cache is None:
            from crosscheck.verdicts.judge import JudgementCache

            self._judgement_cache = JudgementCache(self.settings.cache_dir or default_cache_dir())
        return self._judgement_cache

    def judging_model(self) -> PairModel:
        """The pair model behind a version tag: loaded only when the cache misses a pair."""
        if self.settings.nli_model:
            version = f"user:{self.settings.nli_model}"
        else:
            from crosscheck.verdicts.contradiction_model import SHIPPED, model_version

            version = model_version(SHIPPED)
        return _Deferred(version, lambda: self.pair_model)

    def story_probabilities(self, analysis: Analysis) -> dict[str, np.ndarray] | None:
        """Combiner probabilities per story (classes: ``CLASSES``), None when the combiner is off."""
        if self.combiner is None:
            return None
        from crosscheck.verdicts.calibrate import story_probabilities

        return story_probabilities(self.combiner, self.rules, analysis.stories, analysis.documents,
                                   analysis.statements, analysis.alignments, self.combiner_judgements(analysis))

    def combiner_judgements(self, analysis: Analysis) -> dict[tuple[str, str], Judgement] | None:
        """The judgements of the pairs the combiner's story features read (``combiner_pairs``), from the run's
        own or judged now: the combiner learnt its features from them, and ``check``, which reads only its
        findings' pairs, does not judge them all. Only stories' verdicts (``crosscheck eval``) pay for it."""
        if self.combiner is None or not self.combiner.uses_nli or not self.judging_on:
            return analysis.passage_judgements
        from crosscheck.verdicts.judge import combiner_pairs, judge_alignments

        have = analysis.passage_judgements or {}
        pairs = combiner_pairs(self.rules, analysis.alignments, {s.id: s for s in analysis.statements})
        wanted = [al for al in pairs if (al.a, al.b) not in have]
        found = judge_alignments(self.judging_model(), [], analysis.statements, analysis.documents, 1.0,
                                 cache=self.judgement_cache(), also=wanted, view="passage") if wanted else {}
        # exactly the pairs training read (a finding's pair outside them would be a feature training never saw)
        return {(al.a, al.b): have.get((al.a, al.b)) or found[(al.a, al.b)] for al in pairs}

    def align(self, stories: Sequence[Story], statements: Sequence[Statement], vectors: np.ndarray
              ) -> list[Alignment]:
        out: list[Alignment] = []
        rows: dict[str, list[int]] = {}
        for i, s in enumerate(statements):
            rows.setdefault(s.document, []).append(i)
        self.progress("aligning", 0, len(stories))
        for n, story in enumerate(stories, start=1):
            idx = sorted(i for d in story.documents for i in rows.get(d, ()))  # statement order, as before
            members = [statements[i] for i in idx]
            sub = vectors[idx] if idx else vectors[:0]
            out.extend(align_story(story, members, sub, self.settings.align))
            out.extend(align_within(members, sub, self.settings.align))
            self.progress("aligning", n, len(stories))
        return out


# CPython's collector runs at (700, 10, 10) allocations; a run makes millions of objects
GC_THRESHOLD = (100_000, 50, 100)


@contextlib.contextmanager
def fewer_collections(threshold: tuple[int, int, int] = GC_THRESHOLD) -> Iterator[None]:
    """A context in which the cyclic garbage collector runs seldom, as it was before on leaving.

    Why: a run holds hundreds of thousands of statements, alignments and findings and allocates as many
    again per stage; at the default thresholds the collector walked them over and over, 3-5 s of a warm
    1,000-article run of 17-20 s, and found nothing to free (reference counting frees these objects).
    The same findings and the same peak memory (357 MB) measured with it off; it still runs, less often.
    """
    old = gc.get_threshold()
    gc.set_threshold(*threshold)
    try:
        yield
    finally:
        gc.set_threshold(*old)


class _Deferred:
    """A pair model loaded only when a pair is missing from the cache: a warm run loads no model."""

    def __init__(self, version: str, load: Callable[[], PairModel | None]) -> None:
        self.version = version
        self._load = load

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        model = self._load()
        if model is None:
            raise ModelError("no contradiction model to judge statement pairs", code="E431")
        return model.probabilities(pairs)


CHARS_PER_STATEMENT = 150  # a news sentence (measured 180 on sources/, 120 on the benchmark corpus)


def unchecked_text(documents: Sequence[Document], statements: Sequence[Statement], limit: int) -> list[InputProblem]:
    """A warning for each document whose text was not all checked, so that an editor does not read "no findings" as
    "no problems": W150 when it yields no statement (all page debris, a scraped page's script or share bar, or too
    short to hold a claim), W151 when its statements reached the per-document ``limit`` and the statements stage
    stopped there. A JSONL record is named with its line."""
    counts = Counter(s.document for s in statements)
    per_file = Counter(d.path for d in documents)
    out = []
    for d in documents:
        line = d.first_line if per_file[d.path] > 1 else None
        if not counts[d.id]:
            out.append(InputProblem(d.path, "W150", "no claim found in its text (only page script, debris or "
                                                    "fragments): nothing in it was checked", line))
        elif counts[d.id] >= limit:
            out.append(InputProblem(d.path, "W151", f"reached the limit of {limit:,} statements per document: "
                                                    "sentences after it were not checked", line))
    return out


def _expected_texts(documents: Sequence[Document]) -> int:
    """About how many texts parsing these documents will give the encoder (statements and headlines)."""
    return sum(len(d.text) for d in documents) // CHARS_PER_STATEMENT + len(documents)


def _chunks(documents: Sequence[Document], parts: int) -> list[list[Document]]:
    """Consecutive runs of documents with about equal text each (order kept: statements come back in order)."""
    if parts <= 1 or len(documents) <= 1:
        return [list(documents)]
    total = sum(len(d.text) for d in documents) or 1
    chunks: list[list[Document]] = [[]]
    done = 0
    for d in documents:
        if chunks[-1] and done >= total * len(chunks) / parts and len(chunks) < parts:
            chunks.append([])
        chunks[-1].append(d)
        done += len(d.text)
    return chunks


def _worker_context():
    """How the statements stage starts its workers: forked, so that they inherit the loaded spaCy pipeline, unless
    PyTorch is loaded in this process. Its OpenMP threads do not survive a fork: a forked worker can wait forever on
    a lock one of them held (seen once in the test suite, which loads PyTorch in-process; the command line keeps it
    in the encoder's helper process). Then a fresh interpreter per worker (forkserver), which loads spaCy itself."""
    import multiprocessing
    import sys

    if "torch" not in sys.modules:
        return multiprocessing.get_context("fork")
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _extract_chunk(documents: list[Document], max_per_document: int) -> list[Statement]:
    """A worker's share of the statements stage (the pipeline is already loaded when forked)."""
    from crosscheck.statements.nlp import load_nlp

    return extract_statements(documents, load_nlp(), max_per_document=max_per_document)

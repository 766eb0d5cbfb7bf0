"""The pipeline, one direction: sources -> documents -> statements -> stories -> alignments -> findings.

Each stage is a function of the nouns of the stage before; this module only wires them and
reports progress. It never prints: the CLI owns the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from crosscheck.alignments import AlignParams, align_story, align_within
from crosscheck.documents import load_documents
from crosscheck.embeddings import Encoder
from crosscheck.findings.engine import run_rules
from crosscheck.findings.ruleset import Rule, load_rules
from crosscheck.nouns import Alignment, Document, Finding, InputProblem, Report, Statement, Story
from crosscheck.statements.extract import extract_statements
from crosscheck.stories import StoryParams, group_stories, headline_text

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

    def report(self) -> Report:
        return Report(self.documents, self.stories, self.findings, self.problems, len(self.statements))


class Pipeline:
    """Holds what is costly to load (rules, spaCy, the encoder) across analyses."""

    def __init__(self, settings: Settings = Settings(), progress: Progress | None = None,
                 rules: Sequence[Rule] | None = None) -> None:
        self.settings = settings
        self.progress = progress or (lambda stage, done, total: None)
        self.rules = list(rules) if rules is not None else load_rules(
            settings.rules_dirs, include_builtin=settings.builtin_rules, disable=settings.disable)
        self._encoder: Encoder | None = None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            s = self.settings
            self._encoder = Encoder(s.model, cache_dir=s.cache_dir, use_cache=s.use_cache,
                                    allow_download=s.allow_download,
                                    progress=lambda done, total: self.progress("encoding", done, total))
        return self._encoder

    def check_paths(self, paths: Sequence[str | Path]) -> Analysis:
        self.progress("loading", 0, 1)
        documents, problems = load_documents(paths, max_bytes=self.settings.max_file_bytes)
        analysis = self.analyse(documents)
        return Analysis(analysis.documents, analysis.statements, analysis.vectors, analysis.stories,
                        analysis.alignments, analysis.findings, tuple(problems))

    def statements_of(self, documents: Sequence[Document]) -> list[Statement]:
        self.progress("reading", 0, len(documents))
        from crosscheck.statements.nlp import load_nlp

        return extract_statements(documents, load_nlp(), max_per_document=self.settings.max_statements_per_document)

    def analyse(self, documents: Sequence[Document], stories: Sequence[Story] | None = None) -> Analysis:
        """Run every stage after loading; ``stories`` given means the grouping is known (evaluation)."""
        documents = sorted(documents, key=lambda d: d.id)
        statements = self.statements_of(documents) if documents else []
        # one encode call per run: statements and, for grouping, each article's headline and lead
        heads = [headline_text(d, statements) for d in documents] if stories is None else []
        texts = [s.embedding_text for s in statements] + heads
        encoded = self.encoder.encode(texts) if texts else np.zeros((0, 384), np.float32)
        vectors, headlines = encoded[:len(statements)], encoded[len(statements):]
        if stories is None:
            stories = group_stories(documents, statements, vectors, headlines, self.settings.story)
        alignments = self.align(stories, statements, vectors)
        self.progress("checking", 0, 1)
        findings = run_rules(self.rules, stories, documents, statements, alignments)
        return Analysis(tuple(documents), tuple(statements), vectors, tuple(stories), tuple(alignments),
                        tuple(findings))

    def align(self, stories: Sequence[Story], statements: Sequence[Statement], vectors: np.ndarray
              ) -> list[Alignment]:
        out: list[Alignment] = []
        index = {s.id: i for i, s in enumerate(statements)}
        for story in stories:
            members = [s for s in statements if s.document in set(story.documents)]
            sub = vectors[[index[s.id] for s in members]] if members else vectors[:0]
            out.extend(align_story(story, members, sub, self.settings.align))
            out.extend(align_within(members, sub, self.settings.align))
        return out

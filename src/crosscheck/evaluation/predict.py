"""Labelled pairs -> predictions, through the same pipeline as ``check``.

Each row becomes a story of two documents from two outlets ("A" and "B", same publication
date) and the whole pipeline runs on it: statements, embeddings, alignments, rules. Rows go
through ``Pipeline.analyse`` many at a time, so spaCy and the encoder work in batches, and the
findings come back to their row by story id. A row's verdict is the strongest finding kind:

* ``contradiction`` when any finding is a contradiction;
* else ``agreement`` when any finding is an agreement;
* else ``neutral``. Discrepancies, updates and single-source claims say two sources differ in
  scope, time or sourcing, not that they contradict or corroborate each other, so by themselves
  they make no verdict.

Datasets repeat texts (FNC-1 has 448 article bodies over 6,000 rows), so the statements of a
text are extracted once per run and reused with the new document's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from crosscheck.documents import find_boilerplate, find_suppressions
from crosscheck.nouns import Document, Statement, Story
from crosscheck.pipeline import Analysis, Pipeline

from crosscheck.evaluation.rows import EvalRow

Verdict = Literal["contradiction", "agreement", "neutral"]
VERDICTS: tuple[Verdict, ...] = ("contradiction", "agreement", "neutral")
EVAL_DATE = dt.date(2020, 1, 1)  # both sources of a pair are dated alike: no pair is an update in time
DEFAULT_CHUNK_ROWS = 200
# a contradiction that no rule names is a verdict only when the calibrated combiner finds it more likely than not
COMBINER_CONTRADICTION = 0.5
RowProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prediction:
    """What crosscheck says about one pair."""

    id: str
    line: int
    verdict: Verdict
    similarity: float  # best cross-document alignment score, 0-1 (0.0 when nothing aligned)
    aligned: bool  # some statement of A and some statement of B passed the alignment threshold
    rules: tuple[str, ...]  # ids of the rules that fired, sorted
    # the combiner's calibrated probabilities (contradiction, agreement, neutral); empty when it is off
    probabilities: tuple[float, float, float] | tuple[()] = ()

    def as_json(self) -> dict:
        out = {"id": self.id, "verdict": self.verdict, "similarity": self.similarity, "aligned": self.aligned,
               "rules": list(self.rules)}
        if self.probabilities:
            out["probabilities"] = dict(zip(VERDICTS, self.probabilities))
        return out


def verdict_of(kinds: Iterable[str]) -> Verdict:
    """The row verdict from the kinds of its findings (see the module docstring)."""
    kinds = set(kinds)
    if "contradiction" in kinds:
        return "contradiction"
    return "agreement" if "agreement" in kinds else "neutral"


def story_id(row: EvalRow) -> str:
    return f"L{row.line:08d}"


def row_story(row: EvalRow, path: str = "eval") -> tuple[Document, Document, Story]:
    """The two documents and the story a row stands for, marked as the documents stage marks files."""
    sid = story_id(row)
    docs = tuple(_document(f"{sid}-{side}", f"{path}:{row.line}:text_{side}", outlet, text)
                 for side, outlet, text in (("a", "A", row.text_a), ("b", "B", row.text_b)))
    return docs[0], docs[1], Story(sid, "", (docs[0].id, docs[1].id))


def rows_stories(rows: Sequence[EvalRow], path: str = "eval") -> tuple[list[Document], list[Story]]:
    """Every row's two documents and its story, in row order: many rows go through one analysis together."""
    documents: list[Document] = []
    stories: list[Story] = []
    for row in rows:
        a, b, story = row_story(row, path)
        documents += (a, b)
        stories.append(story)
    return documents, stories


def _document(doc_id: str, where: str, outlet: str, text: str) -> Document:
    return Document(id=doc_id, path=where, title="", outlet=outlet, published=EVAL_DATE, url="", text=text,
                    boilerplate=find_boilerplate(text, ""), suppressions=find_suppressions(text))


class _MemoPipeline(Pipeline):
    """The given pipeline (same settings, rules and encoder) with statements remembered per text."""

    def __init__(self, base: Pipeline) -> None:
        super().__init__(base.settings, rules=base.rules)
        self._encoder = base.encoder
        self.memo: dict[tuple, list[Statement]] = {}
        self.extracted = 0  # texts new to this run: read by spaCy (or found in the statement cache)

    def statements_of(self, documents: Sequence[Document], each_document=None) -> list[Statement]:
        # each_document (a hint to start encoding early) is not passed on: memoised statements are renamed
        fresh: dict[tuple, Document] = {}
        for doc in documents:
            key = _text_key(doc)
            if key not in self.memo and key not in fresh:
                fresh[key] = doc
        if fresh:
            self.extracted += len(fresh)
            found: dict[str, list[Statement]] = {d.id: [] for d in fresh.values()}
            for s in super().statements_of(list(fresh.values())):
                found[s.document].append(s)
            self.memo.update((key, found[doc.id]) for key, doc in fresh.items())
        return [s if s.document == doc.id else replace(s, id=f"{doc.id}:{s.index}", document=doc.id)
                for doc in documents for s in self.memo[_text_key(doc)]]


def _text_key(doc: Document) -> tuple:
    """Everything a document's statements depend on except its id."""
    return doc.text, doc.title, doc.published, doc.boilerplate, doc.suppressions


class Evaluator:
    """Scores rows in chunks with one pipeline; remembers statements of texts seen before."""

    def __init__(self, pipeline: Pipeline, chunk_rows: int = DEFAULT_CHUNK_ROWS, memo: bool = True) -> None:
        self.pipeline = _MemoPipeline(pipeline) if memo else pipeline
        self.chunk_rows = max(1, chunk_rows)

    @property
    def texts_extracted(self) -> int:
        return getattr(self.pipeline, "extracted", -1)

    def predict(self, rows: Sequence[EvalRow], path: str = "eval",
                progress: RowProgress | None = None) -> list[Prediction]:
        out: list[Prediction] = []
        if progress:
            progress(0, len(rows))
        for start in range(0, len(rows), self.chunk_rows):
            chunk = rows[start:start + self.chunk_rows]
            out.extend(self._predict_chunk(chunk, path))
            if progress:
                progress(len(out), len(rows))
        return out

    def _predict_chunk(self, rows: Sequence[EvalRow], path: str) -> list[Prediction]:
        documents, stories = rows_stories(rows, path)
        analysis = self.pipeline.analyse(documents, stories=stories)
        return predictions_of(rows, analysis, self.pipeline.story_probabilities(analysis),
                              self.pipeline.settings.min_score)


def predictions_of(rows: Sequence[EvalRow], analysis: Analysis, probabilities: Mapping | None = None,
                   min_score: float = 0.0) -> list[Prediction]:
    """One prediction per row from an analysis whose stories are the rows' stories.

    With the combiner's ``probabilities`` per story (``VERDICTS`` order), a row's verdict is
    contradiction when a finding is one (``check`` reports it, so the verdict does not hide it) or
    when the combiner's calibrated probability of contradiction is at least ``COMBINER_CONTRADICTION``
    (more likely than not: its most probable class at 0.3-0.5 was mostly a false alarm on FNC-1);
    otherwise agreement when agreement is more probable than neutral and not under ``min_score``,
    else neutral. Without probabilities the verdict is the strongest finding kind (``verdict_of``).
    """
    doc_of = {s.id: s.document for s in analysis.statements}
    story_of = {d: story.id for story in analysis.stories for d in story.documents}
    best: dict[str, float] = {}
    for al in analysis.alignments:
        da, db = doc_of[al.a], doc_of[al.b]
        if da != db:
            sid = story_of[da]
            best[sid] = max(best.get(sid, 0.0), al.score)
    kinds: dict[str, set[str]] = {}
    fired: dict[str, set[str]] = {}
    for f in analysis.findings:
        kinds.setdefault(f.story, set()).add(f.kind)
        fired.setdefault(f.story, set()).add(f.rule)
    out = []
    for row in rows:
        sid = story_id(row)
        similarity = round(min(1.0, max(0.0, best.get(sid, 0.0))), 4)
        verdict, probs = verdict_of(kinds.get(sid, ())), ()
        if probabilities is not None and sid in probabilities:
            probs = tuple(round(float(v), 4) for v in probabilities[sid])
            if verdict != "contradiction":  # a contradiction finding stands: check reports it whatever its score
                contradiction, agreement, neutral = probs  # VERDICTS order
                if contradiction >= max(COMBINER_CONTRADICTION, min_score):
                    verdict = "contradiction"
                else:
                    verdict = "agreement" if agreement >= max(neutral, min_score) else "neutral"
        out.append(Prediction(row.id, row.line, verdict, similarity, sid in best,
                              tuple(sorted(fired.get(sid, ()))), probs))
    return out

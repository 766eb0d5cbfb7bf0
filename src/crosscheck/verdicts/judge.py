"""Which aligned pairs the contradiction model judges, and its judgements, cached by text hash.

Why not every alignment: the 1,000-article bench corpus yields ~238k alignments, and the model
judges ~60 pairs/s on two cores (numpy). It judges the pairs a verdict can hang on: the pairs a rule
reports on (the model may overrule it, and the combiner scores the finding with its judgement), and
cross-document pairs aligned at least as well as the nli rule asks (``min_alignment``), of those only
each statement's best ``per_statement`` counterparts in each other document. Pairs within one
article are left to the rules (updates, context).

Judgements are cached like embeddings (sqlite, keyed by the model's version and both texts), so a
warm run touches no model. A statement paired with the very same text is not asked at all: it entails
itself (``IDENTICAL``). Over half the pairs of a wire-heavy corpus are such reprints (4,790 of 9,082 on
the 1,000-article bench corpus), and the shipped model called 17 of those 4,790 contradictions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from crosscheck.nouns import Alignment, Document, Statement

Judgement = tuple[float, float, float]  # agreement, neutral, contradiction
IDENTICAL: Judgement = (1.0, 0.0, 0.0)  # the judgement of a text against itself, by definition


class PairModel(Protocol):
    version: str

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


class JudgementCache:
    """sqlite store of the three probabilities, keyed by model version and both texts."""

    def __init__(self, directory: Path) -> None:
        from crosscheck.embeddings.store import _Store

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._store = _Store(directory / "judgements.sqlite3", "nli")

    @staticmethod
    def key(version: str, a: str, b: str) -> str:
        return hashlib.sha256(f"{version}\0{a}\0{b}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, Judgement]:
        out = {}
        for key, (dim, data) in self._store.get_many(keys).items():
            if dim == 3 and len(data) == 12:
                p = np.frombuffer(data, np.float32)
                if np.all(np.isfinite(p)) and abs(float(p.sum()) - 1) < 1e-3:
                    out[key] = tuple(float(x) for x in p)
        return out

    def put_many(self, items: Sequence[tuple[str, Judgement]]) -> None:
        self._store.put_many([(k, 3, np.asarray(v, np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self._store.close()


WINDOW = 2  # how far (in statements) from the premise the model may read one more sentence of its article
_WINDOW_MAX_LEMMAS = 40  # a longer neighbour would crowd the pair out of the model's 128 tokens


def premise_text(a: Statement, b: Statement, article: Sequence[Statement], window: int = WINDOW) -> str:
    """What the model reads as the premise of (a, b): ``a``, and beside it, in article order, the one
    statement of a's article within ``window`` of it that says most of what ``b`` says and ``a`` does not.

    Why: a claim is often made across two sentences ("The company denied the report. It said the plan
    was never discussed."), and the model judges a sentence pair. Judging each hypothesis against the
    premise's best single sentence lost RTE pairs that the whole premise entails (accuracy 0.689 on whole
    premises, 0.669 on the best sentence, 0.686 on the best sentence and this neighbour); the model learnt
    on premises of this shape (FNC-1 bodies cut to the two sentences nearest the headline). Only a near
    neighbour is read, so that what the model judges stays the passage the report shows.
    """
    missing = set(b.lemmas) - set(a.lemmas)
    if not missing or window <= 0:
        return a.text
    best, best_key = None, (0, 0)
    for s in article:
        distance = abs(s.index - a.index)
        if s.id == a.id or distance > window or len(s.lemmas) > _WINDOW_MAX_LEMMAS or s.text == a.text:
            continue
        key = (len(missing.intersection(s.lemmas)), -distance)
        if key[0] and key > best_key:
            best, best_key = s, key
    if best is None:
        return a.text
    return f"{best.text} {a.text}" if best.index < a.index else f"{a.text} {best.text}"


def claim_text(a: Statement, b: Statement) -> str:
    """What the model reads as the claim of (a, b): ``b``, with each figure that means the same as one of ``a``'s but
    is written otherwise put in ``a``'s words ("In May 2020 Alibaba put RMB10 billion into Tmall Genie" is read as
    "... put 10 billion yuan into ..." against "Alibaba invested 10 billion yuan").

    Why: the model takes one figure in two notations for a contradiction (0.91 on that pair); the rules compare
    figures after normalising them, and the model should judge what the two sentences say around them."""
    from crosscheck.verdicts.rules.kinds.values import COMPARABLE_KINDS, compare_quantities

    cmp = compare_quantities(a, b, tolerance=0.0, max_ratio=1e9, min_frame_overlap=0.0, kinds=COMPARABLE_KINDS)
    if not cmp.matches or cmp.conflicts:
        return b.text
    text, done = b.text, set()
    for qa, qb in sorted(cmp.matches, key=lambda m: -m[1].start):  # from the end: earlier offsets stay valid
        start, end = qb.start - b.start, qb.end - b.start
        wording = a.text[qa.start - a.start:qa.end - a.start]
        if (start, end) in done or not (0 <= start < end <= len(text)) or not wording or qa.value != qb.value:
            continue
        done.add((start, end))
        text = text[:start] + wording + text[end:]
    return text


def pairs_to_judge(alignments: Sequence[Alignment], statements: Mapping[str, Statement], min_alignment: float,
                   per_statement: int) -> list[Alignment]:
    """Cross-document alignments at or above ``min_alignment``, each statement's best few per other document."""
    best: dict[tuple[str, str], list[Alignment]] = {}
    for al in alignments:
        a, b = statements[al.a], statements[al.b]
        if a.document == b.document or al.score < min_alignment:
            continue
        for mine, other in ((a, b), (b, a)):
            best.setdefault((mine.id, other.document), []).append(al)
    keep: dict[tuple[str, str], Alignment] = {}
    for found in best.values():
        for al in sorted(found, key=lambda x: (-x.score, x.a, x.b))[:per_statement]:
            keep[(al.a, al.b)] = al
    return [keep[k] for k in sorted(keep)]


COMBINER_PER_STATEMENT = 2  # each statement's best aligned pairs per other document whose judgements the combiner reads


def combiner_pairs(rules: Sequence, alignments: Sequence[Alignment], statements: Mapping[str, Statement]
                   ) -> list[Alignment]:
    """The pairs whose judgements the combiner's story features read: each statement's best two per other
    document at or above the loosest ``min_alignment`` of the contradiction rules. One definition for
    training (training.combiner_train) and for ``crosscheck eval``'s verdicts, which read the same features:
    judged differently, a row's model features are 0 at run time where training saw the model's view."""
    from crosscheck.verdicts.rules.kinds import KINDS

    floors = [r.params.min_alignment for r in rules if KINDS[r.kind].check is not None and r.kind != "agreement"]
    if not floors:
        return []
    return pairs_to_judge(alignments, statements, min(floors), COMBINER_PER_STATEMENT)


def judge(model: PairModel, pairs: Sequence[tuple[str, str]], cache: JudgementCache | None = None,
          progress: Callable[[int, int], None] | None = None) -> list[Judgement]:
    """The model's probabilities for each (a, b), from the cache where it has them; ``IDENTICAL`` where
    a and b are the same text (no model, no cache)."""
    keys = [JudgementCache.key(model.version, a, b) for a, b in pairs]
    asked = [k for k, (a, b) in zip(keys, pairs) if a != b]
    found: dict[str, Judgement] = cache.get_many(asked) if cache and asked else {}
    found.update((k, IDENTICAL) for k, (a, b) in zip(keys, pairs) if a == b)
    todo = sorted({k: p for k, p in zip(keys, pairs) if k not in found}.items())
    if todo:
        if progress:
            progress(0, len(todo))
        probs = model.probabilities([p for _, p in todo])
        fresh = [(k, tuple(float(x) for x in row)) for (k, _), row in zip(todo, probs)]
        found.update(fresh)
        if cache:
            cache.put_many(fresh)
        if progress:
            progress(len(todo), len(todo))
    return [found[k] for k in keys]


# what the model reads as the premise. "sentence": the earlier statement alone, the view the rules read (a veto
# or an NLI01 finding is about the two statements the report shows: with a neighbour read too, the premise of
# an article that reports a claim and then its denial entails the claim, and the model's agreement vetoed the
# denial); "passage": the statement with its neighbour (``premise_text``), the view the combiner's features
# read (a claim made over two sentences is entailed by the two: RTE and FNC-1 agreement F1 rose with it)
View = Literal["sentence", "passage"]


def judge_alignments(model: PairModel, alignments: Sequence[Alignment], statements: Sequence[Statement],
                     documents: Sequence[Document], min_alignment: float, per_statement: int = 2,
                     cache: JudgementCache | None = None, progress: Callable[[int, int], None] | None = None,
                     also: Sequence[Alignment] = (), max_pairs: int | None = None, view: View = "sentence"
                     ) -> dict[tuple[str, str], Judgement]:
    """Judgements keyed by the alignment's (a, b) ids; the model reads the earlier article's statement first,
    alone or with its neighbour (``view``: see ``View``). ``also``: alignments judged whatever their score
    (the pairs a rule reports on); ``max_pairs`` bounds the others (the best aligned kept)."""
    from crosscheck.statements.extract import statements_by_document
    from crosscheck.verdicts.rules.engine import make_pair

    by_stmt = {s.id: s for s in statements}
    by_doc = {d.id: d for d in documents}
    chosen = pairs_to_judge(alignments, by_stmt, min_alignment, per_statement)
    if max_pairs is not None and len(chosen) > max_pairs:  # the best aligned, in a fixed order
        chosen = sorted(sorted(chosen, key=lambda al: (-al.score, al.a, al.b))[:max_pairs], key=lambda al: (al.a, al.b))
    known = {(al.a, al.b) for al in chosen}
    chosen += sorted((al for al in also if (al.a, al.b) not in known and by_stmt[al.a].document != by_stmt[al.b].document),
                     key=lambda al: (al.a, al.b))
    ordered = [make_pair(al, by_stmt, by_doc) for al in chosen]
    articles = statements_by_document(statements) if view == "passage" else {}
    asked = [(premise_text(p.a, p.b, articles.get(p.a.document, ())) if view == "passage" else p.a.text,
              claim_text(p.a, p.b)) for p in ordered]
    return {(al.a, al.b): j for al, j in zip(chosen, judge(model, asked, cache, progress))}


def lead_claim_pairs(stories: Sequence, statements: Sequence[Statement], vectors: np.ndarray,
                     documents: Sequence[Document], claims: int, evidence: int, min_cosine: float,
                     params, alignments: Sequence[Alignment] = ()) -> list[Alignment]:
    """Each article's lead claims against the closest statements of every other outlet's article in the story.

    Why: a refuting article seldom repeats the claim it refutes sentence by sentence ("the photo is a
    fake", "the site is satire"), so alignment, which pairs statements that say the same thing, rarely
    pairs the claim with its refutation. An article's lead states its claim; each other outlet's closest
    statements to it are its evidence: the FNC-1 shape the model was trained on (a claim against the
    sentences of a body that bear on it). A pair may also be aligned: the nli rule then reads it twice,
    with each path's threshold. Bounded like alignment: in a story of more than ``params.max_partners + 1``
    articles, only article pairs that alignment paired are read (not every pair of a 500-article story).
    """
    from crosscheck.alignments import leads, score_pair

    rows: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        rows.setdefault(s.document, []).append(i)
    outlet = {d.id: d.outlet or d.id for d in documents}
    doc_of = {s.id: s.document for s in statements}
    partners = {frozenset((doc_of[al.a], doc_of[al.b])) for al in alignments}
    out: dict[tuple[str, str], Alignment] = {}
    for story in stories:
        docs = [d for d in story.documents if rows.get(d)]
        bounded = len(docs) > params.max_partners + 1
        for da in docs:
            claims_of_a = leads(rows[da], statements, claims)
            for db in docs:
                if db == da or outlet[db] == outlet[da] or (bounded and frozenset((da, db)) not in partners):
                    continue
                ib = rows[db]
                sims = vectors[claims_of_a] @ vectors[ib].T if claims_of_a else np.zeros((0, len(ib)))
                for r, i in enumerate(claims_of_a):
                    for c in np.argsort(-sims[r], kind="stable")[:evidence].tolist():
                        if sims[r, c] < min_cosine:
                            continue
                        al = score_pair(statements[i], statements[ib[c]], float(sims[r, c]), params)
                        out[(al.a, al.b)] = al
    return [out[k] for k in sorted(out)]

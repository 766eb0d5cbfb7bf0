"""Stories -> alignments: statement pairs across documents that talk about the same thing.

Candidates come from nearest neighbours in embedding space inside one story (never all pairs
of the corpus); each candidate is then scored by a blend of embedding cosine, rapidfuzz
lexical overlap of content lemmas and overlap of named entities.

Bounded for giant stories: a story of more than ``max_partners + 1`` documents aligns each
document only with its ``max_partners`` nearest documents (mean sentence vector), so the work
grows linearly with the story's size, not with its square. Smaller stories align every pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from crosscheck.nouns import Alignment, Statement, Story
from crosscheck.statements.entities import shared_names


@dataclass(frozen=True)
class AlignParams:
    threshold: float = 0.4  # blended score a pair needs to be aligned (each rule sets its own minimum too)
    min_cosine: float = 0.3  # candidates below this cosine are not scored at all
    neighbours: int = 4  # nearest neighbours kept per statement and document pair
    cosine_weight: float = 0.65
    lexical_weight: float = 0.2
    entity_weight: float = 0.15
    max_partners: int = 16  # documents of a larger story are aligned only with their nearest this many


def lexical_overlap(a: Statement, b: Statement) -> float:
    """rapidfuzz token-set ratio of the two statements' content lemmas, 0-1."""
    if not a.lemmas or not b.lemmas:
        return 0.0
    return fuzz.token_set_ratio(" ".join(a.lemmas), " ".join(b.lemmas)) / 100.0


def entity_overlap(a: Statement, b: Statement) -> float:
    """Jaccard overlap of normalised entity keys (0 when neither names anything)."""
    ka, kb = {e.key for e in a.entities}, {e.key for e in b.entities}
    if not ka or not kb:
        return 0.0
    shared = len(shared_names(ka, kb))
    return shared / (len(ka) + len(kb) - shared)


def score_pair(a: Statement, b: Statement, cosine: float, params: AlignParams) -> Alignment:
    lex, ent = lexical_overlap(a, b), entity_overlap(a, b)
    score = params.cosine_weight * cosine + params.lexical_weight * lex + params.entity_weight * ent
    first, second = (a, b) if (a.document, a.index) <= (b.document, b.index) else (b, a)
    return Alignment(first.id, second.id, round(float(score), 6), round(float(cosine), 6), round(lex, 6), round(ent, 6))


def align_story(story: Story, statements: Sequence[Statement], vectors: np.ndarray,
                params: AlignParams = AlignParams()) -> list[Alignment]:
    """Aligned pairs between every two documents of the story, best first per pair."""
    rows: dict[str, list[int]] = {d: [] for d in story.documents}
    for i, s in enumerate(statements):
        if s.document in rows:
            rows[s.document].append(i)
    out: dict[tuple[str, str], Alignment] = {}
    prepared: dict[int, _Prepared] = {}
    docs = [d for d in story.documents if rows[d]]
    for da, db in document_pairs(docs, [rows[d] for d in docs], vectors, params.max_partners):
        ia, ib = rows[da], rows[db]
        sim = vectors[ia] @ vectors[ib].T
        # candidates: each statement's nearest in the other document, both ways, each pair scored once
        chosen = np.zeros(sim.shape, dtype=bool)
        k = min(params.neighbours, sim.shape[1])
        chosen[np.arange(sim.shape[0])[:, None], np.argsort(-sim, axis=1)[:, :k]] = True
        k = min(params.neighbours, sim.shape[0])
        chosen[np.argsort(-sim.T, axis=1)[:, :k], np.arange(sim.shape[1])[:, None]] = True
        chosen &= sim >= params.min_cosine
        rs, cs = np.nonzero(chosen)
        for r, c, cosine in zip(rs.tolist(), cs.tolist(), sim[rs, cs].tolist()):  # plain floats: same values
            x, y = ia[r], ib[c]
            pa = prepared.get(x) or prepared.setdefault(x, _Prepared(statements[x]))
            pb = prepared.get(y) or prepared.setdefault(y, _Prepared(statements[y]))
            _consider(out, pa, pb, cosine, params)
    return sorted(out.values(), key=lambda a: (-a.score, a.a, a.b))


def document_pairs(docs: Sequence[str], rows: Sequence[Sequence[int]], vectors: np.ndarray,
                   max_partners: int) -> list[tuple[str, str]]:
    """The document pairs of a story to align: all of them, or each document's nearest ``max_partners``."""
    n = len(docs)
    if n <= max_partners + 1:
        return [(docs[x], docs[y]) for x in range(n) for y in range(x + 1, n)]
    centroids = np.stack([vectors[list(r)].mean(axis=0) for r in rows])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    chosen: set[tuple[int, int]] = set()
    for start in range(0, n, 1024):
        sim = centroids[start:start + 1024] @ centroids.T
        local = np.arange(sim.shape[0])
        sim[local, start + local] = -np.inf
        top = np.argpartition(-sim, max_partners, axis=1)[:, :max_partners]
        for x, ys in zip((start + local).tolist(), top.tolist()):
            chosen.update((min(x, y), max(x, y)) for y in ys)
    return [(docs[x], docs[y]) for x, y in sorted(chosen)]


class _Prepared:
    """What scoring reads of a statement, computed once per statement instead of once per candidate pair."""

    __slots__ = ("statement", "lemmas", "keys", "heads")

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.lemmas = " ".join(statement.lemmas)
        self.keys = {e.key for e in statement.entities}
        # two keys can name the same thing only if their first words are equal (see same_name)
        self.heads = {k.split(" ", 1)[0] for k in self.keys if k}


def _consider(out: dict, pa: _Prepared, pb: _Prepared, cosine: float, params: AlignParams) -> None:
    """``score_pair``, exactly, kept if it reaches the threshold; the entity overlap is skipped when even a
    perfect one could not lift the pair over it."""
    a, b = pa.statement, pb.statement
    key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    if key in out:
        return
    lex = fuzz.token_set_ratio(pa.lemmas, pb.lemmas) / 100.0 if pa.lemmas and pb.lemmas else 0.0
    if params.cosine_weight * cosine + params.lexical_weight * lex + params.entity_weight < params.threshold - 1e-6:
        return
    ent = 0.0
    if pa.keys and pb.keys and not pa.heads.isdisjoint(pb.heads):
        shared = len(shared_names(pa.keys, pb.keys))
        ent = shared / (len(pa.keys) + len(pb.keys) - shared)
    score = params.cosine_weight * cosine + params.lexical_weight * lex + params.entity_weight * ent
    if round(float(score), 6) < params.threshold:
        return
    first, second = (a, b) if (a.document, a.index) <= (b.document, b.index) else (b, a)
    out[key] = Alignment(first.id, second.id, round(float(score), 6), round(float(cosine), 6), round(lex, 6),
                         round(ent, 6))


def align_within(statements: Sequence[Statement], vectors: np.ndarray, params: AlignParams = AlignParams()
                 ) -> list[Alignment]:
    """Pairs inside one document where a denial or negation is followed by a turn of events.

    Used only to find updates told inside one article ("X denied joining. However, X and Y will
    launch..."); cross-document pairs come from ``align_story``.
    """
    out = []
    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        by_doc.setdefault(s.document, []).append(i)
    for idx in by_doc.values():
        for p, i in enumerate(idx):
            a = statements[i]
            if not (a.polarity.negated or a.polarity.denial):
                continue
            for j in idx[p + 1:p + 6]:
                b = statements[j]
                if b.polarity.negated or b.polarity.denial:
                    continue
                al = score_pair(a, b, float(vectors[i] @ vectors[j]), params)
                if al.entity_overlap > 0:
                    out.append(al)
    return out


# what a statement calls false when it judges the story as a whole ("the report is fiction", "the site is
# satirical"); "rumours that the police used rubber bullets were untrue" judges a rumour of its own
STORY_NOUNS = frozenset({"story", "report", "claim", "news", "article", "photo", "picture", "image", "video", "footage",
                         "site", "website", "tale", "account", "post", "tweet", "headline", "hoax"})


def _about_the_story(s: Statement) -> bool:
    """A refutation of the story itself: it names the story ("the report", "the photo", "a hoax") and little
    else (at most 12 content words): one that names its own particulars would have aligned with them. A
    bare verdict ("Also, as it turns out, not even remotely true."), a whole sentence with no name and at
    most ``BARE_VERDICT_WORDS`` content words, judges the story the article has just told."""
    if not s.entities and len(s.lemmas) <= BARE_VERDICT_WORDS and not (s.before or s.after):
        return True  # a whole sentence: a clause ("People say 'it gets better' but that isn't true") judges its own
    return bool(STORY_NOUNS.intersection(s.lemmas)) and len(s.lemmas) <= 12


BARE_VERDICT_WORDS = 3


LEAD_MIN_WORDS = 6  # a dateline ("BUENOS AIRES, Dec. 29") or a kicker is not an article's claim


def leads(rows: Sequence[int], statements: Sequence[Statement], n: int) -> list[int]:
    """An article's first ``n`` statements of ``LEAD_MIN_WORDS`` words or more (``rows``: its statements'
    indices, in order): where it states its claim."""
    return [i for i in rows if len(statements[i].text.split()) >= LEAD_MIN_WORDS][:n]


def refutation_pairs(stories: Sequence[Story], statements: Sequence[Statement], vectors: np.ndarray,
                     outlets: dict[str, str], alignments: Sequence[Alignment], min_alignment: float,
                     params: AlignParams, extra_cues: tuple[str, ...] = ()) -> list[Alignment]:
    """Each statement that calls the story false against every other outlet's article it aligns with nowhere.

    Why: "The report is fiction" or "the site is satirical" names nothing of the claim it refutes, so it
    aligns with no sentence of the article that reports the claim, and no rule ever reads the two
    together. That article's claim is in its lead: the refuting statement is paired with the article's
    first statement of six words or more. ``outlets`` maps document ids to outlet names (one outlet
    never refutes itself). Bounded like alignment: in a story of more than ``params.max_partners + 1``
    articles only article pairs that alignment paired are read.
    """
    from crosscheck.statements.cues import debunk_cues

    rows: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        rows.setdefault(s.document, []).append(i)
    doc_of = {s.id: s.document for s in statements}
    reached = {(x, doc_of[y]) for al in alignments if al.score >= min_alignment for x, y in ((al.a, al.b), (al.b, al.a))}
    partners = {frozenset((doc_of[al.a], doc_of[al.b])) for al in alignments}
    lead_of = {d: (leads(idx, statements, 1) or idx[:1])[0] for d, idx in rows.items()}
    out: dict[tuple[str, str], Alignment] = {}
    for story in stories:
        docs = [d for d in story.documents if rows.get(d)]
        bounded = len(docs) > params.max_partners + 1
        for db in docs:
            for i in rows[db]:
                if not debunk_cues(statements[i].text, extra_cues) or not _about_the_story(statements[i]):
                    continue
                for da in docs:
                    if (outlets.get(da, da) == outlets.get(db, db) or (statements[i].id, da) in reached
                            or (bounded and frozenset((da, db)) not in partners)):
                        continue
                    j = lead_of[da]
                    al = score_pair(statements[j], statements[i], float(vectors[j] @ vectors[i]), params)
                    out[(al.a, al.b)] = al
    return [out[k] for k in sorted(out)]

"""Documents -> stories: articles grouped by what they cover.

How news aggregators group coverage, in three signals: the headline and lead (embedded
together: what the article says it is about), the body (each sentence's best match in the other
article, averaged both ways), and distinctive names (tf-idf weighted, so a company that every
article mentions links nothing by itself). Articles further apart in time than ``max_gap_days``
are never one story: a story never mixes unrelated articles that merely share a company name.

Scaling: only candidate pairs are scored. When there are more documents than
``StoryParams.candidates + 1``, each document's candidates are its nearest documents by a
blend of headline vector and mean sentence vector (numpy brute force in blocks), and any of its
200 nearest that are similar enough by that blend to belong to one story; the grouping
is average-link over that sparse graph, a pair that was not scored counting as similarity 0
(exactly what the dense version does for pairs too far apart in time). With few documents every
pair is a candidate, so small inputs are grouped exactly as by the dense ``similarity_matrix``.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crosscheck.nouns import Document, Statement, Story

NAME_LABELS = frozenset({"ORG", "PERSON", "PRODUCT", "GPE", "EVENT", "FAC", "WORK_OF_ART", "PROPN", "NORP"})
_BLOCK = 1024  # query rows per block of the brute-force neighbour search (bounds memory to ~_BLOCK x n floats)


@dataclass(frozen=True)
class StoryParams:
    # average-link similarity needed to join two groups (the weights below add up to 1.1). Chosen on the 60
    # folders of ../shared/eval/stories put together (README, "Story grouping"): with ``attach_threshold``,
    # pairwise purity 1.0 and completeness 0.969 (the blend of headline 0.5, content 0.3, names 0.2 at 0.3:
    # 0.961 and 0.914); refuting outlets write other leads than affirming ones, but two articles of one story
    # share a claim sentence
    threshold: float = 0.49
    # a lone article joins the story of two or more it links to best on average, when that link is at least
    # this: a story that two articles already found takes a third on less evidence than founding one needs
    # (a refuting outlet opens elsewhere and shares fewer sentences). Chosen with ``threshold`` on the same
    # folders: both sets meet 0.95 / 0.95 for thresholds 0.485-0.51 and attach bars 0.36-0.42.
    attach_threshold: float = 0.40
    headline_weight: float = 0.3
    content_weight: float = 0.2  # mean best-match cosine of each article's sentences in the other
    name_weight: float = 0.1
    claim_weight: float = 0.3  # the cosine of the two articles' closest pair of sentences
    claims_weight: float = 0.2  # the mean cosine of their three closest pairs of sentences
    max_gap_days: int = 365  # articles further apart than this are never one story
    candidates: int = 30  # nearest documents scored per document (every pair when there are fewer documents)
    # ... and any of its ``candidate_cap`` nearest whose blended headline / mean-vector similarity is at least
    # this: large stories keep all their pairs (on 1,000 generated articles, grouping then equals the dense one)
    candidate_floor: float = 0.25
    candidate_cap: int = 200
    # the search key's blend of headline vector and mean sentence vector (a dot product of two keys is
    # 0.5 headline cosine + 0.3 mean-vector cosine, the scale ``candidate_floor`` was set on)
    candidate_weights: tuple[float, float] = (0.5, 0.3)


@dataclass(frozen=True)
class StoryGraph:
    """The scored candidate pairs: ``sims[k]`` is the story similarity of documents ``i[k]`` < ``j[k]``."""

    n: int
    i: np.ndarray
    j: np.ndarray
    sims: np.ndarray

    @property
    def scored(self) -> int:
        return int(len(self.i))


def headline_text(doc: Document, statements: Sequence[Statement]) -> str:
    """What the article says it is about: its title and its first sentence."""
    lead = next((s.text for s in statements if s.document == doc.id), "")
    return f"{doc.title}. {lead}".strip(". ") if doc.title else lead


def content_similarity(a_vecs: np.ndarray, b_vecs: np.ndarray) -> float:
    """Mean best-match cosine of each article's sentences in the other, averaged both ways."""
    if not len(a_vecs) or not len(b_vecs):
        return 0.0
    sim = a_vecs @ b_vecs.T
    return float((sim.max(axis=1).mean() + sim.max(axis=0).mean()) / 2)


def claim_similarity(a_vecs: np.ndarray, b_vecs: np.ndarray) -> tuple[float, float]:
    """(the closest pair of sentences' cosine, the mean of the closest three): two articles of one story
    share a claim even when one of them refutes it or tells it in another order."""
    if not len(a_vecs) or not len(b_vecs):
        return 0.0, 0.0
    return _best_and_top(a_vecs @ b_vecs.T)


def _best_and_top(sim: np.ndarray, top: int = 3) -> tuple[float, float]:
    cells = sim.ravel()
    k = min(top, cells.size)
    best = np.partition(cells, cells.size - k)[cells.size - k:]
    return float(best.max()), float(best.mean())


def name_vectors(documents: Sequence[Document], statements: Sequence[Statement]) -> list[dict[str, float]]:
    """tf-idf weighted, unit-length bags of entity keys per document.

    The idf is smoothed (+1, as scikit-learn's): unsmoothed, a name that every document of a small input
    shares weighs nothing, and two articles about the same people shared no name at all."""
    counts = [Counter() for _ in documents]
    index = {d.id: i for i, d in enumerate(documents)}
    for s in statements:
        for e in s.entities:
            if e.label in NAME_LABELS and e.key:
                counts[index[s.document]][e.key] += 1
    df = Counter(k for c in counts for k in c)
    n = len(documents)
    out = []
    for c in counts:
        vec = {k: (1 + math.log(v)) * (math.log((1 + n) / (1 + df[k])) + 1) for k, v in c.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        out.append({k: x / norm for k, x in vec.items() if x > 0})
    return out


def _rows_of(documents: Sequence[Document], statements: Sequence[Statement]) -> list[list[int]]:
    rows: dict[str, list[int]] = {d.id: [] for d in documents}
    for i, s in enumerate(statements):
        if s.document in rows:
            rows[s.document].append(i)
    return [rows[d.id] for d in documents]


def _too_far(a: Document, b: Document, params: StoryParams) -> bool:
    return bool(a.published and b.published and abs((a.published - b.published).days) > params.max_gap_days)


def _blocks(rows: list[list[int]], vectors: np.ndarray) -> list[np.ndarray]:
    """Each document's statement vectors: a view when its statements are contiguous (the usual case)."""
    out = []
    for idx in rows:
        if idx and idx[-1] - idx[0] + 1 == len(idx):
            out.append(vectors[idx[0]:idx[-1] + 1])
        else:
            out.append(vectors[idx])
    return out


def _pair_similarity(i: int, j: int, blocks: list[np.ndarray], head: float, names: list[dict[str, float]],
                     params: StoryParams) -> float:
    shared = sum(w * names[j].get(k, 0.0) for k, w in names[i].items())
    claim, claims = claim_similarity(blocks[i], blocks[j])
    return (params.headline_weight * head
            + params.content_weight * content_similarity(blocks[i], blocks[j])
            + params.name_weight * shared + params.claim_weight * claim + params.claims_weight * claims)


def similarity_matrix(documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                      headlines: np.ndarray, params: StoryParams = StoryParams()) -> np.ndarray:
    """Pairwise story similarity of documents, 0 for pairs too far apart in time (dense: small inputs only)."""
    blocks = _blocks(_rows_of(documents, statements), vectors)
    names = name_vectors(documents, statements)
    head = headlines @ headlines.T
    n = len(documents)
    sim = np.eye(n, dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            if _too_far(documents[i], documents[j], params):
                continue
            sim[i, j] = sim[j, i] = _pair_similarity(i, j, blocks, float(head[i, j]), names, params)
    return sim


def document_vectors(rows: Sequence[Sequence[int]], vectors: np.ndarray) -> np.ndarray:
    """Unit-length mean sentence vector per document (zeros for a document without statements)."""
    dim = vectors.shape[1] if vectors.ndim == 2 else 384
    out = np.zeros((len(rows), dim), dtype=np.float32)
    for d, idx in enumerate(rows):
        if idx:
            out[d] = vectors[idx].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def nearest_pairs(keys: np.ndarray, k: int, block: int = _BLOCK, floor: float | None = None,
                  cap: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i < j) by dot product of ``keys``, brute force in row blocks.

    Each row's ``k`` nearest, plus (``floor``) any of its ``cap`` nearest whose dot product is at
    least ``floor``: a story larger than k + 1 documents keeps all its pairs. Memory stays at
    ``block x n`` floats; time is n^2 dot products in BLAS (~1 s for 10,000 documents here).
    Every pair when ``k >= n - 1``.
    """
    n = len(keys)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if k >= n - 1:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    wide = min(n - 1, max(k, cap if floor is not None else k))
    keys = np.ascontiguousarray(keys, dtype=np.float32)
    found_i, found_j = [], []
    for start in range(0, n, block):
        sim = keys[start:start + block] @ keys.T
        rows = np.arange(sim.shape[0])
        sim[rows, start + rows] = -np.inf  # never oneself
        top = np.argpartition(-sim, wide - 1, axis=1)[:, :wide]
        if wide > k:  # rank the wide set: the k best always, the rest only above the floor
            values = np.take_along_axis(sim, top, axis=1)
            order = np.argsort(-values, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            values = np.take_along_axis(values, order, axis=1)
            keep = (np.arange(wide)[None, :] < k) | (values >= floor)
            r, c = np.nonzero(keep)
            found_i.append(start + r)
            found_j.append(top[r, c])
        else:
            found_i.append(np.repeat(start + rows, wide))
            found_j.append(top.reshape(-1))
    a, b = np.concatenate(found_i), np.concatenate(found_j)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(lo * n + hi)
    return pairs // n, pairs % n


def story_graph(documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                headlines: np.ndarray, params: StoryParams = StoryParams()) -> StoryGraph:
    """Score the candidate document pairs (nearest neighbours, never all n^2/2 pairs of a large corpus)."""
    n = len(documents)
    rows = _rows_of(documents, statements)
    headlines = np.asarray(headlines, dtype=np.float32).reshape(n, -1) if n else np.zeros((0, 384), np.float32)
    if n > params.candidates + 1:
        docvecs = document_vectors(rows, vectors)
        head_w, content_w = params.candidate_weights
        keys = np.hstack([math.sqrt(head_w) * headlines, math.sqrt(content_w) * docvecs]) \
            if headlines.shape[1] else docvecs
        ci, cj = nearest_pairs(keys, params.candidates, floor=params.candidate_floor, cap=params.candidate_cap)
    else:  # few documents: every pair, as the dense matrix has it
        ci, cj = (a.astype(np.int64) for a in np.triu_indices(n, k=1))
    if any(d.published for d in documents):
        keep = [p for p, (a, b) in enumerate(zip(ci.tolist(), cj.tolist()))
                if not _too_far(documents[a], documents[b], params)]
        ci, cj = ci[keep], cj[keep]
    names = name_vectors(documents, statements)
    if len(ci) and headlines.shape[1]:
        heads = np.einsum("ij,ij->i", headlines[ci], headlines[cj]).astype(np.float64)
    else:
        heads = np.zeros(len(ci), np.float64)
    with single_threaded_blas():
        content, claim, claims = _content_similarities(ci, cj, rows, vectors)
    shared = np.array([sum(w * names[b].get(k, 0.0) for k, w in names[a].items())
                       for a, b in zip(ci.tolist(), cj.tolist())], dtype=np.float64)
    sims = (params.headline_weight * heads + params.content_weight * content + params.name_weight * shared
            + params.claim_weight * claim + params.claims_weight * claims)
    return StoryGraph(n, ci.astype(np.int64), cj.astype(np.int64), sims)


def single_threaded_blas():
    """A context in which numpy's BLAS runs on one thread.

    The products here are small (a few dozen sentences a side); with two BLAS threads every one
    of them waits for a second thread, and on a busy machine that wait is a scheduler time slice:
    measured 17.6 s instead of 0.8 s for the content similarities of 1,000 articles under load.
    """
    return limited_blas(1)


def limited_blas(threads: int | None):
    """A context in which numpy's BLAS runs on ``threads`` threads (None: as it is). A no-op when
    threadpoolctl is not installed."""
    import contextlib

    if not threads:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(threads, user_api="blas")


def _content_similarities(ci: np.ndarray, cj: np.ndarray, rows: list[list[int]], vectors: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``content_similarity`` and ``claim_similarity`` of every candidate pair, one matrix product per
    document (not per pair).

    For document i, its sentences against the sentences of all its partners j at once; each
    partner's segment of columns gives i's best matches in j (row maxima) and j's in i (column
    maxima). Many tiny products cost far more than their arithmetic (BLAS call overhead).
    """
    out = np.zeros(len(ci), dtype=np.float64)
    claim, claims = np.zeros(len(ci), dtype=np.float64), np.zeros(len(ci), dtype=np.float64)
    if not len(ci):
        return out, claim, claims
    order = np.argsort(ci, kind="stable")
    starts = np.flatnonzero(np.r_[True, ci[order][1:] != ci[order][:-1]])
    for g, start in enumerate(starts):
        end = starts[g + 1] if g + 1 < len(starts) else len(order)
        picks = order[start:end]
        i = int(ci[picks[0]])
        if not rows[i]:
            continue
        picks = [p for p in picks.tolist() if rows[int(cj[p])]]
        if not picks:
            continue
        lengths = np.array([len(rows[int(cj[p])]) for p in picks])
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        columns = [k for p in picks for k in rows[int(cj[p])]]
        sim = (vectors[rows[i]] @ vectors[columns].T).astype(np.float64)
        forward = np.maximum.reduceat(sim, offsets, axis=1).mean(axis=0)  # i's sentences, best in each j
        backward = np.add.reduceat(sim.max(axis=0), offsets) / lengths  # each j's sentences, best in i
        out[picks] = (forward + backward) / 2
        for p, start_col, width in zip(picks, offsets.tolist(), lengths.tolist()):
            claim[p], claims[p] = _best_and_top(sim[:, start_col:start_col + width])
    return out, claim, claims


def average_link(n: int, i: np.ndarray, j: np.ndarray, sims: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-link agglomerative grouping over a sparse similarity graph (absent pairs count 0).

    Merges the two groups of highest mean pairwise similarity while it is at least
    ``threshold``. A group's link to another is the sum of its pairs' similarities over the
    product of the sizes; the heap holds upper bounds (a merged group's link never exceeds the
    larger link of its parts), re-pushed with the exact value when stale. Roughly
    O(E log E) for E scored pairs.
    """
    parent = list(range(n))
    size = [1] * n
    members: list[list[int]] = [[x] for x in range(n)]
    links: list[dict[int, float]] = [{} for _ in range(n)]
    for a, b, s in zip(i.tolist(), j.tolist(), sims.tolist()):
        if a == b:
            continue
        links[a][b] = links[a].get(b, 0.0) + s
        links[b][a] = links[b].get(a, 0.0) + s
    heap = [(-s, a, b) for a in range(n) for b, s in links[a].items() if a < b and s >= threshold]
    heapq.heapify(heap)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    while heap:
        neg, a, b = heapq.heappop(heap)
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        link = links[ra].get(rb, 0.0) / (size[ra] * size[rb])
        if link < -neg - 1e-12:  # stale upper bound: put back the true value
            if link >= threshold:
                heapq.heappush(heap, (-link, min(ra, rb), max(ra, rb)))
            continue
        keep, gone = (ra, rb) if len(links[ra]) >= len(links[rb]) else (rb, ra)
        parent[gone] = keep
        size[keep] += size[gone]
        members[keep].extend(members[gone])
        members[gone] = []
        links[keep].pop(gone, None)
        for x, s in links[gone].items():
            if x == keep:
                continue
            links[keep][x] = links[keep].get(x, 0.0) + s
            links[x][keep] = links[x].get(keep, 0.0) + s
            del links[x][gone]
        links[gone] = {}
    return [sorted(members[x]) for x in range(n) if find(x) == x]


def attach_lone_articles(groups: list[list[int]], graph: StoryGraph, threshold: float) -> list[list[int]]:
    """Each group of one article joins the group of two or more it links to best (mean similarity to its
    members, unscored pairs 0, as in ``average_link``) when that link is at least ``threshold``.

    Every lone article is judged against the groups as average link left them, so the result does not
    depend on the order of the articles; a lone article never joins another lone one.
    """
    group_of = np.empty(graph.n, dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    sizes = np.array([len(m) for m in groups])
    lone = {g: members[0] for g, members in enumerate(groups) if len(members) == 1}
    if not lone or (sizes > 1).sum() == 0:
        return groups
    sums: dict[int, Counter] = {g: Counter() for g in lone}
    for a, b, s in zip(graph.i.tolist(), graph.j.tolist(), graph.sims.tolist()):
        for x, y in ((a, b), (b, a)):
            gx, gy = int(group_of[x]), int(group_of[y])
            if gx in lone and sizes[gy] > 1:
                sums[gx][gy] += s
    joined = [list(m) for m in groups]
    for g, article in lone.items():
        links = {h: total / sizes[h] for h, total in sums[g].items()}
        if links:
            best = max(links, key=lambda h: (links[h], -h))
            if links[best] >= threshold:
                joined[best].append(article)
                joined[g] = []
    return [sorted(m) for m in joined if m]


def group_stories(documents: Sequence[Document], statements: Sequence[Statement], vectors: np.ndarray,
                  headlines: np.ndarray, params: StoryParams = StoryParams()) -> list[Story]:
    """Average-link agglomerative grouping, then lone articles attached at a lower bar; stories ordered by
    their earliest article."""
    if not documents:
        return []
    graph = story_graph(documents, statements, vectors, headlines, params)
    groups = average_link(graph.n, graph.i, graph.j, graph.sims, params.threshold)
    groups = attach_lone_articles(groups, graph, params.attach_threshold)

    def order(doc_index: int) -> tuple:
        d = documents[doc_index]
        return (d.published.isoformat() if d.published else "9999", d.id)

    groups = [sorted(g, key=order) for g in groups]
    groups.sort(key=lambda g: order(g[0]))
    return [Story(id=f"story-{n}", title=documents[g[0]].title or documents[g[0]].id,
                  documents=tuple(documents[i].id for i in g))
            for n, g in enumerate(groups, start=1)]

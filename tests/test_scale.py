"""Story grouping and alignment at scale, on synthetic vectors (no model): sparse, exact on small inputs, bounded."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest

from crosscheck.alignments import AlignParams, align_story, document_pairs
from crosscheck.nouns import Document, Statement, Story
from crosscheck.stories import (StoryGraph, StoryParams, attach_lone_articles, average_link, group_stories,
                                nearest_pairs, similarity_matrix, story_graph)

DIM = 384


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def planted(n_docs: int, n_clusters: int, per_doc: int = 4, noise: float = 0.7, seed: int = 0, days: int = 0):
    """Documents in planted clusters: headline and statement vectors scattered around the cluster's centre."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((n_clusters, DIM)))
    labels = rng.permutation(np.arange(n_docs) % n_clusters)
    documents, statements, vectors, headlines = [], [], [], []
    for d, label in enumerate(labels):
        published = dt.date(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, days + 1)))
        doc = Document(id=f"d{d:05d}", path="", title=f"t{d}", outlet=f"o{d}", published=published, url="",
                       text="x" * 100)
        documents.append(doc)
        headlines.append(unit(centres[label] + noise * rng.standard_normal(DIM) / np.sqrt(DIM)))
        for k in range(per_doc):
            statements.append(Statement(id=f"{doc.id}:{k}", document=doc.id, index=k, start=0, end=1, text="x"))
            vectors.append(unit(centres[label] + noise * rng.standard_normal(DIM) / np.sqrt(DIM)))
    return documents, statements, np.stack(vectors), np.stack(headlines), labels


def partition(groups) -> set[frozenset]:
    return {frozenset(g) for g in groups}


def dense_average_link(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """The original O(n^3) grouping, as a reference."""
    groups = [[i] for i in range(len(sim))]
    while len(groups) > 1:
        best, pair = threshold, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                link = float(np.mean(sim[np.ix_(groups[x], groups[y])]))
                if link >= best:
                    best, pair = link, (x, y)
        if pair is None:
            break
        x, y = pair
        groups[x] = sorted(groups[x] + groups[y])
        del groups[y]
    return groups


def test_planted_stories_are_recovered_from_few_scored_pairs():
    docs, statements, vectors, headlines, labels = planted(300, 30)
    start = time.perf_counter()
    graph = story_graph(docs, statements, vectors, headlines)
    groups = average_link(graph.n, graph.i, graph.j, graph.sims, StoryParams().threshold)
    elapsed = time.perf_counter() - start
    truth = partition(np.flatnonzero(labels == c).tolist() for c in range(30))
    assert partition(groups) == truth
    assert graph.scored <= 300 * StoryParams().candidates  # k per document at most ...
    assert graph.scored < 0.25 * 300 * 299 / 2  # ... far below all n^2/2 pairs
    assert elapsed < 10
    stories = group_stories(docs, statements, vectors, headlines)
    assert partition([int(d[1:]) for d in s.documents] for s in stories) == truth


def test_small_inputs_group_exactly_as_the_dense_matrix():
    rng = np.random.default_rng(1)
    for trial in range(20):
        n = int(rng.integers(2, 20))
        docs, statements, vectors, headlines, _ = planted(n, int(rng.integers(1, 5)), noise=1.1, seed=trial, days=500)
        params = StoryParams(threshold=float(rng.uniform(0.25, 0.5)))
        sim = similarity_matrix(docs, statements, vectors, headlines, params)
        graph = story_graph(docs, statements, vectors, headlines, params)
        assert graph.scored <= n * (n - 1) // 2
        sparse = average_link(graph.n, graph.i, graph.j, graph.sims, params.threshold)
        assert partition(sparse) == partition(dense_average_link(sim, params.threshold))


def test_sparse_grouping_equals_dense_when_the_neighbours_cover_the_stories():
    docs, statements, vectors, headlines, _ = planted(60, 8, noise=0.9, seed=3)
    params = StoryParams(candidates=12)
    sim = similarity_matrix(docs, statements, vectors, headlines, params)
    graph = story_graph(docs, statements, vectors, headlines, params)
    assert graph.n > params.candidates + 1
    assert partition(average_link(graph.n, graph.i, graph.j, graph.sims, params.threshold)) == \
        partition(dense_average_link(sim, params.threshold))


def graph_of(n: int, links: dict[tuple[int, int], float]) -> StoryGraph:
    pairs = sorted(links)
    return StoryGraph(n, np.array([a for a, _ in pairs], np.int64), np.array([b for _, b in pairs], np.int64),
                      np.array([links[p] for p in pairs], np.float64))


def test_a_lone_article_joins_the_story_it_links_to_best_above_the_lower_bar():
    # 0-1 and 2-3 are stories; 4 links 0.45 / 0.40 to the first (mean 0.425) and 0.30 to 2 only (mean 0.15)
    links = {(0, 1): 0.9, (2, 3): 0.8, (0, 4): 0.45, (1, 4): 0.40, (2, 4): 0.30, (3, 5): 0.2}
    graph = graph_of(6, links)
    groups = average_link(graph.n, graph.i, graph.j, graph.sims, 0.49)
    assert partition(groups) == {frozenset({0, 1}), frozenset({2, 3}), frozenset({4}), frozenset({5})}
    joined = attach_lone_articles(groups, graph, 0.40)
    assert partition(joined) == {frozenset({0, 1, 4}), frozenset({2, 3}), frozenset({5})}
    # a mean link under the bar, counting the unscored pair as 0, leaves it alone
    assert partition(attach_lone_articles(groups, graph, 0.43)) == partition(groups)


def test_lone_articles_never_join_each_other_and_the_order_does_not_matter():
    # 0 and 1 link strongly but are both alone (the grouping bar is higher still): attaching founds no story
    graph = graph_of(4, {(0, 1): 0.45, (2, 3): 0.9, (1, 2): 0.42, (1, 3): 0.41, (0, 2): 0.1})
    groups = average_link(graph.n, graph.i, graph.j, graph.sims, 0.49)
    joined = attach_lone_articles(groups, graph, 0.40)
    assert partition(joined) == {frozenset({0}), frozenset({1, 2, 3})}  # judged against {2, 3}, not {1, 2, 3}
    assert partition(attach_lone_articles(list(reversed(groups)), graph, 0.40)) == partition(joined)
    assert attach_lone_articles([[0], [1]], graph_of(2, {(0, 1): 0.45}), 0.40) == [[0], [1]]


def test_nearest_pairs_are_symmetric_unique_and_blockwise_exact():
    keys = unit(np.random.default_rng(2).standard_normal((500, 16)))
    i, j = nearest_pairs(keys, 5, block=64)
    assert (i < j).all() and len(set(zip(i.tolist(), j.tolist()))) == len(i)
    sim = keys @ keys.T
    np.fill_diagonal(sim, -np.inf)
    best = np.argmax(sim, axis=1)
    pairs = set(zip(i.tolist(), j.tolist()))
    assert all((min(a, b), max(a, b)) in pairs for a, b in enumerate(best.tolist()))


def test_a_giant_story_is_aligned_with_bounded_work():
    docs, statements, vectors, _, _ = planted(200, 1, per_doc=3, noise=1.0, seed=4)
    story = Story("s", "t", tuple(d.id for d in docs))
    rows = [[3 * d, 3 * d + 1, 3 * d + 2] for d in range(200)]
    params = AlignParams()
    pairs = document_pairs(story.documents, rows, vectors, params.max_partners)
    assert len(pairs) <= 200 * params.max_partners < 200 * 199 // 2
    assert all(a != b for a, b in pairs)
    start = time.perf_counter()
    align_story(story, statements, vectors, params)
    assert time.perf_counter() - start < 20
    small = document_pairs(story.documents[:10], rows[:10], vectors, params.max_partners)
    assert len(small) == 45  # a story of ordinary size: every pair


def test_a_run_holds_the_garbage_collector_back_and_restores_it_after(pipeline, monkeypatch):
    # why: at the default thresholds the collector walked a run's objects over and over (3-5 s of a warm
    # 1,000-article run of 17-20 s) and freed nothing; the thresholds are the caller's again afterwards
    import gc

    from crosscheck.pipeline import GC_THRESHOLD, fewer_collections
    from tests.conftest import make_doc

    before = gc.get_threshold()
    seen = []
    real = pipeline._analyse
    monkeypatch.setattr(pipeline, "_analyse", lambda *a: seen.append(gc.get_threshold()) or real(*a))
    pipeline.analyse([make_doc("gc", "The council approved the plan on Tuesday.")])
    assert seen == [GC_THRESHOLD] and gc.get_threshold() == before
    with pytest.raises(ValueError):
        with fewer_collections():
            raise ValueError("a stage failed")
    assert gc.get_threshold() == before

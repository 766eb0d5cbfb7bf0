"""Training the combiner: labelled dev rows + synthetic pairs -> ``combiner.json``, deterministic.

    python -m crosscheck.training.combiner_train [--data ../shared/eval/dev] [--work /tmp/crosscheck-train]

Why this shape:

* the dev data stays in ``../shared/eval/dev`` and is read at train time, never copied;
* rows are sampled by a hash of their id (``--rows TASK=N``) and split into folds by a hash of
  their ``text_a`` (the article or premise), so rows sharing an article, and the synthetic pairs
  made from it, always fall in the same fold: no text is both trained on and measured;
* the costly part (spaCy, the encoder, alignment) runs once; the extracted evidence is kept in
  ``--work`` and features and models are recomputed from it in seconds;
* the figures are cross-validated (5 folds): every measured row was predicted by a model that
  never saw its fold; the calibration temperature is fitted inside each training part only.

Needs scikit-learn (``pip install -e '.[train]'``); running crosscheck does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crosscheck.verdicts.combiner import CLASSES, Combiner
from crosscheck.verdicts.evidence import Evidence, story_evidence
from crosscheck.verdicts.features import NAMES, evidence_features
from crosscheck.training.synthetic import articles_from_texts, generate
from crosscheck.verdicts.rules.kinds.base import Pair
from crosscheck.evaluation.predict import Evaluator, Prediction, predictions_of, rows_stories
from crosscheck.evaluation.rows import EvalRow, read_rows
from crosscheck.evaluation.scoring import canonical
from crosscheck.pipeline import Pipeline, Settings

FOLDS = 5
SEED = 13
C = 0.5  # inverse L2 strength of the logistic regression (measured: 0.1-2 differ by < 0.01 macro F1)
# rows per dev file used for training and cross-validated measurement (hash-sampled). Only files whose
# rules allow training shipped weights on folds (../shared/train/README.md): never ANLI (non-commercial),
# never VitaminC (BIG-bench data). FNC-1 rows only from the contradiction model's held-out fold
# (training.nli_data.fnc1_fold == 1), so its probabilities on them are out-of-fold, as on a user's news.
DEFAULT_ROWS = {"fnc1": 1200, "rte": 1000, "summedits": 400}
# gold labels as the three combiner classes (RTE's not_agreement is mostly "not said": neutral)
THREE_WAY = {"contradiction": "contradiction", "agreement": "agreement", "neutral": "neutral",
             "unrelated": "neutral", "not_agreement": "neutral", "consistent": "agreement",
             "inconsistent": "contradiction"}
SYNTHETIC_ARTICLES = 200  # FNC-1 article bodies perturbed (hash-sampled)
PRECISION_GRID = tuple(round(0.3 + 0.05 * i, 2) for i in range(14))  # thresholds 0.30 ... 0.95


@dataclass(frozen=True)
class Example:
    """One training/measurement row: where it comes from, its label, its hand-rule prediction, its evidence."""

    task: str  # dev file stem, or "synthetic"
    row: EvalRow
    label: str  # one of CLASSES
    fold: int
    hand: Prediction
    evidence: Evidence


def fold_of(text: str) -> int:
    return int(hashlib.sha1(text.strip().encode("utf-8")).hexdigest(), 16) % FOLDS


def sample_rows(path: Path, n: int) -> list[EvalRow]:
    """The first ``n`` rows of the file by a hash of their id, in file order (FNC-1: the model's held-out fold)."""
    rows, _ = read_rows(path)
    if path.stem == "fnc1":
        from crosscheck.training.nli_data import fnc1_fold

        rows = [r for r in rows if fnc1_fold(r.text_a) == 1]
    rows = sorted(rows, key=lambda r: hashlib.sha1(r.id.encode()).hexdigest())[:n]
    return sorted(rows, key=lambda r: r.line)


def synthetic_rows(data: Path, nlp, articles: int = SYNTHETIC_ARTICLES, seed: int = SEED
                   ) -> tuple[list[EvalRow], dict[str, str]]:
    """FactCC-style pairs from real news (FNC-1 article bodies) as rows, and each row's article text
    (its fold key)."""
    from crosscheck.training.nli_data import fnc1_fold

    bodies: dict[str, str] = {}
    rows, _ = read_rows(data / "fnc1.jsonl")
    for r in rows:
        if fnc1_fold(r.text_a) != 1:
            continue  # the contradiction model trained on fold 0's bodies
        bodies.setdefault(hashlib.sha1(r.text_a.strip().encode()).hexdigest(), r.text_a)
    chosen = sorted(bodies)[:articles]
    arts = articles_from_texts([(h, bodies[h]) for h in chosen], nlp)
    out, group = [], {}
    for line, p in enumerate(generate(arts, seed=seed), start=1):
        out.append(EvalRow(p.id, line, p.text_a, p.text_b, p.label, (p.kind,)))
        group[p.id] = bodies[p.group]
    return out, group


def extract(rows: Sequence[EvalRow], pipeline: Pipeline, task: str, path: str,
            progress: Callable[[str], None] = lambda s: None, chunk: int = 200) -> list[tuple[EvalRow, Prediction, Evidence]]:
    """Hand-rule prediction and evidence of each row, through the same pipeline as ``eval``."""
    evaluator = Evaluator(pipeline, chunk_rows=chunk)
    out = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        docs, stories = rows_stories(part, path)
        analysis = evaluator.pipeline.analyse(docs, stories=stories)
        hand = predictions_of(part, analysis)
        evidence = story_evidence(analysis.stories, analysis.documents, analysis.statements, analysis.alignments)
        out += [(r, p, evidence[st.id]) for r, p, st in zip(part, hand, stories)]
        progress(f"{task}: {len(out)}/{len(rows)} rows")
    return out


def collect(data: Path, work: Path, rows_per_task: dict[str, int], progress: Callable[[str], None]) -> list[Example]:
    """Every example, extracted once and kept in ``work`` (delete it to extract again)."""
    work.mkdir(parents=True, exist_ok=True)
    # the pair model judges separately (example_judgements): the evidence is the rules and the alignment
    settings = Settings(cache_dir=work / "cache", combiner=False, contradiction_model=False)
    pipeline = Pipeline(settings)
    examples: list[Example] = []
    for task, n in sorted(rows_per_task.items()):
        path = data / f"{task}.jsonl"
        store = work / f"{task}-{n}-heldout.pkl"
        if store.exists():
            got = pickle.loads(store.read_bytes())
        else:
            got = extract(sample_rows(path, n), pipeline, task, str(path), progress)
            store.write_bytes(pickle.dumps(got))
        examples += [Example(task, r, THREE_WAY[str(canonical(r.gold))], fold_of(r.text_a), p, e) for r, p, e in got
                     if str(canonical(r.gold)) in THREE_WAY]
    store = work / f"synthetic-{SYNTHETIC_ARTICLES}-{SEED}-heldout.pkl"
    if store.exists():
        got, group = pickle.loads(store.read_bytes())
    else:
        from crosscheck.statements.nlp import load_nlp

        rows, group = synthetic_rows(data, load_nlp())
        got = extract(rows, pipeline, "synthetic", "synthetic", progress)
        store.write_bytes(pickle.dumps((got, group)))
    examples += [Example("synthetic", r, str(r.gold), fold_of(group[r.id]), p, e) for r, p, e in got]
    return examples


def example_judgements(examples: Sequence[Example], rules, work: Path, nli_model: str | None = None,
                       allow_download: bool = False, model=None) -> list[dict[tuple[str, str], tuple[float, float]]]:
    """The pair model's (contradiction, entailment) on the pairs the combiner reads at run time
    (verdicts/judge.py: ``combiner_pairs``), one table per example, cached in ``work``: the shipped
    contradiction model, ``nli_model``, or ``model`` (any object with ``version`` and ``probabilities``).

    One table per example because statement ids repeat across examples: every row's story is named after
    its line ("L00000005"), so line 5 of FNC-1, of RTE and of the synthetic pairs share "L00000005-a:0".
    A single table read by all (until 2026-12-04) gave 761 of 9,323 pairs another example's judgement:
    408 of the 1,000 RTE rows and 285 of the 400 SummEdits rows learnt from a neighbour's model features.
    """
    from crosscheck.verdicts.calibrate import nli_table
    from crosscheck.statements.extract import statements_by_document
    from crosscheck.verdicts.judge import JudgementCache, claim_text, combiner_pairs, judge, premise_text

    if model is None and nli_model:
        from crosscheck.verdicts.hf_cross_encoder import NliScorer

        model = NliScorer(nli_model, allow_download=allow_download)
    elif model is None:
        from crosscheck.verdicts.contradiction_model import ContradictionModel

        model = ContradictionModel()
    # per example: alignment ids -> (its pair, the (premise, claim) the model reads)
    asked: list[dict[tuple[str, str], tuple[Pair, tuple[str, str]]]] = []
    for e in examples:
        statements = {s.id: s for p in e.evidence.pairs for s in (p.a, p.b)}
        by_alignment = {(p.alignment.a, p.alignment.b): p for p in e.evidence.pairs}
        articles = statements_by_document(e.evidence.statements)
        mine = {}
        for al in combiner_pairs(rules, [p.alignment for p in e.evidence.pairs], statements):
            pair = by_alignment[(al.a, al.b)]
            mine[(al.a, al.b)] = (pair, (premise_text(pair.a, pair.b, articles.get(pair.a.document, ())),
                                         claim_text(pair.a, pair.b)))
        asked.append(mine)
    order = list(dict.fromkeys(texts for mine in asked for _, texts in mine.values()))  # each judged once
    found = dict(zip(order, judge(model, order, JudgementCache(work / "cache"))))
    return [nli_table({k: found[texts] for k, (_, texts) in mine.items()}, [pair for pair, _ in mine.values()]) or {}
            for mine in asked]


def feature_matrix(examples: Sequence[Example], rules,
                   nli: Sequence[dict[tuple[str, str], tuple[float, float]]] | None = None) -> np.ndarray:
    """Each example's feature vector, read with its own judgement table (``example_judgements``)."""
    if not examples:
        return np.zeros((0, len(NAMES)))
    return np.vstack([evidence_features(e.evidence, rules, nli[i] if nli is not None else None)
                      for i, e in enumerate(examples)])


def fit(x: np.ndarray, y: Sequence[str], weights: np.ndarray | None = None, c: float = C) -> Combiner:
    """Standardise, fit a multinomial logistic regression (deterministic lbfgs), temperature 1."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, tol=1e-8)
    with threadpool_limits(limits=1):  # one BLAS thread: the same sums in the same order, the same model
        model.fit((x - mean) / scale, list(y), sample_weight=weights)
    order = [list(model.classes_).index(k) for k in CLASSES]
    return Combiner(NAMES, mean, scale, model.coef_[order], model.intercept_[order])


def _with(combiner: Combiner, temperature: float) -> Combiner:
    from dataclasses import replace

    return replace(combiner, temperature=temperature)


def fit_calibrated(x: np.ndarray, y: Sequence[str], folds: np.ndarray, dev: np.ndarray) -> Combiner:
    """The combiner on all of ``x``; its temperature from inner cross-validated predictions of the dev rows."""
    inner = np.zeros((len(y), len(CLASSES)))
    logits_ok = np.zeros(len(y), dtype=bool)
    for k in sorted(set(folds.tolist())):
        train, test = folds != k, (folds == k) & dev
        if not test.any() or not train.any():
            continue
        m = fit(x[train], [y[i] for i in np.nonzero(train)[0]])
        inner[test] = np.log(np.clip(m.probabilities(x[test]), 1e-12, 1))
        logits_ok |= test
    final = fit(x, y)
    if not logits_ok.any():
        return final
    # the temperature is fitted on out-of-fold log-probabilities, as if they were logits
    t = _temperature_on_logits(inner[logits_ok], [y[i] for i in np.nonzero(logits_ok)[0]])
    return _with(final, t)


def _temperature_on_logits(logp: np.ndarray, y: Sequence[str]) -> float:
    idx = np.array([CLASSES.index(v) for v in y])
    best, best_t = np.inf, 1.0
    for t in np.arange(0.5, 2.51, 0.05):
        z = logp / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(np.clip(p[np.arange(len(idx)), idx], 1e-12, 1)))
        if loss < best - 1e-12:
            best, best_t = loss, float(t)
    return round(best_t, 2)


def cross_validate(examples: Sequence[Example], x: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities for every example: fold k predicted by a model fitted on the others
    (dev rows and synthetic pairs of the other folds), temperature fitted inside that training part."""
    y = [e.label for e in examples]
    folds = np.array([e.fold for e in examples])
    dev = np.array([e.task != "synthetic" for e in examples])
    out = np.zeros((len(examples), len(CLASSES)))
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        if not test.any():
            continue
        ytr = [y[i] for i in np.nonzero(train)[0]]
        model = fit_calibrated(x[train], ytr, folds[train], dev[train])
        out[test] = model.probabilities(x[test])
    return out


def precision_table(probs: np.ndarray, labels: Sequence[str], label: str) -> tuple[tuple[float, float], ...]:
    """(threshold, precision of flags at or above it) for ``label``, on out-of-fold predictions."""
    p = probs[:, CLASSES.index(label)]
    gold = np.array([v == label for v in labels])
    out = []
    for t in PRECISION_GRID:
        flagged = p >= t
        if flagged.sum() >= 10:
            out.append((t, round(float(gold[flagged].mean()), 3)))
    return tuple(out)


def train(data: Path, work: Path, output: Path, rows_per_task: dict[str, int] | None = None,
          progress: Callable[[str], None] = lambda s: None, nli_model: str | None = None,
          allow_download: bool = False) -> tuple[Combiner, list[Example], np.ndarray]:
    """Collect, cross-validate, fit the final combiner, write it; returns it, the examples and the
    out-of-fold probabilities (for the bench's tables and reliability diagram). With ``nli_model``
    the cross-encoder's probabilities are features too (use the combiner with the same --nli-model)."""
    from crosscheck.verdicts.rules.ruleset import load_rules

    started = time.perf_counter()
    examples = collect(data, work, rows_per_task or DEFAULT_ROWS, progress)
    rules = load_rules((), include_builtin=True)
    table = example_judgements(examples, rules, work, nli_model, allow_download)
    x = feature_matrix(examples, rules, table)
    progress(f"features of {len(examples)} examples")
    oof = cross_validate(examples, x)
    y = [e.label for e in examples]
    folds = np.array([e.fold for e in examples])
    dev = np.array([e.task != "synthetic" for e in examples])
    model = fit_calibrated(x, y, folds, dev)
    dev_idx = np.nonzero(dev)[0]
    thresholds = tuple((label, precision_table(oof[dev_idx], [y[i] for i in dev_idx], label))
                       for label in ("contradiction", "agreement"))
    counts = {t: sum(1 for e in examples if e.task == t) for t in sorted({e.task for e in examples})}
    meta = (("trained_on", ", ".join(f"{t} {n}" for t, n in counts.items())),
            ("command", "python -m crosscheck.training.combiner_train"), ("seed", str(SEED)), ("folds", str(FOLDS)),
            ("C", str(C)), ("thresholds", "out-of-fold precision on the dev rows, pooled"),
            ("nli_model", nli_model or ""))
    from dataclasses import replace

    model = replace(model, thresholds=thresholds, meta=meta)
    output.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    progress(f"wrote {output} ({output.stat().st_size} bytes) in {time.perf_counter() - started:.0f} s")
    return model, examples, oof


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the combiner (writes src/crosscheck/verdicts/combiner.json).")
    root = Path(__file__).resolve().parents[3]
    ap.add_argument("--data", type=Path, default=root.parent / "shared" / "eval" / "dev")
    ap.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-train"),
                    help="where extracted evidence and the embedding cache are kept between runs")
    ap.add_argument("--output", type=Path, default=Path(__file__).resolve().parents[1] / "verdicts" / "combiner.json")
    ap.add_argument("--rows", action="append", default=[], metavar="TASK=N", help="rows per dev file")
    ap.add_argument("--nli-model", help="an NLI cross-encoder whose probabilities become features")
    ap.add_argument("--allow-download", action="store_true", help="let --nli-model fetch from the Hugging Face hub")
    ap.add_argument("--extract-only", action="store_true", help="only extract the evidence into --work (resumable)")
    args = ap.parse_args(argv)
    rows = dict(DEFAULT_ROWS)
    rows.update({k: int(v) for k, v in (s.split("=", 1) for s in args.rows)})
    if args.extract_only:
        collect(args.data, args.work, rows, progress=lambda s: print(s, file=sys.stderr, flush=True))
        return 0
    train(args.data, args.work, args.output, rows, progress=lambda s: print(s, file=sys.stderr, flush=True),
          nli_model=args.nli_model, allow_download=args.allow_download)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A learned alignment score, measured against the hand blend it would replace (issue 17, item 3).

    python bench/alignment_score.py [--data ../shared/eval/dev] [--out bench/results/alignment-score]

Alignment scores a candidate pair with a hand blend, 0.65 cosine + 0.2 lexical + 0.15 entity overlap
(``AlignParams``). This fits a logistic regression over the same three features (weights >= 0, L2, soft
labels) on the pairs of ``ecbplus.jsonl`` (same event: 1 / 0) and ``sts.jsonl`` (gold / 5, twice the ECB+
rows' weight in all), each row's statement pair of highest cosine standing for the row, and maps its
logit monotonically onto the blend's scale (quantiles over every candidate pair of the training fold),
so that a rule's ``min_alignment`` would pass the same share of pairs. Two fits: free, and with the
entity weight held at >= 1.0 (the blend's share of the cosine's).

Folds, as the data's rules ask (``../shared/train/README.md``): ECB+ by topic, STS by sentence, each row
to fold 0 or 1 by a hash; fits learn fold 0, figures are fold 1's, and five-fold out-of-fold ones (ECB+
by topic). Nothing is shipped from here: what a shipped score would cost on ``sources/`` and the story
sets is in the README ("Alignment").
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
OUT = ROOT / "bench" / "results" / "alignment-score"
FEATURES = ("cosine", "lexical", "entity")
STS_WEIGHT = 2.0  # STS rows weigh twice the ECB+ rows in all
MIN_COSINE = 0.3  # AlignParams.min_cosine: pairs under it are never scored
KNOTS = 201
C = 1.0  # inverse regularisation strength of the logistic regression


def fold_of(key: str, folds: int = 2) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % folds


def row_fold(row: dict, folds: int = 2) -> int:
    """ECB+ rows by topic (a topic never straddles folds), STS rows by their first sentence."""
    topics = [t for t in row.get("tags", ()) if t.startswith("topic:")]
    return fold_of(topics[0] if topics else " ".join(row["text_a"].lower().split()), folds)


def read(name: str, data: Path = DEV) -> list[dict]:
    with open(data / f"{name}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def row_pairs(rows: list[dict], texts: list | None = None) -> list[list[tuple[float, ...]]]:
    """Each row's cross-document statement pairs as feature tuples, through the pipeline's own statements;
    ``texts``, when given, gets each row's highest-cosine pair as (text a, text b), or None."""
    from crosscheck.alignments import entity_overlap, lexical_overlap
    from crosscheck.evaluation.predict import _MemoPipeline, row_story
    from crosscheck.evaluation.rows import EvalRow
    from crosscheck.pipeline import Pipeline, Settings

    pipeline = _MemoPipeline(Pipeline(Settings()))
    try:
        docs = []
        for i, r in enumerate(rows, start=1):
            a, b, _ = row_story(EvalRow(id=str(r["id"]), line=i, text_a=r["text_a"], text_b=r["text_b"]))
            docs.append((a, b))
        statements = pipeline.statements_of([d for pair in docs for d in pair])
        vectors = pipeline.encoder.encode([s.embedding_text for s in statements])
    finally:
        pipeline.close()
    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        by_doc.setdefault(s.document, []).append(i)
    out = []
    for a, b in docs:
        xy = [(x, y) for x in by_doc.get(a.id, []) for y in by_doc.get(b.id, [])]
        features = [(float(vectors[x] @ vectors[y]), lexical_overlap(statements[x], statements[y]),
                     entity_overlap(statements[x], statements[y])) for x, y in xy]
        out.append(features)
        if texts is not None:
            best = max(range(len(xy)), key=lambda i: (features[i][0], xy[i]), default=None)
            texts.append((statements[xy[best][0]].text, statements[xy[best][1]].text) if best is not None else None)
    return out


def model_features(texts: list) -> np.ndarray:
    """The shipped contradiction model on each row's highest-cosine pair, both directions averaged:
    columns P(agreement), P(contradiction); a row without a pair gets zeros."""
    from crosscheck.verdicts.contradiction_model import LABELS, ContradictionModel

    pairs = [p for t in texts if t for p in (t, t[::-1])]
    probs = np.asarray(ContradictionModel().probabilities(pairs), dtype=float)
    agree, contra = LABELS.index("agreement"), LABELS.index("contradiction")
    out, k = np.zeros((len(texts), 2)), 0
    for i, t in enumerate(texts):
        if t:
            both = (probs[k] + probs[k + 1]) / 2.0
            out[i] = both[agree], both[contra]
            k += 2
    return out


def with_model(sets: dict, model: dict) -> dict:
    """Does the contradiction model add to cosine? Score = cosine + a * P(agreement) - c * P(contradiction) on each
    row's highest-cosine pair, (a, c) chosen on a grid by STS rho (or ECB+ F1) on four folds, measured on the
    fifth: five-fold out-of-fold."""
    from scipy.stats import spearmanr

    grid = [(a, c) for a in np.arange(0.0, 0.31, 0.025) for c in np.arange(0.0, 0.31, 0.025)]
    out = {}
    for name in ("sts", "ecbplus"):
        rows = sets[name]
        cos = np.array([max((p[0] for p in pairs), default=0.0) for _, pairs in rows])
        feats = model[name]
        if name == "sts":
            gold = np.array([float(r["gold"]) for r, _ in rows])

            def quality(score, idx):
                return float(spearmanr(score[idx], gold[idx]).statistic)
        else:
            gold = np.array([r["gold"] == "aligned" for r, _ in rows])

            def quality(score, idx):
                s, g = score[idx], gold[idx]
                return max(2 * ((s >= t) & g).sum() / max(1, (s >= t).sum() + g.sum()) for t in np.arange(0.2, 0.9, 0.01))
        folds = np.array([row_fold(r, 5) for r, _ in rows])
        oof, chosen = np.zeros(len(rows)), []
        for k in range(5):
            train, held = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
            a, c = max(grid, key=lambda ac: quality(cos + ac[0] * feats[:, 0] - ac[1] * feats[:, 1], train))
            chosen.append([round(float(a), 3), round(float(c), 3)])
            oof[held] = (cos + a * feats[:, 0] - c * feats[:, 1])[held]
        every = np.arange(len(rows))
        out[name] = {"cosine alone, all rows": round(quality(cos, every), 3),
                     "with the model, five-fold out-of-fold": round(quality(oof, every), 3),
                     "(a, c) per fold": chosen}
    return out


def blend(f: np.ndarray) -> np.ndarray:
    """The hand blend the learned score replaces (its weights were AlignParams' defaults)."""
    return 0.65 * f[..., 0] + 0.2 * f[..., 1] + 0.15 * f[..., 2]


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, floors=(0.0, 0.0, 0.0)) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with soft labels ``y`` in [0, 1] and row weights ``w``, every
    feature's weight held >= its floor (more of a feature never lowers a pair's score)."""
    from scipy.optimize import minimize

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:-1] + theta[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        value = float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * theta[:-1] @ theta[:-1] / C)
        g = w * (p - y)
        return value, np.r_[x.T @ g + theta[:-1] / C, g.sum()]

    bounds = [(floor, None) for floor in floors] + [(None, None)]
    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                     options={"maxiter": 5000, "gtol": 1e-10}).x
    return theta[:-1].astype(float), float(theta[-1])


def training_set(ecb: list, sts: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features of each row's highest-cosine pair, soft label, weight)."""
    def best(pairs):
        return max(pairs, key=lambda f: f[0]) if pairs else (0.0,) * len(FEATURES)

    x = np.array([best(p) for _, p in ecb] + [best(p) for _, p in sts])
    y = np.r_[[float(r["gold"] == "aligned") for r, _ in ecb], [float(r["gold"]) / 5.0 for r, _ in sts]]
    w = np.r_[np.ones(len(ecb)), np.full(len(sts), STS_WEIGHT * len(ecb) / max(1, len(sts)))]
    return x, y, w


def row_scores(rows: list, score) -> np.ndarray:
    """A row's score as the pipeline gives it: its best pair of cosine >= MIN_COSINE (none: the lowest of all)."""
    out = []
    for _, pairs in rows:
        f = np.array([p for p in pairs if p[0] >= MIN_COSINE])
        out.append(float(np.max(score(f))) if len(f) else -np.inf)
    return np.array(out)


def figures(ecb: list, sts: list, score, threshold: float) -> dict:
    from scipy.stats import spearmanr

    gold = np.array([r["gold"] == "aligned" for r, _ in ecb])
    pred = row_scores(ecb, score) >= threshold
    tp = int((pred & gold).sum())
    p, r = tp / max(1, pred.sum()), tp / max(1, gold.sum())
    rho = spearmanr(row_scores(sts, score), [float(r["gold"]) for r, _ in sts]).statistic
    return {"ecbplus_rows": len(ecb), "aligned_precision": round(p, 3), "aligned_recall": round(r, 3),
            "aligned_f1": round(2 * p * r / max(1e-9, p + r), 3), "sts_rows": len(sts), "sts_spearman": round(float(rho), 3)}


def quantile_map(raw: np.ndarray, target: np.ndarray) -> tuple[list[float], list[float]]:
    """Knots of the monotone map from the logit's quantiles to the blend's, ends stretched to [0, 1]."""
    q = np.linspace(0.0, 1.0, KNOTS)
    xs, ys = np.quantile(raw, q), np.quantile(target, q)
    knots_x, knots_y = [float(xs[0]) - 10.0], [0.0]
    for x, y in zip(xs, ys):
        if x > knots_x[-1] + 1e-9:
            knots_x.append(float(x))
            knots_y.append(max(float(y), knots_y[-1]))
    knots_x.append(knots_x[-1] + 10.0)
    knots_y.append(1.0)
    return [round(x, 6) for x in knots_x], [round(y, 6) for y in knots_y]


def variant(sets: dict, floors: tuple[float, ...]) -> dict:
    """Fit fold 0, map onto the blend, figures on fold 1 (threshold 0.4 and fold 0's F1-best) and five-fold."""
    from scipy.stats import spearmanr

    folds = {name: [row_fold(r) for r, _ in rows] for name, rows in sets.items()}

    def part(name: str, fold: int) -> list:
        return [row for row, f in zip(sets[name], folds[name]) if f == fold]

    ecb0, sts0, ecb1, sts1 = part("ecbplus", 0), part("sts", 0), part("ecbplus", 1), part("sts", 1)
    weights, intercept = fit(*training_set(ecb0, sts0), floors)
    reference = np.array([p for _, pairs in ecb0 + sts0 for p in pairs if p[0] >= MIN_COSINE])
    raw_knots, score_knots = quantile_map(reference @ weights + intercept, blend(reference))

    def learned(f: np.ndarray) -> np.ndarray:
        return np.interp(f @ weights + intercept, raw_knots, score_knots)

    grid = [round(t, 2) for t in np.arange(0.30, 0.61, 0.01)]
    best = max(grid, key=lambda t: (figures(ecb0, sts0, learned, t)["aligned_f1"], -abs(t - 0.4)))
    folds5 = {name: [row_fold(r, 5) for r, _ in rows] for name, rows in sets.items()}
    oof = {name: np.zeros(len(rows)) for name, rows in sets.items()}
    for k in range(5):
        train = {name: [row for row, f in zip(sets[name], folds5[name]) if f != k] for name in sets}
        w_k, b_k = fit(*training_set(train["ecbplus"], train["sts"]), floors)
        for name, scores in oof.items():
            held = [i for i, f in enumerate(folds5[name]) if f == k]
            scores[held] = row_scores([sets[name][i] for i in held], lambda f, w=w_k, b=b_k: f @ w + b)
    gold = np.array([r["gold"] == "aligned" for r, _ in sets["ecbplus"]])
    best_f1 = max(2 * ((oof["ecbplus"] >= t) & gold).sum() / ((oof["ecbplus"] >= t).sum() + gold.sum())
                  for t in np.unique(np.round(oof["ecbplus"][np.isfinite(oof["ecbplus"])], 2)))
    return {"floors": list(floors), "weights": [round(float(w), 4) for w in weights],
            "intercept": round(intercept, 4), "threshold_f1_best_on_fold_0": best,
            "fold 1 at 0.4": figures(ecb1, sts1, learned, 0.4),
            f"fold 1 at {best}": figures(ecb1, sts1, learned, best),
            "five-fold out-of-fold": {
                "sts_spearman": round(float(spearmanr(oof["sts"], [float(r["gold"]) for r, _ in sets["sts"]]).statistic), 3),
                "ecbplus_f1_best_threshold": round(float(best_f1), 3)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEV)
    ap.add_argument("--out", type=Path, default=OUT, help="writes OUT.json and OUT.md")
    ap.add_argument("--nli", action="store_true",
                    help="also measure the shipped contradiction model's probabilities as alignment features")
    args = ap.parse_args(argv)
    texts: dict[str, list] = {}
    sets = {name: list(zip(rows, row_pairs(rows, texts.setdefault(name, [])))) for name, rows in
            ((name, read(name, args.data)) for name in ("ecbplus", "sts"))}
    folds = {name: [row_fold(r) for r, _ in rows] for name, rows in sets.items()}
    ecb1 = [row for row, f in zip(sets["ecbplus"], folds["ecbplus"]) if f == 1]
    sts1 = [row for row, f in zip(sets["sts"], folds["sts"]) if f == 1]
    results = {
        "command": "python bench/alignment_score.py", "features": list(FEATURES),
        "rows": {name: {"fold 0": folds[name].count(0), "fold 1": folds[name].count(1)} for name in sets},
        "hand blend (shipped), fold 1 at 0.4": figures(ecb1, sts1, blend, 0.4),
        "hand blend (shipped), all rows at 0.4": figures(sets["ecbplus"], sets["sts"], blend, 0.4),
        "cosine alone, fold 1 at 0.5": figures(ecb1, sts1, lambda f: f[..., 0], 0.5),
        "learned, free": variant(sets, (0.0, 0.0, 0.0)),
        "learned, entity weight >= 1": variant(sets, (0.0, 0.0, 1.0)),
    }
    if args.nli:
        results["command"] += " --nli"
        results["cosine with the contradiction model"] = with_model(sets, {n: model_features(t) for n, t in texts.items()})
    text = json.dumps(results, indent=2, default=float)
    print(text)
    args.out.with_suffix(".json").write_text(text + "\n", encoding="utf-8")
    lines = ["# A learned alignment score against the hand blend", "",
             f"Command: `{results['command']}`. ECB+: aligned precision / recall / F1; STS: Spearman rho.", "",
             "| score | rows | ECB+ P / R / F1 | STS rho |", "|---|---|---|---|"]

    def row(name: str, where: str, f: dict) -> str:
        return (f"| {name} | {where} | {f['aligned_precision']} / {f['aligned_recall']} / {f['aligned_f1']} | "
                f"{f['sts_spearman']} |")

    lines.append(row("hand blend (shipped)", "fold 1, threshold 0.4", results["hand blend (shipped), fold 1 at 0.4"]))
    lines.append(row("cosine alone", "fold 1, threshold 0.5", results["cosine alone, fold 1 at 0.5"]))
    for name in ("learned, free", "learned, entity weight >= 1"):
        v = results[name]
        lines.append(row(f"{name} (weights {v['weights']})", "fold 1, threshold 0.4", v["fold 1 at 0.4"]))
        oof = v["five-fold out-of-fold"]
        lines.append(f"| {name} | five-fold out-of-fold | F1 {oof['ecbplus_f1_best_threshold']} at its best "
                     f"threshold | {oof['sts_spearman']} |")
    if args.nli:
        m = results["cosine with the contradiction model"]
        lines += ["", "Cosine with the contradiction model (score = cosine + a P(agreement) - c P(contradiction) on each "
                  "row's highest-cosine pair, (a, c) chosen on four folds, figures on the fifth):", "",
                  "| data | figure | cosine alone (all rows) | with the model (five-fold out-of-fold) | (a, c) per fold |",
                  "|---|---|---|---|---|"]
        for name, figure in (("sts", "Spearman rho"), ("ecbplus", "aligned F1 at the best threshold")):
            lines.append(f"| {name} | {figure} | {m[name]['cosine alone, all rows']} | "
                         f"{m[name]['with the model, five-fold out-of-fold']} | {m[name]['(a, c) per fold']} |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The calibrated combiner (issue 9): evidence features, the shipped model, training, synthetic pairs,
the optional NLI cross-encoder and --min-score."""

from __future__ import annotations

import dataclasses
import json
import random

import numpy as np
import pytest

from crosscheck.training import synthetic
from crosscheck.verdicts.combiner import CLASSES, Combiner, load_combiner
from crosscheck.verdicts.features import FEATURES, NAMES, PAIR_NAMES, aggregate, pair_features
from crosscheck.errors import CrosscheckError, ModelError
from crosscheck.nouns import Alignment
from tests.conftest import make_doc


@pytest.fixture(scope="module")
def rules():
    from crosscheck.verdicts.rules.ruleset import load_rules

    return load_rules((), include_builtin=True)


@pytest.fixture(scope="module")
def features_of(pipeline, rules):
    """Feature dict of the first statement of text A against the first of text B (both parsed for real)."""
    from crosscheck.verdicts.rules.kinds.base import Pair

    def run(text_a: str, text_b: str, cosine: float = 0.8, score: float = 0.7, nli=None, sizes=(1, 1), index_b=0):
        da, db = make_doc("fa", text_a), make_doc("fb", text_b)
        statements = pipeline.statements_of([da, db])
        a = next(s for s in statements if s.document == "fa")
        b = [s for s in statements if s.document == "fb"][index_b]
        al = Alignment(a.id, b.id, score, cosine, 0.5, 0.25)
        return dict(zip(PAIR_NAMES, pair_features(Pair(a, b, da, db, al), rules, sizes, nli)))

    return run


def test_every_feature_is_documented_and_named_once():
    assert len(set(NAMES)) == len(NAMES)
    assert all(f.doc and f.aggregate in ("max", "min", "mean") for f in FEATURES)


def test_similarity_features_come_from_the_alignment(features_of):
    f = features_of("Alibaba will invest 10 billion yuan in AI.", "Alibaba will invest 10 billion yuan in AI.",
                    cosine=0.93, score=0.81)
    assert (f["cosine"], f["alignment"], f["lexical"], f["entity_overlap"]) == (0.93, 0.81, 0.5, 0.25)
    assert f["novel_words"] == 0.0 and f["length_ratio"] == 1.0


def test_number_features_and_numeric_rule(features_of):
    f = features_of("Alibaba will invest 10 billion yuan in AI this year.",
                    "Alibaba will invest 40 billion yuan in AI this year.")
    assert f["numbers_conflict"] == 1.0 and f["rule_numeric"] == 1.0 and f["numbers_match"] == 0.0
    assert f["numbers_delta"] == pytest.approx(np.log10(4) / 2, abs=1e-6)
    same = features_of("Alibaba will invest 10 billion yuan in AI this year.",
                       "Alibaba will invest RMB10bn in AI this year.")
    assert same["numbers_match"] == 1.0 and same["numbers_conflict"] == 0.0 and same["rule_agreement"] == 1.0


def test_date_features(features_of):
    f = features_of("Apple will launch the watch on September 9, 2014.", "Apple will launch the watch on October 9, 2014.")
    assert f["dates_conflict"] == 1.0 and 0.3 < f["dates_delta"] < 0.5  # 30 days: log10(31) / 4
    assert features_of("Apple will launch the watch on September 9, 2014.",
                       "Apple will launch the watch on September 9, 2014.")["dates_conflict"] == 0.0


def test_polarity_refuting_and_hedging_cues(features_of):
    f = features_of("Skyworth joined the Alibaba TV operating system.",
                    "Skyworth denied joining the Alibaba TV operating system.")
    assert f["denial_mismatch"] == 1.0 and f["refute_cue"] == 1.0 and f["rule_polarity"] == 1.0
    f = features_of("The company has signed the deal.", "The company has not signed the deal.")
    assert f["negation_mismatch"] == 1.0
    f = features_of("The video shows a spider in the man's ear.", "Police dismissed the spider video as a hoax.")
    assert f["refute_cue"] == 1.0 and f["refute_any"] == 1.0
    f = features_of("Apple bought Beats for $3 billion.", "Apple reportedly bought Beats for $3 billion.")
    assert f["hedge_cue"] == 1.0
    assert features_of("Apple bought Beats.", "Apple bought Beats.")["hedge_cue"] == 0.0


def test_entity_and_attribution_features(features_of):
    f = features_of("Microsoft acquired Mojang, Reuters reported.", "Google acquired Mojang, Bloomberg reported.")
    assert f["entity_unmatched"] >= 0.5 and f["rule_entity"] == 1.0
    assert f["attribution_differ"] == 1.0 and f["attribution_same"] == 0.0
    g = features_of("Microsoft acquired Mojang, Reuters reported.", "Microsoft bought Mojang, Reuters reported.")
    assert g["attribution_same"] == 1.0 and g["entity_unmatched"] == 0.0


def test_position_and_nli_features(features_of):
    f = features_of("Apple bought Beats.", "Heavy rain fell across the city on Tuesday morning. Apple bought Beats.",
                    sizes=(1, 2), index_b=1)
    assert f["position"] == 0.5  # (0 + 1) / 2
    g = features_of("Apple bought Beats.", "Apple bought Beats.", nli=(0.2, 0.7))
    assert (g["nli_contradiction"], g["nli_entailment"]) == (0.2, 0.7)
    assert features_of("Apple bought Beats.", "Apple bought Beats.")["nli_entailment"] == 0.0
    # matching figures are the rules' to read: the model's contradiction on a notation is no evidence
    same = features_of("Alibaba invested 10 billion yuan in Tmall Genie.", "Alibaba put RMB10 billion into Tmall Genie.",
                       nli=(0.96, 0.02))
    assert same["numbers_match"] == 1.0 and same["nli_contradiction"] == 0.0
    other = features_of("Baidu bought PPS for $370 million.", "Baidu bought PPS for $470 million.", nli=(0.9, 0.05))
    assert other["nli_contradiction"] == 0.9


def test_aggregate_takes_max_min_and_set_features():
    a, b = np.zeros(len(PAIR_NAMES)), np.zeros(len(PAIR_NAMES))
    a[PAIR_NAMES.index("cosine")], b[PAIR_NAMES.index("cosine")] = 0.4, 0.9
    a[PAIR_NAMES.index("novel_words")], b[PAIR_NAMES.index("novel_words")] = 0.2, 0.6
    a[PAIR_NAMES.index("refute_any")] = 1.0
    v = dict(zip(NAMES, aggregate([a, b])))
    assert v["cosine"] == 0.9 and v["novel_words"] == 0.2 and v["refute_any"] == 0.5 and v["aligned"] == 1.0
    assert v["pairs"] == pytest.approx(np.log(3) / np.log(50))
    assert dict(zip(NAMES, aggregate([])))["aligned"] == 0.0


def test_shipped_combiner_loads_and_gives_probabilities():
    c = load_combiner()
    assert c.classes == CLASSES and c.features == NAMES and 0.3 < c.temperature < 3
    rng = np.random.default_rng(0)
    p = c.probabilities(rng.random((20, len(NAMES))))
    assert p.shape == (20, 3) and np.allclose(p.sum(axis=1), 1) and (p > 0).all()
    x = np.zeros(len(NAMES))
    for name in ("aligned", "cosine", "alignment", "lexical"):
        x[NAMES.index(name)] = 0.9
    y = x.copy()  # the same pair with one figure changed by half (as the rules and features see it)
    for name, value in (("numbers_conflict", 1.0), ("rule_numeric", 1.0), ("rules_contradiction", 1.0),
                        ("numbers_delta", np.log10(1.5) / 2), ("aligned_conflict", 0.9)):
        y[NAMES.index(name)] = value
    # a changed figure raises P(contradiction), the more so with the model's contradiction beside it (the
    # combiner, trained with the model's features, gives those most of the weight)
    assert c.probabilities(y)[0, 0] > c.probabilities(x)[0, 0]
    yn = y.copy()
    yn[NAMES.index("nli_contradiction")] = 0.9
    xn = x.copy()
    xn[NAMES.index("nli_entailment")] = 0.9
    assert c.probabilities(yn)[0, 0] > 5 * c.probabilities(xn)[0, 0]
    assert c.uses_nli  # trained with the shipped contradiction model's probabilities as features
    z = x.copy()
    z[NAMES.index("nli_contradiction")] = 0.95
    assert c.probabilities(z)[0, 0] > c.probabilities(x)[0, 0]  # the model's contradiction raises it too
    table = dict(c.thresholds)
    assert table["contradiction"] and all(0 <= prec <= 1 for _, prec in table["contradiction"])


def test_a_broken_combiner_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text(json.dumps({"format": 1, "features": ["x"], "classes": list(CLASSES)}))
    with pytest.raises(CrosscheckError, match="not a usable combiner"):
        load_combiner(bad)
    bad.write_text("{")
    with pytest.raises(CrosscheckError, match="cannot read"):
        load_combiner(bad)


def test_training_is_deterministic_and_learns_a_tiny_set():
    from crosscheck.training.combiner_train import fit, fit_calibrated

    rng = np.random.default_rng(7)
    x = rng.random((90, len(NAMES)))
    y = ["contradiction" if r[NAMES.index("numbers_conflict")] > 0.6 else
         "agreement" if r[NAMES.index("cosine")] > 0.5 else "neutral" for r in x]
    folds, dev = np.arange(90) % 5, np.ones(90, dtype=bool)
    one = fit_calibrated(x, y, folds, dev).to_json()
    two = fit_calibrated(x, y, folds, dev).to_json()
    assert json.dumps(one) == json.dumps(two)
    model = Combiner.from_json(one)
    predicted = [CLASSES[i] for i in model.probabilities(x).argmax(axis=1)]
    assert np.mean([p == g for p, g in zip(predicted, y)]) > 0.8
    assert fit(x, y).coef.shape == (3, len(NAMES))


ARTICLE = synthetic.Article("art", (
    "Tesla will build its battery factory in Nevada, which won a five-state competition.",
    "Nevada Gov. Brian Sandoval called a press conference on Monday in Carson City.",
    "The plant will employ 6,500 people by 2020, the company said.",
    "Shares of Tesla rose 3 percent after the announcement was made public.",
    "Texas was not chosen although it offered generous tax breaks to the company.",
    "Analysts said the factory is the largest of its kind in the United States.",
), (
    (("Tesla", "ORG"), ("Nevada", "GPE")),
    (("Nevada", "GPE"), ("Brian Sandoval", "PERSON"), ("Carson City", "GPE")),
    (),
    (("Tesla", "ORG"),),
    (("Texas", "GPE"),),
    (("the United States", "GPE"),),
))


def test_each_perturbation_does_what_it_says():
    rng = random.Random(1)
    s = ARTICLE.sentences
    assert synthetic.change_number(s[2], rng) not in (None, s[2]) and "2020" in synthetic.change_number(s[2], rng)
    assert synthetic.change_date(s[1], rng) not in (None, s[1]) and "Monday" not in synthetic.change_date(s[1], rng)
    assert synthetic.flip_negation(s[4], rng).startswith("Texas was chosen")
    assert " will not build" in synthetic.flip_negation(s[0], rng)
    flipped = synthetic.swap_antonym(s[3], rng)
    assert flipped != s[3] and ("fell" in flipped or "before" in flipped)
    swapped = synthetic.swap_entity(s[1], ARTICLE.entities[1], [e for es in ARTICLE.entities for e in es], rng)
    assert swapped != s[1] and any(x in swapped for x in ("Texas", "the United States", "Carson City", "Nevada"))
    assert synthetic.main_clause(s[0], rng) == "Tesla will build its battery factory in Nevada."
    assert synthetic.change_number("No figures here at all.", rng) is None


def test_generator_makes_every_kind_deterministically():
    arts = [dataclasses.replace(ARTICLE, id=f"art{i}") for i in range(6)]
    one = synthetic.generate(arts, seed=3)
    assert one == synthetic.generate(arts, seed=3)
    assert {p.kind for p in one} == set(synthetic.WEIGHTS)
    assert {p.label for p in one} == {"contradiction", "agreement", "neutral"}
    for p in one:
        assert p.label == synthetic.LABEL_OF[p.kind] and p.text_a and p.text_b
        assert (p.text_b in p.text_a) == (p.kind == "copy")


def test_findings_carry_calibrated_scores_and_min_score_filters(pipeline, sample_analysis):
    from crosscheck.verdicts.calibrate import calibrate_findings

    a = sample_analysis
    assert pipeline.settings.combiner
    rescored = [f for f in a.findings if f.kind in ("contradiction", "agreement", "discrepancy", "update")]
    raw = pipeline.rules and calibrate_findings(a.findings, None, pipeline.rules, a.documents, a.statements,
                                                 a.alignments)
    assert {f.id for f in raw} == {f.id for f in a.findings}
    assert all(0.0 <= f.score <= 1.0 for f in rescored)
    cut = sorted(f.score for f in rescored)[len(rescored) // 2]  # the median (agreements may share one score)
    kept = calibrate_findings(a.findings, pipeline.combiner, pipeline.rules, a.documents, a.statements, a.alignments,
                              min_score=cut)
    assert kept and all(f.score >= cut for f in kept) and len(kept) < len(a.findings)


def test_measured_kinds_keep_their_score_and_an_error_under_half_is_a_warning(pipeline, sample_analysis):
    # POL01's contradictions carry the share of them found right on labelled real news, not the combiner's
    # score (which told right from wrong no better than chance there); its updates are still the combiner's
    from crosscheck.verdicts.calibrate import ERROR_NEEDS, calibrate_findings
    from crosscheck.verdicts.rules.kinds import KINDS
    from crosscheck.verdicts.rules.kinds.polarity import MEASURED_PRECISION

    polarity = KINDS["polarity"]
    assert polarity.measures("contradiction") and not polarity.measures("update")
    assert KINDS["debunk"].measures("discrepancy") and not KINDS["numeric"].measures("contradiction")
    a = sample_analysis
    pol01 = [f for f in a.findings if f.rule == "POL01" and f.kind == "contradiction"]
    assert len(pol01) == 2 and {f.score for f in pol01} == {MEASURED_PRECISION}
    # under ERROR_NEEDS: POL01 is an error-level rule, shown as a warning (the level and the score agree)
    assert MEASURED_PRECISION < ERROR_NEEDS and {f.level for f in pol01} == {"warning"}
    raw = [f for f in a.findings if f.rule == "POL01"]
    as_errors = [dataclasses.replace(f, level="error") for f in raw]
    again = calibrate_findings(as_errors, pipeline.combiner, pipeline.rules, a.documents, a.statements, a.alignments)
    assert {(f.id, f.score) for f in again if f.kind == "contradiction"} == {(f.id, f.score) for f in pol01}
    assert all(f.level == ("error" if f.score >= ERROR_NEEDS else "warning") for f in again)
    update = next(f for f in again if f.kind == "update")
    assert update.score != MEASURED_PRECISION  # the combiner's


def test_min_score_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from crosscheck.cli import main
    from tests.conftest import SOURCES

    out = CliRunner().invoke(main, ["check", str(SOURCES), "--format", "json", "--exit-zero", "--min-score", "0.999",
                                    "-q"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert all(f["score"] >= 0.999 for f in data["findings"])
    assert not any(f["kind"] == "agreement" for f in data["findings"])


def _tiny_nli_model(path):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "apple", "bought", "beats", "did", "not", "buy", "the",
             "company", "."]
    (path / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(str(path))
    config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=3,
                        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
                        label2id={"contradiction": 0, "entailment": 1, "neutral": 2})
    import torch

    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(str(path))
    return path


def test_nli_model_adds_its_probabilities(tmp_path, pipeline):
    from crosscheck.verdicts.hf_cross_encoder import NliScorer
    from crosscheck.pipeline import Pipeline, Settings

    model = _tiny_nli_model(tmp_path)
    scores = NliScorer(str(model)).scores([("Apple bought Beats.", "Apple did not buy Beats."),
                                           ("Apple bought Beats.", "Apple bought Beats.")])
    assert scores.shape == (2, 2) and ((scores > 0) & (scores < 1)).all() and (scores.sum(axis=1) < 1).all()

    data = load_combiner().to_json()
    data["coef"][0][NAMES.index("nli_contradiction")] = 5.0  # a combiner that trusts the cross-encoder
    trained = tmp_path / "nli-combiner.json"
    trained.write_text(json.dumps(data))
    docs = [make_doc("n1", "Apple bought Beats for $3 billion in May."),
            make_doc("n2", "Apple bought Beats for $3 billion in May.")]
    with_nli = Pipeline(Settings(combiner_model=trained, nli_model=str(model)), rules=pipeline.rules)
    with_nli._encoder = pipeline.encoder
    found = with_nli.analyse(docs)
    agreements = [f for f in found.findings if f.kind == "agreement"]
    assert agreements and with_nli.nli is not None
    p = with_nli.story_probabilities(found)
    assert p and all(np.isclose(v.sum(), 1) for v in p.values())

    data = load_combiner().to_json()
    for row in data["coef"]:  # a combiner that gives the NLI features no weight (trained without a model)
        row[NAMES.index("nli_contradiction")] = row[NAMES.index("nli_entailment")] = 0.0
    blind = tmp_path / "blind-combiner.json"
    blind.write_text(json.dumps(data))
    without = Pipeline(Settings(nli_model=str(model), combiner_model=blind), rules=pipeline.rules)
    with pytest.raises(ModelError, match="trained with NLI"):
        without.combiner


def test_eval_switches_between_combiner_and_rules(tmp_path):
    from tests.test_eval import CONTRADICTION, run, write_jsonl

    path = write_jsonl(tmp_path / "one.jsonl", [CONTRADICTION])
    rules_only = run(path, "--output", "-", "--quiet", "--no-combiner")
    combined = run(path, "--output", "-", "--quiet", "--min-score", "0.999")
    assert rules_only.exit_code == combined.exit_code == 0
    plain, calibrated = json.loads(rules_only.stdout), json.loads(combined.stdout)
    assert "probabilities" not in plain and plain["verdict"] == "contradiction"
    # the combiner's verdict falls back to neutral when its top probability is under --min-score
    assert max(calibrated["probabilities"].values()) < 0.999 and calibrated["verdict"] == "neutral"


def test_agreement_scores_are_mapped_by_the_fitted_calibration():
    """An agreement finding's score is sigmoid(a * logit(p) + b) of the combiner's probability: monotone, so
    agreements keep the combiner's ranking, and fitted on labelled same-claim pairs (Falke, QAGS, FRANK)."""
    from crosscheck.verdicts.combiner import load_combiner

    shipped = load_combiner()
    assert shipped.agreement_calibration is not None
    a, b = shipped.agreement_calibration
    ps = [0.05, 0.2, 0.5, 0.8, 0.95]
    scores = [shipped.agreement_score(p) for p in ps]
    assert scores == sorted(scores) and all(0 < s < 1 for s in scores)
    assert shipped.agreement_score(0.5) == pytest.approx(1 / (1 + np.exp(-b)))
    assert dataclasses.replace(shipped, agreement_calibration=None).agreement_score(0.3) == 0.3


def test_a_combiner_file_with_a_bad_agreement_calibration_is_a_numbered_error(tmp_path):
    from crosscheck.errors import CrosscheckError
    from crosscheck.verdicts.combiner import load_combiner

    data = load_combiner().to_json()
    assert len(data["agreement_calibration"]) == 2
    for bad in (["x", 1], [1.0], [float("nan"), 0.0]):
        path = tmp_path / "c.json"
        path.write_text(json.dumps({**data, "agreement_calibration": bad}))
        with pytest.raises(CrosscheckError) as err:
            load_combiner(path)
        assert err.value.code == "E502"


def test_the_agreement_calibration_fit_recovers_known_coefficients():
    from crosscheck.training.agreement_calibration import auc, calibration_error, fit

    rng = np.random.default_rng(0)
    p = rng.uniform(0.02, 0.98, 20000)
    truth = 1 / (1 + np.exp(-(0.5 * np.log(p / (1 - p)) + 0.8)))
    y = (rng.uniform(size=len(p)) < truth).astype(float)
    a, b = fit(p, y)
    assert a == pytest.approx(0.5, abs=0.05) and b == pytest.approx(0.8, abs=0.05)
    assert calibration_error(truth, y) < 0.02 and auc(p, y) > 0.55


def test_the_agreement_map_never_reverses_the_combiners_ranking():
    """Where the findings the combiner trusts more are right less often, the map is flat at the share right
    (a = 0), not decreasing: a score must not rank the combiner's surest agreements last."""
    from crosscheck.training.agreement_calibration import fit

    rng = np.random.default_rng(1)
    p = rng.uniform(0.02, 0.98, 20000)
    truth = 1 / (1 + np.exp(-(-0.4 * np.log(p / (1 - p)) + 1.0)))
    y = (rng.uniform(size=len(p)) < truth).astype(float)
    a, b = fit(p, y)
    assert a == 0.0 and 1 / (1 + np.exp(-b)) == pytest.approx(y.mean(), abs=1e-6)


def test_align_threshold_on_the_command_line():
    """--align-threshold is the score two statements need to be compared: a high one leaves fewer pairs, so
    fewer agreements (each rule keeps its own min_alignment, here 0.6 for AGR01), and a lower one no fewer."""
    from click.testing import CliRunner

    from crosscheck.alignments import AlignParams
    from crosscheck.cli import main
    from crosscheck.cli.options import ALIGN_THRESHOLD
    from tests.conftest import SOURCES

    assert ALIGN_THRESHOLD == AlignParams().threshold  # --help shows the real default

    def agreements(*flags: str) -> int:
        out = CliRunner().invoke(main, ["check", str(SOURCES), "--format", "json", "--exit-zero", "-q", *flags])
        assert out.exit_code == 0, out.output
        return sum(f["kind"] == "agreement" for f in json.loads(out.output)["findings"])

    default = agreements()
    assert default > 0
    assert agreements("--align-threshold", "0.75") < default
    assert agreements("--align-threshold", "0.3") >= default
    bad = CliRunner().invoke(main, ["check", str(SOURCES), "--align-threshold", "1.5", "-q"])
    assert bad.exit_code == 2 and "--align-threshold" in bad.output


def test_eval_verdicts_read_the_model_on_the_pairs_the_combiner_learnt_from(pipeline):
    """The combiner learnt its story features with the model's view of ``combiner_pairs`` (training judges
    them all); ``check`` judges only the pairs its findings stand on. An eval row no rule reports on must
    still get the model's view, or its features are 0 where training saw an entailment."""
    from crosscheck.evaluation.predict import row_story
    from crosscheck.evaluation.rows import EvalRow
    from crosscheck.verdicts.calibrate import story_probabilities
    from crosscheck.verdicts.combiner import CLASSES
    from crosscheck.verdicts.judge import combiner_pairs

    row = EvalRow("r", 1, "The city council approved the new budget on Tuesday after a long debate.",
                  "The council approved the budget.")
    a, b, story = row_story(row)
    analysis = pipeline.analyse([a, b], stories=[story])
    assert not analysis.findings and not analysis.judgements  # nothing for check to judge
    judged = pipeline.combiner_judgements(analysis)
    wanted = combiner_pairs(pipeline.rules, analysis.alignments, {s.id: s for s in analysis.statements})
    assert wanted and set(judged) == {(al.a, al.b) for al in wanted}
    agreement = CLASSES.index("agreement")
    blind = story_probabilities(pipeline.combiner, pipeline.rules, analysis.stories, analysis.documents,
                                analysis.statements, analysis.alignments, analysis.judgements)[story.id]
    seen = pipeline.story_probabilities(analysis)[story.id]
    assert seen[agreement] > blind[agreement] + 0.1 and int(seen.argmax()) == agreement


def test_training_gives_each_example_its_own_judgements(pipeline, rules, tmp_path):
    """Statement ids repeat across training examples (each row's story is named after its line), so one
    judgement table for all gave a row another row's model features (408 of 1,000 RTE rows until 2026-12-04)."""
    from crosscheck.evaluation.rows import EvalRow
    from crosscheck.training import combiner_train as T
    from crosscheck.verdicts.features import NAMES

    class Fake:  # agreement for the council's premise, contradiction for the mayor's
        version = "fake-1"

        def probabilities(self, pairs):
            return np.array([[0.9, 0.05, 0.05] if "council" in a else [0.05, 0.05, 0.9] for a, _ in pairs])

    council = EvalRow("c", 1, "The city council approved the new budget on Tuesday.", "The council approved the budget.")
    mayor = EvalRow("m", 1, "The mayor of Orland resigned on Monday after the vote.", "The mayor of Orland resigned.")
    examples = [T.Example(task, row, "agreement", 0, hand, evidence)
                for task, row in (("fnc1", council), ("rte", mayor))
                for _, hand, evidence in T.extract([row], pipeline, task, task)]
    ids = [{(p.a.id, p.b.id) for p in e.evidence.pairs} for e in examples]
    assert ids[0] & ids[1]  # the same statement ids in both examples
    tables = T.example_judgements(examples, rules, tmp_path, model=Fake())
    shared = next(iter(ids[0] & ids[1] & set(tables[0]) & set(tables[1])))
    assert tables[0][shared] == pytest.approx((0.05, 0.9)) and tables[1][shared] == pytest.approx((0.9, 0.05))
    x = T.feature_matrix(examples, rules, tables)
    entailment, contradiction = NAMES.index("nli_entailment"), NAMES.index("nli_contradiction")
    assert x[0, entailment] > 0.8 > x[0, contradiction] and x[1, contradiction] > 0.8 > x[1, entailment]

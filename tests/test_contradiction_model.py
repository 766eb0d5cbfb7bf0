"""crosscheck's contradiction model: the shipped weights, their checks, the judge, and how verdicts use it."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import numpy as np
import pytest

from crosscheck.errors import ModelError
from crosscheck.verdicts.contradiction_model import (CARD_FILE, GRAPH_FILE, LABELS, RUNTIME_VARIABLE, SHIPPED, WEIGHTS_FILE,
                                                     ContradictionModel, backbone_folder, export, load_weights,
                                                     model_version)
from crosscheck.verdicts.judge import JudgementCache, judge, pairs_to_judge
from tests.conftest import make_doc


@pytest.fixture(scope="module")
def model():
    return ContradictionModel()


def test_shipped_model_is_small_and_recorded():
    card = json.loads((SHIPPED / CARD_FILE).read_text())
    size = (SHIPPED / WEIGHTS_FILE).stat().st_size
    assert size < 25_000_000, "the issue allows at most 25 MB in the repository"
    assert card["labels"] == list(LABELS) and len(card["sha256"]) == 64
    assert model_version() == "contradiction:" + card["sha256"][:16]


def test_probabilities_are_distributions_and_independent_of_batching(model):
    pairs = [("Alibaba will invest 10 billion yuan in AI this year.", "Alibaba will invest RMB10bn in AI this year."),
             ("The council approved the plan on Tuesday.", "The council rejected the plan on Tuesday."),
             ("A storm hit the coast.", "Shares of Tencent rose in Hong Kong.")] * 12
    together = model.probabilities(pairs)
    assert together.shape == (len(pairs), 3)
    assert np.allclose(together.sum(1), 1, atol=1e-5) and (together >= 0).all()
    alone = np.vstack([model.probabilities([p]) for p in pairs[:3]])
    assert np.allclose(together[:3], alone, atol=1e-4)
    assert model.probabilities([]).shape == (0, 3)


def test_the_model_tells_the_three_classes_apart(model):
    same = ("Alibaba will invest 10 billion yuan in artificial intelligence this year.",
            "This year Alibaba will invest 10 billion yuan in artificial intelligence.")
    flipped = ("The regulator approved the merger of the two telecom operators.",
               "The regulator did not approve the merger of the two telecom operators.")
    unrelated = ("The regulator approved the merger of the two telecom operators.",
                 "The striker scored twice in the second half of the match.")
    p = model.probabilities([same, flipped, unrelated])
    assert LABELS[int(p[0].argmax())] == "agreement"
    assert LABELS[int(p[1].argmax())] == "contradiction"
    assert p[2][2] < 0.5 and p[2][0] < 0.5


def test_numpy_runtime_computes_what_training_computes(tmp_path):
    """The shipped numpy forward and the torch training module agree on the same weights (int8 aside)."""
    torch = pytest.importorskip("torch")
    from crosscheck.training.nli_torch import CrossEncoderNet
    from crosscheck.verdicts.contradiction_model import PairTokenizer

    torch.manual_seed(0)
    net = CrossEncoderNet.from_backbone(backbone_folder()).eval()
    torch.nn.init.normal_(net.head.weight, std=0.5)
    export(net.numpy_weights(), tmp_path)
    pairs = [("Skyworth denied joining the Alibaba TV operating system.", "Skyworth will use the Alibaba TV OS."),
             ("A short one.", "Another, a little longer, sentence with more words in it than the first.")]
    tok = PairTokenizer(backbone_folder())
    ids, types, mask = tok.pad(tok.encode(pairs))
    with torch.no_grad():
        want = torch.softmax(net(torch.from_numpy(ids), torch.from_numpy(types), torch.from_numpy(mask)), -1).numpy()
    got = ContradictionModel(tmp_path).probabilities(pairs)
    assert np.abs(got - want).max() < 0.02


PAIRS = [("Skyworth denied joining the Alibaba TV operating system.", "Skyworth will use the Alibaba TV OS."),
         ("A short one.", "Another, a little longer, sentence with more words in it than the first."),
         ("Alibaba will invest 10 billion yuan in AI this year.", "Alibaba will invest RMB10bn in AI this year.")]


def test_onnx_runtime_computes_what_numpy_computes(model, monkeypatch):
    """The shipped graph, fed the same dequantised weights, gives numpy's probabilities (to float rounding)."""
    assert model.runtime == "onnxruntime" and json.loads((SHIPPED / CARD_FILE).read_text())["graph_sha256"]
    monkeypatch.setenv(RUNTIME_VARIABLE, "numpy")
    slow = ContradictionModel()
    assert slow.runtime == "numpy" and slow.version == model.version  # same model: cached judgements stay valid
    assert np.abs(model.probabilities(PAIRS) - slow.probabilities(PAIRS)).max() < 1e-4


def test_onnx_runtime_gives_the_same_bits_on_one_thread(model, monkeypatch):
    """A Dask worker runs the model on one thread (its BLAS variables say 1): the report must not change."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    one = ContradictionModel()
    assert one.runtime == "onnxruntime"
    assert np.array_equal(one.probabilities(PAIRS * 12), model.probabilities(PAIRS * 12))


def _flip_a_byte(path) -> None:
    """Corrupt a file the way a bad download does: one byte in the middle changed."""
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_a_corrupt_graph_is_a_numbered_error_and_a_missing_one_falls_back_to_numpy(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    _flip_a_byte(copy / GRAPH_FILE)
    with pytest.raises(ModelError) as corrupt:
        ContradictionModel(copy)
    assert corrupt.value.code == "E432" and "graph" in str(corrupt.value)
    (copy / GRAPH_FILE).unlink()
    fallback = ContradictionModel(copy)
    assert fallback.runtime == "numpy" and fallback.probabilities(PAIRS).shape == (3, 3)


def test_missing_corrupt_or_foreign_weights_are_numbered_errors(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    (copy / WEIGHTS_FILE).unlink()
    with pytest.raises(ModelError) as missing:
        load_weights(copy)
    assert missing.value.code == "E431"

    shutil.copy(SHIPPED / WEIGHTS_FILE, copy / WEIGHTS_FILE)
    _flip_a_byte(copy / WEIGHTS_FILE)
    with pytest.raises(ModelError) as corrupt:
        load_weights(copy)
    assert corrupt.value.code == "E432" and "hash" in str(corrupt.value)

    shutil.copy(SHIPPED / WEIGHTS_FILE, copy / WEIGHTS_FILE)
    card = json.loads((copy / CARD_FILE).read_text())
    card["backbone_word_embeddings_sha256"] = "0" * 64
    (copy / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError) as foreign:
        load_weights(copy)
    assert foreign.value.code == "E433"

    (copy / CARD_FILE).write_text("{not json")
    with pytest.raises(ModelError) as card_error:
        model_version(copy)
    assert card_error.value.code == "E431"


class _Counting:
    version = "counting:1"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def probabilities(self, pairs):
        self.calls.append(len(pairs))
        return np.tile(np.array([[0.2, 0.3, 0.5]], np.float32), (len(pairs), 1))


def test_judgements_are_cached_by_text(tmp_path):
    counting = _Counting()
    cache = JudgementCache(tmp_path)
    pairs = [("a one", "b one"), ("a two", "b two"), ("a one", "b one")]
    first = judge(counting, pairs, cache)
    assert counting.calls == [2] and first[0] == first[2]
    again = judge(counting, pairs + [("a three", "b three")], JudgementCache(tmp_path))
    assert counting.calls == [2, 1] and again[:3] == first
    assert all(abs(sum(j) - 1) < 1e-6 for j in again)


def test_a_text_against_itself_is_agreement_without_asking_the_model(tmp_path, model):
    from crosscheck.verdicts.judge import IDENTICAL

    counting = _Counting()
    copy = "Skyworth denied joining the Alibaba TV system."
    found = judge(counting, [(copy, copy), ("a one", "b one"), (copy, copy + " ")], JudgementCache(tmp_path))
    assert counting.calls == [2] and found[0] == IDENTICAL == (1.0, 0.0, 0.0)
    assert found[2] == found[1] != IDENTICAL  # only the very same text is spared the model
    # the shipped model itself is not asked (it called 17 of 4,790 word-for-word reprints contradictions
    # on the bench corpus); its own answer would never be exactly (1, 0, 0)
    reprint = "The council approved the plan on Tuesday, two officials said."
    assert max(model.probabilities([(reprint, reprint)])[0]) < 1.0
    assert judge(model, [(reprint, reprint)])[0] == IDENTICAL


def test_pairs_to_judge_keeps_each_statements_best_counterparts_across_documents():
    from crosscheck.nouns import Alignment, Statement

    st = {f"{d}:{i}": Statement(f"{d}:{i}", d, i, 0, 1, "x") for d in "abc" for i in range(3)}
    als = [Alignment("a:0", "b:0", 0.9, 0.9, 0, 0), Alignment("a:0", "b:1", 0.8, 0.8, 0, 0),
           Alignment("a:0", "b:2", 0.7, 0.7, 0, 0), Alignment("a:0", "a:1", 0.95, 0.95, 0, 0),
           Alignment("a:1", "c:0", 0.3, 0.3, 0, 0), Alignment("a:2", "c:1", 0.6, 0.6, 0, 0)]
    chosen = {(al.a, al.b) for al in pairs_to_judge(als, st, min_alignment=0.4, per_statement=2)}
    # a:0's third-best counterpart in b is still one of b:2's best two; same-document and weak pairs never
    assert chosen == {("a:0", "b:0"), ("a:0", "b:1"), ("a:0", "b:2"), ("a:2", "c:1")}
    # with one counterpart each, a pair stays only when it is the best of one of its two statements
    als.append(Alignment("a:1", "b:1", 0.85, 0.85, 0, 0))
    chosen = {(al.a, al.b) for al in pairs_to_judge(als, st, min_alignment=0.4, per_statement=1)}
    assert ("a:0", "b:1") not in chosen and {("a:0", "b:0"), ("a:1", "b:1"), ("a:0", "b:2")} <= chosen


def _pair_analysis(pipeline, a: str, b: str):
    from crosscheck.nouns import Story

    docs = [make_doc("x1", a), make_doc("x2", b)]
    story = Story("s", "t", ("x1", "x2"))
    return pipeline.analyse(docs, stories=[story]), story


def _findings(pipeline, analysis, story, value):
    from crosscheck.verdicts.rules.engine import run_rules

    cross = [al for al in analysis.alignments if al.a.split(":")[0] != al.b.split(":")[0]]
    judgements = {(al.a, al.b): value for al in cross} if value is not None else None
    return run_rules(pipeline.rules, [story], list(analysis.documents), list(analysis.statements),
                     list(analysis.alignments), judgements)


def test_the_model_overrules_a_rule_it_is_sure_is_wrong(pipeline):
    analysis, story = _pair_analysis(pipeline, "The regulator approved the merger of the two telecom operators.",
                                     "The regulator did not approve the merger of the two telecom operators.")
    rules_alone = _findings(pipeline, analysis, story, None)
    assert any(f.rule == "POL01" and f.kind == "contradiction" for f in rules_alone)
    sure_agreement = _findings(pipeline, analysis, story, (0.9, 0.05, 0.05))
    assert not any(f.kind == "contradiction" for f in sure_agreement)
    sure_unrelated = _findings(pipeline, analysis, story, (0.02, 0.95, 0.03))
    assert not any(f.kind == "contradiction" for f in sure_unrelated)


def test_a_denial_is_named_after_its_denier(pipeline):
    """The finding is about who denies ("al-Sisi"), not every name the two sides share ("Egyptian, President")."""
    analysis, story = _pair_analysis(
        pipeline, "Egyptian President Abdel Fatah al-Sisi has offered the Palestinians land next to Gaza for a state.",
        "Egyptian President al-Sisi denied reports that he had offered the Palestinians land next to Gaza.")
    found = [f for f in _findings(pipeline, analysis, story, (0.02, 0.95, 0.03)) if f.rule == "POL01"]
    assert found and all(f.message.startswith("al-Sisi: ") for f in found), [f.message for f in found]


def test_a_named_partys_denial_falls_only_to_the_models_agreement(pipeline):
    """NLI calls "X denied P" against "P" neutral by construction: that says nothing of the dispute."""
    analysis, story = _pair_analysis(pipeline, "Skyworth has agreed to use the Alibaba TV operating system.",
                                     "Skyworth denied joining the Alibaba TV operating system.")
    sure_unrelated = _findings(pipeline, analysis, story, (0.02, 0.95, 0.03))
    assert any(f.rule == "POL01" and f.kind == "contradiction" for f in sure_unrelated)
    sure_agreement = _findings(pipeline, analysis, story, (0.9, 0.05, 0.05))
    assert not any(f.kind == "contradiction" for f in sure_agreement)
    # the model agreeing that it is a contradiction leaves the specific rule to name it (no NLI01 beside it)
    both = _findings(pipeline, analysis, story, (0.01, 0.04, 0.95))
    assert {f.rule for f in both if f.kind == "contradiction"} == {"POL01"}


def test_a_named_partys_denial_stands_even_when_the_other_side_does_not_name_the_party(pipeline):
    """"Korovin denied taking a selfie" against "Joan Rivers' doctor snapped a selfie": the denier is named where
    the denial is reported, and NLI's neutral reading of a denial says nothing of the dispute either way (found
    on FNC-1 fold 1 and dev story mixed/029, where the model's neutral veto had dropped it)."""
    analysis, story = _pair_analysis(
        pipeline, "Joan Rivers' doctor snapped a selfie while Joan Rivers was under anesthesia at the clinic.",
        "Gwen Korovin denied taking a selfie while Joan Rivers was under anesthesia at the clinic.")
    sure_unrelated = _findings(pipeline, analysis, story, (0.02, 0.95, 0.03))
    assert any(f.rule == "POL01" and f.kind == "contradiction" for f in sure_unrelated)
    assert not any(f.kind == "contradiction" for f in _findings(pipeline, analysis, story, (0.9, 0.05, 0.05)))


def test_the_rules_verdicts_kept_between_the_two_passes_give_the_same_findings(pipeline):
    """``PairMemo``: the pass that chooses the pairs to judge keeps the verdicts the model cannot change, the pass
    with the judgements reuses them and still lets the model veto (the first pass's rules are not asked again)."""
    from crosscheck.verdicts.rules import engine
    from crosscheck.verdicts.rules.kinds import KINDS

    analysis, story = _pair_analysis(pipeline, "The regulator approved the merger of the two telecom operators.",
                                     "The regulator did not approve the merger of the two telecom operators.")
    args = ([story], list(analysis.documents), list(analysis.statements), list(analysis.alignments))
    pair_rules = [r for r in pipeline.rules if KINDS[r.kind].check is not None]
    memo = engine.PairMemo()
    first = engine.run_rules(pair_rules, *args, memo=memo)
    assert memo.verdicts and any(f.rule == "POL01" and f.kind == "contradiction" for f in first)
    cross = [al for al in analysis.alignments if al.a.split(":")[0] != al.b.split(":")[0]]
    for value in ((0.9, 0.05, 0.05), (0.01, 0.04, 0.95)):  # the model sure of agreement (a veto), then agreeing
        judgements = {(al.a, al.b): value for al in cross}
        asked = []
        original = {name: kind.check for name, kind in KINDS.items()}
        try:
            for name, kind in KINDS.items():
                if kind.check is not None and not kind.reads_judgement:
                    object.__setattr__(kind, "check", lambda pair, p, f=kind.check: asked.append(1) or f(pair, p))
            again = engine.run_rules(pipeline.rules, *args, judgements, memo=memo)
        finally:
            for name, kind in KINDS.items():
                object.__setattr__(kind, "check", original[name])
        assert not asked  # every pair's verdicts came from the memo
        assert again == engine.run_rules(pipeline.rules, *args, judgements)


def _own_findings_on(pipeline):
    from dataclasses import replace

    return [replace(r, params=r.params.model_copy(update={"own_findings": True})) if r.kind == "nli" else r
            for r in pipeline.rules]


def test_a_contradiction_no_rule_explains_comes_from_the_model_when_asked(pipeline):
    from crosscheck.verdicts.rules.engine import run_rules

    analysis, story = _pair_analysis(pipeline, "The lake by the town of Wells froze solid over the weekend.",
                                     "The lake by the town of Wells stayed free of ice all weekend.")
    cross = [al for al in analysis.alignments if al.a.split(":")[0] != al.b.split(":")[0]]

    def findings(rules, value):
        return [f for f in run_rules(rules, [story], list(analysis.documents), list(analysis.statements),
                                     list(analysis.alignments), {(al.a, al.b): value for al in cross})
                if f.kind == "contradiction"]

    on = _own_findings_on(pipeline)
    assert not findings(on, (0.3, 0.4, 0.3)) and not findings(on, (0.01, 0.04, 0.95))
    found = findings(on, (0.0, 0.01, 0.99))
    assert [f.rule for f in found] == ["NLI01"]
    assert "cannot both be right" in found[0].message and found[0].score == 0.99
    assert any("ice" in found[0].statements[1].text[h.start:h.end] for h in found[0].statements[1].highlights)
    # shipped default: the model's own findings are off (every one was a false alarm on real stories)
    assert not findings(pipeline.rules, (0.0, 0.01, 0.99))


def test_with_own_findings_off_the_model_judges_only_what_rules_report(pipeline):
    from crosscheck.verdicts.rules.engine import run_rules

    analysis, story = _pair_analysis(
        pipeline, "Skyworth has agreed to use the Alibaba TV operating system. The sets will ship in May. "
                  "Prices start at 3,000 yuan.",
        "Skyworth denied joining the Alibaba TV operating system. The sets go on sale in May, it said. "
        "Critics called the interface slow.")
    reported = {frozenset((f.statements[0].statement, f.statements[1].statement))
                for f in run_rules(pipeline.rules, [story], list(analysis.documents), list(analysis.statements),
                                   list(analysis.alignments)) if len(f.statements) == 2}
    judged = {frozenset(k) for k in analysis.judgements}
    cross = {frozenset((al.a, al.b)) for al in analysis.alignments
             if al.a.split(":")[0] != al.b.split(":")[0] and al.score >= 0.5}
    assert judged and judged <= reported  # POL01's pair is judged so that the model may overrule it ...
    assert cross - reported  # ... and an aligned pair no rule reports on is left alone


def test_judged_pairs_are_bounded_but_rule_pairs_always_judged():
    from crosscheck.nouns import Alignment, Document, Statement
    from crosscheck.verdicts.judge import judge_alignments

    st = [Statement(f"{d}:{i}", d, i, 0, 1, f"{d} {i}") for d in "ab" for i in range(5)]
    docs = [Document(d, f"{d}.md", "", d.upper(), None, "", "") for d in "ab"]
    als = [Alignment(f"a:{i}", f"b:{i}", 0.9 - i / 10, 0.5, 0, 0) for i in range(5)]
    counting = _Counting()
    found = judge_alignments(counting, als, st, docs, 0.5, max_pairs=2, also=[als[4]])
    assert set(found) == {("a:0", "b:0"), ("a:1", "b:1"), ("a:4", "b:4")}  # the two best, and the rule's pair


def test_lead_claims_meet_each_other_outlets_closest_statements():
    from crosscheck.alignments import AlignParams
    from crosscheck.nouns import Alignment, Document, Statement, Story
    from crosscheck.verdicts.judge import lead_claim_pairs

    def doc(d, outlet):
        return Document(d, f"{d}.md", "", outlet, None, "", "")

    texts = {"a": ["A lead claim with six words here.", "Second lead claim, also long enough.", "Third one, never a lead."],
             "b": ["Evidence one about the claim here.", "Evidence two about the claim here.", "Far away text, nothing."],
             "c": ["Same outlet as a, so never paired with it.", "More words in outlet a again.", "x y z w v u."]}
    outlets = {"a": "One", "b": "Two", "c": "One"}
    st, vec = [], []
    rng = np.random.default_rng(0)
    for d, ts in texts.items():
        for i, t in enumerate(ts):
            st.append(Statement(f"{d}:{i}", d, i, 0, len(t), t))
            vec.append(rng.normal(size=8))
    vec = np.array(vec, np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    vec[3], vec[4] = vec[0], (vec[0] + vec[1]) / np.linalg.norm(vec[0] + vec[1])  # b's first two are close to a's leads
    docs = [doc(d, o) for d, o in outlets.items()]
    story = Story("s", "t", ("a", "b", "c"))
    pairs = lead_claim_pairs([story], st, vec, docs, claims=2, evidence=1, min_cosine=0.3, params=AlignParams())
    keys = {(al.a, al.b) for al in pairs}
    assert ("a:0", "b:0") in keys and not any({x.split(":")[0] for x in k} == {"a", "c"} for k in keys)
    # a story larger than max_partners + 1 reads only the article pairs alignment paired
    bounded = lead_claim_pairs([story], st, vec, docs, 2, 1, 0.3, AlignParams(max_partners=1),
                               alignments=[Alignment("b:2", "c:2", 0.5, 0.5, 0, 0)])
    assert {frozenset(x.split(":")[0] for x in (al.a, al.b)) for al in bounded} <= {frozenset("bc")}


def test_a_detail_added_or_dropped_is_no_substance_for_a_contradiction():
    from crosscheck.verdicts.rules.kinds.nli import differs_in_substance

    reprint = ("But after forgetting to log out, stunned wife Feng, 30, came across the message and flew into a rage.",
               "But after forgetting to log out, stunned wife Feng came across the message and several others, and "
               "flew into a rage.")
    assert not differs_in_substance(*reprint)
    assert differs_in_substance("The council approved the stadium plan.", "Councillors rejected the proposal.")
    # near-copies need a denying word: the model called such synonym swaps contradictions on real reprints
    assert not differs_in_substance("He used his wife's cell phone to send the email.",
                                    "He used his wife's mobile to send the email.")
    assert differs_in_substance("A woman had a third breast implanted.", "The story of the woman was a hoax.")
    assert differs_in_substance("The regulator approved the merger.", "The regulator did not approve the merger.")
    assert differs_in_substance("The regulator approved the merger.", "The regulator didn't approve the merger.")


def test_the_model_never_vetoes_an_agreement_between_near_copies(pipeline):
    # the model calls a reprint with a detail added a contradiction at p 0.98 and more: the agreement stands
    analysis, story = _pair_analysis(pipeline, "The traditional TV maker Skyworth denied joining the Alibaba TV system.",
                                     "In 2013, Skyworth denied joining the Alibaba TV system.")
    assert any(f.kind == "agreement" for f in _findings(pipeline, analysis, story, None))
    assert any(f.kind == "agreement" for f in _findings(pipeline, analysis, story, (0.0, 0.01, 0.99)))


def test_within_one_article_only_a_position_turned_is_an_update(pipeline):
    """"Skyworth denied joining ..." then "However, ... Skyworth will release ..." is an update; a bare
    negation followed by a sentence that opens with "Now" is the article's narrative."""
    from crosscheck.nouns import Story

    def updates(text: str) -> list:
        analysis = pipeline.analyse([make_doc("one", text)], stories=[Story("s", "t", ("one",))])
        return [f for f in analysis.findings if f.kind == "update"]

    assert updates("Skyworth denied joining the Alibaba TV operating system in May. However, yesterday Skyworth "
                   "said it will release a Coocaa TV that runs the Alibaba TV operating system.")
    assert not updates("Money is not an object to Clarke-Murphy when it comes to her cat Mittens. Now, a friend "
                       "of Clarke-Murphy is auctioning items on Facebook to pay the vet bill for Mittens.")


def test_a_person_who_denies_is_named_by_surname_on_the_other_side():
    from crosscheck.statements.extract import extract_statements
    from crosscheck.verdicts.rules.kinds.polarity import _denier, _names_the_denier

    offered, denied, other = extract_statements([
        make_doc("p1", "President Abdel Fatah al-Sisi has offered the Palestinians land in the Sinai."),
        make_doc("p2", "Al-Sisi denied reports that he had offered the Palestinians land."),
        make_doc("p3", "The Bank of China denied reports that it had offered the Palestinians a loan.")])
    assert _denier(denied, ()) == "al-sisi" and _names_the_denier("al-sisi", denied, offered)
    # a surname, not any last word: an organisation is named only by a longer form of its name
    assert not _names_the_denier(_denier(other, ()), other, offered)


def test_the_graph_is_rebuilt_from_the_model_it_ships_with(tmp_path):
    """``python -m crosscheck.training.onnx_graph`` (needs torch and onnx, the train extra) writes a graph that
    takes the folder's weights by name and records its hash."""
    pytest.importorskip("onnx")
    from crosscheck.training.onnx_graph import build

    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    (copy / GRAPH_FILE).unlink()
    build(copy)
    rebuilt = ContradictionModel(copy)
    assert rebuilt.runtime == "onnxruntime"
    assert np.abs(rebuilt.probabilities(PAIRS) - ContradictionModel().probabilities(PAIRS)).max() < 1e-5


class _Recording(_Counting):
    version = "recording:1"

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str]] = []

    def probabilities(self, pairs):
        self.asked += list(pairs)
        return super().probabilities(pairs)


def test_the_premise_takes_the_neighbour_that_says_what_the_claim_adds(pipeline):
    from crosscheck.verdicts.judge import premise_text

    article = pipeline.statements_of([make_doc("p", (
        "Shares of the carmaker fell sharply in Tokyo. The company denied the report on Monday. "
        "It said a merger with Nissan was never discussed by the board. Analysts expect a weak quarter. "
        "A merger with Nissan would create the third largest carmaker."))])
    claim = pipeline.statements_of([make_doc("c", "The carmaker denied that its board discussed a Nissan merger.")])[0]
    denied = next(s for s in article if "denied the report" in s.text)
    # "board", "discuss", "merger", "Nissan" are in the next sentence: the model reads the two, in order
    assert premise_text(denied, claim, article) == f"{denied.text} {article[denied.index + 1].text}"
    # the last sentence also names the merger, but lies three statements away: never read
    assert premise_text(denied, claim, article, window=1) == premise_text(denied, claim, article)
    assert premise_text(denied, claim, article, window=0) == denied.text
    # a claim that adds nothing to the premise is judged against the premise alone
    echo = pipeline.statements_of([make_doc("e", "The company denied the report on Monday.")])[0]
    assert premise_text(denied, echo, article) == denied.text


@pytest.mark.parametrize("premise, claim, read", [
    ("Alibaba invested 10 billion yuan in Tmall Genie in May 2020.",
     "In May 2020 Alibaba put RMB10 billion into Tmall Genie.",
     "In May 2020 Alibaba put 10 billion yuan into Tmall Genie."),  # one figure, the premise's notation
    ("Baidu bought PPS for $370 million.", "Baidu bought PPS for $470 million.",
     "Baidu bought PPS for $470 million."),  # another figure: left as written
    ("Baidu bought PPS for $370 million.", "Baidu paid $370 million for PPS.",
     "Baidu paid $370 million for PPS."),  # the same notation: nothing to change
])
def test_the_claim_is_read_with_its_figures_in_the_premises_words(pipeline, premise, claim, read):
    from crosscheck.verdicts.judge import claim_text

    a = pipeline.statements_of([make_doc("a", premise)])[0]
    b = pipeline.statements_of([make_doc("b", claim)])[0]
    assert claim_text(a, b) == read


def test_judged_pairs_read_the_premise_with_its_neighbour(pipeline):
    from crosscheck.nouns import Story
    from crosscheck.verdicts.judge import judge_alignments

    docs = [make_doc("x1", "Officials met in Geneva on Monday. They agreed to extend the ceasefire by 30 days."),
            make_doc("x2", "Officials meeting in Geneva agreed a 30-day extension of the ceasefire.", dt.date(2020, 5, 21))]
    analysis = pipeline.analyse(docs, stories=[Story("s", "t", ("x1", "x2"))])
    first, second = (s.text for s in analysis.statements if s.document == "x1")
    claim = next(s.text for s in analysis.statements if s.document == "x2")
    recording = _Recording()
    found = judge_alignments(recording, analysis.alignments, analysis.statements, analysis.documents, 0.0,
                             view="passage")
    # whichever x1 statement alignment paired, the model read both sentences of x1 against x2's claim
    assert found and (f"{first} {second}", claim) in recording.asked
    # the rules' view: the statements alone, never the neighbour
    recording = _Recording()
    found = judge_alignments(recording, analysis.alignments, analysis.statements, analysis.documents, 0.0)
    assert found and recording.asked and all(a in (first, second) for a, _ in recording.asked)


def test_a_run_keeps_both_views_and_the_rules_read_the_statements_alone(pipeline):
    from crosscheck.nouns import Story

    docs = [make_doc("x1", "Officials met in Geneva on Monday. They agreed to extend the ceasefire by 30 days."),
            make_doc("x2", "Officials meeting in Geneva agreed a 30-day extension of the ceasefire.", dt.date(2020, 5, 21))]
    analysis = pipeline.analyse(docs, stories=[Story("s", "t", ("x1", "x2"))])
    combined = pipeline.combiner_judgements(analysis)
    assert analysis.judgements is not None and combined
    # the combiner reads every pair it was trained on in the passage view; where the premise gains a
    # neighbour, that judgement is the model's on the two sentences, not the rules' on the one
    from crosscheck.statements.extract import statements_by_document
    from crosscheck.verdicts.judge import premise_text
    from crosscheck.verdicts.rules.engine import make_pair

    model = pipeline.pair_model
    by_stmt = {s.id: s for s in analysis.statements}
    by_doc = {d.id: d for d in analysis.documents}
    by_ids = {(al.a, al.b): al for al in analysis.alignments}
    first, second = (s.text for s in analysis.statements if s.document == "x1")
    premises = set()
    for key, j in combined.items():
        pair = make_pair(by_ids[key], by_stmt, by_doc)  # the earlier article's statement is the premise
        premise = premise_text(pair.a, pair.b, statements_by_document(analysis.statements)["x1"])
        premises.add(premise)
        assert np.allclose(j, model.probabilities([(premise, pair.b.text)])[0], atol=1e-5)
    # "Officials met in Geneva" gains the sentence saying what they agreed ("They agreed ..." leans on the
    # sentence before it already: its content words include it, so it reads as it stands)
    assert f"{first} {second}" in premises
    for key, j in analysis.judgements.items():
        pair = make_pair(by_ids[key], by_stmt, by_doc)
        assert np.allclose(j, model.probabilities([(pair.a.text, pair.b.text)])[0], atol=1e-5)


def test_check_judges_the_passage_view_only_for_the_rules_conflicts(pipeline):
    from crosscheck.nouns import Story

    docs = [make_doc("x1", "Alibaba will invest 10 billion yuan in Tmall Genie this year. "
                           "The smart speaker maker is based in Hangzhou, the company said."),
            make_doc("x2", "Alibaba will invest 20 billion yuan in Tmall Genie this year. "
                           "The smart speaker maker is based in Hangzhou, the company said.", dt.date(2020, 5, 21))]
    analysis = pipeline.analyse(docs, stories=[Story("s", "t", ("x1", "x2"))])
    key = {(f.statements[0].statement, f.statements[1].statement): f.kind for f in analysis.findings
           if len(f.statements) == 2}
    conflicts = {k for k, kind in key.items() if kind != "agreement"}
    agreements = {k for k, kind in key.items() if kind == "agreement"}
    assert conflicts and agreements
    judged = {frozenset(k) for k in analysis.judgements}
    passages = {frozenset(k) for k in analysis.passage_judgements}
    assert {frozenset(k) for k in conflicts} == passages  # the conflicts' pairs, no more
    assert {frozenset(k) for k in agreements} <= judged  # the agreements read the statements' view


def test_only_pairs_whose_verdict_the_model_can_change_are_judged(pipeline):
    """A judgement in the statements' view is asked only where it can drop a verdict (a denial, an agreement
    in words); a figure's contradiction and an agreement of matching figures stand whatever the model says.
    The passage view is asked only where the combiner gives the finding its score: not for POL01's
    contradiction, whose score is measured."""
    from crosscheck.nouns import Story

    docs = [make_doc("x1", "Alibaba will invest RMB10bn in Tmall Genie this year. "
                           "Skyworth has joined the Alibaba TV operating system alliance. "
                           "Xiaomi sold 3 million televisions in May. "
                           "The smart speaker maker is based in Hangzhou, the company said. "
                           "Baidu will open a store in Shenzhen."),
            make_doc("x2", "Alibaba will invest 10 billion yuan in Tmall Genie this year. "
                           "Skyworth denied joining the Alibaba TV operating system alliance. "
                           "Xiaomi sold 5 million televisions in May. "
                           "The smart speaker maker is based in Hangzhou, the firm said. "
                           "Baidu will launch a shop in Shenzhen.", dt.date(2020, 5, 21))]
    analysis = pipeline.analyse(docs, stories=[Story("s", "t", ("x1", "x2"))])
    pairs = {(f.rule, f.statements[0].text): frozenset((f.statements[0].statement, f.statements[1].statement))
             for f in analysis.findings if len(f.statements) == 2}
    by_rule = {rule: pair for (rule, _), pair in pairs.items()}
    figures, copy, words = (next(pair for (rule, text), pair in pairs.items() if rule == "AGR01" and text.startswith(t))
                            for t in ("Alibaba", "The smart", "Baidu"))
    assert {"POL01", "NUM01"} <= set(by_rule)
    judged = {frozenset(k) for k in analysis.judgements}
    passages = {frozenset(k) for k in analysis.passage_judgements}
    assert by_rule["POL01"] in judged and words in judged  # the model may veto these
    # a figure's contradiction, an agreement of matching figures and one between near-copies stand whatever it says
    assert by_rule["NUM01"] not in judged and figures not in judged and copy not in judged
    assert by_rule["NUM01"] in passages and by_rule["POL01"] not in passages


def test_the_verdicts_a_judgement_can_drop():
    from crosscheck.verdicts.rules.engine import model_may_overrule
    from crosscheck.verdicts.rules.ruleset import load_rules
    from crosscheck.verdicts.rules.kinds.base import Verdict

    rules = {r.id: r for r in load_rules((), include_builtin=True)}
    nli = rules["NLI01"].params
    contradiction = Verdict("contradiction", {})
    a, b = "The smart speaker maker is based in Hangzhou.", "The speaker maker has its head office in Hangzhou."
    copy = "The smart speaker maker is based in Hangzhou, the firm said."  # a near-copy of a
    same_claim = Verdict("agreement", {"values": "same claim"})
    assert model_may_overrule(rules["POL01"], contradiction, nli, a, b)
    assert model_may_overrule(rules["POL01"], contradiction, nli, a, copy)  # a denial's veto reads any pair
    assert model_may_overrule(rules["ENT01"], contradiction, nli, a, b)
    assert not model_may_overrule(rules["NUM01"], contradiction, nli, a, b)
    assert not model_may_overrule(rules["QUOTE01"], contradiction, nli, a, b)
    assert model_may_overrule(rules["AGR01"], same_claim, nli, a, b)
    assert not model_may_overrule(rules["AGR01"], same_claim, nli, a, copy)  # a near-copy's agreement stands
    assert not model_may_overrule(rules["AGR01"], Verdict("agreement", {"values": "CNY 10 billion = CNY 10 billion"}),
                                  nli, a, b)
    assert not model_may_overrule(rules["POL01"], Verdict("update", {}), nli, a, b)
    assert not model_may_overrule(rules["POL01"], contradiction, None, a, b)  # no model, nothing to judge


def test_a_retrained_top_ships_as_a_checked_delta_over_the_base(tmp_path):
    """Continued training of the top layers (nli_train --start-from --train-layers) ships only those
    tensors; the loaded model computes what the trained network computes, and the delta file is
    checked like the weights file."""
    torch = pytest.importorskip("torch")
    from types import SimpleNamespace

    from crosscheck.training.nli_torch import CrossEncoderNet
    from crosscheck.training.nli_train import continued, trained_names, write
    from crosscheck.verdicts.contradiction_model import DELTA_FILE, PairTokenizer, delta_names

    net = continued(CrossEncoderNet.from_backbone(backbone_folder()), SHIPPED, train_layers=2).eval()
    names = trained_names(net)
    assert names and all(n.startswith("encoder.layer.4.") or n.startswith("encoder.layer.5.") or
                         n.startswith("head.") for n in names)
    assert not any(n.startswith("encoder.layer.3.") for n in names)
    torch.manual_seed(0)
    with torch.no_grad():
        net.head.weight.add_(torch.randn_like(net.head.weight))  # a visibly different model
    write(net, SimpleNamespace(start_from=SHIPPED, train_layers=2), tmp_path / "m", {"steps": 1})
    folder = tmp_path / "m"
    card = json.loads((folder / CARD_FILE).read_text())
    assert card["sha256"] == json.loads((SHIPPED / CARD_FILE).read_text())["sha256"]  # the base file, unchanged
    assert (folder / DELTA_FILE).stat().st_size < 4_500_000  # two layers and the head, int8
    assert model_version(folder) == model_version(SHIPPED) + "+" + card["delta_sha256"][:16]
    assert ContradictionModel(folder).version == model_version(folder)  # judgements cached under it
    tok = PairTokenizer(backbone_folder())
    ids, types, mask = tok.pad(tok.encode(PAIRS))
    with torch.no_grad():
        want = torch.softmax(net(torch.from_numpy(ids), torch.from_numpy(types), torch.from_numpy(mask)), -1).numpy()
    assert np.abs(ContradictionModel(folder).probabilities(PAIRS) - want).max() < 0.02
    assert np.abs(ContradictionModel(SHIPPED).probabilities(PAIRS) - want).max() > 0.05

    # continuing from that model with fewer layers keeps the layer its delta already replaced
    again = continued(CrossEncoderNet.from_backbone(backbone_folder()), folder, train_layers=1).eval()
    write(again, SimpleNamespace(start_from=folder, train_layers=1), tmp_path / "again", {"steps": 2})
    assert delta_names(tmp_path / "again") == delta_names(folder)
    assert np.abs(ContradictionModel(tmp_path / "again").probabilities(PAIRS) - want).max() < 0.02

    _flip_a_byte(folder / DELTA_FILE)
    with pytest.raises(ModelError) as corrupt:
        load_weights(folder)
    assert corrupt.value.code == "E432" and "retrained layers" in str(corrupt.value)
    (folder / DELTA_FILE).unlink()
    with pytest.raises(ModelError) as missing:
        load_weights(folder)
    assert missing.value.code == "E431"


def test_a_bound_restating_a_figure_holds_or_fails_as_labelled():
    import random

    from crosscheck.training.synthetic import bound_figure

    sentence = "Police said 43 people were arrested in 2014 after the protest on March 5."
    rng = random.Random(3)
    seen = set()
    for _ in range(60):
        for label in ("agreement", "contradiction"):
            claim = bound_figure(sentence, rng, label)
            if claim is None:
                continue
            seen.add(label)
            assert "2014" in claim and "March 5" in claim  # years and dates are never the bound
            words, number = next((w, float(claim.split(w + " ")[1].split()[0])) for w in
                                 ("more than", "over", "at least", "less than", "under", "fewer than", "about",
                                  "around") if w + " " in claim)
            holds = {"more than": number < 43, "over": number < 43, "at least": number <= 43,
                     "less than": number > 43, "under": number > 43, "fewer than": number > 43,
                     "about": abs(number - 43) <= 4.3, "around": abs(number - 43) <= 4.3}[words]
            assert holds == (label == "agreement"), claim
    assert seen == {"agreement", "contradiction"}
    assert bound_figure("More than 200 people attended the rally on Sunday.", rng, "agreement") is None


def test_training_draws_more_rows_and_articles_only_from_shippable_files(tmp_path):
    """``nli_train --rows FILE=N|all`` and ``--synthetic-from frank,qags``: the numbers of rows drawn from a
    shippable file change, a non-shippable file is refused, and the articles of the draft files come after
    FNC-1's fold-0 bodies (short texts are no articles)."""
    import gzip
    import random

    from crosscheck.training.nli_data import SHIPPABLE, labelled_pairs, news_bodies

    def write(name, rows):
        with gzip.open(tmp_path / f"{name}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for i, (a, b, gold) in enumerate(rows):
                fh.write(json.dumps({"id": f"{name}-{i}", "task": "nli", "text_a": a, "text_b": b, "gold": gold}) + "\n")

    nli_rows = [(f"A man number {i} walks a dog.", f"Person {i} is outside.", "agreement") for i in range(30)]
    for name in SHIPPABLE:
        write(name, nli_rows[:5])
    write("conjnli", nli_rows)
    article = " ".join(f"The council met on day {i} and approved the budget." for i in range(12))
    write("frank", [(article, "The council approved the budget.", "consistent"),
                    ("Too short to be an article.", "Short.", "consistent")])
    write("fnc1_dev_rest", [])

    def drawn(files):
        return sum(p.source == "conjnli" for p in labelled_pairs(tmp_path, None, None, random.Random(1), files))

    assert drawn({"conjnli": 10}) == 10
    assert drawn({"conjnli": None}) == 30
    with pytest.raises(ValueError, match="sick"):
        labelled_pairs(tmp_path, None, None, random.Random(1), {"sick": None})
    assert news_bodies(tmp_path, None, None, 10, random.Random(1)) == []
    bodies = news_bodies(tmp_path, None, None, 10, random.Random(1), also=("frank",))
    assert [text for _, text in bodies] == [article]
    with pytest.raises(ValueError, match="anli"):
        news_bodies(tmp_path, None, None, 10, random.Random(1), also=("anli",))


def test_a_denial_counts_only_against_what_the_other_side_says():
    """POL01 reads what is denied, spelled out after the cue: "officers denied rumours they had also fired
    rubber bullets" disputes nothing of a report of tear gas (three such false alarms on the bench corpus)."""
    from crosscheck.nouns import Polarity, Statement
    from crosscheck.verdicts.rules.kinds.polarity import _denies_what_the_other_says

    text = "Officers used tear gas, though officers denied rumours they had also fired rubber bullets."
    offset = 500  # the statement's and the cue's offsets are the document's
    cue = text.index("denied")
    negative = Statement("b:3", "b", 3, offset, offset + len(text), text,
                         polarity=Polarity(negated=False, denial=True, cue="denied", start=offset + cue,
                                           end=offset + cue + 6, scope="rumour"))

    def other(words):
        return Statement("a:0", "a", 0, 0, len(words), words)

    assert not _denies_what_the_other_says(negative, other("Police rained tear gas on thousands of protesters."))
    assert _denies_what_the_other_says(negative, other("Police fired a rubber bullet at the crowd."))
    # a denial whose object is not spelled out after its cue is left to the rule's other tests
    bare = "Abbas refuted the reports."
    refuted = Statement("b:1", "b", 1, 40, 40 + len(bare), bare,
                        polarity=Polarity(negated=False, denial=True, cue="refuted", start=46, end=53,
                                          scope="refute"))
    assert _denies_what_the_other_says(refuted, other("Al-Sisi offered the Palestinians land next to Gaza."))


def test_a_negation_both_sides_print_or_the_other_side_leaves_out_is_no_denial():
    """POL01 on the bench corpus: a negated slogan printed on both sides ("the 'hands up, don't shoot' gesture")
    and a quote cut short on one side ("People will ask why you brought the body" / "... the body but you didn't
    bring him when he was alive.") were denials against affirmations."""
    from crosscheck.nouns import Polarity, Statement
    from crosscheck.verdicts.rules.kinds.polarity import _negation_not_in_dispute

    def negative(text, cue, offset=300):
        at = text.index(cue)
        return Statement("b:2", "b", 2, offset, offset + len(text), text,
                         polarity=Polarity(negated=True, denial=False, cue=cue, start=offset + at,
                                           end=offset + at + len(cue), scope="shoot"))

    def other(words):
        return Statement("a:0", "a", 0, 0, len(words), words)

    slogan = negative("Marchers answered the gas with the 'hands up, don\u2019t shoot' gesture first seen in Fairview.", "n\u2019t")
    assert _negation_not_in_dispute(slogan, other("Fairview protesters adopted the 'hands up, don't shoot' gesture."))
    assert not _negation_not_in_dispute(slogan, other("Marchers answered the gas with stones in Fairview."))
    quote = negative("People will ask why you brought the body but you didn't bring him when he was alive.", "n't")
    assert _negation_not_in_dispute(quote, other("'People will ask why you brought the body"))
    # the other side's words must leave the cue out: "you didn't bring him" is the denial itself
    assert not _negation_not_in_dispute(quote, other("You did bring him when he was alive."))
    assert not _negation_not_in_dispute(quote, other("People will ask why"))  # too short to stand for a claim
    # a cue before the run negates the run itself (an RTE row of this shape was lost to the first version)
    found = negative("No rare coins of the old royal mint found in the cellar yet.", "No", offset=0)
    assert not _negation_not_in_dispute(found, other("Rare coins of the old royal mint found in the cellar."))


@pytest.mark.parametrize("item, words", [("sick=5", "not a shippable file"), ("conjnli=lots", "positive number"),
                                         ("conjnli=0", "positive number")])
def test_a_wrong_rows_option_stops_training_before_any_work(tmp_path, capsys, item, words):
    from crosscheck.training.nli_train import main, rows_of

    work = tmp_path / "work"
    with pytest.raises(SystemExit) as stop:
        main(["--work", str(work), "--rows", item])
    assert stop.value.code == 2 and words in capsys.readouterr().err and not work.exists()
    assert rows_of("conjnli=all") == ("conjnli", None) and rows_of("conjnli=12") == ("conjnli", 12)


def test_two_statements_that_both_say_something_share_no_claim_by_it():
    """POL01 counts the content words two statements share; a verb of saying is none ("'... the tactics ISIS is
    using expand by the day,' Mladenov said" / "Isis fighter denies claim and says organ-harvesting 'would bring
    in peanuts'" share "isis", the denier, "say" and "claim")."""
    from crosscheck.nouns import Alignment, Entity, Polarity, Statement
    from crosscheck.verdicts.rules.kinds.base import Pair
    from crosscheck.verdicts.rules.kinds.polarity import PolarityParams, check
    from tests.conftest import make_doc

    said = "'The tactics Northwind is using expand by the day,' Mladenov said of the claim."
    denied = "Its fighters would bring in peanuts, says Northwind, which denies the claim."
    a = Statement("a:0", "a", 0, 0, len(said), said, entities=(Entity(13, 22, "Northwind", "ORG", "northwind"),),
                  lemmas=("tactic", "northwind", "use", "expand", "day", "mladenov", "say", "claim"),
                  predicates=("expand", "say"))
    at = denied.index("Northwind")
    b = Statement("b:0", "b", 0, 0, len(denied), denied, entities=(Entity(at, at + 9, "Northwind", "ORG", "northwind"),),
                  lemmas=("northwind", "deny", "claim", "say", "fighter", "bring", "peanut"), predicates=("deny", "say"),
                  roles=(("deny", "subject", "northwind"),),
                  polarity=Polarity(negated=False, denial=True, cue="denies", start=denied.index("denies"),
                                    end=denied.index("denies") + 6, scope="claim"))
    pair = Pair(a, b, make_doc("a", said), make_doc("b", denied), Alignment("a:0", "b:0", 0.6, 0.6, 0.3, 1.0))
    assert check(pair, PolarityParams()) == []
    # with one more content word in common the two dispute something: the rule's other tests decide
    a2 = Statement("a:0", "a", 0, 0, len(said), said, entities=a.entities,
                   lemmas=(*a.lemmas, "fighter", "bring"), predicates=a.predicates)
    assert [v.kind for v in check(Pair(a2, b, pair.doc_a, pair.doc_b, pair.alignment), PolarityParams())] == ["contradiction"]


def test_an_affirmation_that_reports_the_dispute_too_is_no_contradiction():
    """"Acting FBI head disputes White House claim Comey had lost staff support" against "... Comey enjoyed broad
    support among its staff - directly contradicting the White House assertion ...": both report the dispute (a
    POL01 false alarm on the bench corpus). An affirmation beside someone's refusal ("Abbas had rejected the
    offer") is no such report."""
    from crosscheck.nouns import Alignment, Entity, Polarity, Statement
    from crosscheck.verdicts.rules.kinds.base import Pair
    from crosscheck.verdicts.rules.kinds.polarity import PolarityParams, check
    from tests.conftest import make_doc

    disputed = "Acting agency head disputes ministry claim Rowe had lost staff support."
    b = Statement("b:0", "b", 0, 0, len(disputed), disputed,
                  entities=(Entity(disputed.index("Rowe"), disputed.index("Rowe") + 4, "Rowe", "PERSON", "rowe"),),
                  lemmas=("act", "agency", "head", "dispute", "ministry", "claim", "rowe", "lose", "staff", "support"),
                  predicates=("dispute", "lose"), roles=(("dispute", "subject", "agency head"),),
                  polarity=Polarity(negated=False, denial=True, cue="disputes", start=disputed.index("disputes"),
                                    end=disputed.index("disputes") + 8, scope="claim"))

    def affirming(text, verb):
        return Statement("a:0", "a", 0, 0, len(text), text,
                         entities=(Entity(text.index("Rowe"), text.index("Rowe") + 4, "Rowe", "PERSON", "rowe"),),
                         lemmas=("agency", "head", "say", "rowe", "enjoy", "broad", "support", "staff", verb, "ministry"),
                         predicates=("say", "enjoy", verb))

    def verdicts(a):
        pair = Pair(a, b, make_doc("a", a.text), make_doc("b", disputed), Alignment("a:0", "b:0", 0.7, 0.7, 0.4, 1.0))
        return [v.kind for v in check(pair, PolarityParams())]

    assert verdicts(affirming("The agency head said Rowe enjoyed broad support among its staff, directly contradicting "
                              "the ministry.", "contradict")) == []
    assert verdicts(affirming("The agency head said Rowe enjoyed broad support among its staff, and the ministry "
                              "rejected the offer.", "reject")) == ["contradiction"]

"""Continued training of the contradiction model as a low-rank update, and from a training pack (the lent GPU
machine has torch and nothing else): what ships, how it is checked, and the one command end to end."""

from __future__ import annotations

import gzip
import json
from types import SimpleNamespace

import numpy as np
import pytest

from crosscheck.errors import ModelError
from crosscheck.verdicts.contradiction_model import (CARD_FILE, DELTA_FILE, SHIPPED, ContradictionModel, PairTokenizer,
                                                     backbone_folder, export_delta, load_weights, model_version)

torch = pytest.importorskip("torch")

PAIRS = [("Skyworth denied joining the Alibaba TV operating system.", "Skyworth will use the Alibaba TV OS."),
         ("The council approved the plan on Monday.", "The council voted the plan down on Monday."),
         ("Alibaba will invest 10 billion yuan in AI this year.", "Alibaba will invest RMB10bn in AI this year.")]


def _forward(net, pairs=PAIRS) -> np.ndarray:
    tok = PairTokenizer(backbone_folder())
    ids, types, mask = tok.pad(tok.encode(pairs))
    with torch.no_grad():
        return torch.softmax(net(torch.from_numpy(ids), torch.from_numpy(types), torch.from_numpy(mask)), -1).numpy()


def _shipped_net():
    from crosscheck.training.nli_torch import CrossEncoderNet
    from crosscheck.training.nli_train import continued

    return continued(CrossEncoderNet.from_backbone(backbone_folder()), SHIPPED, train_layers=0).eval()


def test_a_low_rank_update_starts_as_the_model_and_trains_only_its_factors_biases_and_norms():
    net = _shipped_net()
    before = _forward(net)
    net.add_lora(4)
    assert np.abs(_forward(net) - before).max() < 1e-6  # B starts at zero: the same function
    learning = {n for n, p in net.named_parameters() if p.requires_grad}
    assert {"head.weight", "head.bias"} <= learning
    assert "lora.encoder__layer__0__attention__self__query__weight__a" in learning
    assert "params.encoder__layer__3__output__LayerNorm__weight" in learning
    assert "params.encoder__layer__3__output__dense__bias" in learning
    assert "params.encoder__layer__3__output__dense__weight" not in learning  # the matrix itself is frozen
    assert not any(n.startswith("params.embeddings") for n in learning)


def test_a_low_rank_update_ships_as_a_small_checked_delta_that_computes_what_training_computed(tmp_path):
    from crosscheck.training.nli_train import write

    net = _shipped_net()
    torch.manual_seed(0)  # A's initial values and B's below: the same model on every run
    net.add_lora(8)
    with torch.no_grad():
        for key, param in net.lora.items():
            if key.endswith("__b"):
                param.normal_(0, 0.1)  # a visibly different model
    want = _forward(net)
    folder = tmp_path / "m"
    write(net, SimpleNamespace(start_from=SHIPPED, train_layers=0, lora_rank=8), folder, {"steps": 1})
    card = json.loads((folder / CARD_FILE).read_text())
    assert card["sha256"] == json.loads((SHIPPED / CARD_FILE).read_text())["sha256"]  # the base file, unchanged
    assert (folder / DELTA_FILE).stat().st_size < 1_500_000  # rank 8 factors in float16, biases, norms, head
    assert model_version(folder) == model_version(SHIPPED) + "+" + card["delta_sha256"][:16]
    got = ContradictionModel(folder).probabilities(PAIRS)
    assert np.abs(got - want).max() < 0.02  # int8 base and float16 factors
    assert np.abs(ContradictionModel(SHIPPED).probabilities(PAIRS) - want).max() > 0.05
    merged = net.numpy_weights()["encoder.layer.2.intermediate.dense.weight"]
    loaded = load_weights(folder)[0]["encoder.layer.2.intermediate.dense.weight"]
    assert np.abs(merged - loaded).max() < 1e-3

    # continuing that model's top layer (--train-layers) keeps the low-rank update merged into its matrices
    from crosscheck.training.nli_torch import CrossEncoderNet
    from crosscheck.training.nli_train import continued

    again = continued(CrossEncoderNet.from_backbone(backbone_folder()), folder, train_layers=1).eval()
    write(again, SimpleNamespace(start_from=folder, train_layers=1), tmp_path / "again", {"steps": 2})
    kept = load_weights(tmp_path / "again")[0]["encoder.layer.2.intermediate.dense.weight"]
    base = load_weights(SHIPPED)[0]["encoder.layer.2.intermediate.dense.weight"]
    scale = np.abs(merged).max()
    assert np.abs(kept - merged).max() < 0.01 * scale < np.abs(base - merged).max()  # the update, stored again in int8


@pytest.mark.parametrize("bad", ["one_half", "wrong_shape", "no_such_matrix"])
def test_a_low_rank_update_that_does_not_fit_the_base_is_a_numbered_error(tmp_path, bad):
    name = "encoder.layer.0.attention.self.query.weight"
    factors = {name + ".lora_a": np.zeros((4, 384), np.float32), name + ".lora_b": np.zeros((384, 4), np.float32)}
    if bad == "one_half":
        del factors[name + ".lora_b"]
    elif bad == "wrong_shape":
        factors[name + ".lora_b"] = np.zeros((1536, 4), np.float32)
    else:
        factors = {"encoder.layer.9.output.dense.weight" + k[len(name):]: v for k, v in factors.items()}
    export_delta(factors, sorted(factors), tmp_path / "m", SHIPPED)
    with pytest.raises(ModelError) as error:
        load_weights(tmp_path / "m")
    assert error.value.code == "E432" and "low-rank update" in str(error.value)


def test_training_from_a_pack_with_a_low_rank_update_runs_end_to_end(tmp_path, capsys):
    """The command a lent GPU machine runs: no backbone package, pairs and dev rows given, one epoch scored
    and written; the result loads here against the installed backbone."""
    from crosscheck.training.nli_pack import make_pack
    from crosscheck.training.nli_train import main

    pack = make_pack(tmp_path / "pack")
    work = tmp_path / "work"
    work.mkdir()
    rows = [{"id": f"p{i}", "source": "test", "premise": a, "hypothesis": b, "label": label}
            for i, ((a, b), label) in enumerate(zip(PAIRS * 4, ["contradiction", "contradiction", "agreement"] * 4))]
    (work / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dev = tmp_path / "dev.jsonl.gz"
    with gzip.open(dev, "wt", encoding="utf-8") as fh:
        for (a, b), gold in zip(PAIRS, ["contradiction", "contradiction", "agreement"]):
            fh.write(json.dumps({"set": "three", "a": a, "b": b, "gold": gold, "binary": False}) + "\n")
    args = ["--pack", str(pack), "--work", str(work), "--out", str(tmp_path / "final"), "--start-from", str(SHIPPED),
            "--lora-rank", "2", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--class-weights", "1,1,2",
            "--eval", str(dev)]
    assert main(args) == 0
    log = (work / "train.log").read_text()
    scored = json.loads(log.split("epoch 1: ", 1)[1].splitlines()[0])
    assert set(scored) == {"three"} and 0.0 <= scored["three"] <= 1.0
    for folder in (work / "epoch-1", tmp_path / "final"):
        card = json.loads((folder / CARD_FILE).read_text())
        assert card["delta"]["steps"] == 3 and (folder / DELTA_FILE).is_file()
        assert ContradictionModel(folder).probabilities(PAIRS).shape == (3, 3)  # E433 if the hash were wrong
    with pytest.raises(SystemExit) as stop:
        main(["--work", str(tmp_path / "w2"), "--lora-rank", "2"])
    assert stop.value.code == 2 and "--start-from" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["--work", str(tmp_path / "w3"), "--pack", str(tmp_path), "--start-from", str(SHIPPED)])
    assert stop.value.code == 2 and "not a training pack" in capsys.readouterr().err
    assert not (tmp_path / "w3").exists()

"""Train the contradiction model: one command, seeded, resumable, on CPU or a GPU when there is one.

    python -m crosscheck.training.nli_train --work /tmp/crosscheck-nli [--max-pairs N] [--epochs E]

What it does (docs/model-card.md has the why and the figures):
1. builds the training pairs (``nli_data``: shippable files, the FNC-1 training fold, synthetic pairs
   from FNC-1 bodies) once, into ``WORK/pairs.jsonl`` (seeded; reused when it exists);
2. fine-tunes the bundled all-MiniLM-L6-v2 as a 3-way cross-encoder (agreement / neutral /
   contradiction) on mean-pooled token states, the word-embedding matrix frozen (it ships with the
   backbone and is reused from there), dynamic padding, length-bucketed batches;
3. checkpoints every ``--checkpoint-every`` steps into ``WORK/checkpoint.pt`` (weights, optimiser,
   scheduler, position in the batch order, random states): a cut-off run started again with the same
   arguments goes on where it stopped;
4. writes the shipped weights (``verdicts.contradiction_model.export``) into ``--out``.

Continued training (``--start-from FOLDER --train-layers K``): the network starts as a shipped model,
only its top ``K`` transformer layers and head learn (everything under them frozen), on the pairs of the
new kinds (``--bounded``) and ``--replay`` pairs drawn from the rest so that it keeps what it knew; the
output is ``FOLDER``'s model with the retrained tensors in a small delta file
(``contradiction_model.export_delta``). ``--lora-rank R`` instead retrains every layer as a rank-R update
of each encoder matrix (a ~1.4 MB delta at rank 16).

On a machine with torch and nothing else (a lent GPU): ``--pack`` reads the backbone from a training pack
(``training.nli_pack``), WORK/pairs.jsonl is built here first (``--pairs-only``), and ``--eval`` scores
the dev rows at each epoch's end and keeps that epoch's model (``bench/nli_gpu_sweep.sh``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

from crosscheck.training.nli_data import (LABELS, SHIPPABLE, Pair, balance_report, labelled_pairs, news_bodies,
                                          synthetic_pairs)

ROOT = Path(__file__).resolve().parents[3]


def log(work: Path, message: str) -> None:
    line = f"{time.strftime('%H:%M:%S')} {message}"
    print(line, flush=True)
    with open(work / "train.log", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def rows_of(item: str) -> tuple[str, int | None]:
    """``--rows FILE=N`` read when the command line is, so that a wrong one stops the run before any work:
    (file, N), N None for "all"; only a shippable file (``nli_data.SHIPPABLE``) may be named."""
    name, _, n = item.partition("=")
    if name not in SHIPPABLE:
        raise argparse.ArgumentTypeError(f"{name!r} is not a shippable file ({', '.join(SHIPPABLE)})")
    if n != "all" and not (n.isdigit() and int(n) > 0):
        raise argparse.ArgumentTypeError(f"{item!r}: give FILE=N with N a positive number, or FILE=all")
    return name, None if n == "all" else int(n)


def build_pairs(args, work: Path) -> list[Pair]:
    path = work / "pairs.jsonl"
    if path.exists():
        return [Pair(**{k: r[k] for k in ("id", "source", "premise", "hypothesis", "label")})
                for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
    rng = random.Random(args.seed)
    files = dict(SHIPPABLE)
    files.update(args.rows)
    pairs = labelled_pairs(args.train_dir, args.dev_dir, args.stories_dir, rng, files)
    if args.synthetic_articles:
        from crosscheck.statements.nlp import load_nlp

        bodies = news_bodies(args.train_dir, args.dev_dir, args.stories_dir, args.synthetic_articles, rng,
                             tuple(n for n in args.synthetic_from.split(",") if n))
        pairs += synthetic_pairs(bodies, load_nlp(), rng, bounded=args.bounded)
    rng.shuffle(pairs)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(p.as_row()) + "\n" for p in pairs), encoding="utf-8")
    tmp.replace(path)
    log(work, f"pairs: {len(pairs)} {json.dumps(balance_report(pairs))}")
    return pairs


def batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within windows of 50 batches, shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    out = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: lengths[i])
        out += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train crosscheck's contradiction model")
    parser.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-nli"))
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "crosscheck" / "verdicts" / "model")
    parser.add_argument("--train-dir", type=Path, default=ROOT.parent / "shared" / "train")
    parser.add_argument("--dev-dir", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--stories-dir", type=Path, default=ROOT.parent / "shared" / "eval" / "stories")
    parser.add_argument("--synthetic-articles", type=int, default=900)
    parser.add_argument("--synthetic-from", default="",
                        help="comma-separated shippable draft files whose articles also give synthetic pairs "
                             "(frank, qags, falke), after FNC-1's fold-0 bodies")
    parser.add_argument("--max-pairs", type=int, default=0)
    parser.add_argument("--rows", action="append", default=[], metavar="FILE=N", type=rows_of,
                        help="rows drawn from a shippable training file (N or 'all'), instead of "
                             "nli_data.SHIPPABLE's number; repeatable")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--bounded", type=int, default=0,
                        help="synthetic pairs of a figure restated as a bound that holds or fails "
                             "(nli_data.bounded_pairs)")
    parser.add_argument("--start-from", type=Path, help="a shipped model folder to continue training from")
    parser.add_argument("--train-layers", type=int, default=0,
                        help="with --start-from: train only the top K transformer layers and the head")
    parser.add_argument("--replay", type=int, default=0,
                        help="with --start-from: train on every pair of the new kinds and this many of the others")
    parser.add_argument("--lora-rank", type=int, default=0,
                        help="with --start-from: train a rank-R update of every encoder matrix (and the biases, "
                             "layer norms and head) instead of whole layers; ships as a ~1.5 MB delta")
    parser.add_argument("--class-weights", default="",
                        help="loss weights of agreement,neutral,contradiction (e.g. 1,1,2); default equal")
    parser.add_argument("--eval", type=Path,
                        help="labelled pairs (bench/nli_eval.py --write-pairs) scored at each epoch's end, "
                             "when the epoch's model is also written to WORK/epoch-N")
    parser.add_argument("--pack", type=Path,
                        help="read the backbone from a training pack (training.nli_pack) instead of the "
                             "installed package: for a machine that has torch and nothing else; needs --start-from")
    parser.add_argument("--pairs-only", action="store_true",
                        help="build WORK/pairs.jsonl and stop (e.g. before packing for another machine)")
    args = parser.parse_args(argv)
    if (args.lora_rank or args.pack) and not args.start_from:
        parser.error("--lora-rank and --pack continue a shipped model: give --start-from")
    if args.lora_rank and args.train_layers:
        parser.error("--lora-rank trains every layer: leave out --train-layers")
    if args.pack and not (args.pack / "pack.json").is_file():
        parser.error(f"{args.pack} is not a training pack (no pack.json): python -m crosscheck.training.nli_pack "
                     f"{args.pack}")
    args.work.mkdir(parents=True, exist_ok=True)
    if args.pairs_only:
        build_pairs(args, args.work)
        return 0

    import torch

    from crosscheck.verdicts.contradiction_model import PairTokenizer, backbone_folder, delta_names
    from crosscheck.training.nli_torch import CrossEncoderNet

    if args.lora_rank and delta_names(args.start_from):
        parser.error(f"{args.start_from} already holds a delta; a low-rank update applies to full weights only")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    pairs = build_pairs(args, args.work)
    if args.max_pairs:
        pairs = pairs[:args.max_pairs]  # the file is shuffled: a prefix is a random sample
    if args.start_from and args.replay:  # the new kinds, and a sample of the rest (the file is shuffled: a prefix)
        new = [p for p in pairs if p.source in NEW_SOURCES]
        pairs = new + [p for p in pairs if p.source not in NEW_SOURCES][:args.replay]
        log(args.work, f"continued training on {len(new)} new pairs and {len(pairs) - len(new)} replayed")
    folder = args.pack or backbone_folder()
    tok = PairTokenizer(folder, args.max_length)
    encoded = tok.encode([(p.premise, p.hypothesis) for p in pairs])
    labels = [LABELS.index(p.label) for p in pairs]
    lengths = [len(ids) for ids, _ in encoded]
    log(args.work, f"tokens per pair: median {int(np.median(lengths))}, p95 {int(np.percentile(lengths, 95))}")

    rng = random.Random(args.seed)
    epochs = math.ceil(args.epochs)
    order = [b for _ in range(epochs) for b in batches(lengths, args.batch_size, rng)]
    order = order[:int(len(order) * args.epochs / epochs)]
    if args.pack:
        from crosscheck.training.nli_pack import read_pack
        from crosscheck.verdicts.contradiction_model import WORD_EMBEDDINGS, shipped_weights

        word, config, args.backbone_hash = read_pack(args.pack)
        net = CrossEncoderNet({WORD_EMBEDDINGS: word, **shipped_weights(args.start_from)[0]}, config)
    else:
        net = CrossEncoderNet.from_backbone(folder)
    if args.start_from:
        net = continued(net, args.start_from, args.train_layers)
    if args.lora_rank:
        torch.manual_seed(args.seed)
        net.add_lora(args.lora_rank)
    net = net.to(device)
    evaluation = read_eval(args.eval, tok) if args.eval else None
    per_epoch = len(order) // epochs if evaluation else 0
    body = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr},
                             {"params": net.head.parameters(), "lr": args.head_lr}], weight_decay=0.01)
    warmup = max(1, len(order) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (len(order) - s) / max(1, len(order) - warmup)))
    step = 0
    ckpt = args.work / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        net.load_state_dict(state["net"], strict=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        log(args.work, f"resumed at step {step}/{len(order)}")
    net.train()
    started, seen, running = time.perf_counter(), 0, []
    weight = torch.tensor([float(x) for x in args.class_weights.split(",")], device=device) \
        if args.class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    while step < len(order):
        idx = order[step]
        ids, types, mask = tok.pad([encoded[i] for i in idx])
        logits = net(torch.from_numpy(ids).to(device), torch.from_numpy(types).to(device),
                     torch.from_numpy(mask).to(device))
        loss = loss_fn(logits, torch.tensor([labels[i] for i in idx], device=device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        seen += len(idx)
        running.append(float(loss.detach()))
        if step % 25 == 0:
            rate = seen / (time.perf_counter() - started)
            log(args.work, f"step {step}/{len(order)} loss {np.mean(running[-25:]):.4f} {rate:.1f} pairs/s")
        if step % args.checkpoint_every == 0 or step == len(order):
            tmp = ckpt.with_suffix(".tmp")
            torch.save({"net": net.trainable_state(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step, "torch_rng": torch.get_rng_state()}, tmp)
            tmp.replace(ckpt)
            write(net, args, args.work / "latest", _meta(args, step, len(order), len(pairs)))
        if per_epoch and step % per_epoch == 0 and not (args.work / f"epoch-{step // per_epoch}").exists():
            net.eval()
            log(args.work, f"epoch {step // per_epoch}: " + json.dumps(evaluate(net, evaluation, device)))
            write(net, args, args.work / f"epoch-{step // per_epoch}", _meta(args, step, len(order), len(pairs)))
            net.train()
    write(net, args, args.out, _meta(args, step, len(order), len(pairs)))
    log(args.work, f"done: {step} steps; weights in {args.out}")
    return 0


NEW_SOURCES = ("synthetic:bound",)  # the kinds a continued training is about (--replay keeps all of them)


def continued(net, start: Path, train_layers: int):
    """``net`` holding the shipped model of ``start`` (dequantised, as it runs), only its top
    ``train_layers`` layers and head trainable (all of it when 0)."""
    import torch

    from crosscheck.verdicts.contradiction_model import shipped_weights

    weights, _ = shipped_weights(start)
    with torch.no_grad():
        for key, param in net.params.items():
            param.copy_(torch.from_numpy(weights[net._names[key]]))
        net.head.weight.copy_(torch.from_numpy(weights["head.weight"]))
        net.head.bias.copy_(torch.from_numpy(weights["head.bias"]))
    if train_layers:
        first = net.layers_n - train_layers
        for key, param in net.params.items():
            name = net._names[key]
            param.requires_grad = name.startswith("encoder.layer.") and int(name.split(".")[2]) >= first
    return net


def trained_names(net) -> list[str]:
    """The shipped names of the tensors that learn (the head's too)."""
    return [net._names[k] for k, p in net.params.items() if p.requires_grad] + ["head.weight", "head.bias"]


def write(net, args, folder: Path, meta: dict) -> None:
    """The shipped form: the whole model, or with --start-from --train-layers the start model plus a delta."""
    from crosscheck.verdicts.contradiction_model import LORA_SUFFIXES, delta_names, export, export_delta

    if args.start_from and getattr(args, "lora_rank", 0):
        factors = net.lora_factors()
        export_delta(factors, sorted(factors), folder, args.start_from, meta=meta)
    elif args.start_from and args.train_layers:
        # a start model that is itself a delta: its retrained tensors stay in the new one (a low-rank update's
        # matrix in full: the network computes with it merged)
        earlier = {n.rsplit(".", 1)[0] if n.endswith(LORA_SUFFIXES) else n for n in delta_names(args.start_from)}
        names = sorted({*trained_names(net), *earlier})
        export_delta(net.numpy_weights(), names, folder, args.start_from, meta=meta)
    else:
        export(net.numpy_weights(), folder, meta=meta, backbone_hash=getattr(args, "backbone_hash", None))


def read_eval(path: Path, tok) -> dict[str, tuple[list, list[str], bool]]:
    """``bench/nli_eval.py --write-pairs`` rows by set: (encoded pairs, gold labels, binary agreement task)."""
    import gzip

    sets: dict[str, tuple[list, list, bool]] = {}
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            item = sets.setdefault(row["set"], ([], [], bool(row.get("binary"))))
            item[0].append((row["a"], row["b"]))
            item[1].append(row["gold"])
    return {name: (tok.encode(texts), gold, binary) for name, (texts, gold, binary) in sets.items()}


def evaluate(net, evaluation: dict, device: str) -> dict[str, float]:
    """Macro-F1 of each set (agreement against the rest where the set is binary), the most probable class."""
    import torch

    from crosscheck.evaluation.metrics import class_scores, macro_f1
    from crosscheck.verdicts.contradiction_model import PairTokenizer

    out = {}
    for name, (encoded, gold, binary) in evaluation.items():
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
        pred = [""] * len(encoded)
        with torch.no_grad():
            for start in range(0, len(order), 256):
                idx = order[start:start + 256]
                ids, types, mask = PairTokenizer.pad([encoded[i] for i in idx])
                logits = net(torch.from_numpy(ids).to(device), torch.from_numpy(types).to(device),
                             torch.from_numpy(mask).to(device))
                for i, k in zip(idx, logits.argmax(1).tolist()):
                    pred[i] = LABELS[k]
        if binary:
            pred = [p if p == "agreement" else "not_agreement" for p in pred]
        out[name] = round(macro_f1(class_scores(gold, pred, sorted(set(gold)))), 4)
    return out


def _meta(args, step: int, steps: int, pairs: int) -> dict:
    return {"steps": step, "of_steps": steps, "pairs": pairs, "epochs": args.epochs, "batch_size": args.batch_size,
            "lr": args.lr, "head_lr": args.head_lr, "max_length": args.max_length, "seed": args.seed,
            "command": "python -m crosscheck.training.nli_train " + " ".join(sys.argv[1:])}


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env bash
# Continued training of the shipped contradiction model on a lent GPU: several variants at once, each
# scored on the dev pairs at every epoch's end (nli_train --eval), every epoch's delta kept.
#
# Prepared here (docs/model-card.md, "Low-rank retraining of every layer on a lent GPU"):
#   python -m crosscheck.training.nli_train --work W --pairs-only [data options]   # W/pairs.jsonl
#   python -m crosscheck.training.nli_pack .gpack                                   # tokenizer, embeddings
#   python bench/nli_eval.py --write-pairs .gpack/eval.jsonl.gz
#   gzip -c W/pairs.jsonl > .gpack/pairs-NAME.jsonl.gz
# with NAME "def" for the default data and "v4" for --rows conjnli=all --rows snli_dev=all
# --rows breaking_nli=5000 --synthetic-from frank,qags --synthetic-articles 1200.
# Run there (the `device` tool, carry .gpack; .gitignore keeps it out of commits):
#   bash bench/nli_gpu_sweep.sh .gpack OUT_FOLDER   (SWEEP=2 for the second set of variants)
set -u
PACK=$1; OUT=$2; LIMIT=${LIMIT:-420}
export PYTHONPATH=src PYTHONUNBUFFERED=1
W=/tmp/nli-sweep; mkdir -p "$W" "$OUT"
START=src/crosscheck/verdicts/model
variant() {  # NAME PAIRS ARGS...
  local name=$1 pairs=$2; shift 2
  mkdir -p "$W/$name"; zcat "$PACK/pairs-$pairs.jsonl.gz" > "$W/$name/pairs.jsonl"
  timeout "$LIMIT" python3 -m crosscheck.training.nli_train --pack "$PACK" --work "$W/$name" --out "$W/$name/final" \
    --start-from "$START" --eval "${EVAL:-$PACK/eval.jsonl.gz}" --threads 2 --checkpoint-every 1000 "$@" ${EXTRA:-} \
    > "$W/$name.out" 2>&1
}
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader
if [ "${SWEEP:-1}" = 1 ]; then  # 2026-12-04, first: kinds of training (model-card.md has the figures)
  variant A def --lora-rank 16 --epochs 3 --lr 3e-4 --head-lr 1e-4 &
  variant B v4 --lora-rank 16 --epochs 3 --lr 3e-4 --head-lr 1e-4 &
  variant C def --lora-rank 16 --epochs 3 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,2 &
  variant D def --epochs 3 --lr 2e-5 --head-lr 1e-4 &
  variant E def --lora-rank 16 --epochs 5 --lr 3e-4 --head-lr 1e-4 &
  variant F v4 --lora-rank 16 --epochs 3 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,2 &
else  # second: the best kind (C) with its schedule ending at epoch 2, three seeds, and its neighbours
  variant G def --lora-rank 16 --epochs 2 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,2 --seed 13 &
  variant H def --lora-rank 16 --epochs 2 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,2 --seed 14 &
  variant I def --lora-rank 16 --epochs 2 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,2 --seed 15 &
  variant K def --lora-rank 16 --epochs 2 --lr 3e-4 --head-lr 1e-4 --seed 13 &
  variant L def --lora-rank 16 --epochs 2 --lr 3e-4 --head-lr 1e-4 --class-weights 1,1,3 --seed 13 &
fi
wait
for v in A B C E F G H I K L; do  # deltas of every epoch (full weights of D stay: its figures are in the log)
  [ -d "$W/$v" ] && (cd "$W/$v" && tar czf "$OUT/$v.tgz" train.log epoch-*/contradiction.delta.safetensors epoch-*/contradiction.json)
done
tail -n 3 "$W"/*.out > "$OUT/outs.txt"; cat "$W"/*/train.log | grep -v " step " > "$OUT/epochs.txt"
grep -h "epoch " "$W"/*/train.log; ls -la "$OUT"

"""A training pack: what ``nli_train`` needs from the installed backbone, in one folder another machine can read.

Why: a lent GPU machine has torch but none of crosscheck's other dependencies, no registry and a 64 MiB
limit on what travels; the backbone's weights file (87 MB) does not fit. A pack holds the tokenizer, the
backbone's config and its word-embedding matrix (frozen in training) as float16 (23 MB), and the matrix's
float32 hash, which a model trained from the pack records so that it loads here against the installed
backbone (E433 otherwise). The other tensors come from the shipped model training starts from
(``nli_train --start-from``), so a pack is for continued training only.

    python -m crosscheck.training.nli_pack OUT_FOLDER
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

PACK_CARD = "pack.json"
WORD_FILE = "word_embeddings.f16.npy"


def make_pack(out: Path) -> Path:
    from crosscheck.embeddings import read_safetensors
    from crosscheck.verdicts.contradiction_model import WORD_EMBEDDINGS, backbone_folder, word_embeddings_hash

    folder = backbone_folder()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("tokenizer.json", "config.json"):
        shutil.copyfile(folder / name, out / name)
    word = read_safetensors(folder / "model.safetensors")[WORD_EMBEDDINGS]
    np.save(out / WORD_FILE, np.asarray(word, np.float16))
    (out / PACK_CARD).write_text(json.dumps({"backbone_word_embeddings_sha256": word_embeddings_hash(folder)},
                                            indent=1) + "\n")
    return out


def read_pack(folder: Path) -> tuple[np.ndarray, dict, str]:
    """The pack's word embeddings (float32), backbone config and recorded word-embedding hash."""
    card = json.loads((folder / PACK_CARD).read_text())
    word = np.load(folder / WORD_FILE).astype(np.float32)
    return word, json.loads((folder / "config.json").read_text()), card["backbone_word_embeddings_sha256"]


if __name__ == "__main__":
    print(make_pack(Path(sys.argv[1])))

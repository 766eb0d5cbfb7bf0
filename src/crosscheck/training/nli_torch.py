"""The contradiction model in torch, for training: the same function as ``ContradictionModel`` computes.

Parameters carry the backbone's (Hugging Face BERT) names, so the shipped file maps one to one; the
word-embedding matrix is a frozen buffer (it is reused from the installed backbone at run time).
With ``add_lora`` each encoder matrix ``W`` computes as ``W + B @ A`` (rank ``r``), the matrices themselves
frozen: a retraining of every layer that ships as the small factors (``contradiction_model.export_delta``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from crosscheck.verdicts.contradiction_model import LABELS, WORD_EMBEDDINGS


class CrossEncoderNet(nn.Module):
    def __init__(self, tensors: dict[str, np.ndarray], config: dict, dropout: float = 0.1) -> None:
        super().__init__()
        self.heads, self.eps, self.dim = config["num_attention_heads"], config["layer_norm_eps"], config["hidden_size"]
        self.layers_n = config["num_hidden_layers"]
        self.dropout = dropout
        self.register_buffer("word", torch.from_numpy(np.array(tensors[WORD_EMBEDDINGS], np.float32)))
        self.params = nn.ParameterDict()
        self._names: dict[str, str] = {}
        for name, value in tensors.items():
            if name == WORD_EMBEDDINGS or not (name.startswith("embeddings.") or name.startswith("encoder.")):
                continue
            if value.dtype != np.float32:
                continue  # position_ids
            key = name.replace(".", "__")
            self._names[key] = name
            self.params[key] = nn.Parameter(torch.from_numpy(np.array(value, np.float32)))
        self.head = nn.Linear(self.dim, len(LABELS))
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    @classmethod
    def from_backbone(cls, folder: Path) -> "CrossEncoderNet":
        from crosscheck.embeddings import read_safetensors

        return cls(read_safetensors(folder / "model.safetensors"), json.loads((folder / "config.json").read_text()))

    def p(self, name: str) -> torch.Tensor:
        return self.params[name.replace(".", "__")]

    def add_lora(self, rank: int, alpha: float | None = None) -> None:
        """Low-rank updates on every encoder matrix; only they, the encoder's biases and layer norms (and the
        head) learn. B starts at zero, so the network starts as it was."""
        self.lora = nn.ParameterDict()
        self.lora_scale = (alpha or 2.0 * rank) / rank
        for key, param in self.params.items():
            name = self._names[key]
            matrix = name.startswith("encoder.") and name.endswith(".weight") and param.ndim == 2
            param.requires_grad = name.startswith("encoder.") and not matrix
            if matrix:
                out, inp = param.shape
                self.lora[key + "__a"] = nn.Parameter(torch.randn(rank, inp) / math.sqrt(inp))
                self.lora[key + "__b"] = nn.Parameter(torch.zeros(out, rank))

    def w(self, name: str) -> torch.Tensor:
        """A weight as the network computes with it: the parameter, plus its low-rank update if it has one."""
        key = name.replace(".", "__")
        base = self.params[key]
        lora = getattr(self, "lora", None)
        if lora is not None and key + "__a" in lora:
            return base + (lora[key + "__b"] @ lora[key + "__a"]) * self.lora_scale
        return base

    def lora_factors(self) -> dict[str, np.ndarray]:
        """The low-rank updates as shipped: ``NAME.lora_a`` (r x in) and ``NAME.lora_b`` (out x r, the scale
        folded in), so that ``W = W0 + lora_b @ lora_a``; with the biases and layer norms that learnt."""
        out: dict[str, np.ndarray] = {}
        for key in self.params:
            if getattr(self, "lora", None) is not None and key + "__a" in self.lora:
                name = self._names[key]
                out[name + ".lora_a"] = self.lora[key + "__a"].detach().cpu().numpy()
                out[name + ".lora_b"] = (self.lora[key + "__b"] * self.lora_scale).detach().cpu().numpy()
            elif self.params[key].requires_grad:
                out[self._names[key]] = self.params[key].detach().cpu().numpy()
        out["head.weight"] = self.head.weight.detach().cpu().numpy()
        out["head.bias"] = self.head.bias.detach().cpu().numpy()
        return out

    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, width = ids.shape
        heads, size, dim = self.heads, self.dim // self.heads, self.dim
        drop = self.dropout if self.training else 0.0
        x = self.word[ids] + self.p("embeddings.position_embeddings.weight")[:width] + \
            self.p("embeddings.token_type_embeddings.weight")[types]
        x = F.layer_norm(x, (dim,), self.p("embeddings.LayerNorm.weight"), self.p("embeddings.LayerNorm.bias"),
                         eps=self.eps)
        x = F.dropout(x, drop, self.training)
        attend = mask[:, None, None, :]
        for n in range(self.layers_n):
            pre = f"encoder.layer.{n}."
            w = torch.cat([self.w(pre + f"attention.self.{k}.weight") for k in ("query", "key", "value")])
            b = torch.cat([self.p(pre + f"attention.self.{k}.bias") for k in ("query", "key", "value")])
            q, k, v = F.linear(x, w, b).view(batch, width, 3, heads, size).permute(2, 0, 3, 1, 4).unbind(0)
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(batch, width, dim)
            attended = F.dropout(F.linear(context, self.w(pre + "attention.output.dense.weight"),
                                          self.p(pre + "attention.output.dense.bias")), drop, self.training)
            x = F.layer_norm(attended + x, (dim,), self.p(pre + "attention.output.LayerNorm.weight"),
                             self.p(pre + "attention.output.LayerNorm.bias"), eps=self.eps)
            hidden = F.gelu(F.linear(x, self.w(pre + "intermediate.dense.weight"),
                                     self.p(pre + "intermediate.dense.bias")))
            out = F.dropout(F.linear(hidden, self.w(pre + "output.dense.weight"), self.p(pre + "output.dense.bias")),
                            drop, self.training)
            x = F.layer_norm(out + x, (dim,), self.p(pre + "output.LayerNorm.weight"),
                             self.p(pre + "output.LayerNorm.bias"), eps=self.eps)
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.head(F.dropout(pooled, drop, self.training))

    def trainable_state(self) -> dict:
        return {k: v for k, v in self.state_dict().items() if k != "word"}

    def numpy_weights(self) -> dict[str, np.ndarray]:
        out = {self._names[k]: self.w(self._names[k]).detach().cpu().numpy() for k in self.params}
        out["head.weight"] = self.head.weight.detach().cpu().numpy()
        out["head.bias"] = self.head.bias.detach().cpu().numpy()
        return out

"""The bundled MiniLM on torch: no sentence-transformers import (~4 s saved at start-up).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crosscheck.embeddings.weights import _MiniLMWeights

class NativeMiniLM(_MiniLMWeights):
    """The bundled all-MiniLM-L6-v2 computed directly with torch: the fastest per text on CPU, but
    importing torch costs ~2.5 s. Vectors agree with sentence-transformers' to ~1e-6
    (tests/test_embeddings.py checks cosine > 0.9999)."""

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        super().__init__(folder)
        import torch

        self.torch = torch
        self.device = device

        def move(value):
            if isinstance(value, tuple):
                return tuple(move(v) for v in value)
            return torch.from_numpy(np.ascontiguousarray(value)).to(device)

        self.word, self.position, self.token_type, self.norm = (
            move(self.word), move(self.position), move(self.token_type), move(self.norm))
        self.layers = [{k: move(v) for k, v in layer.items()} for layer in self.layers]

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        torch = self.torch
        F = torch.nn.functional
        ids, mask = self._tokens(texts)
        width = ids.shape[1]
        with torch.inference_mode():
            ids_t, mask_t = torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device)
            x = self.word[ids_t] + self.position[:width] + self.token_type
            x = F.layer_norm(x, (self.dim,), *self.norm, eps=self.eps)
            batch, heads, size = len(texts), self.heads, self.dim // self.heads
            attend = mask_t[:, None, None, :]
            for layer in self.layers:
                qkv = F.linear(x, layer["qkv_w"], layer["qkv_b"]).view(batch, width, 3, heads, size)
                q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
                context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                context = context.transpose(1, 2).reshape(batch, width, self.dim)
                x = F.layer_norm(F.linear(context, layer["out_w"], layer["out_b"]) + x, (self.dim,), *layer["ln1"],
                                 eps=self.eps)
                hidden = F.gelu(F.linear(x, layer["up_w"], layer["up_b"]))
                x = F.layer_norm(F.linear(hidden, layer["down_w"], layer["down_b"]) + x, (self.dim,), *layer["ln2"],
                                 eps=self.eps)
            weights = mask_t.unsqueeze(-1).to(x.dtype)
            pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            if normalize:
                pooled = F.normalize(pooled, p=2, dim=1)
            return pooled.cpu().numpy().astype(np.float32, copy=False)

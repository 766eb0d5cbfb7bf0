"""The bundled MiniLM on numpy: no torch import (~2.3 s saved), slower per text; the BERT encoder
function is shared with the contradiction model (verdicts/contradiction_model.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crosscheck.embeddings.weights import _MiniLMWeights

_ERF_P = tuple(np.float32(c) for c in (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
                                       -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
                                       -1.60960333262415e-02))
_ERF_Q = tuple(np.float32(c) for c in (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
                                       -7.37332916720468e-03, -1.42647390514189e-02))
_GELU_ROWS = 32  # rows of the hidden layer per step: the temporaries stay in the CPU cache


def _gelu_(h: np.ndarray) -> None:
    """h <- h * (1 + erf(h / sqrt 2)) / 2 in place, block by block (numpy's exp is scalar here: no exp)."""
    f32 = np.float32
    for start in range(0, h.shape[0], _GELU_ROWS):
        x = h[start:start + _GELU_ROWS]
        z = x * f32(0.7071067811865476)
        np.clip(z, f32(-4), f32(4), out=z)
        z2 = z * z
        p = z2 * _ERF_P[0]
        p += _ERF_P[1]
        for c in _ERF_P[2:]:
            p *= z2
            p += c
        p *= z
        q = z2 * _ERF_Q[0]
        q += _ERF_Q[1]
        for c in _ERF_Q[2:]:
            q *= z2
            q += c
        p /= q
        p += f32(1)
        p *= f32(0.5)
        x *= p


def numpy_layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Layer norm over the last axis of a (rows, dim) float32 array, in place."""
    x -= x.mean(-1, keepdims=True)
    scale = np.einsum("ij,ij->i", x, x)[:, None] / np.float32(x.shape[1])
    scale += np.float32(eps)
    np.sqrt(scale, out=scale)
    x /= scale
    x *= weight_bias[0]
    x += weight_bias[1]
    return x


def numpy_encoder(x: np.ndarray, mask: np.ndarray, norm: tuple[np.ndarray, np.ndarray], layers: list[dict],
                  heads: int, eps: float) -> np.ndarray:
    """BERT's embedding layer norm and post-norm encoder layers on summed input embeddings ``x`` of shape
    (batch * width, dim), numpy alone; ``layers`` hold (in, out) weights (``NumpyMiniLM``'s layout).
    Shared by the sentence encoder and the contradiction model (verdicts/contradiction_model.py)."""
    batch, width = mask.shape
    dim = x.shape[1]
    size = dim // heads
    x = numpy_layer_norm(x, norm, eps)
    blocked = np.where(mask, np.float32(0), np.float32(-np.inf))[:, None, None, :]
    scale = np.float32(1 / np.sqrt(size))
    for layer in layers:
        qkv = x @ layer["qkv_w"]
        qkv += layer["qkv_b"]
        q, k, v = qkv.reshape(batch, width, 3, heads, size).transpose(2, 0, 3, 1, 4)
        scores = (q * scale) @ k.transpose(0, 1, 3, 2)
        scores += blocked
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, dim)
        attended = context @ layer["out_w"]
        attended += layer["out_b"]
        attended += x
        x = numpy_layer_norm(attended, layer["ln1"], eps)
        hidden = x @ layer["up_w"]
        hidden += layer["up_b"]
        _gelu_(hidden)
        out = hidden @ layer["down_w"]
        out += layer["down_b"]
        out += x
        x = numpy_layer_norm(out, layer["ln2"], eps)
    return x


class NumpyMiniLM(_MiniLMWeights):
    """The same model computed with numpy alone: ~0.3 s to load instead of torch's ~2.5 s, ~1.3x the
    time per text (bench/perf_encoders.py). Vectors agree with torch's to ~3e-7 (cosine > 0.99999)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # weights as (in, out) so that each product is x @ w
        self.layers = [{k: (np.ascontiguousarray(v.T) if k.endswith("_w") else v) for k, v in layer.items()}
                       for layer in self.layers]

    def _batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        ids, mask = self._tokens(texts)
        batch, width = ids.shape
        x = (self.word[ids] + self.position[:width] + self.token_type).reshape(batch * width, self.dim)
        x = numpy_encoder(x, mask, self.norm, self.layers, self.heads, self.eps)
        dim = self.dim
        weights = mask[..., None].astype(np.float32)
        pooled = (x.reshape(batch, width, dim) * weights).sum(1) / np.maximum(weights.sum(1), np.float32(1e-9))
        if normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        return pooled.astype(np.float32, copy=False)

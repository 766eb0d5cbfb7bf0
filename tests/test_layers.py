"""Import-layer contracts: the pipeline flows one way, each stage imports only the stages before it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "crosscheck"

# The stage order (docs/architecture.md): documents -> statements -> stories -> alignments -> verdicts ->
# report -> the command line. Each layer may import itself and the layers listed before it (nouns,
# errors and exit codes are shared); the embeddings are a service the stages after the statements read.
LAYERS = [
    {"crosscheck.nouns", "crosscheck.errors", "crosscheck.exitcodes", "crosscheck.files"},
    {"crosscheck.documents"},
    {"crosscheck.statements"},
    {"crosscheck.embeddings"},
    {"crosscheck.stories"},
    {"crosscheck.alignments"},
    # the verdict stage: rules (verdicts/rules/), the contradiction model, the combiner and its calibration
    {"crosscheck.verdicts"},
    {"crosscheck.checklist", "crosscheck.report", "crosscheck.gate"},
    {"crosscheck.pipeline", "crosscheck.draft", "crosscheck.baseline", "crosscheck.config", "crosscheck.evaluation"},
    {"crosscheck.distributed"},  # the Dask path builds on the pipeline; the pipeline never imports it
    {"crosscheck.cli", "crosscheck.__main__"},
]
# beside the flow: training drives the run-time (the whole pipeline) and nothing run-time imports it
BESIDE = {"crosscheck.training"}
# a harness that runs the whole pipeline on rule cases, imported lazily inside its functions
HARNESSES = {"crosscheck.verdicts.rules.cases"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> int | None:
    """The layer of the longest listed module that is ``name`` or contains it."""
    if any(name == m or name.startswith(m + ".") for m in BESIDE):
        return len(LAYERS) - 2  # may read any stage and the pipeline, never the command line
    matches = [(len(m), i) for i, layer in enumerate(LAYERS) for m in layer if name == m or name.startswith(m + ".")]
    return max(matches)[1] if matches else None


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crosscheck"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("crosscheck"))
    return out


def test_every_module_belongs_to_a_layer():
    unplaced = [module_name(p) for p in PACKAGE.rglob("*.py")
                if module_name(p) != "crosscheck" and layer_of(module_name(p)) is None]
    assert unplaced == []


def test_no_stage_imports_a_later_stage():
    violations = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if name == "crosscheck" or name in HARNESSES:
            continue
        mine = layer_of(name)
        for target in imports(path):
            theirs = layer_of(target)
            if target != "crosscheck" and theirs is not None and mine is not None and theirs > mine:
                violations.append(f"{name} imports {target}")
    assert violations == []


def test_nothing_at_run_time_imports_training():
    offenders = [f"{module_name(p)} imports {t}" for p in PACKAGE.rglob("*.py")
                 if not module_name(p).startswith("crosscheck.training")
                 for t in imports(p) if t.startswith("crosscheck.training")]
    assert offenders == []

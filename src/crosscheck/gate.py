"""Does a run pass the CI gate? The one place that turns findings into an exit code."""

from __future__ import annotations

from collections.abc import Sequence

from crosscheck import exitcodes
from crosscheck.nouns import LEVELS, Finding


def gate_exit_code(findings: Sequence[Finding], *, fail_on: str = "error", max_contradictions: int | None = None,
                   exit_zero: bool = False) -> int:
    """0 when clean, 1 when the gate fails.

    Fails on any finding at or above ``fail_on``; with ``max_contradictions`` set, contradictions
    are allowed up to that many and only the other findings count against ``fail_on``.
    """
    if exit_zero:
        return exitcodes.CLEAN
    threshold = LEVELS.index(fail_on)  # type: ignore[arg-type]
    contradictions = sum(f.kind == "contradiction" for f in findings)
    counted = [f for f in findings if LEVELS.index(f.level) <= threshold
               and not (max_contradictions is not None and f.kind == "contradiction")]
    if counted or (max_contradictions is not None and contradictions > max_contradictions):
        return exitcodes.FINDINGS
    return exitcodes.CLEAN

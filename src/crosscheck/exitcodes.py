"""Exit codes, in one place (as sqlfluff does): CI jobs gate on these."""

CLEAN = 0  # nothing at or above the gate level
FINDINGS = 1  # the gate failed: findings at or above --fail-on, or more contradictions than allowed
ERROR = 2  # usage error, or no input could be checked

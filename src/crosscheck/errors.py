"""Numbered, actionable errors. The library raises these; only the CLI prints them.

Each code is stable so that users can search for it: E1xx input files, E2xx rule files,
E3xx configuration and baselines, E4xx models.
"""

from __future__ import annotations


class CrosscheckError(Exception):
    """Base error: a code, a message a user can act on, and where it happened."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key
        if code:
            self.code = code

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        key = f" (key '{self.key}')" if self.key else ""
        return f"[{self.code}] {where}{self.message}{key}"


class InputError(CrosscheckError):
    """A source file could not be read as an article (E1xx)."""

    code = "E100"


class RuleFileError(CrosscheckError):
    """A rule or rule-case file is invalid (E2xx)."""

    code = "E200"


class ConfigError(CrosscheckError):
    """Configuration or baseline problem (E3xx)."""

    code = "E300"


class ModelError(CrosscheckError):
    """A model could not be loaded (E4xx)."""

    code = "E400"

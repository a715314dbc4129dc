"""Errors that reach an operator as a message, never as a traceback."""

from __future__ import annotations


class GuidebotError(Exception):
    """Base class: the message is complete and meant for the operator."""

    exit_code = 1


class ConfigurationError(GuidebotError):
    """Settings or environment are unusable (bad DATABASE_URL, missing server...)."""


class ValidationFailed(GuidebotError):
    """Input data failed validation; ``problems`` lists each one precisely."""

    exit_code = 2

    def __init__(self, problems: list[str], summary: str | None = None):
        self.problems = list(problems)
        count = len(self.problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found; nothing was imported"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

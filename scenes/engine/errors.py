"""The engine's one error family: a refusal carries the sentence a player will read."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class Refusal(EngineError):
    """A command that the rules refuse; ``str(refusal)`` is the sentence shown to the player."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

"""Small words for any scene's prose: numbers in words, lists of names, and the one ``clip``."""

from __future__ import annotations

from collections.abc import Sequence

from scenes.engine.errors import Refusal

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def word(n: int) -> str:
    return WORDS[n] if 0 <= n < len(WORDS) else str(n)


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{word(n)} times")


def joined(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def bounded(text: str, limit: int, what: str) -> str:
    """User text, stripped, or a refusal when it is empty or longer than ``limit``."""
    text = text.strip()
    if not text:
        raise Refusal(f"The {what} is empty.")
    if len(text) > limit:
        raise Refusal(f"The {what} is {len(text)} characters; the limit is {limit}.")
    return text


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

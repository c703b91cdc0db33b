"""The one rule for a typed character name (a seat's, an NPC's): cleaned, or refused."""

from __future__ import annotations

import re
import unicodedata

from scenes.engine.errors import Refusal
from scenes.engine.limits import NAME_LIMIT as MAX_NAME

# Letters that render as nothing (Hangul fillers, the braille blank): a name of them looks empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories removed outright: C0/C1 controls (Cc), format characters (Cf: zero-width and
# bidirectional controls, U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF, ...), and lone
# surrogates (Cs), which no text encoding can store.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(")
_LINK = re.compile(
    r"[a-z][a-z0-9+.-]*://"  # any scheme: http://, https://, steam://, ...
    r"|\bwww\."
    r"|discord\.gg|dsc\.gg|discord(?:app)?\.com/invite"
    r"|\bmailto:"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/",  # a bare host with a path: evil.example/x
)
_MENTION = re.compile(r"<(?:@[!&]?|#|/|id:)[^>]*>|@(?:everyone|here)\b")
_MARKS = "@#<>`*_~|"


def clean_name(typed: str | None) -> str | None:
    """A typed character name, cleaned; None when nothing was typed (keep the default name).

    NFC; invisible and control characters removed; whitespace collapsed to single spaces. A
    refusal says why when the name is empty once cleaned, too long, or holds a NUL, a link or
    URL, a mention, Markdown link syntax, or Markdown marks.
    """
    if typed is None or not typed.strip():
        return None
    if "\x00" in typed:
        raise Refusal("A character name cannot hold a NUL character.")
    name = unicodedata.normalize("NFC", typed)
    name = "".join(ch for ch in name if ch.isspace() or _visible(ch))
    name = " ".join(unicodedata.normalize("NFC", name).split())  # a removal can uncompose
    if not name:
        raise Refusal(
            "A character name needs visible letters; invisible and control characters are removed."
        )
    seen = unicodedata.normalize("NFKC", name).casefold()  # fullwidth ｈｔｔｐ reads as http
    if _MARKDOWN_LINK.search(seen):
        raise Refusal("A character name cannot hold a Markdown link like [text](…).")
    if _LINK.search(seen):
        raise Refusal("A character name cannot hold a link or a web address.")
    if _MENTION.search(seen):
        raise Refusal("A character name cannot hold a mention (<@…>, <#…>, @everyone, @here).")
    if len(name) > MAX_NAME:
        raise Refusal(f"A character name is at most {MAX_NAME} characters.")
    if any(ch in seen for ch in _MARKS):
        raise Refusal("A character name cannot hold @, #, <, >, or Markdown marks.")
    return name


def _visible(ch: str) -> bool:
    return unicodedata.category(ch) not in _REMOVED_CATEGORIES and ch not in _BLANK_LETTERS

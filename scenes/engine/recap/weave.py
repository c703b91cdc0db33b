"""The session in time order, as a story is told: chapters (one a beat), each a run of the
table's own words and of the deeds the rules carried out, as they happened.

The reader fills these in one pass; a scene's story turns them into prose. The core knows a
few kinds of deed (a technique, a fall, a hold, a choice, a fate, a move); a scene's reader adds
deeds of its own kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

WordsStyle = Literal["act", "say", "pose", "gm", "npc"]


class DeedKind(StrEnum):
    """The core's kinds of deed; a scene's reader may use kinds of its own too."""

    TECHNIQUE = "technique"
    DOWN = "down"
    GRIP = "grip"
    FREED = "freed"
    CHOICE = "choice"
    FATE = "fate"
    MOVED = "moved"
    DEFENDED = "defended"


@dataclass(frozen=True, eq=False)  # each is itself: a line said twice is two lines
class Words:
    """The table's own words, at the moment they were written: a player's pose, action or
    line, the GM's narration, or a line the GM gave one of the scene's other people."""

    style: WordsStyle
    speaker: str | None  # a character key; None for the GM and for an NPC
    name: str  # who wrote or spoke, as named at the end of the session
    text: str


@dataclass(eq=False)  # each is itself: two like blows are two blows
class Deed:
    """Something the rules carried out. ``who`` did it to ``whom``; ``what`` names the means
    (a technique key, a place, an option, a fate); ``how`` is how it went (an outcome).

    ``posed``: the player wrote this action's narration (it stands just before the deed), so
    a story tells their words instead of its own. ``landed``: whom the deed reached."""

    kind: str
    who: str | None = None
    whom: tuple[str, ...] = ()
    what: str = ""
    how: str = ""
    posed: bool = False
    landed: list[str] = field(default_factory=list)


Item = Words | Deed


@dataclass
class Chapter:
    """One beat of the scene (``beat`` 0: before the first), with what happened in it."""

    beat: int
    key: str
    name: str
    items: list[Item] = field(default_factory=list)

    @property
    def deeds(self) -> list[Deed]:
        return [item for item in self.items if isinstance(item, Deed)]

    @property
    def words(self) -> list[Words]:
        return [item for item in self.items if isinstance(item, Words)]


def stretches(items: list[Item]) -> list[Words | list[Deed]]:
    """``items`` with each run of deeds between two pieces of the table's words gathered into
    one list: the stretches that a story bridges in its own voice."""
    out: list[Words | list[Deed]] = []
    for item in items:
        if isinstance(item, Words):
            out.append(item)
        elif out and isinstance(out[-1], list):
            out[-1].append(item)
        else:
            out.append([item])
    return out

"""The core's narration moments and the placeholders each may use: one closed set, shared by the
schema that checks a scene's narration file and the rules that ask for a line."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Moment(StrEnum):
    """Moments every scene narrates; a scene adds its own in an enum of its own."""

    HIT = "hit"
    MISS = "miss"
    CRITICAL = "critical"
    FUMBLE = "fumble"
    HEAL = "heal"
    HEAL_SELF = "heal_self"
    MOVE = "move"
    DEFEND = "defend"
    DOWN = "down"
    ESCAPE = "escape"
    STUNNED = "stunned"


# The moments that tell the actor's own action: a player's pose replaces them.
ACTION: frozenset[str] = frozenset(
    {
        Moment.HIT,
        Moment.MISS,
        Moment.CRITICAL,
        Moment.FUMBLE,
        Moment.HEAL,
        Moment.HEAL_SELF,
        Moment.MOVE,
        Moment.DEFEND,
        Moment.ESCAPE,
    }
)

ACTOR = frozenset({"actor", "their", "them", "themself"})
TARGET = frozenset({"target", "target_their", "target_them", "target_themself"})
PAIR = ACTOR | TARGET
ATTACK = PAIR | {"technique", "amount"}
NONE: frozenset[str] = frozenset()

PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    Moment.HIT: ATTACK,
    Moment.MISS: ATTACK,
    Moment.CRITICAL: ATTACK,
    Moment.FUMBLE: ACTOR | {"technique"},
    Moment.HEAL: PAIR | {"amount"},
    Moment.HEAL_SELF: ACTOR | {"amount"},
    Moment.MOVE: ACTOR | {"from_place", "place"},
    Moment.DEFEND: ACTOR | {"place"},
    Moment.DOWN: TARGET,
    Moment.ESCAPE: PAIR,
    Moment.STUNNED: TARGET,
}


def beat_moment(key: str) -> str:
    """The narration moment of the beat ``key`` (its lines live in the scene's narration)."""
    return f"beat_{key}"


def ending_moment(key: str) -> str:
    return f"ending_{key}"

"""Questions about the state that the rules ask again and again."""

from __future__ import annotations

from scenes.engine.state import Character, Condition, Door, SessionState

PAIR = ("sakura", "sasuke")
DOOR_PLACES = frozenset({"office", "east_hall"})


def seated(state: SessionState, key: str) -> bool:
    return state.seat(key).member_id is not None


def can_act(state: SessionState, key: str) -> bool:
    """Whether ``key`` can take a turn: seated, still in the scene and on their feet."""
    return seated(state, key) and state.character(key).standing


def other_of_pair(key: str) -> str | None:
    if key not in PAIR:
        return None
    return PAIR[1] if key == PAIR[0] else PAIR[0]


def enemies(state: SessionState, actor: Character) -> tuple[Character, ...]:
    """Standing characters of the other side in the actor's place."""
    return tuple(
        c
        for c in state.characters
        if c.side != actor.side and c.place == actor.place and c.standing
    )


def allies_here(state: SessionState, actor: Character) -> tuple[Character, ...]:
    """Characters of the actor's side in the actor's place (the actor included), down or not."""
    return tuple(
        c for c in state.characters if c.side == actor.side and c.place == actor.place and c.present
    )


def door_between(a: str, b: str) -> bool:
    return {a, b} == DOOR_PLACES


def passable(state: SessionState, a: str, b: str) -> bool:
    return not door_between(a, b) or state.door in (Door.OPEN, Door.BROKEN)


def facing(state: SessionState) -> bool:
    """Whether Sakura and Sasuke can see each other now."""
    sakura, sasuke = state.find(PAIR[0]), state.find(PAIR[1])
    if sakura is None or sasuke is None or not (sakura.present and sasuke.present):
        return False
    if sakura.place == sasuke.place:
        return True
    return door_between(sakura.place, sasuke.place) and passable(state, sakura.place, sasuke.place)


def held(character: Character) -> bool:
    return character.has(Condition.RESTRAINED)

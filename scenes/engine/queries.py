"""Questions about the state that the rules ask again and again."""

from __future__ import annotations

from scenes.engine.state import Character, Condition, SessionState


def seated(state: SessionState, key: str) -> bool:
    return state.seat(key).member_id is not None


def can_act(state: SessionState, key: str) -> bool:
    """Whether ``key`` can take a turn: seated, still in the scene and on their feet."""
    return seated(state, key) and state.character(key).standing


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


def held(character: Character) -> bool:
    return character.has(Condition.RESTRAINED)


def find_character(state: SessionState, name: str | None) -> Character | None:
    """The character whose key or name (any case) is ``name``: the one lookup every command uses."""
    if name is None:
        return None
    wanted = name.strip().casefold()
    return next(
        (c for c in state.characters if wanted in (c.key, c.name.casefold())),
        None,
    )


def leaning(resolve: int) -> str:
    """Resolve's leaning in words: toward duty, toward the heart, or torn between them."""
    return "duty" if resolve > 0 else "heart" if resolve < 0 else "torn"

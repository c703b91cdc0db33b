"""The chart's numbers: vitality, chakra and the north wing's integrity, round by round."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scenes.engine import events as ev
from scenes.engine.evolve import evolve
from scenes.engine.recap.reading import Logged, moments
from scenes.engine.state import SessionState


class Track(BaseModel):
    """One character's vitality and chakra at each point of the course."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    role: str
    vitality: tuple[int, ...]
    chakra: tuple[int, ...]
    max_vitality: int
    max_chakra: int


class Course(BaseModel):
    """The numbers the chart draws: 0 is the start, r the end of round r, the last the close."""

    model_config = ConfigDict(frozen=True)

    rounds: tuple[int, ...]
    tracks: tuple[Track, ...]
    integrity: tuple[int, ...]
    max_integrity: int
    fell: int | None = None


def course(state: SessionState, log: Sequence[Logged]) -> Course | None:
    """Vitality, chakra and integrity at the start, at each round's end, and at the close;
    None for a session that never began."""
    start = _start(log)
    if start is None:
        return None
    played = {e.seat for entry in log for e in entry.events if isinstance(e, ev.SeatClaimed)}
    keys = [c.key for c in state.characters if c.key in played] or [c.key for c in state.characters]
    points: list[tuple[int, dict[str, int], dict[str, int], int]] = [
        (0, _of(start, "vitality"), _of(start, "chakra"), start.siege.integrity)
    ]
    fell = None
    for moment in moments(log):
        event = moment.event
        if isinstance(event, ev.RoundEnded):
            points.append((event.round, event.vitality, event.chakra, event.integrity))
        elif isinstance(event, ev.NorthWingFell):
            fell = moment.round
    closing = max(state.round, points[-1][0] + 1)
    points.append((closing, _of(state, "vitality"), _of(state, "chakra"), state.siege.integrity))
    tracks = tuple(_track(state, key, points) for key in keys)
    return Course(
        rounds=tuple(p[0] for p in points),
        tracks=tracks,
        integrity=tuple(p[3] for p in points),
        max_integrity=state.siege.max_integrity,
        fell=fell,
    )


def _start(log: Sequence[Logged]) -> SessionState | None:
    state: SessionState | None = None
    for entry in log:
        for event in entry.events:
            state = evolve(state, event)
            if isinstance(event, ev.SceneBegan):
                return state
    return None


def _of(state: SessionState, what: str) -> dict[str, int]:
    return {c.key: getattr(c, what) for c in state.characters}


def _track(
    state: SessionState, key: str, points: list[tuple[int, dict[str, int], dict[str, int], int]]
) -> Track:
    character = state.character(key)
    return Track(
        key=key,
        name=character.name,
        role=character.role,
        vitality=tuple(p[1].get(key, 0) for p in points),
        chakra=tuple(p[2].get(key, 0) for p in points),
        max_vitality=character.max_vitality,
        max_chakra=character.max_chakra,
    )

"""The chart's numbers: each character's vitality and chakra and each of the scene's gauges,
round by round."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scenes.engine import events as ev
from scenes.engine.evolve import evolve
from scenes.engine.recap.reading import Logged, moments
from scenes.engine.registry import find_scene
from scenes.engine.state import SessionState


class Track(BaseModel):
    """One character's vitality and chakra at each point of the course, in the role's colour."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    role: str
    colour: int
    vitality: tuple[int, ...]
    chakra: tuple[int, ...]
    max_vitality: int
    max_chakra: int


class GaugeTrack(BaseModel):
    """One of the scene's gauges at each point; ``broke``: the round it first fell to 0."""

    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    values: tuple[int, ...]
    maximum: int
    broke: int | None = None


class Course(BaseModel):
    """The numbers the chart draws: 0 is the start, r the end of round r, the last the close."""

    model_config = ConfigDict(frozen=True)

    rounds: tuple[int, ...]
    tracks: tuple[Track, ...]
    gauges: tuple[GaugeTrack, ...] = ()


Point = tuple[int, dict[str, int], dict[str, int], dict[str, int]]


def course(state: SessionState, log: Sequence[Logged]) -> Course | None:
    """Vitality, chakra and the gauges at the start, at each round's end, and at the close;
    None for a session that never began."""
    start = _start(log)
    if start is None:
        return None
    rules = find_scene(state.scene)
    played = {e.seat for entry in log for e in entry.events if isinstance(e, ev.SeatClaimed)}
    keys = [c.key for c in state.characters if c.key in played] or [c.key for c in state.characters]
    points: list[Point] = [(0, _of(start, "vitality"), _of(start, "chakra"), _gauges(start))]
    for moment in moments(log):
        event = moment.event
        if isinstance(event, ev.RoundEnded):
            points.append((event.round, event.vitality, event.chakra, event.gauges))
    closing = max(state.round, points[-1][0] + 1)
    points.append((closing, _of(state, "vitality"), _of(state, "chakra"), _gauges(state)))
    tracks = tuple(_track(state, key, points) for key in keys)
    gauges = tuple(
        _gauge_track(gauge.key, gauge.title, gauge.maximum, points) for gauge in rules.gauges(state)
    )
    return Course(rounds=tuple(p[0] for p in points), tracks=tracks, gauges=gauges)


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


def _gauges(state: SessionState) -> dict[str, int]:
    return {gauge.key: gauge.value for gauge in find_scene(state.scene).gauges(state)}


def _track(state: SessionState, key: str, points: list[Point]) -> Track:
    character = state.character(key)
    role = find_scene(state.scene).data.role(character.role)
    return Track(
        key=key,
        name=character.name,
        role=character.role,
        colour=role.colour,
        vitality=tuple(p[1].get(key, 0) for p in points),
        chakra=tuple(p[2].get(key, 0) for p in points),
        max_vitality=character.max_vitality,
        max_chakra=character.max_chakra,
    )


def _gauge_track(key: str, title: str, maximum: int, points: list[Point]) -> GaugeTrack:
    values = tuple(p[3].get(key, 0) for p in points)
    broke = next((p[0] for p in points[1:-1] if p[3].get(key, 1) <= 0), None)
    return GaugeTrack(key=key, title=title, values=values, maximum=maximum, broke=broke)


DESCRIPTION_LIMIT = 1024  # Discord's longest attachment description (its alt text)


def describe(plotted: Course) -> str:
    """The chart in words, for a screen reader: what is drawn, and each line from its start to
    its close, with its lowest point."""
    last = plotted.rounds[-1]
    parts = [f"Line chart of the session from its start to round {last}."]
    for track in plotted.tracks:
        parts.append(
            f"{track.name}: vitality {_run(track.vitality, track.max_vitality)}, "
            f"chakra {_run(track.chakra, track.max_chakra)}."
        )
    for gauge in plotted.gauges:
        broke = f", fell to 0 in round {gauge.broke}" if gauge.broke is not None else ""
        parts.append(f"{gauge.title}: {_run(gauge.values, gauge.maximum)}{broke}.")
    text = " ".join(parts)
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def _run(values: tuple[int, ...], maximum: int) -> str:
    low = min(values)
    lowest = f", lowest {low}" if low not in (values[0], values[-1]) else ""
    return f"{values[0]} to {values[-1]} of {maximum}{lowest}"

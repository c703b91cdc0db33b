"""Plain one-line facts for the castle's own events (the core describes its own)."""

from __future__ import annotations

from scenes.castle.world import (
    DoorChanged,
    FirstSight,
    NorthWingFell,
    ScrollsAt,
    ScrollsChanged,
    SiegePressed,
    SiegeRelieved,
)
from scenes.engine.describe import name_of
from scenes.engine.events import SceneEvent
from scenes.engine.state import SessionState


def describe(event: SceneEvent, state: SessionState) -> str | None:
    match event:
        case DoorChanged():
            return f"The oak door is {event.door.value}."
        case ScrollsChanged():
            return _scrolls(event, state)
        case FirstSight():
            verdict = "holds to duty." if event.success else "hesitates."
            return f"{name_of(state, event.seat)} {verdict}"
        case SiegeRelieved():
            return (
                f"{name_of(state, event.seat)} eases the siege by {event.amount} "
                f"({event.relief} this round)."
            )
        case SiegePressed():
            return (
                f"The army presses for {event.press} against {event.relief}: the north "
                f"wing loses {event.loss} ({event.integrity} left)."
            )
        case NorthWingFell():
            return "The north wing has fallen."
    return None


def _scrolls(event: ScrollsChanged, state: SessionState) -> str:
    if event.at is ScrollsAt.CARRIED:
        return f"{name_of(state, event.holder)} has the scrolls."
    if event.at is ScrollsAt.LOST:
        return "The scrolls are lost."
    if event.guard and event.by == event.guard:
        return f"{name_of(state, event.guard)} guards the desk."
    return f"The scrolls are {'hidden' if event.at is ScrollsAt.HIDDEN else 'in the desk'}."

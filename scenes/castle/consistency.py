"""What the castle must never say or do against its own state, checked over scripted sessions
(bench/playtest.py prints the count; a test runs a few hundred sessions)."""

from __future__ import annotations

from collections.abc import Sequence

from scenes.castle.words import CastleMoment
from scenes.castle.world import (
    Door,
    NorthWingFell,
    SiegeEventAnswered,
    SiegeEventDrawn,
    SiegeRelieved,
    castle,
)
from scenes.engine import events as ev
from scenes.engine.moments import beat_moment
from scenes.engine.state import SessionState

AFTER_THE_END = (ev.TurnStarted, ev.RoundEnded, ev.DecisionOffered)


def contradictions(events: Sequence[ev.Event], state: SessionState) -> list[str]:
    """Each thing one command's ``events`` (leaving ``state``) told or did against the state."""
    found: list[str] = []
    ended = False
    moments = [e.moment for e in events if isinstance(e, ev.Narrated)]
    for event in events:
        if isinstance(event, ev.EndingReached):
            ended = True
        elif ended and (isinstance(event, AFTER_THE_END) or event.kind == "siege_pressed"):
            found.append(f"{event.kind} after the ending was reached")
    offered = [
        e for e in events if isinstance(e, ev.DecisionOffered) and e.decision.kind == "mercy"
    ]
    if beat_moment("mercy") in moments and not offered:
        found.append("the mercy's beat told with no mercy offered")
    if CastleMoment.MERCY_WITHHELD in moments and offered:
        found.append("the mercy told as withheld while it is offered")
    if beat_moment("breach") in moments and castle(state).door in (Door.CLOSED, Door.BARRED):
        found.append("the breach told while the door is shut")
    return found + fallen_wall_eased(events, state)


# What tells or does the easing of the siege: none of it may come once the wall has fallen.
EASING = frozenset({CastleMoment.VOLLEY_ARMY, CastleMoment.WALL_RAISED, CastleMoment.HOLD_THE_LINE})
SIEGE_EVENTS = (SiegeRelieved, SiegeEventDrawn, SiegeEventAnswered)


def fallen_wall_eased(events: Sequence[ev.Event], state: SessionState) -> list[str]:
    """Anything that eased the siege, or brought a siege event, after the north wing fell."""
    fallen = castle(state).siege.fallen and not any(isinstance(e, NorthWingFell) for e in events)
    found: list[str] = []
    for event in events:
        if isinstance(event, NorthWingFell):
            fallen = True
        elif fallen and isinstance(event, SIEGE_EVENTS):
            found.append(f"{event.kind} after the north wing fell")
        elif fallen and isinstance(event, ev.Narrated) and event.moment in EASING:
            found.append(f"the siege told as eased ({event.moment}) after the north wing fell")
    return found


def after_the_end(state: SessionState, refused: bool, closed: ev.SessionEnded | None) -> list[str]:
    """After the ending: a turn command must have been refused, and the close keep the ending."""
    found = [] if refused else ["a turn command was taken after the ending"]
    if closed is not None and (closed.ending != state.ending or closed.was is not None):
        found.append("the close changed the ending with nothing changed")
    return found

"""What the castle must never say or do against its own state, checked over scripted sessions
(bench/playtest.py prints the count; a test runs a few hundred sessions)."""

from __future__ import annotations

from collections.abc import Sequence

from scenes.castle.endings import MERCY_LINES, MERCY_PATHS, ONE_SHOT
from scenes.castle.words import SASUKE, CastleMoment, DecisionKind
from scenes.castle.world import (
    Door,
    NorthWingFell,
    SiegeEventAnswered,
    SiegeEventDrawn,
    SiegeRelieved,
    castle,
)
from scenes.engine import events as ev
from scenes.engine.moments import beat_moment, ending_moment
from scenes.engine.state import Ending, Fate, SessionState

WALL_ENDING = "the_north_wing_falls"

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


class PathWatch:
    """The path a session took to its ending, read from its commands' events alone (not from
    the marks the ending reads): the ending's facets and its told lines are checked against it."""

    def __init__(self) -> None:
        self.mercy = "none"
        self.departure = "none"

    def read(self, events: Sequence[ev.Event], state: SessionState) -> list[str]:
        """Follow one command's ``events`` (leaving ``state``); what its ending, if it reached
        one, told or recorded against the path."""
        found: list[str] = []
        for index, event in enumerate(events):
            if isinstance(event, ev.DecisionMade) and event.of == DecisionKind.MERCY:
                self.mercy = MERCY_PATHS[(event.decider, _how(event.result))]
            elif isinstance(event, ev.FateChanged) and event.seat == SASUKE:
                if event.fate is Fate.GONE:
                    self.departure = _departure(events, state)
            elif isinstance(event, ev.EndingReached):
                told = [e.moment or "" for e in events[index:] if isinstance(e, ev.Narrated)]
                found += self._ending(event.ending, told, state)
        return found

    def _ending(self, ending: Ending, told: list[str], state: SessionState) -> list[str]:
        facets = dict(ending.facets)
        found = []
        if (facets.get("mercy"), facets.get("departure")) != (self.mercy, self.departure):
            found.append("the ending's path is not the path played")
        fallen = castle(state).siege.fallen
        if fallen and ending.key != WALL_ENDING and CastleMoment.ENDING_WALL_FELL not in told:
            found.append("an ending after the wall fell does not say so")
        if not fallen and CastleMoment.ENDING_WALL_FELL in told:
            found.append("the ending tells of a fallen wall that held")
        for path, moment in MERCY_LINES.items():
            if (moment in told) != (self.mercy == path):
                found.append(f"the ending's telling of the mercy ({path}) is not the path played")
        if (CastleMoment.ENDING_FLED_WOUNDED in told) != (self.departure == "fled wounded"):
            found.append("the ending's telling of his flight is not the path played")
        standing = facets.get("sakura") == "standing"
        if ending_moment(ONE_SHOT) in told and not (
            self.mercy in ("he spared her", "his heart refused")
            and self.departure != "none"
            and standing
        ):
            found.append("the one-shot's own ending told off its path")
        if CastleMoment.ENDING_SAKURA_DOWN in told and facets.get("sakura") != "down":
            found.append("the ending tells of Sakura down while she stands")
        return found


def _how(result: str) -> str:
    """A mercy's result as the ending's path names it."""
    return "refused" if result.endswith("heart refused") else result


def _departure(events: Sequence[ev.Event], state: SessionState) -> str:
    fled = any(
        isinstance(e, ev.TechniqueUsed) and e.seat == SASUKE and e.technique == "body_flicker"
        for e in events
    )
    if not fled:
        yielded = any(isinstance(e, ev.DecisionMade) and e.option == "yield" for e in events)
        return "bargained" if yielded else "withdrew"
    sasuke = state.character(SASUKE)
    return "fled wounded" if sasuke.vitality * 2 <= sasuke.max_vitality else "fled"

"""Plain one-line facts for events, shared by the bot's posts, recaps and transcripts."""

from __future__ import annotations

from collections.abc import Callable

from scenes.engine import events as ev
from scenes.engine.state import SessionState


def _name(state: SessionState, key: str | None) -> str:
    if key is None:
        return "someone"
    character = state.find(key)
    return character.name if character else key


def describe(event: ev.Event, state: SessionState) -> str | None:
    """A short fact for ``event`` (names looked up in ``state``), or None for silent events."""
    fact = _FACTS.get(type(event))
    return fact(event, state) if fact else None


_FACTS: dict[type, Callable[..., str | None]] = {
    ev.SeatClaimed: lambda e, s: f"{e.member_name or 'A player'} takes the seat of {e.name}.",
    ev.SeatReleased: lambda e, s: (
        f"{_name(s, e.seat)}'s seat is free again" + (f" ({e.reason})." if e.reason else ".")
    ),
    ev.MemberMuted: lambda e, s: f"<@{e.member_id}> is muted.",
    ev.MemberUnmuted: lambda e, s: f"<@{e.member_id}> may speak again.",
    ev.GmHandedOver: lambda e, s: "The game master's seat changes hands.",
    ev.SceneBegan: lambda e, s: "Initiative: " + " → ".join(_name(s, k) for k in e.order) + ".",
    ev.BeatReached: lambda e, s: f"Beat {e.beat}: {e.name}" + (" (by the GM)." if e.by_gm else "."),
    ev.TurnSkipped: lambda e, s: f"{_name(s, e.seat)}'s turn is skipped ({e.reason}).",
    ev.TechniqueUsed: lambda e, s: (
        f"{_name(s, e.seat)} uses {e.name}" + (f" ({e.cost} chakra)." if e.cost else ".")
    ),
    ev.Damaged: lambda e, s: f"{_name(s, e.seat)} loses {e.amount} vitality ({e.vitality} left).",
    ev.Healed: lambda e, s: f"{_name(s, e.seat)} regains {e.amount} vitality ({e.vitality}).",
    ev.ConditionAdded: lambda e, s: f"{_name(s, e.seat)} is {e.condition.value}.",
    ev.ConditionRemoved: lambda e, s: f"{_name(s, e.seat)} is no longer {e.condition.value}.",
    ev.Moved: lambda e, s: f"{_name(s, e.seat)} goes to the {e.to_place.replace('_', ' ')}.",
    ev.DoorChanged: lambda e, s: f"The oak door is {e.door.value}.",
    ev.ScrollsChanged: lambda e, s: _scrolls(e, s),
    ev.FirstSight: lambda e, s: (
        f"{_name(s, e.seat)} " + ("holds to duty." if e.success else "hesitates.")
    ),
    ev.ResolveShifted: lambda e, s: (
        f"{_name(s, e.seat)}'s resolve moves to {e.resolve:+d} ({e.why})."
    ),
    ev.DecisionOffered: lambda e, s: (
        f"{_name(s, e.decision.decider)} must choose: " + ", ".join(e.decision.options) + "."
    ),
    ev.DecisionMade: lambda e, s: f"{_name(s, e.decider)} chose {e.option}: {e.result}.",
    ev.FateChanged: lambda e, s: f"{_name(s, e.seat)} is {e.fate.value}.",
    ev.SiegeRelieved: lambda e, s: (
        f"{_name(s, e.seat)} eases the siege by {e.amount} ({e.relief} this round)."
    ),
    ev.SiegePressed: lambda e, s: (
        f"The army presses for {e.press} against {e.relief}: the north "
        f"wing loses {e.loss} ({e.integrity} left)."
    ),
    ev.NorthWingFell: lambda e, s: "The north wing has fallen.",
    ev.Paused: lambda e, s: "The scene is paused" + (f": {e.reason}." if e.reason else "."),
    ev.Resumed: lambda e, s: "The scene resumes.",
    ev.ValueSet: lambda e, s: (
        f"The GM sets {_name(s, e.character) + ' ' if e.character else ''}"
        f"{e.field} from {e.old} to {e.new}."
    ),
    ev.Undone: lambda e, s: f"The GM undoes the last {e.command}.",
    ev.EndingReached: lambda e, s: f"Ending: {e.title}.",
    ev.SessionEnded: lambda e, s: "The session ends" + (f": {e.reason}." if e.reason else "."),
}


def _scrolls(event: ev.ScrollsChanged, state: SessionState) -> str:
    if event.at.value == "carried":
        return f"{_name(state, event.holder)} has the scrolls."
    if event.at.value == "lost":
        return "The scrolls are lost."
    if event.guard and event.by == event.guard:
        return f"{_name(state, event.guard)} guards the desk."
    return f"The scrolls are {'hidden' if event.at.value == 'hidden' else 'in the desk'}."

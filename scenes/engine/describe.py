"""Plain one-line facts for events, shared by the bot's posts, recaps and transcripts."""

from __future__ import annotations

from collections.abc import Callable

from scenes.engine import events as ev
from scenes.engine.registry import find_scene
from scenes.engine.state import SessionState


def name_of(state: SessionState, key: str | None, nobody: str = "someone") -> str:
    """A character's name for a key (the key itself for a target that is not a character)."""
    if key is None:
        return nobody
    character = state.find(key)
    return character.name if character else key


_name = name_of


def _changed(event: ev.SessionEnded, state: SessionState) -> str:
    """Say so when the ending at the close is not the one first reached."""
    if event.was is None or event.ending is None:
        return ""
    scene = find_scene(state.scene).data
    return (
        f" The ending is now {scene.ending(event.ending.key).title}: the GM changed the "
        f"state after {scene.ending(event.was).title} was reached."
    )


def describe(event: ev.Event, state: SessionState) -> str | None:
    """A short fact for ``event`` (names looked up in ``state``), or None for silent events."""
    if isinstance(event, ev.SceneEvent):
        return find_scene(state.scene).describe(event, state)
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
    ev.Moved: lambda e, s: (
        f"{_name(s, e.seat)} goes to the {find_scene(s.scene).data.place(e.to_place).name.lower()}."
    ),
    ev.ResolveShifted: lambda e, s: (
        f"{_name(s, e.seat)}'s resolve moves to {e.resolve:+d} ({e.why})."
    ),
    ev.DecisionOffered: lambda e, s: (
        f"{_name(s, e.decision.decider)} must choose: " + ", ".join(e.decision.options) + "."
    ),
    ev.DecisionMade: lambda e, s: f"{_name(s, e.decider)} chose {e.option}: {e.result}.",
    ev.DecisionWithdrawn: lambda e, s: f"{_name(s, e.decider)}'s choice ({e.of}) has passed.",
    ev.FateChanged: lambda e, s: f"{_name(s, e.seat)} is {e.fate.value}.",
    ev.Paused: lambda e, s: "The scene is paused" + (f": {e.reason}." if e.reason else "."),
    ev.Resumed: lambda e, s: "The scene resumes.",
    ev.Marked: lambda e, s: None,
    ev.NpcSpoke: lambda e, s: f"{e.name} speaks.",
    ev.ValueSet: lambda e, s: (
        f"The GM sets {_name(s, e.character) + ' ' if e.character else ''}"
        f"{e.field} from {e.old} to {e.new}."
    ),
    ev.Undone: lambda e, s: f"The GM undoes the last {e.command}.",
    ev.EndingReached: lambda e, s: f"Ending: {e.title}.",
    ev.SessionEnded: lambda e, s: (
        "The session ends" + (f": {e.reason}." if e.reason else ".") + _changed(e, s)
    ),
}

"""Evolve: apply one event to the state. Pure, total, and the only way state changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import singledispatch

from scenes.engine import events as ev
from scenes.engine.commands import TURN_COMMANDS
from scenes.engine.state import Character, Condition, SessionState, Status, push_undo

UNDO_DEPTH = 5


def evolve(state: SessionState | None, event: ev.Event) -> SessionState:
    """The state after ``event``; a scene's own event changes its world by its ``apply``."""
    if isinstance(event, ev.SessionOpened):
        return _opened(event)
    if state is None:
        raise ValueError(f"{event.kind} before the session was opened")
    if isinstance(event, ev.SceneEvent):
        return state.model_copy(update={"world": event.apply(state.world)})
    return _apply(event, state)


def replay(events: Iterable[ev.Event], state: SessionState | None = None) -> SessionState:
    """Apply events in order (used to check a snapshot against its log)."""
    for event in events:
        state = evolve(state, event)
    if state is None:
        raise ValueError("no events to replay")
    return state


def _opened(event: ev.SessionOpened) -> SessionState:
    return SessionState(
        scene=event.scene,
        seed=event.seed,
        gm_id=event.gm_id,
        seats=event.seats,
        characters=event.characters,
        world=event.world,
    )


def _update(state: SessionState, key: str, **changes: object) -> SessionState:
    return state.with_character(state.character(key).model_copy(update=changes))


def _change(
    state: SessionState, key: str, fn: Callable[[Character], dict[str, object]]
) -> SessionState:
    character = state.character(key)
    return state.with_character(character.model_copy(update=fn(character)))


@singledispatch
def _apply(event: ev.Event, state: SessionState) -> SessionState:
    return state  # events that only record (poses, rolls, narration) change nothing


@_apply.register
def _(event: ev.SeatClaimed, state: SessionState) -> SessionState:
    seat = state.seat(event.seat).model_copy(
        update={"member_id": event.member_id, "member_name": event.member_name}
    )
    return _update(state.with_seat(seat), event.seat, name=event.name)


@_apply.register
def _(event: ev.SeatReleased, state: SessionState) -> SessionState:
    seat = state.seat(event.seat).model_copy(update={"member_id": None, "member_name": ""})
    return state.with_seat(seat)


@_apply.register
def _(event: ev.MemberMuted, state: SessionState) -> SessionState:
    return state.model_copy(update={"muted": tuple(sorted({*state.muted, event.member_id}))})


@_apply.register
def _(event: ev.MemberUnmuted, state: SessionState) -> SessionState:
    muted = tuple(m for m in state.muted if m != event.member_id)
    return state.model_copy(update={"muted": muted})


@_apply.register
def _(event: ev.GmHandedOver, state: SessionState) -> SessionState:
    return state.model_copy(update={"gm_id": event.member_id})


@_apply.register
def _(event: ev.SceneBegan, state: SessionState) -> SessionState:
    return state.model_copy(update={"status": Status.ACTIVE, "order": event.order, "round": 1})


@_apply.register
def _(event: ev.BeatReached, state: SessionState) -> SessionState:
    return state.model_copy(update={"beat": event.beat})


@_apply.register
def _(event: ev.TurnStarted, state: SessionState) -> SessionState:
    state = state.model_copy(update={"turn": event.seat, "round": event.round, "acted": False})
    return _update(
        state,
        event.seat,
        evasion_bonus=0,
        turn_marks=(),
        conditions=_without(state.character(event.seat), Condition.GUARDING),
    )


@_apply.register
def _(event: ev.TurnEnded, state: SessionState) -> SessionState:
    return state.model_copy(update={"turn": None})


@_apply.register
def _(event: ev.ActionStarted, state: SessionState) -> SessionState:
    undo = push_undo(state.undo, event.command, state, UNDO_DEPTH)
    acted = state.acted or event.command in TURN_COMMANDS
    return state.model_copy(update={"undo": undo, "acted": acted})


@_apply.register
def _(event: ev.TechniqueUsed, state: SessionState) -> SessionState:
    return _change(state, event.seat, lambda c: {"chakra": max(0, c.chakra - event.cost)})


@_apply.register
def _(event: ev.Damaged, state: SessionState) -> SessionState:
    return _update(state, event.seat, vitality=event.vitality)


@_apply.register
def _(event: ev.Healed, state: SessionState) -> SessionState:
    return _update(state, event.seat, vitality=event.vitality)


def _without(character: Character, condition: Condition) -> tuple[Condition, ...]:
    return tuple(c for c in character.conditions if c is not condition)


@_apply.register
def _(event: ev.ConditionAdded, state: SessionState) -> SessionState:
    def add(character: Character) -> dict[str, object]:
        conditions = tuple(sorted({*character.conditions, event.condition}))
        held_by = event.by if event.condition is Condition.RESTRAINED else character.held_by
        return {"conditions": conditions, "held_by": held_by}

    return _change(state, event.seat, add)


@_apply.register
def _(event: ev.ConditionRemoved, state: SessionState) -> SessionState:
    def remove(character: Character) -> dict[str, object]:
        held_by = None if event.condition is Condition.RESTRAINED else character.held_by
        return {"conditions": _without(character, event.condition), "held_by": held_by}

    return _change(state, event.seat, remove)


@_apply.register
def _(event: ev.EvasionChanged, state: SessionState) -> SessionState:
    def bonus(character: Character) -> dict[str, object]:
        marks = character.turn_marks
        if event.mark is not None and event.mark not in marks:
            marks = (*marks, event.mark)
        return {"evasion_bonus": character.evasion_bonus + event.bonus, "turn_marks": marks}

    return _change(state, event.seat, bonus)


@_apply.register
def _(event: ev.Marked, state: SessionState) -> SessionState:
    field = "turn_marks" if event.until_turn else "marks"

    def mark(character: Character) -> dict[str, object]:
        marks: tuple[str, ...] = getattr(character, field)
        kept = tuple(m for m in marks if m != event.mark)
        return {field: (*kept, event.mark) if event.on else kept}

    return _change(state, event.seat, mark)


@_apply.register
def _(event: ev.Moved, state: SessionState) -> SessionState:
    return _update(state, event.seat, place=event.to_place)


@_apply.register
def _(event: ev.ResolveShifted, state: SessionState) -> SessionState:
    return _update(state, event.seat, resolve=event.resolve)


@_apply.register
def _(event: ev.DecisionOffered, state: SessionState) -> SessionState:
    """A new decision joins the pending ones; one of the same kind to the same decider is
    replaced where it stood."""
    offered = event.decision
    pending = state.decisions
    same = [
        i for i, d in enumerate(pending) if (d.decider, d.kind) == (offered.decider, offered.kind)
    ]
    if same:
        decisions = (*pending[: same[0]], offered, *pending[same[0] + 1 :])
    else:
        decisions = (*pending, offered)
    return state.model_copy(update={"decisions": decisions})


@_apply.register
def _(event: ev.DecisionMade, state: SessionState) -> SessionState:
    return _without_decision(state, event.decider, event.of)


@_apply.register
def _(event: ev.DecisionWithdrawn, state: SessionState) -> SessionState:
    return _without_decision(state, event.decider, event.of)


def _without_decision(state: SessionState, decider: str, kind: str) -> SessionState:
    """The state without ``decider``'s pending decision of ``kind`` (their first, kind unsaid)."""
    for index, decision in enumerate(state.decisions):
        if decision.decider == decider and kind in ("", decision.kind):
            decisions = (*state.decisions[:index], *state.decisions[index + 1 :])
            return state.model_copy(update={"decisions": decisions})
    return state


@_apply.register
def _(event: ev.FateChanged, state: SessionState) -> SessionState:
    return _update(state, event.seat, fate=event.fate)


@_apply.register
def _(event: ev.RoundEnded, state: SessionState) -> SessionState:
    return state.model_copy(update={"round": event.round + 1})


@_apply.register
def _(event: ev.Paused, state: SessionState) -> SessionState:
    return state.model_copy(update={"status": Status.PAUSED, "pause_reason": event.reason})


@_apply.register
def _(event: ev.Resumed, state: SessionState) -> SessionState:
    return state.model_copy(update={"status": Status.ACTIVE, "pause_reason": None})


@_apply.register
def _(event: ev.ValueSet, state: SessionState) -> SessionState:
    if event.character is None:
        return state.model_copy(update={"world": state.world.with_gauge(event.field, event.new)})
    return _update(state, event.character, **{event.field: event.new})


@_apply.register
def _(event: ev.Undone, state: SessionState) -> SessionState:
    return event.restored


@_apply.register
def _(event: ev.EndingReached, state: SessionState) -> SessionState:
    return state.model_copy(update={"ending": event.ending})


@_apply.register
def _(event: ev.Narrated, state: SessionState) -> SessionState:
    if not event.dealt:
        return state
    return state.model_copy(update={"told": state.told.after(event.dealt)})


@_apply.register
def _(event: ev.SessionEnded, state: SessionState) -> SessionState:
    return state.model_copy(
        update={"status": Status.ENDED, "ending": event.ending, "turn": None, "decisions": ()}
    )

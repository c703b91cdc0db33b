"""The engine's one entry point: a command becomes a refusal, or events and the new state."""

from __future__ import annotations

import random
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine import gm, lobby
from scenes.engine.actions import defend, interact, move
from scenes.engine.beats import check_triggers
from scenes.engine.checks import Purpose
from scenes.engine.combat import use_technique
from scenes.engine.decisions import choose
from scenes.engine.dice import Dice
from scenes.engine.errors import Refusal
from scenes.engine.evolve import evolve
from scenes.engine.limits import POSE_LIMIT, ROLL_REASON_LIMIT
from scenes.engine.registry import SceneNotFound, find_scene, scene_keys
from scenes.engine.scene import SceneRules
from scenes.engine.state import SessionState, Status
from scenes.engine.text import bounded
from scenes.engine.turns import advance_turn, settle_turn
from scenes.engine.tx import Tx


class Accepted(BaseModel):
    model_config = ConfigDict(frozen=True)

    events: tuple[ev.Event, ...]
    state: SessionState


class Refused(BaseModel):
    model_config = ConfigDict(frozen=True)

    message: str


Outcome = Accepted | Refused


def play(
    state: SessionState | None,
    actor: cmd.Actor,
    command: cmd.Command,
    rng: random.Random,
    rules: SceneRules | None = None,
) -> Outcome:
    """Decide ``command`` from ``actor``: a refusal with its sentence, or the events and new state.

    A refusal never changes anything: the state passed in is the state that stands. ``rules``
    is the session's scene (found in the registry by the state's scene key when not given).
    """
    try:
        return decide(state, actor, command, rng, rules)
    except Refusal as refusal:
        return Refused(message=refusal.message)


def decide(
    state: SessionState | None,
    actor: cmd.Actor,
    command: cmd.Command,
    rng: random.Random,
    rules: SceneRules | None = None,
) -> Accepted:
    """Like ``play``, but a refusal is raised as ``Refusal``."""
    if state is None:
        return _open(actor, command, rules)
    rules = rules or find_scene(state.scene)
    if state.status is not Status.ENDED:
        _check_not_over(state, rules, command)
    _check_access(state, actor, command)
    tx = Tx(state, rules, Dice(rng))
    if command.kind in cmd.UNDOABLE:
        tx.emit(ev.ActionStarted(seat=_seat_key(state, actor), command=command.kind))
    handle(tx, actor, command)
    if tx.state.status is Status.ACTIVE:
        check_triggers(tx)
        settle_turn(tx)
    return Accepted(events=tuple(tx.events), state=tx.state)


def _open(actor: cmd.Actor, command: cmd.Command, rules: SceneRules | None) -> Accepted:
    if not isinstance(command, cmd.Open):
        raise Refusal("There is no open session in this channel. A GM can start one with /gm open.")
    if not actor.gm:
        raise Refusal("Only a game master can open a session.")
    opened = lobby.opening(rules or scene_named(command.scene), actor.member_id, command)
    return Accepted(events=(opened,), state=evolve(None, opened))


def scene_named(key: str) -> SceneRules:
    """The registered scene ``key``, or a refusal that lists the scenes there are."""
    try:
        return find_scene(key.strip().casefold())
    except SceneNotFound:
        known = ", ".join(scene_keys())
        raise Refusal(f"There is no scene “{key[:32]}”; the scenes are: {known}.") from None


def _seat_key(state: SessionState, actor: cmd.Actor) -> str | None:
    seat = state.seat_of(actor.member_id)
    return seat.key if seat else None


def _check_access(state: SessionState, actor: cmd.Actor, command: cmd.Command) -> None:
    """Who may issue what, when: the refusals every command shares."""
    kind = command.kind
    if kind == "open":
        raise Refusal("This channel already has an open session (see /roles, or /gm end it).")
    if state.status is Status.ENDED:
        raise Refusal("This session has ended. A GM can open a new one with /gm open.")
    if kind in cmd.GM_COMMANDS:
        if not actor.gm:
            raise Refusal(
                "Only the session's game master (or a member with Manage Channels or "
                "the GM role) can do that."
            )
        return
    if actor.member_id in state.muted:
        raise Refusal("The GM has muted you in this session; ask them to /gm unmute you.")
    if kind in cmd.TURN_COMMANDS or kind == "choose":
        _check_turn(state, actor, kind)


def _check_not_over(state: SessionState, rules: SceneRules, command: cmd.Command) -> None:
    """After the final beat the scene has stopped: nothing more is played, the GM closes it."""
    if state.beat < rules.data.final_beat:
        return
    if command.kind in cmd.TURN_COMMANDS:
        title = rules.data.ending(state.ending.key).title if state.ending else "its end"
        raise Refusal(
            f"The scene has reached its ending ({title}); nothing more is played. "
            "The GM can close it with /gm end (and /act, /say, /roll still work)."
        )


def _check_turn(state: SessionState, actor: cmd.Actor, kind: str) -> None:
    seat = state.seat_of(actor.member_id)
    if seat is None:
        raise Refusal("You hold no seat. Claim one with /claim (see /roles for free seats).")
    if state.status is Status.LOBBY:
        raise Refusal("The scene has not begun yet; the GM starts it with /gm begin.")
    if state.status is Status.PAUSED:
        why = f" ({state.pause_reason})" if state.pause_reason else ""
        raise Refusal(f"The scene is paused{why}. /act, /say and /roll still work.")
    if kind == "choose":
        return
    name = state.character(seat.key).name
    _check_waiting(state, seat.key)
    if state.turn != seat.key:
        whose = state.character(state.turn).name if state.turn else "nobody"
        raise Refusal(
            f"It is {whose}'s turn, not {name}'s. Free commands (/act, /say, /roll) work any time."
        )


def _check_waiting(state: SessionState, key: str) -> None:
    """No turn is taken while a decision the scene waits on is pending."""
    waiting = state.waiting
    if not waiting:
        return
    mine = next((d for d in waiting if d.decider == key), None)
    if mine is not None:
        options = ", ".join(mine.options)
        raise Refusal(f"Answer your choice ({mine.kind}) first, with /choose: {options}.")
    decision = waiting[0]
    decider = state.character(decision.decider).name
    raise Refusal(f"The scene waits on {decider}'s choice ({decision.kind}) first.")


def _acting_key(tx: Tx, actor: cmd.Actor) -> str:
    seat = tx.state.seat_of(actor.member_id)
    if seat is None:
        raise Refusal("You hold no seat. Claim one with /claim (see /roles for free seats).")
    return seat.key


def _take_turn(
    tx: Tx, actor: cmd.Actor, act: Callable[[str], None], pose: str | None = None
) -> None:
    """A turn-using action by the actor's character, told in the player's own words when they
    gave a ``pose``; then the turn passes, unless a choice waits."""
    key = _acting_key(tx, actor)
    if pose is not None and pose.strip():
        tx.emit(ev.Posed(seat=key, style="pose", text=bounded(pose, POSE_LIMIT, "pose")))
        tx.posed = True
    act(key)
    tx.posed = False
    check_triggers(tx)
    if not tx.state.waiting:
        advance_turn(tx)


def _jutsu(tx: Tx, actor: cmd.Actor, command: cmd.Jutsu) -> None:
    _take_turn(
        tx, actor, lambda key: use_technique(tx, key, command.name, command.target), command.pose
    )


def _defend(tx: Tx, actor: cmd.Actor, command: cmd.Defend) -> None:
    _take_turn(tx, actor, lambda key: defend(tx, key), command.pose)


def _move(tx: Tx, actor: cmd.Actor, command: cmd.Move) -> None:
    _take_turn(tx, actor, lambda key: move(tx, key, command.to), command.pose)


def _interact(tx: Tx, actor: cmd.Actor, command: cmd.Interact) -> None:
    _take_turn(tx, actor, lambda key: interact(tx, key, command.object, command.how), command.pose)


def _choose(tx: Tx, actor: cmd.Actor, command: cmd.Choose) -> None:
    answered = choose(tx, _acting_key(tx, actor), command.option, command.decider)
    gm.after_decision(tx, answered)


def _pose(tx: Tx, actor: cmd.Actor, command: cmd.Act | cmd.Say) -> None:
    key = _acting_key(tx, actor)
    text = bounded(command.text, POSE_LIMIT, "action" if command.kind == "act" else "line")
    tx.emit(ev.Posed(seat=key, style=command.kind, text=text))


def _roll(tx: Tx, actor: cmd.Actor, command: cmd.FreeRoll) -> None:
    reason = command.reason.strip()[:ROLL_REASON_LIMIT] if command.reason else None
    roll = tx.dice.roll(command.dice, reason or "Roll", Purpose.FREE)
    seat = _seat_key(tx.state, actor)
    tx.emit(
        ev.DiceRolled(
            member_id=actor.member_id, seat=seat, reason=reason, roll=roll, private=command.private
        )
    )


def _claim(tx: Tx, actor: cmd.Actor, command: cmd.Claim) -> None:
    lobby.seat_member(tx, actor.member_id, actor.name, command.role, command.name)


def _release(tx: Tx, actor: cmd.Actor, command: cmd.Release) -> None:
    lobby.unseat(tx, actor.member_id, by_gm=False, reason=None)


def handle(tx: Tx, actor: cmd.Actor, command: cmd.Command) -> None:
    """Carry out ``command`` (its access already checked): a player's, or else the GM's."""
    _HANDLERS.get(type(command), gm.handle)(tx, actor, command)


# Each handler takes its own command class, the key it is filed under.
_HANDLERS: dict[type[cmd.Command], Callable[..., None]] = {
    cmd.Claim: _claim,
    cmd.Release: _release,
    cmd.Act: _pose,
    cmd.Say: _pose,
    cmd.Jutsu: _jutsu,
    cmd.Defend: _defend,
    cmd.Move: _move,
    cmd.Interact: _interact,
    cmd.Choose: _choose,
    cmd.FreeRoll: _roll,
}

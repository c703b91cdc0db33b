"""Beats: the scene's spine, reached by their triggers or by the GM, and what each one starts."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.checks import against_dc, resolve_modifier
from scenes.engine.endings import compute_ending, scene_is_over
from scenes.engine.state import (
    Condition,
    Decision,
    DecisionKind,
    Door,
    ScrollsAt,
)
from scenes.engine.tx import Tx
from scenes.engine.world import PAIR, can_act, facing, other_of_pair

BREACH, CLASH, MERCY, SCROLLS, AFTERMATH = 2, 3, 4, 5, 6
MERCY_OPTIONS = ("strike", "spare", "bind")
STANDOFF_OPTIONS = ("take", "bargain", "withdraw")
BARGAIN_OPTIONS = ("yield", "refuse")


def reach_beat(tx: Tx, number: int, by_gm: bool = False) -> None:
    """Move forward to beat ``number`` (never back), with its narration and entry rules."""
    if number <= tx.state.beat:
        return
    beat = tx.scene.beats[number - 1]
    tx.emit(ev.BeatReached(beat=number, key=beat.key, name=beat.name, by_gm=by_gm))
    tx.narrate(f"beat_{beat.key}")
    if number == AFTERMATH:
        ending = compute_ending(tx.state)
        tx.emit(ev.EndingReached(ending=ending, title=tx.scene.ending(ending.key).title))
        tx.narrate(f"ending_{ending.key}")


def door_opened(tx: Tx, by: str | None, door: Door) -> None:
    """The oak door opens or bursts: the breach, and the chance of an ambush.

    An intruder who bursts it from the hall comes through it into the office.
    """
    tx.emit(ev.DoorChanged(door=door, by=by))
    intruder = tx.state.find(by) if by else None
    if door is Door.BROKEN and intruder and intruder.standing and intruder.place == "east_hall":
        tx.emit(ev.Moved(seat=intruder.key, from_place="east_hall", to_place="office"))
    reach_beat(tx, BREACH)
    sakura = tx.state.find("sakura")
    if by == "sasuke" and sakura is not None and sakura.place == "office" and sakura.standing:
        tx.emit(ev.AmbushSet(seat="sakura", ready=True))


def check_first_sight(tx: Tx) -> None:
    """The first time the two face each other, each makes a resolve check or hesitates."""
    if tx.state.met or not facing(tx.state):
        return
    for key in PAIR:
        character = tx.state.character(key)
        tx.narrate("first_sight", actor=key, target=other_of_pair(key))
        rules = tx.scene.rules
        label = f"{character.name} holds to duty"
        held = against_dc(tx, key, label, resolve_modifier(tx, character), rules.first_sight_dc)
        tx.emit(ev.FirstSight(seat=key, other=other_of_pair(key) or key, success=held))
        if not held:
            tx.emit(ev.ConditionAdded(seat=key, condition=Condition.HESITATING))
            shift_resolve(tx, key, -1, "hesitated at first sight")
            tx.narrate("hesitation", actor=character.key)


def shift_resolve(tx: Tx, key: str, delta: int, why: str) -> None:
    character = tx.state.character(key)
    if character.resolve is None:
        return
    value = max(-3, min(3, character.resolve + delta))
    if value != character.resolve:
        tx.emit(
            ev.ResolveShifted(seat=key, delta=value - character.resolve, resolve=value, why=why)
        )


def offer_mercy(tx: Tx, victim: str) -> bool:
    """Offer the mercy to whoever holds ``victim``'s life, if anyone does; True if offered."""
    decider = other_of_pair(victim)
    if decider is None or tx.state.decision is not None:
        return False
    holder, subject = tx.state.character(decider), tx.state.character(victim)
    if not (can_act(tx.state, decider) and holder.place == subject.place and subject.present):
        return False
    reach_beat(tx, MERCY)
    decision = Decision(
        kind=DecisionKind.MERCY, decider=decider, subject=victim, options=MERCY_OPTIONS
    )
    tx.emit(ev.DecisionOffered(decision=decision))
    return True


def offer_standoff(tx: Tx) -> None:
    """At the desk, the intruder chooses: take the scrolls, bargain, or withdraw."""
    sasuke = tx.state.find("sasuke")
    if sasuke is None or tx.state.decision is not None or not can_act(tx.state, "sasuke"):
        return
    scrolls = tx.state.scrolls
    if sasuke.place != "office" or scrolls.at in (ScrollsAt.CARRIED, ScrollsAt.LOST):
        return
    decision = Decision(
        kind=DecisionKind.STANDOFF, decider="sasuke", subject="sakura", options=STANDOFF_OPTIONS
    )
    tx.emit(ev.DecisionOffered(decision=decision))


def check_triggers(tx: Tx) -> None:
    """After any change: first sight, and the aftermath once the scene is over."""
    if tx.state.beat < 1:
        return
    check_first_sight(tx)
    if tx.state.beat < AFTERMATH and scene_is_over(tx.state):
        reach_beat(tx, AFTERMATH)

"""Duty against the heart: first sight, the mercy (strike, spare, bind), the standoff at the
desk and the bargain."""

from __future__ import annotations

from scenes.castle.objects import door_between, numbers, take_scrolls
from scenes.castle.words import (
    OFFICE,
    PAIR_KEYS,
    SAKURA,
    SASUKE,
    CastleMoment,
    CastlePurpose,
    DecisionKind,
)
from scenes.castle.world import Door, FirstSight, ScrollsAt, ScrollsChanged, castle
from scenes.engine import events as ev
from scenes.engine.beats import reach_beat_key, shift_resolve
from scenes.engine.checks import against_dc, resolve_modifier
from scenes.engine.decisions import made, offer
from scenes.engine.harm import leave, release
from scenes.engine.queries import can_act
from scenes.engine.state import Condition, Decision, Fate, SessionState
from scenes.engine.tx import Tx


def other_of_pair(key: str) -> str | None:
    if key not in PAIR_KEYS:
        return None
    return SASUKE if key == SAKURA else SAKURA


def facing(state: SessionState) -> bool:
    """Whether Sakura and Sasuke can see each other now."""
    sakura, sasuke = state.find(SAKURA), state.find(SASUKE)
    if sakura is None or sasuke is None or not (sakura.present and sasuke.present):
        return False
    if sakura.place == sasuke.place:
        return True
    door = castle(state).door
    return door_between(sakura.place, sasuke.place) and door in (Door.OPEN, Door.BROKEN)


def check_first_sight(tx: Tx) -> None:
    """The first time the two face each other, each makes a resolve check or hesitates."""
    if castle(tx.state).met or not facing(tx.state):
        return
    for key in PAIR_KEYS:
        character = tx.state.character(key)
        other = other_of_pair(key) or key
        tx.narrate(CastleMoment.FIRST_SIGHT, actor=key, target=other)
        label = f"{character.name} holds to duty"
        modifier = resolve_modifier(tx, character)
        dc = numbers(tx).first_sight_dc
        held = against_dc(tx, key, label, modifier, dc, CastlePurpose.FIRST_SIGHT)
        tx.emit(FirstSight(seat=key, other=other, success=held))
        if not held:
            tx.emit(ev.ConditionAdded(seat=key, condition=Condition.HESITATING))
            shift_resolve(tx, key, -1, "hesitated at first sight")
            tx.narrate(CastleMoment.HESITATION, actor=character.key)


def offer_mercy(tx: Tx, victim: str) -> bool:
    """Offer the mercy to whoever holds ``victim``'s life, if anyone does; True if offered."""
    decider = other_of_pair(victim)
    if decider is None or tx.state.decisions:
        return False
    holder, subject = tx.state.character(decider), tx.state.character(victim)
    if not (can_act(tx.state, decider) and holder.place == subject.place and subject.present):
        return False
    reach_beat_key(tx, "mercy")
    offer(tx, DecisionKind.MERCY, decider, victim)
    return True


def mercy_due(state: SessionState) -> str | None:
    """Whose life the other holds now (down, or choking in the other's grip), if anyone's."""
    for key in PAIR_KEYS:
        character, other = state.find(key), other_of_pair(key)
        if character is None or other is None or not character.present:
            continue
        choking = character.has(Condition.CHOKING) and character.held_by == other
        holder = state.character(other)
        reachable = can_act(state, other) and holder.place == character.place
        if (character.down or choking) and reachable:
            return key
    return None


def offer_mercy_if_due(tx: Tx) -> None:
    """The GM moved to the mercy: offer it if one of the two is down or choking at the other's
    hand."""
    victim = mercy_due(tx.state)
    if victim is not None:
        offer_mercy(tx, victim)


def offer_standoff(tx: Tx) -> None:
    """At the desk, the intruder chooses: take the scrolls, bargain, or withdraw."""
    sasuke = tx.state.find(SASUKE)
    if sasuke is None or tx.state.decisions or not can_act(tx.state, SASUKE):
        return
    scrolls = castle(tx.state).scrolls
    if sasuke.place != OFFICE or scrolls.at in (ScrollsAt.CARRIED, ScrollsAt.LOST):
        return
    offer(tx, DecisionKind.STANDOFF, SASUKE, SAKURA)


def decide(tx: Tx, decision: Decision, option: str) -> None:
    if decision.kind == DecisionKind.MERCY:
        _mercy(tx, decision, option)
    elif decision.kind == DecisionKind.STANDOFF:
        _standoff(tx, decision, option)
    else:
        _bargain(tx, decision, option)


def _mercy(tx: Tx, decision: Decision, option: str) -> None:
    decider, subject = decision.decider, decision.subject
    names = {"actor": decider, "target": subject}
    if option == "strike":
        character = tx.state.character(decider)
        label = f"{character.name} steels the heart"
        modifier = resolve_modifier(tx, character)
        if against_dc(tx, decider, label, modifier, numbers(tx).heart_dc, CastlePurpose.HEART):
            made(tx, decision, option, "struck")
            tx.narrate(CastleMoment.MERCY_STRIKE, **names)
            shift_resolve(tx, decider, +1, "struck at the mercy")
            left = tx.state.character(subject).vitality
            if left > 0:
                tx.emit(
                    ev.Damaged(seat=subject, amount=left, vitality=0, cause=MERCY_CAUSE, by=decider)
                )
            leave(tx, subject, Fate.DEAD)
            return
        tx.narrate(CastleMoment.MERCY_HEART_FAILS, **names)
        option = "spare"
    if option == "spare":
        made(tx, decision, option, "spared")
        release(tx, subject)
        shift_resolve(tx, decider, -1, "spared at the mercy")
        tx.narrate(CastleMoment.MERCY_SPARE, **names)
    else:
        made(tx, decision, option, "bound")
        if tx.state.character(subject).has(Condition.CHOKING):
            tx.emit(ev.ConditionRemoved(seat=subject, condition=Condition.CHOKING))
        tx.emit(ev.ConditionAdded(seat=subject, condition=Condition.RESTRAINED, by=decider))
        tx.narrate(CastleMoment.MERCY_BIND, **names)
        if subject == SASUKE:
            leave(tx, subject, Fate.CAPTURED)
    sasuke = tx.state.find(SASUKE)
    if sasuke is not None and sasuke.standing:
        reach_beat_key(tx, "scrolls")
        offer_standoff(tx)


MERCY_CAUSE = "the mercy"


def _standoff(tx: Tx, decision: Decision, option: str) -> None:
    names = {"actor": decision.decider, "target": decision.subject}
    if option == "take":
        taken = take_scrolls(tx, decision.decider)
        made(tx, decision, option, "taken" if taken else "kept")
    elif option == "bargain":
        made(tx, decision, option, "offered")
        tx.narrate(CastleMoment.STANDOFF_BARGAIN, **names)
        if can_act(tx.state, decision.subject):
            offer(tx, DecisionKind.BARGAIN, decision.subject, decision.decider)
    elif option == "withdraw":
        made(tx, decision, option, "withdrew")
        tx.narrate(CastleMoment.BODY_FLICKER, actor=names["actor"])
        leave(tx, decision.decider, Fate.GONE)
    else:
        made(tx, decision, option, "held")


def _bargain(tx: Tx, decision: Decision, option: str) -> None:
    names = {"actor": decision.decider, "target": decision.subject}
    if option == "yield":
        made(tx, decision, option, "yielded")
        tx.narrate(CastleMoment.STANDOFF_YIELD, **names)
        tx.emit(ScrollsChanged(at=ScrollsAt.CARRIED, holder=decision.subject, by=decision.subject))
        shift_resolve(tx, decision.decider, -1, "yielded the scrolls")
        tx.narrate(CastleMoment.BODY_FLICKER, actor=names["target"])
        leave(tx, decision.subject, Fate.GONE)
    else:
        made(tx, decision, option, "refused")
        tx.narrate(CastleMoment.STANDOFF_REFUSE, **names)
        shift_resolve(tx, decision.decider, +1, "refused the bargain")

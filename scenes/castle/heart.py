"""Duty against the heart: first sight, the mercy (strike, spare, bind; and, while one is held by
the throat, the held one's own struggle, plea or defiance), the standoff at the desk and the
bargain."""

from __future__ import annotations

from scenes.castle.objects import door_between, numbers, take_scrolls
from scenes.castle.siege import is_siege, others_pending
from scenes.castle.words import (
    HEARD,
    MERCY_MARKS,
    OFFICE,
    PAIR_KEYS,
    SAKURA,
    SASUKE,
    SOFTENED,
    CastleMoment,
    CastlePurpose,
    DecisionKind,
)
from scenes.castle.world import Door, FirstSight, ScrollsAt, ScrollsChanged, castle
from scenes.engine import events as ev
from scenes.engine.beats import reach_beat_key, shift_resolve
from scenes.engine.checks import Purpose, against_dc, opposed, resolve_modifier
from scenes.engine.decisions import made, offer, pending, withdraw
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
    """Offer the mercy to whoever holds ``victim``'s life, if anyone does; True if offered.

    A victim down on the stone: the scene waits on the holder's choice. A victim choking in the
    holder's grip: the choice stays open beside play, the held one taking turns of their own.
    """
    decider = other_of_pair(victim)
    if decider is None or _other_choice_pending(tx.state):
        return False
    holder, subject = tx.state.character(decider), tx.state.character(victim)
    if not (can_act(tx.state, decider) and holder.place == subject.place and subject.present):
        return False
    earlier = pending(tx.state, DecisionKind.MERCY, decider)
    if earlier is not None and (earlier.waits or not subject.down):
        return False  # already offered, as it stands
    reach_beat_key(tx, "mercy")
    offer(tx, DecisionKind.MERCY, decider, victim, waits=subject.down)
    return True


def _other_choice_pending(state: SessionState) -> bool:
    """A choice other than the mercy's own (the standoff, the bargain) is pending (a siege
    event's choice, open beside a defender's turn, holds back no other)."""
    return any(
        d.kind not in (DecisionKind.MERCY, DecisionKind.HELD) and not is_siege(d)
        for d in state.decisions
    )


def in_grip(state: SessionState, key: str) -> str | None:
    """Who holds ``key`` choking by the throat, if the other of the pair does."""
    character = state.find(key)
    other = other_of_pair(key)
    if character is None or other is None or not character.has(Condition.CHOKING):
        return None
    return other if character.held_by == other else None


def mercy_stands(state: SessionState, decision: Decision) -> bool:
    """Whether the mercy's life is still in its decider's hands (down, or in the grip)."""
    subject = state.find(decision.subject)
    holder = state.character(decision.decider)
    if subject is None or not subject.present or not can_act(state, decision.decider):
        return False
    if holder.place != subject.place:
        return False
    return subject.down or in_grip(state, subject.key) == decision.decider


def tidy_mercy(tx: Tx) -> None:
    """A mercy whose life has slipped from the holder's hands (freed, the holder felled or
    gone), or a held one's choice once free, no longer stands: each is withdrawn."""
    for decision in tx.state.decisions:
        if decision.kind == DecisionKind.MERCY and not mercy_stands(tx.state, decision):
            withdraw(tx, decision)
            if in_grip(tx.state, decision.subject) == decision.decider:
                release(tx, decision.subject)  # a grip let go of from afar is no grip
            _grip_ends(tx, decision.decider, decision.subject)
        elif decision.kind == DecisionKind.HELD and not _still_held(tx.state, decision.decider):
            withdraw(tx, decision)


def _still_held(state: SessionState, key: str) -> bool:
    return in_grip(state, key) is not None and can_act(state, key)


def offer_held_choice(tx: Tx, key: str) -> None:
    """``key``'s turn in the other's grip: their own choice (struggle, plead, defy) is the turn."""
    holder = in_grip(tx.state, key)
    if holder is None or pending(tx.state, DecisionKind.MERCY, holder) is None:
        return
    offer(tx, DecisionKind.HELD, key, holder, waits=True, on_turn=True)


def heard_in_the_grip(tx: Tx) -> None:
    """The held one's own words (a /say while the mercy is open) soften the holder, once a grip."""
    for event in tx.events:
        if not (isinstance(event, ev.Posed) and event.style == "say"):
            continue
        holder = in_grip(tx.state, event.seat)
        held = tx.state.character(event.seat)
        if holder is None or held.marked(HEARD):
            continue
        if pending(tx.state, DecisionKind.MERCY, holder) is None:
            continue
        tx.emit(ev.Marked(seat=event.seat, mark=HEARD, on=True))
        _soften(tx, holder, f"moved by {held.name}'s words")


def _soften(tx: Tx, holder: str, why: str) -> None:
    """A plea reaches the holder: resolve toward the heart, and the strike is harder to make."""
    shift_resolve(tx, holder, -1, why)
    if not tx.state.character(holder).marked(SOFTENED):
        tx.emit(ev.Marked(seat=holder, mark=SOFTENED, on=True))


def _grip_ends(tx: Tx, holder: str, held: str) -> None:
    """The grip's marks are cleared when its mercy is over."""
    for key, mark in ((holder, SOFTENED), (held, HEARD)):
        character = tx.state.find(key)
        if character is not None and character.marked(mark):
            tx.emit(ev.Marked(seat=key, mark=mark, on=False))


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
    if sasuke is None or others_pending(tx.state) or not can_act(tx.state, SASUKE):
        return
    scrolls = castle(tx.state).scrolls
    if sasuke.place != OFFICE or scrolls.at in (ScrollsAt.CARRIED, ScrollsAt.LOST):
        return
    offer(tx, DecisionKind.STANDOFF, SASUKE, SAKURA)


def decide(tx: Tx, decision: Decision, option: str) -> None:
    if decision.kind == DecisionKind.MERCY:
        _mercy(tx, decision, option)
    elif decision.kind == DecisionKind.HELD:
        _held(tx, decision, option)
    elif decision.kind == DecisionKind.STANDOFF:
        _standoff(tx, decision, option)
    else:
        _bargain(tx, decision, option)


def _held(tx: Tx, decision: Decision, option: str) -> None:
    """The held one's turn in the grip: struggle (opposed taijutsu, free on a win), plead (the
    holder is softened), or defy (their own resolve toward duty; the grip holds)."""
    held, holder = decision.decider, decision.subject
    names = {"actor": held, "target": holder}
    name = tx.name(held)
    if option == "struggle":
        free = opposed(tx, held, holder, "Struggle in the grip", Purpose.ESCAPE)
        made(tx, decision, option, "broke free" if free else "held fast")
        if free:
            release(tx, held)
            tx.narrate(CastleMoment.HELD_STRUGGLE_FREE, **names)
            tidy_mercy(tx)
        else:
            tx.narrate(CastleMoment.HELD_STRUGGLE_FAILS, **names)
    elif option == "plead":
        made(tx, decision, option, "pleaded")
        tx.narrate(CastleMoment.HELD_PLEAD, **names)
        _soften(tx, holder, f"moved by {name}'s plea")
    else:
        made(tx, decision, option, "defied")
        tx.narrate(CastleMoment.HELD_DEFY, **names)
        shift_resolve(tx, held, +1, f"defied {tx.name(holder)}'s grip")


def _mercy(tx: Tx, decision: Decision, option: str) -> None:
    decider, subject = decision.decider, decision.subject
    names = {"actor": decider, "target": subject}
    if option == "strike":
        if _heart_allows(tx, decider):
            made(tx, decision, option, "struck")
            mark_mercy(tx, decider, "struck")
            tx.narrate(CastleMoment.MERCY_STRIKE, **names)
            _grip_ends(tx, decider, subject)
            shift_resolve(tx, decider, +1, "struck at the mercy")
            left = tx.state.character(subject).vitality
            if left > 0:
                tx.emit(
                    ev.Damaged(seat=subject, amount=left, vitality=0, cause=MERCY_CAUSE, by=decider)
                )
            leave(tx, subject, Fate.DEAD)
            return
        # The hand will not come down: told once, as what happened, never as a chosen spare.
        their = tx.scene.role(tx.state.character(decider).role).pronouns.their
        made(tx, decision, option, f"{their} heart refused")
        mark_mercy(tx, decider, "refused")
        tx.narrate(CastleMoment.MERCY_HEART_FAILS, **names)
        release(tx, subject)
        shift_resolve(tx, decider, -1, "the heart refused at the mercy")
    elif option == "spare":
        made(tx, decision, option, "spared")
        mark_mercy(tx, decider, "spared")
        release(tx, subject)
        shift_resolve(tx, decider, -1, "spared at the mercy")
        tx.narrate(CastleMoment.MERCY_SPARE, **names)
    else:
        made(tx, decision, option, "bound")
        mark_mercy(tx, decider, "bound")
        if tx.state.character(subject).has(Condition.CHOKING):
            tx.emit(ev.ConditionRemoved(seat=subject, condition=Condition.CHOKING))
        tx.emit(ev.ConditionAdded(seat=subject, condition=Condition.RESTRAINED, by=decider))
        tx.narrate(CastleMoment.MERCY_BIND, **names)
        if subject == SASUKE:
            leave(tx, subject, Fate.CAPTURED)
    _grip_ends(tx, decider, subject)
    tidy_mercy(tx)
    sasuke = tx.state.find(SASUKE)
    if sasuke is not None and sasuke.standing:
        reach_beat_key(tx, "scrolls")
        offer_standoff(tx)


def mark_mercy(tx: Tx, decider: str, how: str) -> None:
    """The path: how the last mercy went, kept on its decider (an earlier mercy's mark goes)."""
    for key in PAIR_KEYS:
        character = tx.state.find(key)
        for mark in MERCY_MARKS.values():
            if character is not None and mark in character.marks:
                tx.emit(ev.Marked(seat=key, mark=mark, on=False))
    tx.emit(ev.Marked(seat=decider, mark=MERCY_MARKS[how], on=True))


def _heart_allows(tx: Tx, decider: str) -> bool:
    """The check to strike a person one loves: resolve against the heart, harder after a plea."""
    character = tx.state.character(decider)
    label = f"{character.name} steels the heart"
    modifier = resolve_modifier(tx, character)
    dc = numbers(tx).heart_dc + (numbers(tx).plea_dc if character.marked(SOFTENED) else 0)
    return against_dc(tx, decider, label, modifier, dc, CastlePurpose.HEART)


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

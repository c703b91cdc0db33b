"""Decisions the scene offers: the mercy (strike, spare, bind), the standoff, the bargain."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.actions import take_scrolls
from scenes.engine.beats import (
    BARGAIN_OPTIONS,
    SCROLLS,
    offer_standoff,
    reach_beat,
    shift_resolve,
)
from scenes.engine.checks import against_dc, resolve_modifier
from scenes.engine.errors import Refusal
from scenes.engine.harm import leave, release
from scenes.engine.state import Condition, Decision, DecisionKind, Fate, ScrollsAt
from scenes.engine.tx import Tx
from scenes.engine.world import can_act

# What a skipped decision falls back to: the mercy spares, the standoff and bargain hold.
DEFAULTS = {
    DecisionKind.MERCY: "spare",
    DecisionKind.STANDOFF: "hold",
    DecisionKind.BARGAIN: "refuse",
}


def choose(tx: Tx, key: str, option: str) -> None:
    """``key`` answers the pending decision with ``option``."""
    decision = tx.state.decision
    if decision is None:
        raise Refusal("Nothing is waiting on a choice right now.")
    if decision.decider != key:
        raise Refusal(f"This choice is {tx.name(decision.decider)}'s to make.")
    option = option.strip().casefold()
    if option not in decision.options:
        raise Refusal(f"Choose one of: {', '.join(decision.options)}.")
    resolve_decision(tx, decision, option)


def resolve_decision(tx: Tx, decision: Decision, option: str) -> None:
    HANDLERS[decision.kind](tx, decision, option)


def _made(tx: Tx, decision: Decision, option: str, result: str) -> None:
    tx.emit(ev.DecisionMade(decider=decision.decider, option=option, result=result))


def _mercy(tx: Tx, decision: Decision, option: str) -> None:
    decider, subject = decision.decider, decision.subject
    names = {"actor": decider, "target": subject}
    if option == "strike":
        character = tx.state.character(decider)
        label = f"{character.name} steels the heart"
        dc = tx.scene.rules.heart_dc
        if against_dc(tx, decider, label, resolve_modifier(tx, character), dc):
            _made(tx, decision, option, "struck")
            tx.narrate("mercy_strike", **names)
            shift_resolve(tx, decider, +1, "struck at the mercy")
            left = tx.state.character(subject).vitality
            if left > 0:
                tx.emit(ev.Damaged(seat=subject, amount=left, vitality=0, kind_of="the mercy"))
            leave(tx, subject, Fate.DEAD)
            return
        tx.narrate("mercy_heart_fails", **names)
        option = "spare"
    if option == "spare":
        _made(tx, decision, option, "spared")
        release(tx, subject)
        shift_resolve(tx, decider, -1, "spared at the mercy")
        tx.narrate("mercy_spare", **names)
    else:
        _made(tx, decision, option, "bound")
        if tx.state.character(subject).has(Condition.CHOKING):
            tx.emit(ev.ConditionRemoved(seat=subject, condition=Condition.CHOKING))
        tx.emit(ev.ConditionAdded(seat=subject, condition=Condition.RESTRAINED, by=decider))
        tx.narrate("mercy_bind", **names)
        if subject == "sasuke":
            leave(tx, subject, Fate.CAPTURED)
    sasuke = tx.state.find("sasuke")
    if sasuke is not None and sasuke.standing:
        reach_beat(tx, SCROLLS)
        offer_standoff(tx)


def _standoff(tx: Tx, decision: Decision, option: str) -> None:
    names = {"actor": decision.decider, "target": decision.subject}
    if option == "take":
        taken = take_scrolls(tx, decision.decider)
        _made(tx, decision, option, "taken" if taken else "kept")
    elif option == "bargain":
        _made(tx, decision, option, "offered")
        tx.narrate("standoff_bargain", **names)
        _offer_bargain(tx, decision)
    elif option == "withdraw":
        _made(tx, decision, option, "withdrew")
        tx.narrate("body_flicker", actor=names["actor"])
        leave(tx, decision.decider, Fate.GONE)
    else:
        _made(tx, decision, option, "held")


def _offer_bargain(tx: Tx, decision: Decision) -> None:
    if not can_act(tx.state, decision.subject):
        return
    bargain = Decision(
        kind=DecisionKind.BARGAIN,
        decider=decision.subject,
        subject=decision.decider,
        options=BARGAIN_OPTIONS,
    )
    tx.emit(ev.DecisionOffered(decision=bargain))


def _bargain(tx: Tx, decision: Decision, option: str) -> None:
    names = {"actor": decision.decider, "target": decision.subject}
    if option == "yield":
        _made(tx, decision, option, "yielded")
        tx.narrate("standoff_yield", **names)
        tx.emit(
            ev.ScrollsChanged(at=ScrollsAt.CARRIED, holder=decision.subject, by=decision.subject)
        )
        shift_resolve(tx, decision.decider, -1, "yielded the scrolls")
        tx.narrate("body_flicker", actor=names["target"])
        leave(tx, decision.subject, Fate.GONE)
    else:
        _made(tx, decision, option, "refused")
        tx.narrate("standoff_refuse", **names)
        shift_resolve(tx, decision.decider, +1, "refused the bargain")


HANDLERS = {
    DecisionKind.MERCY: _mercy,
    DecisionKind.STANDOFF: _standoff,
    DecisionKind.BARGAIN: _bargain,
}

"""Decisions the scene offers: several may be pending at once, each with its own decider;
offered, answered by their decider, withdrawn when they no longer stand, or settled by the GM."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.errors import Refusal
from scenes.engine.state import Decision, SessionState
from scenes.engine.tx import Tx


def offer(
    tx: Tx, kind: str, decider: str, subject: str, waits: bool = True, on_turn: bool = False
) -> None:
    """Offer ``decider`` the scene's decision ``kind`` (its options are the scene's); one of the
    same kind already offered to them is replaced."""
    options = tx.rules.decision_kinds[kind]
    decision = Decision(
        kind=kind, decider=decider, subject=subject, options=options, waits=waits, on_turn=on_turn
    )
    tx.emit(ev.DecisionOffered(decision=decision))


def choose(tx: Tx, key: str, option: str, meant_for: str | None = None) -> Decision:
    """``key`` answers the pending decision of theirs that offers ``option``; the decision
    answered. ``meant_for``: the decider a button was made for (another's is refused)."""
    state = tx.state
    if not state.decisions:
        raise Refusal("Nothing is waiting on a choice right now.")
    if meant_for is not None and meant_for != key and state.find(meant_for) is not None:
        raise Refusal(f"This choice is {tx.name(meant_for)}'s to make.")
    mine = state.decisions_of(key)
    if not mine:
        deciders = ", ".join(dict.fromkeys(tx.name(d.decider) for d in state.decisions))
        raise Refusal(f"No choice waits on {tx.name(key)} right now (it is {deciders}'s to make).")
    option = option.strip().casefold()
    decision = next((d for d in mine if option in d.options), None)
    if decision is None:
        offered = dict.fromkeys(o for d in mine for o in d.options)
        raise Refusal(f"Choose one of: {', '.join(offered)}.")
    tx.rules.decide(tx, decision, option)
    return decision


def settle(tx: Tx, decision: Decision) -> None:
    """The GM settles a pending decision with the scene's fallback option."""
    tx.rules.decide(tx, decision, tx.rules.default_option(decision))


def made(tx: Tx, decision: Decision, option: str, result: str) -> None:
    """Record the answer to ``decision``; the scene's rules then carry it out."""
    tx.emit(
        ev.DecisionMade(decider=decision.decider, option=option, result=result, of=decision.kind)
    )


def withdraw(tx: Tx, decision: Decision) -> None:
    """``decision`` no longer stands: it leaves the pending ones unanswered."""
    if decision in tx.state.decisions:
        tx.emit(ev.DecisionWithdrawn(decider=decision.decider, of=decision.kind))


def pending(state: SessionState, kind: str, decider: str | None = None) -> Decision | None:
    """The pending decision of ``kind`` (``decider``'s, when given), if one is."""
    return next(
        (
            d
            for d in state.decisions
            if d.kind == kind and (decider is None or d.decider == decider)
        ),
        None,
    )


def choices_for(state: SessionState, key: str | None) -> tuple[str, ...]:
    """The options ``key`` may choose now (what /choose suggests)."""
    return tuple(dict.fromkeys(o for d in state.decisions_of(key) for o in d.options))

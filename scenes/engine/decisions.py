"""Decisions the scene offers one character at a time: offered, answered, or settled by the GM."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.errors import Refusal
from scenes.engine.state import Decision
from scenes.engine.tx import Tx


def offer(tx: Tx, kind: str, decider: str, subject: str) -> None:
    """Offer ``decider`` the scene's decision ``kind`` (its options are the scene's)."""
    options = tx.rules.decision_kinds[kind]
    decision = Decision(kind=kind, decider=decider, subject=subject, options=options)
    tx.emit(ev.DecisionOffered(decision=decision))


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
    tx.rules.decide(tx, decision, option)


def settle(tx: Tx, decision: Decision) -> None:
    """The GM settles a pending decision with the scene's fallback option."""
    tx.rules.decide(tx, decision, tx.rules.default_option(decision))


def made(tx: Tx, decision: Decision, option: str, result: str) -> None:
    """Record the answer to ``decision``; the scene's rules then carry it out."""
    tx.emit(ev.DecisionMade(decider=decision.decider, option=option, result=result))


def choices_for(state_decision: Decision | None, key: str | None) -> tuple[str, ...]:
    """The options ``key`` may choose now (what /choose suggests)."""
    if state_decision is None or state_decision.decider != key:
        return ()
    return state_decision.options

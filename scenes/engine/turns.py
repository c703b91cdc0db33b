"""Turns and rounds: initiative order, whose turn, and what happens at each round's end."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.checks import Purpose, d20
from scenes.engine.decisions import withdraw
from scenes.engine.harm import damage
from scenes.engine.moments import Moment
from scenes.engine.queries import can_act
from scenes.engine.state import Condition, Status
from scenes.engine.tx import Tx


def roll_initiative(tx: Tx) -> tuple[str, ...]:
    """Every character rolls 1d20 + taijutsu; highest first, ties by the natural roll, then seat."""
    ranked = []
    for index, character in enumerate(tx.state.characters):
        label = f"Initiative ({character.name})"
        roll = tx.roll(d20(character.taijutsu), label, Purpose.INITIATIVE)
        tx.record(roll, character.key)
        ranked.append((-roll.total, -(roll.natural or 0), index, character.key))
    return tuple(key for *_, key in sorted(ranked))


def advance_turn(tx: Tx) -> None:
    """Pass the turn to the next character who can act, ending the round when the order wraps.

    Once the final beat is reached the scene has stopped: the turn passes to nobody, and no
    round ends any more.
    """
    for decision in tx.state.decisions:  # a choice that was a turn passes with it
        if decision.on_turn:
            withdraw(tx, decision)
    order = tx.state.order
    if tx.state.beat >= tx.scene.final_beat or not any(can_act(tx.state, k) for k in order):
        if tx.state.turn is not None:
            tx.emit(ev.TurnEnded(seat=tx.state.turn))
        return
    index = order.index(tx.state.turn) if tx.state.turn in order else -1
    for _ in range(2 * len(order) + 2):
        index += 1
        if index >= len(order):
            end_round(tx)
            index = 0
        key = order[index]
        if not can_act(tx.state, key):
            continue
        if tx.state.character(key).has(Condition.STUNNED):
            tx.emit(ev.TurnSkipped(seat=key, reason="stunned"))
            tx.emit(ev.ConditionRemoved(seat=key, condition=Condition.STUNNED))
            tx.narrate(Moment.STUNNED, target=key)
            continue
        tx.emit(ev.TurnStarted(seat=key, round=tx.state.round))
        tx.rules.on_turn(tx, key)
        return


def settle_turn(tx: Tx) -> None:
    """Keep the turn with someone who can take it (after kicks, claims, GM corrections)."""
    state = tx.state
    if state.status is not Status.ACTIVE:
        return
    if state.turn is None or not can_act(state, state.turn):
        advance_turn(tx)


def end_round(tx: Tx) -> None:
    """The round's end: the choking lose vitality, the scene's own round rules, the numbers."""
    for character in tx.state.characters:
        if character.has(Condition.CHOKING) and character.standing:
            label = f"Choking ({character.name})"
            roll = tx.roll(tx.scene.rules.choke_damage, label, Purpose.CHOKING)
            tx.record(roll, character.key)
            damage(tx, character.key, roll.total, ev.Cause.CHOKING, by=character.held_by)
    tx.rules.end_of_round(tx)
    state = tx.state
    tx.emit(
        ev.RoundEnded(
            round=state.round,
            vitality={c.key: c.vitality for c in state.characters},
            chakra={c.key: c.chakra for c in state.characters},
            gauges={gauge.key: gauge.value for gauge in tx.rules.gauges(state)},
        )
    )

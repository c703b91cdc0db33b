"""Turns and rounds: initiative order, whose turn, and what happens at each round's end."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.checks import d20
from scenes.engine.harm import damage
from scenes.engine.state import Condition, ScrollsAt, Status
from scenes.engine.tx import Tx
from scenes.engine.world import can_act, seated
from scenes.schema import Side


def roll_initiative(tx: Tx) -> tuple[str, ...]:
    """Every character rolls 1d20 + taijutsu; highest first, ties by the natural roll, then seat."""
    ranked = []
    for index, character in enumerate(tx.state.characters):
        roll = tx.roll(d20(character.taijutsu), f"Initiative ({character.name})")
        tx.record(roll, character.key)
        ranked.append((-roll.total, -(roll.natural or 0), index, character.key))
    return tuple(key for *_, key in sorted(ranked))


def advance_turn(tx: Tx) -> None:
    """Pass the turn to the next character who can act, ending the round when the order wraps."""
    order = tx.state.order
    if not any(can_act(tx.state, key) for key in order):
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
            tx.narrate("stunned", target=key)
            continue
        tx.emit(ev.TurnStarted(seat=key, round=tx.state.round))
        return


def settle_turn(tx: Tx) -> None:
    """Keep the turn with someone who can take it (after kicks, claims, GM corrections)."""
    state = tx.state
    if state.status is not Status.ACTIVE:
        return
    if state.turn is None or not can_act(state, state.turn):
        advance_turn(tx)


def end_round(tx: Tx) -> None:
    """The round's end: the choking lose vitality, the army presses, the numbers are recorded."""
    for character in tx.state.characters:
        if character.has(Condition.CHOKING) and character.standing:
            roll = tx.roll(tx.scene.rules.choke_damage, f"Choking ({character.name})")
            tx.record(roll, character.key)
            damage(tx, character.key, roll.total, "choking")
    press_siege(tx)
    if tx.state.siege.fallen:
        lose_unguarded_scrolls(tx)
    state = tx.state
    tx.emit(
        ev.RoundEnded(
            round=state.round,
            vitality={c.key: c.vitality for c in state.characters},
            chakra={c.key: c.chakra for c in state.characters},
            integrity=state.siege.integrity,
        )
    )


def siege_runs(tx: Tx) -> bool:
    """The army presses while the north wing stands and at least one defender is seated."""
    if tx.state.siege.fallen:
        return False
    return any(c.role == "defender" and seated(tx.state, c.key) for c in tx.state.characters)


def press_siege(tx: Tx) -> None:
    if not siege_runs(tx):
        return
    numbers = tx.scene.rules.siege
    bonus = tx.state.round // numbers.press_every
    notation = f"{numbers.press}+{bonus}" if bonus else numbers.press
    roll = tx.roll(notation, "The army presses")
    relief = tx.state.siege.relief
    loss = max(0, roll.total - relief)
    tx.record(roll, None, against=relief, against_label="the defenders' relief")
    integrity = max(0, tx.state.siege.integrity - loss)
    tx.emit(
        ev.SiegePressed(
            round=tx.state.round, press=roll.total, relief=relief, loss=loss, integrity=integrity
        )
    )
    if integrity == 0:
        tx.emit(ev.NorthWingFell())
        tx.narrate("siege_falls")
    else:
        tx.narrate("siege_holds", amount=integrity)


def lose_unguarded_scrolls(tx: Tx) -> None:
    """With the north wing fallen, scrolls left on the desk of an empty office are lost."""
    if tx.state.scrolls.at is not ScrollsAt.DESK:
        return
    keepers = [
        c
        for c in tx.state.characters
        if c.side is Side.CASTLE and c.place == "office" and c.standing
    ]
    if not keepers:
        tx.emit(ev.ScrollsChanged(at=ScrollsAt.LOST))
        tx.narrate("scrolls_lost")

"""The siege of the north wing: the army presses at each round's end, the defenders relieve it."""

from __future__ import annotations

from scenes.castle.objects import lose_unguarded_scrolls, numbers
from scenes.castle.words import ARMY, DEFENDER, NORTH_WING, CastleMoment, CastlePurpose
from scenes.castle.world import NorthWingFell, SiegePressed, SiegeRelieved, castle
from scenes.engine import events as ev
from scenes.engine.checks import check
from scenes.engine.combat import damage_effect, guard
from scenes.engine.queries import seated
from scenes.engine.tx import Tx
from scenes.schema import Technique


def siege_runs(tx: Tx) -> bool:
    """The army presses while the north wing stands and at least one defender is seated."""
    if castle(tx.state).siege.fallen:
        return False
    return any(c.role == DEFENDER and seated(tx.state, c.key) for c in tx.state.characters)


def end_of_round(tx: Tx) -> None:
    press_siege(tx)
    if castle(tx.state).siege.fallen:
        lose_unguarded_scrolls(tx)


def press_siege(tx: Tx) -> None:
    if not siege_runs(tx):
        return
    rules = numbers(tx).siege
    bonus = tx.state.round // rules.press_every
    notation = f"{rules.press}+{bonus}" if bonus else rules.press
    roll = tx.roll(notation, "The army presses", CastlePurpose.SIEGE)
    siege = castle(tx.state).siege
    loss = max(0, roll.total - siege.relief)
    tx.record(roll, None, against=siege.relief, against_label="the defenders' relief")
    integrity = max(0, siege.integrity - loss)
    tx.emit(
        SiegePressed(
            round=tx.state.round,
            press=roll.total,
            relief=siege.relief,
            loss=loss,
            integrity=integrity,
        )
    )
    if integrity == 0:
        tx.emit(NorthWingFell())
        tx.narrate(CastleMoment.SIEGE_FALLS)
    else:
        tx.narrate(CastleMoment.SIEGE_HOLDS, amount=integrity)


def relieve(tx: Tx, key: str, amount: int) -> None:
    relief = castle(tx.state).siege.relief + amount
    tx.emit(SiegeRelieved(seat=key, amount=amount, relief=relief))


def volley(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """Kunai at an enemy here, or (at the north wing) at the army below the wall."""
    if targets != (ARMY,):
        damage_effect(tx, key, technique, targets)
        return
    character = tx.state.character(key)
    rules = numbers(tx).siege
    label = f"{technique.name} at the army"
    roll = check(tx, key, label, character.taijutsu, CastlePurpose.VOLLEY)
    critical, hit = roll.natural == 20, roll.natural != 1 and roll.total >= rules.volley_dc
    tx.record(
        roll,
        key,
        against=rules.volley_dc,
        against_label="DC",
        outcome="critical" if critical else "hit" if hit else "miss",
    )
    if critical or hit:
        relieve(tx, key, rules.volley_relief * (2 if critical else 1))


def earth_wall(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """Stone for the north wing's wall, or a wall before an ally in the room."""
    if targets == (NORTH_WING,):
        relieve(tx, key, numbers(tx).siege.wall_relief)
        return
    (ally,) = targets
    tx.emit(ev.EvasionChanged(seat=ally, bonus=numbers(tx).wall_evasion))


def hold_the_line(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    guard(tx, key)
    if tx.state.character(key).place == NORTH_WING:
        relieve(tx, key, numbers(tx).siege.hold_relief)

"""The soldiers of the invading army, inside the castle once the north wing has fallen: they come
into the grand hall and push on toward the east wing a room a round, striking the castle's
people they find; the defenders and Sakura fight them as a target of their own (`soldiers`),
not as characters: a count, and the harm the foremost has taken."""

from __future__ import annotations

from scenes.castle.siege_book import book, drawn
from scenes.castle.words import (
    CASTLE_SIDE,
    EAST_HALL,
    GRAND_HALL,
    OFFICE,
    SOLDIERS,
    CastleMoment,
    CastlePurpose,
)
from scenes.castle.world import Door, SoldiersCame, SoldiersMoved, SoldiersStruck, castle
from scenes.engine.checks import Purpose, check, d20
from scenes.engine.combat import double_dice, skill_of
from scenes.engine.describe import name_of
from scenes.engine.events import SceneEvent
from scenes.engine.harm import damage
from scenes.engine.registry import find_scene
from scenes.engine.scene import Special
from scenes.engine.state import Character, Condition, SessionState
from scenes.engine.tx import Tx
from scenes.schema import Technique

# Their way in: from the grand hall toward the east-wing office.
AHEAD = {GRAND_HALL: EAST_HALL, EAST_HALL: OFFICE}
CAUSE = "soldiers"
FIGHTING = frozenset({"damage", "stun_on_critical", "volley"})


def pour_in(tx: Tx) -> None:
    """The wall has fallen: the soldiers come into the grand hall."""
    count = book().soldiers.count
    tx.emit(SoldiersCame(place=GRAND_HALL, count=count))
    place = tx.scene.place(GRAND_HALL).name
    tx.narrate(CastleMoment.SOLDIERS_COME, amount=count, place=place)


def special(state: SessionState, actor: Character, technique: Technique) -> tuple[Special, ...]:
    """The soldiers as a target for the castle's fighters in their room."""
    soldiers = castle(state).soldiers
    if not soldiers.inside or soldiers.place != actor.place or actor.side != CASTLE_SIDE:
        return ()
    if technique.effect not in FIGHTING:
        return ()
    plural = "soldier" if soldiers.count == 1 else "soldiers"
    return (Special(key=SOLDIERS, label=f"the army's {plural} ({soldiers.count} here)"),)


def fight(tx: Tx, key: str, technique: Technique) -> None:
    """``key``'s technique at the soldiers: an attack on the foremost, harm carried onward."""
    numbers = book().soldiers
    attacker = tx.state.character(key)
    label = f"{technique.name} at the soldiers"
    roll = check(tx, key, label, skill_of(attacker, technique), Purpose.ATTACK)
    critical, fumble = roll.natural == 20, roll.natural == 1
    hit = critical or (not fumble and roll.total >= numbers.evasion)
    outcome = "critical" if critical else "fumble" if fumble else "hit" if hit else "miss"
    tx.record(roll, key, against=numbers.evasion, against_label="evasion", outcome=outcome)
    if not hit:
        tx.narrate(CastleMoment.SOLDIERS_MISSED, actor=key)
        return
    notation = technique.dice or "1d4"
    label = f"{technique.name} damage"
    harm = tx.roll(double_dice(notation) if critical else notation, label, Purpose.DAMAGE)
    tx.record(harm, key, outcome=technique.kind or None)
    wound(tx, key, technique, harm.total)


def wound(tx: Tx, key: str, technique: Technique, amount: int) -> None:
    soldiers, vitality = castle(tx.state).soldiers, book().soldiers.vitality
    wounds, count = soldiers.wounds + amount, soldiers.count
    felled = min(count, wounds // vitality)
    count, wounds = count - felled, (wounds - felled * vitality) if count > felled else 0
    struck = SoldiersStruck(
        seat=key, amount=amount, felled=felled, count=count, wounds=wounds, round=tx.state.round
    )
    tx.emit(struck)
    if not felled:
        tx.narrate(CastleMoment.SOLDIERS_STRUCK, actor=key, amount=amount)
        return
    tx.narrate(CastleMoment.SOLDIERS_FELLED, actor=key, amount=felled)
    if count == 0:
        tx.narrate(CastleMoment.SOLDIERS_ROUTED, actor=key)


def advance(tx: Tx) -> None:
    """The round's end: the soldiers strike someone of the castle's in their room, or push on."""
    soldiers = castle(tx.state).soldiers
    if not soldiers.inside or soldiers.place is None:
        if tx.state.round - soldiers.cleared >= book().soldiers.every:
            pour_in(tx)  # the breach stands open: the next band comes through
        return
    here = [
        c
        for c in tx.state.characters
        if c.side == CASTLE_SIDE and c.place == soldiers.place and c.standing
    ]
    if here:
        strike(tx, drawn(tx, here))
        return
    ahead = AHEAD.get(soldiers.place)
    if ahead is None:
        return
    if ahead == OFFICE and castle(tx.state).door in (Door.CLOSED, Door.BARRED):
        tx.narrate(CastleMoment.SOLDIERS_AT_DOOR, amount=soldiers.count)
        return
    tx.emit(SoldiersMoved(from_place=soldiers.place, to_place=ahead))
    place = tx.scene.place(ahead).name
    tx.narrate(CastleMoment.SOLDIERS_ADVANCE, amount=soldiers.count, place=place)


def strike(tx: Tx, target: Character) -> None:
    """The soldiers' attack on ``target``: one roll for them all, the more of them the likelier."""
    numbers, count = book().soldiers, castle(tx.state).soldiers.count
    roll = tx.roll(d20(numbers.attack + count - 1), "The soldiers attack", CastlePurpose.SOLDIERS)
    evasion = target.evasion + target.evasion_bonus
    guarding = target.has(Condition.GUARDING)
    hit = roll.natural != 1 and (
        roll.natural == 20 or roll.total >= evasion + (2 if guarding else 0)
    )
    tx.record(
        roll, None, against=evasion, against_label="evasion", outcome="hit" if hit else "miss"
    )
    if not hit:
        tx.narrate(CastleMoment.SOLDIERS_MISS, target=target.key)
        return
    harm = tx.roll(numbers.damage, "The soldiers' blades", CastlePurpose.SOLDIERS)
    tx.record(harm, None, outcome="slashing")
    amount = min(harm.total, target.vitality)
    tx.narrate(CastleMoment.SOLDIERS_HIT, target=target.key, amount=amount)
    damage(tx, target.key, harm.total, CAUSE)


def describe(event: SceneEvent, state: SessionState) -> str | None:
    match event:
        case SoldiersCame():
            return f"{event.count} soldiers come into the {_place(state, event.place)}."
        case SoldiersMoved():
            return f"The soldiers push on into the {_place(state, event.to_place)}."
        case SoldiersStruck():
            felled = f", {event.felled} felled" if event.felled else ""
            return (
                f"{name_of(state, event.seat)} harms the soldiers by {event.amount}{felled} "
                f"({event.count} left)."
            )
    return None


def _place(state: SessionState, key: str) -> str:
    return find_scene(state.scene).data.place(key).name.lower()

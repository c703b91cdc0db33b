"""Techniques (jutsu): costs, seals, targets, attack rolls, damage, and each technique's effect."""

from __future__ import annotations

import re

from scenes.engine import events as ev
from scenes.engine.beats import CLASH, door_opened, offer_mercy, reach_beat, shift_resolve
from scenes.engine.checks import against_dc, check, d20, opposed
from scenes.engine.errors import Refusal
from scenes.engine.harm import damage, heal, leave, release
from scenes.engine.state import Character, Condition, Door, Fate
from scenes.engine.tx import Tx
from scenes.engine.world import allies_here, enemies, held, other_of_pair
from scenes.schema import Effect, Target, Technique
from scenes.schema import Roll as RollKind

ARMY, NORTH_WING, DOOR = "army", "north_wing", "door"


def find_technique(tx: Tx, character: Character, name: str) -> Technique:
    wanted = name.strip().casefold()
    for technique in tx.scene.techniques_of(character.role):
        if wanted in (technique.key, technique.name.casefold()):
            return technique
    known = ", ".join(t.name for t in tx.scene.techniques_of(character.role))
    raise Refusal(f"{character.name} knows no technique called “{name[:40]}”. Known: {known}.")


def use_technique(tx: Tx, key: str, name: str, target: str | None) -> None:
    """Check, pay for and resolve a technique used by ``key``."""
    character = tx.state.character(key)
    technique = find_technique(tx, character, name)
    if technique.seals and held(character):
        raise Refusal(
            f"With {character.name}'s hands held, {technique.name} cannot be formed: "
            "its hand seals need them free."
        )
    if technique.cost > character.chakra:
        raise Refusal(
            f"{technique.name} costs {technique.cost} chakra; {character.name} has "
            f"{character.chakra}."
        )
    targets = choose_targets(tx, character, technique, target)
    _check_sense(tx, technique, targets)
    tx.emit(
        ev.TechniqueUsed(
            seat=key,
            technique=technique.key,
            name=technique.name,
            cost=technique.cost,
            target=",".join(targets) or None,
        )
    )
    EFFECTS[technique.effect](tx, key, technique, targets)


def _check_sense(tx: Tx, technique: Technique, targets: tuple[str, ...]) -> None:
    """Refuse what would waste a turn for nothing: healing the unhurt, gripping the gripped."""
    found = [tx.state.find(key) for key in targets]
    for character in (c for c in found if c is not None):
        if technique.effect is Effect.HEAL and character.vitality >= character.max_vitality:
            raise Refusal(f"{character.name} is unhurt; {technique.name} would do nothing.")
        if technique.effect is Effect.THROAT_GRIP and held(character):
            raise Refusal(f"{character.name} is already held.")


def _find_character(tx: Tx, name: str) -> Character | None:
    wanted = name.strip().casefold()
    for character in tx.state.characters:
        if wanted in (character.key, character.name.casefold()):
            return character
    return None


def _enemy(tx: Tx, actor: Character, target: str | None, allow: set[str]) -> tuple[str, ...]:
    if target and target.strip().casefold() in allow:
        return (target.strip().casefold(),)
    foes = enemies(tx.state, actor)
    if target is None or not target.strip():
        if len(foes) == 1:
            return (foes[0].key,)
        raise Refusal(
            "Choose a target: " + (", ".join(f.name for f in foes) or "no enemy is here") + "."
        )
    chosen = _find_character(tx, target)
    if chosen is None or chosen not in foes:
        here = ", ".join(f.name for f in foes) or "none"
        raise Refusal(
            f"“{target[:40]}” is not an enemy standing in the room with "
            f"{actor.name} (enemies here: {here})."
        )
    return (chosen.key,)


def _ally(tx: Tx, actor: Character, target: str | None) -> tuple[str, ...]:
    if target is None or not target.strip():
        return (actor.key,)
    chosen = _find_character(tx, target)
    if chosen is None or chosen not in allies_here(tx.state, actor):
        raise Refusal(f"“{target[:40]}” is not {actor.name} or an ally in the same room.")
    return (chosen.key,)


def choose_targets(
    tx: Tx, actor: Character, technique: Technique, target: str | None
) -> tuple[str, ...]:
    """The target keys of a technique, or a refusal saying whom it can be aimed at."""
    match technique.target:
        case Target.ENEMY:
            allow = {DOOR} if _can_hit_door(tx, actor, technique) else set()
            return _enemy(tx, actor, target, allow)
        case Target.ENEMIES_IN_ROOM:
            foes = enemies(tx.state, actor)
            if not foes:
                raise Refusal(f"No enemy stands in the room with {actor.name}.")
            return tuple(f.key for f in foes)
        case Target.SELF_OR_ALLY:
            return _ally(tx, actor, target)
        case Target.SELF:
            return ()
        case Target.HELD_BY:
            if not held(actor):
                raise Refusal(f"{actor.name} is not held by anyone.")
            return (actor.held_by,) if actor.held_by else ()
        case Target.ENEMY_OR_ARMY:
            allow = {ARMY} if actor.place == NORTH_WING else set()
            return _enemy(tx, actor, target, allow)
        case Target.NORTH_WING_OR_ALLY:
            if (
                target is None or target.strip().casefold() == NORTH_WING
            ) and actor.place == NORTH_WING:
                return (NORTH_WING,)
            if target is None:
                raise Refusal("Aim the wall at the north wing (stand there) or at an ally here.")
            return _ally(tx, actor, target)
    raise Refusal(f"{technique.name} cannot be aimed at “{target}”.")  # pragma: no cover


def _can_hit_door(tx: Tx, actor: Character, technique: Technique) -> bool:
    """An intruder at the oak door may aim a damaging technique at the door itself."""
    return (
        technique.effect in (Effect.DAMAGE, Effect.STUN_ON_CRITICAL)
        and actor.place in ("east_hall", "office")
        and tx.state.door in (Door.CLOSED, Door.BARRED)
        and actor.side.value == "invaders"
    )


def double_dice(notation: str) -> str:
    """A critical's damage: the dice doubled, the flat bonus not (2d8+3 -> 4d8+3)."""
    return re.sub(r"(\d*)d(\d+)", lambda m: f"{int(m.group(1) or 1) * 2}d{m.group(2)}", notation)


def _stat(character: Character, technique: Technique) -> int:
    return character.ninjutsu if technique.roll is RollKind.NINJUTSU else character.taijutsu


def attack(tx: Tx, key: str, technique: Technique, target_key: str) -> None:
    """One attack roll against one target, then damage on a hit."""
    attacker, target = tx.state.character(key), tx.state.character(target_key)
    modifier = _stat(attacker, technique)
    if technique.seals and target.sharingan:
        modifier -= tx.scene.rules.sharingan_seal_penalty
    ambush = attacker.ambush and target_key == other_of_pair(key)
    roll = check(tx, key, technique.name, modifier, advantage=ambush)
    if ambush:
        tx.emit(ev.AmbushSet(seat=key, ready=False))
    hit, against, against_label = _lands(tx, roll.total, target)
    critical, fumble = roll.natural == 20, roll.natural == 1
    hit = critical or (hit and not fumble)
    outcome = "critical" if critical else "fumble" if fumble else "hit" if hit else "miss"
    tx.record(roll, key, against=against, against_label=against_label, outcome=outcome)
    if other_of_pair(key) == target_key:
        shift_resolve(tx, key, +1, "pressed the attack")
    if hit:
        _strike(tx, key, technique, target_key, critical)
    else:
        fields = {"actor": key, "target": target_key, "technique": technique.name}
        if fumble:
            tx.narrate("fumble", actor=attacker.key, technique=technique.name)
        else:
            tx.narrate("miss", amount=0, **fields)


def _lands(tx: Tx, total: int, target: Character) -> tuple[bool, int, str]:
    evasion = target.evasion + target.evasion_bonus
    if not target.has(Condition.GUARDING):
        return total >= evasion, evasion, "evasion"
    guard = tx.roll(d20(evasion - 10), f"{target.name} guards")
    tx.record(guard, target.key)
    return total > guard.total, guard.total, "guard"


def _strike(tx: Tx, key: str, technique: Technique, target_key: str, critical: bool) -> None:
    notation = technique.dice or "0"
    roll = tx.roll(double_dice(notation) if critical else notation, f"{technique.name} damage")
    tx.record(roll, key, outcome=technique.kind or None)
    tx.narrate(
        "critical" if critical else "hit",
        actor=key,
        target=target_key,
        technique=technique.name,
        amount=roll.total,
    )
    damage(tx, target_key, roll.total, technique.kind)
    target = tx.state.character(target_key)
    if critical and technique.effect is Effect.STUN_ON_CRITICAL and target.standing:
        tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.STUNNED))


def _damage_effect(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    if targets == (DOOR,):
        _force_door(tx, key, technique)
        return
    for target_key in targets:
        if tx.state.character(target_key).standing:
            attack(tx, key, technique, target_key)
    if 1 <= tx.state.beat < CLASH:
        reach_beat(tx, CLASH)


def _force_door(tx: Tx, key: str, technique: Technique) -> None:
    character = tx.state.character(key)
    label = f"{technique.name} against the oak door"
    if against_dc(tx, key, label, _stat(character, technique), tx.scene.rules.door_burst_dc):
        tx.narrate("door_burst", actor=character.key)
        door_opened(tx, key, Door.BROKEN)
    else:
        tx.narrate("door_holds", actor=character.key)


def _heal(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    (target_key,) = targets
    roll = tx.roll(technique.dice or "0", technique.name)
    tx.record(roll, key, outcome="healing")
    heal(tx, target_key, roll.total)
    if target_key == key:
        tx.narrate("heal_self", actor=key, amount=roll.total)
    else:
        tx.narrate("heal", actor=key, target=target_key, amount=roll.total)


def _break_free(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    holder = targets[0] if targets else None
    if (
        holder is None
        or not tx.state.character(holder).standing
        or opposed(tx, key, holder, technique.name)
    ):
        release(tx, key)
        tx.narrate("break_free", actor=key, target=holder or key)
    else:
        tx.narrate("miss", actor=key, target=holder, technique=technique.name, amount=0)


def _sharingan(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    tx.emit(ev.EvasionChanged(seat=key, bonus=tx.scene.rules.sharingan_evasion, sharingan=True))


def _throat_grip(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    (target_key,) = targets
    if not opposed(tx, key, target_key, technique.name):
        tx.narrate(
            "miss",
            actor=key,
            target=target_key,
            technique=technique.name,
            amount=0,
        )
        return
    tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.RESTRAINED, by=key))
    tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.CHOKING, by=key))
    tx.narrate("choking", actor=key, target=target_key)
    if 1 <= tx.state.beat < CLASH:
        reach_beat(tx, CLASH)
    offer_mercy(tx, target_key)


def _body_flicker(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    tx.narrate("body_flicker", actor=key)
    leave(tx, key, Fate.GONE)


def relieve(tx: Tx, key: str, amount: int) -> None:
    relief = tx.state.siege.relief + amount
    tx.emit(ev.SiegeRelieved(seat=key, amount=amount, relief=relief))


def _volley(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    if targets != (ARMY,):
        _damage_effect(tx, key, technique, targets)
        return
    character = tx.state.character(key)
    numbers = tx.scene.rules.siege
    roll = check(tx, key, f"{technique.name} at the army", character.taijutsu)
    critical, hit = roll.natural == 20, roll.natural != 1 and roll.total >= numbers.volley_dc
    tx.record(
        roll,
        key,
        against=numbers.volley_dc,
        against_label="DC",
        outcome="critical" if critical else "hit" if hit else "miss",
    )
    if critical or hit:
        relieve(tx, key, numbers.volley_relief * (2 if critical else 1))


def _earth_wall(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    if targets == (NORTH_WING,):
        relieve(tx, key, tx.scene.rules.siege.wall_relief)
        return
    (ally,) = targets
    tx.emit(ev.EvasionChanged(seat=ally, bonus=tx.scene.rules.wall_evasion))


def guard(tx: Tx, key: str) -> None:
    """Guarding until the next turn: attacks must beat a guard roll."""
    tx.emit(ev.ConditionAdded(seat=key, condition=Condition.GUARDING))
    tx.emit(ev.EvasionChanged(seat=key, bonus=tx.scene.rules.guard_bonus))
    character = tx.state.character(key)
    tx.narrate("defend", actor=character.key, place=tx.scene.place(character.place).name)


def _hold_the_line(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    guard(tx, key)
    if tx.state.character(key).place == NORTH_WING:
        relieve(tx, key, tx.scene.rules.siege.hold_relief)


EFFECTS = {
    Effect.DAMAGE: _damage_effect,
    Effect.STUN_ON_CRITICAL: _damage_effect,
    Effect.HEAL: _heal,
    Effect.BREAK_FREE: _break_free,
    Effect.SHARINGAN: _sharingan,
    Effect.THROAT_GRIP: _throat_grip,
    Effect.BODY_FLICKER: _body_flicker,
    Effect.VOLLEY: _volley,
    Effect.EARTH_WALL: _earth_wall,
    Effect.HOLD_THE_LINE: _hold_the_line,
}

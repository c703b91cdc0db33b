"""The castle's own techniques: the sharingan, the throat grip, the body flicker; and the
targets that are not characters (the oak door; the army, the north wing's wall and the soldiers
inside, from siege.py and soldiers.py)."""

from __future__ import annotations

from scenes.castle import siege, soldiers
from scenes.castle.heart import offer_mercy, other_of_pair
from scenes.castle.objects import door_in_reach, force_door, numbers
from scenes.castle.words import (
    AMBUSH,
    DOOR,
    SHARINGAN,
    SOLDIERS,
    CastleMoment,
    CastlePurpose,
)
from scenes.engine import events as ev
from scenes.engine.beats import reach_trigger
from scenes.engine.checks import opposed
from scenes.engine.combat import damage_effect, skill_of
from scenes.engine.harm import leave
from scenes.engine.moments import Moment
from scenes.engine.queries import held
from scenes.engine.scene import Special
from scenes.engine.state import Character, Condition, Fate, SessionState
from scenes.engine.tx import Tx
from scenes.schema import Technique, Trigger

HARMFUL = frozenset({"damage", "stun_on_critical"})


def specials(state: SessionState, actor: Character, technique: Technique) -> tuple[Special, ...]:
    found = soldiers.special(state, actor, technique) + siege.specials(state, actor, technique)
    if technique.effect in HARMFUL and door_in_reach(state, actor):
        return (Special(key=DOOR, label="the oak door"), *found)
    return found


def strike_or_force(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """A damaging technique: at the oak door it is a try to burst it, else an attack."""
    if targets == (SOLDIERS,):
        soldiers.fight(tx, key, technique)
        return
    if targets == (DOOR,):
        label = f"{technique.name} against the oak door"
        force_door(tx, key, label, skill_of(tx.state.character(key), technique))
        return
    damage_effect(tx, key, technique, targets)


def sharingan(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    tx.emit(ev.EvasionChanged(seat=key, bonus=numbers(tx).sharingan_evasion, mark=SHARINGAN))
    tx.narrate(CastleMoment.SHARINGAN_WAKES, actor=key)


def throat_grip(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    (target_key,) = targets
    if not opposed(tx, key, target_key, technique.name, CastlePurpose.GRIP):
        tx.narrate(Moment.MISS, actor=key, target=target_key, technique=technique.name, amount=0)
        return
    tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.RESTRAINED, by=key))
    tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.CHOKING, by=key))
    tx.narrate(CastleMoment.CHOKING, actor=key, target=target_key)
    reach_trigger(tx, Trigger.ATTACK)
    offer_mercy(tx, target_key)


def senseless(technique: Technique, target: Character) -> str | None:
    if technique.effect == "throat_grip" and held(target):
        return f"{target.name} is already held."
    return None


def body_flicker(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    tx.narrate(CastleMoment.BODY_FLICKER, actor=key)
    leave(tx, key, Fate.GONE)


def seal_penalty(penalty: int, target: Character, technique: Technique) -> int:
    """Sealed jutsu are seen through by an active sharingan."""
    return -penalty if technique.seals and target.marked(SHARINGAN) else 0


def spend_ambush(tx: Tx, attacker: str, target: str) -> bool:
    """Sakura's ambush: advantage on her first attack on the intruder, then it is spent."""
    character = tx.state.character(attacker)
    if character.marked(AMBUSH) and target == other_of_pair(attacker):
        tx.emit(ev.Marked(seat=attacker, mark=AMBUSH, on=False))
        return True
    return False

"""Checks: d20 rolls with modifiers, advantage and the hesitation that spoils the next roll."""

from __future__ import annotations

from enum import StrEnum

from scenes.engine import events as ev
from scenes.engine.dice import Roll
from scenes.engine.state import Character, Condition, Skill
from scenes.engine.tx import Tx


class Purpose(StrEnum):
    """What a roll of the core's was for (a scene's own rolls use an enum of the scene's)."""

    INITIATIVE = "initiative"
    ATTACK = "attack"
    DAMAGE = "damage"
    HEALING = "healing"
    GUARD = "guard"
    ESCAPE = "escape"
    CHOKING = "choking"
    CHECK = "check"
    FREE = "free"


def d20(modifier: int, advantage: bool = False, disadvantage: bool = False) -> str:
    """Notation for a d20 check; advantage and disadvantage cancel out."""
    die = "1d20"
    if advantage and not disadvantage:
        die = "2d20kh1"
    elif disadvantage and not advantage:
        die = "2d20kl1"
    if modifier:
        return f"{die}{modifier:+d}"
    return die


def check(
    tx: Tx, key: str, label: str, modifier: int, purpose: str, advantage: bool = False
) -> Roll:
    """Roll a d20 check for ``key``; a hesitating character rolls at disadvantage, once."""
    character = tx.state.character(key)
    hesitating = character.has(Condition.HESITATING)
    roll = tx.roll(d20(modifier, advantage, hesitating), label, purpose)
    if hesitating:
        tx.emit(ev.ConditionRemoved(seat=key, condition=Condition.HESITATING))
    return roll


def resolve_modifier(tx: Tx, character: Character) -> int:
    return (character.resolve or 0) * tx.scene.rules.resolve_weight


def against_dc(tx: Tx, key: str, label: str, modifier: int, dc: int, purpose: str) -> bool:
    """A check against a difficulty, recorded with its outcome; True on success."""
    roll = check(tx, key, label, modifier, purpose)
    success = roll.natural != 1 and (roll.natural == 20 or roll.total >= dc)
    tx.record(
        roll, key, against=dc, against_label="DC", outcome="success" if success else "failure"
    )
    return success


def opposed(tx: Tx, key: str, other: str, label: str, purpose: str, other_bonus: int = 0) -> bool:
    """Opposed taijutsu: ``key`` wins only by beating ``other``'s roll (ties go to ``other``)."""
    attacker = tx.state.character(key)
    rival = tx.state.character(other)
    taijutsu = Skill.TAIJUTSU
    mine = check(tx, key, f"{label} ({attacker.name})", attacker.skill(taijutsu), purpose)
    theirs = check(
        tx, other, f"{label} ({rival.name})", rival.skill(taijutsu) + other_bonus, purpose
    )
    won = mine.total > theirs.total
    tx.record(
        mine,
        key,
        against=theirs.total,
        against_label=rival.name,
        outcome="wins" if won else "loses",
    )
    tx.record(theirs, other)
    return won

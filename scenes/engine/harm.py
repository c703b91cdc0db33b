"""Harm and its consequences: damage, falling down, holds released, leaving the scene."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.moments import Moment
from scenes.engine.state import Condition, Fate
from scenes.engine.tx import Tx


def damage(
    tx: Tx,
    key: str,
    amount: int,
    cause: str = ev.Cause.ATTACK,
    by: str | None = None,
    technique: str | None = None,
    kind_of: str = "",
) -> int:
    """Take ``amount`` vitality from ``key`` (never below 0); return the harm dealt."""
    character = tx.state.character(key)
    vitality = max(0, character.vitality - amount)
    dealt = character.vitality - vitality
    tx.emit(
        ev.Damaged(
            seat=key,
            amount=dealt,
            vitality=vitality,
            cause=cause,
            by=by,
            technique=technique,
            kind_of=kind_of,
        )
    )
    if vitality == 0 and character.vitality > 0:
        fall(tx, key)
    return dealt


def fall(tx: Tx, key: str) -> None:
    """``key`` is down: the narration, the holds they kept let go, and the scene's own rule."""
    tx.narrate(Moment.DOWN, target=key)
    release_holds_of(tx, key)
    tx.rules.on_down(tx, key)


def heal(tx: Tx, key: str, amount: int) -> int:
    """Give ``key`` back up to ``amount`` vitality; return what was healed."""
    character = tx.state.character(key)
    vitality = min(character.max_vitality, character.vitality + amount)
    tx.emit(ev.Healed(seat=key, amount=vitality - character.vitality, vitality=vitality))
    return vitality - character.vitality


def release(tx: Tx, key: str) -> None:
    """Free ``key`` from being restrained and choking."""
    character = tx.state.character(key)
    for condition in (Condition.CHOKING, Condition.RESTRAINED):
        if character.has(condition):
            tx.emit(ev.ConditionRemoved(seat=key, condition=condition))


def release_holds_of(tx: Tx, holder: str) -> None:
    """Whoever ``holder`` was gripping is let go (except a captive, who stays bound)."""
    for character in tx.state.characters:
        if character.held_by == holder and character.fate is not Fate.CAPTURED:
            release(tx, character.key)


def leave(tx: Tx, key: str, fate: Fate) -> None:
    """``key`` leaves the scene (gone, captured or dead), letting go of whoever they held."""
    tx.emit(ev.FateChanged(seat=key, fate=fate))
    release_holds_of(tx, key)
    tx.rules.on_leave(tx, key, fate)

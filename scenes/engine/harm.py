"""Harm and its consequences: damage, falling down, holds released, leaving the scene."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.beats import offer_mercy
from scenes.engine.state import Condition, Fate, ScrollsAt
from scenes.engine.tx import Tx


def damage(tx: Tx, key: str, amount: int, kind_of: str = "") -> None:
    """Take ``amount`` vitality from ``key`` (never below 0); falling down may bring the mercy."""
    character = tx.state.character(key)
    vitality = max(0, character.vitality - amount)
    tx.emit(
        ev.Damaged(
            seat=key, amount=character.vitality - vitality, vitality=vitality, kind_of=kind_of
        )
    )
    if vitality == 0 and character.vitality > 0:
        fall(tx, key)


def fall(tx: Tx, key: str) -> None:
    """``key`` is down: the narration, the holds they kept let go, and perhaps the mercy."""
    tx.narrate("down", target=key)
    release_holds_of(tx, key)
    offer_mercy(tx, key)


def heal(tx: Tx, key: str, amount: int) -> None:
    character = tx.state.character(key)
    vitality = min(character.max_vitality, character.vitality + amount)
    tx.emit(ev.Healed(seat=key, amount=vitality - character.vitality, vitality=vitality))


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
    """``key`` leaves the scene (gone, captured or dead); a gone carrier takes the scrolls."""
    tx.emit(ev.FateChanged(seat=key, fate=fate))
    release_holds_of(tx, key)
    guard = tx.state.scrolls.guard
    if guard == key:
        scrolls = tx.state.scrolls
        tx.emit(ev.ScrollsChanged(at=scrolls.at, holder=scrolls.holder, guard=None))
    scrolls = tx.state.scrolls
    if fate is not Fate.GONE and scrolls.at is ScrollsAt.CARRIED and scrolls.holder == key:
        tx.emit(ev.ScrollsChanged(at=ScrollsAt.DESK, holder=None, guard=None))

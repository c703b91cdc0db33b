"""Beats: the scene's spine, reached by their triggers or by the GM; the final one ends it."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.tx import Tx
from scenes.schema import Trigger


def reach_beat(tx: Tx, number: int, by_gm: bool = False) -> None:
    """Move forward to beat ``number`` (never back), with its narration; the final beat brings
    the ending, computed by the scene from the state."""
    if number <= tx.state.beat:
        return
    beat = tx.scene.beats[number - 1]
    tx.emit(ev.BeatReached(beat=number, key=beat.key, name=beat.name, by_gm=by_gm))
    tx.rules.narrate_beat(tx, beat.key)
    if number == tx.scene.final_beat:
        if tx.state.turn is not None:  # the scene stops: no one's turn any more
            tx.emit(ev.TurnEnded(seat=tx.state.turn))
        ending = tx.rules.ending(tx.state)
        tx.emit(ev.EndingReached(ending=ending, title=tx.scene.ending(ending.key).title))
        tx.rules.narrate_ending(tx, ending)


def reach_trigger(tx: Tx, trigger: Trigger) -> None:
    """Reach the beat that ``trigger`` starts, if the scene has one and it is still ahead."""
    beat = tx.scene.beat_with(trigger)
    if beat is not None and 1 <= tx.state.beat < beat.number:
        reach_beat(tx, beat.number)


def reach_beat_key(tx: Tx, key: str) -> None:
    """Reach the scene's beat called ``key`` (the scene's own rules name their beats)."""
    beat = next(beat for beat in tx.scene.beats if beat.key == key)
    reach_beat(tx, beat.number)


def check_triggers(tx: Tx) -> None:
    """After any change: the scene's own triggers, and the final beat once the scene is over."""
    if tx.state.beat < 1:
        return
    tx.rules.after_change(tx)
    if tx.state.beat < tx.scene.final_beat and tx.rules.is_over(tx.state):
        reach_beat(tx, tx.scene.final_beat)


def shift_resolve(tx: Tx, key: str, delta: int, why: str) -> None:
    """Move ``key``'s resolve by ``delta`` within -3 (heart) to +3 (duty)."""
    character = tx.state.character(key)
    if character.resolve is None:
        return
    value = max(-3, min(3, character.resolve + delta))
    if value != character.resolve:
        tx.emit(
            ev.ResolveShifted(seat=key, delta=value - character.resolve, resolve=value, why=why)
        )

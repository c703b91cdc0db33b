"""Narration is dealt from the session's told memory, never from the dice: a moment's variants
come round like a deck, and adding variants changes the words but not a single roll."""

from __future__ import annotations

import json
import random

from scenes.engine import events as ev
from scenes.engine.dice import Dice, deal
from scenes.engine.moments import Moment
from scenes.engine.registry import find_scene
from scenes.engine.scene import SceneRules
from scenes.engine.state import SessionState, Told
from scenes.engine.tx import Tx
from tests.engine.table import Table
from tests.scenes.sessions import autoplay_session


def _with_variants(rules: SceneRules, count: int) -> SceneRules:
    """The scene with every moment given ``count`` variants (its own, then numbered)."""
    narration = {
        moment: tuple(f"{lines[n % len(lines)]} ({n})" for n in range(count))
        for moment, lines in rules.data.narration.items()
    }
    return rules.with_data(rules.data.model_copy(update={"narration": narration}))


def _rolls(events: list[ev.Event]) -> list[object]:
    return [e.roll for e in events if isinstance(e, ev.Rolled | ev.DiceRolled)]


def _told(events: list[ev.Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, ev.Narrated)]


def test_dice_are_the_same_whether_a_moment_has_3_or_30_variants() -> None:
    castle = find_scene("castle")
    rolls = changed = 0
    for seed in range(12):
        three = autoplay_session(seed, _with_variants(castle, 3))
        thirty = autoplay_session(seed, _with_variants(castle, 30))
        assert _rolls(three) == _rolls(thirty)
        rolls += len(_rolls(three))
        changed += _told(three) != _told(thirty)
    assert rolls > 200
    assert changed >= 10  # the words did change


def test_a_deck_tells_every_variant_once_before_any_again() -> None:
    told, seen = 0, []
    for lines in range(35):
        index, told = deal(99, lines, "deck", told, 7)
        seen.append(index)
    for start in range(0, 35, 7):
        assert sorted(seen[start : start + 7]) == list(range(7))
    assert seen[:7] != seen[7:14]  # each deal is shuffled afresh


def test_a_moment_told_again_and_again_comes_round_like_a_deck() -> None:
    table = Table(seed=3)
    rules = find_scene("castle")
    tx = Tx(table.state, rules, Dice(random.Random(0)))
    size = len(rules.data.narration[Moment.STUNNED])
    for _ in range(size * 3):
        tx.narrate(Moment.STUNNED, target="sakura")
    texts = _told(tx.events)
    for start in range(0, size * 3, size):
        assert len(set(texts[start : start + size])) == size
    assert tx.state.told.lines == size * 3


def test_dealing_narration_draws_nothing_from_the_rng() -> None:
    table = Table(seed=3)
    rng = random.Random(5)
    before = rng.getstate()
    tx = Tx(table.state, find_scene("castle"), Dice(rng))
    for _ in range(10):
        tx.narrate(Moment.DOWN, target="sasuke")
    assert rng.getstate() == before


def test_a_state_stored_before_the_told_memory_reads_back_with_nothing_told() -> None:
    table = Table(seed=3)
    tx = Tx(table.state, find_scene("castle"), Dice(random.Random(0)))
    tx.narrate(Moment.DOWN, target="sasuke")
    assert tx.state.told.lines == 1
    stored = json.loads(tx.state.model_dump_json())
    del stored["told"]
    assert SessionState.model_validate(stored).told == Told()
    again = SessionState.model_validate_json(tx.state.model_dump_json())
    assert again.told == tx.state.told

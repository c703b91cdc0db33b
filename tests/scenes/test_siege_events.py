"""The siege events in the engine: each round's end draws the next round's event with the
session's RNG; every choice of every event does what its data says; an event nobody answers
runs with its default; the press counts what the event added."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from scenes.castle import siege
from scenes.castle.rules import CASTLE
from scenes.castle.siege_book import book
from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.dice import Dice, ScriptedRandom
from scenes.engine.events import Event
from scenes.engine.state import Condition
from scenes.engine.tx import Tx
from tests.engine.table import Table, of_kind

CHOICES = [(e.key, ch.key) for e in book().events for ch in e.choices]


class Picks(ScriptedRandom):
    """Scripted dice whose ``random()`` (what picks an event and a line) is scripted too."""

    def __init__(self, picks: Sequence[float], faces: Sequence[int] = ()) -> None:
        super().__init__(faces)
        self.picks = list(picks)

    def random(self) -> float:
        return self.picks.pop(0) if self.picks else 0.0


def answered(table: Table, event: str, option: str, faces: Sequence[int] = ()) -> Tx:
    tx = Tx(table.state, CASTLE, Dice(ScriptedRandom(faces)))
    siege.answer(tx, book().event(event), option, "defender_1")
    return tx


@pytest.mark.parametrize(("event_key", "option"), CHOICES)
def test_every_choice_does_what_its_data_says(event_key: str, option: str) -> None:
    table = Table.north_wing()
    table.do("gm", c.Set(character="north_wing", field="integrity", value=6))
    table.do("gm", c.Set(character="defender_1", field="vitality", value=10))
    choice = book().event(event_key).choice(option)
    before = table.state
    dice = [3] if choice.harm or choice.heal else []
    tx = answered(table, event_key, option, dice)
    after, me, was = castle(tx.state).siege, tx.state.character("defender_1"), castle(before).siege
    assert after.integrity == 6 + choice.integrity
    assert after.relief == was.relief + choice.relief
    assert after.pressing == was.pressing + choice.press
    assert me.vitality == 10 - (3 if choice.harm else 0) + (3 if choice.heal else 0)
    assert me.has(Condition.GUARDING) == choice.guard
    assert me.place == (choice.move or "north_wing")
    told = [e for e in of_kind(tx.events, "narrated") if e.moment == siege.CHOICE_MOMENT]
    assert len(told) == 1 and "Ren 1" in told[0].text and "{" not in told[0].text


def test_mending_never_lifts_the_wall_above_its_integrity() -> None:
    table = Table.north_wing()
    tx = answered(table, "lull", "mend")
    assert castle(tx.state).siege.integrity == 10


def test_an_event_that_breaks_the_last_of_the_wall_brings_it_down() -> None:
    table = Table.north_wing()
    table.do("gm", c.Set(character="north_wing", field="integrity", value=2))
    tx = answered(table, "ladders", "yield")
    assert castle(tx.state).siege.fallen and of_kind(tx.events, "north_wing_fell")
    assert castle(tx.state).soldiers.place == "grand_hall"


def draw(table: Table, picks: Sequence[float]) -> Tx:
    """The next round's event drawn with ``picks`` for the RNG's ``random()``."""
    world = castle(table.state)
    due = world.siege.model_copy(update={"drawn": table.state.round})
    state = table.state.model_copy(update={"world": world.model_copy(update={"siege": due})})
    tx = Tx(state, CASTLE, Dice(Picks(picks)))
    siege.draw_event(tx, table.state.round + 1)
    return tx


def test_the_rng_draws_the_event_and_the_breach_comes_only_to_a_broken_wall() -> None:
    table = Table.north_wing()
    events = book().events
    standing = [e.key for e in events if e.below is None]
    drawn = [
        castle(draw(table, [n / len(standing)]).state).siege.drawn for n in range(len(standing))
    ]
    assert drawn == [table.state.round + 1] * len(standing)
    kinds = [
        of_kind(draw(table, [n / len(standing)]).events, "siege_event_drawn")[0].event
        for n in range(len(standing))
    ]
    assert kinds == standing and "breach" not in kinds
    table.do("gm", c.Set(character="north_wing", field="integrity", value=5))
    kinds = [
        of_kind(draw(table, [n / len(events)]).events, "siege_event_drawn")[0].event
        for n in range(len(events))
    ]
    assert kinds == [e.key for e in events]


def test_each_event_is_announced_by_name() -> None:
    table = Table.north_wing()
    tx = draw(table, [0.0])
    (told,) = [e for e in of_kind(tx.events, "narrated") if e.moment == siege.EVENT_MOMENT]
    assert told.text.startswith("**Ladders on the wall.**")


def test_a_round_end_draws_the_next_rounds_event_from_the_session_rng() -> None:
    table = Table(defenders=1)
    table.seat("defender_1")
    table.begin(["defender_1"])
    assert castle(table.state).siege.drawn == 1  # the first, as the scene began
    events = table.do("defender_1", c.Defend())
    (drawn,) = of_kind(events, "siege_event_drawn")
    assert drawn.round == 2 == table.state.round and castle(table.state).siege.drawn == 2
    same = Table(defenders=1)
    same.seat("defender_1")
    same.begin(["defender_1"])
    again = same.do("defender_1", c.Defend())
    assert of_kind(again, "siege_event_drawn") == [drawn]  # the same seed, the same event


def test_over_many_seeds_every_kind_of_event_comes() -> None:
    seen = set()
    for seed in range(40):
        table = Table(defenders=1, seed=seed)
        table.seat("defender_1")
        table.begin(["defender_1"])
        for _ in range(3):
            if castle(table.state).siege.fallen:
                break
            events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
            seen |= {e.event for e in of_kind(events, "siege_event_drawn")}
    assert seen == {e.key for e in book().events}


def test_with_no_defender_seated_the_event_runs_with_its_default() -> None:
    table = Table(defenders=1)
    table.seat("sakura")
    events = table.begin(["sakura"])
    (drawn,) = of_kind(events, "siege_event_drawn")
    (answer,) = of_kind(events, "siege_event_answered")
    event = book().event(drawn.event)
    assert drawn.decider is None and answer.seat is None and answer.choice == event.default
    alone = [e.text for e in of_kind(events, "narrated") if e.moment == siege.CHOICE_MOMENT]
    assert len(alone) == 1 and alone[0] in event.alone


def test_an_event_left_unanswered_at_the_rounds_end_runs_with_its_default() -> None:
    table = Table.north_wing()
    world = castle(table.state)
    waiting = world.siege.model_copy(update={"event": "sappers"})
    table.state = table.state.model_copy(
        update={"world": world.model_copy(update={"siege": waiting})}
    )
    events = table.do("defender_1", c.Defend(), faces=[1])
    (answer,) = of_kind(events, "siege_event_answered")
    assert answer.choice == "ignore" and answer.seat is None
    assert castle(table.state).siege.event is None
    assert castle(table.state).siege.integrity == 10 - 2 - 1  # the sappers, then the press


def test_the_press_counts_what_the_event_added() -> None:
    table = Table.north_wing()
    table.state = answered(table, "fire", "douse").state  # +2 to this round's press
    events = table.do("defender_1", c.Defend(), faces=[3])
    assert table.rolls(events) == ["The army presses: 1d6 (3) + 2 = 5 vs the defenders' relief 0"]
    table.state = answered(table, "messenger", "stay").state  # +1 against it
    events = table.do("defender_1", c.Defend(), faces=[3])
    (pressed,) = of_kind(events, "siege_pressed")
    assert pressed.relief == 1 and pressed.press == 3 + 1  # round 2's own bonus


def test_the_event_waits_on_the_first_defender_at_the_wall_in_the_turn_order() -> None:
    table = Table.north_wing(defenders=2)
    assert siege.decider_for(table.state) == "defender_1"
    table.do("gm", c.Set(character="defender_1", field="vitality", value=0))
    assert siege.decider_for(table.state) == "defender_2"


def test_no_event_is_drawn_once_the_wall_has_fallen() -> None:
    table = Table(defenders=1)
    table.seat("defender_1")
    table.begin(["defender_1"])
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    events: list[Event] = []
    for _ in range(3):
        events += table.do("defender_1", c.Defend(), faces=None)
    assert castle(table.state).siege.fallen
    fell = next(i for i, e in enumerate(events) if e.kind == "north_wing_fell")
    assert not [e for e in events[fell:] if e.kind.startswith("siege_event")]


def test_the_same_seed_plays_the_same_siege() -> None:
    def play(seed: int) -> list[str]:
        table = Table(defenders=2, seed=seed)
        table.seat("defender_1", "defender_2")
        table.begin(["defender_1", "defender_2"])
        rng = random.Random(seed)
        for _ in range(4):
            name = rng.choice(["hold_the_line", "kunai_volley"])
            target = "army" if name == "kunai_volley" else None
            table.do(table.state.turn or "defender_1", c.Jutsu(name=name, target=target))
        return [e.kind for e in table.events]

    assert play(3) == play(3)

"""The siege of the north wing: the army presses at each round's end, and the wing may fall."""

from __future__ import annotations

from scenes.castle.world import castle
from scenes.engine import commands as c
from tests.engine.table import Table, of_kind


def test_the_north_wing_starts_at_integrity_10() -> None:
    table = Table.north_wing()
    assert castle(table.state).siege.integrity == 10 and not castle(table.state).siege.fallen


def test_the_army_presses_1d6_plus_half_the_round_at_each_rounds_end() -> None:
    table = Table.north_wing()
    pressed = []
    for face in (2, 2, 2, 1):
        events = table.do("defender_1", c.Defend(), faces=[face])
        pressed += [(e.round, e.press, e.loss) for e in of_kind(events, "siege_pressed")]
    # Round 1: 2 + 0; rounds 2 and 3: 2 + 1; round 4: 1 + 2, and 10 - 11 is the fall.
    assert pressed == [(1, 2, 2), (2, 3, 3), (3, 3, 3), (4, 3, 3)]
    assert castle(table.state).siege.fallen


def test_the_press_roll_is_shown_with_the_rounds_bonus() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Defend(), faces=[1])
    events = table.do("defender_1", c.Defend(), faces=[3])
    assert table.rolls(events) == [
        "The army presses: 1d6 (3) + 1 = 4 vs the defenders' relief 0",
    ]


def test_the_rounds_relief_is_taken_from_the_press() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="earth_wall"), faces=[5])
    assert castle(table.state).siege.integrity == 10 - (5 - 2)


def test_relief_greater_than_the_press_costs_nothing_and_restores_nothing() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[20, 2])
    assert castle(table.state).siege.integrity == 10


def test_the_relief_lasts_one_round_only() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="earth_wall"), faces=[1])
    assert castle(table.state).siege.relief == 0
    table.do("defender_1", c.Defend(), faces=[3])
    assert castle(table.state).siege.integrity == 10 - 4


def test_the_relief_of_all_defenders_in_a_round_adds_up() -> None:
    table = Table(defenders=2)
    table.without_siege_events()
    table.seat("defender_1", "defender_2")
    table.begin(["defender_1", "defender_2"])
    table.do("defender_1", c.Jutsu(name="earth_wall"))
    table.do("defender_2", c.Jutsu(name="hold_the_line"), faces=[6])
    assert castle(table.state).siege.integrity == 10 - (6 - 3)


def test_the_north_wing_falls_at_zero() -> None:
    table = Table.north_wing()
    table.do("gm", c.Set(character="north_wing", field="integrity", value=3))
    events = table.do("defender_1", c.Defend(), faces=[5])
    assert castle(table.state).siege.fallen and castle(table.state).siege.integrity == 0
    assert of_kind(events, "north_wing_fell")
    assert "siege_falls" in [e.moment for e in of_kind(events, "narrated")]


def test_a_press_that_leaves_integrity_holds_the_wing() -> None:
    table = Table.north_wing()
    table.do("gm", c.Set(character="north_wing", field="integrity", value=4))
    table.do("defender_1", c.Defend(), faces=[3])
    assert castle(table.state).siege.integrity == 1 and not castle(table.state).siege.fallen


def test_a_fallen_north_wing_is_pressed_no_more() -> None:
    table = Table.north_wing()
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("defender_1", c.Defend(), faces=[1])
    events = table.do("defender_1", c.Defend(), faces=[])
    assert not of_kind(events, "siege_pressed") and of_kind(events, "round_ended")


def test_the_siege_does_not_run_with_no_defender_seated() -> None:
    table = Table(defenders=2)
    table.without_siege_events()
    table.seat("sakura")
    table.begin(["sakura"])
    events = table.do("sakura", c.Defend(), faces=[])
    assert of_kind(events, "round_ended") and not of_kind(events, "siege_pressed")
    assert castle(table.state).siege.integrity == 10


def test_the_siege_stops_when_the_last_defender_is_kicked() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "defender_1")
    table.begin(["sakura", "defender_1"])
    table.do("gm", c.Kick(member_id=12))
    events = table.do("sakura", c.Defend(), faces=[])
    assert not of_kind(events, "siege_pressed")


def test_the_round_end_records_the_numbers() -> None:
    table = Table.north_wing()
    events = table.do("defender_1", c.Defend(), faces=[2])
    (ended,) = of_kind(events, "round_ended")
    assert ended.gauges["integrity"] == 8 and ended.vitality["defender_1"] == 18

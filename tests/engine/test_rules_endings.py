"""Each ending besides the one-shot's own, reached by a short scripted play; and the ending is
computed from the state."""

from __future__ import annotations

from scenes.castle.world import ScrollsAt, castle
from scenes.engine import commands as c
from scenes.engine.describe import describe
from scenes.engine.state import Ending, Status
from tests.engine.table import Table, of_kind


def breach(defender: bool = False) -> Table:
    """He bursts in; both hold to duty; her turn, ambush ready (the defender last, if seated)."""
    table = Table(defenders=1)
    table.without_siege_events()
    table.seat("sakura", "sasuke", *(["defender_1"] if defender else []))
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    return table


def sakura_downs_sasuke() -> Table:
    """Her ambush dagger takes his last 3 vitality: the mercy is hers (her resolve still 0)."""
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[15, 2, 1])
    assert table.state.decisions and table.state.decisions[0].decider == "sakura"
    return table


def ending(table: Table) -> Ending:
    assert table.state.beat == 6
    reached = of_kind(table.events, "ending_reached")
    assert len(reached) == 1 and reached[0].ending == table.state.ending
    assert table.state.ending is not None
    return table.state.ending


def dimensions(ending: Ending) -> tuple[str, str, str, str]:
    return (
        ending.facet("scrolls"),
        ending.facet("sakura"),
        ending.facet("sasuke"),
        ending.facet("north_wing"),
    )


def test_scrolls_carried_off_when_he_leaves_with_them() -> None:
    table = breach()
    table.do("sakura", c.Defend())
    table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[18, 3])
    table.do("sakura", c.Defend())
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    reached = ending(table)
    assert reached.key == "scrolls_carried_off"
    assert dimensions(reached) == ("taken", "standing", "gone", "held")


def test_scrolls_carried_off_when_she_yields_them_at_the_bargain() -> None:
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="spare"))
    table.do("sasuke", c.Choose(option="bargain"))
    table.do("sakura", c.Choose(option="yield"))
    assert ending(table).key == "scrolls_carried_off"


def test_the_captive_when_she_binds_him() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="bind"))
    reached = ending(table)
    assert reached.key == "the_captive"
    assert dimensions(reached) == ("kept", "standing", "captured", "held")


def test_blood_on_the_stone_when_she_strikes_him_down() -> None:
    table = sakura_downs_sasuke()
    # Blows do not move resolve: at 0 she needs the full 12 to steel her heart.
    table.do("sakura", c.Choose(option="strike"), faces=[12])
    reached = ending(table)
    assert reached.key == "blood_on_the_stone"
    assert dimensions(reached) == ("kept", "standing", "dead", "held")


def test_the_guardian_falls_when_he_strikes_her_down() -> None:
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="strike"), faces=[12])
    reached = ending(table)
    assert reached.key == "the_guardian_falls"
    assert (reached.facet("sakura"), reached.facet("scrolls")) == ("dead", "kept")


def test_the_spent_intruder_when_she_spares_him_down() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="spare"))
    reached = ending(table)
    assert reached.key == "the_spent_intruder"
    assert dimensions(reached) == ("kept", "standing", "down", "held")


def test_the_spent_intruder_when_her_heart_will_not_let_her_strike() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="strike"), faces=[9])
    assert ending(table).key == "the_spent_intruder"


def test_ashes_of_the_archive_when_the_wing_falls_on_an_empty_office() -> None:
    table = breach(defender=True)
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("sakura", c.Move(to="east_hall"))
    table.do("gm", c.Skip(), faces=[1])
    assert castle(table.state).siege.fallen and castle(table.state).scrolls.at is ScrollsAt.LOST
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    reached = ending(table)
    assert reached.key == "ashes_of_the_archive"
    assert dimensions(reached) == ("lost", "standing", "gone", "fallen")


def test_the_north_wing_falls_while_she_keeps_the_office() -> None:
    table = breach(defender=True)
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("sakura", c.Defend())
    table.do("gm", c.Skip(), faces=[1])
    assert castle(table.state).siege.fallen and castle(table.state).scrolls.at is ScrollsAt.DESK
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    reached = ending(table)
    assert reached.key == "the_north_wing_falls"
    assert dimensions(reached) == ("kept", "standing", "gone", "fallen")


def test_the_scene_stops_at_its_ending_and_the_close_keeps_it() -> None:
    table = breach(defender=True)
    table.do("sakura", c.Defend())
    table.do("gm", c.Skip(), faces=[1])
    events = table.do("sasuke", c.Jutsu(name="body_flicker"))
    assert ending(table).key == "rain_without_end"
    # no more turns, rounds or siege once the ending is reached
    assert table.state.turn is None
    assert not of_kind(events, "turn_started") and not of_kind(events, "siege_pressed")
    refused = table.refused("sakura", c.Defend())
    assert "reached its ending (Rain Without End)" in refused and "/gm end" in refused
    table.do("gm", c.End())
    assert table.state.status is Status.ENDED
    closed = of_kind(table.events, "session_ended")[-1]
    assert closed.ending == table.state.ending and closed.ending.key == "rain_without_end"
    assert closed.was is None


def test_the_close_reads_the_ending_again_when_the_gm_changed_the_state_and_says_so() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="spare"))
    assert ending(table).key == "the_spent_intruder"
    table.do("gm", c.Set(character="sasuke", field="vitality", value=5))  # he gets up
    table.do("gm", c.End())
    closed = of_kind(table.events, "session_ended")[-1]
    assert closed.ending is not None and closed.ending.key == "rain_without_end"
    assert closed.was == "the_spent_intruder"
    fact = describe(closed, table.state)
    assert fact is not None and "The ending is now Rain Without End" in fact
    assert "after The Spent Intruder was reached" in fact

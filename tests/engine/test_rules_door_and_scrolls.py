"""The oak door (bar, open, burst) and the scrolls (guard, hide, take, lose)."""

from __future__ import annotations

from scenes.castle.world import Door, ScrollsAt, castle
from scenes.engine import commands as c
from tests.engine.table import Table, of_kind


def pair(order: list[str]) -> Table:
    """Sakura and Sasuke seated, no defender (so no siege)."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(order)
    return table


def breach() -> Table:
    """He bursts in; both hold to duty; Sakura's turn."""
    table = pair(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    return table


def sasuke_in_the_office_after(sakura_does: c.Command) -> Table:
    table = breach()
    table.do("sakura", sakura_does)
    assert table.state.turn == "sasuke"
    return table


# --- The door ------------------------------------------------------------------------------------


def test_sakura_bars_the_door_from_inside() -> None:
    table = pair(["sakura", "sasuke"])
    events = table.do("sakura", c.Interact(object="door", how="bar"))
    assert castle(table.state).door is Door.BARRED
    assert "door_bar" in [e.moment for e in of_kind(events, "narrated")]


def test_the_door_cannot_be_barred_from_the_hall() -> None:
    table = pair(["sasuke", "sakura"])
    assert "office side" in table.refused("sasuke", c.Interact(object="door", how="bar"))


def test_barring_a_barred_door_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    table.do("sasuke", c.Defend())
    assert "already barred" in table.refused("sakura", c.Interact(object="door", how="bar"))


def test_the_door_is_reached_only_from_the_office_or_the_east_hall() -> None:
    table = Table(defenders=1)
    table.seat("defender_1")
    table.begin(["defender_1"])
    message = table.refused("defender_1", c.Interact(object="door", how="open"))
    assert "go there first" in message


def test_the_intruder_bursts_a_closed_door_and_steps_into_the_office() -> None:
    table = pair(["sasuke", "sakura"])
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    assert castle(table.state).door is Door.BROKEN
    assert table.ch("sasuke").place == "office"
    assert table.state.beat == 2
    assert [(e.from_place, e.to_place) for e in of_kind(events, "moved")] == [
        ("east_hall", "office")
    ]


def test_a_barred_door_bursts_only_on_a_check_against_14() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[10, 15, 15])
    assert (
        table.rolls(events)[0] == "Forcing the barred door: 1d20 (10) + 4 = 14 vs DC 14 → success"
    )
    assert castle(table.state).door is Door.BROKEN and table.ch("sasuke").place == "office"


def test_a_barred_door_holds_when_the_check_fails() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[9])
    assert table.rolls(events) == ["Forcing the barred door: 1d20 (9) + 4 = 13 vs DC 14 → failure"]
    assert castle(table.state).door is Door.BARRED
    assert table.ch("sasuke").place == "east_hall" and table.state.beat == 1


def test_sakura_opens_the_door_without_breaking_it() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    assert castle(table.state).door is Door.OPEN and table.state.beat == 2
    assert table.ch("sasuke").place == "east_hall"
    assert not table.ch("sakura").marked("ambush")


def test_sakura_lifts_her_own_bar() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    table.do("sasuke", c.Defend())
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    assert castle(table.state).door is Door.OPEN


def test_nobody_moves_through_a_closed_door() -> None:
    table = pair(["sasuke", "sakura"])
    assert "closed" in table.refused("sasuke", c.Move(to="office"))
    table.do("sasuke", c.Defend())
    assert "closed" in table.refused("sakura", c.Move(to="east_hall"))


def test_nobody_moves_through_a_barred_door() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    assert "barred" in table.refused("sasuke", c.Move(to="office"))


def test_an_open_door_lets_him_walk_in() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("sasuke", c.Move(to="office"))
    assert table.ch("sasuke").place == "office"


def test_moving_only_to_a_connected_place() -> None:
    table = pair(["sasuke", "sakura"])
    message = table.refused("sasuke", c.Move(to="north_wing"))
    assert "Grand hall" in message and "East-wing office" in message


def test_a_broken_door_can_be_neither_barred_nor_opened() -> None:
    table = breach()
    assert "splinters" in table.refused("sakura", c.Interact(object="door", how="bar"))


# --- The scrolls ---------------------------------------------------------------------------------


def test_taking_the_scrolls_from_an_unguarded_desk_needs_no_check() -> None:
    table = sasuke_in_the_office_after(c.Move(to="east_hall"))
    table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[])
    scrolls = castle(table.state).scrolls
    assert scrolls.at is ScrollsAt.CARRIED and scrolls.holder == "sasuke"


def test_guarded_scrolls_are_taken_only_by_winning_an_opposed_check() -> None:
    table = sasuke_in_the_office_after(c.Interact(object="scrolls", how="guard"))
    assert castle(table.state).scrolls.guard == "sakura"
    events = table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[15, 5])
    assert table.rolls(events)[0].startswith("Struggle for the scrolls (Sasuke): 1d20 (15) + 4")
    assert (
        castle(table.state).scrolls.at is ScrollsAt.CARRIED
        and castle(table.state).scrolls.holder == "sasuke"
    )


def test_guarded_scrolls_stay_when_the_opposed_check_is_lost() -> None:
    table = sasuke_in_the_office_after(c.Interact(object="scrolls", how="guard"))
    events = table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[5, 15])
    assert (
        castle(table.state).scrolls.at is ScrollsAt.DESK
        and castle(table.state).scrolls.holder is None
    )
    assert "scrolls_take_fails" in [e.moment for e in of_kind(events, "narrated")]


def test_sakura_standing_in_the_office_keeps_the_desk_with_an_opposed_check() -> None:
    table = sasuke_in_the_office_after(c.Defend())
    events = table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[5, 15])
    assert table.rolls(events)[0].startswith("Struggle for the scrolls (Sasuke): 1d20 (5) + 4")
    assert castle(table.state).scrolls.at is ScrollsAt.DESK


def test_an_explicit_guard_on_the_desk_adds_the_guard_bonus() -> None:
    table = sasuke_in_the_office_after(c.Interact(object="scrolls", how="guard"))
    events = table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[15, 12])
    assert table.rolls(events)[1] == "Struggle for the scrolls (Sakura): 1d20 (12) + 7 = 19"
    assert castle(table.state).scrolls.at is ScrollsAt.DESK


def test_hidden_scrolls_must_be_found_with_a_search_against_15() -> None:
    table = sasuke_in_the_office_after(c.Interact(object="scrolls", how="hide"))
    assert castle(table.state).scrolls.at is ScrollsAt.HIDDEN
    table.do("sasuke", c.Defend())
    table.do("sakura", c.Move(to="east_hall"))
    events = table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[9])
    assert table.rolls(events)[0] == (
        "Searching for the hidden scrolls: 1d20 (9) + 6 = 15 vs DC 15 → success"
    )
    assert castle(table.state).scrolls.at is ScrollsAt.CARRIED


def test_hidden_scrolls_stay_hidden_when_the_search_fails() -> None:
    table = sasuke_in_the_office_after(c.Interact(object="scrolls", how="hide"))
    table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[8])
    assert (
        castle(table.state).scrolls.at is ScrollsAt.HIDDEN
        and castle(table.state).scrolls.holder is None
    )


def test_the_scrolls_are_handled_only_in_the_office() -> None:
    table = pair(["sasuke", "sakura"])
    assert "office" in table.refused("sasuke", c.Interact(object="scrolls", how="take"))


def test_the_intruder_reaching_for_the_scrolls_brings_the_scrolls_beat() -> None:
    table = sasuke_in_the_office_after(c.Defend())
    table.do("sasuke", c.Interact(object="scrolls", how="take"))
    assert table.state.beat == 5


def the_north_wing_about_to_fall(sakura_leaves_the_office: bool) -> Table:
    """All three seated; Sakura stays in the office or steps out; the wall is one blow from
    falling and it is the defender's turn, the last of the round."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Skip())
    if sakura_leaves_the_office:
        table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
        table.do("gm", c.Skip(), faces=[1])
        table.do("gm", c.Skip())
        table.do("sakura", c.Move(to="east_hall"))
    else:
        table.do("sakura", c.Defend())
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    assert table.state.turn == "defender_1"
    return table


def test_unguarded_scrolls_are_lost_when_the_north_wing_falls_with_the_office_empty() -> None:
    table = the_north_wing_about_to_fall(sakura_leaves_the_office=True)
    events = table.do("gm", c.Skip(), faces=[3])
    assert castle(table.state).siege.fallen
    assert castle(table.state).scrolls.at is ScrollsAt.LOST
    assert "scrolls_lost" in [e.moment for e in of_kind(events, "narrated")]


def test_the_scrolls_stay_when_the_north_wing_falls_with_sakura_in_the_office() -> None:
    table = the_north_wing_about_to_fall(sakura_leaves_the_office=False)
    table.do("gm", c.Skip(), faces=[3])
    assert castle(table.state).siege.fallen
    assert castle(table.state).scrolls.at is ScrollsAt.DESK


def test_hidden_scrolls_are_not_lost_when_the_north_wing_falls() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Skip())
    table.do("sakura", c.Interact(object="scrolls", how="hide"))
    table.do("gm", c.Skip(), faces=[1])
    table.do("gm", c.Skip())
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip(), faces=[1])
    table.do("gm", c.Skip())
    table.do("sakura", c.Move(to="east_hall"))
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("gm", c.Skip(), faces=[3])
    assert castle(table.state).siege.fallen and castle(table.state).scrolls.at is ScrollsAt.HIDDEN


def test_lost_scrolls_cannot_be_taken() -> None:
    table = the_north_wing_about_to_fall(sakura_leaves_the_office=True)
    table.do("gm", c.Skip(), faces=[3])
    table.do("sasuke", c.Move(to="office"))
    table.do("gm", c.Skip())
    table.do("gm", c.Skip())
    assert "lost" in table.refused("sasuke", c.Interact(object="scrolls", how="take"))

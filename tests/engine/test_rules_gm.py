"""The game master's commands: pause, resume, narrate, skip, undo, set and end."""

from __future__ import annotations

import pytest

from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.state import Status
from tests.engine.table import Table, of_kind


def pair(order: list[str]) -> Table:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(order)
    return table


def sasukes_turn_in_the_office() -> Table:
    table = pair(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip())
    return table


# --- Pause and resume ---------------------------------------------------------------------------


def test_pause_freezes_play_and_resume_unfreezes_it() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.Pause(reason="a phone call"))
    assert table.state.status is Status.PAUSED and table.state.pause_reason == "a phone call"
    assert "paused (a phone call)" in table.refused("sakura", c.Defend())
    table.do("gm", c.Resume())
    assert table.state.status is Status.ACTIVE and table.state.pause_reason is None
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke"


def test_pausing_keeps_the_turn() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.Pause())
    table.do("gm", c.Resume())
    assert table.state.turn == "sakura" and table.state.round == 1


def test_pause_in_the_lobby_or_while_paused_is_refused() -> None:
    table = Table()
    assert "Only a scene in play" in table.refused("gm", c.Pause())
    table.seat("sakura")
    table.begin(["sakura"])
    table.do("gm", c.Pause())
    assert "Only a scene in play" in table.refused("gm", c.Pause())


def test_resume_when_not_paused_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    assert "not paused" in table.refused("gm", c.Resume())


def test_a_pause_reason_over_200_characters_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    assert "200" in table.refused("gm", c.Pause(reason="x" * 201))


def test_a_choice_waits_while_paused() -> None:
    table = sasukes_turn_in_the_office()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("gm", c.Pause())
    assert "paused" in table.refused("sasuke", c.Choose(option="spare"))


# --- Narrate ------------------------------------------------------------------------------------


def test_a_narration_is_posted_as_the_gms() -> None:
    table = pair(["sakura", "sasuke"])
    events = table.do("gm", c.Narrate(text="  Thunder rolls over the keep.  "))
    assert [(e.text, e.by_gm) for e in of_kind(events, "narrated")] == [
        ("Thunder rolls over the keep.", True)
    ]


def test_a_narration_of_1800_characters_is_accepted() -> None:
    table = Table()
    table.do("gm", c.Narrate(text="r" * 1800))


def test_a_narration_over_1800_characters_is_refused() -> None:
    table = Table()
    assert "1800" in table.refused("gm", c.Narrate(text="r" * 1801))


def test_an_empty_narration_is_refused() -> None:
    table = Table()
    assert "empty" in table.refused("gm", c.Narrate(text="   "))


# --- Skip ---------------------------------------------------------------------------------------


def test_skip_passes_the_turn() -> None:
    table = pair(["sakura", "sasuke"])
    events = table.do("gm", c.Skip(reason="away from keyboard"))
    assert [(e.seat, e.reason) for e in of_kind(events, "turn_skipped")] == [
        ("sakura", "away from keyboard")
    ]
    assert table.state.turn == "sasuke"


def test_skip_outside_play_is_refused() -> None:
    table = Table()
    assert "Only a scene in play" in table.refused("gm", c.Skip())
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.Pause())
    assert "resume it first" in table.refused("gm", c.Skip())


# --- Undo ---------------------------------------------------------------------------------------


def test_undo_restores_the_exact_state_before_the_last_turn() -> None:
    table = sasukes_turn_in_the_office()
    before = table.state
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[20, 8, 8, 8, 8, 8, 8])
    assert table.ch("sakura").vitality == 0 and table.state.decisions
    table.do("gm", c.Undo())
    assert table.state == before


def test_undo_names_the_command_it_undid() -> None:
    table = sasukes_turn_in_the_office()
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[2])
    events = table.do("gm", c.Undo())
    assert [e.command for e in of_kind(events, "undone")] == ["jutsu"]


def test_undo_restores_a_round_end_and_the_siege() -> None:
    table = Table(defenders=1)
    table.without_siege_events()
    table.seat("defender_1")
    table.begin(["defender_1"])
    before = table.state
    table.do("defender_1", c.Jutsu(name="earth_wall"), faces=[6])
    assert table.state.round == 2 and castle(table.state).siege.integrity == 6
    table.do("gm", c.Undo())
    assert table.state == before


def test_undo_restores_a_choice() -> None:
    table = sasukes_turn_in_the_office()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    before = table.state
    table.do("sasuke", c.Choose(option="strike"), faces=[15])
    table.do("gm", c.Undo())
    assert table.state == before


def test_undo_twice_goes_back_two_turns() -> None:
    table = pair(["sakura", "sasuke"])
    first = table.state
    table.do("sakura", c.Defend())
    table.do("sasuke", c.Defend())
    table.do("gm", c.Undo())
    table.do("gm", c.Undo())
    assert table.state == first


def test_undo_with_nothing_to_undo_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    assert "nothing to undo" in table.refused("gm", c.Undo())


def test_undo_after_undoing_everything_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Defend())
    table.do("gm", c.Undo())
    assert "nothing to undo" in table.refused("gm", c.Undo())


def test_free_commands_are_not_undone() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Say(text="Who is it?"))
    assert "nothing to undo" in table.refused("gm", c.Undo())


# --- Set ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("character", "field", "value"),
    [
        ("sakura", "vitality", 0),
        ("sakura", "vitality", 30),
        ("sasuke", "chakra", 0),
        ("sasuke", "chakra", 24),
        ("sakura", "resolve", -3),
        ("sasuke", "resolve", 3),
        ("defender_1", "vitality", 18),
        ("Defender 1", "chakra", 10),
    ],
)
def test_set_corrects_a_number_within_its_bounds(character: str, field: str, value: int) -> None:
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.Set(character=character, field=field, value=value))
    key = "defender_1" if character == "Defender 1" else character
    assert getattr(table.ch(key), field) == value


@pytest.mark.parametrize(
    ("character", "field", "value", "bounds"),
    [
        ("sakura", "vitality", -1, "between 0 and 30"),
        ("sakura", "vitality", 31, "between 0 and 30"),
        ("sasuke", "chakra", -1, "between 0 and 24"),
        ("sasuke", "chakra", 25, "between 0 and 24"),
        ("sakura", "resolve", -4, "between -3 and 3"),
        ("sasuke", "resolve", 4, "between -3 and 3"),
        ("defender_1", "vitality", 19, "between 0 and 18"),
        ("north_wing", "integrity", 11, "between 0 and 10"),
        ("north_wing", "integrity", -1, "between 0 and 10"),
    ],
)
def test_set_outside_the_bounds_is_refused(
    character: str, field: str, value: int, bounds: str
) -> None:
    table = pair(["sakura", "sasuke"])
    assert bounds in table.refused("gm", c.Set(character=character, field=field, value=value))


def test_set_integrity_corrects_the_north_wing() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.Set(character="north_wing", field="integrity", value=4))
    assert castle(table.state).siege.integrity == 4


def test_set_resolve_for_a_defender_is_refused() -> None:
    table = pair(["sakura", "sasuke"])
    message = table.refused("gm", c.Set(character="defender_1", field="resolve", value=1))
    assert "no resolve track" in message


def test_set_for_an_unknown_character_is_refused_listing_the_characters() -> None:
    table = pair(["sakura", "sasuke"])
    message = table.refused("gm", c.Set(character="Kakashi", field="vitality", value=1))
    assert "Kakashi" in message and "Sakura" in message and "Sasuke" in message


# --- End ----------------------------------------------------------------------------------------


def test_end_closes_the_session_and_records_the_ending() -> None:
    table = sasukes_turn_in_the_office()
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    ending = table.state.ending
    assert ending is not None
    events = table.do("gm", c.End(reason="the storm passes"))
    (ended,) = of_kind(events, "session_ended")
    assert ended.ending == ending and ended.reason == "the storm passes"
    assert table.state.status is Status.ENDED and table.state.ending == ending


def test_nothing_is_accepted_after_the_end() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("gm", c.End())
    assert "has ended" in table.refused("sakura", c.Say(text="Hello?"))
    assert "has ended" in table.refused("gm", c.Narrate(text="Rain."))


def test_the_gm_may_end_in_the_lobby() -> None:
    table = Table()
    table.do("gm", c.End())
    assert table.state.status is Status.ENDED and table.state.ending is None

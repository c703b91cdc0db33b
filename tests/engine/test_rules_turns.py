"""Turns and rounds: initiative, whose turn, who is skipped, and what a turn command needs."""

from __future__ import annotations

import pytest

from scenes.engine import commands as c
from scenes.engine.state import Condition, Status
from tests.engine.table import Table, of_kind

STRANGER = "defender_3"  # a member with no seat in a one-defender session


def full_table(order: list[str]) -> Table:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(order)
    return table


def test_initiative_puts_the_highest_total_first() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    # Faces in seat order: Sakura 3+5=8, Sasuke 17+4=21, the defender 10+3=13.
    events = table.do("gm", c.Begin(), faces=[3, 17, 10])
    assert table.state.order == ("sasuke", "defender_1", "sakura")
    assert table.state.turn == "sasuke" and table.state.round == 1
    assert table.state.status is Status.ACTIVE and table.state.beat == 1
    assert table.rolls(events) == [
        "Initiative (Sakura): 1d20 (3) + 5 = 8",
        "Initiative (Sasuke): 1d20 (17) + 4 = 21",
        "Initiative (Ren 1): 1d20 (10) + 3 = 13",
    ]


def test_initiative_ties_go_to_the_higher_natural_roll() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    # Sakura 9+5=14 and Sasuke 10+4=14: his natural 10 beats her natural 9.
    table.do("gm", c.Begin(), faces=[9, 10, 1])
    assert table.state.order[:2] == ("sasuke", "sakura")


def test_a_turn_command_out_of_turn_is_refused_naming_whose_turn_it_is() -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    message = table.refused("sakura", c.Defend())
    assert "It is Sasuke's turn, not Sakura's" in message
    assert "/act" in message


def test_turns_follow_the_initiative_order() -> None:
    table = full_table(["defender_1", "sakura", "sasuke"])
    assert table.state.turn == "defender_1"
    table.do("defender_1", c.Defend())
    assert table.state.turn == "sakura"
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke"


def test_unseated_characters_are_skipped() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "defender_1", "sakura"])
    table.do("sasuke", c.Defend())
    assert table.state.turn == "sakura" and table.state.round == 1


def test_a_kicked_characters_turn_is_skipped() -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Kick(member_id=10))
    table.do("sasuke", c.Defend())
    assert table.state.turn == "defender_1"


def test_a_down_character_is_skipped() -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Set(character="defender_1", field="vitality", value=0))
    table.do("sasuke", c.Defend())
    events = table.do("sakura", c.Defend(), faces=[1])
    assert table.state.turn == "sasuke" and table.state.round == 2
    assert "defender_1" not in [e.seat for e in of_kind(events, "turn_started")]


def test_the_round_ends_after_everyone_has_acted() -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Defend())
    table.do("sakura", c.Defend())
    assert table.state.round == 1
    events = table.do("defender_1", c.Defend(), faces=[2])
    assert [e.round for e in of_kind(events, "round_ended")] == [1]
    assert table.state.round == 2 and table.state.turn == "sasuke"
    assert [e.round for e in of_kind(events, "turn_started")] == [2]


def test_one_turn_command_per_turn() -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Defend())
    assert "It is Sakura's turn" in table.refused("sasuke", c.Defend())


def test_a_stunned_character_loses_the_next_turn_only() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    # Ambush: advantage; the natural 20 is a critical, 4d8+3, and he is stunned.
    events = table.do("sakura", c.Jutsu(name="strike", target="sasuke"), faces=[20, 3, 1, 1, 1, 1])
    assert table.ch("sasuke").vitality == 32 - 7
    skipped = of_kind(events, "turn_skipped")
    assert [(e.seat, e.reason) for e in skipped] == [("sasuke", "stunned")]
    assert table.state.turn == "sakura" and table.state.round == 2
    assert not table.ch("sasuke").has(Condition.STUNNED)
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke" and table.state.round == 3


def test_a_turn_command_in_the_lobby_is_refused() -> None:
    table = Table()
    table.seat("sakura")
    assert "not begun" in table.refused("sakura", c.Defend())


def test_a_turn_command_while_paused_is_refused_with_the_reason() -> None:
    table = full_table(["sakura", "sasuke", "defender_1"])
    table.do("gm", c.Pause(reason="dinner break"))
    message = table.refused("sakura", c.Defend())
    assert "paused" in message and "dinner break" in message


def test_a_turn_command_without_a_seat_is_refused() -> None:
    table = full_table(["sakura", "sasuke", "defender_1"])
    assert "hold no seat" in table.refused(STRANGER, c.Defend())


def test_a_turn_command_while_muted_is_refused() -> None:
    table = full_table(["sakura", "sasuke", "defender_1"])
    table.do("gm", c.Mute(member_id=10))
    assert "muted" in table.refused("sakura", c.Defend())


@pytest.mark.parametrize(
    "command",
    [
        c.Act(text="She listens to the rain."),
        c.Say(text="Who goes there?"),
        c.FreeRoll(dice="1d20", reason="nerves"),
    ],
    ids=["act", "say", "roll"],
)
def test_free_commands_work_while_paused(command: c.Command) -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Pause())
    faces = [11] if command.kind == "roll" else []
    events = table.do("sakura", command, faces=faces)
    assert events and table.state.status is Status.PAUSED


@pytest.mark.parametrize(
    "command",
    [
        c.Act(text="She listens to the rain."),
        c.Say(text="Who goes there?"),
    ],
    ids=["act", "say"],
)
def test_free_commands_work_out_of_turn(command: c.Command) -> None:
    table = full_table(["sasuke", "sakura", "defender_1"])
    turn = table.state.turn
    events = table.do("sakura", command)
    assert [e.kind for e in events] == ["posed"] and table.state.turn == turn


GM_ONLY = [
    c.Begin(),
    c.Pause(),
    c.Resume(),
    c.Advance(),
    c.Narrate(text="Thunder."),
    c.Skip(),
    c.Undo(),
    c.Assign(member_id=50, role="sasuke"),
    c.Kick(member_id=11),
    c.Mute(member_id=11),
    c.Unmute(member_id=11),
    c.Set(character="sakura", field="vitality", value=1),
    c.Handover(member_id=10),
    c.End(),
]


@pytest.mark.parametrize("command", GM_ONLY, ids=[command.kind for command in GM_ONLY])
def test_a_player_is_refused_every_gm_command(command: c.Command) -> None:
    table = full_table(["sakura", "sasuke", "defender_1"])
    assert "game master" in table.refused("sakura", command)

"""Free commands: /act and /say (a seat, a length bound), and /roll (sane dice, never a hang)."""

from __future__ import annotations

import random
import time

import pytest

from scenes.engine import commands as c
from scenes.engine.session import Accepted, Refused, play
from tests.engine.table import Table, of_kind

STRANGER = "defender_3"  # a member with no seat in a one-defender session


def in_play() -> Table:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    return table


# --- /act and /say ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [c.Act, c.Say])
def test_act_and_say_are_shown_as_the_character(kind: type[c.Act] | type[c.Say]) -> None:
    table = in_play()
    command = kind(text="  She lifts the candle.  ")
    (posed,) = of_kind(table.do("sakura", command), "posed")
    assert (posed.seat, posed.style, posed.text) == (
        "sakura",
        command.kind,
        "She lifts the candle.",
    )


@pytest.mark.parametrize("kind", [c.Act, c.Say])
def test_act_and_say_need_a_seat(kind: type[c.Act] | type[c.Say]) -> None:
    table = in_play()
    assert "hold no seat" in table.refused(STRANGER, kind(text="Hello."))


@pytest.mark.parametrize("kind", [c.Act, c.Say])
def test_act_and_say_accept_1500_characters(kind: type[c.Act] | type[c.Say]) -> None:
    table = in_play()
    table.do("sakura", kind(text="a" * 1500))


@pytest.mark.parametrize("kind", [c.Act, c.Say])
def test_act_and_say_refuse_more_than_1500_characters(kind: type[c.Act] | type[c.Say]) -> None:
    table = in_play()
    message = table.refused("sakura", kind(text="a" * 1501))
    assert "1501 characters; the limit is 1500" in message


@pytest.mark.parametrize("kind", [c.Act, c.Say])
def test_empty_act_and_say_are_refused(kind: type[c.Act] | type[c.Say]) -> None:
    table = in_play()
    assert "empty" in table.refused("sakura", kind(text="   \n "))


def test_act_works_in_the_lobby() -> None:
    table = Table()
    table.seat("sakura")
    events = table.do("sakura", c.Act(text="She checks the drawer again."))
    assert [e.kind for e in events] == ["posed"]


def test_free_commands_do_not_use_the_turn() -> None:
    table = in_play()
    table.do("sasuke", c.Say(text="Open the door."))
    table.do("sasuke", c.Act(text="He knocks again."))
    table.do("sasuke", c.FreeRoll(dice="1d20"), faces=[4])
    assert table.state.turn == "sasuke" and table.state.round == 1


# --- /roll --------------------------------------------------------------------------------------


def test_roll_shows_every_face_and_the_total() -> None:
    table = in_play()
    events = table.do("sakura", c.FreeRoll(dice="4d6kh3", reason="courage"), faces=[6, 1, 5, 2])
    (rolled,) = of_kind(events, "dice_rolled")
    assert rolled.roll.text == "courage: 4d6kh3 (6, ~~1~~, 5, 2) = 13"
    assert (rolled.seat, rolled.reason) == ("sakura", "courage")


def test_roll_keeps_the_lowest_with_a_bonus() -> None:
    table = in_play()
    events = table.do("sakura", c.FreeRoll(dice="2d20kl1+3"), faces=[17, 4])
    (rolled,) = of_kind(events, "dice_rolled")
    assert rolled.roll.total == 7


def test_roll_needs_no_seat() -> None:
    table = in_play()
    events = table.do(STRANGER, c.FreeRoll(dice="1d20"), faces=[12])
    (rolled,) = of_kind(events, "dice_rolled")
    assert rolled.seat is None and rolled.roll.total == 12


def test_a_roll_reason_is_cut_to_100_characters() -> None:
    table = in_play()
    events = table.do("sakura", c.FreeRoll(dice="1d4", reason="r" * 300), faces=[2])
    (rolled,) = of_kind(events, "dice_rolled")
    assert rolled.reason == "r" * 100


@pytest.mark.parametrize(
    ("notation", "says"),
    [
        ("1000d6", "At most 100 dice"),
        ("101d6", "At most 100 dice"),
        ("60d6+41d6", "At most 100 dice"),
        ("1d100000", "1 to 1000 sides"),
        ("1d0", "1 to 1000 sides"),
        ("1d6+" * 30 + "1", "limited to 100 characters"),
        ("99999999999999999999d6", "At most 100 dice"),
        ("1d1e1", "more than 250 dice"),
        ("1d1rr1", "more than 250 dice"),
        ("banana", "not dice notation"),
        ("", "Give some dice"),
    ],
)
def test_an_absurd_or_unreadable_roll_is_refused_with_a_clear_sentence(
    notation: str, says: str
) -> None:
    table = in_play()
    started = time.perf_counter()
    outcome = play(table.state, table.actor("sakura"), c.FreeRoll(dice=notation), random.Random(3))
    assert time.perf_counter() - started < 1.0
    assert isinstance(outcome, Refused) and says in outcome.message


def test_the_largest_sane_roll_is_rolled_at_once() -> None:
    table = in_play()
    started = time.perf_counter()
    outcome = play(
        table.state, table.actor("sakura"), c.FreeRoll(dice="100d1000"), random.Random(3)
    )
    assert time.perf_counter() - started < 1.0
    assert isinstance(outcome, Accepted)
    (rolled,) = of_kind(outcome.events, "dice_rolled")
    assert 100 <= rolled.roll.total <= 100_000


def test_a_roll_is_refused_while_muted() -> None:
    table = in_play()
    table.do("gm", c.Mute(member_id=10))
    assert "muted" in table.refused("sakura", c.FreeRoll(dice="1d20"))

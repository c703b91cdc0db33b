"""Seats: claiming, one seat per member, names, releasing, and the GM's seat controls."""

from __future__ import annotations

import random

import pytest

from scenes.engine import commands as c
from scenes.engine.session import Accepted, Refused, play
from scenes.engine.state import Status
from tests.engine.table import GM, MEMBERS, Table, of_kind

STRANGER = 99  # a member of the server who holds no seat


def test_a_gm_opens_a_lobby_with_every_seat_free() -> None:
    table = Table(defenders=2)
    assert table.state.status is Status.LOBBY
    assert [seat.key for seat in table.state.seats] == [
        "sakura",
        "sasuke",
        "defender_1",
        "defender_2",
    ]
    assert all(seat.member_id is None for seat in table.state.seats)
    assert table.state.gm_id == GM.member_id


@pytest.mark.parametrize("defenders", [0, 5])
def test_opening_with_defender_seats_outside_one_to_four_is_refused(defenders: int) -> None:
    outcome = play(None, GM, c.Open(scene="castle", seats=defenders), random.Random(1))
    assert isinstance(outcome, Refused)
    assert "1 to 4" in outcome.message


def test_only_a_game_master_can_open_a_session() -> None:
    outcome = play(None, c.Actor(member_id=10), c.Open(scene="castle", seats=1), random.Random(1))
    assert isinstance(outcome, Refused)
    assert "game master" in outcome.message


def test_claiming_a_free_seat_seats_the_member() -> None:
    table = Table()
    table.do("sasuke", c.Claim(role="sasuke"))
    seat = table.state.seat("sasuke")
    assert seat.member_id == MEMBERS["sasuke"]
    assert table.ch("sasuke").name == "Sasuke"


def test_a_member_holds_one_seat_per_session() -> None:
    table = Table()
    table.seat("sakura")
    message = table.refused("sakura", c.Claim(role="sasuke"))
    assert "one seat per player" in message
    assert table.state.seat("sasuke").member_id is None


def test_a_taken_seat_is_refused_naming_its_holder() -> None:
    table = Table()
    table.seat("sakura")
    message = table.refused("sasuke", c.Claim(role="sakura"))
    assert "taken" in message and "player of sakura" in message


def test_an_unknown_role_is_refused_listing_the_roles() -> None:
    table = Table()
    message = table.refused("sakura", c.Claim(role="kakashi"))
    assert "no role" in message and "sakura" in message and "defender" in message


def test_a_defender_names_their_character_when_claiming() -> None:
    table = Table(defenders=2)
    table.do("defender_1", c.Claim(role="defender", name="  Hana   of the  Wall "))
    assert table.ch("defender_1").name == "Hana of the Wall"


def test_defender_seats_fill_in_order_until_none_is_free() -> None:
    table = Table(defenders=2)
    table.do("defender_1", c.Claim(role="defender", name="Ren"))
    table.do("defender_2", c.Claim(role="defender", name="Aki"))
    assert table.state.seat("defender_1").member_id == MEMBERS["defender_1"]
    assert table.state.seat("defender_2").member_id == MEMBERS["defender_2"]
    assert "taken" in table.refused("defender_3", c.Claim(role="defender", name="Mei"))


def test_a_defender_without_a_name_keeps_the_seat_name() -> None:
    table = Table(defenders=1)
    table.do("defender_1", c.Claim(role="defender"))
    assert table.ch("defender_1").name == "Defender 1"


def test_a_defender_name_of_32_characters_is_accepted() -> None:
    table = Table()
    table.do("defender_1", c.Claim(role="defender", name="R" * 32))
    assert table.ch("defender_1").name == "R" * 32


def test_a_defender_name_longer_than_32_characters_is_refused() -> None:
    table = Table()
    message = table.refused("defender_1", c.Claim(role="defender", name="R" * 33))
    assert "32" in message


@pytest.mark.parametrize("mark", ["@", "#", "<", ">", "`", "*", "_", "~", "|"])
def test_a_defender_name_with_mentions_or_markdown_is_refused(mark: str) -> None:
    table = Table()
    message = table.refused("defender_1", c.Claim(role="defender", name=f"Ren{mark}here"))
    assert "cannot hold" in message


def test_only_defenders_name_their_character() -> None:
    table = Table()
    table.do("sakura", c.Claim(role="sakura", name="Not Sakura"))
    assert table.ch("sakura").name == "Sakura"


def test_releasing_frees_the_seat_and_the_character_stays() -> None:
    table = Table()
    table.seat("sakura")
    table.do("sakura", c.Release())
    assert table.state.seat("sakura").member_id is None
    assert table.ch("sakura").place == "office" and table.ch("sakura").vitality == 30
    table.do("sasuke", c.Claim(role="sakura"))
    assert table.state.seat("sakura").member_id == MEMBERS["sasuke"]


def test_releasing_without_a_seat_is_refused() -> None:
    table = Table()
    assert "no seat" in table.refused("sakura", c.Release())


def test_begin_needs_at_least_one_filled_seat() -> None:
    table = Table()
    message = table.refused("gm", c.Begin())
    assert "No seat is filled" in message
    assert table.state.status is Status.LOBBY


def test_begin_twice_is_refused() -> None:
    table = Table()
    table.seat("sakura")
    table.begin(["sakura"])
    assert "already begun" in table.refused("gm", c.Begin())


def test_the_gm_assigns_a_member_to_a_seat() -> None:
    table = Table()
    table.do("gm", c.Assign(member_id=STRANGER, member_name="Aiko", role="sasuke"))
    seat = table.state.seat("sasuke")
    assert seat.member_id == STRANGER and seat.member_name == "Aiko"


def test_the_gm_assigns_a_defender_with_a_name() -> None:
    table = Table()
    table.do("gm", c.Assign(member_id=STRANGER, role="defender", name="Kaito"))
    assert table.ch("defender_1").name == "Kaito"


def test_the_gm_cannot_assign_a_member_a_second_seat() -> None:
    table = Table()
    table.seat("sakura")
    message = table.refused("gm", c.Assign(member_id=MEMBERS["sakura"], role="sasuke"))
    assert "one seat per player" in message


def test_the_gm_cannot_assign_a_taken_seat() -> None:
    table = Table()
    table.seat("sakura")
    assert "taken" in table.refused("gm", c.Assign(member_id=STRANGER, role="sakura"))


def test_a_kicked_member_loses_the_seat_and_the_character_stays_idle() -> None:
    table = Table()
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("gm", c.Kick(member_id=MEMBERS["sakura"], reason="gone to bed"))
    assert table.state.seat("sakura").member_id is None
    assert table.ch("sakura").place == "office" and table.ch("sakura").present
    table.do("sasuke", c.Defend())
    assert table.state.turn == "defender_1"


def test_kicking_the_member_whose_turn_it_is_passes_the_turn() -> None:
    table = Table()
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    events = table.do("gm", c.Kick(member_id=MEMBERS["sasuke"]))
    assert table.state.turn == "sakura"
    assert [e.seat for e in of_kind(events, "turn_started")] == ["sakura"]


def test_kicking_a_member_without_a_seat_is_refused() -> None:
    table = Table()
    assert "no seat" in table.refused("gm", c.Kick(member_id=STRANGER))


def test_a_muted_member_cannot_use_commands_until_unmuted() -> None:
    table = Table()
    table.seat("sakura", "sasuke")
    table.begin(["sakura", "sasuke"])
    table.do("gm", c.Mute(member_id=MEMBERS["sakura"]))
    assert "muted" in table.refused("sakura", c.Defend())
    assert "muted" in table.refused("sakura", c.Say(text="Who is there?"))
    assert "muted" in table.refused("sakura", c.FreeRoll(dice="1d20"))
    assert "muted" in table.refused("sakura", c.Release())
    table.do("gm", c.Unmute(member_id=MEMBERS["sakura"]))
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke"


def test_muting_twice_and_unmuting_the_unmuted_are_refused() -> None:
    table = Table()
    table.do("gm", c.Mute(member_id=STRANGER))
    assert "already muted" in table.refused("gm", c.Mute(member_id=STRANGER))
    table.do("gm", c.Unmute(member_id=STRANGER))
    assert "not muted" in table.refused("gm", c.Unmute(member_id=STRANGER))


def test_the_sessions_gm_cannot_be_muted() -> None:
    table = Table()
    assert "cannot be muted" in table.refused("gm", c.Mute(member_id=GM.member_id))


def test_handover_makes_another_member_the_sessions_gm() -> None:
    table = Table()
    table.do("gm", c.Handover(member_id=STRANGER))
    assert table.state.gm_id == STRANGER


def test_handover_to_a_muted_member_unmutes_them() -> None:
    table = Table()
    table.do("gm", c.Mute(member_id=STRANGER))
    table.do("gm", c.Handover(member_id=STRANGER))
    assert STRANGER not in table.state.muted and table.state.gm_id == STRANGER


def test_handover_to_the_current_gm_is_refused() -> None:
    table = Table()
    assert "already the GM" in table.refused("gm", c.Handover(member_id=GM.member_id))


def test_claiming_after_the_scene_began_puts_the_character_in_the_turns() -> None:
    table = Table()
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("defender_1", c.Claim(role="defender", name="Ren"))
    table.do("sasuke", c.Defend())
    table.do("sakura", c.Defend())
    assert table.state.turn == "defender_1"
    outcome = table.outcome("defender_1", c.Defend(), faces=[1])
    assert isinstance(outcome, Accepted)

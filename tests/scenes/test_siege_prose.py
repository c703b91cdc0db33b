"""Every defender's turn carries prose, like everyone's: the volley at the army (hit or miss),
the earth wall (for the wall, an ally, themself), holding the line (at the wall, elsewhere, on
the rubble), and every turn the scripted defenders take over seeded sessions."""

from __future__ import annotations

import random

import pytest

from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.autoplay import GM, next_move
from scenes.engine.session import Accepted, play
from tests.engine.table import Table, of_kind

# What a round's end, a beat or an event tells: not the prose of the turn itself.
NOT_THE_TURN = {
    "siege_holds",
    "siege_falls",
    "siege_event",
    "siege_choice",
    "soldiers_come",
    "soldiers_advance",
    "soldiers_at_door",
    "soldiers_hit",
    "soldiers_miss",
    "scrolls_lost",
    "stunned",
}


def own_prose(events: list[ev.Event] | tuple[ev.Event, ...]) -> list[str]:
    """The moments told by the turn itself (before the turn passes)."""
    told = []
    for event in events:
        if isinstance(event, ev.RoundEnded | ev.TurnStarted | ev.TurnEnded):
            break
        moment = event.moment if isinstance(event, ev.Narrated) else None
        if moment is not None and moment not in NOT_THE_TURN and not moment.startswith("beat_"):
            told.append(moment)
    return told


def two_defenders() -> Table:
    table = Table(defenders=2)
    table.without_siege_events()
    table.seat("defender_1", "defender_2")
    table.begin(["defender_1", "defender_2"])
    return table


@pytest.mark.parametrize(
    ("command", "faces", "moment"),
    [
        (c.Jutsu(name="kunai_volley", target="army"), [12], "volley_army"),
        (c.Jutsu(name="kunai_volley", target="army"), [2], "volley_army_miss"),
        (c.Jutsu(name="earth_wall"), [], "wall_raised"),
        (c.Jutsu(name="earth_wall", target="defender_2"), [], "wall_for_ally"),
        (c.Jutsu(name="earth_wall", target="defender_1"), [], "wall_for_self"),
        (c.Jutsu(name="hold_the_line"), [], "hold_the_line"),
        (c.Defend(), [], "defend"),
        (c.Move(to="grand_hall"), [], "move"),
    ],
)
def test_each_defender_action_is_told(command: c.Command, faces: list[int], moment: str) -> None:
    table = two_defenders()
    events = table.do("defender_1", command, faces=faces)
    assert own_prose(events) == [moment]
    line = next(e.text for e in of_kind(events, "narrated") if e.moment == moment)
    assert "Ren 1" in line and "{" not in line


def test_holding_the_line_away_from_the_wall_is_told_as_guarding_there() -> None:
    table = two_defenders()
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("defender_2", c.Defend(), faces=[1])
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
    assert own_prose(events) == ["defend"] and not of_kind(events, "siege_relieved")


def test_a_pose_replaces_the_defenders_prose() -> None:
    table = two_defenders()
    command = c.Jutsu(name="kunai_volley", target="army", pose="Ren throws.")
    events = table.do("defender_1", command, faces=[12])
    assert own_prose(events) == [] and of_kind(events, "posed")


def test_every_scripted_defender_turn_over_seeded_sessions_carries_prose() -> None:
    """Techniques, moves and guards by their own lines; answers to siege events by theirs."""
    turns = answers = silent = 0
    for seed in range(30):
        rng = random.Random(seed)
        state = play(None, GM, c.Open(scene="castle", seats=3, seed=seed), rng).state
        claims = [("sakura", None), ("sasuke", None), *[("defender", f"Ren {i}") for i in (1, 2)]]
        for member, (role, name) in enumerate(claims, start=10):
            state = play(state, c.Actor(member_id=member), c.Claim(role=role, name=name), rng).state
        state = play(state, GM, c.Begin(), rng).state
        for _ in range(200):
            if state.ending is not None or (state.turn is None and not state.waiting):
                break
            actor, command = next_move(state, rng)
            outcome = play(state, actor, command, rng)
            if not isinstance(outcome, Accepted):
                outcome = play(state, GM, c.Skip(), rng)
                assert isinstance(outcome, Accepted)
            seat = state.seat_of(actor.member_id)
            if seat is not None and seat.role == "defender" and command.kind in c.TURN_COMMANDS:
                turns += 1
                silent += not own_prose(outcome.events)
            elif seat is not None and seat.role == "defender" and command.kind == "choose":
                answers += 1  # the siege event answered: its choice is told
                narrated = of_kind(list(outcome.events), "narrated")
                silent += not any(e.moment == "siege_choice" for e in narrated)
            state = outcome.state
    assert turns > 100 and answers > 20 and silent == 0

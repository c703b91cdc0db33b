"""The scripted seating the benches use: every size of table seats and begins."""

from __future__ import annotations

import random

import pytest

from scenes.engine import commands as c
from scenes.engine.autoplay import GM, seating
from scenes.engine.session import Accepted, play
from scenes.engine.state import Status


@pytest.mark.parametrize("players", [3, 4, 5, 6])
def test_a_seated_table_of_any_size_begins_with_every_seat_taken(players: int) -> None:
    rng = random.Random(players)
    state = play(None, GM, c.Open(scene="castle", seats=players - 2, seed=players), rng).state
    seats = seating(players, first_member=100, scene="castle")
    for actor, claim in seats:
        outcome = play(state, actor, claim, rng)
        assert isinstance(outcome, Accepted), outcome
        state = outcome.state
    begun = play(state, GM, c.Begin(), rng)
    assert isinstance(begun, Accepted), begun
    assert begun.state.status is Status.ACTIVE
    assert sorted(seat.member_id for seat in begun.state.seats) == list(range(100, 100 + players))
    assert [claim.role for _, claim in seats[:2]] == ["sakura", "sasuke"]

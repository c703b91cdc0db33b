"""What autocomplete offers is what the engine accepts: every suggested target is taken, and
every target the engine takes was suggested (and likewise for places)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.ferry  # noqa: F401 - the second scene is checked too
from scenes.engine import commands as c
from scenes.engine import options
from scenes.engine.autoplay import GM, next_move, seating
from scenes.engine.queries import held
from scenes.engine.registry import find_scene
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState


def _table(scene: str, seed: int, seats: int, steps: int) -> SessionState:
    """A seeded scene, played by scripted players for ``steps`` commands."""
    rng = random.Random(seed)
    opened = play(None, GM, c.Open(scene=scene, seats=seats, seed=seed), rng)
    assert isinstance(opened, Accepted)
    state = opened.state
    for actor, claim in seating(len(state.seats), 10, scene):
        outcome = play(state, actor, claim, rng)
        assert isinstance(outcome, Accepted), outcome
        state = outcome.state
    began = play(state, GM, c.Begin(), rng)
    assert isinstance(began, Accepted)
    state = began.state
    for _ in range(steps):
        if state.turn is None or state.beat >= len(find_scene(scene).data.beats):
            break
        outcome = play(state, *next_move(state, rng), rng)
        if isinstance(outcome, Accepted):
            state = outcome.state
    return state


def _candidates(state: SessionState) -> set[str]:
    """Every target a player could type: each character's key and each special there is."""
    rules = find_scene(state.scene)
    found = {ch.key for ch in state.characters}
    for ch in state.characters:
        for technique in rules.data.techniques_of(ch.role):
            found |= {s.key for s in rules.specials(state, ch, technique)}
    return found | {"door", "army", "north_wing", "nobody"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scene=st.sampled_from(["castle", "ferry"]),
    seed=st.integers(0, 10_000),
    seats=st.integers(1, 4),
    steps=st.integers(0, 40),
)
def test_every_suggested_target_is_accepted_and_every_accepted_target_suggested(
    scene: str, seed: int, seats: int, steps: int
) -> None:
    state = _table(scene, seed, seats, steps)
    if state.turn is None or state.decisions:
        return
    key = state.turn
    seat = state.seat(key)
    actor = c.Actor(member_id=seat.member_id or 0)
    me = state.character(key)
    for technique in find_scene(scene).data.techniques_of(me.role):
        if technique.cost > me.chakra or (technique.seals and held(me)):
            continue
        suggested = {value for _, value in options.targets(state, key, technique.key)}
        for target in _candidates(state):
            command = c.Jutsu(name=technique.key, target=target)
            taken = isinstance(play(state, actor, command, random.Random(seed)), Accepted)
            assert taken == (target in suggested), (technique.key, target, suggested)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), steps=st.integers(0, 40))
def test_every_suggested_place_is_a_move_the_engine_takes(seed: int, steps: int) -> None:
    state = _table("castle", seed, 2, steps)
    if state.turn is None or state.decisions:
        return
    key = state.turn
    actor = c.Actor(member_id=state.seat(key).member_id or 0)
    suggested = {value for _, value in options.places(state, key)}
    for place in find_scene("castle").data.places:
        taken = isinstance(play(state, actor, c.Move(to=place.key), random.Random(1)), Accepted)
        assert taken == (place.key in suggested), (place.key, suggested)

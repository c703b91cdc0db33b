"""The same seed and commands give the same events, byte for byte; state survives JSON."""

from __future__ import annotations

import random

from scenes.engine import commands as c
from scenes.engine.autoplay import GM, next_move
from scenes.engine.events import dump_events, load_events
from scenes.engine.evolve import replay
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState


def _whole_scene(seed: int) -> tuple[list, SessionState]:
    rng = random.Random(seed)
    outcome = play(None, GM, c.Open(scene="castle", seats=2, seed=seed), rng)
    events, state = list(outcome.events), outcome.state
    claims = [("sakura", None), ("sasuke", None), ("defender", "Ren"), ("defender", "Aoi")]
    script: list[tuple[c.Actor, c.Command]] = [
        (c.Actor(member_id=10 + n, name=role), c.Claim(role=role, name=name))
        for n, (role, name) in enumerate(claims)
    ]
    script.append((GM, c.Begin()))
    for actor, command in script:
        outcome = play(state, actor, command, rng)
        events += outcome.events
        state = outcome.state
    while state.ending is None and state.round < 40:
        actor, command = next_move(state, rng)
        outcome = play(state, actor, command, rng)
        if isinstance(outcome, Accepted):
            events += outcome.events
            state = outcome.state
        else:
            outcome = play(state, GM, c.Skip(), rng)
            events += outcome.events
            state = outcome.state
    return events, state


def test_the_same_seed_and_commands_give_the_same_events_byte_for_byte() -> None:
    first, _ = _whole_scene(2024)
    second, _ = _whole_scene(2024)
    assert dump_events(tuple(first)) == dump_events(tuple(second))
    assert len(first) > 50


def test_another_seed_gives_another_story() -> None:
    assert dump_events(tuple(_whole_scene(1)[0])) != dump_events(tuple(_whole_scene(2)[0]))


def test_state_and_events_survive_json_without_loss() -> None:
    events, state = _whole_scene(77)
    assert SessionState.model_validate_json(state.model_dump_json()) == state
    assert load_events(dump_events(tuple(events))) == tuple(events)


def test_applying_the_log_in_order_rebuilds_the_state() -> None:
    events, state = _whole_scene(5)
    assert replay(events) == state
    assert state.ending is not None

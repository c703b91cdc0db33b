"""A castle session stored before the scene engine (tests/fixtures: its snapshot and its log,
written by the last release before it) is read into today's shape and plays on."""

from __future__ import annotations

import json
import random
from pathlib import Path

from scenes.castle.world import CastleWorld, Door, castle
from scenes.engine import commands as c
from scenes.engine.autoplay import next_move
from scenes.engine.events import dump_events, load_events
from scenes.engine.evolve import replay
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState

STORED = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "castle_before_the_scene_engine.json").read_text()
)


def stored_state() -> SessionState:
    return SessionState.model_validate_json(json.dumps(STORED["state"]))


def stored_log() -> list[tuple]:
    return [load_events(json.dumps(entry)) for entry in STORED["log"]]


def test_an_old_snapshot_is_read_with_its_door_scrolls_siege_and_marks() -> None:
    state = stored_state()
    old = STORED["state"]
    world = castle(state)
    assert isinstance(state.world, CastleWorld)
    assert world.door is Door(old["door"]) and world.met == old["met"]
    assert world.scrolls.guard == old["scrolls"]["guard"] == "sakura"
    assert world.siege.integrity == old["siege"]["integrity"]
    assert state.character("sasuke").marked("sharingan")
    assert SessionState.model_validate_json(state.model_dump_json()) == state


def test_an_old_log_is_read_and_replays_to_the_old_snapshot() -> None:
    log = stored_log()
    events = [event for entry in log for event in entry]
    kinds = {event.kind for event in events}
    assert {"marked", "siege_pressed", "first_sight", "door_changed"} <= kinds
    assert "ambush_set" not in kinds
    assert replay(events) == stored_state()
    rolled = [event.roll for event in events if event.kind == "rolled"]
    assert all(roll.purpose for roll in rolled)  # every roll knows what it was for again
    assert load_events(dump_events(tuple(events))) == tuple(events)


def test_an_old_session_plays_on() -> None:
    state = stored_state()
    rng = random.Random(4)
    played = 0
    for _ in range(30):
        if state.beat >= 6:
            break
        outcome = play(state, *next_move(state, rng), rng)
        if isinstance(outcome, Accepted):
            state, played = outcome.state, played + 1
    assert played >= 10
    undone = play(state, c.Actor(member_id=1, gm=True), c.Undo(), rng)
    assert isinstance(undone, Accepted)

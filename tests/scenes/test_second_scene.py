"""A second scene, the ferry of ``tests/ferry``: played to each of its endings through the same
``play()`` the castle uses, with nothing in the core or the cogs made for it."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

import tests.ferry  # noqa: F401 - registers the ferry
from db.models import LogEntry
from scenes.engine import commands as c
from scenes.engine.autoplay import GM, next_move
from scenes.engine.events import Event, dump_events, load_events
from scenes.engine.evolve import replay
from scenes.engine.recap import course, recap_pages
from scenes.engine.registry import scene_keys
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState, Status
from scenes.engine.transcript import transcript
from tests.ferry.rules import FerryWorld

FERRYMAN = c.Actor(member_id=21, name="Ferry player")
STRANGER = c.Actor(member_id=22, name="Stranger player")


class Crossing:
    """A ferry session with every command logged as the store logs it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.state: SessionState | None = None
        self.events: list[Event] = []
        self.log: list[LogEntry] = []
        self.do(GM, c.Open(scene="ferry", seed=seed))
        self.do(FERRYMAN, c.Claim(role="ferryman"))
        self.do(STRANGER, c.Claim(role="stranger"))
        self.do(GM, c.Begin())

    def do(self, actor: c.Actor, command: c.Command) -> SessionState:
        outcome = play(self.state, actor, command, self.rng)
        assert isinstance(outcome, Accepted), outcome
        self.state = outcome.state
        self.events.extend(outcome.events)
        self.log.append(
            LogEntry(
                session_id=1,
                version=len(self.log),
                actor_id=actor.member_id,
                command=command,
                events=outcome.events,
                at=datetime(2026, 1, 1, 20, len(self.log) // 60, len(self.log) % 60, tzinfo=UTC),
            )
        )
        return self.state

    def until_the_passage(self) -> SessionState:
        """Scripted players fight until one falls and the other must decide the passage."""
        for _ in range(200):
            assert self.state is not None
            if self.state.decisions:
                return self.state
            self.do(*next_move(self.state, self.rng))
        raise AssertionError("nobody fell in 200 commands")


def test_the_ferry_is_registered_beside_the_castle() -> None:
    assert {"castle", "ferry"} <= set(scene_keys())


@pytest.mark.parametrize(
    ("option", "ending"), [("ferry", "safe_crossing"), ("leave", "left_on_the_shore")]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ferry_plays_to_each_of_its_endings(seed: int, option: str, ending: str) -> None:
    table = Crossing(seed)
    state = table.until_the_passage()
    assert state.decisions and state.decisions[0].kind == "passage"
    decider = FERRYMAN if state.decisions[0].decider == "ferryman" else STRANGER
    state = table.do(decider, c.Choose(option=option))
    assert isinstance(state.world, FerryWorld) and state.world.passage == option
    assert state.beat == 3 and state.ending is not None and state.ending.key == ending
    closed = table.do(GM, c.End(reason="the river froze"))
    assert closed.status is Status.ENDED and closed.ending == state.ending


def test_a_ferry_session_replays_round_trips_and_recaps() -> None:
    table = Crossing(5)
    table.until_the_passage()
    assert table.state is not None and table.state.decisions
    table.do(GM, c.Skip())  # the GM settles the passage with the scene's own fallback
    state = table.do(GM, c.End())
    assert state.ending is not None and state.ending.key == "safe_crossing"
    assert load_events(dump_events(tuple(table.events))) == tuple(table.events)
    assert replay(table.events) == state
    assert SessionState.model_validate_json(state.model_dump_json()) == state
    pages = recap_pages(state, table.log, final=True)
    assert pages[0].title == "The Last Ferry — the recap"
    assert "blows were struck" in pages[0].paragraphs[0]
    assert pages[1].title == "Ending: A Safe Crossing"
    assert "passage **ferry**" in pages[1].paragraphs[0]
    plotted = course(state, table.log)
    assert plotted is not None and plotted.gauges == ()
    assert {t.key for t in plotted.tracks} == {"ferryman", "stranger"}
    assert "# The Last Ferry — transcript" in transcript(state, table.log)

"""Real castle commands for the db tests: the GM, three players, whose turn it is, a long script."""

from __future__ import annotations

import random

from db.models import seat_records
from db.sessions import Ran, SessionService
from db.store import Store
from scenes.engine import commands as c
from scenes.engine.evolve import replay
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState, Status

GM = c.Actor(member_id=1, name="GM", gm=True)
AIKO = c.Actor(member_id=2, name="Aiko")
BOTAN = c.Actor(member_id=3, name="Botan")
CHIYO = c.Actor(member_id=4, name="Chiyo")
PLAYERS = {actor.member_id: actor for actor in (AIKO, BOTAN, CHIYO)}
CLAIMS: tuple[tuple[c.Actor, c.Command], ...] = (
    (AIKO, c.Claim(role="sakura")),
    (BOTAN, c.Claim(role="sasuke")),
    (CHIYO, c.Claim(role="defender", name="Ren")),
)
OPEN = c.Open(scene="castle", seats=2, seed=7)
GUILD = 100
CHANNEL = 200


def opened(command: c.Open = OPEN) -> Accepted:
    outcome = play(None, GM, command, random.Random(0))
    assert isinstance(outcome, Accepted)
    return outcome


def actor_of(member_id: int | None) -> c.Actor:
    return PLAYERS.get(member_id or 0, GM)


def turn_command(state: SessionState) -> tuple[c.Actor, c.Command]:
    """What moves the scene on: the turn holder defends, or the GM skips an empty seat's turn."""
    if state.decisions:
        decider = state.seat(state.decisions[0].decider).member_id
        if decider is not None:
            return actor_of(decider), c.Choose(option=state.decisions[0].options[0])
        return GM, c.Skip()
    holder = state.seat(state.turn).member_id if state.turn else None
    if holder is None:
        return GM, c.Skip()
    return actor_of(holder), c.Defend()


def scripted(state: SessionState, step: int) -> tuple[c.Actor, c.Command]:
    """Step ``step`` of a long game: poses, rolls, turns, and now and then a GM undo."""
    match step % 6:
        case 0:
            return AIKO, c.Say(text=f"Line {step}: the rain will not stop.")
        case 1:
            return CHIYO, c.FreeRoll(dice="2d6+1", reason=f"roll {step}")
        case 2 if state.undo and step % 12 == 2:
            return GM, c.Undo()
        case 3:
            return BOTAN, c.Act(text=f"Pose {step}: lightning lights the hall.")
        case _:
            return turn_command(state)


async def seated(service: SessionService, channel_id: int = CHANNEL, seed: int = 7) -> Ran:
    """Bring the channel's session to play: open it, seat whoever is missing, and begin."""
    ran = await service.open_session(
        GUILD, channel_id, GM, c.Open(scene="castle", seats=2, seed=seed)
    )
    stored = await service.current(channel_id)
    assert stored is not None, ran.outcome
    for actor, claim in CLAIMS:
        if stored.state.seat_of(actor.member_id) is None:
            ran = await service.run(channel_id, actor, claim)
            assert ran.accepted, ran.outcome
    if stored.state.status is Status.LOBBY:
        ran = await service.run(channel_id, GM, c.Begin())
        assert ran.accepted, ran.outcome
    return ran


async def play_steps(service: SessionService, channel_id: int, steps: range) -> list[Ran]:
    """Play ``scripted`` steps one after another, each on the state the last one left."""
    played = []
    for step in steps:
        current = await service.current(channel_id)
        assert current is not None
        actor, command = scripted(current.state, step)
        played.append(await service.run(channel_id, actor, command))
    return played


async def assert_consistent(store: Store, session_id: int) -> SessionState:
    """The log runs 1..version without a gap; its replay is the snapshot; the seats match."""
    stored = await store.load(session_id)
    assert stored is not None
    log = await store.log(session_id)
    assert [entry.version for entry in log] == list(range(1, stored.version + 1))
    assert replay(event for entry in log for event in entry.events) == stored.state
    assert await store.seats(session_id) == sorted(seat_records(stored.state))
    return stored.state

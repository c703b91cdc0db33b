"""Concurrency: many commands at one instant, many sessions at once, many hands on one seat."""

from __future__ import annotations

import asyncio
import random

from backends import Backend
from castle_play import (
    AIKO,
    BOTAN,
    CHANNEL,
    CHIYO,
    GM,
    GUILD,
    assert_consistent,
    opened,
    play_steps,
    seated,
)

from db.errors import VersionConflict
from db.sessions import SessionService
from db.store import Store
from scenes.engine import commands as c
from scenes.engine.session import Accepted, play


def burst(size: int) -> list[tuple[c.Actor, c.Command]]:
    """Poses, rolls and turn commands from every player, as if all clicked at once."""
    players = (AIKO, BOTAN, CHIYO)
    commands: list[tuple[c.Actor, c.Command]] = []
    for number in range(size):
        player = players[number % 3]
        match number % 4:
            case 0:
                commands.append((player, c.Say(text=f"Line {number}")))
            case 1:
                commands.append((player, c.FreeRoll(dice="1d20", reason=f"roll {number}")))
            case _:
                commands.append((player, c.Defend()))
    return commands


async def test_fifty_commands_at_one_instant_are_each_logged_once(
    service: SessionService, durable_store: Store
) -> None:
    begun = await seated(service)
    session_id = begun.session_id
    assert session_id is not None
    commands = burst(50)
    results = await asyncio.gather(
        *(service.run(CHANNEL, actor, command) for actor, command in commands)
    )
    accepted = [
        (ran, command) for ran, (_, command) in zip(results, commands, strict=True) if ran.accepted
    ]
    assert len(accepted) >= 25  # every pose and roll, and each turn's defend
    log = {entry.version: entry for entry in await durable_store.log(session_id)}
    versions = sorted(ran.version for ran, _ in accepted)
    assert versions == list(range(begun.version + 1, begun.version + 1 + len(accepted)))
    for ran, command in accepted:
        assert log[ran.version].command == command
        assert isinstance(ran.outcome, Accepted) and log[ran.version].events == ran.outcome.events
    assert max(log) == versions[-1]
    await assert_consistent(durable_store, session_id)


async def test_many_sessions_play_at_once(service: SessionService, durable_store: Store) -> None:
    channels = range(1, 11)
    begun = await asyncio.gather(*(seated(service, channel, seed=channel) for channel in channels))
    await asyncio.gather(*(play_steps(service, channel, range(20)) for channel in channels))
    for ran in begun:
        await assert_consistent(durable_store, ran.session_id)  # type: ignore[arg-type]


async def test_of_many_claiming_one_seat_at_once_exactly_one_wins(
    service: SessionService, durable_store: Store
) -> None:
    opened_ = await service.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
    claimants = [c.Actor(member_id=1000 + n, name=f"fan {n}") for n in range(20)]
    results = await asyncio.gather(
        *(service.run(CHANNEL, actor, c.Claim(role="sakura")) for actor in claimants)
    )
    winners = [actor for actor, ran in zip(claimants, results, strict=True) if ran.accepted]
    assert len(winners) == 1
    seats = {seat.seat_key: seat for seat in await durable_store.seats(opened_.session_id)}  # type: ignore[arg-type]
    assert seats["sakura"].member_id == winners[0].member_id
    await assert_consistent(durable_store, opened_.session_id)  # type: ignore[arg-type]


async def test_two_connections_racing_at_one_version_commit_once(backend: Backend) -> None:
    """The database itself, not the in-process lock, turns the second write away."""
    first, second = await backend.open(), await backend.open()
    try:
        stored = await first.create(
            GUILD,
            CHANNEL,
            GM,
            c.Open(scene="castle", seats=2),
            opened(c.Open(scene="castle", seats=2)),
        )
        for round_ in range(10):
            stored = await first.load(stored.id)  # type: ignore[assignment]
            assert stored is not None
            narrate = c.Narrate(text=f"Thunder, round {round_}.")
            outcome = play(stored.state, GM, narrate, random.Random(round_))
            assert isinstance(outcome, Accepted)
            results = await asyncio.gather(
                first.commit(stored.id, stored.version, GM, narrate, outcome),
                second.commit(stored.id, stored.version, GM, narrate, outcome),
                return_exceptions=True,
            )
            assert sorted(type(result).__name__ for result in results) == [
                "VersionConflict",
                "int",
            ]
            assert stored.version + 1 in results
        await assert_consistent(first, stored.id)
    finally:
        await first.close()
        await second.close()


async def test_two_bots_on_one_file_seat_exactly_one_claimant(backend: Backend) -> None:
    first, second = await backend.open(), await backend.open()
    try:
        one, two = SessionService(first), SessionService(second)
        opened_ = await one.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
        await two.restore()
        claimants = [c.Actor(member_id=2000 + n, name=f"fan {n}") for n in range(10)]
        results = await asyncio.gather(
            *(
                (one if n % 2 else two).run(CHANNEL, actor, c.Claim(role="sasuke"))
                for n, actor in enumerate(claimants)
            )
        )
        assert sum(ran.accepted for ran in results) == 1
        await assert_consistent(first, opened_.session_id)  # type: ignore[arg-type]
    finally:
        await first.close()
        await second.close()


async def test_the_seat_holder_is_refused_at_the_database_without_the_engine(
    backend: Backend,
) -> None:
    """Even a caller that skips the re-decide cannot seat two members: the version key refuses."""
    first, second = await backend.open(), await backend.open()
    try:
        stored = await first.create(
            GUILD,
            CHANNEL,
            GM,
            c.Open(scene="castle", seats=2),
            opened(c.Open(scene="castle", seats=2)),
        )
        outcomes = [
            (actor, play(stored.state, actor, c.Claim(role="sakura"), random.Random(0)))
            for actor in (AIKO, BOTAN)
        ]
        results = await asyncio.gather(
            *(
                store.commit(stored.id, 1, actor, c.Claim(role="sakura"), outcome)  # type: ignore[arg-type]
                for store, (actor, outcome) in zip((first, second), outcomes, strict=True)
            ),
            return_exceptions=True,
        )
        assert sum(isinstance(result, VersionConflict) for result in results) == 1
        (seat,) = [seat for seat in await second.seats(stored.id) if seat.seat_key == "sakura"]
        assert seat.member_id in (AIKO.member_id, BOTAN.member_id)
    finally:
        await first.close()
        await second.close()

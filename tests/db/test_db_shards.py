"""Shards: a process restores, caches and times out only its own shards' servers' sessions, and
a session another process wrote meanwhile is reloaded by the version check, never overwritten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backends import Backend
from castle_play import AIKO, BOTAN, CHIYO, GM, assert_consistent, seated

from db.models import ServerSettings
from db.sessions import SessionService
from db.shards import Shards, shard_of
from scenes.engine import commands as c

# Two servers on shard 0 of 2 and one on shard 1 (Discord: (guild_id >> 22) % shard_count).
HOME = 100
HOME_TOO = (2 << 22) + 5
AWAY = (1 << 22) + 7
FIRST_OF_TWO = Shards(2, (0,))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_guild_belongs_to_the_shard_discord_sends_its_events_on() -> None:
    assert [shard_of(guild, 2) for guild in (HOME, HOME_TOO, AWAY)] == [0, 0, 1]
    assert shard_of(81384788765712384, 4) == (81384788765712384 >> 22) % 4
    assert FIRST_OF_TWO.owns(HOME) and not FIRST_OF_TWO.owns(AWAY)


async def table_in(service: SessionService, guild: int, channel: int) -> int:
    ran = await service.open_session(
        guild, channel, GM, c.Open(scene="castle", seats=2, seed=channel)
    )
    for actor, claim in (
        (AIKO, c.Claim(role="sakura")),
        (BOTAN, c.Claim(role="sasuke")),
        (CHIYO, c.Claim(role="defender", name="Ren")),
    ):
        await service.run(channel, actor, claim)
    await service.run(channel, GM, c.Begin())
    assert ran.session_id is not None
    return ran.session_id


async def test_a_sharded_process_restores_caches_and_times_out_only_its_own_servers(
    backend: Backend,
) -> None:
    clock = Clock()
    store = await backend.open()
    try:
        everyone = SessionService(store, clock=clock)
        for guild in (HOME, HOME_TOO, AWAY):
            await everyone.configure(ServerSettings(guild_id=guild, turn_timeout_minutes=5))
        home = await table_in(everyone, HOME, 1)
        home_too = await table_in(everyone, HOME_TOO, 2)
        away = await table_in(everyone, AWAY, 3)

        mine = SessionService(store, clock=clock, shards=FIRST_OF_TWO)
        restored = await mine.restore()
        assert sorted(stored.id for stored in restored) == [home, home_too]
        clock.now += timedelta(minutes=6)
        assert sorted(record.id for record in mine.due()) == [home, home_too]
        assert sorted(record.id for record in everyone.due()) == [home, home_too, away]

        # asked about the other shard's session (it never is, on the wire), it reads, never keeps
        assert (await mine.get(away)) is not None and (await mine.current(3)) is not None
        assert sorted(stored.id for stored in mine.open_sessions) == [home, home_too]
    finally:
        await store.close()


async def test_a_session_written_meanwhile_by_another_process_is_reloaded_not_overwritten(
    backend: Backend,
) -> None:
    """Two processes misconfigured onto one shard (or a reshard): each caches the session."""
    one_store, two_store = await backend.open(), await backend.open()
    try:
        one = SessionService(one_store, shards=FIRST_OF_TWO)
        two = SessionService(two_store, shards=FIRST_OF_TWO)
        begun = await seated(one, 1)
        session_id = begun.session_id
        assert session_id is not None
        (cached,) = await two.restore()
        assert cached.version == begun.version

        lines = [f"Line {n}: the other process speaks." for n in range(3)]
        for line in lines:
            assert (await one.run(1, AIKO, c.Say(text=line))).accepted
        late = await two.run(1, BOTAN, c.Say(text="Spoken on a stale cache."))

        assert late.accepted and late.version == begun.version + 4
        log = await two_store.log(session_id)
        said = [entry.command.text for entry in log if isinstance(entry.command, c.Say)]
        assert said == [*lines, "Spoken on a stale cache."]
        state = await assert_consistent(two_store, session_id)
        assert state == (await two.current(1)).state  # type: ignore[union-attr]
    finally:
        await one_store.close()
        await two_store.close()

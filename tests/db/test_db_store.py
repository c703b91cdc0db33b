"""The Store contract, for SqliteStore and MemoryStore alike: sessions, commits, log, seats."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import Backend
from castle_play import AIKO, BOTAN, CHANNEL, GM, GUILD, OPEN, assert_consistent, opened

from db.errors import ChannelBusy, SeatConflict, SessionNotFound, VersionConflict
from db.models import ServerSettings, StoredSession
from db.store import SqliteStore, Store
from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.session import Accepted, play
from scenes.engine.state import Status

T0 = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)


def decided(stored: StoredSession, actor: c.Actor, command: c.Command) -> Accepted:
    outcome = play(stored.state, actor, command, random.Random(stored.version))
    assert isinstance(outcome, Accepted), outcome
    return outcome


async def create(store: Store, channel_id: int = CHANNEL, guild_id: int = GUILD) -> StoredSession:
    return await store.create(guild_id, channel_id, GM, OPEN, opened(), at=T0)


async def apply(store: Store, stored: StoredSession, actor: c.Actor, command: c.Command) -> int:
    outcome = decided(stored, actor, command)
    return await store.commit(stored.id, stored.version, actor, command, outcome, at=T0)


async def test_a_created_session_is_at_version_1_in_its_channel(store: Store) -> None:
    stored = await create(store)
    assert stored.version == 1
    assert stored.record.status is Status.LOBBY
    assert stored.record.created_at == T0
    assert stored.state == opened().state
    assert await store.load(stored.id) == stored
    assert await store.load_by_channel(CHANNEL) == stored
    assert await store.load_by_channel(CHANNEL + 1) is None


async def test_a_commit_stores_the_state_and_the_log_entry(store: Store) -> None:
    stored = await create(store)
    outcome = decided(stored, AIKO, c.Claim(role="sakura"))
    assert await store.commit(stored.id, 1, AIKO, c.Claim(role="sakura"), outcome) == 2
    loaded = await store.load(stored.id)
    assert loaded is not None
    assert (loaded.version, loaded.state) == (2, outcome.state)
    entry = (await store.log(stored.id))[-1]
    assert (entry.version, entry.actor_id, entry.command) == (
        2,
        AIKO.member_id,
        c.Claim(role="sakura"),
    )
    assert entry.events == outcome.events
    await assert_consistent(store, stored.id)


async def test_a_second_commit_at_the_same_version_is_a_version_conflict(store: Store) -> None:
    stored = await create(store)
    first = decided(stored, AIKO, c.Claim(role="sakura"))
    second = decided(stored, BOTAN, c.Claim(role="sakura"))
    await store.commit(stored.id, 1, AIKO, c.Claim(role="sakura"), first)
    with pytest.raises(VersionConflict):
        await store.commit(stored.id, 1, BOTAN, c.Claim(role="sakura"), second)
    loaded = await store.load(stored.id)
    assert loaded is not None and loaded.state == first.state
    assert len(await store.log(stored.id)) == 2


async def test_a_commit_to_an_unknown_session_is_refused(store: Store) -> None:
    stored = await create(store)
    outcome = decided(stored, AIKO, c.Claim(role="sakura"))
    with pytest.raises(SessionNotFound):
        await store.commit(stored.id + 99, 1, AIKO, c.Claim(role="sakura"), outcome)


async def test_a_channel_holds_one_open_session_and_a_new_one_after_it_ends(store: Store) -> None:
    first = await create(store)
    with pytest.raises(ChannelBusy):
        await create(store)
    await apply(store, first, GM, c.End(reason="done"))
    second = await create(store)
    assert second.id != first.id
    assert await store.load_by_channel(CHANNEL) == second


async def test_the_log_keeps_every_roll_in_order(store: Store) -> None:
    stored = await create(store)
    await apply(store, stored, AIKO, c.FreeRoll(dice="3d6", reason="omens"))
    log = await store.log(stored.id)
    assert [entry.kind for entry in log] == ["open", "roll"]
    (rolled,) = log[1].events
    assert isinstance(rolled, ev.DiceRolled)
    assert rolled.roll.notation.startswith("3d6") and rolled.reason == "omens"
    assert [entry.version for entry in await store.log(stored.id, after=1)] == [2]


async def test_sessions_are_listed_newest_first_open_and_ended(store: Store) -> None:
    first = await create(store, channel_id=1)
    await apply(store, first, GM, c.End())
    second = await create(store, channel_id=2)
    await create(store, channel_id=3, guild_id=GUILD + 1)
    listed = await store.sessions(GUILD)
    assert [(record.id, record.status) for record in listed] == [
        (second.id, Status.LOBBY),
        (first.id, Status.ENDED),
    ]
    assert listed[1].ended_at == T0


async def test_open_sessions_leave_ended_ones_out(store: Store) -> None:
    ended = await create(store, channel_id=1)
    await apply(store, ended, GM, c.End())
    kept = await create(store, channel_id=2)
    assert [stored.id for stored in await store.open_sessions()] == [kept.id]
    assert (await store.load(ended.id)).record.status is Status.ENDED  # type: ignore[union-attr]


async def test_the_seats_follow_claims_mutes_and_releases(store: Store) -> None:
    stored = await create(store)
    for actor, command in (
        (AIKO, c.Claim(role="sakura")),
        (BOTAN, c.Claim(role="defender", name="Ren")),
        (GM, c.Mute(member_id=AIKO.member_id)),
        (BOTAN, c.Release()),
    ):
        await apply(store, stored, actor, command)
        stored = await store.load(stored.id)  # type: ignore[assignment]
        assert stored is not None
        await assert_consistent(store, stored.id)
    seats = {seat.seat_key: seat for seat in await store.seats(stored.id)}
    assert (seats["sakura"].member_id, seats["sakura"].muted) == (AIKO.member_id, True)
    assert seats["defender_1"].member_id is None
    assert seats["defender_1"].character == "Ren"


async def test_a_state_seating_one_member_twice_is_refused(store: Store) -> None:
    stored = await create(store)
    state = stored.state
    twice = tuple(seat.model_copy(update={"member_id": AIKO.member_id}) for seat in state.seats)
    forged = Accepted(events=(), state=state.model_copy(update={"seats": twice}))
    with pytest.raises(SeatConflict):
        await store.commit(stored.id, 1, AIKO, c.Claim(role="sakura"), forged)
    assert len(await store.log(stored.id)) == 1


async def test_the_turn_and_its_deadline_are_kept_with_the_session(store: Store) -> None:
    stored = await create(store)
    await apply(store, stored, AIKO, c.Claim(role="sakura"))
    stored = await store.load(stored.id)  # type: ignore[assignment]
    assert stored is not None
    outcome = decided(stored, GM, c.Begin())
    deadline = T0 + timedelta(minutes=5)
    await store.commit(stored.id, 2, GM, c.Begin(), outcome, at=T0, turn_deadline=deadline)
    record = (await store.load(stored.id)).record  # type: ignore[union-attr]
    assert (record.turn, record.turn_deadline) == (outcome.state.turn, deadline)
    assert record.status is Status.ACTIVE


async def test_settings_have_defaults_and_are_saved_per_server(store: Store) -> None:
    assert await store.settings(GUILD) == ServerSettings(guild_id=GUILD)
    mine = ServerSettings(guild_id=GUILD, recap_channel_id=5, gm_role_id=6, turn_timeout_minutes=10)
    await store.save_settings(mine)
    await store.save_settings(mine.model_copy(update={"turn_timeout_minutes": 0}))
    assert await store.settings(GUILD) == mine.model_copy(update={"turn_timeout_minutes": 0})
    assert await store.settings(GUILD + 1) == ServerSettings(guild_id=GUILD + 1)


async def test_opening_creates_the_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "castle.sqlite3"
    store = await SqliteStore.open(path)
    try:
        assert path.is_file()
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()


async def test_a_reopened_database_keeps_everything(backend: Backend) -> None:
    store = await backend.open()
    stored = await create(store)
    await apply(store, stored, AIKO, c.Claim(role="sakura"))
    await store.save_settings(ServerSettings(guild_id=GUILD, turn_timeout_minutes=3))
    await store.close()
    store = await backend.open()
    try:
        state = await assert_consistent(store, stored.id)
        assert state.seat("sakura").member_id == AIKO.member_id
        assert (await store.settings(GUILD)).turn_timeout_minutes == 3
    finally:
        await store.close()

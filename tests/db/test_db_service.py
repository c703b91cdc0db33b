"""SessionService: load, decide, commit, cache; undo in the log; turn deadlines; restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import Backend
from castle_play import (
    AIKO,
    BOTAN,
    CHANNEL,
    CHIYO,
    GM,
    GUILD,
    assert_consistent,
    play_steps,
    seated,
    turn_command,
)

from db.memory import MemoryStore
from db.models import ServerSettings
from db.sessions import TIMEOUT_REASON, KeptLogs, SessionService
from db.store import SqliteStore, Store
from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.session import Accepted, Refused
from scenes.engine.state import Status


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


async def test_a_command_where_no_session_is_open_gets_the_engines_refusal(
    service: SessionService,
) -> None:
    ran = await service.run(CHANNEL, AIKO, c.Say(text="Hello?"))
    assert isinstance(ran.outcome, Refused) and "/gm open" in ran.outcome.message
    assert ran.session is None


async def test_a_second_open_in_the_channel_is_refused(service: SessionService) -> None:
    first = await service.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
    second = await service.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
    assert first.accepted and isinstance(second.outcome, Refused)
    assert second.session_id == first.session_id
    assert len(await service.sessions(GUILD)) == 1


async def test_every_accepted_command_is_in_the_log_and_the_snapshot_is_its_replay(
    service: SessionService, durable_store: Store
) -> None:
    ran = await seated(service)
    played = await play_steps(service, CHANNEL, range(60))
    accepted = [ran for ran in played if ran.accepted]
    assert [ran.version for ran in accepted] == list(range(6, 6 + len(accepted)))
    assert ran.session_id is not None
    state = await assert_consistent(durable_store, ran.session_id)
    assert state == (await service.current(CHANNEL)).state  # type: ignore[union-attr]
    kinds = [entry.kind for entry in await service.log(ran.session_id)]
    assert {"open", "claim", "begin", "say", "roll", "act", "defend", "undo"} <= set(kinds)


async def test_a_refused_command_commits_nothing(service: SessionService) -> None:
    await seated(service)
    actor, _ = turn_command((await service.current(CHANNEL)).state)  # type: ignore[union-attr]
    bystander = next(player for player in (AIKO, BOTAN, CHIYO) if player != actor)
    ran = await service.run(CHANNEL, bystander, c.Defend())
    assert isinstance(ran.outcome, Refused) and ran.version == 5


async def test_undo_is_a_logged_command_that_restores_the_state_before_the_turn(
    service: SessionService,
) -> None:
    begun = await seated(service)
    assert isinstance(begun.outcome, Accepted)
    before = begun.outcome.state
    actor, command = turn_command(before)
    assert (await service.run(CHANNEL, actor, command)).accepted
    undone = await service.run(CHANNEL, GM, c.Undo())
    assert isinstance(undone.outcome, Accepted)
    assert undone.outcome.state == before
    assert any(isinstance(event, ev.Undone) for event in undone.outcome.events)
    last = (await service.log(begun.session_id))[-1]  # type: ignore[arg-type]
    assert (last.version, last.kind, last.actor_id) == (7, "undo", GM.member_id)


async def test_the_same_seed_and_commands_give_the_same_rolls(tmp_path: Path) -> None:
    logs = []
    for name in ("one", "two"):
        store = await SqliteStore.open(tmp_path / f"{name}.sqlite3")
        service = SessionService(store)
        ran = await seated(service, seed=11)
        await play_steps(service, CHANNEL, range(30))
        logs.append([entry.events for entry in await store.log(ran.session_id)])  # type: ignore[arg-type]
        await store.close()
    assert logs[0] == logs[1]


class FailingStore(MemoryStore):
    """A store whose next commit fails, as a full disk would."""

    fail = False

    async def commit(self, *args: object, **kwargs: object) -> int:
        if self.fail:
            self.fail = False
            raise OSError("disk full")
        return await super().commit(*args, **kwargs)  # type: ignore[arg-type]


async def test_the_cache_changes_only_after_the_commit() -> None:
    store = FailingStore()
    service = SessionService(store)
    await seated(service)
    before = await service.current(CHANNEL)
    store.fail = True
    with pytest.raises(OSError):
        await service.run(CHANNEL, AIKO, c.Say(text="Lost to the disk."))
    assert await service.current(CHANNEL) == before
    assert (await service.run(CHANNEL, AIKO, c.Say(text="Kept."))).version == 6


async def test_a_stale_cache_reloads_and_decides_again(backend: Backend) -> None:
    first, second = await backend.open(), await backend.open()
    try:
        one, two = SessionService(first), SessionService(second)
        await one.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
        await two.restore()
        assert (await one.run(CHANNEL, AIKO, c.Claim(role="sakura"))).accepted
        late = await two.run(CHANNEL, BOTAN, c.Claim(role="sakura"))
        assert isinstance(late.outcome, Refused) and "taken" in late.outcome.message
        assert late.version == 2
        assert (await two.run(CHANNEL, BOTAN, c.Claim(role="sasuke"))).version == 3
        await assert_consistent(first, late.session_id)  # type: ignore[arg-type]
    finally:
        await first.close()
        await second.close()


async def test_a_turn_deadline_is_set_kept_and_renewed(durable_store: Store) -> None:
    clock = Clock()
    service = SessionService(durable_store, clock=clock)
    await service.configure(ServerSettings(guild_id=GUILD, turn_timeout_minutes=5))
    begun = await seated(service)
    deadline = clock.now + timedelta(minutes=5)
    assert begun.session is not None and begun.session.turn_deadline == deadline
    clock.wait(2)
    said = await service.run(CHANNEL, AIKO, c.Say(text="Hold the door!"))
    assert said.session is not None and said.session.turn_deadline == deadline
    actor, command = turn_command((await service.current(CHANNEL)).state)  # type: ignore[union-attr]
    moved = await service.run(CHANNEL, actor, command)
    assert moved.session is not None and moved.session.turn_deadline == clock.now + timedelta(
        minutes=5
    )
    paused = await service.run(CHANNEL, GM, c.Pause(reason="dinner"))
    assert paused.session is not None and paused.session.turn_deadline is None


async def test_an_overdue_turn_is_skipped_and_logged(durable_store: Store) -> None:
    clock = Clock()
    service = SessionService(durable_store, clock=clock)
    await service.configure(ServerSettings(guild_id=GUILD, turn_timeout_minutes=5))
    begun = await seated(service)
    assert service.due() == []
    assert await service.expire(begun.session_id, GM) is None  # type: ignore[arg-type]
    clock.wait(6)
    assert [record.id for record in service.due()] == [begun.session_id]
    skipped = await service.expire(begun.session_id, GM)  # type: ignore[arg-type]
    assert skipped is not None and isinstance(skipped.outcome, Accepted)
    assert any(
        isinstance(event, ev.TurnSkipped) and event.reason == TIMEOUT_REASON
        for event in skipped.outcome.events
    )
    assert service.due() == []


async def make_sessions_in_every_status(service: SessionService) -> dict[Status, int]:
    ids: dict[Status, int] = {}
    lobby = await service.open_session(GUILD, 1, GM, c.Open(scene="castle", seats=2))
    ids[Status.LOBBY] = lobby.session_id  # type: ignore[assignment]
    ids[Status.ACTIVE] = (await seated(service, channel_id=2)).session_id  # type: ignore[assignment]
    paused = await seated(service, channel_id=3)
    await service.run(3, GM, c.Pause(reason="tea"))
    ids[Status.PAUSED] = paused.session_id  # type: ignore[assignment]
    ended = await seated(service, channel_id=4)
    await service.run(4, GM, c.End(reason="the rain stopped"))
    ids[Status.ENDED] = ended.session_id  # type: ignore[assignment]
    return ids


async def test_a_restart_restores_every_open_session_and_nothing_else(backend: Backend) -> None:
    clock = Clock()
    store = await backend.open()
    service = SessionService(store, clock=clock)
    await service.configure(ServerSettings(guild_id=GUILD, turn_timeout_minutes=10))
    ids = await make_sessions_in_every_status(service)
    before = {stored.id: stored for stored in service.open_sessions}
    await store.close()

    store = await backend.open()
    try:
        restarted = SessionService(store, clock=clock)
        restored = await restarted.restore()
        assert {stored.id: stored for stored in restored} == before
        assert {stored.record.status for stored in restored} == {
            Status.LOBBY,
            Status.ACTIVE,
            Status.PAUSED,
        }
        active = next(stored for stored in restored if stored.id == ids[Status.ACTIVE])
        assert active.record.turn == active.state.turn is not None
        assert active.record.turn_deadline == clock.now + timedelta(minutes=10)
        ended = await restarted.get(ids[Status.ENDED])
        assert ended is not None and ended.record.status is Status.ENDED
        assert ended.record.ended_at is not None
        listed = await restarted.sessions(GUILD)
        assert [record.id for record in listed] == sorted(ids.values(), reverse=True)
    finally:
        await store.close()


async def test_an_ended_session_refuses_commands_and_frees_its_channel(
    service: SessionService,
) -> None:
    ended = await seated(service)
    await service.run(CHANNEL, GM, c.End())
    assert await service.current(CHANNEL) is None
    late = await service.run_session(ended.session_id, AIKO, c.Say(text="Wait!"))  # type: ignore[arg-type]
    assert isinstance(late.outcome, Refused) and "ended" in late.outcome.message
    reopened = await service.open_session(GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2))
    assert reopened.accepted and reopened.session_id != ended.session_id


async def test_a_restart_mid_session_plays_on_as_if_nothing_happened(backend: Backend) -> None:
    store = await backend.open()
    ran = await seated(SessionService(store))
    await play_steps(SessionService(store), CHANNEL, range(25))
    await store.close()
    store = await backend.open()
    service = SessionService(store)
    await service.restore()
    await play_steps(service, CHANNEL, range(25, 50))
    resumed = await assert_consistent(store, ran.session_id)  # type: ignore[arg-type]
    await store.close()

    straight = MemoryStore()  # the same game, never interrupted
    service = SessionService(straight)
    await seated(service)
    await play_steps(service, CHANNEL, range(50))
    assert await assert_consistent(straight, ran.session_id) == resumed  # type: ignore[arg-type]


async def test_a_log_read_again_is_whole_with_what_another_process_committed_since(
    durable_store: Store,
) -> None:
    ours, theirs = SessionService(durable_store), SessionService(durable_store)
    ran = await seated(ours)
    assert ran.session_id is not None
    first = await ours.log(ran.session_id)
    await play_steps(theirs, CHANNEL, range(12))  # another process, on the same database
    again = await ours.log(ran.session_id)
    assert again == await durable_store.log(ran.session_id)  # the whole log, in order
    assert len(again) > len(first)
    assert all(kept is read for kept, read in zip(first, again, strict=False))  # not read twice


async def test_kept_logs_drop_the_least_recently_read_past_their_limit(
    service: SessionService,
) -> None:
    ran = await seated(service)
    assert ran.session_id is not None
    entries = await service.log(ran.session_id)  # the open, the claims, the begin
    kept = KeptLogs(limit=2 * len(entries))
    kept.keep(1, entries)
    kept.keep(2, entries)
    assert kept.take(1) == entries  # 1 is now the most recently read
    kept.keep(1, entries)
    kept.keep(3, entries)  # over the limit: 2, read least recently, goes
    assert kept.take(2) == [] and kept.take(3) == entries and kept.take(1) == entries
    kept.keep(4, entries * 3)  # longer than the whole limit: not kept at all
    assert kept.take(4) == []

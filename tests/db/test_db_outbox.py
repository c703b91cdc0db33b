"""The outbox: a line a command stores for the bot to post is kept with its commit, in the same
transaction, until it is posted; a member's retry of a line no answer reached is not stored
twice. For every Store (SQLite, PostgreSQL under CI=true, memory)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from castle_play import AIKO, BOTAN, CHANNEL, GM, GUILD, actor_of, seated

from db.errors import LineRepeated, VersionConflict
from db.migrate import migrate
from db.postgres import PostgresStore
from db.sessions import ALREADY_POSTED, RETRY_WINDOW, STILL_TO_POST, SessionService, posted_text
from db.shards import Shards, shard_of
from db.store import SqliteStore, Store
from db.transfer import migrate_to
from scenes.engine import commands as c
from scenes.engine.session import Refused


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def played(store: Store, clock: Clock) -> SessionService:
    return SessionService(store, clock=clock)


def said(service: SessionService, entries: list) -> list[str]:
    return [e.command.text for e in entries if isinstance(e.command, c.Say)]


async def test_a_line_is_kept_unposted_with_its_commit_until_it_is_posted(
    played: SessionService,
) -> None:
    await seated(played)
    claimed = await played.run(CHANNEL, BOTAN, c.Release())
    assert not claimed.outboxed  # no words of the member's: nothing to post
    ran = await played.run(CHANNEL, AIKO, c.Say(text="The rain has ears."))
    assert ran.accepted and ran.outboxed
    [line] = await played.unposted()
    assert (line.session_id, line.version, line.channel_id) == (
        ran.session_id,
        ran.version,
        CHANNEL,
    )
    assert line.entry.command == c.Say(text="The rain has ears.")
    assert line.guild_id == GUILD
    assert ran.session_id is not None
    await played.posted(ran.session_id, ran.version)
    assert await played.unposted() == []


async def test_unposted_lines_come_in_order_and_only_for_the_shards_servers(
    store: Store, clock: Clock
) -> None:
    service = SessionService(store, clock=clock)
    far_guild = GUILD + (1 << 22)  # the next shard's
    assert shard_of(far_guild, 2) != shard_of(GUILD, 2)
    far = await service.open_session(far_guild, CHANNEL + 1, GM, c.Open(scene="castle", seats=2))
    await seated(service)
    lines = ["First.", "Second.", "Third."]
    for text in lines:
        assert (await service.run(CHANNEL, AIKO, c.Act(text=text))).outboxed
    assert (await service.run_session(far.session_id or 0, GM, c.Narrate(text="Far."))).outboxed
    texts = [line.entry.command.text for line in await service.unposted()]  # type: ignore[union-attr]
    assert texts == ["Far.", *lines]  # session by session, each in the order stored
    mine = SessionService(store, clock=clock, shards=Shards(2, (shard_of(GUILD, 2),)))
    assert [line.channel_id for line in await mine.unposted()] == [CHANNEL] * 3


async def test_a_commit_that_fails_stores_no_line(store: Store, played: SessionService) -> None:
    await seated(played)
    stored = await played.current(CHANNEL)
    assert stored is not None
    ran = await played.run(CHANNEL, AIKO, c.Say(text="Once."))
    assert ran.accepted
    outcome = ran.outcome
    with pytest.raises(VersionConflict):  # at the version before: another writer got there
        await store.commit(
            stored.id, stored.version, AIKO, c.Say(text="Twice?"), outcome, post="Twice?"
        )
    assert [line.entry.command for line in await store.unposted()] == [c.Say(text="Once.")]


async def test_a_retry_of_an_unposted_line_is_not_stored_again(
    store: Store, played: SessionService, clock: Clock
) -> None:
    await seated(played)
    first = await played.run(CHANNEL, AIKO, c.Say(text="Open the gate."))
    assert first.accepted
    retry = await played.run(CHANNEL, AIKO, c.Say(text="Open the gate."))
    assert isinstance(retry.outcome, Refused) and retry.outcome.message == STILL_TO_POST
    assert not retry.outboxed
    # another member's same words, and the same member's act of them, are lines of their own
    assert (await played.run(CHANNEL, BOTAN, c.Say(text="Open the gate."))).accepted
    assert (await played.run(CHANNEL, AIKO, c.Act(text="Open the gate."))).accepted
    stored = await played.current(CHANNEL)
    assert stored is not None
    log = await store.log(stored.id)
    assert said(played, log) == ["Open the gate.", "Open the gate."]
    assert len(await played.unposted()) == 3


async def test_the_commit_itself_refuses_a_repeated_line_and_writes_nothing(
    store: Store, played: SessionService, clock: Clock
) -> None:
    """The retry check is in the commit's own transaction (one round trip on PostgreSQL)."""
    await seated(played)
    first = await played.run(CHANNEL, AIKO, c.Say(text="Hold the stair."))
    stored = await played.current(CHANNEL)
    assert first.accepted and stored is not None
    again = c.Say(text="Hold the stair.")
    outcome = first.outcome
    since = clock.now - RETRY_WINDOW
    with pytest.raises(LineRepeated) as refused:
        await store.commit(
            stored.id, stored.version, AIKO, again, outcome, post=again.text, repeat_since=since
        )
    assert refused.value.found.version == first.version and not refused.value.found.posted
    assert len(await store.log(stored.id)) == stored.version  # nothing written
    assert (await store.load(stored.id)).version == stored.version  # type: ignore[union-attr]
    assert len(await store.unposted()) == 1
    # without repeat_since (or once it is past the line) the same words are stored
    assert await store.commit(stored.id, stored.version, AIKO, again, outcome, post=again.text)
    assert len(await store.unposted()) == 2


async def test_a_posed_turn_retried_after_the_turn_moved_on_is_told_as_its_retry(
    played: SessionService,
) -> None:
    """The engine refuses the retry (the turn has moved on); the member hears why instead."""
    await seated(played)
    stored = await played.current(CHANNEL)
    assert stored is not None and stored.state.turn is not None
    seat = stored.state.seat(stored.state.turn)
    holder = actor_of(seat.member_id)
    turn = await played.run(CHANNEL, holder, c.Defend(pose="I set my feet in the doorway."))
    assert turn.accepted and turn.outboxed
    retry = await played.run(CHANNEL, holder, c.Defend(pose="I set my feet in the doorway."))
    assert isinstance(retry.outcome, Refused) and retry.outcome.message == STILL_TO_POST
    assert retry.repeat is not None and retry.repeat.version == turn.version
    # without a stored line to match, the engine's own refusal stands
    plain = await played.run(CHANNEL, holder, c.Defend())
    assert isinstance(plain.outcome, Refused) and plain.outcome.message != STILL_TO_POST


async def test_a_line_posted_late_refuses_its_retry_for_a_while(
    played: SessionService, clock: Clock
) -> None:
    await seated(played)
    ran = await played.run(CHANNEL, AIKO, c.Say(text="I am still here."))
    assert ran.session_id is not None
    clock.now += timedelta(minutes=1)
    await played.posted(ran.session_id, ran.version, late=True)  # at a start
    assert await played.unposted() == []
    retry = await played.run(CHANNEL, AIKO, c.Say(text="I am still here."))
    assert isinstance(retry.outcome, Refused) and retry.outcome.message == ALREADY_POSTED
    clock.now += RETRY_WINDOW
    again = await played.run(CHANNEL, AIKO, c.Say(text="I am still here."))
    assert again.accepted  # long after: the member means it again


async def test_a_line_its_answer_posted_may_be_said_again_at_once(played: SessionService) -> None:
    await seated(played)
    first = await played.run(CHANNEL, AIKO, c.Say(text="Yes."))
    assert first.session_id is not None
    await played.posted(first.session_id, first.version)
    assert (await played.run(CHANNEL, AIKO, c.Say(text="Yes."))).accepted


def test_the_words_kept_are_the_members_own() -> None:
    assert posted_text(c.Say(text="a")) == "a"
    assert posted_text(c.Act(text="b")) == "b"
    assert posted_text(c.Npc(name="Guard", text="c")) == "c"
    assert posted_text(c.Narrate(text="d")) == "d"
    assert posted_text(c.Defend(pose="e")) == "e"
    assert posted_text(c.Jutsu(name="x", pose="f")) == "f"
    assert posted_text(c.Move(to="x", pose="g")) == "g"
    assert posted_text(c.Interact(object="x", how="y", pose="h")) == "h"
    assert posted_text(c.Defend()) is None
    assert posted_text(c.Begin()) is None


async def test_a_file_of_schema_3_gains_an_empty_outbox(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, path, target=3)
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'outbox'").fetchone() is None
    db.close()
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == 4
        assert await store.unposted() == []
    finally:
        await store.close()


async def test_moving_up_to_postgresql_keeps_the_unposted_and_late_posted_lines(
    tmp_path: Path, postgres_url: str, clock: Clock
) -> None:
    path = tmp_path / "castle.sqlite3"
    source = await SqliteStore.open(path)
    service = SessionService(source, clock=clock)
    await seated(service)
    late = await service.run(CHANNEL, AIKO, c.Say(text="Posted at a start."))
    assert late.session_id is not None
    await service.posted(late.session_id, late.version, late=True)
    await service.run(CHANNEL, BOTAN, c.Act(text="still waits to be posted"))
    unposted = await service.unposted()
    await source.close()
    copied = await migrate_to(path, postgres_url)
    assert copied.rows["outbox"] == 2
    target = await PostgresStore.open(postgres_url)
    try:
        assert await target.unposted() == unposted
        since = clock.now - RETRY_WINDOW
        found = await target.repeated(
            late.session_id, AIKO.member_id, "say", "Posted at a start.", since
        )
        assert found is not None and found.posted
    finally:
        await target.close()

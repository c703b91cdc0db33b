"""Moving up: ``python bot.py migrate-to postgresql://…`` copies everything, checked, once."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from backends import create_database, drop_database
from castle_play import AIKO, CHANNEL, GM, GUILD, assert_consistent, play_steps, seated

from db.errors import TargetNotEmpty
from db.models import ServerSettings
from db.postgres import PostgresStore
from db.sessions import SessionService
from db.store import SqliteStore, Store
from db.transfer import TABLES, CopyFailed, migrate_to
from scenes.engine import commands as c

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHILD = HERE / "crash_child.py"


async def everything(store: Store) -> dict[str, object]:
    """All a store holds, through the Store interface, for comparing two of them."""
    sessions = {}
    for guild in (GUILD, GUILD + 1):
        for record in await store.sessions(guild):
            stored = await store.load(record.id)
            sessions[record.id] = (
                record,
                stored,
                await store.log(record.id),
                await store.seats(record.id),
            )
    settings = [await store.settings(guild) for guild in (GUILD, GUILD + 1)]
    return {"sessions": sessions, "settings": settings}


async def a_castle_on_file(path: Path) -> SqliteStore:
    store = await SqliteStore.open(path)
    service = SessionService(store)
    await service.configure(
        ServerSettings(guild_id=GUILD, recap_channel_id=9, turn_timeout_minutes=4)
    )
    for channel in (CHANNEL, CHANNEL + 1, CHANNEL + 2):
        await seated(service, channel, seed=channel)
        await play_steps(service, channel, range(15))
    await service.run(CHANNEL + 2, GM, c.End(reason="dawn"))
    await service.open_session(GUILD + 1, CHANNEL + 3, GM, c.Open(scene="castle", seats=2))
    return store


async def counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in TABLES}
    finally:
        await conn.close()


async def test_every_session_log_seat_and_setting_arrives_and_play_goes_on(
    db_path: Path, postgres_url: str
) -> None:
    source = await a_castle_on_file(db_path)
    before = await everything(source)
    await source.close()

    copied = await migrate_to(db_path, postgres_url)
    assert copied.sessions_checked == 4
    assert copied.rows["log"] == sum(len(log) for _, _, log, _ in before["sessions"].values())  # type: ignore[attr-defined]

    target = await PostgresStore.open(postgres_url)
    try:
        assert await everything(target) == before
        service = SessionService(target)
        assert len(await service.restore()) == 3
        ran = await service.run(CHANNEL, AIKO, c.Say(text="The rain follows us here."))
        assert ran.accepted
        await assert_consistent(target, ran.session_id)  # type: ignore[arg-type]
        fresh = await service.open_session(GUILD, CHANNEL + 9, GM, c.Open(scene="castle", seats=2))
        assert fresh.session_id == max(before["sessions"]) + 1  # type: ignore[arg-type]
    finally:
        await target.close()


async def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(
    db_path: Path, postgres_url: str, postgres_server: str
) -> None:
    await (await a_castle_on_file(db_path)).close()
    await migrate_to(db_path, postgres_url)
    before = await counts(postgres_url)
    with pytest.raises(TargetNotEmpty, match="not empty"):
        await migrate_to(db_path, postgres_url)
    assert await counts(postgres_url) == before

    other = await create_database(postgres_server)  # another application's database
    try:
        conn = await asyncpg.connect(other)
        await conn.execute("CREATE TABLE someone_elses (x INTEGER)")
        await conn.close()
        with pytest.raises(TargetNotEmpty, match="someone_elses"):
            await migrate_to(db_path, other)
    finally:
        await drop_database(postgres_server, other)


async def test_a_file_a_running_writer_is_committing_to_is_copied_at_one_consistent_moment(
    db_path: Path, postgres_url: str
) -> None:
    """The writer (real SessionService and SqliteStore, another process) never stops; the copy
    is one read transaction of the file, so it is a moment of the file, checked whole."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    writer = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(db_path), stdout=asyncio.subprocess.PIPE, env=env
    )
    assert writer.stdout is not None
    try:
        for _ in range(30):  # well into play
            await asyncio.wait_for(writer.stdout.readline(), 20)
        copied = await migrate_to(db_path, postgres_url)
        for _ in range(10):  # and it went on committing meanwhile, unblocked
            await asyncio.wait_for(writer.stdout.readline(), 20)
    finally:
        writer.kill()
        await writer.wait()
    assert copied.sessions_checked == 1 and copied.rows["log"] >= 30
    source = await SqliteStore.open(db_path)
    target = await PostgresStore.open(postgres_url)
    try:
        (stored,) = await target.open_sessions()
        await assert_consistent(target, stored.id)
        later = await source.log(stored.id)
        assert len(later) > stored.version  # the file moved on after the copy's moment
        assert await target.log(stored.id) == later[: stored.version]
    finally:
        await source.close()
        await target.close()


def test_the_command_prints_what_it_copied_and_refuses_a_second_time(
    tmp_path: Path, db_path: Path, postgres_url: str
) -> None:
    async def prepare() -> None:
        await (await a_castle_on_file(db_path)).close()

    asyncio.run(prepare())
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env = {**clean, "DATABASE_PATH": str(db_path)}  # no token needed

    def migrate() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "migrate-to", postgres_url],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = migrate()
    assert first.returncode == 0, first.stderr
    assert "sessions 4" in first.stdout and "snapshots is the replay of its log" in first.stdout
    second = migrate()
    assert second.returncode != 0
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "not empty" in lines[0]


async def test_a_snapshot_that_is_not_its_logs_replay_stops_the_copy_and_leaves_no_trace(
    db_path: Path, postgres_url: str
) -> None:
    store = await a_castle_on_file(db_path)
    (first, *_) = await store.open_sessions()
    await store.close()
    state = first.state.model_copy(update={"round": first.state.round + 5})
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "UPDATE snapshots SET state = ? WHERE session_id = ?",
            (state.model_dump_json(), first.id),
        )
    with pytest.raises(CopyFailed, match=f"session {first.id}: its snapshot is not the replay"):
        await migrate_to(db_path, postgres_url)
    assert set((await counts(postgres_url)).values()) == {0}

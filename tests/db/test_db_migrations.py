"""Migrations: from an empty file and from every earlier version, all or nothing."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from pathlib import Path

import pytest
from castle_play import CHANNEL, CLAIMS, GM, GUILD, OPEN, assert_consistent, turn_command

import db.migrate
from db.errors import MigrationFailed
from db.migrate import MIGRATIONS_DIR, latest_version, migrate, migrations
from db.models import seat_records
from db.sessions import SessionService
from db.store import SqliteStore
from scenes.engine import commands as c
from scenes.engine.events import dump_events
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState, Status

# The commit as release 1 (schema version 1) wrote it, before turn deadlines.
V1_COMMIT = (
    "INSERT INTO commits (session_id, version, actor_id, kind, command, events, state, status, "
    "gm_id, turn, ending, seats, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"
)


def schema(path: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(path) as raw:
        rows = raw.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
        return {(kind, name, " ".join(sql.split())) for kind, name, sql in rows}


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        return int(raw.execute("PRAGMA user_version").fetchone()[0])


def at_version(path: Path, version: int) -> None:
    """A file as an older release left it: migrated up to ``version`` only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(path, isolation_level=None)
    try:
        assert migrate(old, path, target=version) == version
    finally:
        old.close()


def test_the_migrations_are_numbered_from_1_without_gaps() -> None:
    found = migrations()
    assert [migration.version for migration in found] == list(range(1, len(found) + 1))
    assert len(found) >= 2
    assert all(migration.statements() for migration in found)


async def test_an_empty_file_is_brought_to_the_latest_version(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    assert await store.schema_version() == latest_version()
    await store.close()
    assert user_version(db_path) == latest_version()


@pytest.mark.parametrize("version", range(latest_version()))
async def test_every_earlier_version_is_brought_to_the_same_schema(
    tmp_path: Path, version: int
) -> None:
    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    await (await SqliteStore.open(fresh)).close()
    at_version(old, version)
    assert user_version(old) == version
    await (await SqliteStore.open(old)).close()
    assert user_version(old) == latest_version()
    assert schema(old) == schema(fresh)


async def test_opening_again_applies_nothing_twice(db_path: Path) -> None:
    await (await SqliteStore.open(db_path)).close()
    before = schema(db_path)
    await (await SqliteStore.open(db_path)).close()
    again = sqlite3.connect(db_path, isolation_level=None)
    try:
        assert migrate(again, db_path) == latest_version()
    finally:
        again.close()
    assert schema(db_path) == before


def write_v1_session(path: Path) -> SessionState:
    """A session in play, written by release 1's schema and trigger."""
    state, version = None, 0
    at = "2025-05-01T20:00:00.000000+00:00"
    with sqlite3.connect(path, isolation_level=None) as old:
        old.execute(
            "INSERT INTO sessions (id, guild_id, channel_id, scene, gm_id, status, created_at, "
            "updated_at, version) VALUES (1, ?, ?, 'castle', ?, 'lobby', ?, ?, 0)",
            (GUILD, CHANNEL, GM.member_id, at, at),
        )
        for actor, command in ((GM, OPEN), *CLAIMS[:1], (GM, c.Begin())):
            outcome = play(state, actor, command, random.Random(version))
            assert isinstance(outcome, Accepted)
            state, version = outcome.state, version + 1
            seats = json.dumps([seat._asdict() for seat in seat_records(state)])
            old.execute(
                V1_COMMIT,
                (
                    1,
                    version,
                    actor.member_id,
                    command.kind,
                    command.model_dump_json(),
                    dump_events(outcome.events),
                    state.model_dump_json(),
                    state.status.value,
                    state.gm_id,
                    state.turn,
                    seats,
                    at,
                ),
            )
    assert state is not None
    return state


async def test_a_version_1_file_with_a_session_in_play_upgrades_and_plays_on(
    db_path: Path,
) -> None:
    at_version(db_path, 1)
    state = write_v1_session(db_path)
    store = await SqliteStore.open(db_path)
    try:
        service = SessionService(store)
        (restored,) = await service.restore()
        assert restored.state == state
        assert restored.record.status is Status.ACTIVE
        assert (restored.record.turn, restored.record.turn_deadline) == (state.turn, None)
        actor, command = turn_command(state)
        ran = await service.run(CHANNEL, actor, command)
        assert ran.accepted and ran.version == 4
        await assert_consistent(store, 1)
    finally:
        await store.close()


async def test_a_failing_migration_is_rolled_back_whole(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    first = MIGRATIONS_DIR / "001_initial.sql"
    (folder / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "002_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE broken (;\n", encoding="utf-8"
    )
    at_version(db_path, 1)
    before = schema(db_path)
    (folder / "003_fine.sql").write_text("CREATE TABLE fine (x INTEGER);\n", encoding="utf-8")
    monkeypatch.setattr(db.migrate, "migrations", lambda: migrations.__wrapped__(folder))
    with pytest.raises(MigrationFailed, match=r"002_broken\.sql") as failed:
        await SqliteStore.open(db_path)
    assert str(db_path) in str(failed.value)
    assert user_version(db_path) == 1
    assert schema(db_path) == before  # neither half of 002, nor 003 after it


async def test_two_connections_opening_a_new_file_at_once_migrate_it_once(db_path: Path) -> None:
    first, second = await asyncio.gather(SqliteStore.open(db_path), SqliteStore.open(db_path))
    try:
        assert await first.schema_version() == await second.schema_version() == latest_version()
        assert await first.integrity_check() == "ok"
    finally:
        await first.close()
        await second.close()

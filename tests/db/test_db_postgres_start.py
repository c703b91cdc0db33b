"""PostgreSQL at start: migrations recorded once, and a database the bot must not use refused in
one line (without the password) with a non-zero exit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

import db.postgres
from db.errors import DatabaseUnreachable, MigrationFailed, SchemaTooNew
from db.migrate import POSTGRES_MIGRATIONS_DIR, migrations
from db.postgres import PostgresStore, latest_version, redacted

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEd.castle-in-the-rain-test-token-0123456789"
PASSWORD = "rain-on-the-east-wing"
NOBODY_LISTENS = f"postgresql://castle:{PASSWORD}@127.0.0.1:9/castle"


async def tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}
    finally:
        await conn.close()


async def recorded(url: str) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(row[0], row[1]) for row in rows]
    finally:
        await conn.close()


def start_bot(tmp_path: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env={**clean, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_password_never_shows_in_a_url_the_bot_prints() -> None:
    assert redacted(NOBODY_LISTENS) == "postgresql://castle:***@127.0.0.1:9/castle"
    assert PASSWORD not in redacted(f"postgresql://h/db?user=castle&password={PASSWORD}")
    assert redacted("postgresql:///castle?host=/run/pg") == "postgresql:///castle?host=/run/pg"


async def test_a_new_database_gets_every_migration_once_and_records_each(
    postgres_url: str,
) -> None:
    first, second = await asyncio.gather(
        PostgresStore.open(postgres_url), PostgresStore.open(postgres_url)
    )
    await first.close()
    await second.close()
    await (await PostgresStore.open(postgres_url)).close()
    expected = [(m.version, m.name) for m in migrations(POSTGRES_MIGRATIONS_DIR)]
    assert await recorded(postgres_url) == expected
    assert {"sessions", "log", "snapshots", "seats", "settings"} <= await tables(postgres_url)


async def test_snapshots_are_stored_out_of_line_uncompressed(postgres_url: str) -> None:
    """Migration 003: every commit rewrites its snapshot, so it is not compressed each time."""
    await (await PostgresStore.open(postgres_url)).close()
    conn = await asyncpg.connect(postgres_url)
    try:
        storage = await conn.fetchval(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'snapshots'::regclass "
            "AND attname = 'state'"
        )
    finally:
        await conn.close()
    assert storage == b"e"  # EXTERNAL (the default for text, EXTENDED, is "x")


async def test_a_failing_migration_leaves_the_database_as_it_was(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    first = POSTGRES_MIGRATIONS_DIR / "001_initial.sql"
    (folder / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "002_broken.sql").write_text("CREATE TABLE half_done (x INTEGER);\nCREATE TABLE (;")
    monkeypatch.setattr(db.postgres, "migrations", lambda _: migrations.__wrapped__(folder))
    with pytest.raises(MigrationFailed, match=r"002_broken\.sql"):
        await PostgresStore.open(postgres_url)
    assert await tables(postgres_url) == set()  # 001 too: all pending ones are one transaction


async def test_a_newer_schema_is_refused_in_one_line_and_left_as_it_was(postgres_url: str) -> None:
    await (await PostgresStore.open(postgres_url)).close()
    conn = await asyncpg.connect(postgres_url)
    await conn.execute(
        "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future.sql')",
        latest_version() + 1,
    )
    await conn.close()
    before = await recorded(postgres_url), await tables(postgres_url)
    with pytest.raises(SchemaTooNew) as refused:
        await PostgresStore.open(postgres_url)
    assert f"schema version {latest_version() + 1}" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert (await recorded(postgres_url), await tables(postgres_url)) == before


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(DatabaseUnreachable) as refused:
        await PostgresStore.open(NOBODY_LISTENS)
    message = str(refused.value)
    assert "127.0.0.1" in message and PASSWORD not in message and "\n" not in message


def test_the_bot_exits_non_zero_in_one_line_when_the_server_is_unreachable(
    tmp_path: Path,
) -> None:
    result = start_bot(tmp_path, NOBODY_LISTENS)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Cannot use the database" in lines[0] and "127.0.0.1:9" in lines[0]
    assert PASSWORD not in result.stderr + result.stdout
    assert not (tmp_path / "data").exists()  # no SQLite file was made instead


def test_a_url_that_is_not_postgresql_is_named_in_one_line(tmp_path: Path) -> None:
    result = start_bot(tmp_path, f"mysql://castle:{PASSWORD}@db/castle")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0]
    assert PASSWORD not in result.stderr

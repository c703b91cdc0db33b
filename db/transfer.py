"""Moving up: copy everything from an SQLite file into an empty PostgreSQL database, checked.

The file is read in one read transaction (WAL: a fixed snapshot of the file, taken while a
running bot goes on committing, and never blocking it). The copy is one PostgreSQL transaction,
committed only once its counts match the file's and every session's snapshot is the replay of its
log, read back from PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from db.errors import StoreError, TargetNotEmpty
from db.postgres import PostgresStore
from db.store import SqliteStore
from scenes.engine.events import load_events
from scenes.engine.evolve import replay
from scenes.engine.state import SessionState

# Each table with its columns, parents first; which columns are times (ISO text in SQLite) and
# which are flags (0/1 in SQLite).
TABLES: dict[str, tuple[str, ...]] = {
    "settings": ("guild_id", "recap_channel_id", "gm_role_id", "turn_timeout_minutes"),
    "sessions": (
        "id",
        "guild_id",
        "channel_id",
        "scene",
        "gm_id",
        "status",
        "created_at",
        "updated_at",
        "ended_at",
        "ending",
        "turn",
        "version",
        "turn_deadline",
    ),
    "log": ("session_id", "version", "actor_id", "kind", "command", "events", "at"),
    "snapshots": ("session_id", "version", "state"),
    "seats": ("session_id", "seat_key", "role", "member_id", "character", "muted"),
    "outbox": ("session_id", "version", "text", "posted_at"),
}
TIMES = {"created_at", "updated_at", "ended_at", "turn_deadline", "at", "posted_at"}
FLAGS = {"muted"}


class CopyFailed(StoreError):
    """The copy did not check out; it was rolled back, the target is as it was."""


@dataclass(frozen=True)
class Copied:
    """What was copied: rows per table, and the sessions whose snapshot was checked."""

    rows: dict[str, int]
    sessions_checked: int

    def lines(self) -> list[str]:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        return [
            f"copied {counts}",
            f"checked: the counts match, and each of the {self.sessions_checked} sessions' "
            "snapshots is the replay of its log",
        ]


def read_everything(db: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, all read in one transaction: one consistent moment of the file."""
    db.execute("BEGIN")
    try:
        return {
            table: db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            for table, columns in TABLES.items()
        }
    finally:
        db.execute("COMMIT")


def _converted(table: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    columns = TABLES[table]
    times = [n for n, column in enumerate(columns) if column in TIMES]
    flags = [n for n, column in enumerate(columns) if column in FLAGS]
    if not times and not flags:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for n in times:
            if values[n] is not None:
                values[n] = datetime.fromisoformat(values[n])
        for n in flags:
            values[n] = bool(values[n])
        converted.append(tuple(values))
    return converted


async def migrate_to(path: Path | str, url: str) -> Copied:
    """Copy the SQLite file at ``path`` into the empty PostgreSQL database at ``url``."""
    source = await SqliteStore.open(path)
    try:
        rows = await source.run_on_connection(read_everything)
    finally:
        await source.close()
    target = await PostgresStore.open(url)
    try:
        async with target.connection() as conn, conn.transaction():
            await _refuse_unless_empty(conn, target.where)
            for table, columns in TABLES.items():
                await conn.copy_records_to_table(
                    table, records=_converted(table, rows[table]), columns=list(columns)
                )
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('sessions', 'id'), "
                "coalesce((SELECT max(id) FROM sessions), 0) + 1, false)"
            )
            counts = await _check(conn, {table: len(found) for table, found in rows.items()})
    finally:
        await target.close()
    return Copied(counts, len(rows["sessions"]))


async def _refuse_unless_empty(conn: asyncpg.Connection, where: str) -> None:
    others = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND NOT (tablename = ANY($1::text[])) ORDER BY tablename",
        [*TABLES, "schema_migrations"],
    )
    if others:
        names = ", ".join(row[0] for row in others)
        raise TargetNotEmpty(where, f"the database is not empty (it has tables: {names})")
    for table in TABLES:
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            raise TargetNotEmpty(where, f"the database is not empty (its {table} table has rows)")


async def _check(conn: asyncpg.Connection, expected: dict[str, int]) -> dict[str, int]:
    """Counts as in the file; each session's snapshot the replay of its log, at its version."""
    counts = {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in TABLES}
    if counts != expected:
        raise CopyFailed(f"the counts differ: the file has {expected}, the copy {counts}")
    sessions = await conn.fetch(
        "SELECT s.id, s.version, snapshots.version, snapshots.state FROM sessions AS s "
        "JOIN snapshots ON snapshots.session_id = s.id ORDER BY s.id"
    )
    for session_id, version, snapshot_version, state in sessions:
        log = await conn.fetch(
            "SELECT version, events FROM log WHERE session_id = $1 ORDER BY version", session_id
        )
        versions = [row[0] for row in log]
        if versions != list(range(1, version + 1)) or snapshot_version != version:
            raise CopyFailed(f"session {session_id}: its log is not 1..{version}")
        replayed = replay(event for row in log for event in load_events(row[1]))
        if replayed != SessionState.model_validate_json(state):
            raise CopyFailed(f"session {session_id}: its snapshot is not the replay of its log")
    return counts

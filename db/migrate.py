"""Numbered SQL migrations (db/migrations/NNN_name.sql), applied in order, each in one transaction.

The schema's version is the file's ``PRAGMA user_version`` (0 for an empty file).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import aiosqlite

from db.errors import MigrationFailed

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{3})_\w+\.sql$")


@dataclass(frozen=True, order=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def statements(self) -> list[str]:
        """The file's statements, one at a time (a trigger's body stays whole)."""
        statements: list[str] = []
        pending = ""
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                statements.append(pending.strip())
                pending = ""
        if any(line.strip() and not line.lstrip().startswith("--") for line in pending.split("\n")):
            raise ValueError(f"{self.path}: the last statement has no closing semicolon")
        return statements


@cache
def migrations(folder: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """Every migration in ``folder``, in order; their numbers must run 1, 2, 3… without gaps."""
    found = sorted(
        Migration(int(match.group(1)), path)
        for path in folder.iterdir()
        if (match := _NAME.match(path.name))
    )
    numbers = [migration.version for migration in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"{folder}: migrations must be numbered 001, 002, … (found {numbers})")
    return tuple(found)


def latest_version() -> int:
    """The schema version this code writes."""
    return migrations()[-1].version


async def schema_version(db: aiosqlite.Connection) -> int:
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])


async def migrate(db: aiosqlite.Connection, path: Path | str, target: int | None = None) -> int:
    """Bring the schema up to ``target`` (the latest by default); return the version reached.

    ``db`` must be in autocommit mode (``isolation_level=None``). Each migration runs inside
    ``BEGIN IMMEDIATE`` and re-reads the version first, so two processes opening the same new
    file cannot both apply it.
    """
    target = latest_version() if target is None else target
    for migration in migrations():
        if migration.version <= target and migration.version > await schema_version(db):
            await _apply(db, migration, path)
    return await schema_version(db)


async def _apply(db: aiosqlite.Connection, migration: Migration, path: Path | str) -> None:
    await db.execute("BEGIN IMMEDIATE")
    try:
        if await schema_version(db) < migration.version:
            for statement in migration.statements():
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {migration.version:d}")
        await db.execute("COMMIT")
    except sqlite3.Error as error:
        await db.execute("ROLLBACK")
        raise MigrationFailed(path, migration.name, error) from error

"""Numbered SQL migrations (NNN_name.sql): all the pending ones applied in one transaction.

SQLite's are in ``db/migrations/``, PostgreSQL's in ``db/migrations/postgres/``, each numbered
from 001. An SQLite file records its version in ``PRAGMA user_version`` (0 for an empty file); a
PostgreSQL database in its ``schema_migrations`` table (db.postgres).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from db.errors import MigrationFailed

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
POSTGRES_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgres"
_NAME = re.compile(r"^(\d{3})_\w+\.sql$")


@dataclass(frozen=True, order=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def statements(self) -> list[str]:
        """The file's statements, one at a time (a trigger's body stays whole)."""
        statements: list[str] = []
        pending = ""
        for line in self.text().splitlines(keepends=True):
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
    """The SQLite schema version this code writes."""
    return migrations()[-1].version


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, path: Path | str, target: int | None = None) -> int:
    """Bring an SQLite file's schema up to ``target`` (the latest by default); return its version.

    ``db`` must be in autocommit mode (``isolation_level=None``). Every pending migration runs
    inside one ``BEGIN IMMEDIATE`` that re-reads the version first, so two processes opening
    the same new file cannot both apply one, and a failure leaves the file as it was.
    """
    target = latest_version() if target is None else target
    if schema_version(db) >= target:
        return schema_version(db)
    db.execute("BEGIN IMMEDIATE")
    current = None
    try:
        found = schema_version(db)
        for current in migrations():
            if found < current.version <= target:
                for statement in current.statements():
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {current.version:d}")
        db.execute("COMMIT")
    except sqlite3.Error as error:
        db.execute("ROLLBACK")
        name = current.name if current else "?"
        raise MigrationFailed(path, name, error) from error
    return schema_version(db)

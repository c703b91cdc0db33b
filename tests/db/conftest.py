"""Fixtures for the db tests: a database path, stores of each kind, a service on a file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db.memory import MemoryStore
from db.sessions import SessionService
from db.store import SqliteStore, Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "castle.sqlite3"


@pytest.fixture(params=["sqlite", "memory"])
async def store(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Store]:
    """Each Store implementation in turn: they keep the same contract."""
    opened: Store = await SqliteStore.open(db_path) if request.param == "sqlite" else MemoryStore()
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[SqliteStore]:
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
def service(sqlite_store: SqliteStore) -> SessionService:
    return SessionService(sqlite_store)

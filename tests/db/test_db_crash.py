"""Crash safety: the writer is killed (SIGKILL) at random moments, twenty-odd times.

After each kill: every reported commit logged, the snapshot the log's replay (and SQLite's
integrity check ok). On each backend: SQLite files, PostgreSQL databases.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path

import pytest
from backends import Backend, create_database, drop_database
from castle_play import assert_consistent

from db.store import SqliteStore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHILD = HERE / "crash_child.py"
CHAINS = 2  # files played on side by side, to keep the test short
KILLS_PER_CHAIN = {"sqlite": 12, "postgres": 8}  # 24 and 16 kills in all
STARTUP_TIMEOUT = 20.0


async def run_and_kill(target: str, rng: random.Random) -> list[int]:
    """Start the child, kill it at a random moment, and return the versions it reported."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), target, stdout=asyncio.subprocess.PIPE, env=env
    )
    assert child.stdout is not None
    reported = b""
    if rng.random() < 0.2:
        await asyncio.sleep(rng.uniform(0.0, 0.4))  # during start-up, migration or restore
    else:
        reported = await asyncio.wait_for(child.stdout.readline(), STARTUP_TIMEOUT)
        await asyncio.sleep(rng.uniform(0.0, 0.15))  # in the middle of the commits
    child.kill()
    reported += await child.stdout.read()
    await child.wait()
    return [int(line) for line in reported.split()]


async def check(backend: Backend, reported: list[int]) -> int:
    store = await backend.open()
    try:
        if isinstance(store, SqliteStore):
            assert await store.integrity_check() == "ok"
        assert reported == sorted(set(reported))
        sessions = await store.open_sessions()
        if not sessions:
            assert reported == []
            return 0
        (stored,) = sessions
        await assert_consistent(store, stored.id)  # the log is 1..version, replay == snapshot
        logged = {entry.version for entry in await store.log(stored.id)}
        assert set(reported) <= logged
        return stored.version
    finally:
        await store.close()


async def chain(backend: Backend, seed: int) -> list[int]:
    rng = random.Random(seed)
    versions = []
    for _ in range(KILLS_PER_CHAIN[backend.name]):
        reported = await run_and_kill(backend.target, rng)
        versions.append(await check(backend, reported))
    return versions


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_killing_the_writer_at_random_moments_loses_no_reported_commit(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    if kind == "postgres":
        server = request.getfixturevalue("postgres_server")
        backends = [Backend(kind, await create_database(server)) for _ in range(CHAINS)]
    else:
        backends = [Backend(kind, str(tmp_path / f"chain{n}.sqlite3")) for n in range(CHAINS)]
    try:
        results = await asyncio.gather(*(chain(one, seed=n) for n, one in enumerate(backends)))
    finally:
        if kind == "postgres":
            for one in backends:
                await drop_database(server, one.target)
    for versions in results:
        assert versions == sorted(versions)  # nothing committed was ever lost
        assert versions[-1] > 50  # the children got well into play

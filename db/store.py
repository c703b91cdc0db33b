"""The Store: the one interface to persisted sessions; SqliteStore implements it on SQLite."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import aiosqlite
from pydantic import TypeAdapter

from db.errors import (
    ChannelBusy,
    DatabaseFileError,
    NotADatabase,
    SchemaTooNew,
    SeatConflict,
    SessionNotFound,
    VersionConflict,
)
from db.migrate import latest_version, migrate, schema_version
from db.models import (
    LogEntry,
    SeatRecord,
    SessionRecord,
    Settings,
    StoredSession,
    ending_key,
    seat_records,
    utcnow,
)
from scenes.engine import commands as cmd
from scenes.engine.events import dump_events, load_events
from scenes.engine.session import Accepted
from scenes.engine.state import SessionState

# synchronous=FULL (measured by bench/db.py): each commit's WAL frames are fsynced before it
# returns, so a command the bot has announced survives a power cut too, not only a crash. It
# costs about 0.25 ms a command over NORMAL, small beside a Discord round trip.
Synchronous = Literal["FULL", "NORMAL"]
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
COMMAND: TypeAdapter[cmd.Command] = TypeAdapter(cmd.Command)


class Store(Protocol):
    """Where sessions live: each commit is one command's log entry and the state it produced."""

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        actor: cmd.Actor,
        command: cmd.Open,
        accepted: Accepted,
        *,
        at: datetime | None = None,
        turn_deadline: datetime | None = None,
    ) -> StoredSession:
        """Record an accepted Open as version 1; ``ChannelBusy`` if the channel has a session."""
        ...

    async def commit(
        self,
        session_id: int,
        expected_version: int,
        actor: cmd.Actor,
        command: cmd.Command,
        accepted: Accepted,
        *,
        at: datetime | None = None,
        turn_deadline: datetime | None = None,
    ) -> int:
        """Record ``command`` as version ``expected_version + 1`` and return that version.

        Raises ``VersionConflict`` when the session is no longer at ``expected_version``.
        """
        ...

    async def load(self, session_id: int) -> StoredSession | None: ...

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        """The channel's session that has not ended, if any."""
        ...

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        """A server's sessions, open and ended, newest first."""
        ...

    async def open_sessions(self) -> list[StoredSession]:
        """Every session that has not ended (for a restart)."""
        ...

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        """The session's log entries after version ``after``, in order."""
        ...

    async def seats(self, session_id: int) -> list[SeatRecord]: ...

    async def settings(self, guild_id: int) -> Settings: ...

    async def save_settings(self, settings: Settings) -> None: ...

    async def close(self) -> None: ...


_RECORD = (
    "id",
    "guild_id",
    "channel_id",
    "scene",
    "gm_id",
    "status",
    "version",
    "created_at",
    "updated_at",
    "ended_at",
    "ending",
    "turn",
    "turn_deadline",
)
_RECORD_COLUMNS = ", ".join(f"s.{column}" for column in _RECORD)
_LOADED = (
    f"SELECT {_RECORD_COLUMNS}, snapshots.state FROM sessions AS s "
    "JOIN snapshots ON snapshots.session_id = s.id"
)
_COMMIT = (
    "INSERT INTO commits (session_id, version, actor_id, kind, command, events, state, status, "
    "gm_id, turn, ending, seats, at, turn_deadline) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_NEW_SESSION = (
    "INSERT INTO sessions (guild_id, channel_id, scene, gm_id, status, created_at, updated_at, "
    "version) VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
)
_SAVE_SETTINGS = (
    "INSERT INTO settings (guild_id, recap_channel_id, gm_role_id, turn_timeout_minutes) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
    "recap_channel_id = excluded.recap_channel_id, gm_role_id = excluded.gm_role_id, "
    "turn_timeout_minutes = excluded.turn_timeout_minutes"
)


def _iso(moment: datetime | None) -> str | None:
    """A moment as UTC ISO text: one fixed format, so text order is time order."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _record(row: Sequence[Any]) -> SessionRecord:
    return SessionRecord.model_validate(dict(zip(_RECORD, row, strict=False)))


def _loaded(row: Sequence[Any]) -> StoredSession:
    state = SessionState.model_validate_json(row[len(_RECORD)])
    return StoredSession(record=_record(row), state=state)


def _seats_json(rows: Iterable[SeatRecord]) -> str:
    return json.dumps([row._asdict() for row in rows])


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise DatabaseFileError(path, f"cannot be read ({error.strerror})") from None
    if head and head != SQLITE_HEADER:
        raise NotADatabase(path)


class SqliteStore:
    """The Store on one SQLite file (WAL), through one aiosqlite connection.

    A commit is a single INSERT into the ``commits`` view, whose trigger writes the log entry,
    the session's row, its snapshot and (when they changed) its seats: one statement, one
    transaction, one round trip to the connection's thread. An asyncio lock keeps other
    statements out of the one multi-statement transaction (``create``).
    """

    def __init__(self, db: aiosqlite.Connection, path: Path | str) -> None:
        self._db = db
        self._lock = asyncio.Lock()
        self.path = path
        self._seat_rows: dict[int, tuple[int, tuple[SeatRecord, ...]]] = {}

    @classmethod
    async def open(cls, path: Path | str, synchronous: Synchronous = "FULL") -> SqliteStore:
        """Open (creating the file and its folder) and migrate to the latest schema.

        Raises ``NotADatabase`` or ``SchemaTooNew`` without writing to the file.
        """
        if str(path) != ":memory:":
            path = Path(path)
            _check_header(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise DatabaseFileError(path, f"cannot be opened ({error})") from None
        try:
            await _prepare(db, path, synchronous)
        except BaseException:
            await db.close()
            raise
        return cls(db, path)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        actor: cmd.Actor,
        command: cmd.Open,
        accepted: Accepted,
        *,
        at: datetime | None = None,
        turn_deadline: datetime | None = None,
    ) -> StoredSession:
        at = at or utcnow()
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                session_id = await self._new_session(guild_id, channel_id, accepted.state, at)
                await self._commit(session_id, 0, actor, command, accepted, at, turn_deadline)
                await self._db.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
            rows = await self._fetch(f"{_LOADED} WHERE s.id = ?", (session_id,))
        return self._remember(rows[0])

    async def commit(
        self,
        session_id: int,
        expected_version: int,
        actor: cmd.Actor,
        command: cmd.Command,
        accepted: Accepted,
        *,
        at: datetime | None = None,
        turn_deadline: datetime | None = None,
    ) -> int:
        async with self._lock:
            return await self._commit(
                session_id, expected_version, actor, command, accepted, at, turn_deadline
            )

    async def load(self, session_id: int) -> StoredSession | None:
        row = await self._one(f"{_LOADED} WHERE s.id = ?", (session_id,))
        return None if row is None else self._remember(row)

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        query = f"{_LOADED} WHERE s.channel_id = ? AND s.status <> 'ended'"
        row = await self._one(query, (channel_id,))
        return None if row is None else self._remember(row)

    async def open_sessions(self) -> list[StoredSession]:
        rows = await self._all(f"{_LOADED} WHERE s.status <> 'ended' ORDER BY s.id")
        return [self._remember(row) for row in rows]

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        query = (
            f"SELECT {_RECORD_COLUMNS} FROM sessions AS s WHERE s.guild_id = ? ORDER BY s.id DESC"
        )
        return [_record(row) for row in await self._all(query, (guild_id,))]

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        rows = await self._all(
            "SELECT version, actor_id, command, events, at FROM log "
            "WHERE session_id = ? AND version > ? ORDER BY version",
            (session_id, after),
        )
        return [
            LogEntry(
                session_id=session_id,
                version=version,
                actor_id=actor_id,
                command=COMMAND.validate_json(command),
                events=load_events(events),
                at=datetime.fromisoformat(at),
            )
            for version, actor_id, command, events, at in rows
        ]

    async def seats(self, session_id: int) -> list[SeatRecord]:
        rows = await self._all(
            "SELECT seat_key, role, member_id, character, muted FROM seats "
            "WHERE session_id = ? ORDER BY seat_key",
            (session_id,),
        )
        return [
            SeatRecord(key, role, member, name, bool(muted))
            for key, role, member, name, muted in rows
        ]

    async def settings(self, guild_id: int) -> Settings:
        row = await self._one(
            "SELECT recap_channel_id, gm_role_id, turn_timeout_minutes FROM settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return Settings(guild_id=guild_id)
        recap, role, timeout = row
        return Settings(
            guild_id=guild_id, recap_channel_id=recap, gm_role_id=role, turn_timeout_minutes=timeout
        )

    async def save_settings(self, settings: Settings) -> None:
        values = settings.model_dump()
        async with self._lock:
            await self._db.execute(
                _SAVE_SETTINGS, tuple(values[key] for key in Settings.model_fields)
            )

    async def integrity_check(self) -> str:
        """SQLite's own check of the whole file: ``"ok"`` when it is sound."""
        return "\n".join(str(row[0]) for row in await self._all("PRAGMA integrity_check"))

    async def schema_version(self) -> int:
        async with self._lock:
            return await schema_version(self._db)

    async def _new_session(
        self, guild_id: int, channel_id: int, state: SessionState, at: datetime
    ) -> int:
        values = (guild_id, channel_id, state.scene, state.gm_id, state.status.value)
        try:
            row = await self._db.execute_insert(_NEW_SESSION, (*values, _iso(at), _iso(at)))
        except sqlite3.IntegrityError:
            raise ChannelBusy(channel_id) from None
        assert row is not None
        return int(row[0])

    async def _commit(
        self,
        session_id: int,
        expected_version: int,
        actor: cmd.Actor,
        command: cmd.Command,
        accepted: Accepted,
        at: datetime | None,
        turn_deadline: datetime | None,
    ) -> int:
        state = accepted.state
        version = expected_version + 1
        rows = seat_records(state)
        unchanged = self._seat_rows.get(session_id) == (expected_version, rows)
        params = (
            session_id,
            version,
            actor.member_id,
            command.kind,
            command.model_dump_json(),
            dump_events(accepted.events),
            state.model_dump_json(),
            state.status.value,
            state.gm_id,
            state.turn,
            ending_key(state),
            None if unchanged else _seats_json(rows),
            _iso(at or utcnow()),
            _iso(turn_deadline),
        )
        try:
            await self._db.execute(_COMMIT, params)
        except sqlite3.IntegrityError as error:
            raise _commit_error(error, session_id, expected_version) from None
        self._seat_rows[session_id] = (version, rows)
        return version

    async def _rollback(self) -> None:
        if self._db.in_transaction:
            await self._db.execute("ROLLBACK")
        self._seat_rows.clear()

    async def _fetch(self, query: str, params: tuple[object, ...] = ()) -> list[Any]:
        """Run a query; the caller holds the lock."""
        return list(await self._db.execute_fetchall(query, params))

    async def _all(self, query: str, params: tuple[object, ...] = ()) -> list[Any]:
        async with self._lock:
            return await self._fetch(query, params)

    async def _one(self, query: str, params: tuple[object, ...]) -> Any:
        rows = await self._all(query, params)
        return rows[0] if rows else None

    def _remember(self, row: Sequence[Any]) -> StoredSession:
        """Parse a loaded row, noting its seats so the next commit can skip rewriting them."""
        loaded = _loaded(row)
        self._seat_rows[loaded.id] = (loaded.version, seat_records(loaded.state))
        return loaded


async def _prepare(db: aiosqlite.Connection, path: Path | str, synchronous: Synchronous) -> None:
    """Check the file's schema version, set the connection's pragmas, migrate."""
    try:
        found = await schema_version(db)
    except sqlite3.OperationalError as error:
        raise DatabaseFileError(path, f"cannot be opened ({error})") from None
    except sqlite3.DatabaseError as error:
        raise NotADatabase(path, str(error)) from None
    if found > latest_version():
        raise SchemaTooNew(path, found, latest_version())
    await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute(f"PRAGMA synchronous = {synchronous}")
    await db.execute("PRAGMA foreign_keys = ON")
    await migrate(db, path)


def _commit_error(error: sqlite3.IntegrityError, session_id: int, expected: int) -> Exception:
    text = str(error)
    if "no such session" in text:
        return SessionNotFound(session_id)
    if "version conflict" in text or "log.session_id, log.version" in text:
        return VersionConflict(session_id, expected)
    if "seats." in text:
        return SeatConflict(session_id)
    return error

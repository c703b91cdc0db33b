"""The Store: the one interface to persisted sessions; SqliteStore implements it on SQLite.

(db.postgres.PostgresStore implements it on PostgreSQL; ``open_store`` picks one.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from pydantic import TypeAdapter

from db.errors import (
    ChannelBusy,
    DatabaseFileError,
    LineRepeated,
    NotADatabase,
    SchemaTooNew,
    SeatConflict,
    SessionNotFound,
    VersionConflict,
)
from db.migrate import latest_version, migrate, schema_version
from db.models import (
    LogEntry,
    Repeat,
    SeatRecord,
    ServerSettings,
    SessionRecord,
    StoredSession,
    Unposted,
    ending_key,
    seat_records,
    utcnow,
)
from db.shards import Shards
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
T = TypeVar("T")
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
        post: str | None = None,
        repeat_since: datetime | None = None,
    ) -> int:
        """Record ``command`` as version ``expected_version + 1`` and return that version.

        ``post``: the line the bot posts for this command, kept in the outbox, in the same
        transaction, until ``posted``. With ``repeat_since`` too, the same transaction first
        looks for that line as ``repeated`` would, and if it is there writes nothing and raises
        ``LineRepeated``. Raises ``VersionConflict`` when the session is no longer at
        ``expected_version``.
        """
        ...

    async def unposted(self, shards: Shards | None = None) -> list[Unposted]:
        """The outbox's lines not posted yet, in order (``shards``' servers' only if given)."""
        ...

    async def posted(self, session_id: int, version: int, late: datetime | None = None) -> None:
        """The line is in its channel: by its command's answer (forgotten), or ``late``, at a
        start (kept, with that moment, so a player's retry of it is known for one)."""
        ...

    async def repeated(
        self, session_id: int, actor_id: int, kind: str, text: str, since: datetime
    ) -> Repeat | None:
        """The member's latest ``kind`` line of this ``text`` stored since ``since`` that its
        own command never answered (unposted, or posted late), if any."""
        ...

    async def load(self, session_id: int) -> StoredSession | None: ...

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        """The channel's session that has not ended, if any."""
        ...

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        """A server's sessions, open and ended, newest first."""
        ...

    async def open_sessions(self, shards: Shards | None = None) -> list[StoredSession]:
        """Every session that has not ended (for a restart); only ``shards``' servers' if given."""
        ...

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        """The session's log entries after version ``after``, in order."""
        ...

    async def seats(self, session_id: int) -> list[SeatRecord]: ...

    async def settings(self, guild_id: int) -> ServerSettings: ...

    async def save_settings(self, settings: ServerSettings) -> None: ...

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
RECORD_COLUMNS = ", ".join(f"s.{column}" for column in _RECORD)
LOADED = (
    f"SELECT {RECORD_COLUMNS}, snapshots.state FROM sessions AS s "
    "JOIN snapshots ON snapshots.session_id = s.id"
)
_INSERT_LOG = (
    "INSERT INTO log (session_id, version, actor_id, kind, command, events, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_SESSION = (
    "UPDATE sessions SET version = ?, status = ?, gm_id = ?, turn = ?, ending = ?, "
    "updated_at = ?, ended_at = CASE WHEN ? = 'ended' THEN coalesce(ended_at, ?) END, "
    "turn_deadline = ? WHERE id = ? AND version = ?"
)
_SAVE_SNAPSHOT = (
    "INSERT INTO snapshots (session_id, version, state) VALUES (?, ?, ?) "
    "ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, state = excluded.state"
)
_INSERT_SEAT = (
    "INSERT INTO seats (session_id, seat_key, role, member_id, character, muted) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_NEW_SESSION = (
    "INSERT INTO sessions (guild_id, channel_id, scene, gm_id, status, created_at, updated_at, "
    "version) VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
)
INSERT_OUTBOX = "INSERT INTO outbox (session_id, version, text) VALUES (?, ?, ?)"
UNPOSTED = (
    "SELECT s.guild_id, s.channel_id, l.session_id, l.version, l.actor_id, l.command, l.events, "
    "l.at FROM outbox AS o JOIN log AS l ON l.session_id = o.session_id AND "
    "l.version = o.version JOIN sessions AS s ON s.id = o.session_id WHERE o.posted_at IS NULL"
)
UNPOSTED_ORDER = " ORDER BY o.session_id, o.version"
REPEATED = (
    "SELECT o.version, o.posted_at IS NOT NULL FROM outbox AS o JOIN log AS l "
    "ON l.session_id = o.session_id AND l.version = o.version WHERE o.session_id = ? "
    "AND l.actor_id = ? AND l.kind = ? AND o.text = ? AND l.at >= ? "
    "ORDER BY o.version DESC LIMIT 1"
)
POSTED_LATE = "UPDATE outbox SET posted_at = ? WHERE session_id = ? AND version = ?"
POSTED = "DELETE FROM outbox WHERE session_id = ? AND version = ?"
SAVE_SETTINGS = (
    "INSERT INTO settings (guild_id, recap_channel_id, gm_role_id, turn_timeout_minutes) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
    "recap_channel_id = excluded.recap_channel_id, gm_role_id = excluded.gm_role_id, "
    "turn_timeout_minutes = excluded.turn_timeout_minutes"
)


class Write(NamedTuple):
    """One commit's values, serialised on the event loop before the hop to the database."""

    session_id: int
    expected: int
    actor_id: int
    kind: str
    command: str
    events: str
    state: str
    status: str
    gm_id: int
    turn: str | None
    ending: str | None
    at: datetime
    turn_deadline: datetime | None
    seats: tuple[SeatRecord, ...] | None  # None: the seats did not change
    post: str | None = None  # the line for the outbox (None: nothing to post from it)
    repeat_since: datetime | None = None  # with post: refuse a repeat of it stored since then

    @property
    def version(self) -> int:
        return self.expected + 1


class SeatMemory:
    """The seats each session had at its last known version, so a commit can skip rewriting
    them when they did not change (most commands)."""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[int, tuple[SeatRecord, ...]]] = {}

    def write(
        self,
        session_id: int,
        expected_version: int,
        actor: cmd.Actor,
        command: cmd.Command,
        accepted: Accepted,
        at: datetime | None,
        turn_deadline: datetime | None,
    ) -> Write:
        state = accepted.state
        rows = seat_records(state)
        unchanged = self._rows.get(session_id) == (expected_version, rows)
        return Write(
            session_id,
            expected_version,
            actor.member_id,
            command.kind,
            command.model_dump_json(),
            dump_events(accepted.events),
            state.model_dump_json(),
            state.status.value,
            state.gm_id,
            state.turn,
            ending_key(state),
            at or utcnow(),
            turn_deadline,
            None if unchanged else rows,
        )

    def committed(self, write: Write, state: SessionState) -> None:
        self._rows[write.session_id] = (write.version, seat_records(state))

    def forget(self, session_id: int) -> None:
        self._rows.pop(session_id, None)

    def remember(self, row: Sequence[Any]) -> StoredSession:
        """Parse a loaded row, noting its seats so the next commit can skip rewriting them."""
        loaded = loaded_session(row)
        self._rows[loaded.id] = (loaded.version, seat_records(loaded.state))
        return loaded


def iso(moment: datetime | None) -> str | None:
    """A moment as UTC ISO text: one fixed format, so text order is time order."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def session_record(row: Sequence[Any]) -> SessionRecord:
    return SessionRecord.model_validate(dict(zip(_RECORD, row, strict=False)))


def loaded_session(row: Sequence[Any]) -> StoredSession:
    state = SessionState.model_validate_json(row[len(_RECORD)])
    return StoredSession(record=session_record(row), state=state)


def unposted_line(row: Sequence[Any]) -> Unposted:
    guild_id, channel_id, session_id, *entry = row
    return Unposted(guild_id=guild_id, channel_id=channel_id, entry=log_entry(session_id, entry))


def log_entry(session_id: int, row: Sequence[Any]) -> LogEntry:
    version, actor_id, command, events, at = row
    return LogEntry(
        session_id=session_id,
        version=version,
        actor_id=actor_id,
        command=COMMAND.validate_json(command),
        events=load_events(events),
        at=at if isinstance(at, datetime) else datetime.fromisoformat(at),
    )


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
    """The Store on one SQLite file (WAL), through one connection on one thread of its own.

    Every call is one hop to that thread: a commit runs there whole, ``BEGIN IMMEDIATE``, the
    log entry (its primary key turns away a second write at the same version), the session's
    row (only at the expected version), its snapshot, its seats when they changed, the line it
    has the bot post (the outbox) if any, ``COMMIT``.
    The thread runs one call at a time, so no transaction ever interleaves with another.
    """

    def __init__(
        self, db: sqlite3.Connection, path: Path | str, thread: ThreadPoolExecutor
    ) -> None:
        self._db = db
        self._thread = thread
        self._closed = False
        self.path = path
        self._seats = SeatMemory()

    @classmethod
    async def open(cls, path: Path | str, synchronous: Synchronous = "FULL") -> SqliteStore:
        """Open (creating the file and its folder) and migrate to the latest schema.

        Raises ``NotADatabase`` or ``SchemaTooNew`` without writing to the file.
        """
        if str(path) != ":memory:":
            path = Path(path)
            _check_header(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        loop = asyncio.get_running_loop()
        try:
            db = await loop.run_in_executor(thread, _connect, path, synchronous)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        return cls(db, path, thread)

    async def close(self) -> None:
        """Close the connection and end its thread (again: nothing more)."""
        if self._closed:
            return
        self._closed = True
        await self._run(self._db.close)
        self._thread.shutdown(wait=False)

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
        state = accepted.state
        row = (guild_id, channel_id, state.scene, state.gm_id, state.status.value, iso(at), iso(at))
        write = self._seats.write(0, 0, actor, command, accepted, at, turn_deadline)
        loaded = await self._run(_create, self._db, channel_id, row, write)
        return self._seats.remember(loaded)

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
        post: str | None = None,
        repeat_since: datetime | None = None,
    ) -> int:
        write = self._seats.write(
            session_id, expected_version, actor, command, accepted, at, turn_deadline
        )._replace(post=post, repeat_since=repeat_since)
        try:
            await self._run(_transaction, self._db, _write, write)
        except BaseException:
            self._seats.forget(session_id)
            raise
        self._seats.committed(write, accepted.state)
        return write.version

    async def load(self, session_id: int) -> StoredSession | None:
        row = await self._one(f"{LOADED} WHERE s.id = ?", (session_id,))
        return None if row is None else self._seats.remember(row)

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        query = f"{LOADED} WHERE s.channel_id = ? AND s.status <> 'ended'"
        row = await self._one(query, (channel_id,))
        return None if row is None else self._seats.remember(row)

    async def open_sessions(self, shards: Shards | None = None) -> list[StoredSession]:
        query = f"{LOADED} WHERE s.status <> 'ended'"
        params: tuple[int, ...] = ()
        if shards is not None:
            marks = ", ".join("?" * len(shards.ids))
            query += f" AND ((s.guild_id >> 22) % ?) IN ({marks})"
            params = (shards.count, *shards.ids)
        rows = await self._all(f"{query} ORDER BY s.id", params)
        return [self._seats.remember(row) for row in rows]

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        query = f"SELECT {RECORD_COLUMNS} FROM sessions AS s WHERE s.guild_id = ? ORDER BY id DESC"
        return [session_record(row) for row in await self._all(query, (guild_id,))]

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        rows = await self._all(
            "SELECT version, actor_id, command, events, at FROM log "
            "WHERE session_id = ? AND version > ? ORDER BY version",
            (session_id, after),
        )
        return [log_entry(session_id, row) for row in rows]

    async def unposted(self, shards: Shards | None = None) -> list[Unposted]:
        query = UNPOSTED
        params: tuple[int, ...] = ()
        if shards is not None:
            marks = ", ".join("?" * len(shards.ids))
            query += f" AND ((s.guild_id >> 22) % ?) IN ({marks})"
            params = (shards.count, *shards.ids)
        return [unposted_line(row) for row in await self._all(query + UNPOSTED_ORDER, params)]

    async def posted(self, session_id: int, version: int, late: datetime | None = None) -> None:
        if late is None:
            await self._run(self._db.execute, POSTED, (session_id, version))
        else:
            await self._run(self._db.execute, POSTED_LATE, (iso(late), session_id, version))

    async def repeated(
        self, session_id: int, actor_id: int, kind: str, text: str, since: datetime
    ) -> Repeat | None:
        row = await self._one(REPEATED, (session_id, actor_id, kind, text, iso(since)))
        return None if row is None else Repeat(row[0], bool(row[1]))

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

    async def settings(self, guild_id: int) -> ServerSettings:
        row = await self._one(
            "SELECT recap_channel_id, gm_role_id, turn_timeout_minutes FROM settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return ServerSettings(guild_id=guild_id)
        recap, role, timeout = row
        return ServerSettings(
            guild_id=guild_id, recap_channel_id=recap, gm_role_id=role, turn_timeout_minutes=timeout
        )

    async def save_settings(self, settings: ServerSettings) -> None:
        values = settings.model_dump()
        params = tuple(values[key] for key in ServerSettings.model_fields)
        await self._run(self._db.execute, SAVE_SETTINGS, params)

    async def integrity_check(self) -> str:
        """SQLite's own check of the whole file: ``"ok"`` when it is sound."""
        return "\n".join(str(row[0]) for row in await self._all("PRAGMA integrity_check"))

    async def schema_version(self) -> int:
        return await self._run(schema_version, self._db)

    async def run_on_connection(self, call: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``call(connection)`` on the store's thread, between two of its transactions."""
        return await self._run(call, self._db)

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        """Run ``call`` on the connection's thread: the one hop."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, call, *args)

    async def _all(self, query: str, params: tuple[object, ...] = ()) -> list[Any]:
        return await self._run(_fetch, self._db, query, params)

    async def _one(self, query: str, params: tuple[object, ...]) -> Any:
        rows = await self._all(query, params)
        return rows[0] if rows else None


async def open_store(
    database_url: str | None,
    database_path: Path | str = Path("data/castle.sqlite3"),
    synchronous: Synchronous = "FULL",
    pool_size: int = 10,
) -> Store:
    """PostgreSQL when ``database_url`` names a server, else the SQLite file at
    ``database_path``."""
    if database_url:
        from db.postgres import PostgresStore

        return await PostgresStore.open(database_url, pool_size)
    return await SqliteStore.open(database_path, synchronous)


# What runs on the SQLite connection's thread.


def _fetch(db: sqlite3.Connection, query: str, params: tuple[object, ...]) -> list[Any]:
    return db.execute(query, params).fetchall()


def _transaction(db: sqlite3.Connection, body: Callable[..., T], *args: Any) -> T:
    db.execute("BEGIN IMMEDIATE")
    try:
        result = body(db, *args)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


def _write(db: sqlite3.Connection, write: Write) -> None:
    """One commit's statements, inside the caller's transaction."""
    at, deadline = iso(write.at), iso(write.turn_deadline)
    session_id = write.session_id
    if write.post is not None and write.repeat_since is not None:
        repeat = (session_id, write.actor_id, write.kind, write.post, iso(write.repeat_since))
        found = db.execute(REPEATED, repeat).fetchone()
        if found is not None:
            raise LineRepeated(session_id, Repeat(found[0], bool(found[1])))
    log = (session_id, write.version, write.actor_id, write.kind, write.command, write.events, at)
    try:
        db.execute(_INSERT_LOG, log)
    except sqlite3.IntegrityError:  # the primary key (session, version), or no such session
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise SessionNotFound(session_id) from None
        raise VersionConflict(session_id, write.expected) from None
    session = (write.version, write.status, write.gm_id, write.turn, write.ending, at)
    ended = (write.status, at, deadline, session_id, write.expected)
    if db.execute(_UPDATE_SESSION, session + ended).rowcount != 1:
        raise VersionConflict(session_id, write.expected)
    db.execute(_SAVE_SNAPSHOT, (session_id, write.version, write.state))
    if write.seats is not None:
        db.execute("DELETE FROM seats WHERE session_id = ?", (session_id,))
        try:
            db.executemany(_INSERT_SEAT, [(session_id, *seat) for seat in write.seats])
        except sqlite3.IntegrityError:  # one member in two seats
            raise SeatConflict(session_id) from None
    if write.post is not None:
        db.execute(INSERT_OUTBOX, (session_id, write.version, write.post))


def _create(db: sqlite3.Connection, channel_id: int, row: tuple[object, ...], write: Write) -> Any:
    def body(db: sqlite3.Connection) -> int:
        try:
            session_id = db.execute(_NEW_SESSION, row).lastrowid
        except sqlite3.IntegrityError:  # the channel's one open session
            raise ChannelBusy(channel_id) from None
        assert session_id is not None
        _write(db, write._replace(session_id=session_id))
        return session_id

    session_id = _transaction(db, body)
    return db.execute(f"{LOADED} WHERE s.id = ?", (session_id,)).fetchone()


def _connect(path: Path | str, synchronous: Synchronous) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise DatabaseFileError(path, f"cannot be opened ({error})") from None
    try:
        _prepare(db, path, synchronous)
    except BaseException:
        db.close()
        raise
    return db


def _prepare(db: sqlite3.Connection, path: Path | str, synchronous: Synchronous) -> None:
    """Check the file's schema version, set the connection's pragmas, migrate."""
    try:
        found = schema_version(db)
    except sqlite3.OperationalError as error:
        raise DatabaseFileError(path, f"cannot be opened ({error})") from None
    except sqlite3.DatabaseError as error:
        raise NotADatabase(path, str(error)) from None
    if found > latest_version():
        raise SchemaTooNew(path, found, latest_version())
    _journal_mode_wal(db)
    db.execute(f"PRAGMA synchronous = {synchronous}")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db, path)


def _journal_mode_wal(db: sqlite3.Connection) -> None:
    """Put the file in WAL mode (it stays so: only a new file's first opener changes it).

    Changing the journal mode needs the file to itself. When two connections try at once, one
    of them is refused with SQLITE_BUSY at once, without the busy timeout (SQLite's deadlock
    avoidance: both hold a read lock and want to write). The refused one has released its lock,
    so it retries, until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.005)

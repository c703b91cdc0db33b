"""PostgresStore: the Store on PostgreSQL through one asyncpg pool (``DATABASE_URL=postgresql://…``).

The same contract as SqliteStore: a commit is one transaction (its log entry, whose primary key
``(session_id, version)`` turns away a second write at the same version, the session's row at
the expected version only, its snapshot, its seats when they changed, its outbox line if any),
and returns after COMMIT.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import asyncpg

from db.errors import (
    ChannelBusy,
    DatabaseUnreachable,
    LineRepeated,
    MigrationFailed,
    SchemaTooNew,
    SeatConflict,
    SessionNotFound,
    VersionConflict,
)
from db.migrate import POSTGRES_MIGRATIONS_DIR, migrations
from db.models import (
    LogEntry,
    Repeat,
    SeatRecord,
    ServerSettings,
    SessionRecord,
    StoredSession,
    Unposted,
    utcnow,
)
from db.shards import Shards
from db.store import (
    INSERT_OUTBOX,
    LOADED,
    POSTED,
    POSTED_LATE,
    RECORD_COLUMNS,
    REPEATED,
    SAVE_SETTINGS,
    UNPOSTED,
    UNPOSTED_ORDER,
    SeatMemory,
    Write,
    log_entry,
    session_record,
    unposted_line,
)
from scenes.engine import commands as cmd
from scenes.engine.session import Accepted

# One pool per process, shared by all its shards: they share one event loop, and a commit holds
# a connection only for its transaction (about a millisecond), so ten serve hundreds of commands
# a second (README, "Deploying at scale").
POOL_SIZE = 10
CONNECT_TIMEOUT = 10.0
# pg_advisory_xact_lock's key for migrations: two processes starting at once apply them once.
MIGRATION_LOCK = 0x436173746C65  # "Castle"
_SECRET_KEYS = {"password", "passfile", "sslpassword"}


def _numbered(query: str) -> str:
    """SQLite's ``?`` placeholders as PostgreSQL's ``$1, $2, …``."""
    count = 0

    def next_number(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return re.sub(r"\?", next_number, query)


_LOADED_BY_ID = _numbered(f"{LOADED} WHERE s.id = ?")
_LOADED_BY_CHANNEL = _numbered(f"{LOADED} WHERE s.channel_id = ? AND s.status <> 'ended'")
_OPEN = f"{LOADED} WHERE s.status <> 'ended'"
_OF_GUILD = _numbered(
    f"SELECT {RECORD_COLUMNS} FROM sessions AS s WHERE s.guild_id = ? ORDER BY id DESC"
)
_SAVE_SETTINGS = _numbered(SAVE_SETTINGS)
_INSERT_OUTBOX = _numbered(INSERT_OUTBOX)
_REPEATED = _numbered(REPEATED)
_POSTED = _numbered(POSTED)
_POSTED_LATE = _numbered(POSTED_LATE)
_NEW_SESSION = (
    "INSERT INTO sessions (guild_id, channel_id, scene, gm_id, status, created_at, updated_at, "
    "version) VALUES ($1, $2, $3, $4, $5, $6, $6, 0) RETURNING id"
)
_INSERT_LOG = (
    "INSERT INTO log (session_id, version, actor_id, kind, command, events, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
)
_UPDATE_SESSION = (
    "UPDATE sessions SET version = $2, status = $3, gm_id = $4, turn = $5, ending = $6, "
    "updated_at = $7, ended_at = CASE WHEN $3 = 'ended' THEN coalesce(ended_at, $7) END, "
    "turn_deadline = $8 WHERE id = $1 AND version = $9"
)
_SAVE_SNAPSHOT = (
    "INSERT INTO snapshots (session_id, version, state) VALUES ($1, $2, $3) "
    "ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, state = excluded.state"
)
# A commit whose seats did not change (most): one statement, so one transaction and one round
# trip. The log entry is written only while the session is at the expected version (as of the
# statement's start) and its line ($15), if any, repeats no unanswered one of the member's since
# $16 (``REPEATED``); a second writer racing at that version waits on the first one's entry in
# the log's primary key, and is turned away by it once the first commits. The session's row,
# snapshot and outbox line follow the log entry, so nothing is written unless it was.
_COMMIT = """
WITH repeat AS (
    SELECT o.version, o.posted_at IS NOT NULL AS late FROM outbox AS o JOIN log AS l
        ON l.session_id = o.session_id AND l.version = o.version
    WHERE $16::timestamptz IS NOT NULL AND o.session_id = $1 AND l.actor_id = $3
        AND l.kind = $4 AND o.text = $15::text AND l.at >= $16
    ORDER BY o.version DESC LIMIT 1
), logged AS (
    INSERT INTO log (session_id, version, actor_id, kind, command, events, at)
    SELECT $1, $2, $3, $4, $5, $6, $7
    WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND version = $9)
        AND NOT EXISTS (SELECT 1 FROM repeat)
    RETURNING session_id
), moved AS (
    UPDATE sessions SET version = $2, status = $10, gm_id = $11, turn = $12, ending = $13,
        updated_at = $7, ended_at = CASE WHEN $10 = 'ended' THEN coalesce(ended_at, $7) END,
        turn_deadline = $8
    FROM logged WHERE sessions.id = logged.session_id AND sessions.version = $9
    RETURNING sessions.id
), snapshot AS (
    INSERT INTO snapshots (session_id, version, state) SELECT id, $2, $14 FROM moved
    ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, state = excluded.state
    RETURNING session_id
), outboxed AS (
    INSERT INTO outbox (session_id, version, text) SELECT id, $2, $15 FROM moved
    WHERE $15::text IS NOT NULL
)
SELECT (SELECT count(*) FROM snapshot), EXISTS (SELECT 1 FROM sessions WHERE id = $1),
    (SELECT version FROM repeat), (SELECT late FROM repeat)
"""
_INSERT_SEATS = (
    "INSERT INTO seats (session_id, seat_key, role, member_id, character, muted) "
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::boolean[])"
)
_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


def redacted(url: str) -> str:
    """The URL as it may be shown or logged: any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        secret = any(key.lower() in _SECRET_KEYS for key, _ in pairs)
        if parts.password is None and not secret:
            return url
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}:***@{host}"
        query = urlencode(
            [(key, "***" if key.lower() in _SECRET_KEYS else value) for key, value in pairs],
            safe="/",
        )
        return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")
    except ValueError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url.split("?")[0])


def latest_version() -> int:
    """The PostgreSQL schema version this code writes."""
    return migrations(POSTGRES_MIGRATIONS_DIR)[-1].version


def _reason(error: BaseException, url: str) -> str:
    """One line on why the server cannot be used, without the password if the error held it."""
    text = " ".join(str(error).split()) or type(error).__name__
    password = _password(url)
    if password:
        text = text.replace(password, "***")
    if isinstance(error, OSError | TimeoutError) and not isinstance(error, ConnectionError):
        return f"cannot reach the server ({text})"
    if isinstance(error, ConnectionError):
        return f"the server refused the connection ({text})"
    return f"cannot connect ({text})"


def _password(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        return parts.password or query.get("password")
    except ValueError:
        return None


async def _nothing_to_reset(conn: asyncpg.Connection) -> None:
    """The pool's reset when a connection comes back: the store never changes a session's
    settings, listens, or holds a lock past its transaction, so asyncpg's default reset (one
    more round trip after every command: RESET ALL, UNLISTEN *, …) has nothing to undo."""


class PostgresStore:
    """The Store on a PostgreSQL database, through one asyncpg connection pool."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self._pool = pool
        self.where = where
        self._seats = SeatMemory()

    @classmethod
    async def open(cls, url: str, pool_size: int = POOL_SIZE) -> PostgresStore:
        """Connect and migrate to the latest schema, all pending migrations in one transaction.

        Raises ``DatabaseUnreachable`` (a bad URL, no server, refused login, no such database)
        or ``SchemaTooNew`` (leaving the database untouched), each one line without the password.
        """
        where = redacted(url)
        if urlsplit(url).scheme not in ("postgres", "postgresql"):
            raise DatabaseUnreachable(where, "not a postgresql:// URL")
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=pool_size,
                timeout=CONNECT_TIMEOUT,
                reset=_nothing_to_reset,
            )
        except (OSError, TimeoutError, ValueError, asyncpg.PostgresError) as error:
            raise DatabaseUnreachable(where, _reason(error, url)) from None
        except asyncpg.InterfaceError as error:
            raise DatabaseUnreachable(where, _reason(error, url)) from None
        try:
            async with pool.acquire() as conn:
                await migrate(conn, where)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, where)

    async def close(self) -> None:
        await self._pool.close()

    def connection(self) -> Any:
        """One of the pool's connections, for ``async with`` (migrate-to's one transaction)."""
        return self._pool.acquire()

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
        write = self._seats.write(0, 0, actor, command, accepted, at, turn_deadline)
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                try:
                    session_id = await conn.fetchval(
                        _NEW_SESSION,
                        guild_id,
                        channel_id,
                        state.scene,
                        state.gm_id,
                        state.status.value,
                        at,
                    )
                except asyncpg.UniqueViolationError:  # the channel's one open session
                    raise ChannelBusy(channel_id) from None
                await _write(conn, write._replace(session_id=session_id))
            row = await conn.fetchrow(_LOADED_BY_ID, session_id)
        return self._seats.remember(row)

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
            async with self._pool.acquire() as conn:
                if write.seats is None:  # most: one statement
                    await _commit_at_once(conn, write)
                else:
                    async with conn.transaction():
                        await _write(conn, write)
        except LineRepeated:
            raise  # nothing was written, and the seats are as they were
        except BaseException:
            self._seats.forget(session_id)
            raise
        self._seats.committed(write, accepted.state)
        return write.version

    async def load(self, session_id: int) -> StoredSession | None:
        row = await self._pool.fetchrow(_LOADED_BY_ID, session_id)
        return None if row is None else self._seats.remember(row)

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        row = await self._pool.fetchrow(_LOADED_BY_CHANNEL, channel_id)
        return None if row is None else self._seats.remember(row)

    async def open_sessions(self, shards: Shards | None = None) -> list[StoredSession]:
        if shards is None:
            rows = await self._pool.fetch(f"{_OPEN} ORDER BY s.id")
        else:
            query = f"{_OPEN} AND ((s.guild_id >> 22) % $1) = ANY($2::int[]) ORDER BY s.id"
            rows = await self._pool.fetch(query, shards.count, list(shards.ids))
        return [self._seats.remember(row) for row in rows]

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        return [session_record(row) for row in await self._pool.fetch(_OF_GUILD, guild_id)]

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        rows = await self._pool.fetch(
            "SELECT version, actor_id, command, events, at FROM log "
            "WHERE session_id = $1 AND version > $2 ORDER BY version",
            session_id,
            after,
        )
        return [log_entry(session_id, row) for row in rows]

    async def unposted(self, shards: Shards | None = None) -> list[Unposted]:
        if shards is None:
            rows = await self._pool.fetch(UNPOSTED + UNPOSTED_ORDER)
        else:
            query = f"{UNPOSTED} AND ((s.guild_id >> 22) % $1) = ANY($2::int[]){UNPOSTED_ORDER}"
            rows = await self._pool.fetch(query, shards.count, list(shards.ids))
        return [unposted_line(row) for row in rows]

    async def posted(self, session_id: int, version: int, late: datetime | None = None) -> None:
        if late is None:
            await self._pool.execute(_POSTED, session_id, version)
        else:
            await self._pool.execute(_POSTED_LATE, late, session_id, version)

    async def repeated(
        self, session_id: int, actor_id: int, kind: str, text: str, since: datetime
    ) -> Repeat | None:
        row = await self._pool.fetchrow(_REPEATED, session_id, actor_id, kind, text, since)
        return None if row is None else Repeat(row[0], bool(row[1]))

    async def seats(self, session_id: int) -> list[SeatRecord]:
        rows = await self._pool.fetch(
            "SELECT seat_key, role, member_id, character, muted FROM seats "
            "WHERE session_id = $1 ORDER BY seat_key",
            session_id,
        )
        return [SeatRecord(*row) for row in rows]

    async def settings(self, guild_id: int) -> ServerSettings:
        row = await self._pool.fetchrow(
            "SELECT recap_channel_id, gm_role_id, turn_timeout_minutes FROM settings "
            "WHERE guild_id = $1",
            guild_id,
        )
        if row is None:
            return ServerSettings(guild_id=guild_id)
        recap, role, timeout = row
        return ServerSettings(
            guild_id=guild_id, recap_channel_id=recap, gm_role_id=role, turn_timeout_minutes=timeout
        )

    async def save_settings(self, settings: ServerSettings) -> None:
        values = settings.model_dump()
        await self._pool.execute(
            _SAVE_SETTINGS, *(values[key] for key in ServerSettings.model_fields)
        )

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            return await schema_version(conn)


async def _commit_at_once(conn: asyncpg.Connection, write: Write) -> None:
    """A commit that leaves the seats as they were, as one statement (``_COMMIT``)."""
    try:
        written, exists, repeat, late = await conn.fetchrow(
            _COMMIT,
            write.session_id,
            write.version,
            write.actor_id,
            write.kind,
            write.command,
            write.events,
            write.at,
            write.turn_deadline,
            write.expected,
            write.status,
            write.gm_id,
            write.turn,
            write.ending,
            write.state,
            write.post,
            write.repeat_since,
        )
    except asyncpg.UniqueViolationError:  # the primary key (session_id, version)
        raise VersionConflict(write.session_id, write.expected) from None
    if repeat is not None:
        raise LineRepeated(write.session_id, Repeat(repeat, late))
    if not exists:
        raise SessionNotFound(write.session_id)
    if written != 1:
        raise VersionConflict(write.session_id, write.expected)


async def _write(conn: asyncpg.Connection, write: Write) -> None:
    """One commit's statements, inside the caller's transaction."""
    session_id = write.session_id
    if write.post is not None and write.repeat_since is not None:
        found = await conn.fetchrow(
            _REPEATED, session_id, write.actor_id, write.kind, write.post, write.repeat_since
        )
        if found is not None:
            raise LineRepeated(session_id, Repeat(found[0], bool(found[1])))
    try:
        await conn.execute(
            _INSERT_LOG,
            session_id,
            write.version,
            write.actor_id,
            write.kind,
            write.command,
            write.events,
            write.at,
        )
    except asyncpg.UniqueViolationError:  # the primary key (session_id, version)
        raise VersionConflict(session_id, write.expected) from None
    except asyncpg.ForeignKeyViolationError:
        raise SessionNotFound(session_id) from None
    updated = await conn.execute(
        _UPDATE_SESSION,
        session_id,
        write.version,
        write.status,
        write.gm_id,
        write.turn,
        write.ending,
        write.at,
        write.turn_deadline,
        write.expected,
    )
    if updated != "UPDATE 1":
        raise VersionConflict(session_id, write.expected)
    await conn.execute(_SAVE_SNAPSHOT, session_id, write.version, write.state)
    if write.seats is not None:
        await conn.execute("DELETE FROM seats WHERE session_id = $1", session_id)
        columns = [list(column) for column in zip(*write.seats, strict=True)] or [[]] * 5
        try:
            await conn.execute(_INSERT_SEATS, session_id, *columns)
        except asyncpg.UniqueViolationError:  # one member in two seats
            raise SeatConflict(session_id) from None
    if write.post is not None:
        await conn.execute(_INSERT_OUTBOX, session_id, write.version, write.post)


async def schema_version(conn: asyncpg.Connection) -> int:
    """The highest migration recorded in ``schema_migrations`` (0 before the first)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def migrate(conn: asyncpg.Connection, where: str, target: int | None = None) -> int:
    """Apply every pending migration up to ``target`` in one transaction, and record each.

    An advisory lock held to the transaction's end serialises processes starting at once; a
    newer schema than this code knows raises ``SchemaTooNew`` and changes nothing.
    """
    known = latest_version()
    target = known if target is None else target
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        found = await schema_version(conn)
        if found > known:
            raise SchemaTooNew(where, found, known)
        if found >= target:
            return found
        await conn.execute(_MIGRATIONS_TABLE)
        for migration in migrations(POSTGRES_MIGRATIONS_DIR):
            if found < migration.version <= target:
                try:
                    await conn.execute(migration.text())
                except asyncpg.PostgresError as error:
                    raise MigrationFailed(where, migration.name, error) from error
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
    return target

"""MemoryStore: the Store in a process's memory, with SqliteStore's rules, for tests of callers."""

from __future__ import annotations

from datetime import datetime

from db.errors import (
    ChannelBusy,
    LineRepeated,
    SeatConflict,
    SessionNotFound,
    VersionConflict,
)
from db.models import (
    LogEntry,
    Repeat,
    SeatRecord,
    ServerSettings,
    SessionRecord,
    StoredSession,
    Unposted,
    seat_records,
    utcnow,
)
from db.shards import Shards
from scenes.engine import commands as cmd
from scenes.engine.session import Accepted


class MemoryStore:
    """Keeps what SqliteStore keeps, in dicts; lost when the process ends."""

    def __init__(self) -> None:
        self._sessions: dict[int, StoredSession] = {}
        self._log: dict[int, list[LogEntry]] = {}
        self._settings: dict[int, ServerSettings] = {}
        # (session, version) -> the line and when it was posted late (None: not yet)
        self._outbox: dict[tuple[int, int], tuple[str, datetime | None]] = {}

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
        if await self.load_by_channel(channel_id) is not None:
            raise ChannelBusy(channel_id)
        at = at or utcnow()
        state = accepted.state
        record = SessionRecord(
            id=len(self._sessions) + 1,
            guild_id=guild_id,
            channel_id=channel_id,
            scene=state.scene,
            gm_id=state.gm_id,
            status=state.status,
            version=0,
            created_at=at,
            updated_at=at,
        )
        self._sessions[record.id] = StoredSession(record=record, state=state)
        self._log[record.id] = []
        await self.commit(
            record.id, 0, actor, command, accepted, at=at, turn_deadline=turn_deadline
        )
        return self._sessions[record.id]

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
        stored = self._sessions.get(session_id)
        if stored is None:
            raise SessionNotFound(session_id)
        if post is not None and repeat_since is not None:
            found = await self.repeated(
                session_id, actor.member_id, command.kind, post, repeat_since
            )
            if found is not None:
                raise LineRepeated(session_id, found)
        if stored.version != expected_version:
            raise VersionConflict(session_id, expected_version)
        seated = [seat.member_id for seat in accepted.state.seats if seat.member_id is not None]
        if len(seated) != len(set(seated)):
            raise SeatConflict(session_id)
        at = at or utcnow()
        version = expected_version + 1
        record = stored.record.after(accepted.state, version, at, turn_deadline)
        self._sessions[session_id] = StoredSession(record=record, state=accepted.state)
        entry = LogEntry(
            session_id=session_id,
            version=version,
            actor_id=actor.member_id,
            command=command,
            events=accepted.events,
            at=at,
        )
        self._log[session_id].append(entry)
        if post is not None:
            self._outbox[(session_id, version)] = (post, None)
        return version

    async def unposted(self, shards: Shards | None = None) -> list[Unposted]:
        lines = []
        for (session_id, version), (_, late) in sorted(self._outbox.items()):
            record = self._sessions[session_id].record
            if late is None and (shards is None or shards.owns(record.guild_id)):
                entry = self._log[session_id][version - 1]
                lines.append(
                    Unposted(guild_id=record.guild_id, channel_id=record.channel_id, entry=entry)
                )
        return lines

    async def posted(self, session_id: int, version: int, late: datetime | None = None) -> None:
        line = self._outbox.pop((session_id, version), None)
        if line is not None and late is not None:
            self._outbox[(session_id, version)] = (line[0], late)

    async def repeated(
        self, session_id: int, actor_id: int, kind: str, text: str, since: datetime
    ) -> Repeat | None:
        for (session, version), (line, late) in sorted(self._outbox.items(), reverse=True):
            entry = self._log[session][version - 1]
            wanted = (session_id, actor_id, kind, text)
            if (session, entry.actor_id, entry.kind, line) == wanted and entry.at >= since:
                return Repeat(version, late is not None)
        return None

    async def load(self, session_id: int) -> StoredSession | None:
        return self._sessions.get(session_id)

    async def load_by_channel(self, channel_id: int) -> StoredSession | None:
        return next(
            (
                stored
                for stored in self._sessions.values()
                if stored.record.channel_id == channel_id and stored.record.open
            ),
            None,
        )

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        records = [s.record for s in self._sessions.values() if s.record.guild_id == guild_id]
        return sorted(records, key=lambda record: record.id, reverse=True)

    async def open_sessions(self, shards: Shards | None = None) -> list[StoredSession]:
        return [
            stored
            for stored in self._sessions.values()
            if stored.record.open and (shards is None or shards.owns(stored.record.guild_id))
        ]

    async def log(self, session_id: int, after: int = 0) -> list[LogEntry]:
        return [entry for entry in self._log.get(session_id, []) if entry.version > after]

    async def seats(self, session_id: int) -> list[SeatRecord]:
        stored = self._sessions.get(session_id)
        if stored is None:
            return []
        return sorted(seat_records(stored.state))

    async def settings(self, guild_id: int) -> ServerSettings:
        return self._settings.get(guild_id, ServerSettings(guild_id=guild_id))

    async def save_settings(self, settings: ServerSettings) -> None:
        self._settings[settings.guild_id] = settings

    async def close(self) -> None:
        """Nothing to release."""

"""The values the store reads and writes: server settings, session records, seats, log entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.state import SessionState, Status


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def utcnow() -> datetime:
    return datetime.now(UTC)


class ServerSettings(Frozen):
    """A server's settings; a server that never ran /gm config has the defaults."""

    guild_id: int
    recap_channel_id: int | None = None
    gm_role_id: int | None = None
    turn_timeout_minutes: int = Field(default=0, ge=0)


class SessionRecord(Frozen):
    """A session's row: what lists and restarts need, without the state."""

    id: int
    guild_id: int
    channel_id: int
    scene: str
    gm_id: int
    status: Status
    version: int
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None = None
    ending: str | None = None
    turn: str | None = None
    turn_deadline: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is not Status.ENDED

    def after(
        self, state: SessionState, version: int, at: datetime, turn_deadline: datetime | None
    ) -> SessionRecord:
        """The record once ``state`` is committed as ``version`` at ``at``."""
        ended = state.status is Status.ENDED
        return self.model_copy(
            update={
                "gm_id": state.gm_id,
                "status": state.status,
                "version": version,
                "updated_at": at,
                "ended_at": (self.ended_at or at) if ended else None,
                "ending": ending_key(state),
                "turn": state.turn,
                "turn_deadline": turn_deadline,
            }
        )


class StoredSession(Frozen):
    """A session as loaded: its record and the state snapshot at the record's version."""

    record: SessionRecord
    state: SessionState

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def version(self) -> int:
        return self.record.version


class SeatRecord(NamedTuple):
    """A seat as the seats table holds it, kept in step with the state on each commit."""

    seat_key: str
    role: str
    member_id: int | None
    character: str
    muted: bool


class LogEntry(Frozen):
    """One committed command: who issued it, the command, and the events it produced."""

    session_id: int
    version: int
    actor_id: int
    command: cmd.Command
    events: tuple[ev.Event, ...]
    at: datetime

    @property
    def kind(self) -> str:
        return self.command.kind


def ending_key(state: SessionState) -> str | None:
    return state.ending.key if state.ending else None


def seat_records(state: SessionState) -> tuple[SeatRecord, ...]:
    """The seats table's rows for ``state`` (cheap: compared on every commit)."""
    names = {character.key: character.name for character in state.characters}
    return tuple(
        SeatRecord(
            seat.key,
            seat.role,
            seat.member_id,
            names[seat.key],
            seat.member_id is not None and seat.member_id in state.muted,
        )
        for seat in state.seats
    )


class Unposted(Frozen):
    """A line stored in the outbox and not posted yet: its session's channel, and its log entry
    (the command and the events to post from)."""

    guild_id: int
    channel_id: int
    entry: LogEntry

    @property
    def session_id(self) -> int:
        return self.entry.session_id

    @property
    def version(self) -> int:
        return self.entry.version


class Repeat(NamedTuple):
    """A line like the one asked for, stored a moment ago and not answered by its own command:
    ``posted`` when it is in the channel already (posted at a start), else it is still to be."""

    version: int
    posted: bool

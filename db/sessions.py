"""SessionService: what the cogs call to play a command: load, decide, commit, cache.

One command at a time per session; the cache of open sessions changes only after a commit.
A sharded process restores, caches and times out only the sessions of its own shards' servers.
"""

from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.errors import ChannelBusy, LineRepeated, SessionNotFound, VersionConflict
from db.models import (
    LogEntry,
    Repeat,
    ServerSettings,
    SessionRecord,
    StoredSession,
    Unposted,
    utcnow,
)
from db.shards import Shards
from db.store import Store
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.session import Accepted, Outcome, Refused, play
from scenes.engine.state import SessionState, Status

RETRIES = 8
TIMEOUT_REASON = "the turn timed out"
# A line the member sends again within this while, the same words as one of theirs that is in
# the story but was never answered by its own command (the bot died, or its answer failed), is
# that line retried: it is not stored twice (README, "Stored posts").
RETRY_WINDOW = timedelta(minutes=10)
ALREADY_POSTED = (
    "That line is already in the story and in the channel (posted once, late); it is not "
    "stored again."
)
STILL_TO_POST = (
    "That line is already in the story and is being posted; it is not stored a second time."
)

# The log entries kept once read, over every session (a played scene has a few hundred): a
# recap read again (/recap, then /gm end's) reads only what was committed since. Kept only for
# the logs read last, so open sessions cost no more memory for it (bench/memory.py).
KEPT_LOG_ENTRIES = 4_000

Guard = Callable[[StoredSession], bool]


def session_rng(seed: int, version: int) -> random.Random:
    """The dice for the command decided at ``version``: same seed and version, same rolls."""
    return random.Random(f"{seed}:{version}")


@dataclass(frozen=True)
class Ran:
    """A command's outcome, and the session as it stands after it (None: no session here)."""

    outcome: Outcome
    session: SessionRecord | None
    outboxed: bool = False  # the command stored a line to post (the cog marks it posted)
    repeat: Repeat | None = None  # refused as the retry of this stored line

    @property
    def accepted(self) -> bool:
        return isinstance(self.outcome, Accepted)

    @property
    def session_id(self) -> int | None:
        return self.session.id if self.session else None

    @property
    def version(self) -> int:
        return self.session.version if self.session else 0


class SessionService:
    """Plays commands on sessions through a Store, keeping every open session's state cached."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = utcnow,
        retries: int = RETRIES,
        shards: Shards | None = None,
    ) -> None:
        self.store = store
        self.shards = shards
        self._clock = clock
        self._retries = retries
        self._open: dict[int, StoredSession] = {}
        self._channels: dict[int, int] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._settings: dict[int, ServerSettings] = {}
        self._logs = KeptLogs()

    async def restore(self) -> list[StoredSession]:
        """Load every session that has not ended (at start): their states, turns and deadlines.

        Sharded, only those of this process's shards' servers (the others are another's).
        """
        restored = await self.store.open_sessions(self.shards)
        self._open.clear()
        self._channels.clear()
        for stored in restored:
            self._cache(stored)
        return restored

    @property
    def open_sessions(self) -> list[StoredSession]:
        """The cached open sessions."""
        return list(self._open.values())

    async def current(self, channel_id: int) -> StoredSession | None:
        """The channel's open session, if any."""
        session_id = self._channels.get(channel_id)
        if session_id is not None:
            return self._open[session_id]
        stored = await self.store.load_by_channel(channel_id)
        if stored is not None:
            self._cache(stored)
        return stored

    async def get(self, session_id: int) -> StoredSession | None:
        """Any session by id, ended ones included."""
        return self._open.get(session_id) or await self.store.load(session_id)

    async def open_session(
        self, guild_id: int, channel_id: int, actor: cmd.Actor, command: cmd.Open
    ) -> Ran:
        """Open a session in the channel; refused (by the engine) if one is open there."""
        async with self._lock(("channel", channel_id)):
            for _ in range(self._retries):
                existing = await self.current(channel_id)
                state = existing.state if existing else None
                outcome = play(state, actor, command, session_rng(command.seed, 0))
                if isinstance(outcome, Refused):
                    return Ran(outcome, existing.record if existing else None)
                try:
                    stored = await self.store.create(
                        guild_id, channel_id, actor, command, outcome, at=self._clock()
                    )
                except ChannelBusy:
                    continue  # another process opened one first: load it, and be refused
                self._cache(stored)
                return Ran(outcome, stored.record)
        raise ChannelBusy(channel_id)

    async def run(self, channel_id: int, actor: cmd.Actor, command: cmd.Command) -> Ran:
        """Play ``command`` on the channel's open session."""
        if isinstance(command, cmd.Open):
            raise ValueError("a session is opened with SessionService.open_session")
        stored = await self.current(channel_id)
        if stored is None:
            return Ran(play(None, actor, command, session_rng(0, 0)), None)
        return await self.run_session(stored.id, actor, command)

    async def run_session(self, session_id: int, actor: cmd.Actor, command: cmd.Command) -> Ran:
        """Play ``command`` on a session by id (an ended one refuses everything)."""
        async with self._lock(session_id):
            ran = await self._decide(session_id, actor, command)
        assert ran is not None
        return ran

    async def unposted(self) -> list[Unposted]:
        """The stored lines not posted yet (this process's shards' only), in order."""
        return await self.store.unposted(self.shards)

    async def posted(self, session_id: int, version: int, late: bool = False) -> None:
        """The line ``version`` stored is in its channel (``late``: posted at a start)."""
        await self.store.posted(session_id, version, self._clock() if late else None)

    def due(self, now: datetime | None = None) -> list[SessionRecord]:
        """Open sessions whose turn deadline has passed."""
        now = now or self._clock()
        return [
            stored.record
            for stored in self._open.values()
            if stored.record.turn_deadline is not None and stored.record.turn_deadline <= now
        ]

    async def expire(
        self, session_id: int, actor: cmd.Actor, now: datetime | None = None
    ) -> Ran | None:
        """Skip the session's turn if its deadline has passed (checked under the lock)."""
        now = now or self._clock()

        def overdue(stored: StoredSession) -> bool:
            deadline = stored.record.turn_deadline
            return stored.record.open and deadline is not None and deadline <= now

        async with self._lock(session_id):
            return await self._decide(session_id, actor, cmd.Skip(reason=TIMEOUT_REASON), overdue)

    async def sessions(self, guild_id: int) -> list[SessionRecord]:
        return await self.store.sessions(guild_id)

    async def log(self, session_id: int) -> list[LogEntry]:
        """The session's whole log, in order: what is kept of it, and what came after that."""
        kept = self._logs.take(session_id)
        entries = kept + await self.store.log(session_id, kept[-1].version if kept else 0)
        self._logs.keep(session_id, entries)
        return list(entries)

    async def settings(self, guild_id: int) -> ServerSettings:
        settings = self._settings.get(guild_id)
        if settings is None:
            settings = self._settings[guild_id] = await self.store.settings(guild_id)
        return settings

    async def configure(self, settings: ServerSettings) -> None:
        await self.store.save_settings(settings)
        self._settings[settings.guild_id] = settings

    async def close(self) -> None:
        """Close the store (at shutdown); the cache is dropped with it."""
        await self.store.close()
        self._open.clear()
        self._channels.clear()

    async def _repeated(
        self, session_id: int, actor: cmd.Actor, command: cmd.Command
    ) -> Ran | None:
        """A refusal when ``command`` repeats a line of the member's that no answer reached."""
        text = posted_text(command)
        if text is None:
            return None
        since = self._clock() - RETRY_WINDOW
        found = await self.store.repeated(session_id, actor.member_id, command.kind, text, since)
        if found is None:
            return None
        stored = await self._live(session_id)
        return Ran(Refused(message=_repeat_message(found)), stored.record, repeat=found)

    async def _decide(
        self,
        session_id: int,
        actor: cmd.Actor,
        command: cmd.Command,
        guard: Guard | None = None,
    ) -> Ran | None:
        """Decide on the cached state and commit; on a conflict, reload and decide again."""
        version = -1
        for _ in range(self._retries):
            stored = await self._live(session_id)
            if guard is not None and not guard(stored):
                return None
            version = stored.version
            outcome = play(stored.state, actor, command, session_rng(stored.state.seed, version))
            if isinstance(outcome, Refused):
                # a line retried after the turn moved on: told as the retry it is
                return await self._repeated(session_id, actor, command) or Ran(
                    outcome, stored.record
                )
            try:
                return await self._commit(stored, actor, command, outcome)
            except VersionConflict:
                self._forget(session_id)  # another writer got there first
        raise VersionConflict(session_id, version)

    async def _commit(
        self, stored: StoredSession, actor: cmd.Actor, command: cmd.Command, outcome: Accepted
    ) -> Ran:
        now = self._clock()
        deadline = await self._deadline(stored, outcome, now)
        post = posted_text(command)
        try:
            version = await self.store.commit(
                stored.id,
                stored.version,
                actor,
                command,
                outcome,
                at=now,
                turn_deadline=deadline,
                post=post,
                repeat_since=now - RETRY_WINDOW,
            )
        except LineRepeated as repeat:  # checked in the commit's own transaction
            refused = Refused(message=_repeat_message(repeat.found))
            return Ran(refused, stored.record, repeat=repeat.found)
        record = stored.record.after(outcome.state, version, now, deadline)
        self._cache(StoredSession(record=record, state=outcome.state))
        return Ran(outcome, record, outboxed=post is not None)

    async def _deadline(
        self, before: StoredSession, outcome: Accepted, now: datetime
    ) -> datetime | None:
        """When the turn after this command times out: kept while the same turn goes on."""
        state = outcome.state
        if state.status is not Status.ACTIVE or (state.turn is None and not state.decisions):
            return None
        minutes = (await self.settings(before.record.guild_id)).turn_timeout_minutes
        if minutes <= 0:
            return None
        kept = before.record.turn_deadline
        if kept is not None and not _new_turn(before.state, outcome):
            return kept
        return now + timedelta(minutes=minutes)

    async def _live(self, session_id: int) -> StoredSession:
        stored = self._open.get(session_id)
        if stored is None:
            stored = await self.store.load(session_id)
            if stored is None:
                raise SessionNotFound(session_id)
            self._cache(stored)
        return stored

    def _cache(self, stored: StoredSession) -> None:
        if self.shards is not None and not self.shards.owns(stored.record.guild_id):
            return  # another process's session: read when asked, never kept
        if stored.record.open:
            self._open[stored.id] = stored
            self._channels[stored.record.channel_id] = stored.id
        else:
            self._forget(stored.id)

    def _forget(self, session_id: int) -> None:
        stored = self._open.pop(session_id, None)
        if stored is not None and self._channels.get(stored.record.channel_id) == session_id:
            del self._channels[stored.record.channel_id]

    def _lock(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock


def _new_turn(before: SessionState, outcome: Accepted) -> bool:
    after = outcome.state
    if (before.status, before.turn, before.round) != (after.status, after.turn, after.round):
        return True
    if before.decisions != after.decisions:
        return True
    return any(isinstance(event, ev.TurnStarted | ev.Undone) for event in outcome.events)


def posted_text(command: cmd.Command) -> str | None:
    """The words a command has the bot post, kept in the outbox with its commit: a line, an
    action, an NPC's line, a narration, or a turn's pose (None: nothing of the member's)."""
    if isinstance(command, cmd.Act | cmd.Say | cmd.Narrate | cmd.Npc):
        return command.text
    if isinstance(command, cmd.Jutsu | cmd.Defend | cmd.Move | cmd.Interact):
        return command.pose
    return None


def _repeat_message(found: Repeat) -> str:
    return ALREADY_POSTED if found.posted else STILL_TO_POST


class KeptLogs:
    """The session logs read last, newest use last, with at most ``limit`` entries in all. A
    log only grows (entries are never changed or removed; session ids are never reused), so a
    kept log is a true beginning of the session's log, whichever process wrote the rest."""

    def __init__(self, limit: int = KEPT_LOG_ENTRIES) -> None:
        self._limit = limit
        self._logs: OrderedDict[int, list[LogEntry]] = OrderedDict()
        self._entries = 0

    def take(self, session_id: int) -> list[LogEntry]:
        """The kept beginning of the session's log (empty if none), no longer kept."""
        entries = self._logs.pop(session_id, [])
        self._entries -= len(entries)
        return entries

    def keep(self, session_id: int, entries: list[LogEntry]) -> None:
        """Keep ``entries`` (the session's log as just read), dropping the least recently read."""
        if len(entries) > self._limit:
            return
        self._logs[session_id] = entries
        self._entries += len(entries)
        while self._entries > self._limit:
            _, dropped = self._logs.popitem(last=False)
            self._entries -= len(dropped)

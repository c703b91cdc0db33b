"""Stored lines the bot posts late: those a command stored (in the outbox, with its commit) and
its own answer never posted, because the bot died between the two or the answer failed.

At start (``CastleBot.setup_hook``, before the gateway brings any new command) every such line
is posted, in order, as the bot's own message with the speaker's name. Each carries a nonce made
from its session and version, with ``enforce_nonce``: when the bot dies again after Discord took
the post and before the outbox heard of it, the next start's post of it returns the message
already there instead of making a second (Discord checks a nonce for a few minutes).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord

from cogs import render
from cogs.common import turn_moved
from cogs.views import decision_view
from db.models import LogEntry, Repeat, StoredSession, Unposted
from scenes.engine import commands as cmd
from scenes.engine import events as ev

if TYPE_CHECKING:
    from bot import CastleBot

log = logging.getLogger("castle.outbox")
NONCE_LENGTH = 25  # Discord's longest nonce
# The titles the turn commands' answers carry (cogs.players), for their late posts.
TITLES = {"jutsu": "A technique", "defend": "On guard", "move": "On the move"}


def nonce(session_id: int, version: int) -> str:
    """The same short text for the same stored line, every time it is posted."""
    digest = hashlib.blake2b(f"{session_id}:{version}".encode(), digest_size=16).hexdigest()
    return digest[:NONCE_LENGTH]


class Late:
    """One late post: its embed, and (for the session's latest command) whose turn it is."""

    def __init__(self, stored: StoredSession, entry: LogEntry) -> None:
        self.state = stored.state
        self.latest = stored.version == entry.version
        self.session_id = stored.id
        self.entry = entry

    def embed(self) -> discord.Embed | None:
        events = self.entry.events
        for event in events:
            if isinstance(event, ev.Posed) and event.style != "pose":
                return render.pose_embed(self.state, event.seat, event.style, event.text)
            if isinstance(event, ev.NpcSpoke):
                return render.npc_embed(event.name, event.text)
            if isinstance(event, ev.Narrated) and isinstance(self.entry.command, cmd.Narrate):
                return render.narration_embed(event.text)
        posed = next((e for e in events if isinstance(e, ev.Posed)), None)
        if posed is None:
            return None
        return render.outcome_embed(self.state, events, _title(self.entry.command), posed.seat)

    def turn(self) -> tuple[str | None, discord.AllowedMentions, discord.ui.View | None]:
        """The turn's announcement and the choice's buttons, when nothing came after it."""
        none = discord.AllowedMentions.none()
        if not self.latest or not turn_moved(self.entry.events):
            return None, none, None
        announced = render.turn_announcement(self.state)
        content, mentions = announced if announced else (None, none)
        return content, mentions, decision_view(self.session_id, self.state)


def _title(command: cmd.Command) -> str:
    if isinstance(command, cmd.Interact):
        return f"The {command.object.strip().casefold()}"
    return TITLES.get(command.kind, "A turn")


class Outbox:
    """Posts the stored lines no answer posted, and tells the store they are posted."""

    def __init__(self, bot: CastleBot) -> None:
        self._bot = bot
        self._answering: set[tuple[int, int]] = set()  # lines whose answer is on its way

    @contextlib.contextmanager
    def answering(self, session_id: int, version: int) -> Iterator[None]:
        """While the command's own answer posts the line (so a retry does not post it too)."""
        self._answering.add((session_id, version))
        try:
            yield
        finally:
            self._answering.discard((session_id, version))

    async def unstick(self, session_id: int, repeat: Repeat) -> None:
        """A retry found its line unposted: unless the line's answer is still on its way, that
        answer and its late post failed, so the line is posted now."""
        if repeat.posted or (session_id, repeat.version) in self._answering:
            return
        if any(line.version == repeat.version for line in await self._unposted(session_id)):
            await self.post_now(session_id, repeat.version)

    async def _unposted(self, session_id: int) -> list[Unposted]:
        return [
            line for line in await self._bot.service.unposted() if line.session_id == session_id
        ]

    async def drain(self) -> int:
        """Post every unposted line (this process's shards'), in order; how many were posted."""
        count = 0
        for line in await self._bot.service.unposted():
            try:
                count += await self.post(line)
            except Exception:  # a fault of ours: logged, the line kept for a start that has it
                log.exception("cannot post session %s v%s's line", line.session_id, line.version)
        if count:
            log.info("posted %d stored lines that no answer had posted", count)
        return count

    async def post_now(self, session_id: int, version: int) -> bool:
        """Post one stored line late (its answer failed); False when that failed too."""
        service = self._bot.service
        stored = await service.get(session_id)
        entries = await service.store.log(session_id, version - 1)
        if stored is None or not entries or entries[0].version != version:
            return False
        record = stored.record
        line = Unposted(guild_id=record.guild_id, channel_id=record.channel_id, entry=entries[0])
        return await self.post(line)

    async def post(self, line: Unposted) -> bool:
        """Post ``line`` in its channel and mark it posted (False: it was not)."""
        service = self._bot.service
        stored = await service.get(line.session_id)
        late = Late(stored, line.entry) if stored is not None else None
        embed = late.embed() if late is not None else None
        if late is None or embed is None:  # nothing to post from it (no such session)
            await service.posted(line.session_id, line.version)
            return False
        content, mentions, view = late.turn()
        channel = self._bot.get_partial_messageable(line.channel_id, guild_id=line.guild_id)
        try:
            await channel.send(
                content=content,
                embed=embed,
                view=view or discord.utils.MISSING,
                allowed_mentions=mentions,
                nonce=nonce(line.session_id, line.version),
            )
        except discord.HTTPException as error:
            await self._refused(line, error)
            return False
        await service.posted(line.session_id, line.version, late=True)
        return True

    async def _refused(self, line: Unposted, error: discord.HTTPException) -> None:
        """A 5xx leaves the line for the next start. Any other refusal is for good (a channel
        gone or closed to the bot): the line is given up, logged, and forgotten, so that the
        member's retry of it is a line of its own."""
        where = (line.session_id, line.version, line.channel_id, error.status, error.code)
        if error.status >= 500:
            log.warning("cannot post session %s v%s's line in %s yet (%s %s)", *where)
            return
        log.warning("gave up session %s v%s's line in channel %s (%s %s)", *where)
        await self._bot.service.posted(line.session_id, line.version)

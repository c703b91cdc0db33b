"""Turn timeouts: a background check that skips idle turns, also across a restart."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from cogs import render
from cogs.common import turn_ping
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine.session import Accepted

if TYPE_CHECKING:
    from bot import CastleBot

log = logging.getLogger("castle.turns")
# Timeouts act as the system, with the rights of a GM.
SYSTEM = cmd.Actor(member_id=0, name="the storm (turn timeout)", gm=True)


class Turns(commands.Cog):
    def __init__(self, bot: CastleBot) -> None:
        self.bot: CastleBot = bot
        self.check.change_interval(seconds=bot.settings.turn_check_seconds)

    async def cog_load(self) -> None:
        self.check.start()

    async def cog_unload(self) -> None:
        self.check.cancel()

    @tasks.loop(seconds=15)
    async def check(self) -> None:
        """Skip every turn whose deadline has passed (deadlines persist in the database)."""
        service = self.bot.service
        for record in service.due():
            try:
                ran = await service.expire(record.id, SYSTEM)
            except Exception:
                log.exception("turn timeout failed for session %s", record.id)
                continue
            if ran is not None and isinstance(ran.outcome, Accepted):
                log.info("session %s: turn timed out", record.id)
                try:
                    await self._post(record.channel_id, ran)
                except discord.HTTPException as error:  # the skip is stored; only the post failed
                    log.warning(
                        "session %s: could not post the timeout in channel %s (%s)",
                        record.id,
                        record.channel_id,
                        error.status,
                    )

    @check.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    async def _post(self, channel_id: int, ran: Ran) -> None:
        # A channel not (yet) in the cache is still postable by id.
        channel = self.bot.get_channel(channel_id) or self.bot.get_partial_messageable(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        outcome = ran.outcome
        assert isinstance(outcome, Accepted)
        embed = render.outcome_embed(outcome.state, outcome.events, "The turn timed out")
        content, mentions = turn_ping(outcome)
        await channel.send(content, embed=embed, allowed_mentions=mentions)


async def setup(bot: CastleBot) -> None:
    await bot.add_cog(Turns(bot))

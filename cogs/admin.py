"""Owner-only upkeep: syncing the slash commands globally (Discord rate-limits syncs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import Interaction, hold, refuse

if TYPE_CHECKING:
    from bot import CastleBot


class Admin(commands.Cog):
    def __init__(self, bot: CastleBot) -> None:
        self.bot: CastleBot = bot

    @app_commands.command(name="sync")
    @app_commands.default_permissions(administrator=True)
    @app_commands.describe(scope="This server only, or every server (slow to spread)")
    async def sync(
        self, interaction: Interaction, scope: Literal["server", "global"] = "server"
    ) -> None:
        """Bot owner only: publish the slash commands."""
        if not await self.bot.is_owner(interaction.user):
            return await refuse(interaction, "Only the bot's owner can sync commands.")
        await hold(interaction, ephemeral=True)
        if scope == "global":
            synced = await self.bot.tree.sync()
        else:
            guild = discord.Object(id=interaction.guild_id or 0)
            self.bot.tree.copy_global_to(guild=guild)
            synced = await self.bot.tree.sync(guild=guild)
        await interaction.followup.send(f"Synced {len(synced)} commands ({scope}).", ephemeral=True)


async def setup(bot: CastleBot) -> None:
    await bot.add_cog(Admin(bot))

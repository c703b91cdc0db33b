"""What every cog shares: the five steps (parse, load, decide, store, render and reply)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs import render
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.session import Accepted, Refused
from scenes.engine.state import SessionState

if TYPE_CHECKING:
    from bot import CastleBot

log = logging.getLogger("castle.cogs")
NO_SESSION = "There is no open session in this channel. A GM can start one with `/gm open`."
APOLOGY = "Sorry — something went wrong on my side; it has been logged. Try again."
Handler = Callable[[Any, discord.Interaction], Awaitable[None]]


def bot_of(interaction: discord.Interaction) -> CastleBot:
    return interaction.client  # type: ignore[return-value]


def actor_of(interaction: discord.Interaction, gm: bool = False) -> cmd.Actor:
    user = interaction.user
    return cmd.Actor(member_id=user.id, name=user.display_name[:64], gm=gm)


async def may_gm(interaction: discord.Interaction, state: SessionState | None) -> bool:
    """Whether the member may use /gm here: the session's GM, Manage Channels/Server, or GM role."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if state is not None and state.gm_id == member.id:
        return True
    permissions = member.guild_permissions
    if permissions.manage_channels or permissions.manage_guild:
        return True
    settings = await bot_of(interaction).service.settings(member.guild.id)
    return settings.gm_role_id is not None and member.get_role(settings.gm_role_id) is not None


async def refuse(interaction: discord.Interaction, message: str) -> None:
    """Answer with a short ephemeral message (initial response or follow-up)."""
    message = render.clip(message, 1900)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "could not answer user %s in channel %s", interaction.user.id, interaction.channel_id
        )


async def apologise(interaction: discord.Interaction, error: BaseException, what: str) -> None:
    """A fault: logged with command and session for the operator; a short apology to the user."""
    stored = None
    with contextlib.suppress(Exception):
        stored = await bot_of(interaction).service.current(interaction.channel_id or 0)
    log.error(
        "error in %s (guild %s, channel %s, session %s, user %s)",
        what,
        interaction.guild_id,
        interaction.channel_id,
        stored.id if stored else None,
        interaction.user.id,
        exc_info=error,
    )
    await refuse(interaction, APOLOGY)


def guarded(what: str) -> Callable[[Handler], Handler]:
    """For button and modal callbacks (the tree's handler never sees them): apologise on a fault."""

    def wrap(callback: Handler) -> Handler:
        @functools.wraps(callback)
        async def run(self: Any, interaction: discord.Interaction) -> None:
            try:
                await callback(self, interaction)
            except Exception as error:
                await apologise(interaction, error, what)

        return run

    return wrap


async def current_state(interaction: discord.Interaction) -> SessionState | None:
    stored = await bot_of(interaction).service.current(interaction.channel_id or 0)
    return stored.state if stored else None


async def play_here(
    interaction: discord.Interaction, command: cmd.Command, gm: bool = False
) -> Ran | None:
    """Run ``command`` on this channel's session; refusals are answered here and give None."""
    service = bot_of(interaction).service
    ran = await service.run(interaction.channel_id or 0, actor_of(interaction, gm), command)
    if isinstance(ran.outcome, Refused):
        await refuse(interaction, ran.outcome.message)
        return None
    log.info(
        "session %s v%s: %s by %s", ran.session_id, ran.version, command.kind, interaction.user.id
    )
    return ran


async def play_session(
    interaction: discord.Interaction, session_id: int, command: cmd.Command
) -> Ran | None:
    """Run ``command`` on a session by id (buttons carry it), only from that session's channel."""
    service = bot_of(interaction).service
    stored = await service.get(session_id)
    if stored is None or stored.record.channel_id != interaction.channel_id:
        await refuse(interaction, "That button belongs to a session of another channel.")
        return None
    ran = await service.run_session(session_id, actor_of(interaction), command)
    if isinstance(ran.outcome, Refused):
        await refuse(interaction, ran.outcome.message)
        return None
    log.info(
        "session %s v%s: %s by %s (button)",
        session_id,
        ran.version,
        command.kind,
        interaction.user.id,
    )
    return ran


def accepted(ran: Ran) -> Accepted:
    assert isinstance(ran.outcome, Accepted)
    return ran.outcome


def turn_moved(events: tuple[ev.Event, ...]) -> bool:
    """Whether these events hand the turn (or a choice) to someone."""
    return any(
        isinstance(e, ev.TurnStarted | ev.DecisionOffered | ev.Undone | ev.Resumed) for e in events
    )


async def announce_turn(interaction: discord.Interaction, ran: Ran) -> None:
    """Mention only the player whose turn (or choice) it now is, as a follow-up."""
    outcome = accepted(ran)
    if not turn_moved(outcome.events):
        return
    announcement = render.turn_announcement(outcome.state)
    if announcement is None:
        return
    content, mentions = announcement
    await interaction.followup.send(content, allowed_mentions=mentions)


def matching(options: list[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices whose label or value holds what was typed (at most 25)."""
    wanted = current.casefold()
    return [
        app_commands.Choice(name=render.clip(label, 100), value=value)
        for label, value in options
        if wanted in label.casefold() or wanted in value
    ][:25]


async def character_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The session's characters, for autocomplete."""
    state = await current_state(interaction)
    if state is None:
        return []
    return matching([(ch.name, ch.key) for ch in state.characters], current)

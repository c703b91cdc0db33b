"""The game master's /gm commands: each checks who may use it, then runs one engine command."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs import chart_process, render
from cogs.common import (
    GM_PERMISSIONS,
    TYPED_OPTIONS,
    Interaction,
    accepted,
    actor_of,
    character_choices,
    current_state,
    deliver,
    gm_only,
    hold,
    matching,
    play_here,
    refuse,
    respond,
    speak_as,
)
from cogs.contract import DISCORD_INTEGER
from cogs.views import lobby_view, reply_with_outcome
from db.models import ServerSettings, StoredSession
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine import options
from scenes.engine.limits import (
    DC_LIMIT,
    KEY_LIMIT,
    NAME_LIMIT,
    NARRATE_LIMIT,
    POSE_LIMIT,
    REASON_LIMIT,
    SEATS_LIMIT,
    TURN_TIMEOUT_LIMIT,
    VALUE_HIGH,
    VALUE_LOW,
)
from scenes.engine.recap import Course, course, describe, recap_pages
from scenes.engine.registry import find_scene, scene_keys
from scenes.engine.session import Refused, scene_named
from scenes.engine.state import Skill
from scenes.engine.transcript import transcript

if TYPE_CHECKING:
    from bot import CastleBot


@app_commands.guild_only()
@app_commands.default_permissions(GM_PERMISSIONS)
class GM(commands.GroupCog, group_name="gm", group_description="Game master commands"):
    """Run and moderate the scene."""

    def __init__(self, bot: CastleBot) -> None:
        self.bot: CastleBot = bot
        super().__init__()

    async def _run(self, interaction: Interaction, command: cmd.Command, title: str) -> Ran | None:
        """The command (gm_only has checked who asks), then the outcome and whose turn it is."""
        ran = await play_here(interaction, command, gm=True)
        if ran is None:
            return None
        await reply_with_outcome(interaction, ran, title)
        return ran

    @app_commands.command(name="open")
    @gm_only(session="ignored")
    @app_commands.describe(
        scene="The scene to play (the first one when not given)",
        defenders="How many seats the scene's role of several seats has (1-4)",
    )
    async def open(
        self,
        interaction: Interaction,
        scene: app_commands.Range[str, 1, KEY_LIMIT] | None = None,
        defenders: app_commands.Range[int, 1, SEATS_LIMIT] = 2,
    ) -> None:
        """Open a session in this channel (lobby); you become its GM."""
        command = cmd.Open(
            scene=scene or scene_keys()[0],
            seats=defenders,
            seed=self.bot.seeds.getrandbits(48),
        )
        ran = await self.bot.service.open_session(
            interaction.guild_id or 0,
            interaction.channel_id or 0,
            actor_of(interaction, gm=True),
            command,
        )
        if isinstance(ran.outcome, Refused):
            return await refuse(interaction, ran.outcome.message)
        state = accepted(ran).state
        embed = render.roles_embed(state)
        embed.description = find_scene(state.scene).data.lobby
        await respond(interaction, embed=embed, view=lobby_view(ran.session_id or 0, state))

    @open.autocomplete("scene")
    async def _scenes(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return matching([(scene_named(k).name, k) for k in scene_keys()], current)

    @app_commands.command(name="begin")
    @gm_only()
    async def begin(self, interaction: Interaction) -> None:
        """Start the scene: beat 1, initiative rolled and shown."""
        await self._run(interaction, cmd.Begin(), "The scene begins")

    @app_commands.command(name="pause")
    @gm_only()
    @app_commands.describe(reason="Why play stops (shown to everyone)")
    async def pause(
        self,
        interaction: Interaction,
        reason: app_commands.Range[str, 1, REASON_LIMIT] | None = None,
    ) -> None:
        """Freeze play (free commands still work)."""
        await self._run(interaction, cmd.Pause(reason=reason), "Paused")

    @app_commands.command(name="resume")
    @gm_only()
    async def resume(self, interaction: Interaction) -> None:
        """Unfreeze play."""
        await self._run(interaction, cmd.Resume(), "Play resumes")

    @app_commands.command(name="advance")
    @gm_only()
    async def advance(self, interaction: Interaction) -> None:
        """Move to the next beat."""
        await self._run(interaction, cmd.Advance(), "The story moves on")

    @app_commands.command(name="narrate")
    @gm_only()
    @app_commands.describe(text="The narration to post")
    async def narrate(
        self, interaction: Interaction, text: app_commands.Range[str, 1, NARRATE_LIMIT]
    ) -> None:
        """Post a narration."""
        ran = await play_here(interaction, cmd.Narrate(text=text), gm=True)
        if ran is None:
            return

        async def post() -> None:
            await respond(interaction, embed=render.narration_embed(text))

        await deliver(interaction, ran, post)

    @app_commands.command(name="check")
    @gm_only()
    @app_commands.describe(
        member="Whose character makes the check",
        skill="Which skill is rolled",
        dc="The difficulty to meet",
        reason="What the check is for (shown)",
    )
    async def check(
        self,
        interaction: Interaction,
        member: discord.Member,
        skill: app_commands.Range[str, 1, KEY_LIMIT],
        dc: app_commands.Range[int, 1, DC_LIMIT],
        reason: app_commands.Range[str, 1, REASON_LIMIT] | None = None,
    ) -> None:
        """An ad-hoc check for a character: 1d20 + skill against a DC, shown and stored."""
        state = await current_state(interaction)
        seat = state.seat_of(member.id) if state else None
        if seat is None:
            return await refuse(interaction, f"{member.display_name} holds no seat here.")
        command = cmd.Check(character=seat.key, skill=skill, dc=dc, reason=reason)
        await self._run(interaction, command, "A check")

    @check.autocomplete("skill")
    async def _skills(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return matching([(skill.value, skill.value) for skill in Skill], current)

    @app_commands.command(name="resolve")
    @gm_only()
    @app_commands.describe(
        character="Whose resolve moves",
        shift="-1 toward the heart, +1 toward duty",
        reason="The roleplay it rewards (shown)",
    )
    async def resolve(
        self,
        interaction: Interaction,
        character: app_commands.Range[str, 1, KEY_LIMIT],
        shift: Literal[-1, 1],
        reason: app_commands.Range[str, 1, REASON_LIMIT],
    ) -> None:
        """Reward roleplay: move a character's resolve by one."""
        command = cmd.Reward(character=character, shift=shift, reason=reason)
        await self._run(interaction, command, "Resolve moves")

    @resolve.autocomplete("character")
    async def _resolute(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await character_choices(interaction, current)

    @app_commands.command(name="npc")
    @gm_only()
    @app_commands.describe(name="Who speaks (one of the scene's other people)", text="The line")
    async def npc(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, NAME_LIMIT],
        text: app_commands.Range[str, 1, POSE_LIMIT],
    ) -> None:
        """A line spoken by a named NPC, posted under that name (mentions never ping)."""
        ran = await play_here(interaction, cmd.Npc(name=name, text=text), gm=True)
        if ran is None:
            return
        spoke = accepted(ran).events[-1]
        assert isinstance(spoke, ev.NpcSpoke)
        await speak_as(
            interaction,
            ran,
            spoke.name,
            lambda named: render.npc_embed(spoke.name, spoke.text, named),
        )

    @app_commands.command(name="skip")
    @gm_only()
    async def skip(self, interaction: Interaction) -> None:
        """Skip the current turn (or settle a choice nobody is making)."""
        await self._run(interaction, cmd.Skip(), "A turn is skipped")

    @app_commands.command(name="undo")
    @gm_only()
    async def undo(self, interaction: Interaction) -> None:
        """Revert the last turn-using action, with its rolls, exactly."""
        await self._run(interaction, cmd.Undo(), "Undone")

    @app_commands.command(name="assign")
    @gm_only()
    @app_commands.describe(
        member="Who to seat",
        role="Which seat",
        name="The character's name (roles of several seats)",
    )
    async def assign(
        self,
        interaction: Interaction,
        member: discord.Member,
        role: app_commands.Range[str, 1, KEY_LIMIT],
        name: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
    ) -> None:
        """Seat a member."""
        if member.bot:
            return await refuse(interaction, "A bot cannot take a seat; seat a person.")
        command = cmd.Assign(
            member_id=member.id, member_name=member.display_name[:64], role=role, name=name
        )
        await self._run(interaction, command, "A seat is assigned")

    @assign.autocomplete("role")
    async def _roles(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state = await current_state(interaction)
        return matching(options.roles(state), current) if state else []

    @app_commands.command(name="kick")
    @gm_only()
    @app_commands.describe(member="Who to unseat", reason="Why (shown)")
    async def kick(
        self,
        interaction: Interaction,
        member: discord.Member,
        reason: app_commands.Range[str, 1, REASON_LIMIT] | None = None,
    ) -> None:
        """Unseat a member (their character stays, idle)."""
        await self._run(
            interaction, cmd.Kick(member_id=member.id, reason=reason), "A player is unseated"
        )

    @app_commands.command(name="mute")
    @gm_only()
    @app_commands.describe(member="Who to mute in this session")
    async def mute(self, interaction: Interaction, member: discord.Member) -> None:
        """Stop a member's commands in this session."""
        await self._run(interaction, cmd.Mute(member_id=member.id), "Muted")

    @app_commands.command(name="unmute")
    @gm_only()
    @app_commands.describe(member="Who to allow again")
    async def unmute(self, interaction: Interaction, member: discord.Member) -> None:
        """Allow a member's commands again."""
        await self._run(interaction, cmd.Unmute(member_id=member.id), "Unmuted")

    @app_commands.command(name="set")
    @gm_only()
    @app_commands.describe(
        character="Whose number (any, for one of the scene's own gauges)",
        field="Which number",
        value="The corrected value",
    )
    async def set(
        self,
        interaction: Interaction,
        character: app_commands.Range[str, 1, KEY_LIMIT],
        field: app_commands.Range[str, 1, KEY_LIMIT],
        value: app_commands.Range[int, VALUE_LOW, VALUE_HIGH],
    ) -> None:
        """Correct a number."""
        command = cmd.Set(character=character, field=field, value=value)
        await self._run(interaction, command, "A number is corrected")

    @set.autocomplete("character")
    async def _characters(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await character_choices(interaction, current)

    @set.autocomplete("field")
    async def _fields(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state = await current_state(interaction)
        return matching(options.fields(state), current) if state else []

    @app_commands.command(name="handover")
    @gm_only()
    @app_commands.describe(member="The new GM")
    async def handover(self, interaction: Interaction, member: discord.Member) -> None:
        """Make another member the session's GM."""
        if member.bot:
            return await refuse(interaction, "A bot cannot run the scene.")
        await self._run(interaction, cmd.Handover(member_id=member.id), "A new GM")

    @app_commands.command(name="end")
    @gm_only()
    @app_commands.describe(reason="Why the session closes (shown)")
    async def end(
        self,
        interaction: Interaction,
        reason: app_commands.Range[str, 1, REASON_LIMIT] | None = None,
    ) -> None:
        """Close the session; the full recap goes to the recap channel."""
        ran = await self._run(interaction, cmd.End(reason=reason), "The session ends")
        if ran is not None and ran.session_id is not None:
            await post_final_recap(interaction, ran.session_id)

    @app_commands.command(name="config")
    @app_commands.describe(
        recap_channel="Where final recaps go",
        gm_role="Members who may GM",
        turn_timeout="Minutes before an idle turn is skipped (0 = off)",
    )
    async def config(
        self,
        interaction: Interaction,
        recap_channel: discord.TextChannel | None = None,
        gm_role: discord.Role | None = None,
        turn_timeout: app_commands.Range[int, 0, TURN_TIMEOUT_LIMIT] | None = None,
    ) -> None:
        """Per-server settings (needs Manage Server)."""
        member = interaction.user
        if not isinstance(member, discord.Member) or not member.guild_permissions.manage_guild:
            return await refuse(interaction, "Server settings need the Manage Server permission.")
        service = self.bot.service
        settings = await service.settings(member.guild.id)
        changes: dict[str, int | None] = {}
        if recap_channel is not None:
            changes["recap_channel_id"] = recap_channel.id
        if gm_role is not None:
            changes["gm_role_id"] = gm_role.id
        if turn_timeout is not None:
            changes["turn_timeout_minutes"] = turn_timeout
        settings = settings.model_copy(update=changes)
        await service.configure(settings)
        await respond(interaction, embed=render.settings_embed(settings), ephemeral=True)

    @app_commands.command(name="sessions")
    @gm_only(session="if_any")
    async def sessions(self, interaction: Interaction) -> None:
        """This server's sessions, open and closed, with ids."""
        records = await self.bot.service.sessions(interaction.guild_id or 0)
        rows = [
            (r.id, r.status.value, r.channel_id, r.created_at.strftime("%Y-%m-%d %H:%M"), r.ending)
            for r in records[:40]
        ]
        await respond(interaction, embed=render.sessions_embed(rows), ephemeral=True)

    @app_commands.command(name="recap")
    @gm_only(session="if_any")
    @app_commands.describe(session="The session's id (see /gm sessions)")
    async def recap(
        self, interaction: Interaction, session: app_commands.Range[int, 1, DISCORD_INTEGER]
    ) -> None:
        """Post the recap of any past session of this server."""
        stored = await self.bot.service.get(session)
        if stored is None or stored.record.guild_id != interaction.guild_id:
            return await refuse(interaction, f"This server has no session #{session}.")
        await hold(interaction)
        recap = await build_recap(self.bot, stored, final=not stored.record.open)
        for message in recap.posts():
            await interaction.followup.send(**message)


@dataclass(frozen=True)
class Recap:
    """A session's recap as /gm end and /gm recap post it: its pages as messages of embeds, its
    transcript and its chart."""

    session_id: int
    link: str
    messages: list[list[discord.Embed]]
    transcript: str
    chart: bytes | None
    chart_text: str = ""  # the chart's description, for screen readers

    def posts(self, heading: str | None = None) -> list[render.RecapPost]:
        """Each message's send arguments, with fresh files (a sent file is closed after)."""
        content = heading or self.link
        return render.recap_posts(
            self.session_id, content, self.messages, self.transcript, self.chart, self.chart_text
        )


async def build_recap(bot: CastleBot, stored: StoredSession, final: bool) -> Recap:
    """The one recap builder: pages, transcript and chart of a stored session."""
    log = await bot.service.log(stored.id)
    pages = recap_pages(stored.state, log, final=final)
    plotted = course(stored.state, log)
    chart = await draw_chart(bot, plotted)
    return Recap(
        session_id=stored.id,
        link=f"Session #{stored.id} in <#{stored.record.channel_id}>",
        messages=render.recap_messages(pages),
        transcript=transcript(stored.state, log, TYPED_OPTIONS),
        chart=chart,
        chart_text=describe(plotted) if plotted is not None else "",
    )


async def draw_chart(bot: CastleBot, plotted: Course | None) -> bytes | None:
    """The recap chart, drawn in the bot's chart process so the event loop keeps answering."""
    if plotted is None:
        return None
    pool = bot.chart_pool()
    return await asyncio.get_running_loop().run_in_executor(pool, chart_process.draw, plotted)


async def post_final_recap(interaction: Interaction, session_id: int) -> None:
    """The final recap, its chart and the transcript, to the recap channel with a link to the
    session's channel; if that channel is gone or refuses, here instead, saying what to fix."""
    service = interaction.client.service
    stored = await service.get(session_id)
    if stored is None:
        return
    recap = await build_recap(interaction.client, stored, final=True)
    settings: ServerSettings = await service.settings(stored.record.guild_id)
    target, problem = _recap_channel(interaction, settings)
    if target is not None:
        try:
            for message in recap.posts():
                await target.send(**message)
            return
        except discord.HTTPException as error:
            problem = render.recap_refused(target.id, error)
    heading = f"{recap.link}\n⚠️ {problem}" if problem else recap.link
    for message in recap.posts(heading):
        await interaction.followup.send(**message)


def _recap_channel(
    interaction: Interaction, settings: ServerSettings
) -> tuple[discord.TextChannel | None, str | None]:
    """Where the final recap goes: the server's recap channel, or None for this (the session's)
    channel, with the line telling the GM what to fix when the recap channel cannot take it."""
    recap_id = settings.recap_channel_id
    if recap_id is None or recap_id == interaction.channel_id:
        return None, None
    guild = interaction.guild
    channel = guild.get_channel(recap_id) if guild else None
    if not isinstance(channel, discord.TextChannel):
        return None, (
            f"The recap channel <#{recap_id}> is gone, so the recap is here. "
            "Set a new one with `/gm config recap_channel`."
        )
    permissions = channel.permissions_for(channel.guild.me)
    needed = ("view_channel", "send_messages", "embed_links", "attach_files")
    missing = [name for name in needed if not getattr(permissions, name)]
    if missing:
        wanted = ", ".join(name.replace("_", " ").title() for name in missing)
        return None, (
            f"I may not post the recap in {channel.mention} (I lack {wanted} there), so it is "
            "here. Give me those there, or choose another channel with `/gm config recap_channel`."
        )
    return channel, None


async def setup(bot: CastleBot) -> None:
    await bot.add_cog(GM(bot))

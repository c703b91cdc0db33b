"""Player commands: seats, poses, techniques, moves, choices, sheets, dice, recaps and help."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs import render
from cogs.common import (
    NO_SESSION,
    Interaction,
    accepted,
    character_choices,
    current_state,
    hold,
    matching,
    play_here,
    refuse,
    respond,
    speak_as,
)
from cogs.views import lobby_view, reply_with_outcome
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine import options
from scenes.engine.dice import Dice, Roll
from scenes.engine.errors import Refusal
from scenes.engine.limits import (
    CHOICE_LIMIT,
    DICE_LIMIT,
    KEY_LIMIT,
    NAME_LIMIT,
    POSE_LIMIT,
    ROLL_REASON_LIMIT,
)
from scenes.engine.queries import find_character
from scenes.engine.recap import recap_pages
from scenes.engine.registry import find_scene, scene_keys
from scenes.engine.state import SessionState

if TYPE_CHECKING:
    from bot import CastleBot

POSE_HELP = "Your own words for it (shown as its narration)"
HELP = (
    "Each session is one scene played together in a channel.\n"
    "• `/roles` shows the seats; `/claim` takes one (some roles ask your character's name).\n"
    "• When the GM runs `/gm begin`, initiative sets the order. On your turn use **one** of "
    "`/jutsu`, `/defend`, `/move` or `/interact`. The bot tells you when it is your turn.\n"
    "• Any time: `/act` (a pose), `/say` (a line), `/status` (a sheet), `/roll` (free dice), "
    "`/recap`.\n"
    "• Techniques cost chakra and roll `1d20 + skill` against the target's evasion; a natural 20 "
    "doubles the damage dice, a natural 1 wastes the chakra.\n"
    "• When the scene offers you a choice, press its buttons or use `/choose`."
)


def help_text() -> str:
    """How to play, with a line for each scene there is."""
    scenes = [find_scene(key).data for key in scene_keys()]
    return HELP + "\n\n" + "\n".join(f"**{scene.name}**: {scene.blurb}" for scene in scenes)


class Players(commands.Cog):
    def __init__(self, bot: CastleBot) -> None:
        self.bot: CastleBot = bot

    @app_commands.command(name="roles")
    @app_commands.guild_only()
    async def roles(self, interaction: Interaction) -> None:
        """The session's seats: who holds each and what is free."""
        state = await current_state(interaction)
        if state is None:
            return await refuse(interaction, NO_SESSION)
        stored = await self.bot.service.current(interaction.channel_id or 0)
        view = lobby_view(stored.id, state) if stored else None
        await respond(interaction, embed=render.roles_embed(state), view=view)

    @app_commands.command(name="claim")
    @app_commands.guild_only()
    @app_commands.describe(
        role="The seat to take", name="Your character's name (roles of several seats)"
    )
    async def claim(
        self,
        interaction: Interaction,
        role: app_commands.Range[str, 1, KEY_LIMIT],
        name: app_commands.Range[str, 1, NAME_LIMIT] | None = None,
    ) -> None:
        """Take a free seat (one per player)."""
        await self._play(interaction, cmd.Claim(role=role, name=name), "A seat is taken")

    @app_commands.command(name="release")
    @app_commands.guild_only()
    async def release(self, interaction: Interaction) -> None:
        """Give your seat back (your character stays, idle)."""
        await self._play(interaction, cmd.Release(), "A seat is freed")

    @app_commands.command(name="act")
    @app_commands.guild_only()
    @app_commands.checks.cooldown(5, 10.0, key=lambda i: (i.guild_id, i.user.id))
    @app_commands.describe(text="What your character does")
    async def act(
        self, interaction: Interaction, text: app_commands.Range[str, 1, POSE_LIMIT]
    ) -> None:
        """An in-character action or pose (free: not a turn)."""
        await self._pose(interaction, cmd.Act(text=text))

    @app_commands.command(name="say")
    @app_commands.guild_only()
    @app_commands.checks.cooldown(5, 10.0, key=lambda i: (i.guild_id, i.user.id))
    @app_commands.describe(text="What your character says")
    async def say(
        self, interaction: Interaction, text: app_commands.Range[str, 1, POSE_LIMIT]
    ) -> None:
        """An in-character line of dialogue (free)."""
        await self._pose(interaction, cmd.Say(text=text))

    async def _pose(self, interaction: Interaction, command: cmd.Act | cmd.Say) -> None:
        """Stored first; then posted as the character through the channel's webhook, or, where
        the bot may not, as its own embed with the character's name."""
        ran = await play_here(interaction, command)
        if ran is None:
            return
        state = accepted(ran).state
        seat = state.seat_of(interaction.user.id)
        assert seat is not None
        events = accepted(ran).events
        posed = next(e for e in events if isinstance(e, ev.Posed))
        key, text = seat.key, posed.text

        def shown(named: bool) -> discord.Embed:
            return render.pose_embed(state, key, command.kind, text, named=named, events=events)

        await speak_as(interaction, ran, state.character(key).name, shown)

    @app_commands.command(name="jutsu")
    @app_commands.guild_only()
    @app_commands.describe(
        name="One of your techniques",
        target="Whom or what to aim at",
        pose=POSE_HELP,
    )
    async def jutsu(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, KEY_LIMIT],
        target: app_commands.Range[str, 1, KEY_LIMIT] | None = None,
        pose: app_commands.Range[str, 1, POSE_LIMIT] | None = None,
    ) -> None:
        """Use a technique: dice-backed, costs chakra, uses your turn."""
        command = cmd.Jutsu(name=name, target=target, pose=pose)
        await self._play(interaction, command, "A technique")

    @app_commands.command(name="defend")
    @app_commands.guild_only()
    @app_commands.describe(pose=POSE_HELP)
    async def defend(
        self, interaction: Interaction, pose: app_commands.Range[str, 1, POSE_LIMIT] | None = None
    ) -> None:
        """Guard until your next turn (uses your turn)."""
        await self._play(interaction, cmd.Defend(pose=pose), "On guard")

    @app_commands.command(name="move")
    @app_commands.guild_only()
    @app_commands.describe(
        to="A place connected to where you stand",
        pose=POSE_HELP,
    )
    async def move(
        self,
        interaction: Interaction,
        to: app_commands.Range[str, 1, KEY_LIMIT],
        pose: app_commands.Range[str, 1, POSE_LIMIT] | None = None,
    ) -> None:
        """Move to a connected place (uses your turn)."""
        await self._play(interaction, cmd.Move(to=to, pose=pose), "On the move")

    @app_commands.command(name="interact")
    @app_commands.guild_only()
    @app_commands.describe(
        object="One of the scene's objects",
        how="What to do with it",
        pose=POSE_HELP,
    )
    async def interact(
        self,
        interaction: Interaction,
        object: app_commands.Range[str, 1, KEY_LIMIT],
        how: app_commands.Range[str, 1, KEY_LIMIT],
        pose: app_commands.Range[str, 1, POSE_LIMIT] | None = None,
    ) -> None:
        """Act on the scene's objects (uses your turn)."""
        command = cmd.Interact(object=object, how=how, pose=pose)
        await self._play(interaction, command, f"The {object.strip().casefold()}"[:KEY_LIMIT])

    @app_commands.command(name="choose")
    @app_commands.guild_only()
    @app_commands.describe(option="One of the choices the scene offers you")
    async def choose(
        self, interaction: Interaction, option: app_commands.Range[str, 1, CHOICE_LIMIT]
    ) -> None:
        """Answer a decision the scene offers you (the mercy, the standoff)."""
        await self._play(interaction, cmd.Choose(option=option), "A choice is made")

    @app_commands.command(name="status")
    @app_commands.guild_only()
    @app_commands.describe(character="Whose sheet (yours by default)")
    async def status(
        self,
        interaction: Interaction,
        character: app_commands.Range[str, 1, KEY_LIMIT] | None = None,
    ) -> None:
        """A character sheet: vitality, chakra, resolve, conditions, place, whose turn."""
        state = await current_state(interaction)
        if state is None:
            return await refuse(interaction, NO_SESSION)
        key = _character_key(state, character, interaction.user.id)
        if key is None:
            names = ", ".join(c.name for c in state.characters)
            return await refuse(interaction, f"Name a character: {names}.")
        await respond(interaction, embed=render.status_embed(state, key), ephemeral=True)

    @app_commands.command(name="roll")
    @app_commands.checks.cooldown(5, 10.0, key=lambda i: (i.guild_id, i.user.id))
    @app_commands.describe(
        dice="Dice notation, e.g. 1d20+3 or 4d6kh3",
        reason="What it is for",
        private="Only you and the session's GM see it",
    )
    async def roll(
        self,
        interaction: Interaction,
        dice: app_commands.Range[str, 1, DICE_LIMIT],
        reason: app_commands.Range[str, 1, ROLL_REASON_LIMIT] | None = None,
        private: bool = False,
    ) -> None:
        """A free dice roll, stored with the session if one is open; private: seen by you and
        the session's GM only."""
        state = await current_state(interaction)
        if state is not None:
            command = cmd.FreeRoll(dice=dice, reason=reason, private=private)
            ran = await play_here(interaction, command)
            if ran is not None:
                rolled = accepted(ran).events[-1]
                assert isinstance(rolled, ev.DiceRolled)
                await self._show_roll(interaction, rolled.roll, private, state.gm_id)
            return
        try:
            roll = Dice(random.SystemRandom()).roll(dice, reason or "Roll")
        except Refusal as refusal:
            return await refuse(interaction, refusal.message)
        await self._show_roll(interaction, roll, private, None)

    async def _show_roll(
        self, interaction: Interaction, roll: Roll, private: bool, gm_id: int | None
    ) -> None:
        """The roll for everyone; or, private, for the roller alone, and the GM by message."""
        embed = render.roll_embed(roll)
        if not private:
            await respond(interaction, embed=embed)
            return
        await respond(interaction, embed=embed, ephemeral=True)
        if gm_id is None or gm_id == interaction.user.id:
            return
        told = embed.copy()
        told.set_author(name=f"A private roll by {interaction.user.display_name}"[:256])
        try:
            channel = await interaction.client.create_dm(discord.Object(id=gm_id))
            await channel.send(embed=told, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            await interaction.followup.send(
                "The GM could not be sent your roll (their direct messages are closed).",
                ephemeral=True,
            )

    @app_commands.command(name="recap")
    @app_commands.guild_only()
    @app_commands.describe(private="Only you see it")
    async def recap(self, interaction: Interaction, private: bool = False) -> None:
        """The recap of this channel's session so far."""
        service = self.bot.service
        stored = await service.current(interaction.channel_id or 0)
        if stored is None:
            return await refuse(interaction, NO_SESSION)
        await hold(interaction, ephemeral=private)
        log = await service.log(stored.id)
        pages = recap_pages(stored.state, log, final=False)
        for embeds in render.recap_messages(pages):
            await interaction.followup.send(embeds=embeds, ephemeral=private)

    @app_commands.command(name="help")
    async def help(self, interaction: Interaction) -> None:
        """How to play, in a page a newcomer can read."""
        embed = discord.Embed(title="How to play", description=help_text(), colour=render.STORM)
        await respond(interaction, embed=embed, ephemeral=True)

    async def _play(self, interaction: Interaction, command: cmd.Command, title: str) -> None:
        """Run a command here and, if accepted, reply with its outcome."""
        ran = await play_here(interaction, command)
        if ran is not None:
            await self._reply(interaction, ran, title)

    async def _reply(self, interaction: Interaction, ran: Ran, title: str) -> None:
        """The outcome embed (with the decision's buttons if one now waits), then whose turn."""
        seat = accepted(ran).state.seat_of(interaction.user.id)
        await reply_with_outcome(interaction, ran, title, seat.key if seat else None)

    # --- autocomplete -----------------------------------------------------------------------

    @jutsu.autocomplete("name")
    async def _techniques(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        return matching(options.techniques(state, key), current) if state and key else []

    @jutsu.autocomplete("target")
    async def _targets(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        if state is None or key is None:
            return []
        technique = getattr(interaction.namespace, "name", None)
        return matching(options.targets(state, key, technique), current)

    @move.autocomplete("to")
    async def _places(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        return matching(options.places(state, key), current) if state and key else []

    @interact.autocomplete("object")
    async def _objects(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        return matching(options.objects(state, key), current) if state and key else []

    @interact.autocomplete("how")
    async def _hows(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        if state is None or key is None:
            return []
        obj = getattr(interaction.namespace, "object", None)
        return matching(options.hows(state, key, obj), current)

    @claim.autocomplete("role")
    async def _roles(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state = await current_state(interaction)
        return matching(options.roles(state), current) if state else []

    @choose.autocomplete("option")
    async def _options(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        state, key = await _seated(interaction)
        return matching(options.choices(state, key), current) if state else []

    @status.autocomplete("character")
    async def _characters(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await character_choices(interaction, current)


async def _seated(interaction: Interaction) -> tuple[SessionState | None, str | None]:
    """This channel's session and the caller's seat in it (None where there is none)."""
    state = await current_state(interaction)
    seat = state.seat_of(interaction.user.id) if state else None
    return state, seat.key if seat else None


def _character_key(state: SessionState, name: str | None, member_id: int) -> str | None:
    if name is None:
        seat = state.seat_of(member_id)
        return seat.key if seat else None
    found = find_character(state, name)
    return found.key if found else None


async def setup(bot: CastleBot) -> None:
    await bot.add_cog(Players(bot))

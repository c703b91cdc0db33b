"""Buttons that outlive a restart: dynamic items whose custom ids carry the session id."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import discord

from cogs import render
from cogs.common import (
    Interaction,
    accepted,
    deliver,
    guarded,
    play_session,
    refuse,
    respond,
    turn_ping,
)
from cogs.contract import CheckedModal
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine.limits import NAME_LIMIT
from scenes.engine.registry import find_scene
from scenes.engine.state import Decision, SessionState, Status
from scenes.schema import Role, load_scene

if TYPE_CHECKING:
    from bot import CastleBot

CLAIM_PREFIX = "castle:claim"
CHOOSE_PREFIX = "castle:choose"
# Session ids are database row ids: positive, at most SQLite's (and PostgreSQL's) 64-bit maximum.
SESSION_ID_MAX = 2**63 - 1
# What follows a prefix in the custom ids the bot makes: the session id, then a role or option.
OURS = re.compile(r"(?P<session>[1-9][0-9]{0,18}):(?P<key>[a-z][a-z0-9_]{0,39})")
NOT_MINE = "That button is not one I made (or it is out of date); use {instead}."


def parsed(tail: str) -> tuple[int, str] | None:
    """The session id and key a custom id carries after its prefix; None when it is not one the
    bot could have made (a crafted client can send any text, a session id beyond 64 bits)."""
    match = OURS.fullmatch(tail)
    if match is None or int(match["session"]) > SESSION_ID_MAX:
        return None
    return int(match["session"]), match["key"]


class ClaimButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"castle:claim:(?P<tail>(?s:.*))",
):
    """Claim a role's seat from the lobby message. ``session_id`` is None on a button whose
    custom id the bot did not make: pressing it is refused with a sentence."""

    def __init__(
        self, session_id: int | None, role: str, label: str = "Claim", custom_id: str = ""
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=custom_id or f"{CLAIM_PREFIX}:{session_id}:{role}",
            )
        )
        self.session_id = session_id
        self.role = role

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ClaimButton:
        label = (item.label if isinstance(item, discord.ui.Button) else None) or "Claim"
        ours = parsed(match["tail"])
        if ours is None:
            return cls(None, "", label, custom_id=match.string)
        return cls(ours[0], ours[1], label)

    @guarded("a claim button")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.session_id is None:
            return await refuse(interaction, NOT_MINE.format(instead="/claim"))
        role = await _named_role(interaction, self.session_id, self.role)
        if role is not None:
            await interaction.response.send_modal(CharacterName(self.session_id, role))
            return
        await claim_from_button(interaction, self.session_id, self.role, None)


async def _named_role(interaction: Interaction, session_id: int, key: str) -> Role | None:
    """The role, if it is one of several seats (whose players name their character)."""
    stored = await interaction.client.service.get(session_id)
    if stored is None:
        return None
    scene = find_scene(stored.state.scene).data
    role = next((r for r in scene.roles if r.key == key), None)
    return role if role is not None and role.seats_max > 1 else None


class CharacterName(CheckedModal, title="Your character"):
    """Asks the character's name before taking a seat of a role of several seats."""

    name: discord.ui.TextInput = discord.ui.TextInput(
        label="Character name", min_length=1, max_length=NAME_LIMIT
    )

    def __init__(self, session_id: int, role: Role) -> None:
        super().__init__(timeout=600, title=f"Your {role.name.lower()}"[:45])
        self.name.placeholder = f"{role.title}"[:100]
        self.session_id = session_id
        self.role = role.key

    @guarded("the character's name")
    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await claim_from_button(interaction, self.session_id, self.role, str(self.name.value))


async def claim_from_button(
    interaction: Interaction, session_id: int, role: str, name: str | None
) -> None:
    ran = await play_session(interaction, session_id, cmd.Claim(role=role, name=name))
    if ran is None:
        return
    seat = accepted(ran).state.seat_of(interaction.user.id)
    await reply_with_outcome(interaction, ran, "A seat is taken", seat.key if seat else None)


# A choice button's custom id after its prefix: the session id, the option, then (since several
# decisions may be pending at once) the decider it was made for; ids without one still answer.
CHOICE = re.compile(
    r"(?P<session>[1-9][0-9]{0,18}):(?P<key>[a-z][a-z0-9_]{0,39})"
    r"(?::(?P<decider>[a-z][a-z0-9_]{0,39}))?"
)


def parsed_choice(tail: str) -> tuple[int, str, str | None] | None:
    """The session id, option and decider a choice button's custom id carries; None when it is
    not one the bot could have made."""
    match = CHOICE.fullmatch(tail)
    if match is None or int(match["session"]) > SESSION_ID_MAX:
        return None
    return int(match["session"]), match["key"], match["decider"]


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"castle:choose:(?P<tail>(?s:.*))",
):
    """One answer to a decision the scene offers (the mercy, the standoff, the bargain).
    ``session_id`` is None on a button whose custom id the bot did not make."""

    def __init__(
        self,
        session_id: int | None,
        option: str,
        grave: bool = False,
        custom_id: str = "",
        decider: str | None = None,
        label: str = "",
        row: int | None = None,
    ) -> None:
        style = discord.ButtonStyle.danger if grave else discord.ButtonStyle.secondary
        made = f"{CHOOSE_PREFIX}:{session_id}:{option}" + (f":{decider}" if decider else "")
        super().__init__(
            discord.ui.Button(
                label=label or option.capitalize() or "Choose",
                style=style,
                custom_id=custom_id or made,
                row=row,
            )
        )
        self.session_id = session_id
        self.option = option
        self.decider = decider

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceButton:
        ours = parsed_choice(match["tail"])
        if ours is None:
            return cls(None, "", custom_id=match.string)
        return cls(ours[0], ours[1], decider=ours[2])

    @guarded("a choice button")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.session_id is None:
            return await refuse(interaction, NOT_MINE.format(instead="/choose"))
        command = cmd.Choose(option=self.option, decider=self.decider)
        ran = await play_session(interaction, self.session_id, command)
        if ran is None:
            return
        seat = accepted(ran).state.seat_of(interaction.user.id)
        await reply_with_outcome(interaction, ran, "A choice is made", seat.key if seat else None)


class UnknownButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"castle:(?!claim:|choose:)(?s:.*)",
):
    """Any other custom id in the bot's namespace (a forged one, or one of an older version):
    refused with a sentence. Ids outside ``castle:`` are no button of this bot's, and go
    unanswered as Discord leaves them (discord.py drops them without a word)."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UnknownButton:
        return cls(match.string)

    @guarded("an unknown button")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await refuse(interaction, NOT_MINE.format(instead="the slash commands (see /help)"))


def lobby_view(session_id: int, state: SessionState) -> discord.ui.View | None:
    """Claim buttons for every role with a free seat (none once the session has ended)."""
    if state.status is Status.ENDED:
        return None
    scene = load_scene(state.scene)
    view = discord.ui.View(timeout=None)
    free = [
        role
        for role in scene.roles
        if any(s.role == role.key and s.member_id is None for s in state.seats)
    ]
    for role in free:
        view.add_item(ClaimButton(session_id, role.key, f"Claim {role.name}"))
    return view if free else None


def decision_view(session_id: int, state: SessionState) -> discord.ui.View | None:
    """Buttons for every pending decision, offered to each decider: a row of their own, each
    button named for its decider when two deciders share an option (a press by another player
    is refused)."""
    decisions: tuple[Decision, ...] = state.decisions[:VIEW_ROWS]
    if not decisions:
        return None
    rules = find_scene(state.scene)
    offered = Counter(o for d in decisions for o in set(d.options))
    view = discord.ui.View(timeout=None)
    for row, decision in enumerate(decisions):
        name = state.character(decision.decider).name
        for option in decision.options[:ROW_BUTTONS]:
            shared = offered[option] > 1
            label = f"{name}: {option.capitalize()}"[:BUTTON_LABEL] if shared else ""
            grave = rules.grave(decision, option)
            button = ChoiceButton(session_id, option, grave, "", decision.decider, label, row)
            view.add_item(button)
    return view


VIEW_ROWS, ROW_BUTTONS, BUTTON_LABEL = 5, 5, 80


def register_views(bot: CastleBot) -> None:
    """Make buttons of any earlier run answer again."""
    bot.add_dynamic_items(ClaimButton, ChoiceButton, UnknownButton)


async def reply_with_outcome(
    interaction: Interaction, ran: Ran, title: str, actor: str | None = None
) -> None:
    """One post for a turn: what the command did (with the choice's buttons if one now waits)
    and, in the same message, whose turn it is now."""
    outcome = accepted(ran)
    content, mentions = turn_ping(outcome)
    view = decision_view(ran.session_id or 0, outcome.state)

    async def post() -> None:
        await respond(
            interaction,
            content,
            embed=render.outcome_embed(outcome.state, outcome.events, title, actor),
            view=view,
            allowed_mentions=mentions,
        )

    await deliver(interaction, ran, post)

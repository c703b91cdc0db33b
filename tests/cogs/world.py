"""A castle on a fake Discord: the real bot, a fresh database, a server with its people."""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_discord import FakeDiscord, Perm, point_discord_at, run_bot
from fake_discord.models import Channel, Guild, Member, Message

from bot import CastleBot, Settings

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEd.castle-in-the-rain-test-token-0123456789"


class TestBot(CastleBot):
    """The real bot; only discord.py's 5-second wait before a re-IDENTIFY is skipped."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@dataclass
class World:
    fake: FakeDiscord
    guild: Guild
    hall: Channel
    other: Channel
    recaps: Channel
    gm: Member
    players: dict[str, Member]
    stranger: Member
    far_guild: Guild
    far_hall: Channel
    far_member: Member
    db: Path
    bot: CastleBot | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def slash(
        self,
        command: str,
        who: Member,
        options: dict[str, Any] | None = None,
        channel: Channel | None = None,
        **kwargs: Any,
    ):
        handle = await self.fake.send_slash(
            command, member=who, channel=channel or self.hall, options=options or {}, **kwargs
        )
        await handle.response()
        return handle


def build(fake: FakeDiscord, db: Path) -> World:
    guild = fake.add_guild("Castle in the Rain")
    hall = fake.add_text_channel(guild, "east-wing")
    other = fake.add_text_channel(guild, "north-wing")
    recaps = fake.add_text_channel(guild, "recaps")
    gm = fake.add_member(guild, "gm", permissions=Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD)
    players = {
        key: fake.add_member(guild, f"player-{key}")
        for key in ("sakura", "sasuke", "defender", "defender2")
    }
    stranger = fake.add_member(guild, "stranger")
    far_guild = fake.add_guild("Another Server")
    far_hall = fake.add_text_channel(far_guild, "elsewhere")
    far_member = fake.add_member(
        far_guild, "far-gm", permissions=Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD
    )
    return World(
        fake, guild, hall, other, recaps, gm, players, stranger, far_guild, far_hall, far_member, db
    )


def settings(world: World) -> Settings:
    return Settings(
        discord_token=TOKEN,
        database_path=world.db,
        dev_guild_id=world.guild.id,
        turn_check_seconds=0.05,
    )


@contextlib.asynccontextmanager
async def running(world: World, seed: int = 7, clock=None) -> AsyncIterator[CastleBot]:
    """Start (or restart) the bot process against the world's fake and database."""
    bot = TestBot(settings(world), seeds=random.Random(seed), clock=clock, guild_ready_timeout=0.05)
    thresholds = gc.get_threshold()
    try:
        async with run_bot(bot, world.fake) as started:
            world.bot = started
            yield started
    finally:
        world.bot = None
        gc.unfreeze()  # the bot froze this test process's heap as it started: collect it again
        gc.set_threshold(*thresholds)  # and spaced its full collections: as they were


@contextlib.asynccontextmanager
async def castle(tmp_path: Path, **fake_options: Any) -> AsyncIterator[World]:
    async with FakeDiscord(token=TOKEN, **fake_options) as fake:
        with point_discord_at(fake):
            world = build(fake, tmp_path / "data" / "castle.sqlite3")
            # the far server's commands are synced too, as a global sync would
            yield world
            fake.assert_clean()
            apologies = [m.content for m in fake.all_messages if m.content.startswith("Sorry")]
            expected = world.extra.get("apologies", 0)
            assert len(apologies) == expected, f"the bot hit an internal error: {apologies}"


async def session_state(world: World, channel: Channel | None = None):
    """The bot's current state of a channel's session (read, never changed, by the test)."""
    assert world.bot is not None
    stored = await world.bot.service.current((channel or world.hall).id)
    return stored.state if stored else None


async def spoken(world: World, name: str, words: str, channel: Channel | None = None) -> Message:
    """The line or pose ``name`` posted through the channel's webhook, once it is there."""

    def said(message: Message) -> bool:
        text = " ".join(e.get("description") or "" for e in message.embeds)
        return message.webhook_id is not None and message.username == name and words in text

    return await world.fake.wait_for_message(said, channel=channel or world.hall)


def buttons(message) -> dict[str, str]:
    """A message's buttons: label -> custom id."""
    return {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}


async def perform(world: World, member: Member, command) -> Any:
    """Send an engine command the way a player would: a slash command (or a button)."""
    kind = command.kind
    if kind == "jutsu":
        options = {"name": command.name}
        if command.target:
            options["target"] = command.target
        return await world.slash("jutsu", member, options)
    if kind == "defend":
        return await world.slash("defend", member)
    if kind == "move":
        return await world.slash("move", member, {"to": command.to})
    if kind == "interact":
        return await world.slash("interact", member, {"object": command.object, "how": command.how})
    if kind == "choose":
        return await world.slash("choose", member, {"option": command.option})
    if kind == "say":
        return await world.slash("say", member, {"text": command.text})
    raise AssertionError(f"no slash form for {kind}")


async def claimed_by_all(world: World) -> dict[str, Member]:
    """Sakura, Sasuke and the one defender (Ren) claimed in the open lobby: each seat's member."""
    seats = {
        "sakura": world.players["sakura"],
        "sasuke": world.players["sasuke"],
        "defender_1": world.players["defender"],
    }
    await world.slash("claim", seats["sakura"], {"role": "sakura"})
    await world.slash("claim", seats["sasuke"], {"role": "sasuke"})
    await world.slash("claim", seats["defender_1"], {"role": "defender", "name": "Ren"})
    return seats


async def begun(world: World, defenders: int = 1) -> None:
    """A session in the hall with Sakura and Sasuke seated, begun."""
    await world.slash("gm open", world.gm, {"defenders": defenders})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
    await world.slash("gm begin", world.gm)


async def suggestions(
    world: World, command: str, member: Member, focused: str, options: dict[str, Any]
) -> list[dict[str, Any]]:
    """What autocomplete offers ``member`` for ``focused`` in the hall."""
    handle = await world.fake.autocomplete(
        command, member=member, channel=world.hall, focused=focused, options=options
    )
    return await handle.choices()

"""Pytest fixtures for the fake Discord; a conftest can ``from fake_discord.fixtures import *``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from .client import point_discord_at
from .models import Channel, Guild, Member, Perm, Role
from .server import FakeDiscord

__all__ = ["StandardWorld", "build_standard_world", "fake_discord", "fake_discord_factory"]

FakeFactory = Callable[..., Awaitable[FakeDiscord]]


@dataclass
class StandardWorld:
    """A small castle: one guild, a text channel, a GM role, a GM, a player and a thread."""

    guild: Guild
    channel: Channel
    thread: Channel
    gm_role: Role
    gm: Member
    player: Member


def build_standard_world(fake: FakeDiscord) -> StandardWorld:
    guild = fake.add_guild("Castle in the Rain")
    channel = fake.add_text_channel(guild, "great-hall", topic="The storm rages outside.")
    gm_perms = Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD | Perm.MANAGE_WEBHOOKS
    gm_role = fake.add_role(guild, "Game Master", permissions=gm_perms)
    gm = fake.add_member(guild, "gm", roles=[gm_role])
    player = fake.add_member(guild, "player")
    thread = fake.add_thread(channel, "scene-1")
    return StandardWorld(guild, channel, thread, gm_role, gm, player)


@pytest_asyncio.fixture
async def fake_discord_factory() -> AsyncIterator[FakeFactory]:
    """Make started fakes with custom settings; each is pointed at, checked clean and closed.

    Only one fake can be pointed at by discord.py at a time: the last one made wins.
    """
    made: list[tuple[FakeDiscord, Any]] = []

    async def make(**kwargs: Any) -> FakeDiscord:
        fake = await FakeDiscord(**kwargs).start()
        pointer = point_discord_at(fake)
        pointer.__enter__()
        made.append((fake, pointer))
        return fake

    yield make
    for fake, pointer in reversed(made):
        pointer.__exit__(None, None, None)
        await fake.close()
    for fake, _ in made:
        fake.assert_clean()


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord that discord.py points at; the test fails on any violation."""
    async with FakeDiscord() as fake:
        with point_discord_at(fake):
            yield fake
    fake.assert_clean()

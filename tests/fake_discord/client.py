"""Point a real discord.py client at a FakeDiscord and run it for the length of a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, TypeVar

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

if TYPE_CHECKING:
    import discord

    from .gateway import GatewaySession
    from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound="discord.Client")


@contextlib.contextmanager
def point_discord_at(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's two base URLs at the fake, restoring them afterwards.

    ``Route.BASE`` carries every REST call (webhooks and interactions included). A plain
    ``Client`` connects straight to ``DiscordWebSocket.DEFAULT_GATEWAY`` (only AutoShardedClient
    asks ``GET /gateway/bot``), so that URL is pointed at the fake too; READY's
    ``resume_gateway_url`` already names the fake, so reconnects stay on loopback.
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def run_bot(
    bot: ClientT,
    fake: FakeDiscord,
    *,
    wait_ready: bool = False,
    timeout: float = 10.0,
) -> AsyncIterator[ClientT]:
    """Start ``bot`` against ``fake``; yield once it has every guild cached; close it afterwards.

    ``wait_ready=True`` waits for ``on_ready`` instead, which discord.py delays by the client's
    ``guild_ready_timeout`` (2 s by default; pass ``guild_ready_timeout=0.05`` to the bot).
    """
    before = {s.id for s in fake.sessions}
    task = asyncio.create_task(bot.start(fake.token), name=f"run_bot-{id(bot)}")
    try:
        await _until_connected(bot, fake, task, before, wait_ready, timeout)
        yield bot
    finally:
        mine = [s for s in fake.sessions if s.id not in before]
        await _stop_waiting_for_ready(bot)
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError, Exception):
            await asyncio.wait_for(task, timeout)
        await _until_sessions_end(fake, mine, timeout)


async def _stop_waiting_for_ready(bot: discord.Client) -> None:
    """Cancel discord.py's wait for the last GUILD_CREATE if it is still going on.

    ``Client.close`` leaves that task running, and sets ``Client.loop`` to MISSING: if the wait
    ends during or after the close, it dispatches ``on_ready`` on a client with no loop, and the
    event's coroutine is dropped unstarted ("coroutine 'Client._run_event' was never awaited").
    A cancelled wait dispatches nothing.
    """
    waiting = bot._connection._ready_task
    if waiting is not None and not waiting.done():
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)


async def _until_sessions_end(
    fake: FakeDiscord, sessions: list[GatewaySession], timeout: float
) -> None:
    """Let the fake see the client's close, so the next client starts from a settled state."""
    for session in sessions:
        with contextlib.suppress(asyncio.TimeoutError):
            await fake.gateway_log.wait_for(
                lambda e, sid=session.id: e.name == "DISCONNECT" and e.session_id == sid,
                timeout,
                what=f"the close of {session.id}",
            )


async def _until_connected(
    bot: discord.Client,
    fake: FakeDiscord,
    task: asyncio.Task[None],
    before: set[str],
    wait_ready: bool,
    timeout: float,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    guild_ids = list(fake.state.guilds)
    while not _connected(bot, fake, before, guild_ids, wait_ready):
        if task.done():
            task.result()  # re-raise why the client stopped
            raise RuntimeError("the bot stopped before it connected")
        if loop.time() > deadline:
            raise TimeoutError(f"bot did not connect to the fake within {timeout}s")
        await asyncio.sleep(0.005)


def _connected(
    bot: discord.Client, fake: FakeDiscord, before: set[str], guild_ids: list[int], wait_ready: bool
) -> bool:
    """Ready, or (default) a new gateway session exists and every guild is in the bot's cache."""
    if wait_ready:
        return bot.is_ready()
    new_session = any(s.id not in before for s in fake.sessions)
    return new_session and all(bot.get_guild(g) is not None for g in guild_ids)

"""On the wire, a real bot process: SIGKILLed between a /say's commit and its post, the line is
posted once when the bot comes back, and the player's retry of it is not stored twice. On each
backend: an SQLite file, a PostgreSQL database (the same database across the restarts).

The kill falls where the test puts it: the fake Discord holds the post (the webhook's execution,
or the late post's message) and the test kills the process while it waits there.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from backends import Backend
from fake_discord import FakeDiscord, Perm
from fake_discord.models import Channel, Member, Message
from fake_discord.rest import ApiRequest

from db.sessions import ALREADY_POSTED
from scenes.engine import commands as c
from tests.benches import load_bench

LINE = "The lanterns are out. Keep low, and follow the wall."


bench = load_bench("bot_process")


class Hold:
    """Holds every request of one route the fake serves: ``then`` runs first (the original
    handler, for a post that reaches Discord; nothing, for one that does not), then the request
    waits, unanswered, until the test is done."""

    def __init__(self, fake: FakeDiscord, method: str, path: str, reaches: bool) -> None:
        match = fake._router.match(method, path)
        assert match is not None
        self.route = match[0]
        self.original = self.route.handler
        self.reaches = reaches
        self.entered = asyncio.Event()
        self.released = asyncio.Event()

    async def handler(self, request: ApiRequest) -> web.StreamResponse:
        if self.reaches:
            await self.original(request)
        self.entered.set()
        await self.released.wait()
        return web.Response(status=500)  # to nobody: the process that asked is dead

    @contextlib.contextmanager
    def holding(self) -> Any:
        self.route.handler = self.handler
        try:
            yield self
        finally:
            self.route.handler = self.original
            self.released.set()


def lines_in(fake: FakeDiscord, hall: Channel, words: str = LINE) -> list[Message]:
    return [
        m
        for m in fake.visible_messages(hall)
        if any(words in (e.get("description") or "") for e in m.embeds)
    ]


async def said_in_the_log(backend: Backend) -> list[str]:
    store = await backend.open()
    try:
        stored = (await store.open_sessions())[0]
        log = await store.log(stored.id)
        return [e.command.text for e in log if isinstance(e.command, c.Say)]
    finally:
        await store.close()


class Table:
    def __init__(self, fake: FakeDiscord, folder: Path, backend: Backend) -> None:
        self.fake = fake
        self.folder = folder
        self.backend = backend
        guild = fake.add_guild("Castle in the Rain")
        self.hall = fake.add_text_channel(guild, "east-wing")
        perms = Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD
        self.gm = fake.add_member(guild, "gm", permissions=perms)
        self.player = fake.add_member(guild, "player-sakura")
        self.runs = 0

    def options(self) -> Any:
        self.runs += 1
        log = self.folder / f"bot-{self.runs}.log"
        fake = self.fake
        postgres = self.backend.name == "postgres"
        return bench.BotOptions(
            "castle",
            fake.api_url,
            fake.gateway_url,
            self.folder / "unused.sqlite3" if postgres else Path(self.backend.target),
            log,
            guild_ready_timeout=0.05,
            database_url=self.backend.target if postgres else None,
        )

    async def slash(self, command: str, member: Member, options: dict[str, Any] | None = None):
        handle = await self.fake.send_slash(
            command, member=member, channel=self.hall, options=options or {}
        )
        return handle

    async def seated(self) -> None:
        """A session in the hall with the player in Sakura's seat."""
        async with bench.bot_process(self.options(), self.fake) as bot:
            opened = await bot.watch((await self.slash("gm open", self.gm)).message())
            assert not opened.ephemeral
            claimed = await (await self.slash("claim", self.player, {"role": "sakura"})).message()
            assert not claimed.ephemeral, claimed.content

    async def killed_at(self, hold: Hold, act: Callable[[], Any] | None = None) -> None:
        """Start the bot, ``act`` (or nothing: the start itself posts), and SIGKILL it as soon as
        the fake holds the post."""
        process = await asyncio.create_subprocess_exec(
            *self.options().argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=bench.ROOT
        )
        try:
            if act is not None:
                line = await asyncio.wait_for(process.stdout.readline(), bench.START_TIMEOUT)
                assert line.startswith(b"ready "), line
                await act()
            await asyncio.wait_for(hold.entered.wait(), bench.START_TIMEOUT)
        finally:
            process.kill()
            await process.wait()
        assert process.returncode == -9
        await settled(self.fake)

    async def killed_while_saying(self) -> None:
        """Seat the table, then SIGKILL the bot while the fake holds its webhook post of LINE:
        the line is committed and never posted."""
        await self.seated()
        webhook = Hold(self.fake, "POST", "/webhooks/1/token", reaches=False)
        with webhook.holding():
            await self.killed_at(webhook, self.say)

    async def say(self) -> None:
        await self.slash("say", self.player, {"text": LINE})


async def settled(fake: FakeDiscord) -> None:
    """Until the fake has seen the killed process's gateway connection close."""
    for _ in range(400):
        if not fake.sessions:
            return
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def table(tmp_path: Path, backend: Backend) -> AsyncIterator[Table]:
    async with FakeDiscord(token=bench.TOKEN) as fake:
        yield Table(fake, tmp_path, backend)
        fake.assert_clean(allow_unanswered=True)  # the killed process's /say never finished


async def retry_is_refused(here: Table) -> None:
    async with bench.bot_process(here.options(), here.fake) as bot:
        retry = await bot.watch((await here.slash("say", here.player, {"text": LINE})).message())
        assert retry.ephemeral and retry.content == ALREADY_POSTED


async def test_a_line_stored_before_a_kill_is_posted_once_after_the_restart(
    tmp_path: Path, backend: Backend
) -> None:
    async with table(tmp_path, backend) as here:
        await here.killed_while_saying()
        assert await said_in_the_log(here.backend) == [LINE]  # in the story, committed
        assert lines_in(here.fake, here.hall) == []  # never posted

        async with bench.bot_process(here.options(), here.fake):
            [posted] = lines_in(here.fake, here.hall)  # posted at the start, before ready
        assert posted.embeds[0]["author"]["name"] == "Sakura"
        assert posted.nonce is not None
        await retry_is_refused(here)  # the player's retry: not stored again, not posted again
        assert len(lines_in(here.fake, here.hall)) == 1
        assert await said_in_the_log(here.backend) == [LINE]


async def test_a_late_post_that_reached_discord_before_a_second_kill_is_not_doubled(
    tmp_path: Path, backend: Backend
) -> None:
    async with table(tmp_path, backend) as here:
        await here.killed_while_saying()
        # the next start posts the line; Discord takes it, and the bot dies before it hears so
        post = Hold(here.fake, "POST", f"/channels/{here.hall.id}/messages", reaches=True)
        with post.holding():
            await here.killed_at(post)
        assert len(lines_in(here.fake, here.hall)) == 1

        async with bench.bot_process(here.options(), here.fake):
            pass  # posts the line again, with the same nonce: Discord returns the first one
        assert len(lines_in(here.fake, here.hall)) == 1
        posts = [
            r.body
            for r in here.fake.calls("POST /channels/{channel_id}/messages")
            if LINE in str(r.body)
        ]
        assert len(posts) == 2  # posted twice, one message: the nonce, enforced
        assert {(p["nonce"], p["enforce_nonce"]) for p in posts} == {(posts[0]["nonce"], True)}
        await retry_is_refused(here)
        assert await said_in_the_log(here.backend) == [LINE]

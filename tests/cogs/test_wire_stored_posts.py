"""On the wire: every stored line the bot posts leaves the outbox once posted; lines stored and
never posted (as if the bot had died between the two) are posted at the next start, each kind in
its own form; an answer Discord refuses is followed by the line's late post."""

from __future__ import annotations

import asyncio

from aiohttp import web
from fake_discord import Perm
from fake_discord.models import Overwrite

from db.sessions import STILL_TO_POST
from scenes.engine import commands as c
from tests.cogs.world import begun, castle, running, session_state, spoken


def texts(world) -> list[str]:
    return [
        " ".join(e.get("description") or "" for e in m.embeds)
        for m in world.fake.visible_messages(world.hall)
    ]


async def outbox_empty(bot) -> bool:
    """Whether the outbox empties (the bot marks a line once Discord has answered its post,
    which the test may see a moment before the bot does)."""
    for _ in range(500):
        if not await bot.service.unposted():
            return True
        await asyncio.sleep(0.01)
    return False


def count(world, words: str) -> int:
    return sum(words in text for text in texts(world))


async def test_each_line_its_answer_posted_leaves_the_outbox(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        sakura = world.players["sakura"]
        await world.slash("say", sakura, {"text": "Stay close."})
        await spoken(world, "Sakura", "Stay close.")
        await world.slash("act", sakura, {"text": "wrings the rain from her sleeve"})
        await world.slash("gm npc", world.gm, {"name": "Gatekeeper", "text": "Who goes?"})
        await world.slash("gm narrate", world.gm, {"text": "Thunder rolls over the keep."})
        holder = world.players[(await session_state(world)).turn or ""]
        await world.slash("defend", holder, {"pose": "sets her feet in the mud"})
        assert await outbox_empty(bot)
        for words in ("Stay close.", "wrings the rain", "Who goes?", "Thunder rolls", "her feet"):
            assert count(world, words) == 1, words


async def test_lines_stored_and_never_posted_are_posted_at_the_next_start(tmp_path) -> None:
    async with castle(tmp_path) as world:
        async with running(world) as bot:
            await begun(world)
            before = len(world.fake.visible_messages(world.hall))
            state = await session_state(world)
            holder = world.players[state.turn or ""]
            sakura = world.players["sakura"]
            gm = c.Actor(member_id=world.gm.id, name="gm", gm=True)
            hall = world.hall.id
            # committed as the cogs would, and the bot "dies" before posting any of them
            said = c.Actor(member_id=sakura.id, name="sakura")
            stored = [
                (said, c.Say(text="Is anyone there?")),
                (gm, c.Npc(name="Gatekeeper", text="Only the rain.")),
                (gm, c.Narrate(text="A shutter bangs in the wind.")),
                (c.Actor(member_id=holder.id, name="x"), c.Defend(pose="ducks under the eaves")),
            ]
            for actor, command in stored:
                assert (await bot.service.run(hall, actor, command)).outboxed
            assert len(await bot.service.unposted()) == 4
            assert len(world.fake.visible_messages(world.hall)) == before
        async with running(world) as bot:
            assert await bot.service.unposted() == []
            posted = world.fake.visible_messages(world.hall)[before:]
            assert len(posted) == 4
            say, npc, narration, pose = (m.embeds[0] for m in posted)
            assert say["author"]["name"] == "Sakura" and "Is anyone there?" in say["description"]
            assert npc["author"]["name"] == "Gatekeeper"
            assert narration["description"] == "A shutter bangs in the wind."
            assert pose["description"].startswith("*ducks under the eaves*")
            # the defend handed the turn on: its late post says whose turn it is now
            after = await session_state(world)
            assert f"<@{after.seat(after.turn).member_id}>" in posted[3].content
            assert all(m.nonce for m in posted)
        async with running(world):
            assert len(world.fake.visible_messages(world.hall)) == before + 4  # none again


async def test_an_answer_discord_refuses_is_followed_by_the_lines_late_post(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        world.fake.response_deadline = -1.0  # every answer from now on comes too late
        words = "The bell tower is dark tonight."
        await world.fake.send_slash(
            "gm narrate", member=world.gm, channel=world.hall, options={"text": words}
        )
        posted = await world.fake.wait_for_message(
            lambda m: any(words in (e.get("description") or "") for e in m.embeds),
            channel=world.hall,
        )
        world.fake.response_deadline = 3.0
        late = world.fake.pop_violations()
        assert late and all(v.code == 10062 for v in late), late  # Unknown interaction
        assert posted.nonce is not None  # the late post, not the answer
        assert await outbox_empty(bot)
        assert count(world, words) == 1


async def test_a_line_its_channel_no_longer_takes_is_given_up_and_may_be_said_again(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world:
        sakura = world.players["sakura"]
        words = "Can anyone hear me?"
        async with running(world) as bot:
            await begun(world)
            said = c.Actor(member_id=sakura.id, name="sakura")
            assert (await bot.service.run(world.hall.id, said, c.Say(text=words))).outboxed
        # while the bot was down, it lost the right to post there (Discord answers 403)
        deny = int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
        world.hall.overwrites.append(Overwrite(world.fake.bot_user.id, 1, 0, deny))
        async with running(world) as bot:
            assert await bot.service.unposted() == []  # given up; the bot started all the same
            assert count(world, words) == 0
            world.hall.overwrites.pop()
            await world.slash("say", sakura, {"text": words})
            await spoken(world, "Sakura", words)  # a line of its own: nobody ever saw the first
            assert count(world, words) == 1


async def test_a_retry_of_a_line_no_post_could_place_posts_it_then(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        words = "Somewhere below, water is rising."
        found = world.fake._router.match("POST", f"/channels/{world.hall.id}/messages")
        assert found is not None
        route, original = found[0], found[0].handler

        async def unavailable(request):
            return web.Response(status=503)  # Discord having trouble: no retry by discord.py

        route.handler = unavailable
        world.fake.response_deadline = -1.0  # and the answer comes too late
        callback = "POST /interactions/{interaction_id}/{token}/callback"
        answers = len(world.fake.calls(callback))
        await world.fake.send_slash(
            "gm narrate", member=world.gm, channel=world.hall, options={"text": words}
        )
        for _ in range(500):  # until the answer, the late post and the apology were all tried
            if len(world.fake.calls(callback)) == answers + 2:
                break
            await asyncio.sleep(0.01)
        assert world.fake.calls("POST /channels/{channel_id}/messages")  # tried, refused
        route.handler, world.fake.response_deadline = original, 3.0
        world.fake.pop_violations()  # the late answer's 404, as Discord would refuse it
        assert [line.entry.command for line in await bot.service.unposted()] == [
            c.Narrate(text=words)
        ]
        retry = await (await world.slash("gm narrate", world.gm, {"text": words})).message()
        assert retry.ephemeral and retry.content == STILL_TO_POST
        assert await outbox_empty(bot)
        assert count(world, words) == 1
        stored = await bot.service.current(world.hall.id)
        narrated = [e for e in await bot.service.log(stored.id) if e.kind == "narrate"]
        assert len(narrated) == 1

"""On the wire: the recap so far, the final recap in the recap channel with its chart and
transcript, a past session re-posted, and the session's channel as the fallback when the recap
channel is gone or refuses the bot, with one line telling the GM what to fix."""

from __future__ import annotations

import asyncio

from fake_discord import Perm
from fake_discord.models import Overwrite
from fake_discord.state import GUILDS_INTENT

from tests.cogs.world import World, castle, running

PNG = b"\x89PNG\r\n\x1a\n"


async def play_a_little(world: World) -> None:
    """A session with two seats, begun, a line spoken and a turn guarded."""
    await world.slash("gm open", world.gm, {"defenders": 1})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
    await world.slash("gm begin", world.gm)
    await world.slash("say", world.players["sakura"], {"text": "Not tonight. Not through me."})
    await world.slash("gm skip", world.gm)
    await world.slash("gm skip", world.gm)


async def bot_sees_no_send(world: World) -> None:
    """Wait until the bot has applied the channel update that takes Send Messages away."""
    assert world.bot is not None
    for _ in range(200):
        channel = world.bot.get_channel(world.recaps.id)
        if not channel.permissions_for(channel.guild.me).send_messages:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never saw the overwrite")


async def end_and_find_recap(world: World, where) -> list:
    """End the session; return the recap's messages in ``where`` (the last carries the files)."""
    await world.slash("gm end", world.gm, {"reason": "the storm passes"})
    last = await world.fake.wait_for_message(lambda m: m.attachments, channel=where)
    posted = world.fake.visible_messages(where)
    first = next(m for m in posted if m.content.startswith("Session #1"))
    return posted[posted.index(first) : posted.index(last) + 1]


def check_recap(world: World, messages: list) -> None:
    assert f"Session #1 in <#{world.hall.id}>" in messages[0].content
    embeds = [e for m in messages for e in m.embeds]
    assert embeds[0]["title"] == "The Castle in the Rain — the recap"
    assert any(e["title"] == "Beats reached" for e in embeds)
    assert "Not tonight. Not through me." in str(embeds)
    files = {a.filename: a.data for a in messages[-1].attachments}
    transcript = files["session-1-transcript.md"]
    assert b"`/gm begin` by" in transcript and b"Not tonight. Not through me." in transcript
    assert b"`/gm open scene:castle defenders:" in transcript and b"seed:" not in transcript
    assert files["session-1-chart.png"].startswith(PNG)
    chart = next(a for a in messages[-1].attachments if a.filename.endswith("chart.png"))
    assert chart.description and chart.description.startswith("Line chart of the session")
    assert "Sakura: vitality" in chart.description


async def test_the_final_recap_goes_to_the_recap_channel_with_its_chart_and_transcript(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await play_a_little(world)
        messages = await end_and_find_recap(world, world.recaps)
        check_recap(world, messages)
        assert "⚠️" not in messages[0].content
        assert not any(m.attachments for m in world.fake.visible_messages(world.hall))


async def test_without_a_recap_channel_the_recap_lands_in_the_sessions_channel(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await play_a_little(world)
        messages = await end_and_find_recap(world, world.hall)
        check_recap(world, messages)
        assert "⚠️" not in messages[0].content


async def test_a_deleted_recap_channel_sends_the_recap_to_the_sessions_channel(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await play_a_little(world)
        world.recaps.deleted = True
        payload = world.recaps.to_payload()
        world.fake.state.emit("CHANNEL_DELETE", payload, world.guild.id, GUILDS_INTENT)
        messages = await end_and_find_recap(world, world.hall)
        check_recap(world, messages)
        fix = messages[0].content.splitlines()[1]
        assert "is gone" in fix and "/gm config recap_channel" in fix


async def test_a_recap_channel_deleted_unseen_falls_back_on_discords_404(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await play_a_little(world)
        world.recaps.deleted = True  # no gateway event: the bot still believes in it
        messages = await end_and_find_recap(world, world.hall)
        check_recap(world, messages)
        fix = messages[0].content.splitlines()[1]
        assert "404" in fix and "is gone" in fix and "/gm config recap_channel" in fix


async def test_a_recap_channel_the_bot_may_not_post_in_is_named_with_what_to_grant(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await play_a_little(world)
        bot = world.guild.members[world.fake.bot_user.id]
        world.fake.set_permission_overwrite(world.recaps, bot, deny=Perm.SEND_MESSAGES)
        await bot_sees_no_send(world)
        messages = await end_and_find_recap(world, world.hall)
        check_recap(world, messages)
        fix = messages[0].content.splitlines()[1]
        assert "Send Messages" in fix and "/gm config recap_channel" in fix
        assert not world.fake.visible_messages(world.recaps)


async def test_a_403_while_posting_to_the_recap_channel_falls_back_too(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await play_a_little(world)
        # the overwrite changes silently: the bot's cache still says it may post
        bot_id = world.fake.bot_user.id
        world.recaps.overwrites.append(
            Overwrite(bot_id, 1, 0, int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES))
        )
        messages = await end_and_find_recap(world, world.hall)
        check_recap(world, messages)
        fix = messages[0].content.splitlines()[1]
        assert "403" in fix and "Send Messages" in fix
        assert not world.fake.visible_messages(world.recaps)


async def test_the_recap_so_far_is_public_or_private(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await play_a_little(world)
        shown = await world.slash("recap", world.players["sasuke"])
        public = await shown.message()
        assert not public.ephemeral
        assert public.embeds[0]["title"] == "The Castle in the Rain — the story so far"
        hidden = await world.slash("recap", world.players["sasuke"], {"private": True})
        private = await hidden.message()
        assert private.ephemeral and "the story so far" in private.embeds[0]["title"]


async def test_the_gm_reposts_a_past_session_with_its_chart_and_transcript(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await play_a_little(world)
        await end_and_find_recap(world, world.hall)
        again = await world.slash("gm recap", world.gm, {"session": 1}, channel=world.other)
        first = await again.message()
        assert f"Session #1 in <#{world.hall.id}>" in first.content
        assert first.embeds[0]["title"] == "The Castle in the Rain — the recap"
        posted = [first, *again.followups]
        names = {a.filename for m in posted for a in m.attachments}
        assert names == {"session-1-transcript.md", "session-1-chart.png"}

"""On the wire: /act and /say posted as the character through the channel's webhook, and the
bot's own embed wherever that cannot be done."""

from __future__ import annotations

import asyncio

from fake_discord import Perm
from fake_discord.models import Overwrite

from tests.cogs.world import World, castle, running, session_state, spoken

LINE = "@everyone Not tonight. Not through me."


async def seated(world: World) -> None:
    await world.slash("gm open", world.gm, {"defenders": 1})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})


def hooks(world: World) -> list:
    return [h for h in world.fake.webhooks if h.channel_id == world.hall.id]


async def test_a_line_and_a_pose_are_posted_as_the_character(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await seated(world)
        said = await world.slash("say", world.players["sakura"], {"text": LINE})
        acted = await world.slash("act", world.players["sakura"], {"text": "bars the door"})
        line = await spoken(world, "Sakura", "Not tonight.")
        pose = await spoken(world, "Sakura", "bars the door")
        assert line.embeds[0]["description"] == f"“{LINE}”"
        assert pose.embeds[0]["description"] == "*bars the door*"
        assert "author" not in line.embeds[0]  # the webhook's name is the character's already
        assert line.embeds[0]["color"] == pose.embeds[0]["color"]  # Sakura's colour
        assert not line.pings.everyone and not line.pings.users
        # the players' own interactions leave nothing behind in the channel
        for handle in (said, acted):
            await handle.wait_for("delete_original")
            assert [e.kind for e in handle.events] == ["callback", "delete_original"]
        # one webhook serves the channel, made once and reused
        assert [h.name for h in hooks(world)] == ["Castle in the Rain"]
        log = await world.bot.service.log((await world.bot.service.current(world.hall.id)).id)
        assert [e.kind for e in log][-2:] == ["say", "act"]  # stored before it was posted


async def test_without_manage_webhooks_the_bot_posts_the_embed_itself(tmp_path) -> None:
    async with castle(tmp_path) as world:
        bot_id = world.fake.bot_user.id
        world.hall.overwrites.append(Overwrite(bot_id, 1, 0, int(Perm.MANAGE_WEBHOOKS)))
        async with running(world):
            await seated(world)
            said = await world.slash("say", world.players["sakura"], {"text": "Hold."})
            answer = await said.message()
            assert not answer.ephemeral and answer.source == "interaction"
            assert answer.embeds[0]["author"]["name"] == "Sakura"
            assert answer.embeds[0]["description"] == "“Hold.”"
            assert hooks(world) == []


async def test_a_webhook_deleted_by_someone_is_made_anew(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await seated(world)
        await world.slash("say", world.players["sakura"], {"text": "First."})
        await spoken(world, "Sakura", "First.")
        (first,) = hooks(world)
        first.deleted = True  # a moderator removed it under Integrations
        await world.slash("say", world.players["sakura"], {"text": "Second."})
        await spoken(world, "Sakura", "Second.")
        (second,) = [h for h in hooks(world) if not h.deleted]
        assert second.id != first.id


async def test_a_name_discord_refuses_for_a_webhook_falls_back_to_the_embed(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        defender = world.players["defender"]
        await world.slash("claim", defender, {"role": "defender", "name": "Clydesdale"})
        assert (await session_state(world)).character("defender_1").name == "Clydesdale"
        said = await world.slash("say", defender, {"text": "Steady."})
        posted = await world.fake.wait_for_message(
            lambda m: any("Steady." in (e.get("description") or "") for e in m.embeds),
            channel=world.hall,
        )
        assert posted.source == "channel" and posted.embeds[0]["author"]["name"] == "Clydesdale"
        await said.wait_for("delete_original")
        assert [e.kind for e in said.events] == ["callback", "delete_original"]
        refused = world.fake.pop_violations()  # Discord's 400 for that name, expected here
        assert refused and all("clyde" in str(v).lower() for v in refused)


async def test_after_a_restart_the_channels_webhook_is_found_again_not_duplicated(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world:
        async with running(world):
            await seated(world)
            await world.slash("say", world.players["sakura"], {"text": "Before."})
            await spoken(world, "Sakura", "Before.")
        async with running(world):
            await world.slash("say", world.players["sakura"], {"text": "After."})
            await spoken(world, "Sakura", "After.")
        assert len(hooks(world)) == 1


async def test_first_lines_spoken_at_once_share_one_new_webhook(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await seated(world)
        await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
        lines = [("sakura", "Who goes there?"), ("sasuke", "You know who."), ("sakura", "Stop.")]
        await asyncio.gather(
            *(world.slash("say", world.players[who], {"text": text}) for who, text in lines)
        )
        for who, text in lines:
            await spoken(world, who.capitalize(), text)
        assert len(hooks(world)) == 1


async def test_in_a_thread_the_parent_channels_webhook_posts_into_the_thread(tmp_path) -> None:
    async with castle(tmp_path) as world:
        thread = world.fake.add_thread(world.hall, "the east wing")
        async with running(world):
            await world.slash("gm open", world.gm, {"defenders": 1}, thread)
            await world.slash("claim", world.players["sakura"], {"role": "sakura"}, thread)
            await world.slash("say", world.players["sakura"], {"text": "Quietly."}, thread)
            line = await spoken(world, "Sakura", "Quietly.", channel=thread)
            assert line.channel_id == thread.id
            assert [h.name for h in hooks(world)] == ["Castle in the Rain"]  # the hall's

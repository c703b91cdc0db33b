"""On the wire: the GM's tools for a live table, /gm check, /gm resolve and /gm npc, and the
private /roll seen by the roller and the GM only."""

from __future__ import annotations

from tests.cogs.world import begun, castle, running, session_state, spoken


async def test_gm_check_rolls_for_a_players_character_and_is_stored(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        sakura = world.players["sakura"]
        options = {"member": sakura, "skill": "taijutsu", "dc": 12, "reason": "the slick stairs"}
        answer = await (await world.slash("gm check", world.gm, options)).message()
        assert not answer.ephemeral
        assert "Sakura: taijutsu (the slick stairs): 1d20" in str(answer.embeds[0])
        assert "vs DC 12" in str(answer.embeds[0])
        service = world.bot.service
        log = await service.log((await service.current(world.hall.id)).id)
        assert log[-1].command.kind == "check"
        unseated = {**options, "member": world.stranger}
        assert (await (await world.slash("gm check", world.gm, unseated)).message()).ephemeral


async def test_gm_resolve_rewards_roleplay_with_a_reason(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        options = {"character": "sasuke", "shift": -1, "reason": "he lowered his eyes"}
        answer = await (await world.slash("gm resolve", world.gm, options)).message()
        assert "the GM: he lowered his eyes" in str(answer.embeds[0])
        assert (await session_state(world)).character("sasuke").resolve == -1
        too_far = {**options, "shift": 1, "character": "defender_1"}
        refused = await (await world.slash("gm resolve", world.gm, too_far)).message()
        assert refused.ephemeral and "no resolve track" in refused.content


async def test_gm_npc_speaks_through_the_webhook_under_its_name_and_pings_nobody(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        line = "@everyone The ladders! They are on the north wall!"
        await world.slash("gm npc", world.gm, {"name": "Old Hiro", "text": line})
        posted = await spoken(world, "Old Hiro", "The ladders!")
        assert posted.embeds[0]["description"] == f"“{line}”"
        assert not posted.pings.everyone and not posted.pings.users
        forged = {"name": "[Hiro](https://evil.example)", "text": "hi"}
        refused = await (await world.slash("gm npc", world.gm, forged)).message()
        assert refused.ephemeral and "link" in refused.content


async def test_a_private_roll_is_seen_by_the_roller_and_the_gm_only(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        sakura = world.players["sakura"]
        options = {"dice": "1d20+3", "reason": "does she hear him", "private": True}
        answer = await (await world.slash("roll", sakura, options)).message()
        assert answer.ephemeral and "does she hear him" in str(answer.embeds[0])
        public = [m for m in world.fake.visible_messages(world.hall) if "hear him" in str(m.embeds)]
        assert public == []
        told = await world.fake.wait_for_message(
            lambda m: "does she hear him" in str(m.embeds),
            channel=world.fake.dm_channel(world.gm),
        )
        assert "A private roll by" in str(told.embeds[0])
        service = world.bot.service
        log = await service.log((await service.current(world.hall.id)).id)
        assert log[-1].events[-1].private

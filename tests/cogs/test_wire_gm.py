"""On the wire: every /gm command, and who may use them."""

from __future__ import annotations

from tests.cogs.world import castle, running, session_state, spoken


async def _lobby(world) -> None:
    await world.slash("gm open", world.gm, {"defenders": 2})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})


async def test_every_gm_command_does_its_work(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        fake = world.fake
        await _lobby(world)
        await world.slash(
            "gm assign",
            world.gm,
            {"member": world.players["defender"], "role": "defender", "name": "Aoi"},
        )
        state = await session_state(world)
        assert state.seat("defender_1").member_id == world.players["defender"].id
        assert state.character("defender_1").name == "Aoi"

        begun = await world.slash("gm begin", world.gm)
        assert (await session_state(world)).status.value == "active"
        mention = await begun.message()  # one post: the initiative and whose turn it is
        turn = (await session_state(world)).turn
        holder = (await session_state(world)).seat(turn).member_id
        assert mention.pings.users == [holder] and not mention.pings.mass
        assert "Initiative" in str(mention.embeds[0]) and f"<@{holder}>" in mention.content

        await world.slash("gm pause", world.gm, {"reason": "tea"})
        assert (await session_state(world)).status.value == "paused"
        await world.slash("gm resume", world.gm)
        assert (await session_state(world)).status.value == "active"

        narrated = await world.slash("gm narrate", world.gm, {"text": "Thunder, close."})
        assert (await narrated.message()).embeds[0]["description"] == "Thunder, close."

        before = await session_state(world)
        await world.slash("gm skip", world.gm)
        after = await session_state(world)
        assert after.turn != before.turn

        holder_key = after.turn
        member = next(
            m
            for m in fake.state.guilds[world.guild.id].members.values()
            if m.id == after.seat(holder_key).member_id
        )
        await world.slash("defend", member)
        await world.slash("gm undo", world.gm)
        assert (await session_state(world)).turn == holder_key

        await world.slash("gm advance", world.gm)
        assert (await session_state(world)).beat == 2

        await world.slash(
            "gm set", world.gm, {"character": "sakura", "field": "vitality", "value": 12}
        )
        assert (await session_state(world)).character("sakura").vitality == 12

        await world.slash("gm mute", world.gm, {"member": world.players["sakura"]})
        refused = await world.slash("say", world.players["sakura"], {"text": "Let me speak."})
        assert "muted" in (await refused.message()).content
        await world.slash("gm unmute", world.gm, {"member": world.players["sakura"]})
        await world.slash("say", world.players["sakura"], {"text": "Let me speak."})
        await spoken(world, "Sakura", "Let me speak.")

        await world.slash(
            "gm kick", world.gm, {"member": world.players["defender"], "reason": "left for dinner"}
        )
        assert (await session_state(world)).seat("defender_1").member_id is None

        await world.slash("gm handover", world.gm, {"member": world.players["sasuke"]})
        assert (await session_state(world)).gm_id == world.players["sasuke"].id

        listed = await world.slash("gm sessions", world.gm)
        assert "#1" in (await listed.message()).embeds[0]["description"]

        await world.slash("gm end", world.gm, {"reason": "late"})
        assert await session_state(world) is None
        again = await world.slash("gm recap", world.gm, {"session": 1})
        assert "Beats reached" in str((await again.message()).embeds)


async def test_the_gm_config_sets_recap_channel_role_and_timeout(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        role = world.fake.add_role(world.guild, "Storytellers")
        handle = await world.slash(
            "gm config",
            world.gm,
            {"recap_channel": world.recaps, "gm_role": role, "turn_timeout": 5},
        )
        shown = (await handle.message()).embeds[0]
        assert str(world.recaps.id) in str(shown) and "5 min" in str(shown)
        settings = await world.bot.service.settings(world.guild.id)
        assert (settings.recap_channel_id, settings.gm_role_id, settings.turn_timeout_minutes) == (
            world.recaps.id,
            role.id,
            5,
        )


async def test_a_member_without_gm_rights_is_refused_even_if_the_command_is_visible(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await _lobby(world)
        # an admin made /gm visible to this member in the server's integration settings
        world.fake.allow_command(world.guild, "gm", world.stranger)
        handle = await world.fake.send_slash("gm begin", member=world.stranger, channel=world.hall)
        answer = await handle.message()
        assert answer.ephemeral and "Only this session's GM" in answer.content
        assert (await session_state(world)).status.value == "lobby"


async def test_members_with_the_gm_role_may_run_the_scene(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        role = world.fake.add_role(world.guild, "Storytellers")
        await world.slash("gm config", world.gm, {"gm_role": role})
        teller = world.fake.add_member(world.guild, "teller", roles=[role])
        world.fake.allow_command(world.guild, "gm", teller)
        handle = await world.fake.send_slash(
            "gm open", member=teller, channel=world.other, options={"defenders": 1}
        )
        assert not (await handle.message()).ephemeral
        assert (await session_state(world, world.other)).gm_id == teller.id

"""On the wire: the one GM check (cogs.common.gm_only) in its three forms."""

from __future__ import annotations

from tests.cogs.world import castle, running, session_state


async def test_a_gm_command_where_no_session_is_open_says_how_to_open_one(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        for command, options in (("gm begin", {}), ("gm narrate", {"text": "Thunder."})):
            handle = await world.slash(command, world.gm, options)
            answer = await handle.message()
            assert answer.ephemeral and "no open session" in answer.content
            assert "/gm open" in answer.content
        assert await session_state(world) is None


async def test_a_sessions_own_gm_may_run_it_and_list_sessions_but_not_open_one(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        heir = world.players["sasuke"]  # no permission, no GM role
        await world.slash("gm handover", world.gm, {"member": heir})
        world.fake.allow_command(world.guild, "gm", heir)

        narrated = await world.fake.send_slash(
            "gm narrate", member=heir, channel=world.hall, options={"text": "Rain on the tiles."}
        )
        assert (await narrated.message()).embeds[0]["description"] == "Rain on the tiles."

        listed = await world.fake.send_slash("gm sessions", member=heir, channel=world.hall)
        assert "#1" in (await listed.message()).embeds[0]["description"]

        # opening needs a GM of the server: being this channel's session's GM is not enough
        again = await world.fake.send_slash(
            "gm open", member=heir, channel=world.hall, options={"defenders": 1}
        )
        answer = await again.message()
        assert answer.ephemeral and "Only this session's GM" in answer.content

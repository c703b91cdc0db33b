"""On the wire: a bot, this one or another, is never seated nor made the GM, with a sentence."""

from __future__ import annotations

from fake_discord.models import Member

from tests.cogs.world import World, castle, running, session_state


def bots(world: World) -> list[Member]:
    """The castle's own bot, and another bot of the server."""
    other = world.fake.add_member(world.guild, world.fake.add_user("dicebot", bot=True))
    return [world.guild.members[world.fake.bot_user.id], other]


async def _refused(world: World, command: str, options: dict) -> str:
    before = await session_state(world)
    handle = await world.slash(command, world.gm, options)
    answer = await handle.message()
    assert answer.ephemeral, f"/{command} was not refused: {answer.embeds}"
    assert await session_state(world) == before
    return answer.content


async def test_gm_assign_refuses_to_seat_a_bot(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        for bot in bots(world):
            for role, name in (("sakura", None), ("defender", "Ren")):
                options = {"member": bot, "role": role} | ({"name": name} if name else {})
                said = await _refused(world, "gm assign", options)
                assert said == "A bot cannot take a seat; seat a person."
        state = await session_state(world)
        assert all(seat.member_id is None for seat in state.seats)
        # a person is seated as before
        await world.slash("gm assign", world.gm, {"member": world.stranger, "role": "sakura"})
        state = await session_state(world)
        assert state.seat("sakura").member_id == world.stranger.id


async def test_gm_handover_refuses_to_make_a_bot_the_gm(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        for bot in bots(world):
            said = await _refused(world, "gm handover", {"member": bot})
            assert said == "A bot cannot run the scene."
        assert (await session_state(world)).gm_id == world.gm.id
        await world.slash("gm handover", world.gm, {"member": world.stranger})
        assert (await session_state(world)).gm_id == world.stranger.id

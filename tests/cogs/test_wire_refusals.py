"""On the wire: every refusal is ephemeral, says why and what to do, and changes nothing."""

from __future__ import annotations

from fake_discord import Perm

from cogs.views import lobby_view
from tests.cogs.world import begun, buttons, castle, running, session_state, spoken


async def _refused(world, command: str, who, options=None, channel=None) -> str:
    before = await session_state(world)
    handle = await world.slash(command, who, options, channel=channel)
    answer = await handle.message()
    assert answer.ephemeral, f"/{command} was not refused: {answer.embeds or answer.content}"
    assert await session_state(world) == before
    return answer.content


async def test_turn_commands_without_a_seat_are_refused_with_how_to_claim(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        message = await _refused(world, "defend", world.stranger)
        assert "no seat" in message and "/claim" in message


async def test_out_of_turn_commands_name_whose_turn_it_is(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        state = await session_state(world)
        waiting = "sasuke" if state.turn == "sakura" else "sakura"
        message = await _refused(world, "defend", world.players[waiting])
        assert f"It is {state.character(state.turn).name}'s turn" in message


async def test_paused_scene_refuses_turns_but_takes_free_commands(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        await world.slash("gm pause", world.gm, {"reason": "storm break"})
        turn = (await session_state(world)).turn
        message = await _refused(world, "defend", world.players[turn])
        assert "paused (storm break)" in message
        await world.slash("say", world.players[turn], {"text": "We wait."})
        name = (await session_state(world)).character(turn).name
        await spoken(world, name, "We wait.")


async def test_a_muted_member_is_refused_and_told_to_ask_the_gm(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        await world.slash("gm mute", world.gm, {"member": world.players["sasuke"]})
        message = await _refused(world, "act", world.players["sasuke"], {"text": "glares"})
        assert "muted" in message and "/gm unmute" in message


async def test_commands_in_a_channel_without_a_session_say_how_to_open_one(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        handle = await world.slash("defend", world.players["sakura"], channel=world.other)
        answer = await handle.message()
        assert answer.ephemeral and "/gm open" in answer.content


async def test_a_button_from_another_channels_session_is_refused(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        opened = await world.slash("gm open", world.gm, {"defenders": 1})
        lobby = await opened.message()
        # the hall session's claim buttons, on a message the bot posted in another channel
        state = await session_state(world)
        await bot.get_channel(world.other.id).send("stray", view=lobby_view(1, state))
        stray = world.fake.visible_messages(world.other)[-1]
        clicked = await world.fake.click(
            stray, buttons(lobby)["Claim Sakura"], member=world.players["sakura"]
        )
        answer = await clicked.message()
        assert answer.ephemeral and "another channel" in answer.content
        assert (await session_state(world)).seat("sakura").member_id is None


async def test_buttons_of_an_ended_session_are_refused(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        opened = await world.slash("gm open", world.gm, {"defenders": 1})
        lobby = await opened.message()
        await world.slash("gm end", world.gm)
        clicked = await world.fake.click(
            lobby, buttons(lobby)["Claim Sasuke"], member=world.players["sasuke"]
        )
        answer = await clicked.message()
        assert answer.ephemeral and "has ended" in answer.content


async def test_only_the_owner_syncs_commands_globally(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        admin = world.fake.add_member(world.guild, "admin", permissions=Perm.ADMINISTRATOR)
        handle = await world.slash("sync", admin, {"scope": "global"})
        assert "owner" in (await handle.message()).content
        owner = world.guild.members[world.guild.owner_id]
        handle = await world.slash("sync", owner, {"scope": "global"})
        assert "Synced" in (await handle.message()).content
        assert world.fake.commands(None)


async def test_another_servers_sessions_cannot_be_reached(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        owner = world.guild.members[world.guild.owner_id]
        synced = await world.slash("sync", owner, {"scope": "global"})
        await synced.message()
        handle = await world.slash(
            "gm recap", world.far_member, {"session": 1}, channel=world.far_hall
        )
        answer = await handle.message()
        assert answer.ephemeral and "no session #1" in answer.content
        handle = await world.slash("defend", world.far_member, channel=world.far_hall)
        assert "no open session" in (await handle.message()).content


async def test_absurd_dice_and_out_of_range_numbers_are_refused_with_the_bound(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        message = await _refused(world, "roll", world.players["sakura"], {"dice": "1000d6"})
        assert "At most 100 dice" in message
        message = await _refused(
            world, "gm set", world.gm, {"character": "sakura", "field": "vitality", "value": 99}
        )
        assert "between 0 and 30" in message


async def test_spamming_a_free_command_hits_a_cooldown_with_a_clear_wait(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        for n in range(5):
            await world.slash("say", world.players["sakura"], {"text": f"line {n}"})
        handle = await world.slash("say", world.players["sakura"], {"text": "one too many"})
        answer = await handle.message()
        assert answer.ephemeral and "Slow down" in answer.content

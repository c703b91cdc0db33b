"""On the wire: a whole scene, Sakura, Sasuke and a defender, from the lobby to the recap."""

from __future__ import annotations

import random

from scenes.engine.autoplay import next_move
from tests.cogs.world import (
    buttons,
    castle,
    claimed_by_all,
    perform,
    running,
    session_state,
    spoken,
)


async def test_a_whole_scene_plays_to_an_ending_and_its_recap(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=11):
        fake = world.fake
        await world.slash("gm config", world.gm, {"recap_channel": world.recaps})
        await world.slash("gm open", world.gm, {"defenders": 1})
        by_seat = await claimed_by_all(world)
        begun = await world.slash("gm begin", world.gm)
        assert "Initiative" in str((await begun.message()).embeds[0])

        rng = random.Random(6)
        members = {m.id: m for m in by_seat.values()}
        clicked = 0
        for _ in range(200):
            state = await session_state(world)
            if state.ending is not None:
                break
            actor, command = next_move(state, rng)
            if command.kind == "choose" and clicked < 2:
                # answer the scene's choice with its button, as a player would
                prompt = next(
                    m
                    for m in reversed(fake.visible_messages(world.hall))
                    if command.option.capitalize() in buttons(m)
                )
                handle = await fake.click(
                    prompt,
                    buttons(prompt)[command.option.capitalize()],
                    member=members[actor.member_id],
                )
                clicked += 1
            elif command.kind == "say":  # a line in the grip: posted as the character
                await perform(world, members[actor.member_id], command)
                await spoken(world, state.character(state.seat_of(actor.member_id).key).name, "")
                continue
            else:
                handle = await perform(world, members[actor.member_id], command)
            answer = await handle.message()
            if answer.ephemeral:  # a refused plan: guard instead
                await world.slash("defend", members[actor.member_id])
        state = await session_state(world)
        assert state.ending is not None
        assert clicked >= 1 and state.round >= 2

        ended = await world.slash("gm end", world.gm, {"reason": "the storm passes"})
        assert "The session ends" in (await ended.message()).embeds[0]["title"]
        recap = await fake.wait_for_message(lambda m: m.attachments, channel=world.recaps)
        assert recap.attachments[0].filename.endswith("transcript.md")
        assert b"`/gm begin`" in recap.attachments[0].data
        posted = [m for m in fake.visible_messages(world.recaps)]
        assert any("Ending" in str(m.embeds) for m in posted)
        assert f"<#{world.hall.id}>" in posted[0].content

        # nobody was pinged but the player whose turn it was, and never @everyone or a role
        for message in fake.all_messages:
            assert not message.pings.mass
            assert set(message.pings.users) <= {m.id for m in by_seat.values()}

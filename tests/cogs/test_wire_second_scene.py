"""On the wire: the tests' tiny second scene, the ferry, through the same bot and cogs as the
castle: opened, claimed, a few turns, its decision, the end and the recap."""

from __future__ import annotations

import random

import tests.ferry  # noqa: F401 - registers the ferry
from scenes.engine.autoplay import next_move
from tests.cogs.world import buttons, castle, perform, running, session_state, suggestions


async def test_the_ferry_is_played_over_the_wire_from_its_lobby_to_its_recap(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=5):
        fake = world.fake
        offered = await suggestions(world, "gm open", world.gm, "scene", {"scene": ""})
        assert {"castle", "ferry"} <= {c["value"] for c in offered}
        opened = await world.slash("gm open", world.gm, {"scene": "ferry"})
        lobby = await opened.message()
        assert "last crossing" in lobby.embeds[0]["description"]
        assert set(buttons(lobby)) == {"Claim Ferryman", "Claim Stranger"}
        roles = await suggestions(world, "claim", world.players["sakura"], "role", {"role": ""})
        assert [c["value"] for c in roles] == ["ferryman", "stranger"]
        ferryman, stranger = world.players["sakura"], world.players["sasuke"]
        await world.slash("claim", ferryman, {"role": "ferryman"})
        await world.slash("claim", stranger, {"role": "stranger"})
        await world.slash("gm begin", world.gm)

        rng = random.Random(2)
        members = {m.id: m for m in (ferryman, stranger)}
        for _ in range(80):
            state = await session_state(world)
            if state.decisions:
                break
            actor, command = next_move(state, rng)
            await (await perform(world, members[actor.member_id], command)).message()
        state = await session_state(world)
        assert state.decisions and state.decisions[0].options == ("ferry", "leave")
        prompt = next(
            m for m in reversed(fake.visible_messages(world.hall)) if "Leave" in buttons(m)
        )
        decider = members[state.seat(state.decisions[0].decider).member_id or 0]
        await (await fake.click(prompt, buttons(prompt)["Leave"], member=decider)).message()
        state = await session_state(world)
        assert state.ending is not None and state.ending.key == "left_on_the_shore"

        ended = await world.slash("gm end", world.gm)
        assert "The session ends" in (await ended.message()).embeds[0]["title"]
        recap = await fake.wait_for_message(
            lambda m: any("The Last Ferry — the recap" in str(e) for e in m.embeds),
            channel=world.hall,
        )
        told = str(recap.embeds)
        assert "blows were struck" in told and "Ending: Left on the Shore" in told

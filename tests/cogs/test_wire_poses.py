"""On the wire: an action's pose is its narration in the post, mentions in it ping nobody."""

from __future__ import annotations

import re

from scenes.schema import load_scene
from tests.cogs.world import begun, castle, running, session_state


async def test_a_pose_is_posted_as_the_actions_narration_and_pings_nobody(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        before = await session_state(world)
        holder = world.players[before.turn or ""]
        pose = "@everyone — the rain hides every footstep as I take my stance."
        handle = await world.slash("defend", holder, {"pose": pose})
        answer = await handle.message()
        assert not answer.ephemeral
        description = answer.embeds[0]["description"]
        assert description.startswith(f"*{pose}*")
        assert not any(fixed_words(line) in description for line in scene_lines("defend"))
        for message in world.fake.all_messages:
            assert not message.pings.mass
        after = await session_state(world)
        assert after.turn != before.turn  # the pose came with the turn's action


def scene_lines(moment: str) -> tuple[str, ...]:
    return load_scene("castle").narration[moment]


def fixed_words(line: str) -> str:
    """The longest stretch of a narration line with no placeholder in it."""
    return max(re.split(r"\{[^}]*\}", line), key=len)


async def test_a_turns_result_and_the_next_players_ping_are_one_post(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        before = await session_state(world)
        holder = world.players[before.turn or ""]
        posted = len(world.fake.visible_messages(world.hall))
        answer = await (await world.slash("defend", holder)).message()
        after = await session_state(world)
        assert after.turn is not None and after.turn != before.turn
        next_member = after.seat(after.turn).member_id
        assert len(world.fake.visible_messages(world.hall)) == posted + 1
        assert answer.embeds and f"<@{next_member}>" in answer.content
        assert answer.pings.users == [next_member] and not answer.pings.mass

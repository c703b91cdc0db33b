"""On the wire: the scene's own options (roles, techniques, places, objects, choices, fields,
scenes, characters) are free text with autocomplete, so any text within the declared length
reaches the engine. One the scene does not know is refused with a sentence that lists what it
does know, ephemerally, and nothing changes."""

from __future__ import annotations

import random
from typing import Any

from fake_discord.models import Channel, Member

from scenes.engine.autoplay import next_move
from tests.cogs.world import (
    World,
    begun,
    castle,
    perform,
    running,
    session_state,
    suggestions,
)


async def _refused(
    world: World,
    command: str,
    who: Member,
    options: dict[str, Any],
    channel: Channel | None = None,
) -> str:
    before = await session_state(world, channel)
    handle = await world.slash(command, who, options, channel=channel)
    answer = await handle.message()
    assert answer.ephemeral, f"/{command} {options} was not refused: {answer.embeds}"
    assert await session_state(world, channel) == before
    return answer.content


async def test_unknown_roles_scenes_fields_and_characters_are_refused_listing_the_known(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        said = await _refused(world, "claim", world.stranger, {"role": "ghost"})
        assert said == "There is no role “ghost” in this scene (roles: defender, sakura, sasuke)."
        said = await _refused(
            world, "gm assign", world.gm, {"member": world.stranger, "role": "ghost"}
        )
        assert said == "There is no role “ghost” in this scene (roles: defender, sakura, sasuke)."
        said = await _refused(world, "gm open", world.gm, {"scene": "forest"}, world.other)
        assert said.startswith("There is no scene “forest”; the scenes are: ")
        assert "castle" in said
        await world.slash("claim", world.players["sakura"], {"role": "sakura"})
        said = await _refused(
            world, "gm set", world.gm, {"character": "sakura", "field": "hp", "value": 3}
        )
        assert said.startswith("/gm set corrects one of: ") and "vitality" in said
        said = await _refused(
            world, "gm set", world.gm, {"character": "ghost", "field": "vitality", "value": 3}
        )
        assert said.startswith("No character “ghost” (characters: ") and "Sakura" in said
        said = await _refused(world, "status", world.stranger, {"character": "ghost"})
        assert said.startswith("Name a character: ") and "Sakura" in said


async def test_unknown_techniques_targets_places_and_objects_are_refused_listing_the_known(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        state = await session_state(world)
        holder = world.players[state.turn]
        said = await _refused(world, "jutsu", holder, {"name": "rasengan"})
        assert "knows no technique called “rasengan”. Known: " in said
        said = await _refused(world, "move", holder, {"to": "moon"})
        assert " you can go to: " in said
        said = await _refused(world, "interact", holder, {"object": "moon", "how": "bar"})
        assert said.startswith("Interact with ") and ", by " in said
        said = await _refused(world, "roll", holder, {"dice": "banana"})
        assert said == "`banana` is not dice notation I can read (try `2d6+3`)."


async def test_an_unknown_target_is_refused_listing_every_target_the_engine_takes(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        state = await session_state(world)
        assert state.turn == "sasuke"  # seed 7: Sasuke, before the oak door, acts first
        offered = await suggestions(
            world, "jutsu", world.players["sasuke"], "target", {"name": "chidori", "target": ""}
        )
        assert [c["value"] for c in offered] == ["door"]
        said = await _refused(
            world, "jutsu", world.players["sasuke"], {"name": "chidori", "target": "moon"}
        )
        assert "door" in said.casefold(), said


async def test_an_unknown_answer_to_a_choice_is_refused_listing_the_options(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=11):
        await world.slash("gm open", world.gm, {"defenders": 1})
        await world.slash("claim", world.players["sakura"], {"role": "sakura"})
        await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
        await world.slash("claim", world.players["defender"], {"role": "defender", "name": "Ren"})
        await world.slash("gm begin", world.gm)
        members = {m.id: m for m in world.players.values()}
        rng = random.Random(3)
        for _ in range(200):
            state = await session_state(world)
            if state.decisions or state.ending is not None:
                break
            actor, command = next_move(state, rng)
            answer = await (await perform(world, members[actor.member_id], command)).message()
            if answer.ephemeral:
                await world.slash("defend", members[actor.member_id])
        state = await session_state(world)
        assert state.decisions, "the scene offered no choice to test"
        decider = members[state.seat(state.decisions[0].decider).member_id]
        said = await _refused(world, "choose", decider, {"option": "maybe"})
        assert said == f"Choose one of: {', '.join(state.decisions[0].options)}."

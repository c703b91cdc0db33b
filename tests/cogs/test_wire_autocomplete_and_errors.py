"""On the wire: autocomplete offers the caller's own options; a fault gets a short apology."""

from __future__ import annotations

import logging

from tests.cogs.world import begun, castle, running, session_state, suggestions


async def test_jutsu_autocomplete_offers_the_callers_own_techniques_with_costs(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        choices = await suggestions(world, "jutsu", world.players["sasuke"], "name", {"name": ""})
        assert [c["value"] for c in choices] == [
            "chidori",
            "great_fireball",
            "sharingan",
            "throat_grip",
            "body_flicker",
        ]
        assert choices[0]["name"].startswith("Chidori — 5 chakra")
        choices = await suggestions(
            world, "jutsu", world.players["sasuke"], "name", {"name": "fire"}
        )
        assert [c["value"] for c in choices] == ["great_fireball"]


async def test_target_move_and_choice_autocomplete_follow_the_scene(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        choices = await suggestions(
            world, "jutsu", world.players["sasuke"], "target", {"name": "chidori", "target": ""}
        )
        # exactly what the engine would take: the oak door before him, no one else in the hall
        assert [c["value"] for c in choices] == ["door"]
        choices = await suggestions(world, "move", world.players["sakura"], "to", {"to": ""})
        assert choices == []  # the only way out is the oak door, still closed
        choices = await suggestions(
            world, "choose", world.players["sakura"], "option", {"option": ""}
        )
        assert choices == []
        choices = await suggestions(
            world, "status", world.stranger, "character", {"character": "sa"}
        )
        assert [c["value"] for c in choices] == ["sakura", "sasuke"]


async def test_a_fault_inside_a_command_is_logged_and_answered_with_an_apology(
    tmp_path, caplog
) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        state = await session_state(world)
        holder = world.players[state.turn]
        await bot.service.store.close()  # the disk goes away under the bot
        world.extra["apologies"] = 1
        with caplog.at_level(logging.ERROR, logger="castle"):
            handle = await world.slash("defend", holder)
            answer = await handle.message()
        assert answer.ephemeral and answer.content.startswith("Sorry")
        assert "Traceback" not in answer.content
        assert any("error in /defend" in r.getMessage() for r in caplog.records)

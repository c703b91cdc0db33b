"""On the wire: autocomplete offers the caller's own options; a fault gets a short apology."""

from __future__ import annotations

import logging

from tests.cogs.world import castle, running, session_state


async def _begun(world) -> None:
    await world.slash("gm open", world.gm, {"defenders": 1})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
    await world.slash("gm begin", world.gm)


async def test_jutsu_autocomplete_offers_the_callers_own_techniques_with_costs(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await _begun(world)
        handle = await world.fake.autocomplete(
            "jutsu",
            member=world.players["sasuke"],
            channel=world.hall,
            focused="name",
            options={"name": ""},
        )
        choices = await handle.choices()
        assert [c["value"] for c in choices] == [
            "chidori",
            "great_fireball",
            "sharingan",
            "throat_grip",
            "body_flicker",
        ]
        assert choices[0]["name"].startswith("Chidori — 5 chakra")
        handle = await world.fake.autocomplete(
            "jutsu",
            member=world.players["sasuke"],
            channel=world.hall,
            focused="name",
            options={"name": "fire"},
        )
        assert [c["value"] for c in await handle.choices()] == ["great_fireball"]


async def test_target_move_and_choice_autocomplete_follow_the_scene(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await _begun(world)
        handle = await world.fake.autocomplete(
            "jutsu",
            member=world.players["sasuke"],
            channel=world.hall,
            focused="target",
            options={"name": "chidori", "target": ""},
        )
        values = [c["value"] for c in await handle.choices()]
        assert "door" in values and "sasuke" in values and "sakura" not in values
        handle = await world.fake.autocomplete(
            "move",
            member=world.players["sakura"],
            channel=world.hall,
            focused="to",
            options={"to": ""},
        )
        assert [c["value"] for c in await handle.choices()] == ["east_hall"]
        handle = await world.fake.autocomplete(
            "choose",
            member=world.players["sakura"],
            channel=world.hall,
            focused="option",
            options={"option": ""},
        )
        assert await handle.choices() == []
        handle = await world.fake.autocomplete(
            "status",
            member=world.stranger,
            channel=world.hall,
            focused="character",
            options={"character": "sa"},
        )
        assert [c["value"] for c in await handle.choices()] == ["sakura", "sasuke"]


async def test_a_fault_inside_a_command_is_logged_and_answered_with_an_apology(
    tmp_path, caplog
) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await _begun(world)
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

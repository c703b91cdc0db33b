"""On the wire: a crafted character name and a roll that divides by zero get a sentence, not the
apology (``castle`` fails the test on any apology)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cogs.world import buttons, castle, running, session_state


async def test_a_masked_link_as_a_defenders_name_is_refused_saying_why(tmp_path: Path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        before = await session_state(world)
        handle = await world.slash(
            "claim",
            world.players["defender"],
            {"role": "defender", "name": "[Sakura](https://evil.example)"},
        )
        answer = await handle.message()
        assert answer.ephemeral
        assert answer.content == "A character name cannot hold a Markdown link like [text](…)."
        assert await session_state(world) == before
        assert not any("evil.example" in str(m.embeds) for m in world.fake.all_messages)


async def test_a_name_of_zero_width_characters_from_the_modal_is_refused(tmp_path: Path) -> None:
    async with castle(tmp_path) as world, running(world):
        lobby = await (await world.slash("gm open", world.gm, {"defenders": 1})).message()
        opened = await world.fake.click(
            lobby, buttons(lobby)["Claim Defender"], member=world.players["defender"]
        )
        modal = await opened.modal()
        [field] = [c for row in modal["components"] for c in row["components"]]
        submitted = await world.fake.submit_modal(
            opened, {field["custom_id"]: "\u200b\u200d\u2060"}
        )
        answer = await submitted.message()
        assert answer.ephemeral and "needs visible letters" in answer.content
        state = await session_state(world)
        assert state is not None and state.seat_of(world.players["defender"].id) is None


async def test_a_bidi_override_is_removed_from_a_defenders_name(tmp_path: Path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        await world.slash(
            "claim", world.players["defender"], {"role": "defender", "name": "\u202eRen\u202c"}
        )
        state = await session_state(world)
        assert state is not None and state.character("defender_1").name == "Ren"


@pytest.mark.parametrize("dice", ["1d6/0", "1d6%0"])
async def test_a_roll_dividing_by_zero_is_refused_with_a_sentence(
    tmp_path: Path, dice: str
) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        handle = await world.slash("roll", world.players["sakura"], {"dice": dice})
        answer = await handle.message()
        assert answer.ephemeral
        assert answer.content == (
            f"`{dice}` divides by zero (with / or %); divide by a number other than 0."
        )

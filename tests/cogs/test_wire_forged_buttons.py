"""On the wire: buttons with custom ids the bot never made (a crafted client, a Discord that let
them through) get a sentence, or, outside the bot's own ``castle:`` ids, no answer at all as
Discord leaves them: never the apology (``castle`` fails a test on any), never a logged error,
and nothing changes."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.cogs.world import World, buttons, castle, running, session_state

NOT_MINE = "That button is not one I made (or it is out of date); use "
FORGED = [
    f"castle:claim:{2**70}:sakura",  # a session id beyond 64 bits
    f"castle:claim:{2**64}:sakura",
    f"castle:claim:{2**63}:sakura",  # beyond SQLite's (and PostgreSQL's) largest integer
    f"castle:choose:{'9' * 40}:spare",
    "castle:claim:abc:sakura",
    "castle:claim:-1:sakura",
    "castle:claim:0x1f:sakura",
    "castle:claim:１２:sakura",  # fullwidth digits: int() reads them, the bot does not
    "castle:claim:1:Sakura; DROP TABLE sessions",
    "castle:claim:1:",
    "castle:claim:",
    "castle:choose:1:spare:sakura:again",
    "castle:choose:\n1:spare",
    "castle:undo:1",
    "castle:",
]


async def _lobby(world: World):
    opened = await world.slash("gm open", world.gm, {"defenders": 1})
    return await opened.message()


@pytest.mark.parametrize("custom_id", FORGED)
async def test_a_forged_button_is_refused_with_a_sentence(
    tmp_path, custom_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with castle(tmp_path) as world, running(world):
        lobby = await _lobby(world)
        before = await session_state(world)
        with caplog.at_level(logging.WARNING):
            pressed = await world.fake.forge_click(lobby, custom_id, member=world.players["sakura"])
            answer = await pressed.message()
        assert answer.ephemeral and answer.content.startswith(NOT_MINE), answer.content
        assert await session_state(world) == before
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_the_largest_session_id_the_database_holds_is_looked_up_not_overflowed(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        lobby = await _lobby(world)
        before = await session_state(world)
        pressed = await world.fake.forge_click(
            lobby, f"castle:claim:{2**63 - 1}:sakura", member=world.players["sakura"]
        )
        answer = await pressed.message()
        assert answer.ephemeral and "another channel" in answer.content
        assert await session_state(world) == before


async def test_a_genuine_button_still_works_after_a_forged_one(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        lobby = await _lobby(world)
        forged = await world.fake.forge_click(
            lobby, f"castle:claim:{2**70}:sakura", member=world.players["sakura"]
        )
        assert (await forged.message()).ephemeral
        claimed = await world.fake.click(
            lobby, buttons(lobby)["Claim Sakura"], member=world.players["sakura"]
        )
        assert not (await claimed.message()).ephemeral
        state = await session_state(world)
        assert state.seat("sakura").member_id == world.players["sakura"].id


@pytest.mark.parametrize("custom_id", ["garbage", "", "claim:1:sakura", "x" * 100])
async def test_a_button_outside_the_bots_ids_goes_unanswered_as_discord_leaves_it(
    tmp_path, custom_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with castle(tmp_path) as world, running(world):
        lobby = await _lobby(world)
        before = await session_state(world)
        with caplog.at_level(logging.WARNING):
            pressed = await world.fake.forge_click(lobby, custom_id, member=world.players["sakura"])
            # a pressed button after it, answered: the forged one was read and dropped by then
            claimed = await world.fake.click(
                lobby, buttons(lobby)["Claim Sasuke"], member=world.players["sasuke"]
            )
            await claimed.message()
            await asyncio.sleep(0.2)
        assert pressed.events == []
        assert (await session_state(world)).seat("sakura") == before.seat("sakura")
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        world.fake.pop_violations()  # the unanswered interaction, as expected here


@pytest.mark.parametrize("name", ["x" * 500, "x" * 33, ""])
async def test_a_modal_name_outside_the_fields_declared_length_is_refused(
    tmp_path, name: str
) -> None:
    """The name field declares 1 to 32 characters; a crafted client submits what it likes (an
    empty name, before, seated the defender under the scene's default name)."""
    async with castle(tmp_path) as world, running(world):
        lobby = await _lobby(world)
        opened = await world.fake.click(
            lobby, buttons(lobby)["Claim Defender"], member=world.players["defender"]
        )
        modal = await opened.modal()
        [field] = [c for row in modal["components"] for c in row["components"]]
        assert (field["min_length"], field["max_length"]) == (1, 32)
        submitted = await world.fake.submit_modal(opened, {field["custom_id"]: name})
        answer = await submitted.message()
        assert answer.ephemeral
        assert answer.content == "“Character name” takes 1 to 32 characters."
        state = await session_state(world)
        assert state.seat_of(world.players["defender"].id) is None

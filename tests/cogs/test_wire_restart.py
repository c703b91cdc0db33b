"""On the wire: the bot process restarts mid-session; play, buttons and turn timeouts go on."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fake_discord import Perm
from fake_discord.models import Overwrite

from scenes.engine.autoplay import next_move
from tests.cogs.world import buttons, castle, perform, running, session_state


async def test_after_a_restart_play_and_the_old_buttons_go_on(tmp_path) -> None:
    async with castle(tmp_path) as world:
        members = {}
        async with running(world, seed=5):
            lobby = await (await world.slash("gm open", world.gm, {"defenders": 1})).message()
            await world.slash("claim", world.players["sakura"], {"role": "sakura"})
            members[world.players["sakura"].id] = world.players["sakura"]
        async with running(world, seed=6):
            # the lobby's button from before the restart still seats a player
            clicked = await world.fake.click(
                lobby, buttons(lobby)["Claim Sasuke"], member=world.players["sasuke"]
            )
            assert not (await clicked.message()).ephemeral
            members[world.players["sasuke"].id] = world.players["sasuke"]
            await world.slash("gm begin", world.gm)
            rng = random.Random(1)
            for _ in range(60):
                state = await session_state(world)
                if state.decisions:
                    break
                actor, command = next_move(state, rng)
                answer = await (await perform(world, members[actor.member_id], command)).message()
                if answer.ephemeral:
                    await world.slash("defend", members[actor.member_id])
            before = await session_state(world)
            assert before.decisions, "no choice came up to test its buttons"
        async with running(world, seed=7):
            assert await session_state(world) == before
            decision = before.decisions[0]
            prompt = next(
                m
                for m in reversed(world.fake.visible_messages(world.hall))
                if decision.options[0].capitalize() in buttons(m)
            )
            decider = members[before.seat(decision.decider).member_id]
            option = decision.options[1]
            clicked = await world.fake.click(
                prompt, buttons(prompt)[option.capitalize()], member=decider
            )
            answer = await clicked.message()
            assert not answer.ephemeral and option in answer.embeds[0]["title"]
            after = await session_state(world)
            assert decision not in after.decisions


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def timed_table(world, table=None) -> str:
    """A begun session at ``table`` (the hall by default); the seat whose turn it is."""
    await world.slash("gm open", world.gm, {"defenders": 1}, table)
    await world.slash("claim", world.players["sakura"], {"role": "sakura"}, table)
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"}, table)
    await world.slash("gm begin", world.gm, None, table)
    return (await session_state(world, table)).turn


async def timeout_notice(world):
    """The turn-timeout post in the hall, once it comes."""
    notice = await world.fake.wait_for_message(
        lambda m: any("timed out" in (e.get("title") or "") for e in m.embeds),
        channel=world.hall,
    )
    assert "turn is skipped" in str(notice.embeds[0])
    return notice


async def test_a_turn_deadline_that_passed_while_the_bot_was_down_is_skipped(tmp_path) -> None:
    clock = Clock()
    async with castle(tmp_path) as world:
        async with running(world, clock=clock):
            await world.slash("gm config", world.gm, {"turn_timeout": 1})
            idle = await timed_table(world)
        clock.now += timedelta(minutes=2)
        async with running(world, clock=clock):
            await timeout_notice(world)
            assert (await session_state(world)).turn != idle


async def test_a_timeout_that_cannot_be_posted_does_not_stop_the_other_timeouts(tmp_path) -> None:
    clock = Clock()
    async with castle(tmp_path) as world:
        tables = (world.recaps, world.hall)  # the first session is checked first
        async with running(world, clock=clock):
            await world.slash("gm config", world.gm, {"turn_timeout": 1})
            idle = {table.id: await timed_table(world, table) for table in tables}
        # while the bot was down, it lost the right to post there (Discord answers 403)
        deny = int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
        world.recaps.overwrites.append(Overwrite(world.fake.bot_user.id, 1, 0, deny))
        clock.now += timedelta(minutes=2)
        async with running(world, clock=clock):
            await timeout_notice(world)
            for table in tables:  # both skips are stored
                assert (await session_state(world, table)).turn != idle[table.id]

"""On the wire: a slash command that reaches the bot late (made more than a second before it is
read, as under load) is answered "thinking…" at once, inside Discord's 3-second deadline, and
its answer then fills that placeholder; a private answer replaces a public placeholder privately.
One that starts on time but whose work waits (for the database, say) is answered "thinking…" at
the rescue's moment, 1.5 seconds after it was made. A command on time is answered as before, in
one response."""

from __future__ import annotations

import asyncio
import sqlite3

from fake_discord.models import LOADING

from tests.cogs.world import begun, castle, running, session_state, spoken

LATE = 1.6  # seconds the interaction was made before it was sent: over the bot's 1 s


async def placeholder_filled_on_guard(world, handle, before) -> None:
    """The "thinking…" placeholder now holds the public /defend result, and it was committed."""
    result = await handle.message()
    assert not result.ephemeral and not result.flags & LOADING
    assert result.embeds and result.embeds[0].get("title") == "On guard"
    assert (await session_state(world)).turn != before.turn  # committed: the turn moved on
    assert world.fake.pop_violations() == []


async def test_a_late_turn_is_deferred_at_once_and_its_result_fills_the_placeholder(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        before = await session_state(world)
        holder = world.players[before.turn or ""]
        handle = await world.slash("defend", holder, made_ago=LATE)
        assert handle.response_type == 5  # "thinking…", before any work
        answered = handle.answered_at
        assert answered is not None and answered - handle.dispatched_at < 3.0  # made LATE ago
        await placeholder_filled_on_guard(world, handle, before)


async def test_a_late_refusal_replaces_the_public_placeholder_privately(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        handle = await world.slash("defend", world.stranger, made_ago=LATE)
        assert handle.response_type == 5
        refusal = await handle.followup()
        assert refusal.ephemeral and "no seat" in refusal.content
        original = handle.original
        assert original is not None and original.deleted  # no public "thinking…" left behind
        assert world.fake.pop_violations() == []


async def test_a_late_line_is_still_posted_once_in_the_characters_voice(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        sakura = world.players["sakura"]
        handle = await world.slash("say", sakura, {"text": "Late, but here."}, made_ago=LATE)
        assert handle.response_type == 5
        await spoken(world, "Sakura", "Late, but here.")
        await handle.wait_for("delete_original")
        said = [
            m
            for m in world.fake.visible_messages(world.hall)
            if any("Late, but here." in (e.get("description") or "") for e in m.embeds)
        ]
        assert len(said) == 1  # in her voice, once, and no "thinking…" left behind
        assert world.fake.pop_violations() == []


async def test_a_command_whose_commit_waits_is_rescued_thinking_and_then_answered(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        before = await session_state(world)
        holder = world.players[before.turn or ""]
        other = sqlite3.connect(world.db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another writer: the bot's commit waits in line
            handle = await world.slash("defend", holder, made_ago=0.8)  # on time: under 1 s
            assert handle.response_type == 5  # "thinking…" at the rescue, 1.5 s after it was made
            answered = handle.answered_at
            assert answered is not None and 0.5 <= answered - handle.dispatched_at < 3.0 - 0.8
            await asyncio.sleep(0.3)  # the other writer takes a while yet
        finally:
            other.execute("ROLLBACK")
            other.close()
        await placeholder_filled_on_guard(world, handle, before)


async def test_a_command_on_time_is_answered_in_one_response(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        state = await session_state(world)
        handle = await world.slash("defend", world.players[state.turn or ""])
        assert handle.response_type == 4 and handle.followups == []


async def test_while_the_loop_is_behind_a_command_on_time_is_answered_thinking_first(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        bot.pulse.stop()
        bot.pulse.lag = 0.5  # as the pulse reads a busy loop
        state = await session_state(world)
        handle = await world.slash("defend", world.players[state.turn or ""])
        assert handle.response_type == 5
        result = await handle.message()
        assert result.embeds and not result.ephemeral
        assert world.fake.pop_violations() == []


async def test_the_pulse_reads_how_far_behind_the_loop_is() -> None:
    import time

    from cogs.pulse import BEAT, Pulse

    pulse = Pulse()
    pulse.start()
    try:
        await asyncio.sleep(BEAT * 3)
        assert pulse.lag < 0.1  # an idle loop keeps time
        time.sleep(BEAT + 0.3)  # a command hogging the loop past the next beat
        for _ in range(3):  # the pulse's overdue timer runs within a loop pass or two
            await asyncio.sleep(0)
        assert pulse.lag >= 0.25
        await asyncio.sleep(BEAT * 2)
        assert pulse.lag < 0.1  # and keeps time again once the loop is free
    finally:
        pulse.stop()


async def test_beyond_a_crowd_of_unanswered_commands_the_next_is_answered_thinking_first(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        bot.pulse.crowd = 2  # as a burst of tables starting together, with room for two
        rollers = [world.players["sakura"], world.players["sasuke"]] * 3  # within the cooldown
        burst = [
            await world.fake.send_slash(
                "roll",
                member=roller,
                channel=world.hall,
                options={"dice": "1d20+3", "reason": f"nerve {n}"},
            )
            for n, roller in enumerate(rollers)
        ]
        await asyncio.gather(*(handle.response() for handle in burst))
        kinds = [handle.response_type for handle in burst]
        assert kinds[:2] == [4, 4]  # the first two answered in one response each
        assert 5 in kinds[2:]  # then "thinking…" at once: the line was full
        for handle in burst:
            assert handle.latency is not None and handle.latency < 1.0  # never at the rescue
            result = await handle.message()
            assert result.embeds and not result.ephemeral  # each roll told, in its placeholder
        assert bot.pulse.waiting == 0  # every one counted out again
        assert world.fake.pop_violations() == []

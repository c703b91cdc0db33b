"""The wire benchmark's tables read a deferred ("thinking…") answer as a player does: they wait
for what the placeholder becomes before they read the session, and a refusal told privately
after it counts as refused (so the table guards instead, as on an answer in one response)."""

from __future__ import annotations

from tests.benches import load_bench
from tests.cogs.world import begun, castle, running, session_state


async def test_a_deferred_answer_is_awaited_and_a_deferred_refusal_is_refused(tmp_path) -> None:
    wire = load_bench("wire")
    async with castle(tmp_path) as world, running(world) as bot:
        await begun(world)
        bot.pulse.stop()
        bot.pulse.lag = 0.5  # as the pulse reads a busy loop: every command "thinking…" first
        recorder = wire.Recorder(world.fake)
        before = await session_state(world)
        holder = world.players[before.turn or ""]
        waiting = next(p for role, p in world.players.items() if role != before.turn)

        refusal = await recorder.slash(wire.TURN, "defend", waiting, world.hall)
        assert refusal.response_type == 5 and wire.refused(refusal)

        guard = await recorder.slash(wire.TURN, "defend", holder, world.hall)
        assert guard.response_type == 5 and not wire.refused(guard)
        assert [e.kind for e in guard.events] == ["callback", "edit_original"]  # back once filled
        assert (await session_state(world)).turn != before.turn  # and read after the commit
        assert world.fake.pop_violations() == []

"""Properties: whatever the commands, in whatever order, the log replays to the snapshot."""

from __future__ import annotations

import asyncio

from castle_play import AIKO, BOTAN, CHANNEL, CHIYO, GM, GUILD, assert_consistent, turn_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.sessions import Ran, SessionService
from db.store import SqliteStore
from scenes.engine import commands as c

PLAYERS = (AIKO, BOTAN, CHIYO)
FIXED: tuple[tuple[c.Actor, c.Command], ...] = (
    (AIKO, c.Claim(role="sakura")),
    (BOTAN, c.Claim(role="sasuke")),
    (CHIYO, c.Claim(role="defender", name="Ren")),
    (BOTAN, c.Release()),
    (GM, c.Begin()),
    (GM, c.Undo()),
    (GM, c.Skip()),
    (GM, c.Pause(reason="a break")),
    (GM, c.Resume()),
    (GM, c.Advance()),
    (GM, c.Mute(member_id=AIKO.member_id)),
    (GM, c.Unmute(member_id=AIKO.member_id)),
    (GM, c.Kick(member_id=CHIYO.member_id)),
    (GM, c.Set(character="sakura", field="chakra", value=3)),
)
TURN = None  # stands for "whatever the turn holder would do"

moves = st.lists(
    st.one_of(
        st.sampled_from(FIXED),
        st.tuples(st.sampled_from(PLAYERS), st.builds(c.Say, text=st.just("Rain."))),
        st.tuples(st.sampled_from(PLAYERS), st.just(c.FreeRoll(dice="1d20"))),
        st.just(TURN),
    ),
    max_size=30,
)


async def play_moves(chosen: list[tuple[c.Actor, c.Command] | None]) -> None:
    store = await SqliteStore.open(":memory:")
    try:
        service = SessionService(store)
        opened = await service.open_session(
            GUILD, CHANNEL, GM, c.Open(scene="castle", seats=2, seed=3)
        )
        versions = [opened.version]
        for move in chosen:
            state = (await service.current(CHANNEL)).state  # type: ignore[union-attr]
            actor, command = move if move is not None else turn_command(state)
            ran: Ran = await service.run(CHANNEL, actor, command)
            if ran.accepted:
                versions.append(ran.version)
        assert versions == list(range(1, len(versions) + 1))
        await assert_consistent(store, opened.session_id)  # type: ignore[arg-type]
    finally:
        await store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves)
def test_any_sequence_of_commands_replays_to_the_stored_snapshot(
    chosen: list[tuple[c.Actor, c.Command] | None],
) -> None:
    asyncio.run(play_moves(chosen))

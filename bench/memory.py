"""Memory per open session: what 1,000 open sessions, each after some play, cost the bot.

    python bench/memory.py [--sessions 1000] [--commands 40] [--seed 0]

Opens the sessions through the real SessionService and SqliteStore (a fresh database in a temporary
folder), seats three to six players in each, begins, and plays ``--commands`` commands in each
(scripted turns from ``scenes.engine.autoplay`` and free poses and rolls), so every undo stack is
full. tracemalloc counts what the process still holds afterwards, per session; then the service's
cache is dropped to show how much of that it held. Target: under 20 KiB per open session.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would shadow the db package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from db.sessions import SessionService  # noqa: E402
from db.store import SqliteStore  # noqa: E402
from scenes.engine import commands as c  # noqa: E402
from scenes.engine.autoplay import GM, next_move, seating  # noqa: E402
from scenes.engine.state import SessionState  # noqa: E402

TARGET = 20 * 1024
FREE = (
    c.Say(text="The rain will not stop."),
    c.Act(text="listens at the door"),
    c.FreeRoll(dice="1d20+3", reason="nerve"),
)


async def play_one(
    service: SessionService, guild: int, channel: int, commands: int, rng: random.Random
) -> None:
    """Open a session in ``channel``, seat its players, begin, and play ``commands`` commands."""
    players = rng.randint(3, 6)
    opened = await service.open_session(
        guild, channel, GM, c.Open(scene="castle", seats=players - 2, seed=rng.getrandbits(48))
    )
    assert opened.accepted, opened.outcome
    seats = seating(players, channel * 10, "castle")
    for actor, claim in seats:
        await service.run(channel, actor, claim)
    people = [actor for actor, _ in seats]
    await service.run(channel, GM, c.Begin())
    for _ in range(commands):
        stored = await service.current(channel)
        assert stored is not None
        state: SessionState = stored.state
        if rng.random() < 0.35:
            await service.run(channel, rng.choice(people), rng.choice(FREE))
            continue
        if state.ending is not None or (state.turn is None and not state.decisions):
            continue
        actor, command = next_move(state, rng)
        ran = await service.run(channel, actor, command)
        if not ran.accepted:
            ran = await service.run(channel, actor, c.Defend())
            if not ran.accepted:
                await service.run(channel, GM, c.Skip())


def traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def measure(sessions: int, commands: int, seed: int, folder: Path) -> dict[str, float]:
    # NORMAL only makes the set-up quicker; what stays in memory does not depend on it.
    store = await SqliteStore.open(folder / "castle.sqlite3", synchronous="NORMAL")
    service = SessionService(store)
    rng = random.Random(seed)
    try:
        # Warm-up: load the scene, build the models' validators, prepare the statements.
        await play_one(service, 1, 1, commands, rng)
        await service.run(1, GM, c.End(reason="warm-up"))
        tracemalloc.start()
        before = traced()
        began = time.perf_counter()
        for n in range(sessions):
            await play_one(service, 100 + n // 25, 1000 + n, commands, rng)
        played = time.perf_counter() - began
        after = traced()
        open_sessions = service.open_sessions
        assert len(open_sessions) == sessions
        undo_points = sum(len(s.state.undo) for s in open_sessions)
        undo_bytes = sum(_undo_size(point) for s in open_sessions for point in s.state.undo)
        del open_sessions
        service._open.clear()  # the cache of open sessions, as SessionService keeps it
        service._channels.clear()
        dropped = traced()
        tracemalloc.stop()
    finally:
        await service.close()
    return {
        "sessions": sessions,
        "per_session": (after - before) / sessions,
        "cache_per_session": (after - dropped) / sessions,
        "undo_points": undo_points / sessions,
        "undo_bytes": undo_bytes / sessions,
        "seconds": played,
    }


def _undo_size(point: object) -> int:
    """The payload bytes of one undo point, whatever its representation."""
    payload = getattr(point, "packed", None) or getattr(point, "state", b"")
    return len(payload)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--commands", type=int, default=40, help="commands played per session")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="memory-") as folder:
        result = asyncio.run(measure(args.sessions, args.commands, args.seed, Path(folder)))
    per, cache = result["per_session"], result["cache_per_session"]
    verdict = "ok" if per < TARGET else "OVER"
    print(
        f"{args.sessions} open sessions, {args.commands} commands played in each "
        f"({result['seconds']:.0f} s under tracemalloc)"
    )
    print(
        f"  held per open session     {per:8.0f} B = {per / 1024:5.1f} KiB  (target < 20 KiB: "
        f"{verdict})"
    )
    print(f"  of which the service cache {cache:8.0f} B = {cache / 1024:5.1f} KiB")
    print(
        f"  undo points per session   {result['undo_points']:8.1f}   "
        f"holding {result['undo_bytes']:6.0f} B of payload"
    )
    return result


if __name__ == "__main__":
    main()

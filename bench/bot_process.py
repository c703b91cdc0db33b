"""The bot under test in a process of its own, for bench/wire.py and bench/startup.py.

    python bench/bot_process.py --bot castle|ping|durable-ping --api URL --gateway URL \
        --database PATH --log PATH [--database-url postgresql://…] [--shard-count N \
        --shard-ids 0,1] [--commits PATH]

Starts the bot against the fake Discord at ``--api``/``--gateway``, syncs its commands, prints one
line ``ready {json}`` (timings and what it restored), then runs until its stdin closes.
"""

from __future__ import annotations

import time

STARTED = time.time()  # as near to the process's start as Python code gets

import argparse  # noqa: E402
import asyncio  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import AsyncIterator, Awaitable  # noqa: E402
from dataclasses import dataclass, fields  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

# Run as a script, bench/ comes first on sys.path, and bench/db.py would shadow the db package.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) in sys.path:
    sys.path.remove(str(ROOT))
sys.path.insert(0, str(ROOT))

import aiosqlite  # noqa: E402
import discord  # noqa: E402
import yarl  # noqa: E402
from discord import app_commands  # noqa: E402
from discord.gateway import DiscordWebSocket  # noqa: E402
from discord.http import Route  # noqa: E402

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEd.castle-in-the-rain-bench-token-0123456789"
START_TIMEOUT = 60.0
OptionsT = TypeVar("OptionsT")
COMMIT_BYTES = 5_000  # a castle commit's snapshot and log entry, in a played scene (about)


class PingBot(discord.Client):
    """The floor: discord.py and the fake, with nothing of ours in between."""

    def __init__(self, guild_ready_timeout: float = 0.05) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=guild_ready_timeout)
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping")
        async def ping(interaction: discord.Interaction) -> None:
            """Pong."""
            await self.before_pong()
            await interaction.response.send_message("pong")

    async def before_pong(self) -> None:
        """Nothing: the floor answers at once."""


class DurablePingBot(PingBot):
    """The durable floor: the floor, storing one row before it answers, as the castle must.

    The row is the size of a castle commit (``COMMIT_BYTES``: a session's snapshot and its log
    entry), written through aiosqlite on a WAL database with the castle's ``synchronous``: what
    "a command the bot acknowledged is committed" costs by itself, with no engine and no render.
    """

    def __init__(self, database: Path, synchronous: str, guild_ready_timeout: float) -> None:
        super().__init__(guild_ready_timeout)
        self.database = database
        self.synchronous = synchronous
        self.db: aiosqlite.Connection | None = None

    async def setup_hook(self) -> None:
        self.db = await aiosqlite.connect(self.database, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode = WAL")
        await self.db.execute(f"PRAGMA synchronous = {self.synchronous}")
        await self.db.execute("CREATE TABLE pings (id INTEGER PRIMARY KEY, at REAL, body TEXT)")

    async def before_pong(self) -> None:
        assert self.db is not None
        await self.db.execute(
            "INSERT INTO pings (at, body) VALUES (?, ?)", (time.time(), "x" * COMMIT_BYTES)
        )

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()
        await super().close()


class PostgresDurablePingBot(PingBot):
    """The durable floor on PostgreSQL: one castle-sized row INSERTed (one statement, committed)
    through an asyncpg pool before each pong."""

    def __init__(self, url: str, guild_ready_timeout: float) -> None:
        super().__init__(guild_ready_timeout)
        self.url = url
        self.pool: Any = None

    async def setup_hook(self) -> None:
        import asyncpg

        async def nothing(conn: Any) -> None:
            return None

        self.pool = await asyncpg.create_pool(self.url, min_size=1, max_size=10, reset=nothing)
        await self.pool.execute(
            "CREATE TABLE IF NOT EXISTS pings (id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION, "
            "body TEXT)"
        )

    async def before_pong(self) -> None:
        await self.pool.execute(
            "INSERT INTO pings (at, body) VALUES ($1, $2)", time.time(), "x" * COMMIT_BYTES
        )

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        await super().close()


@dataclass
class BotOptions:
    """What the bot's process is told: which bot, where the fake is, where its files go."""

    kind: str  # "castle", "ping" or "durable-ping"
    api: str
    gateway: str
    database: Path
    log: Path
    log_level: str = "INFO"
    seed: int = 0
    # discord.py waits this long after the last GUILD_CREATE before ready (its default is 2 s);
    # None: the bot's own (bot.GUILD_READY_TIMEOUT for the castle, 0.05 s for the ping bot).
    guild_ready_timeout: float | None = None
    synchronous: str = "FULL"  # the castle bot's DATABASE_SYNCHRONOUS
    stages: Path | None = None  # where to write bench/stages.py's samples (None: no timers)
    database_url: str | None = None  # the castle's DATABASE_URL (None: the SQLite file)
    shard_count: int | None = None  # the castle's SHARD_COUNT and SHARD_IDS ("0,1")
    shard_ids: str | None = None
    commits: Path | None = None  # where to append "create|commit session guild" per write

    def _optional(self, flag: str, value: object) -> list[str]:
        return [] if value is None else [flag, str(value)]

    def _timeout(self, flag: str) -> list[str]:
        return [] if self.guild_ready_timeout is None else [flag, str(self.guild_ready_timeout)]

    def argv(self) -> list[str]:
        return [
            sys.executable,
            str(Path(__file__).resolve()),
            *("--bot", self.kind, "--api", self.api, "--gateway", self.gateway),
            *("--database", str(self.database), "--log", str(self.log)),
            *("--log-level", self.log_level, "--seed", str(self.seed)),
            *self._timeout("--guild-ready-timeout"),
            *("--synchronous", self.synchronous),
            *([] if self.stages is None else ["--stages", str(self.stages)]),
            *self._optional("--database-url", self.database_url),
            *self._optional("--shard-count", self.shard_count),
            *self._optional("--shard-ids", self.shard_ids),
            *self._optional("--commits", self.commits),
        ]


class Stopwatch:
    """Wall time spent in a few of the bot's start-up steps (wrapped before the bot starts)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.states_loaded = 0

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - began

        setattr(owner, name, timed)

    def count_loads(self) -> None:
        """Count the session states parsed from the database (ended ones must not be)."""
        import db.store

        original = db.store.loaded_session

        def loaded(row: Any) -> Any:
            self.states_loaded += 1
            return original(row)

        db.store.loaded_session = loaded


def make_bot(options: BotOptions, watch: Stopwatch) -> discord.Client:
    if options.kind == "ping":
        return PingBot(options.guild_ready_timeout or 0.05)
    if options.kind == "durable-ping":
        timeout = options.guild_ready_timeout or 0.05
        if options.database_url is not None:
            return PostgresDurablePingBot(options.database_url, timeout)
        return DurablePingBot(options.database, options.synchronous, timeout)
    from bot import CastleBot, Settings, bot_class
    from db.sessions import SessionService
    from db.store import SqliteStore

    watch.wrap(CastleBot, "setup_hook", "setup_hook")
    watch.wrap(SqliteStore, "open", "open_store")
    watch.wrap(SessionService, "restore", "restore")
    watch.count_loads()
    settings = Settings(
        discord_token=TOKEN,
        database_path=options.database,
        dev_guild_id=None,
        database_synchronous=options.synchronous,
        database_url=options.database_url,
        shard_count=options.shard_count,
        shard_ids=options.shard_ids,
    )
    if options.commits is not None:
        record_writes(options.commits)
    timeout = options.guild_ready_timeout
    chosen = {} if timeout is None else {"guild_ready_timeout": timeout}
    return bot_class(settings)(settings, seeds=random.Random(options.seed), **chosen)


def record_writes(path: Path) -> None:
    """Append a line per session write this process makes (``create|commit session guild``),
    flushed once the store has returned: which process wrote which server's sessions."""
    from db.postgres import PostgresStore
    from db.store import SqliteStore

    guilds: dict[int, int] = {}
    out = path.open("a", encoding="utf-8", buffering=1)

    for store in (SqliteStore, PostgresStore):
        create, commit = store.create, store.commit

        async def created(
            self: Any, guild_id: int, *args: Any, _create: Any = create, **kw: Any
        ) -> Any:
            stored = await _create(self, guild_id, *args, **kw)
            guilds[stored.id] = guild_id
            out.write(f"create {stored.id} {guild_id}\n")
            return stored

        async def committed(
            self: Any, session_id: int, *args: Any, _commit: Any = commit, **kw: Any
        ) -> Any:
            version = await _commit(self, session_id, *args, **kw)
            if session_id not in guilds:
                loaded = await self.load(session_id)
                guilds[session_id] = loaded.record.guild_id
            out.write(f"commit {session_id} {guilds[session_id]}\n")
            return version

        store.create, store.commit = created, committed  # type: ignore[method-assign]


PROFILE = "BENCH_PROFILE"  # a path prefix: each bot profiles its CPU from ready to stop
HEAP = "BENCH_HEAP"  # a path prefix: each bot writes what its collector tracks, as it stops


def _heap_census(path: str) -> None:
    """The objects the garbage collector tracks (the frozen start-up heap aside), by type: what
    each full collection walks."""
    tracked = gc.get_objects()
    kinds = collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in tracked)
    lines = [f"tracked {len(tracked)}, frozen {gc.get_freeze_count()}"]
    lines += [f"{count:9d} {kind}" for kind, count in kinds.most_common(40)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _profiler() -> cProfile.Profile | None:
    """With BENCH_PROFILE set, cProfile timing the event loop thread's CPU (not wall) time."""
    if not os.environ.get(PROFILE):
        return None
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    return profile


async def serve(options: BotOptions) -> None:
    """Start, sync the commands, print ``ready {facts}``, run until stdin closes."""
    handler = logging.FileHandler(options.log, encoding="utf-8")
    level = getattr(logging, options.log_level)
    discord.utils.setup_logging(handler=handler, level=level, root=True)
    # What fake_discord.point_discord_at does: discord.py's two base URLs, at the fake.
    Route.BASE = options.api
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(options.gateway)
    stages = None
    if options.stages is not None:
        from stages import Stages

        stages = Stages()
        stages.install(castle=options.kind == "castle")
    watch = Stopwatch()
    bot = make_bot(options, watch)
    imported = time.time()
    running = asyncio.create_task(bot.start(TOKEN))
    ready = asyncio.create_task(bot.wait_until_ready())
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()  # why it stopped
        raise SystemExit("the bot stopped before it was ready")
    at_ready = time.time()
    await bot.tree.sync()  # type: ignore[attr-defined]
    service = getattr(bot, "service", None)
    facts = {
        "started": STARTED,
        "imported": imported,
        "ready": at_ready,
        "steps": watch.seconds,
        "open_sessions": len(service.open_sessions) if service else 0,
        "states_loaded": watch.states_loaded,
    }
    print("ready " + json.dumps(facts), flush=True)
    cpu_at_ready = time.process_time()  # every thread's: aiosqlite's too
    profile = _profiler()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print("cpu " + json.dumps({"seconds": time.process_time() - cpu_at_ready}), flush=True)
    if profile is not None:
        profile.disable()
        profile.dump_stats(f"{os.environ[PROFILE]}-{options.kind}-{os.getpid()}.prof")
    if os.environ.get(HEAP):
        _heap_census(f"{os.environ[HEAP]}-{options.kind}-{os.getpid()}.txt")
    await bot.close()
    with contextlib.suppress(Exception):
        await running
    if stages is not None and options.stages is not None:
        options.stages.write_text(json.dumps(stages.summary()), encoding="utf-8")


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    facts: dict[str, Any]
    cpu_seconds: float | None = None  # the process's CPU from ready to stop, once it has stopped

    async def watch(self, work: Awaitable[Any]) -> Any:
        """Run ``work``; fail at once if the bot's process dies meanwhile."""
        task = asyncio.ensure_future(work)
        died = asyncio.ensure_future(self.process.wait())
        await asyncio.wait({task, died}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            raise RuntimeError(f"the bot's process exited ({self.process.returncode})")
        died.cancel()
        return task.result()


@contextlib.asynccontextmanager
async def bot_process(options: BotOptions, fake: Any) -> AsyncIterator[BotProcess]:
    """Start the bot in its own process; yield once it is ready; stop it and let it close.

    ``fake`` is the FakeDiscord the bot connects to (its gateway sessions are watched).
    """
    before = {s.id for s in fake.sessions}
    process = await asyncio.create_subprocess_exec(
        *options.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT
    )
    assert process.stdin is not None and process.stdout is not None
    bot = None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
        facts = _tagged(line, "ready")
        if facts is None:
            raise RuntimeError(f"the {options.kind} bot did not start (see {options.log})")
        bot = BotProcess(process, facts)
        yield bot
    finally:
        process.stdin.close()
        if bot is not None:
            bot.cpu_seconds = await _cpu_seconds(process.stdout)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()
        for _ in range(400):  # let the fake see the close, so the next bot finds it settled
            if all(s.id in before for s in fake.sessions):
                break
            await asyncio.sleep(0.01)


async def _cpu_seconds(stdout: asyncio.StreamReader) -> float | None:
    """The ``cpu {json}`` line a stopping bot prints (None if it printed none in time)."""
    try:
        cpu = _tagged(await asyncio.wait_for(stdout.readline(), 20), "cpu")
    except TimeoutError:
        return None
    return None if cpu is None else float(cpu["seconds"])


def _tagged(line: bytes, tag: str) -> Any:
    """The JSON of a ``{tag} {json}`` line the bot's process printed; None for any other line."""
    prefix = f"{tag} ".encode()
    return json.loads(line[len(prefix) :]) if line.startswith(prefix) else None


def from_args(options: type[OptionsT], args: argparse.Namespace) -> OptionsT:
    """A dataclass of options filled from parsed arguments of the same names."""
    return options(**{f.name: getattr(args, f.name) for f in fields(options)})  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bot", dest="kind", choices=["castle", "ping", "durable-ping"], required=True
    )
    parser.add_argument("--api", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--guild-ready-timeout", type=float, default=None)
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL"], default="FULL")
    parser.add_argument("--stages", type=Path, default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--shard-count", type=int, default=None)
    parser.add_argument("--shard-ids", default=None)
    parser.add_argument("--commits", type=Path, default=None)
    asyncio.run(serve(from_args(BotOptions, parser.parse_args(argv))))


if __name__ == "__main__":
    main()

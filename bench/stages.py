"""Where a command's time goes inside the bot's process, for ``bench/wire.py --stages``.

Timers are wrapped around a few steps of discord.py and of the bot (in the bot's process only,
never in shipped code), and each sample is filed under the slash command it served:

- ``reach``: the gateway frame carrying INTERACTION_CREATE arrives → the command's callback starts
- ``decide``: the engine's ``play`` (rules, dice, narration, the undo point)
- ``commit``: ``SqliteStore.commit`` (serialising, aiosqlite's thread, SQLite, the fsync), or
  ``PostgresStore.commit`` (serialising, the round trip, the server's commit)
- ``service``: ``SessionService`` running the command (decide + commit + the cache)
- ``before reply``: the callback starts → it calls ``send_message`` (all our work)
- ``reply``: ``send_message`` called → returned (the POST, the fake's answer, discord.py's parse)

and, filed under ``GC``, each pause of Python's garbage collector by generation (``gen0`` to
``gen2``): every answer waiting at that moment waits for it; and, filed under ``FIRST``, each
interaction's first response (a message or a "thinking…"): from the moment Discord made it (its
id's) to the moment the bot sends it, on the machine's one clock: a response sent in time that
the fake reads after the deadline was late in the fake's process, not the bot's.
"""

from __future__ import annotations

import contextvars
import functools
import gc
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

STEPS = ("reach", "decide", "commit", "service", "before reply", "reply")
GC = "(garbage collector)"  # not a command: the collector's pauses, by generation
FIRST = "(first responses)"  # not a command: made → sent, for every interaction's first response
SENT = "made → sent"
READ = "made → read"  # the moment its gateway frame is read: how late the fake delivered it
CPU = "(cpu)"  # not a command: the CPU seconds of each pure step (no await inside: exact)
# The bot's pure work (it awaits nothing, so its thread's CPU over the call is its own): the
# engine, the recap's three readings of the log, reading the log's rows, and the turn's embed.
PURE = {
    "engine (decide)": [("db.sessions", "play")],
    "recaps": [  # patched where the cogs import them from (an extension loads afresh)
        ("scenes.engine.recap", "recap_pages"),
        ("scenes.engine.recap", "course"),
        ("scenes.engine.transcript", "transcript"),
    ],
    "reading log rows": [("db.store", "log_entry"), ("db.postgres", "log_entry")],
    "rendering turns": [("cogs.render", "outcome_embed")],
}
Summary = dict[str, dict[str, list[float]]]  # command -> step -> samples (ms)

_command: contextvars.ContextVar[tuple[str, float] | None] = contextvars.ContextVar(
    "command", default=None
)


class Stages:
    """Samples (milliseconds) per command and step, from the wrappers ``install`` sets."""

    def __init__(self) -> None:
        self.samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self._frame_at = 0.0
        self._dispatched: dict[int, float] = {}
        self._collecting_since = 0.0
        self._hurried: dict[int, str] = {}  # interaction id -> what hurry did (castle only)

    def install(self, castle: bool) -> None:
        self._install_discord()
        gc.callbacks.append(self._collected)
        if castle:
            self._install_castle()

    def summary(self) -> Summary:
        return {command: dict(steps) for command, steps in self.samples.items()}

    def _add(self, step: str, seconds: float, command: str | None = None) -> None:
        if command is None:
            current = _command.get()
            if current is None:
                return
            command = current[0]
        self.samples[command][step].append(seconds * 1000)

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting_since = time.perf_counter()
        else:
            paused = time.perf_counter() - self._collecting_since
            self._add(f"gen{info['generation']}", paused, GC)

    def _install_discord(self) -> None:
        import discord
        from discord import gateway, interactions, state
        from discord.app_commands import commands
        from discord.webhook import async_

        stages = self

        received = gateway.DiscordWebSocket.received_message

        async def received_message(self: Any, msg: Any, /) -> None:
            stages._frame_at = time.perf_counter()
            await received(self, msg)

        parse = state.ConnectionState.parse_interaction_create

        def parse_interaction_create(self: Any, data: Any) -> None:
            if data.get("type") == 2:  # slash commands (what the callback timer pops)
                stages._dispatched[int(data["id"])] = stages._frame_at
            made = discord.utils.snowflake_time(int(data["id"])).timestamp()
            stages._add(READ, time.time() - made, FIRST)
            parse(self, data)

        invoke = commands.Command._invoke_with_namespace

        async def invoke_with_namespace(self: Any, interaction: Any, namespace: Any) -> Any:
            began = time.perf_counter()
            arrived = stages._dispatched.pop(interaction.id, None)
            if arrived is not None:
                stages._add("reach", began - arrived, self.qualified_name)
            _command.set((self.qualified_name, began))
            return await invoke(self, interaction, namespace)

        send = interactions.InteractionResponse.send_message

        async def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
            called = time.perf_counter()
            current = _command.get()
            if current is not None:
                stages._add("before reply", called - current[1])
            try:
                return await send(self, *args, **kwargs)
            finally:
                stages._add("reply", time.perf_counter() - called)

        adapter = async_.AsyncWebhookAdapter
        respond = adapter.create_interaction_response

        def create_interaction_response(self: Any, interaction: int, *args: Any, **kw: Any) -> Any:
            made = discord.utils.snowflake_time(interaction).timestamp()
            age = time.time() - made
            stages._add(SENT, age, FIRST)
            if age > 3.0:
                payload = getattr(kw.get("params"), "payload", None) or {}
                hurried = stages._hurried.get(interaction, "never hurried")
                stages._add(f"late type {payload.get('type')}, {hurried}", age, FIRST)
            return respond(self, interaction, *args, **kw)

        adapter.create_interaction_response = create_interaction_response  # type: ignore[method-assign]
        gateway.DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]
        state.ConnectionState.parse_interaction_create = parse_interaction_create  # type: ignore[method-assign]
        commands.Command._invoke_with_namespace = invoke_with_namespace  # type: ignore[method-assign]
        interactions.InteractionResponse.send_message = send_message  # type: ignore[method-assign]

    def _install_castle(self) -> None:
        import importlib

        from db import postgres, sessions, store

        for part, places in PURE.items():
            for module_name, name in places:
                module = importlib.import_module(module_name)
                setattr(module, name, self._cpu(getattr(module, name), part))
        sessions.play = self._timed(sessions.play, "decide")
        self._watch_rescues()
        sessions.SessionService.run_session = self._timed_async(
            sessions.SessionService.run_session, "service"
        )
        store.SqliteStore.commit = self._timed_async(store.SqliteStore.commit, "commit")
        postgres.PostgresStore.commit = self._timed_async(postgres.PostgresStore.commit, "commit")

    def _watch_rescues(self) -> None:
        """File each rescue (cogs.common) by its age, and what hurry did with each interaction."""
        import discord

        from cogs import common

        rescue, hurry = common._rescue, common.hurry

        async def hurried(interaction: Any) -> bool:
            watched_before = common._RESCUE in interaction.extras
            deferred = await hurry(interaction)
            if deferred:
                self._hurried[interaction.id] = "deferred at once"
            elif common._RESCUE in interaction.extras and not watched_before:
                self._hurried[interaction.id] = "watched"
            else:
                self._hurried[interaction.id] = "left"
            return deferred

        common.hurry = hurried

        def watched(interaction: Any) -> None:
            age = time.time() - discord.utils.snowflake_time(interaction.id).timestamp()
            self._add("rescue deferred", age, FIRST)
            rescue(interaction)

        common._rescue = watched

    def _timed(self, function: Callable[..., Any], step: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._add(step, time.perf_counter() - began)

        return timed

    def _cpu(self, function: Callable[..., Any], part: str) -> Callable[..., Any]:
        """``function`` adding its thread's CPU time to ``part`` (nested calls counted once)."""
        spent = self.samples[CPU][part]
        spent.append(0.0)
        inside: list[bool] = [False]

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if inside[0]:
                return function(*args, **kwargs)
            inside[0] = True
            began = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.thread_time() - began
                inside[0] = False

        return timed

    def _timed_async(
        self, function: Callable[..., Awaitable[Any]], step: str
    ) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(function)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self._add(step, time.perf_counter() - began)

        return timed


def medians(summary: Summary, commands: set[str] | None = None) -> dict[str, tuple[int, float]]:
    """Each step's sample count and median (ms) over the given commands (all when None)."""
    pooled: dict[str, list[float]] = defaultdict(list)
    for command, steps in summary.items():
        if command not in (GC, FIRST, CPU) and (commands is None or command in commands):
            for step, values in steps.items():
                pooled[step].extend(values)
    return {step: (len(v), statistics.median(v)) for step, v in pooled.items() if v}


def late_starts(summary: Summary) -> str:
    """The tail of ``reach`` over every command: a callback that starts late cannot answer in
    time whatever it does then; one that starts early and answers late waited inside."""
    reach = sorted(v for command, steps in summary.items() for v in steps.get("reach", []))
    if not reach:
        return "no samples"
    over = {limit: sum(1 for v in reach if v > limit * 1000) for limit in (1, 2, 3)}
    p99 = reach[min(len(reach) - 1, int(len(reach) * 0.99))]
    return f"n={len(reach)} p99 {p99:.1f} ms max {reach[-1]:.0f} ms, " + ", ".join(
        f"over {limit} s: {n}" for limit, n in over.items()
    )


def first_responses(summary: Summary, step: str = SENT) -> str:
    """How long after Discord made them the bot read its interactions (``READ``) or sent their
    first responses (``SENT``), and how many of them over 2 and 3 s: one read late was delivered
    late (by the fake); one read in time and sent late was late in the bot."""
    samples = sorted(summary.get(FIRST, {}).get(step, []))
    if not samples:
        return "no samples"
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    over = {limit: sum(1 for v in samples if v > limit * 1000) for limit in (2, 3)}
    return f"n={len(samples)} p99 {p99:.1f} ms max {samples[-1]:.0f} ms, " + ", ".join(
        f"over {limit} s: {n}" for limit, n in over.items()
    )


def pure_cpu(summary: Summary, interactions: int) -> str:
    """The CPU of the bot's pure work, per interaction (ms), by part."""
    spent = summary.get(CPU, {})
    if not spent or not interactions:
        return "no samples"
    parts = {part: 1000 * values[0] / interactions for part, values in spent.items() if values}
    shown = ", ".join(f"{part} {ms:.3f}" for part, ms in parts.items())
    return f"{shown}; in all {sum(parts.values()):.3f}"


def collector_pauses(summary: Summary) -> str:
    """The garbage collector's pauses: per generation, how many, their median and longest (ms)."""
    pauses = summary.get(GC, {})
    return ", ".join(
        f"{generation} n={len(v)} median {statistics.median(v):.2f} max {max(v):.2f}"
        for generation, v in sorted(pauses.items())
        if v
    )

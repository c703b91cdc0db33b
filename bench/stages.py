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
``gen2``): every answer waiting at that moment waits for it.
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
        from discord import gateway, interactions, state
        from discord.app_commands import commands

        stages = self

        received = gateway.DiscordWebSocket.received_message

        async def received_message(self: Any, msg: Any, /) -> None:
            stages._frame_at = time.perf_counter()
            await received(self, msg)

        parse = state.ConnectionState.parse_interaction_create

        def parse_interaction_create(self: Any, data: Any) -> None:
            if data.get("type") == 2:  # slash commands (what the callback timer pops)
                stages._dispatched[int(data["id"])] = stages._frame_at
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

        gateway.DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]
        state.ConnectionState.parse_interaction_create = parse_interaction_create  # type: ignore[method-assign]
        commands.Command._invoke_with_namespace = invoke_with_namespace  # type: ignore[method-assign]
        interactions.InteractionResponse.send_message = send_message  # type: ignore[method-assign]

    def _install_castle(self) -> None:
        from db import postgres, sessions, store

        sessions.play = self._timed(sessions.play, "decide")
        sessions.SessionService.run_session = self._timed_async(
            sessions.SessionService.run_session, "service"
        )
        store.SqliteStore.commit = self._timed_async(store.SqliteStore.commit, "commit")
        postgres.PostgresStore.commit = self._timed_async(postgres.PostgresStore.commit, "commit")

    def _timed(self, function: Callable[..., Any], step: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._add(step, time.perf_counter() - began)

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
        if command != GC and (commands is None or command in commands):
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


def collector_pauses(summary: Summary) -> str:
    """The garbage collector's pauses: per generation, how many, their median and longest (ms)."""
    pauses = summary.get(GC, {})
    return ", ".join(
        f"{generation} n={len(v)} median {statistics.median(v):.2f} max {max(v):.2f}"
        for generation, v in sorted(pauses.items())
        if v
    )

"""The bot's pulse: how late the event loop runs a timer, the measure of how busy it is.

A loop that is behind makes every await of a command wait in line again (the database's answer,
each request to Discord), so a command that starts on time can still miss Discord's 3-second
deadline. While the pulse is slow, slash commands are answered "thinking…" first (see
``cogs.common.hurry``).

The beat is a plain timer callback, four a second: an idle bot wakes for it only that often
(at twenty a second, with a task sleeping between beats, the pulse was an idle bot's whole CPU,
about 5 ms a second). A loop held up for longer than a beat is read as soon as it runs again,
however long the beat: the overdue timer runs in its first pass."""

from __future__ import annotations

import asyncio

BEAT = 0.25  # seconds between beats


class Pulse:
    """The latest lateness of a timer set ``BEAT`` ahead (seconds)."""

    def __init__(self) -> None:
        self.lag = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._due = 0.0

    def start(self) -> None:
        if self._timer is None:
            self._next(asyncio.get_running_loop())

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _next(self, loop: asyncio.AbstractEventLoop) -> None:
        self._due = loop.time() + BEAT
        self._timer = loop.call_at(self._due, self._beat, loop)

    def _beat(self, loop: asyncio.AbstractEventLoop) -> None:
        self.lag = max(0.0, loop.time() - self._due)
        self._next(loop)

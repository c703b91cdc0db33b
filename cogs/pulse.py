"""The bot's pulse: how late the event loop runs a timer, the measure of how busy it is.

A loop that is behind makes every await of a command wait in line again (the database's answer,
each request to Discord), so a command that starts on time can still miss Discord's 3-second
deadline. While the pulse is slow, or a crowd of commands is waiting for its first responses,
slash commands are answered "thinking…" first (see ``cogs.common.hurry``).

The beat is a plain timer callback, four a second: an idle bot wakes for it only that often
(at twenty a second, with a task sleeping between beats, the pulse was an idle bot's whole CPU,
about 5 ms a second). A loop held up for longer than a beat is read as soon as it runs again,
however long the beat: the overdue timer runs in its first pass."""

from __future__ import annotations

import asyncio

BEAT = 0.25  # seconds between beats
# Slash commands started on time and not answered yet, beyond which the next one is answered
# "thinking…" at once: a crowd (a burst of tables starting together, say) is a line that every
# command waits in, and a timer set for its rescue waits in it too, behind the whole burst.
CROWD = 50


class Pulse:
    """The latest lateness of a timer set ``BEAT`` ahead (seconds), and how many slash commands
    are waiting for their first response (``cogs.common`` counts them)."""

    def __init__(self) -> None:
        self.lag = 0.0
        self.waiting = 0
        self.crowd = CROWD
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

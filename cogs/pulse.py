"""The bot's pulse: how late the event loop runs a timer, the measure of how busy it is.

A loop that is behind makes every await of a command wait in line again (the database's answer,
each request to Discord), so a command that starts on time can still miss Discord's 3-second
deadline. While the pulse is slow, slash commands are answered "thinking…" first (see
``cogs.common.hurry``)."""

from __future__ import annotations

import asyncio
import contextlib

BEAT = 0.05  # seconds between beats: 20 wakeups a second, a few microseconds each


class Pulse:
    """The latest lateness of a timer set ``BEAT`` ahead (seconds), kept by a task of its own."""

    def __init__(self) -> None:
        self.lag = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._beat(), name="pulse")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _beat(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + BEAT
            await asyncio.sleep(BEAT)
            self.lag = max(0.0, loop.time() - due)

"""What the bot's chart process runs. This module imports nothing heavy: the bot's process only
names ``draw`` (pickled by reference); matplotlib is imported inside the chart process, never in
the bot's, where its import alone would hold the event loop for about half a second."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenes.engine.recap import Course


def draw(course: Course) -> bytes:
    """The recap chart as PNG bytes (cogs.chart), drawn in the process that calls this."""
    from cogs.chart import chart_png

    return chart_png(course)

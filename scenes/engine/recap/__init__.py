"""The recap of a session, built from its state and its log: a short story, then the facts.
Reading, the story, the facts and the chart's numbers each live in a module of their own."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scenes.engine.recap.facts import (
    BEST_LINES_RULE,
    beats,
    best_lines,
    character_line,
    key_moments,
    table,
)
from scenes.engine.recap.reading import Logged, read
from scenes.engine.recap.tracks import Course, Track, course, describe
from scenes.engine.registry import find_scene
from scenes.engine.state import SessionState

__all__ = [
    "BEST_LINES_RULE",
    "Course",
    "RecapPage",
    "Track",
    "course",
    "describe",
    "read",
    "recap_pages",
]


class RecapPage(BaseModel):
    """One titled section of a recap, as paragraphs (the bot splits them to fit Discord).

    ``listed`` pages hold short items shown one per line rather than as paragraphs.
    """

    model_config = ConfigDict(frozen=True)

    title: str
    paragraphs: tuple[str, ...]
    listed: bool = False


def recap_pages(state: SessionState, log: Sequence[Logged], final: bool) -> list[RecapPage]:
    """The recap's sections: the story first, then the ending, the beats reached, the key
    moments, the best lines, the characters, and the table (GM, rounds, duration)."""
    rules = find_scene(state.scene)
    scene = rules.data
    reader = read(state, log)
    night = reader.night
    title = f"{scene.name} — {'the recap' if final else 'the story so far'}"
    story = rules.story(state, reader)
    pages = [RecapPage(title=title, paragraphs=story)]
    if state.ending is not None:
        ending = state.ending
        pages.append(
            RecapPage(
                title=f"Ending: {scene.ending(ending.key).title}" + ("" if final else " (so far)"),
                paragraphs=(rules.facets_line(ending),),
            )
        )
    pages.append(RecapPage(title="Beats reached", paragraphs=beats(night), listed=True))
    moments_ = key_moments(reader)
    if moments_:
        pages.append(RecapPage(title="Key moments", paragraphs=tuple(moments_), listed=True))
    lines = best_lines(state, night, "\n".join(story))
    if lines:
        pages.append(
            RecapPage(title="Best lines", paragraphs=(f"*{BEST_LINES_RULE}*", *lines), listed=True)
        )
    pages.append(
        RecapPage(
            title="The characters",
            paragraphs=tuple(character_line(state, scene, night, c.key) for c in state.characters),
            listed=True,
        )
    )
    pages.append(RecapPage(title="The table", paragraphs=table(state, night, log), listed=True))
    return pages

"""The recap reads a defender's answer to a siege event as a key moment, never as a deed of the
pair's story (the ladders' "yield" is not the scrolls yielded)."""

from __future__ import annotations

from scenes.castle import siege
from scenes.castle.siege_book import book
from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.recap import recap_pages
from scenes.engine.state import Decision
from tests.recap.chronicle import Chronicle


def test_the_ladders_yielded_are_not_told_as_the_scrolls_yielded() -> None:
    table = Chronicle(defenders=1)
    table.seat("sakura", "defender_1")
    table.begin(["defender_1", "sakura"])
    world = castle(table.state)
    ladders = book().event("ladders")
    decision = Decision(
        kind=siege.kind_of(ladders),
        decider="defender_1",
        subject="ladders",
        options=ladders.options,
        waits=False,
        on_turn=True,
    )
    waiting = world.siege.model_copy(update={"event": "ladders"})
    table.state = table.state.model_copy(
        update={
            "world": world.model_copy(update={"siege": waiting}),
            "decisions": (decision,),
        }
    )
    table.do("defender_1", c.Choose(option="yield"))
    pages = recap_pages(table.state, table.log, final=False)
    text = " ".join(p for page in pages for p in page.paragraphs)
    assert "chooses yield" in text  # the key moment
    for told in ("let the scrolls go", "gave way on the scrolls", "yielded"):
        assert told not in text

"""The recap of the mercy between two players: the held one's plea is told before the holder's
answer, a grip let go at the mercy is never told as the held one's own escape, and a grip
broken by a won struggle is."""

from __future__ import annotations

from scenes.castle.story import prose
from scenes.engine import commands as c
from tests.recap.endings import breach
from tests.recap.test_recap_endings import FILL, STORY, pages_of, tells, text


def where(variants: tuple[str, ...], story: str, **fields: str) -> int:
    """Where ``story`` first tells one of ``variants`` (as ``tells`` reads them), or -1."""
    found = []
    for variant in variants:
        head = variant.split("{coda}")[0].split("{weather}")[0]
        try:
            said = head.format(**{**FILL, **fields}).lower()
        except KeyError:
            continue
        if said in story.lower():
            found.append(story.lower().find(said))
    return min(found, default=-1)


def gripped():
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    return table


def test_her_plea_comes_before_his_refused_strike_and_she_is_not_told_as_breaking_free() -> None:
    table = gripped()
    table.do("sakura", c.Choose(option="plead"))
    table.do("gm", c.Set(character="sasuke", field="resolve", value=-3))
    table.do("sasuke", c.Choose(option="strike"), faces=[10])
    table.do("sasuke", c.Choose(option="withdraw"))
    story = text(pages_of(table)[STORY])
    deeds = prose().deeds
    at_plea = where(deeds["choice:plead"], story, who="Sakura")
    at_refusal = where(deeds["mercy:refused"], story, who="Sasuke", whom="Sakura")
    assert 0 <= at_plea < at_refusal
    assert not tells(deeds["freed"], story, who="Sakura")


def test_a_struggle_won_is_told_as_her_breaking_free() -> None:
    table = gripped()
    table.do("sakura", c.Choose(option="struggle"), faces=[15, 5])
    table.do("gm", c.End(reason="the storm passes"))
    story = text(pages_of(table)[STORY])
    assert tells(prose().deeds["freed"], story, who="Sakura")

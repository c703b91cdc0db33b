"""Each ending reached by a short scripted play (as tests/engine/test_rules_endings.py), logged."""

from __future__ import annotations

from collections.abc import Callable

from scenes.engine import commands as c
from tests.recap.chronicle import Chronicle


def breach(defender: bool = False, seed: int = 7) -> Chronicle:
    """He bursts in; both hold to duty; her turn, ambush ready (the defender last, if seated)."""
    table = Chronicle(defenders=1, seed=seed)
    table.without_siege_events()  # the press alone decides the wall here
    table.seat("sakura", "sasuke", *(["defender_1"] if defender else []))
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    return table


def sakura_downs_sasuke() -> Chronicle:
    """Her ambush dagger takes his last 3 vitality: the mercy is hers (her resolve +1)."""
    table = breach()
    table.do("sasuke", c.Say(text="You always did stand between me and what I came for."))
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[15, 2, 1])
    return table


def carried_off() -> Chronicle:
    table = breach()
    table.do("sakura", c.Defend())
    table.do("sasuke", c.Interact(object="scrolls", how="take"), faces=[18, 3])
    table.do("sakura", c.Defend())
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    return table


def captive() -> Chronicle:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="bind"))
    return table


def blood() -> Chronicle:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="strike"), faces=[12])
    return table


def guardian_falls() -> Chronicle:
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="strike"), faces=[12])
    return table


def spent_intruder() -> Chronicle:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="strike"), faces=[9])
    return table


def ashes() -> Chronicle:
    table = breach(defender=True)
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("sakura", c.Move(to="east_hall"))
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    return table


def north_wing_falls() -> Chronicle:
    table = breach(defender=True)
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("sakura", c.Defend())
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    return table


def rain_without_end() -> Chronicle:
    table = breach(defender=True)
    table.do("sakura", c.Defend())
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    return table


ENDINGS: dict[str, Callable[[], Chronicle]] = {
    "rain_without_end": rain_without_end,
    "scrolls_carried_off": carried_off,
    "the_captive": captive,
    "blood_on_the_stone": blood,
    "the_guardian_falls": guardian_falls,
    "ashes_of_the_archive": ashes,
    "the_north_wing_falls": north_wing_falls,
    "the_spent_intruder": spent_intruder,
}


def ended(key: str) -> Chronicle:
    """The session scripted to ``key``'s ending, then closed by the GM."""
    table = ENDINGS[key]()
    assert table.state.ending is not None and table.state.ending.key == key
    table.do("gm", c.End(reason="the storm passes"))
    return table

"""The ending told by the path that led there: how the last mercy went, how the intruder left,
Sakura standing or down, the wall held or fallen; never what did not happen. And the check that
reads the path from the events and holds the ending's facets and lines to it."""

from __future__ import annotations

from scenes.castle.consistency import PathWatch
from scenes.castle.endings import ending_moments
from scenes.castle.rules import CASTLE
from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.state import Ending
from tests.engine.table import of_kind
from tests.engine.test_rules_mercy import sasuke_grips_sakura


def ending(key: str, **facets: str) -> Ending:
    base = {
        "scrolls": "kept",
        "sakura": "standing",
        "sasuke": "gone",
        "north_wing": "held",
        "mercy": "none",
        "departure": "none",
    }
    return Ending(key=key, facets=tuple({**base, **facets}.items()))


def told(events: list[ev.Event]) -> list[str]:
    after = next(i for i, e in enumerate(events) if isinstance(e, ev.EndingReached))
    return [e.moment for e in events[after:] if isinstance(e, ev.Narrated)]


# --- The moments chosen by the path --------------------------------------------------------


def test_the_one_shot_ending_is_told_in_its_own_lines_only_on_its_line() -> None:
    on_line = ending("rain_without_end", mercy="he spared her", departure="withdrew")
    assert ending_moments(on_line) == ["path_he_spared", "ending_rain_without_end"]
    no_mercy = ending("rain_without_end", departure="fled")
    assert ending_moments(no_mercy) == ["path_rain_without_end"]
    she_is_down = ending("rain_without_end", mercy="his heart refused", sakura="down")
    assert ending_moments(she_is_down) == [
        "path_his_heart_refused",
        "path_rain_without_end",
        "path_sakura_down",
    ]


def test_every_ending_where_the_wall_fell_says_so() -> None:
    for key in ("the_captive", "blood_on_the_stone", "scrolls_carried_off", "the_guardian_falls"):
        assert ending_moments(ending(key, north_wing="fallen"))[-1] == "path_wall_fell", key
    assert "path_wall_fell" not in ending_moments(ending("the_captive"))
    wall = ending_moments(ending("the_north_wing_falls", north_wing="fallen"))
    assert wall == ["ending_the_north_wing_falls"]  # its own lines tell it


def test_a_strike_or_a_bind_the_ending_itself_tells_is_not_told_twice() -> None:
    assert ending_moments(ending("the_guardian_falls", mercy="he struck her down")) == [
        "ending_the_guardian_falls"
    ]
    assert ending_moments(ending("the_captive", mercy="she bound him")) == ["ending_the_captive"]


def test_the_facets_line_shows_the_state_and_leaves_the_path_to_the_telling() -> None:
    line = CASTLE.facets_line(ending("rain_without_end", mercy="he spared her"))
    assert line == "Scrolls **kept** · Sakura **standing** · Sasuke **gone** · North wing **held**"


# --- Played ----------------------------------------------------------------------------------


def test_he_spares_her_then_withdraws_the_one_shots_own_ending() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="spare"))
    events = table.do("sasuke", c.Choose(option="withdraw"))
    reached = table.state.ending
    assert reached is not None and reached.key == "rain_without_end"
    assert (reached.facet("mercy"), reached.facet("departure")) == ("he spared her", "withdrew")
    assert told(events) == ["path_he_spared", "ending_rain_without_end"]


def test_his_heart_refuses_and_the_ending_says_so_never_that_he_spared_her() -> None:
    table = sasuke_grips_sakura()
    table.do("gm", c.Set(character="sasuke", field="resolve", value=-3))
    table.do("sasuke", c.Choose(option="strike"), faces=[10])
    events = table.do("sasuke", c.Choose(option="withdraw"))
    assert table.state.ending is not None
    assert table.state.ending.facet("mercy") == "his heart refused"
    moments = told(events)
    assert "path_his_heart_refused" in moments and "path_he_spared" not in moments


def test_fleeing_wounded_is_told_as_such() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="spare"))
    table.do("gm", c.Skip())  # the standoff: he holds, and the turn goes on
    table.do("gm", c.Set(character="sasuke", field="vitality", value=10))
    while table.state.turn != "sasuke":
        table.do("gm", c.Skip())
    events = table.do("sasuke", c.Jutsu(name="body_flicker"))
    assert table.state.ending is not None
    assert table.state.ending.facet("departure") == "fled wounded"
    assert "path_fled_wounded" in told(events)
    assert of_kind(events, "ending_reached")


# --- The check holds the ending to the path played ----------------------------------------------


def test_the_path_check_sees_a_telling_against_the_path() -> None:
    table = sasuke_grips_sakura()
    state = table.state
    watch = PathWatch()
    wrong_mercy = ending("rain_without_end", mercy="he spared her", departure="withdrew")
    lines = [
        ev.EndingReached(ending=wrong_mercy, title="x"),
        ev.Narrated(text="…", moment="path_he_spared"),
        ev.Narrated(text="…", moment="ending_rain_without_end"),
        ev.Narrated(text="…", moment="path_wall_fell"),
    ]
    assert watch.read(lines, state) == [
        "the ending's path is not the path played",
        "the ending tells of a fallen wall that held",
        "the ending's telling of the mercy (he spared her) is not the path played",
        "the one-shot's own ending told off its path",
    ]

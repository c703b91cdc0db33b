"""The one-shot's own line, played with scripted rolls from the knock to its ending."""

from __future__ import annotations

from scenes.castle.world import Door, ScrollsAt, castle
from scenes.engine import commands as c
from scenes.engine.state import Condition, Fate, Status
from tests.engine.table import Table, of_kind


def test_the_one_shot_plays_through_to_rain_without_end() -> None:
    table = Table(defenders=1)
    table.without_siege_events()
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    assert table.state.beat == 1 and table.state.turn == "sasuke"

    # The door bursts; she knows him and freezes, he does not.
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[5, 15])
    assert castle(table.state).door is Door.BROKEN and table.state.beat == 2
    assert [e.success for e in of_kind(events, "first_sight")] == [False, True]
    assert table.ch("sakura").has(Condition.HESITATING)
    assert table.ch("sakura").marked("ambush")

    # Her dagger, ambush and hesitation cancelling out, comes to nothing: the clash begins.
    events = table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[3])
    assert table.rolls(events)[0].startswith("Dagger from the obi: 1d20 (3) + 5 = 8 vs evasion 14")
    assert table.state.beat == 3
    assert not table.ch("sakura").has(Condition.HESITATING)

    # The north wing braces; the army's first push is blunted.
    table.do("defender_1", c.Jutsu(name="hold_the_line"), faces=[3])
    assert castle(table.state).siege.integrity == 8 and table.state.round == 2

    # She slips his chidori; her rain of tags and blades finds him.
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[4])
    assert table.ch("sasuke").chakra == 19 and table.ch("sakura").vitality == 30
    table.do("sakura", c.Jutsu(name="rain_of_tags"), faces=[12, 3, 4])
    assert table.ch("sasuke").vitality == 25
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[10, 2])
    assert castle(table.state).siege.integrity == 7

    # He takes her by the throat: the mercy is his, and stays open while she chokes.
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 10])
    sakura = table.ch("sakura")
    assert sakura.has(Condition.CHOKING) and sakura.held_by == "sasuke"
    assert table.state.beat == 4
    mercy, held = table.state.decisions
    assert (mercy.decider, mercy.kind, mercy.waits) == ("sasuke", "mercy", False)

    # Her turn in his grip is her own choice: she does not fight him; she pleads.
    assert table.state.turn == "sakura" and (held.decider, held.kind) == ("sakura", "held")
    table.do("sakura", c.Choose(option="plead"))
    assert table.ch("sasuke").resolve == -1 and table.ch("sasuke").marked("softened")
    assert table.state.turn == "defender_1"

    # He means to strike and cannot: the hand will not come down (1d20 (5) - 2 vs DC 14).
    events = table.do("sasuke", c.Choose(option="strike"), faces=[5])
    assert [e.result for e in of_kind(events, "decision_made")] == ["his heart refused"]
    assert [e.moment for e in of_kind(events, "narrated")][:1] == ["mercy_heart_fails"]
    assert "mercy_spare" not in [e.moment for e in of_kind(events, "narrated")]
    assert not table.ch("sakura").has(Condition.CHOKING)
    assert table.ch("sakura").fate is Fate.PRESENT
    assert table.state.beat == 5
    assert table.state.decisions[0].kind == "standoff"

    # At the desk he lets her hand go and leaves in a whirl of leaves, without the scrolls.
    table.do("sasuke", c.Choose(option="withdraw"))
    assert table.ch("sasuke").fate is Fate.GONE
    assert castle(table.state).scrolls.at is ScrollsAt.DESK
    assert table.state.beat == 6
    ending = table.state.ending
    assert ending is not None and ending.key == "rain_without_end"
    assert (
        ending.facet("scrolls"),
        ending.facet("sakura"),
        ending.facet("sasuke"),
        ending.facet("north_wing"),
    ) == (
        "kept",
        "standing",
        "gone",
        "held",
    )

    table.do("gm", c.End(reason="the storm passes"))
    assert table.state.status is Status.ENDED
    assert table.state.ending.key == "rain_without_end"

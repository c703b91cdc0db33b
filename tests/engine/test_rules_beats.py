"""Beats: the breach and first sight, the ambush, the clash, the GM's advance, the aftermath."""

from __future__ import annotations

from scenes.castle.words import DecisionKind
from scenes.castle.world import Door, castle
from scenes.engine import commands as c
from scenes.engine.state import Condition, Fate
from tests.engine.table import Table, of_kind


def pair(order: list[str]) -> Table:
    """Sakura and Sasuke seated, no defender (so no siege)."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(order)
    return table


def breach(first_sight: tuple[int, int] = (15, 15)) -> Table:
    """He bursts in; Sakura's turn, her ambush ready."""
    table = pair(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=list(first_sight))
    return table


def she_opens_the_door(first_sight: tuple[int, int]) -> Table:
    """She opens the door herself (no ambush); he walks in; her turn again, round 2."""
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=list(first_sight))
    table.do("sasuke", c.Move(to="office"))
    assert table.state.turn == "sakura" and not table.ch("sakura").marked("ambush")
    return table


def dagger(table: Table, faces: list[int]) -> list:
    return table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=faces)


# --- The storm -----------------------------------------------------------------------------------


def test_the_scene_begins_at_the_storm() -> None:
    table = pair(["sasuke", "sakura"])
    assert table.state.beat == 1 and castle(table.state).door is Door.CLOSED
    assert not castle(table.state).met


# --- The breach and first sight -----------------------------------------------------------------


def test_the_breach_comes_when_the_door_opens() -> None:
    table = breach()
    assert table.state.beat == 2
    assert [e.beat for e in of_kind(table.events, "beat_reached")] == [1, 2]


def test_at_first_sight_each_makes_a_resolve_check_against_12() -> None:
    table = pair(["sasuke", "sakura"])
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[12, 11])
    assert [(e.seat, e.success) for e in of_kind(events, "first_sight")] == [
        ("sakura", True),
        ("sasuke", False),
    ]
    assert table.rolls(events) == [
        "Sakura holds to duty: 1d20 (12) = 12 vs DC 12 → success",
        "Sasuke holds to duty: 1d20 (11) = 11 vs DC 12 → failure",
    ]


def test_a_failed_first_sight_check_leaves_hesitating_and_shifts_resolve_to_the_heart() -> None:
    table = breach(first_sight=(15, 5))
    sasuke = table.ch("sasuke")
    assert sasuke.has(Condition.HESITATING) and sasuke.resolve == -1
    assert not table.ch("sakura").has(Condition.HESITATING) and table.ch("sakura").resolve == 0


def test_resolve_modifies_the_first_sight_check() -> None:
    table = pair(["sasuke", "sakura"])
    table.do("gm", c.Set(character="sakura", field="resolve", value=2))
    table.do("gm", c.Set(character="sasuke", field="resolve", value=-1))
    events = table.do("sasuke", c.Interact(object="door", how="open"), faces=[8, 13])
    # Sakura 8 + 4 = 12 holds; Sasuke 13 - 2 = 11 does not.
    assert [e.success for e in of_kind(events, "first_sight")] == [True, False]


def test_first_sight_happens_once() -> None:
    table = she_opens_the_door(first_sight=(15, 15))
    assert len(of_kind(table.events, "first_sight")) == 2
    table.do("gm", c.Skip())
    table.do("gm", c.Skip())
    assert len(of_kind(table.events, "first_sight")) == 2


def test_hesitation_gives_disadvantage_on_the_next_roll_only() -> None:
    table = she_opens_the_door(first_sight=(5, 15))
    assert table.ch("sakura").has(Condition.HESITATING)
    events = dagger(table, [18, 4])
    assert table.rolls(events) == [
        "Dagger from the obi: 2d20kl1 (~~18~~, 4) + 5 = 9 vs evasion 14 → miss",
    ]
    assert not table.ch("sakura").has(Condition.HESITATING)
    table.do("gm", c.Skip())
    events = dagger(table, [9, 1])
    assert table.rolls(events)[0] == "Dagger from the obi: 1d20 (9) + 5 = 14 vs evasion 14 → hit"


def test_hesitation_spoils_a_defending_roll_too_if_it_comes_first() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[5, 15])
    table.do("sasuke", c.Move(to="office"))
    table.do("gm", c.Skip())
    events = table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[8, 18, 6])
    assert "Throat grip (Sakura): 2d20kl1 (~~18~~, 6) + 5 = 11" in table.rolls(events)
    assert table.ch("sakura").has(Condition.CHOKING)
    assert not table.ch("sakura").has(Condition.HESITATING)


# --- The ambush ---------------------------------------------------------------------------------


def test_sakura_may_ambush_when_he_bursts_in() -> None:
    assert breach().ch("sakura").marked("ambush")


def test_the_ambush_gives_advantage_on_her_first_attack_only() -> None:
    table = breach()
    events = dagger(table, [3, 18, 1])
    assert table.rolls(events)[0] == (
        "Dagger from the obi: 2d20kh1 (~~3~~, 18) + 5 = 23 vs evasion 14 → hit"
    )
    assert not table.ch("sakura").marked("ambush")
    table.do("gm", c.Skip())
    events = dagger(table, [8])
    assert table.rolls(events) == ["Dagger from the obi: 1d20 (8) + 5 = 13 vs evasion 14 → miss"]


def test_the_ambush_waits_while_she_does_something_else() -> None:
    table = breach()
    table.do("sakura", c.Interact(object="scrolls", how="guard"))
    table.do("gm", c.Skip())
    assert table.ch("sakura").marked("ambush")
    events = dagger(table, [3, 18, 1])
    assert table.rolls(events)[0].startswith("Dagger from the obi: 2d20kh1")


def test_ambush_and_hesitation_cancel_out() -> None:
    table = breach(first_sight=(5, 15))
    events = dagger(table, [3])
    assert table.rolls(events)[0].startswith("Dagger from the obi: 1d20 (3) + 5")


def test_there_is_no_ambush_when_she_opens_the_door_herself() -> None:
    table = she_opens_the_door(first_sight=(15, 15))
    events = dagger(table, [8])
    assert table.rolls(events)[0].startswith("Dagger from the obi: 1d20 (8)")


# --- The clash ----------------------------------------------------------------------------------


def test_the_first_attack_brings_the_clash_even_when_it_misses() -> None:
    table = breach()
    assert table.state.beat == 2
    dagger(table, [2, 3])
    assert table.state.beat == 3


def test_defending_does_not_bring_the_clash() -> None:
    table = breach()
    table.do("sakura", c.Defend())
    assert table.state.beat == 2


def test_his_throat_grip_brings_the_clash_before_the_mercy() -> None:
    table = breach()
    table.do("gm", c.Skip())
    events = table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    assert [e.beat for e in of_kind(events, "beat_reached")] == [3, 4]


# --- The GM's advance ---------------------------------------------------------------------------


def test_gm_advance_to_the_breach_bursts_the_door_and_brings_him_in() -> None:
    table = pair(["sakura", "sasuke"])
    events = table.do("gm", c.Advance(), faces=[15, 15])
    assert [(e.beat, e.by_gm) for e in of_kind(events, "beat_reached")] == [(2, True)]
    assert castle(table.state).door is Door.BROKEN and table.ch("sasuke").place == "office"
    assert len(of_kind(events, "first_sight")) == 2
    assert table.ch("sakura").marked("ambush")


def test_gm_advance_to_the_breach_through_a_barred_door_bursts_it_too() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="bar"))
    table.do("gm", c.Advance(), faces=[15, 15])
    assert castle(table.state).door is Door.BROKEN and table.ch("sasuke").place == "office"


def test_gm_advance_to_the_clash() -> None:
    table = breach()
    table.do("gm", c.Advance())
    assert table.state.beat == 3 and not table.state.decisions


def test_gm_advance_to_the_mercy_offers_it_when_sakura_is_down() -> None:
    table = breach()
    table.do("gm", c.Set(character="sakura", field="vitality", value=0))
    table.do("gm", c.Advance())
    table.do("gm", c.Advance())
    decision = next(iter(table.state.decisions), None)
    assert table.state.beat == 4
    assert decision is not None and decision.kind == DecisionKind.MERCY
    assert (decision.decider, decision.subject) == ("sasuke", "sakura")


def test_gm_advance_to_the_mercy_offers_nothing_when_nobody_is_at_anyones_mercy() -> None:
    table = breach()
    table.do("gm", c.Advance())
    events = table.do("gm", c.Advance())
    assert table.state.beat == 4 and not table.state.decisions
    # the beat is told as the moment that passes, never as a choice that is not offered
    moments = [e.moment for e in of_kind(events, "narrated")]
    assert moments == ["mercy_withheld"]


def test_the_mercy_beat_is_told_as_a_life_in_the_others_hands_when_one_is() -> None:
    table = breach()
    table.do("gm", c.Set(character="sakura", field="vitality", value=0))
    table.do("gm", c.Advance())
    events = table.do("gm", c.Advance())
    assert [e.moment for e in of_kind(events, "narrated")] == ["beat_mercy"]
    assert of_kind(events, "decision_offered")


def test_gm_advance_to_the_scrolls_offers_him_the_standoff() -> None:
    table = breach()
    for _ in range(3):
        table.do("gm", c.Advance())
    decision = next(iter(table.state.decisions), None)
    assert table.state.beat == 5
    assert decision is not None and decision.kind == DecisionKind.STANDOFF
    assert decision.decider == "sasuke" and decision.options == ("take", "bargain", "withdraw")


def test_gm_advance_to_the_scrolls_offers_no_standoff_when_he_is_not_in_the_office() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    for _ in range(3):
        table.do("gm", c.Advance())
    assert table.state.beat == 5 and not table.state.decisions


def test_gm_advance_to_the_aftermath_computes_the_ending() -> None:
    table = breach()
    for _ in range(3):
        table.do("gm", c.Advance())
    table.do("sasuke", c.Choose(option="withdraw"))
    assert table.state.beat == 6 and table.state.ending is not None


def test_gm_advance_from_the_scrolls_to_the_aftermath() -> None:
    table = pair(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    for _ in range(4):
        table.do("gm", c.Advance())
    assert table.state.beat == 6
    assert table.state.ending is not None and table.state.ending.key == "rain_without_end"
    assert of_kind(table.events, "ending_reached")


def test_gm_advance_past_the_aftermath_is_refused() -> None:
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=0))
    for _ in range(4):
        if table.state.beat < 6:
            table.do("gm", c.Advance())
    assert table.state.beat == 6
    assert "last beat" in table.refused("gm", c.Advance())


def test_gm_advance_in_the_lobby_is_refused() -> None:
    table = Table()
    assert "Begin the scene first" in table.refused("gm", c.Advance())


# --- The aftermath ------------------------------------------------------------------------------


def test_the_aftermath_comes_when_he_leaves_by_body_flicker() -> None:
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    assert table.state.beat == 6 and table.ch("sasuke").fate is Fate.GONE


def test_the_aftermath_comes_when_he_is_down() -> None:
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    dagger(table, [15, 2, 1])
    assert table.state.decisions and table.state.beat == 4
    table.do("sakura", c.Choose(option="spare"))
    assert table.state.beat == 6 and table.ch("sasuke").down


def test_the_aftermath_comes_when_he_is_captured() -> None:
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    dagger(table, [15, 2, 1])
    table.do("sakura", c.Choose(option="bind"))
    assert table.state.beat == 6 and table.ch("sasuke").fate is Fate.CAPTURED


def test_the_aftermath_comes_when_he_is_dead() -> None:
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    dagger(table, [15, 2, 1])
    table.do("sakura", c.Choose(option="strike"), faces=[15])
    assert table.state.beat == 6 and table.ch("sasuke").fate is Fate.DEAD


def test_the_aftermath_comes_when_sakura_is_dead() -> None:
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="strike"), faces=[15])
    assert table.state.beat == 6 and table.ch("sakura").fate is Fate.DEAD


def test_sakura_down_and_spared_is_not_the_aftermath() -> None:
    table = breach()
    table.do("gm", c.Skip())
    table.do("gm", c.Set(character="sakura", field="vitality", value=5))
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[10, 1, 1, 1])
    table.do("sasuke", c.Choose(option="spare"))
    assert table.state.beat == 5 and table.ch("sakura").down
    assert table.state.ending is None


def test_the_aftermath_names_its_ending_in_narration() -> None:
    table = breach()
    table.do("gm", c.Skip())
    events = table.do("sasuke", c.Jutsu(name="body_flicker"))
    moments = [e.moment for e in of_kind(events, "narrated")]
    assert "beat_aftermath" in moments and "ending_rain_without_end" in moments

"""The mercy: offered when one of the two is down or choking at the other's hand; strike, spare
or bind, with the heart check that may turn a strike into a spare."""

from __future__ import annotations

from scenes.castle.words import DecisionKind
from scenes.engine import commands as c
from scenes.engine.state import Condition, Fate
from tests.engine.table import Table, of_kind


def breach() -> Table:
    """Sakura and Sasuke seated, no defender; he bursts in, both hold; her turn, ambush ready."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    return table


def sasuke_grips_sakura() -> Table:
    """His throat grip wins: she chokes in his hand (his resolve still 0)."""
    table = breach()
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    return table


def sasuke_downs_sakura() -> Table:
    """His chidori takes her last 5 vitality (his resolve unmoved: blows never move it)."""
    table = breach()
    table.do("gm", c.Skip())
    table.do("gm", c.Set(character="sakura", field="vitality", value=5))
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[10, 1, 1, 1])
    assert table.ch("sakura").vitality == 0
    return table


def sakura_downs_sasuke() -> Table:
    """Her ambush dagger takes his last 3 vitality (her resolve unmoved)."""
    table = breach()
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[15, 2, 1])
    assert table.ch("sasuke").vitality == 0
    return table


# --- When it is offered -------------------------------------------------------------------------


def test_the_mercy_is_offered_when_sakura_chokes_in_his_grip() -> None:
    table = sasuke_grips_sakura()
    decision = next(iter(table.state.decisions), None)
    assert decision is not None and decision.kind == DecisionKind.MERCY
    assert (decision.decider, decision.subject) == ("sasuke", "sakura")
    assert decision.options == ("strike", "spare", "bind")
    assert table.state.beat == 4


def test_the_mercy_is_offered_when_sakura_is_down_at_his_hand() -> None:
    table = sasuke_downs_sakura()
    decision = next(iter(table.state.decisions), None)
    assert decision is not None and (decision.decider, decision.subject) == ("sasuke", "sakura")


def test_the_mercy_is_offered_when_sasuke_is_down_at_her_hand() -> None:
    table = sakura_downs_sasuke()
    decision = next(iter(table.state.decisions), None)
    assert decision is not None and (decision.decider, decision.subject) == ("sakura", "sasuke")
    assert table.state.beat == 4


def test_the_mercy_is_not_offered_for_a_defender_in_his_grip() -> None:
    table = Table(defenders=1)
    table.seat("sasuke", "defender_1")
    table.begin(["sasuke", "defender_1"])
    table.do("sasuke", c.Move(to="grand_hall"))
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Move(to="north_wing"))
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Jutsu(name="throat_grip", target="defender_1"), faces=[15, 2])
    assert table.ch("defender_1").has(Condition.CHOKING)
    assert not table.state.decisions and table.state.turn == "defender_1"


# --- Who chooses, and what waits ----------------------------------------------------------------


def test_only_the_decider_may_choose() -> None:
    table = sasuke_grips_sakura()
    assert "Sasuke's to make" in table.refused("sakura", c.Choose(option="spare"))


def test_an_option_not_offered_is_refused_listing_the_options() -> None:
    table = sasuke_grips_sakura()
    message = table.refused("sasuke", c.Choose(option="kiss"))
    assert "strike, spare, bind" in message


def test_turn_commands_wait_for_the_choice() -> None:
    table = sasuke_grips_sakura()
    assert "waits on Sasuke's choice (mercy)" in table.refused("sakura", c.Defend())
    assert "Answer your choice (mercy) first" in table.refused("sasuke", c.Defend())


def test_free_commands_still_work_while_the_choice_waits() -> None:
    table = sasuke_grips_sakura()
    table.do("sakura", c.Say(text="Do it, then."))
    assert table.state.decisions


def test_choosing_with_nothing_waiting_is_refused() -> None:
    table = breach()
    assert "Nothing is waiting" in table.refused("sakura", c.Choose(option="spare"))


def test_a_choice_made_is_taken_off_the_table() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="spare"))
    assert "Nothing is waiting" in table.refused("sakura", c.Choose(option="spare"))


# --- Strike -------------------------------------------------------------------------------------


def test_a_strike_with_the_heart_check_passing_kills() -> None:
    table = sasuke_grips_sakura()
    events = table.do("sasuke", c.Choose(option="strike"), faces=[12])
    assert table.rolls(events)[0] == "Sasuke steels the heart: 1d20 (12) = 12 vs DC 12 → success"
    assert [e.result for e in of_kind(events, "decision_made")] == ["struck"]
    sakura = table.ch("sakura")
    assert sakura.fate is Fate.DEAD and sakura.vitality == 0


def test_a_strike_with_the_heart_check_failing_becomes_a_spare() -> None:
    table = sasuke_grips_sakura()
    events = table.do("sasuke", c.Choose(option="strike"), faces=[11])
    assert [e.result for e in of_kind(events, "decision_made")] == ["spared"]
    assert "mercy_heart_fails" in [e.moment for e in of_kind(events, "narrated")]
    sakura = table.ch("sakura")
    assert sakura.fate is Fate.PRESENT and not sakura.has(Condition.CHOKING)
    assert sakura.vitality == 30


def test_resolve_modifies_the_heart_check() -> None:
    table = sasuke_downs_sakura()
    table.do("gm", c.Set(character="sasuke", field="resolve", value=1))
    # Resolve +1 toward duty: 10 + 2 = 12 steels the heart.
    table.do("sasuke", c.Choose(option="strike"), faces=[10])
    assert table.ch("sakura").fate is Fate.DEAD


def test_a_heart_bent_to_love_cannot_strike() -> None:
    table = sasuke_grips_sakura()
    table.do("gm", c.Set(character="sasuke", field="resolve", value=-3))
    events = table.do("sasuke", c.Choose(option="strike"), faces=[17])
    assert (
        table.rolls(events)[0] == "Sasuke steels the heart: 1d20 (17) - 6 = 11 vs DC 12 → failure"
    )
    assert table.ch("sakura").fate is Fate.PRESENT


def test_a_strike_shifts_the_strikers_resolve_to_duty() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="strike"), faces=[15])
    assert table.ch("sasuke").resolve == 1


def test_her_strike_kills_him() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="strike"), faces=[12])
    assert table.ch("sasuke").fate is Fate.DEAD


# --- Spare --------------------------------------------------------------------------------------


def test_sparing_releases_the_grip() -> None:
    table = sasuke_grips_sakura()
    events = table.do("sasuke", c.Choose(option="spare"))
    sakura = table.ch("sakura")
    assert not sakura.has(Condition.CHOKING) and not sakura.has(Condition.RESTRAINED)
    assert sakura.held_by is None
    assert [e.result for e in of_kind(events, "decision_made")] == ["spared"]


def test_sparing_shifts_the_spares_resolve_to_the_heart() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="spare"))
    assert table.ch("sasuke").resolve == -1


def test_a_spared_sasuke_stays_down() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="spare"))
    sasuke = table.ch("sasuke")
    assert sasuke.down and sasuke.fate is Fate.PRESENT
    assert table.ch("sakura").resolve == -1  # sparing moves her toward the heart


# --- Bind ---------------------------------------------------------------------------------------


def test_binding_sasuke_captures_him() -> None:
    table = sakura_downs_sasuke()
    events = table.do("sakura", c.Choose(option="bind"))
    sasuke = table.ch("sasuke")
    assert sasuke.fate is Fate.CAPTURED and sasuke.has(Condition.RESTRAINED)
    assert [e.result for e in of_kind(events, "decision_made")] == ["bound"]


def test_binding_sakura_leaves_her_restrained_but_breathing() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="bind"))
    sakura = table.ch("sakura")
    assert sakura.has(Condition.RESTRAINED) and not sakura.has(Condition.CHOKING)
    assert sakura.held_by == "sasuke" and sakura.fate is Fate.PRESENT


# --- The GM's skip ------------------------------------------------------------------------------


def test_gm_skip_resolves_the_mercy_as_a_spare() -> None:
    table = sasuke_grips_sakura()
    events = table.do("gm", c.Skip())
    made = [(e.option, e.result) for e in of_kind(events, "decision_made")]
    assert made == [("spare", "spared")]
    assert not table.ch("sakura").has(Condition.CHOKING)
    assert table.ch("sasuke").resolve == -1


def test_gm_skip_of_her_mercy_spares_him_and_the_scene_ends() -> None:
    table = sakura_downs_sasuke()
    table.do("gm", c.Skip())
    assert table.ch("sasuke").fate is Fate.PRESENT and table.state.beat == 6


# --- What comes after ---------------------------------------------------------------------------


def test_after_the_mercy_the_turn_passes_on_from_the_one_who_acted() -> None:
    table = sasuke_grips_sakura()
    table.do("sasuke", c.Choose(option="spare"))
    table.do("gm", c.Skip())  # the standoff that follows: he holds
    assert not table.state.decisions and table.state.beat < 6
    # He gripped on his turn and let her go: the turn passes on from him, to her.
    assert table.state.turn == "sakura"


def test_sparing_him_down_brings_the_aftermath_and_the_scene_stops() -> None:
    table = sakura_downs_sasuke()
    table.do("sakura", c.Choose(option="spare"))
    assert table.state.beat == 6 and table.state.turn is None

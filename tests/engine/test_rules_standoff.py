"""The standoff at the desk, after the mercy: he may take the scrolls (opposed), bargain (she
yields or refuses), or withdraw."""

from __future__ import annotations

from scenes.castle.words import DecisionKind
from scenes.castle.world import ScrollsAt, castle
from scenes.engine import commands as c
from scenes.engine.state import Fate
from tests.engine.table import Table, of_kind


def standoff(sakura_guards_the_desk: bool = False) -> Table:
    """He bursts in, grips her, and spares her at the mercy: the standoff is his."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    if sakura_guards_the_desk:
        table.do("sakura", c.Interact(object="scrolls", how="guard"))
    else:
        table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="spare"))
    return table


def test_the_standoff_is_offered_after_the_mercy_when_he_stands_in_the_office() -> None:
    table = standoff()
    decision = next(iter(table.state.decisions), None)
    assert table.state.beat == 5
    assert decision is not None and decision.kind == DecisionKind.STANDOFF
    assert (decision.decider, decision.subject) == ("sasuke", "sakura")
    assert decision.options == ("take", "bargain", "withdraw")


def test_no_standoff_when_he_is_down() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[15, 2, 1])
    table.do("sakura", c.Choose(option="spare"))
    assert not table.state.decisions and table.state.beat == 6


def test_turn_commands_wait_for_the_standoff() -> None:
    table = standoff()
    assert "waits on Sasuke's choice (standoff)" in table.refused("sakura", c.Defend())


def test_only_he_answers_the_standoff() -> None:
    table = standoff()
    assert "Sasuke's to make" in table.refused("sakura", c.Choose(option="take"))


# --- Take ---------------------------------------------------------------------------------------


def test_taking_the_scrolls_at_the_standoff_is_opposed_by_sakura_standing_in_the_office() -> None:
    table = standoff()
    # He 5 + 4 = 9 against her 15 + 5 = 20: the scrolls stay.
    events = table.do("sasuke", c.Choose(option="take"), faces=[5, 15])
    assert [e.result for e in of_kind(events, "decision_made")] == ["kept"]
    assert castle(table.state).scrolls.at is ScrollsAt.DESK


def test_taking_the_scrolls_from_her_guard_is_opposed_and_may_be_won() -> None:
    table = standoff(sakura_guards_the_desk=True)
    events = table.do("sasuke", c.Choose(option="take"), faces=[15, 5])
    assert [e.result for e in of_kind(events, "decision_made")] == ["taken"]
    assert (
        castle(table.state).scrolls.at is ScrollsAt.CARRIED
        and castle(table.state).scrolls.holder == "sasuke"
    )


def test_taking_the_scrolls_from_her_guard_is_opposed_and_may_be_lost() -> None:
    table = standoff(sakura_guards_the_desk=True)
    events = table.do("sasuke", c.Choose(option="take"), faces=[5, 15])
    assert [e.result for e in of_kind(events, "decision_made")] == ["kept"]
    assert castle(table.state).scrolls.at is ScrollsAt.DESK
    assert not table.state.decisions and table.state.turn == "sakura"


def test_taking_the_scrolls_from_a_downed_guardian_needs_no_check() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("sakura", c.Interact(object="scrolls", how="guard"))
    table.do("gm", c.Set(character="sakura", field="vitality", value=5))
    table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[10, 1, 1, 1])
    table.do("sasuke", c.Choose(option="spare"))
    assert table.state.decisions and table.state.decisions[0].kind == DecisionKind.STANDOFF
    table.do("sasuke", c.Choose(option="take"), faces=[])
    assert castle(table.state).scrolls.holder == "sasuke"


# --- Bargain ------------------------------------------------------------------------------------


def test_bargaining_offers_sakura_to_yield_or_refuse() -> None:
    table = standoff()
    table.do("sasuke", c.Choose(option="bargain"))
    decision = next(iter(table.state.decisions), None)
    assert decision is not None and decision.kind == DecisionKind.BARGAIN
    assert (decision.decider, decision.subject) == ("sakura", "sasuke")
    assert decision.options == ("yield", "refuse")
    assert "Sakura's to make" in table.refused("sasuke", c.Choose(option="yield"))


def test_yielding_gives_him_the_scrolls_and_he_leaves() -> None:
    table = standoff()
    table.do("sasuke", c.Choose(option="bargain"))
    table.do("sakura", c.Choose(option="yield"))
    assert (
        castle(table.state).scrolls.at is ScrollsAt.CARRIED
        and castle(table.state).scrolls.holder == "sasuke"
    )
    assert table.ch("sasuke").fate is Fate.GONE
    assert table.ch("sakura").resolve == -1
    assert table.state.beat == 6


def test_refusing_keeps_the_scrolls_and_shifts_her_resolve_to_duty() -> None:
    table = standoff()
    table.do("sasuke", c.Choose(option="bargain"))
    table.do("sakura", c.Choose(option="refuse"))
    assert castle(table.state).scrolls.at is ScrollsAt.DESK
    assert table.ch("sakura").resolve == 1
    assert not table.state.decisions and table.state.turn == "sakura"


def test_gm_skip_of_the_bargain_refuses() -> None:
    table = standoff()
    table.do("sasuke", c.Choose(option="bargain"))
    events = table.do("gm", c.Skip())
    assert [e.result for e in of_kind(events, "decision_made")] == ["refused"]
    assert castle(table.state).scrolls.at is ScrollsAt.DESK


# --- Withdraw -----------------------------------------------------------------------------------


def test_withdrawing_leaves_the_scene_without_the_scrolls() -> None:
    table = standoff()
    events = table.do("sasuke", c.Choose(option="withdraw"))
    assert table.ch("sasuke").fate is Fate.GONE
    assert castle(table.state).scrolls.at is ScrollsAt.DESK
    assert "body_flicker" in [e.moment for e in of_kind(events, "narrated")]
    assert table.state.beat == 6


def test_gm_skip_of_the_standoff_holds_and_the_turn_passes() -> None:
    table = standoff()
    events = table.do("gm", c.Skip())
    assert [e.result for e in of_kind(events, "decision_made")] == ["held"]
    assert table.ch("sasuke").fate is Fate.PRESENT
    assert castle(table.state).scrolls.at is ScrollsAt.DESK
    assert not table.state.decisions and table.state.turn == "sakura"

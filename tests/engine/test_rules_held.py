"""The mercy between two players: while one chokes in the other's grip, each of the held one's
turns is a choice of their own (struggle, plead, defy), and the holder's strike, spare or bind
stays open. What the held one does, and says, moves the holder's heart check."""

from __future__ import annotations

from scenes.castle.words import DecisionKind
from scenes.engine import commands as c
from scenes.engine.state import Condition, Fate
from tests.engine.table import Table, of_kind


def sasuke_holds_sakura() -> Table:
    """He bursts in (both hold at first sight), her turn is skipped, his grip wins: her turn,
    in his hand."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip())
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    return table


def sakura_holds_sasuke() -> Table:
    """She opens the door to him (both hold at first sight), he steps in; her own grip wins:
    his turn, in her hand."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sakura", "sasuke"])
    table.do("sakura", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("sasuke", c.Move(to="office"))
    table.do("sakura", c.Jutsu(name="throat_grip", target="sasuke"), faces=[15, 2])
    return table


def choice_of(table: Table, key: str):
    return next(d for d in table.state.decisions if d.decider == key)


# --- What each of them is offered ----------------------------------------------------------


def test_her_turn_in_his_grip_offers_her_own_choice_and_his_stays_open() -> None:
    table = sasuke_holds_sakura()
    assert table.state.turn == "sakura"
    held, mercy = choice_of(table, "sakura"), choice_of(table, "sasuke")
    assert (held.kind, held.options, held.subject) == (
        DecisionKind.HELD,
        ("struggle", "plead", "defy"),
        "sasuke",
    )
    assert held.waits and held.on_turn
    assert (mercy.kind, mercy.waits) == (DecisionKind.MERCY, False)


def test_the_holder_may_answer_while_she_takes_her_turn_in_the_grip() -> None:
    table = sasuke_holds_sakura()
    table.do("sasuke", c.Choose(option="spare"))
    assert not table.ch("sakura").has(Condition.CHOKING)
    assert DecisionKind.HELD not in [d.kind for d in table.state.decisions]  # hers has passed
    table.do("sasuke", c.Choose(option="withdraw"))
    assert table.ch("sasuke").fate is Fate.GONE


# --- Struggle ------------------------------------------------------------------------------


def test_struggling_free_on_an_opposed_win_ends_the_grip_and_the_mercy() -> None:
    table = sasuke_holds_sakura()
    events = table.do("sakura", c.Choose(option="struggle"), faces=[15, 5])
    assert table.rolls(events)[0].startswith("Struggle in the grip (Sakura): 1d20 (15) + 5 = 20")
    assert [e.result for e in of_kind(events, "decision_made")] == ["broke free"]
    sakura = table.ch("sakura")
    assert not sakura.has(Condition.CHOKING) and not sakura.has(Condition.RESTRAINED)
    assert not table.state.decisions  # no life is in his hands any more
    assert "held_struggle_free" in [e.moment for e in of_kind(events, "narrated")]


def test_struggling_and_losing_leaves_her_choking_and_the_turn_passes() -> None:
    table = sasuke_holds_sakura()
    events = table.do("sakura", c.Choose(option="struggle"), faces=[2, 15, 3])
    assert [e.result for e in of_kind(events, "decision_made")] == ["held fast"]
    assert table.ch("sakura").has(Condition.CHOKING)
    # her turn is spent; the round ends and the grip takes 1d4 (3) from her
    assert table.ch("sakura").vitality == 27 and table.state.turn == "sasuke"
    assert [d.kind for d in table.state.decisions] == [DecisionKind.MERCY]


# --- Plead ---------------------------------------------------------------------------------


def test_pleading_softens_him_and_makes_his_strike_harder() -> None:
    table = sasuke_holds_sakura()
    events = table.do("sakura", c.Choose(option="plead"), faces=[1])
    assert [e.result for e in of_kind(events, "decision_made")] == ["pleaded"]
    assert table.ch("sasuke").resolve == -1  # her plea moves him toward the heart
    struck = table.do("sasuke", c.Choose(option="strike"), faces=[15])
    # 13 would have met the usual DC 12; after her plea it is 14
    assert (
        table.rolls(struck)[0] == "Sasuke steels the heart: 1d20 (15) - 2 = 13 vs DC 14 → failure"
    )
    assert [e.result for e in of_kind(struck, "decision_made")] == ["his heart refused"]
    assert table.ch("sakura").fate is Fate.PRESENT


def test_her_words_in_the_grip_soften_him_once() -> None:
    table = sasuke_holds_sakura()
    table.do("sakura", c.Say(text="Look at me."))
    table.do("sakura", c.Say(text="Look at me, please."))
    shifts = [e for e in table.events if e.kind == "resolve_shifted" and e.seat == "sasuke"]
    assert [e.why for e in shifts][-1] == "moved by Sakura's words"
    assert table.ch("sasuke").marked("softened")
    assert len([e for e in shifts if "words" in e.why]) == 1


# --- Defy ----------------------------------------------------------------------------------


def test_defying_moves_her_own_resolve_toward_duty_and_the_grip_holds() -> None:
    table = sasuke_holds_sakura()
    before = table.ch("sakura").resolve or 0
    events = table.do("sakura", c.Choose(option="defy"), faces=[1])
    assert [e.result for e in of_kind(events, "decision_made")] == ["defied"]
    assert table.ch("sakura").resolve == before + 1
    assert table.ch("sakura").has(Condition.CHOKING)
    struck = table.do("sasuke", c.Choose(option="strike"), faces=[11])
    assert "vs DC 12" in table.rolls(struck)[0]  # defiance does not soften him


# --- The heart refuses ---------------------------------------------------------------------


def test_a_strike_the_heart_refuses_is_told_once_and_titled_as_what_happened() -> None:
    table = sasuke_holds_sakura()
    table.do("gm", c.Set(character="sasuke", field="resolve", value=-2))
    events = table.do("sasuke", c.Choose(option="strike"), faces=[12])
    made = [(e.option, e.result) for e in of_kind(events, "decision_made")]
    assert made == [("strike", "his heart refused")]
    moments = [e.moment for e in of_kind(events, "narrated")]
    assert moments.count("mercy_heart_fails") == 1
    assert "mercy_spare" not in moments and "mercy_strike" not in moments
    assert not table.ch("sakura").has(Condition.CHOKING)


# --- Choking -------------------------------------------------------------------------------


def test_choked_down_in_the_grip_the_mercy_then_waits_on_him() -> None:
    table = sasuke_holds_sakura()
    table.do("gm", c.Set(character="sakura", field="vitality", value=2))
    table.do("sakura", c.Choose(option="defy"), faces=[4])  # the round's choking: 1d4 (4)
    assert table.ch("sakura").vitality == 0
    (mercy,) = table.state.decisions
    assert (mercy.kind, mercy.decider, mercy.waits) == (DecisionKind.MERCY, "sasuke", True)


def test_the_gm_skip_of_her_turn_in_the_grip_struggles() -> None:
    table = sasuke_holds_sakura()
    events = table.do("gm", c.Skip(), faces=[15, 5])
    assert [(e.option, e.result) for e in of_kind(events, "decision_made")] == [
        ("struggle", "broke free")
    ]


# --- The same, when Sakura holds Sasuke ------------------------------------------------------


def test_sakura_holding_sasuke_offers_him_his_own_choice_on_his_turn() -> None:
    table = sakura_holds_sasuke()
    assert table.ch("sasuke").has(Condition.CHOKING) and table.ch("sasuke").held_by == "sakura"
    assert table.state.turn == "sasuke"
    held, mercy = choice_of(table, "sasuke"), choice_of(table, "sakura")
    assert held.kind == DecisionKind.HELD and held.subject == "sakura"
    assert mercy.kind == DecisionKind.MERCY and not mercy.waits


def test_his_plea_softens_her_and_her_bind_captures_him() -> None:
    table = sakura_holds_sasuke()
    table.do("sasuke", c.Choose(option="plead"), faces=[1])
    assert table.ch("sakura").resolve == -1 and table.ch("sakura").marked("softened")
    events = table.do("sakura", c.Choose(option="bind"))
    assert [e.result for e in of_kind(events, "decision_made")] == ["bound"]
    assert table.ch("sasuke").fate is Fate.CAPTURED
    assert not table.ch("sakura").marked("softened")  # the grip's marks end with it


def test_her_heart_may_refuse_too_and_is_told_as_hers() -> None:
    table = sakura_holds_sasuke()
    table.do("sasuke", c.Choose(option="plead"), faces=[1])
    events = table.do("sakura", c.Choose(option="strike"), faces=[12])
    assert [e.result for e in of_kind(events, "decision_made")] == ["her heart refused"]
    assert table.ch("sasuke").fate is Fate.PRESENT

"""Several decisions pending at once, each with its own decider: /choose answers the actor's
own, a button made for another is refused, only a decision that waits holds the turns, and
states stored when one decision at most was pending read back."""

from __future__ import annotations

import json

from scenes.engine import commands as c
from scenes.engine.state import Decision, SessionState
from tests.engine.table import Table, of_kind

BARGAIN = Decision(
    kind="bargain", decider="sakura", subject="sasuke", options=("yield", "refuse"), waits=False
)
MERCY = Decision(
    kind="mercy", decider="sasuke", subject="sakura", options=("strike", "spare", "bind")
)


def two_pending(*decisions: Decision) -> Table:
    """Sakura, Sasuke and a defender in play (the defender's turn), ``decisions`` pending."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["defender_1", "sakura", "sasuke"])
    table.state = table.state.model_copy(update={"decisions": decisions})
    return table


def test_choose_answers_the_choice_whose_decider_is_the_actor() -> None:
    table = two_pending(MERCY, BARGAIN)
    events = table.do("sakura", c.Choose(option="refuse"))
    assert [(e.decider, e.option, e.of) for e in of_kind(events, "decision_made")] == [
        ("sakura", "refuse", "bargain")
    ]
    assert table.state.decisions == (MERCY,)


def test_a_member_offered_no_choice_is_refused_with_whose_it_is() -> None:
    table = two_pending(MERCY)
    message = table.refused("defender_1", c.Choose(option="spare"))
    assert message == "No choice waits on Ren 1 right now (it is Sasuke's to make)."


def test_an_option_of_another_deciders_choice_is_not_the_actors() -> None:
    table = two_pending(MERCY, BARGAIN)
    assert table.refused("sakura", c.Choose(option="strike")) == "Choose one of: yield, refuse."


def test_a_button_made_for_another_decider_is_refused() -> None:
    table = two_pending(MERCY, BARGAIN)
    message = table.refused("sakura", c.Choose(option="refuse", decider="sasuke"))
    assert message == "This choice is Sasuke's to make."


def test_only_a_decision_that_waits_holds_the_turns() -> None:
    table = two_pending(BARGAIN)
    table.do("defender_1", c.Defend())  # the open choice stays open beside play
    assert table.state.turn == "sakura" and table.state.decisions == (BARGAIN,)
    waiting = two_pending(MERCY)
    assert "waits on Sasuke's choice (mercy)" in waiting.refused("defender_1", c.Defend())


def test_the_gm_skip_settles_the_waiting_choice_not_the_open_one() -> None:
    table = two_pending(BARGAIN, MERCY)
    events = table.do("gm", c.Skip())
    assert [e.decider for e in of_kind(events, "decision_made")] == ["sasuke"]
    assert BARGAIN in table.state.decisions


def test_a_state_stored_with_one_decision_reads_back() -> None:
    table = two_pending(MERCY)
    data = json.loads(table.state.model_dump_json())
    for stored, expected in ((MERCY.model_dump(mode="json"), (MERCY,)), (None, ())):
        del data["decisions"]
        data["decision"] = stored
        assert SessionState.model_validate_json(json.dumps(data)).decisions == expected
        data["decisions"] = []
        del data["decision"]


def test_an_earlier_decision_without_its_flags_waits() -> None:
    stored = {"kind": "mercy", "decider": "sasuke", "subject": "sakura", "options": ["strike"]}
    decision = Decision.model_validate(stored)
    assert decision.waits and not decision.on_turn

"""The defenders answer the round's siege event: it is put to a defender at the wall as their
turn begins (a decision on the turn, beside it: /choose or its buttons), answering it is the
turn, acting instead leaves it to its default at the round's end."""

from __future__ import annotations

import random

from scenes.castle import siege
from scenes.castle.autoplay import defender_turn
from scenes.castle.siege_book import book
from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine import options
from scenes.engine.autoplay import GM
from scenes.engine.session import play
from scenes.engine.state import SessionState
from tests.engine.table import Table, of_kind


def at_the_wall(defenders: int = 1, seed: int = 7) -> Table:
    """A defender (or two) at the wall and Sakura in the office; the first defender's turn,
    round 1, its siege event drawn and put to them."""
    table = Table(defenders=defenders, seed=seed)
    keys = [f"defender_{n}" for n in range(1, defenders + 1)]
    table.seat(*keys, "sakura")
    table.begin([*keys, "sakura"])
    return table


def pending(table: Table):
    (decision,) = [d for d in table.state.decisions if siege.is_siege(d)]
    return decision


def test_the_drawn_event_is_put_to_the_defender_whose_turn_it_is() -> None:
    table = at_the_wall()
    decision = pending(table)
    event = book().event(castle(table.state).siege.event or "")
    assert decision.decider == "defender_1" and decision.subject == event.key
    assert decision.options == event.options and decision.on_turn and not decision.waits
    offered = {value for _, value in options.choices(table.state, "defender_1")}
    assert offered == set(event.options)
    assert options.choices(table.state, "sakura") == []


def test_choosing_answers_the_event_and_ends_the_turn() -> None:
    table = at_the_wall()
    event = book().event(pending(table).subject)
    option = event.options[-1]
    choice = event.choice(option)
    events = table.do(
        "defender_1",
        c.Choose(option=option),
        faces=[3] * (choice.harm is not None or choice.heal is not None),
    )
    (answer,) = of_kind(events, "siege_event_answered")
    assert answer.choice == option and answer.seat == "defender_1"
    (made,) = of_kind(events, "decision_made")
    assert made.option == option and made.of == siege.kind_of(event)
    assert castle(table.state).siege.event is None and not table.state.decisions
    assert table.state.turn == "sakura"
    told = [e.text for e in of_kind(events, "narrated") if e.moment == siege.CHOICE_MOMENT]
    assert len(told) == 1 and "Ren 1" in told[0]


def test_a_choice_the_event_does_not_offer_is_refused() -> None:
    table = at_the_wall()
    message = table.refused("defender_1", c.Choose(option="surrender"))
    assert "Choose one of" in message


def test_acting_instead_leaves_the_event_to_its_default_at_the_rounds_end() -> None:
    table = at_the_wall()
    event = book().event(pending(table).subject)
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
    assert not table.state.decisions  # the choice passed with the turn
    assert castle(table.state).siege.event == event.key
    events = table.do("sakura", c.Defend())
    answers = of_kind(events, "siege_event_answered")
    assert answers[0].event == event.key and answers[0].choice == event.default
    assert answers[0].seat is None


def test_the_next_defender_at_the_wall_may_answer_what_the_first_left() -> None:
    table = at_the_wall(defenders=2)
    subject = pending(table).subject
    table.do("defender_1", c.Jutsu(name="hold_the_line"))
    decision = pending(table)
    assert decision.decider == "defender_2" and decision.subject == subject
    refused = table.refused("defender_1", c.Choose(option=decision.options[0]))
    assert "No choice waits on Ren 1" in refused


def test_a_defender_away_from_the_wall_is_not_asked() -> None:
    table = at_the_wall(defenders=2)
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("defender_2", c.Jutsu(name="hold_the_line"))
    table.do("sakura", c.Defend())
    assert table.state.turn == "defender_1" and castle(table.state).siege.event is not None
    assert not table.state.decisions_of("defender_1")


def test_the_gm_skip_passes_the_turn_and_the_event_runs_with_its_default() -> None:
    table = at_the_wall()
    event = book().event(pending(table).subject)
    table.do("gm", c.Skip())
    assert not table.state.decisions and table.state.turn == "sakura"
    events = table.do("sakura", c.Defend())
    assert of_kind(events, "siege_event_answered")[0].choice == event.default


def test_the_gm_advance_settles_the_event_with_its_default() -> None:
    table = at_the_wall()
    event = book().event(pending(table).subject)
    events = table.do("gm", c.Advance())
    (answer,) = of_kind(events, "siege_event_answered")
    assert answer.choice == event.default and answer.seat == "defender_1"


def test_the_ending_withdraws_an_open_siege_choice() -> None:
    table = Table(defenders=1)
    table.seat("defender_1", "sasuke")
    table.begin(["defender_1", "sasuke"])
    assert pending(table).decider == "defender_1"
    table.do("gm", c.Set(character="sasuke", field="vitality", value=0))
    assert table.state.ending is not None and not table.state.decisions


def seeded(seed: int) -> SessionState:
    """A defender and Sakura, begun with the session's own seeded dice."""
    rng = random.Random(seed)
    state = play(None, GM, c.Open(scene="castle", seats=1, seed=seed), rng).state
    for member, claim in (
        (12, c.Claim(role="defender", name="Ren 1")),
        (10, c.Claim(role="sakura")),
    ):
        state = play(state, c.Actor(member_id=member), claim, rng).state
    return play(state, GM, c.Begin(), rng).state


def test_over_seeds_the_scripted_defenders_answer_with_every_choice_there_is() -> None:
    seen, acted = set(), 0
    for seed in range(800):  # (they answer for the wall most often: see autoplay.FOR_THE_WALL)
        state = seeded(seed)
        me = state.character("defender_1")
        decision = next((d for d in state.decisions_of(me.key) if siege.is_siege(d)), None)
        if decision is None:
            continue
        command = defender_turn(state, me, random.Random(seed))
        if isinstance(command, c.Choose):
            seen.add((decision.subject, command.option))
        else:
            acted += 1
    every = {(e.key, choice.key) for e in book().events for choice in e.choices}
    assert seen == every - {("breach", "plug"), ("breach", "regroup")}  # the wall is whole
    assert acted > 0


def test_the_next_rounds_event_waits_for_the_defenders_next_turn() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "defender_1")
    table.begin(["sakura", "defender_1"])
    table.do("sakura", c.Defend())
    assert pending(table).decider == "defender_1"
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))  # ends round 1
    assert castle(table.state).siege.drawn == 2 and table.state.turn == "sakura"
    assert not table.state.decisions  # not offered to the defender whose turn just ended
    events = table.do("sakura", c.Defend())
    kinds = [e.kind for e in events]
    assert kinds.index("decision_offered") > kinds.index("turn_started")
    assert pending(table).decider == "defender_1" and table.state.turn == "defender_1"


def test_the_events_fact_says_what_each_choice_does() -> None:
    from scenes.castle.rules import CASTLE

    table = at_the_wall()
    (drawn,) = of_kind(table.events, "siege_event_drawn")
    fact = CASTLE.describe(drawn, table.state) or ""
    event = book().event(drawn.event)
    assert fact.startswith(f"Siege event: {event.name.lower()}.") and "Ren 1 first" in fact
    for choice in event.choices:
        assert f"{choice.key}: {choice.summary}" in fact

"""Once the north wing falls: the soldiers come into the grand hall and push on toward the east
wing, striking the castle's people they find; defenders and Sakura fight them (autocomplete
suggests them); and nothing relieves the fallen wall: aiming at it is refused with a sentence."""

from __future__ import annotations

import random

from scenes.castle import siege
from scenes.castle.consistency import contradictions
from scenes.castle.rules import CASTLE
from scenes.castle.siege_book import book
from scenes.castle.world import NorthWingFell, SiegeRelieved, Soldiers, castle
from scenes.engine import commands as c
from scenes.engine import options
from scenes.engine.autoplay import GM, next_move
from scenes.engine.queries import held
from scenes.engine.session import Accepted, play
from scenes.engine.state import Condition
from tests.engine.table import Table, of_kind
from tests.engine.test_options import _candidates

COUNT = book().soldiers.count


def moments(events: list) -> list[str]:
    return [e.moment for e in of_kind(events, "narrated")]


def fallen(*, sasuke: bool = False) -> tuple[Table, list]:
    """Sakura in the office and a defender at the wall; the army's press of 6 breaks the last
    point of the wall at round 1's end. The defender's turn, round 2."""
    table = Table(defenders=1)
    table.without_siege_events()
    keys = ["defender_1", "sakura", *(["sasuke"] if sasuke else [])]
    table.seat(*keys)
    table.begin(keys)
    table.do("gm", c.Set(character="north_wing", field="integrity", value=1))
    table.do("defender_1", c.Defend())
    if sasuke:
        table.do("sakura", c.Defend())
        events = table.do("sasuke", c.Defend(), faces=[6])
    else:
        events = table.do("sakura", c.Defend(), faces=[6])
    assert castle(table.state).siege.fallen and table.state.turn == "defender_1"
    return table, events


def soldiers_at(table: Table, place: str, count: int = COUNT) -> None:
    world = castle(table.state)
    moved = Soldiers(place=place, count=count)
    table.state = table.state.model_copy(
        update={"world": world.model_copy(update={"soldiers": moved})}
    )


def test_the_fall_brings_the_soldiers_into_the_grand_hall() -> None:
    table, events = fallen()
    assert castle(table.state).soldiers == Soldiers(place="grand_hall", count=COUNT)
    (came,) = of_kind(events, "soldiers_came")
    assert came.place == "grand_hall" and came.count == COUNT
    assert moments(events).index("siege_falls") < moments(events).index("soldiers_come")


def test_the_soldiers_push_on_toward_the_east_wing_and_wait_at_a_shut_door() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Jutsu(name="hold_the_line"))
    events = table.do("sakura", c.Defend())
    assert castle(table.state).soldiers.place == "east_hall"
    assert "soldiers_advance" in moments(events)
    table.do("defender_1", c.Jutsu(name="hold_the_line"))
    events = table.do("sakura", c.Defend())
    assert castle(table.state).soldiers.place == "east_hall"  # the oak door is shut
    assert "soldiers_at_door" in moments(events)


def test_the_soldiers_strike_a_defender_in_their_room() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Move(to="grand_hall"))
    # Round's end: one attack for the three, 1d20+5 (15+5) against evasion 11; 1d4 (3).
    events = table.do("sakura", c.Defend(), faces=[15, 3])
    assert table.ch("defender_1").vitality == 18 - 3
    assert "soldiers_hit" in moments(events)
    assert castle(table.state).soldiers.place == "grand_hall"  # they stay to fight
    (damaged,) = of_kind(events, "damaged")
    assert damaged.cause == "soldiers"


def test_a_soldiers_miss_is_told_too() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Move(to="grand_hall"))
    events = table.do("sakura", c.Defend(), faces=[2])
    assert table.ch("defender_1").vitality == 18 and "soldiers_miss" in moments(events)


def test_a_defender_is_offered_the_soldiers_in_their_room_and_fells_them() -> None:
    table, _ = fallen()
    assert "soldiers" not in {v for _, v in options.targets(table.state, "defender_1", None)}
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("sakura", c.Defend(), faces=[2])
    offered = dict((v, label) for label, v in options.targets(table.state, "defender_1", None))
    assert "soldiers" in offered and f"({COUNT} here)" in offered["soldiers"]
    # Kunai volley: 1d20+3 (15+3) against the soldiers' evasion 11; 1d6+1 (5+1) fells one.
    events = table.do("defender_1", c.Jutsu(name="kunai_volley", target="soldiers"), faces=[15, 5])
    assert castle(table.state).soldiers.count == COUNT - 1
    assert "soldiers_felled" in moments(events)
    (struck,) = of_kind(events, "soldiers_struck")
    assert struck.felled == 1 and struck.seat == "defender_1"


def test_harm_short_of_a_soldier_is_carried_to_the_next_blow() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("sakura", c.Defend(), faces=[2])
    events = table.do("defender_1", c.Jutsu(name="kunai_volley", target="soldiers"), faces=[15, 2])
    assert castle(table.state).soldiers.wounds == 3 and "soldiers_struck" in moments(events)
    events = table.do("sakura", c.Defend(), faces=[2])
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="soldiers"), faces=[15, 2])
    assert castle(table.state).soldiers == Soldiers(place="grand_hall", count=COUNT - 1)


def test_the_volley_that_misses_the_soldiers_is_told() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("sakura", c.Defend(), faces=[2])
    events = table.do("defender_1", c.Jutsu(name="kunai_volley", target="soldiers"), faces=[3])
    assert castle(table.state).soldiers.count == COUNT and "soldiers_missed" in moments(events)


def test_sakura_routs_the_last_soldier_in_the_office() -> None:
    table, _ = fallen()
    soldiers_at(table, "office", count=1)
    table.do("defender_1", c.Defend())
    assert "soldiers" in {v for _, v in options.targets(table.state, "sakura", "strike")}
    # Her strike: 1d20+5 (15+5) against 11; its dice finish the last of them.
    events = table.do("sakura", c.Jutsu(name="strike", target="soldiers"), faces=[15, 6, 6])
    assert not castle(table.state).soldiers.inside
    assert "soldiers_routed" in moments(events)


def test_the_intruder_does_not_fight_the_soldiers_of_his_own_side() -> None:
    table, _ = fallen(sasuke=True)
    soldiers_at(table, "east_hall")
    table.do("defender_1", c.Defend())
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke"
    assert "soldiers" not in {v for _, v in options.targets(table.state, "sasuke", "chidori")}
    table.refused("sasuke", c.Jutsu(name="chidori", target="soldiers"))


def test_relieving_the_fallen_wall_is_refused_with_its_sentence() -> None:
    table, _ = fallen()
    for name, target in (("kunai_volley", "army"), ("earth_wall", "north_wing")):
        assert table.refused("defender_1", c.Jutsu(name=name, target=target)) == siege.FALLEN
        assert target not in {v for _, v in options.targets(table.state, "defender_1", name)}
    assert "nothing relieves a fallen wall" in siege.FALLEN


def test_the_fallen_wall_is_refused_from_anywhere_in_the_castle() -> None:
    table, _ = fallen()
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("sakura", c.Defend(), faces=[2])
    message = table.refused("defender_1", c.Jutsu(name="kunai_volley", target="army"))
    assert message == siege.FALLEN


def test_earth_wall_with_no_target_at_the_fallen_wall_shields_the_defender() -> None:
    table, _ = fallen()
    events = table.do("defender_1", c.Jutsu(name="earth_wall"))
    assert table.ch("defender_1").evasion_bonus == 2 and "wall_for_self" in moments(events)
    assert not of_kind(events, "siege_relieved")


def test_holding_the_line_at_the_fallen_wall_guards_the_rubble_only() -> None:
    table, _ = fallen()
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
    assert table.ch("defender_1").has(Condition.GUARDING)
    assert not of_kind(events, "siege_relieved") and "hold_the_rubble" in moments(events)
    assert castle(table.state).siege.relief == 0


def test_the_consistency_check_sees_a_fallen_wall_eased() -> None:
    table, _ = fallen()
    eased = SiegeRelieved(seat="defender_1", amount=2, relief=2)
    assert contradictions([eased], table.state) == ["siege_relieved after the north wing fell"]
    standing = Table(defenders=1)
    assert contradictions([NorthWingFell(), eased], standing.state) == [
        "siege_relieved after the north wing fell"
    ]
    assert contradictions([eased], standing.state) == []


def test_with_the_soldiers_inside_what_is_suggested_is_what_is_taken() -> None:
    """The options property (tests/engine/test_options.py) over sessions whose wall falls at
    once: every target suggested is taken, every target taken was suggested."""
    checked = 0
    for seed in range(12):
        rng = random.Random(seed)
        state = play(None, GM, c.Open(scene="castle", seats=2, seed=seed), rng).state
        claims = [("sakura", None), ("sasuke", None), ("defender", "Ren 1"), ("defender", "Ren 2")]
        for member, (role, name) in enumerate(claims, start=10):
            state = play(state, c.Actor(member_id=member), c.Claim(role=role, name=name), rng).state
        state = play(state, GM, c.Begin(), rng).state
        state = play(
            state, GM, c.Set(character="north_wing", field="integrity", value=1), rng
        ).state
        for _ in range(60):
            if state.turn is None or state.ending is not None:
                break
            if castle(state).soldiers.inside and not state.waiting:
                me = state.character(state.turn)
                actor = c.Actor(member_id=state.seat(me.key).member_id or 0)
                for technique in CASTLE.data.techniques_of(me.role):
                    if technique.cost > me.chakra or (technique.seals and held(me)):
                        continue
                    suggested = {v for _, v in options.targets(state, me.key, technique.key)}
                    for target in _candidates(state) | {"soldiers"}:
                        command = c.Jutsu(name=technique.key, target=target)
                        taken = isinstance(play(state, actor, command, random.Random(1)), Accepted)
                        assert taken == (target in suggested), (technique.key, target, suggested)
                        checked += 1
            outcome = play(state, *next_move(state, rng), rng)
            if isinstance(outcome, Accepted):
                state = outcome.state
            else:
                state = play(state, GM, c.Skip(), rng).state
    assert checked > 200


def test_the_fallen_wall_lets_a_new_band_in_some_rounds_after_the_last_is_cut_down() -> None:
    table, _ = fallen()
    soldiers_at(table, "north_wing", count=1)
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="soldiers"), faces=[15, 6])
    cut_down = table.state.round
    assert castle(table.state).soldiers.cleared == cut_down
    came = []
    while table.state.round <= cut_down + book().soldiers.every:
        events = table.do(table.state.turn or "", c.Defend())
        came += of_kind(events, "soldiers_came")
    (band,) = came
    assert band.place == "grand_hall" and band.count == COUNT
    assert castle(table.state).soldiers.count == COUNT

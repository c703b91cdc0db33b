"""Undo points: compact (compressed, older ones chained to newer), exact, and readable when old."""

from __future__ import annotations

import json

from scenes.engine import commands as c
from scenes.engine.evolve import UNDO_DEPTH
from scenes.engine.state import SessionState, pop_undo
from tests.engine.table import Table


def five_turns_in() -> tuple[Table, list[SessionState]]:
    """Sakura and Sasuke guard turn about, six times; the states before each turn, in order."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sakura", "sasuke"])
    befores = []
    for who in ("sakura", "sasuke") * 3:
        befores.append(table.state)
        table.do(who, c.Defend())
    return table, befores


def test_undo_keeps_five_points_the_newest_alone_and_the_older_chained() -> None:
    table, _ = five_turns_in()
    undo = table.state.undo
    assert len(undo) == UNDO_DEPTH
    assert [point.chained for point in undo] == [True] * (UNDO_DEPTH - 1) + [False]


def test_an_undo_point_is_a_small_fraction_of_the_state_it_saves() -> None:
    table, befores = five_turns_in()
    size = len(befores[-1].model_copy(update={"undo": ()}).model_dump_json())
    newest, *older = reversed(table.state.undo)
    assert len(newest.packed) < size / 2
    assert all(len(point.packed) < size / 10 for point in older)


def test_popping_every_point_gives_back_every_state_exactly() -> None:
    table, befores = five_turns_in()
    undo = table.state.undo
    for before in reversed(befores[-UNDO_DEPTH:]):
        restored, undo = pop_undo(undo)
        assert restored == before.model_copy(update={"undo": ()})
    assert undo == ()


def test_undo_points_survive_a_snapshot_round_trip() -> None:
    table, _ = five_turns_in()
    assert SessionState.model_validate_json(table.state.model_dump_json()) == table.state


def test_a_snapshot_from_before_compression_still_undoes_exactly() -> None:
    table, befores = five_turns_in()
    snapshot = json.loads(table.state.model_dump_json())
    snapshot["undo"] = [  # how undo points were stored before: the state as JSON text
        {"command": "defend", "state": state.model_copy(update={"undo": ()}).model_dump_json()}
        for state in befores[-UNDO_DEPTH:]
    ]
    table.state = SessionState.model_validate_json(json.dumps(snapshot))
    table.do("gm", c.Undo())
    table.do("gm", c.Undo())
    expected = befores[-2]
    assert table.state.model_copy(update={"undo": ()}) == expected.model_copy(update={"undo": ()})
    assert len(table.state.undo) == UNDO_DEPTH - 2

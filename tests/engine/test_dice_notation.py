"""A free roll of any notation is a roll or a refusal with a sentence: never an internal error."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scenes.engine import commands as c
from scenes.engine.dice import MAX_NOTATION, Dice
from scenes.engine.errors import Refusal
from scenes.engine.session import Accepted, Refused, play
from tests.engine.table import Table, of_kind

TABLE = Table(defenders=1)
TABLE.seat("sakura", "sasuke")
SAKURA = TABLE.actor("sakura")


def free_roll(notation: str, seed: int = 3) -> Accepted | Refused:
    return play(TABLE.state, SAKURA, c.FreeRoll(dice=notation), random.Random(seed))


@pytest.mark.parametrize("notation", ["1d6/0", "1d6%0", "1d20//0", "(1d6+2)/(3-3)", "2d6 % 0.0"])
def test_a_division_or_modulo_by_zero_is_refused_with_a_sentence(notation: str) -> None:
    outcome = free_roll(notation)
    assert isinstance(outcome, Refused)
    assert outcome.message == (
        f"`{notation}` divides by zero (with / or %); divide by a number other than 0."
    )


def test_a_division_by_a_roll_of_zero_is_refused_when_it_comes_up() -> None:
    with pytest.raises(Refusal, match="divides by zero"):
        Dice(random.Random(1)).roll("1d6/(1d1-1)")


def test_a_division_by_a_number_is_still_rolled() -> None:
    outcome = free_roll("1d6/2+1d6%4")
    assert isinstance(outcome, Accepted)
    (rolled,) = of_kind(outcome.events, "dice_rolled")
    assert rolled.roll.notation == "1d6/2+1d6%4"


# --- any notation: a grammar of d20's tokens, well formed or not ----------------------------------

number = st.integers(min_value=0, max_value=1200).map(str)
decimal = st.tuples(number, number).map(".".join)
selector = st.tuples(
    st.sampled_from(["", "h", "l", "<", ">"]), st.integers(min_value=0, max_value=30).map(str)
).map("".join)
operation = st.tuples(st.sampled_from(["k", "p", "rr", "ro", "ra", "e", "mi", "ma"]), selector).map(
    "".join
)
dice = st.tuples(
    st.one_of(st.just(""), number),
    st.one_of(number, st.just("%")),
    st.lists(operation, max_size=3).map("".join),
).map(lambda parts: f"{parts[0]}d{parts[1]}{parts[2]}")
atom = st.one_of(number, decimal, dice)


def _expression(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%"]), inner)
    return st.one_of(
        binary.map(" ".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
        st.lists(inner, min_size=1, max_size=3).map(lambda es: "(" + ", ".join(es) + ")k1"),
        inner.map(lambda e: f"{e} [a reason]"),
    )


well_formed = st.recursive(atom, _expression, max_leaves=6)
TOKENS = [*"0123456789dkhlpe+-*/%()<>.,[]{}! ", "rr", "ro", "mi", "ma", "//", "d%", "ä"]
any_tokens = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notation=st.one_of(well_formed, any_tokens), seed=st.integers(0, 2**32))
@example(notation="1d6/0", seed=0)
@example(notation="1d6%0", seed=0)
@example(notation="(" * 49 + "1" + ")" * 49, seed=0)
def test_any_notation_is_a_roll_or_a_refusal_with_a_sentence(notation: str, seed: int) -> None:
    outcome = free_roll(notation, seed)
    if isinstance(outcome, Refused):
        assert outcome.message.strip() and outcome.message.endswith((".", ")")), outcome.message
        assert "Sorry" not in outcome.message
        return
    assert isinstance(outcome, Accepted)
    (rolled,) = of_kind(outcome.events, "dice_rolled")
    assert len(notation.strip()) <= MAX_NOTATION
    assert isinstance(rolled.roll.total, int) and rolled.roll.breakdown

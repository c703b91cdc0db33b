"""The siege's data (siege.toml): at least six kinds of event, each with two choices or more,
every choice with a consequence; and the checks that refuse a book that breaks those rules."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest
from pydantic import ValidationError

from scenes.castle.siege_book import PATH, SiegeBook, book

NAMED = {"ladders", "ram", "fire", "sappers", "breach", "messenger"}


def raw() -> dict[str, Any]:
    with PATH.open("rb") as file:
        return tomllib.load(file)


def test_the_shipped_book_has_at_least_six_kinds_of_event_named_in_the_design() -> None:
    keys = {event.key for event in book().events}
    assert len(keys) >= 6 and keys >= NAMED


def test_every_event_offers_two_choices_or_more_each_with_a_consequence() -> None:
    for event in book().events:
        assert len(event.choices) >= 2, event.key
        for choice in event.choices:
            assert choice.consequences, (event.key, choice.key)
            assert choice.told and choice.summary


def test_every_event_has_a_default_that_touches_no_defender() -> None:
    for event in book().events:
        default = event.choice(event.default)
        assert not default.touches_the_defender, event.key


def test_the_choices_of_an_event_differ_in_what_they_do() -> None:
    for event in book().events:
        effects = {
            (c.harm, c.heal, c.integrity, c.relief, c.press, c.guard, c.move) for c in event.choices
        }
        assert len(effects) == len(event.choices), event.key


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        SiegeBook.model_validate(data)
    return str(error.value)


def test_a_book_of_five_events_is_refused() -> None:
    data = raw()
    data["events"] = data["events"][:5]
    assert "at least 6" in refused(data)


def test_an_event_with_one_choice_is_refused() -> None:
    data = raw()
    data["events"][0]["choices"] = data["events"][0]["choices"][:1]
    assert "at least 2" in refused(data)


def test_a_choice_without_a_consequence_is_refused() -> None:
    data = raw()
    choice = data["events"][0]["choices"][0]
    for name in ("harm", "heal", "integrity", "relief", "press", "guard", "move"):
        choice.pop(name, None)
    assert "must have a consequence" in refused(data)


def test_a_default_that_harms_a_defender_is_refused() -> None:
    data = raw()
    ladders = data["events"][0]
    ladders["default"] = "meet"  # meeting the ladders costs the defender 1d6
    assert "may not touch one" in refused(data)


def test_a_default_that_is_no_choice_is_refused() -> None:
    data = raw()
    data["events"][0]["default"] = "flee"
    assert "is not a choice" in refused(data)


def test_lines_naming_what_they_may_not_are_refused() -> None:
    data = raw()
    bad = copy.deepcopy(data)
    bad["events"][0]["choices"][0]["told"] = ["{actor} strikes {target} on the ladder."]
    assert "told may name the defender only" in refused(bad)
    bad = copy.deepcopy(data)
    bad["events"][0]["announce"] = ["{actor} sees the ladders come up the wall."]
    assert "name no one" in refused(bad)


def test_a_move_to_no_place_and_two_events_of_one_key_are_refused() -> None:
    data = raw()
    bad = copy.deepcopy(data)
    bad["events"][5]["choices"][0]["move"] = "the_moon"
    assert "no place" in refused(bad)
    bad = copy.deepcopy(data)
    bad["events"][1]["key"] = bad["events"][0]["key"]
    assert "share a key" in refused(bad)


def test_unknown_fields_and_bad_dice_are_refused() -> None:
    data = raw()
    bad = copy.deepcopy(data)
    bad["events"][0]["choices"][0]["explode"] = True
    assert "explode" in refused(bad)
    bad = copy.deepcopy(data)
    bad["events"][0]["choices"][0]["harm"] = "1d6-2"
    refused(bad)

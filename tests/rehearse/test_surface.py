"""The rehearsal's command surface is the bot's: every command and option read from the cogs,
lines read the way Discord users type them, and a sentence for each line it cannot take."""

from __future__ import annotations

import pytest

from rehearse.completion import SOURCES
from rehearse.surface import Malformed, parse, surface
from rehearse.table import _HANDLERS, NOT_REHEARSED


def test_every_command_of_the_bot_is_rehearsed_or_named_as_not_rehearsed() -> None:
    assert set(surface()) == set(_HANDLERS) | NOT_REHEARSED
    assert {"jutsu", "claim", "gm advance", "gm end", "recap", "status"} <= set(_HANDLERS)


def test_every_option_the_bot_autocompletes_has_the_same_source_here() -> None:
    completed = {
        (spec.name, option.name)
        for spec in surface().values()
        for option in spec.options
        if option.autocomplete
    }
    assert completed == set(SOURCES)


def test_a_value_runs_with_its_spaces_up_to_the_next_option() -> None:
    typed = parse("/claim role:defender name:Ren of the North Gate")
    assert typed.options == {"role": "defender", "name": "Ren of the North Gate"}
    typed = parse("/jutsu target:sakura name:chidori")
    assert typed.options == {"name": "chidori", "target": "sakura"}


def test_a_word_with_a_colon_that_is_no_option_stays_in_the_value() -> None:
    assert parse("/say text:Listen, name: it is not").options == {"text": "Listen, name: it is not"}
    assert parse("/gm narrate text:Thunder. Note: the rain").text("text") == (
        "Thunder. Note: the rain"
    )


def test_options_are_typed_as_the_bot_declares_them() -> None:
    assert parse("/gm open scene:castle defenders:3").options == {
        "scene": "castle",
        "defenders": 3,
    }
    assert parse("/recap private:true").flag("private")
    assert parse("/gm set character:sakura field:vitality value:-3").number("value") == -3


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        (
            "/jutsu target:sakura",
            "/jutsu needs name: (usage: /jutsu name:… [target:…] [pose:…]).",
        ),
        ("/jutsu chidori", "Options are written name:value — “chidori” is not one."),
        ("/jutsu power:9000", "/jutsu has no option power:; its options are name:, target:"),
        ("/gm open defenders:9", "defenders: is a whole number from 1 to 4."),
        ("/gm open defenders:two", "defenders: is a whole number, not “two”."),
        ("/recap private:maybe", "private: is true or false, not “maybe”."),
        ("/move to:", "to: is empty."),
        ("/move to:hall to:office", "to: is given twice."),
        ("/help now", "/help takes no options."),
        ("/gm fly", "/gm has no command “fly”; its commands are: open, begin"),
        ("/teleport", "There is no command /teleport."),
        ("/choose option:" + "x" * 21, "option: is 21 characters; the limit is 20."),
    ],
)
def test_a_line_the_bot_would_not_take_gets_a_sentence(line: str, sentence: str) -> None:
    with pytest.raises(Malformed) as refused:
        parse(line)
    assert sentence in refused.value.message

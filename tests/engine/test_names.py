"""A typed character name: one rule, cleaned to what a reader sees, or refused with why."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenes.engine.errors import Refusal
from scenes.engine.names import MAX_NAME, clean_name


def refusal(typed: str) -> str:
    with pytest.raises(Refusal) as refused:
        clean_name(typed)
    return refused.value.message


def test_a_plain_name_is_kept() -> None:
    assert clean_name("Ren of the north wing") == "Ren of the north wing"


@pytest.mark.parametrize("typed", [None, "", "   ", "\n\t"])
def test_nothing_typed_keeps_the_default_name(typed: str | None) -> None:
    assert clean_name(typed) is None


def test_a_name_is_normalised_to_nfc() -> None:
    assert clean_name("Rene\u0301") == "Ren\u00e9"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff"])
def test_zero_width_characters_are_removed(invisible: str) -> None:
    assert clean_name(f"Sa{invisible}ku{invisible}ra") == "Sakura"


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069"]
)
def test_bidirectional_controls_are_removed(control: str) -> None:
    assert clean_name(f"{control}Ren{control}") == "Ren"


def test_other_format_characters_are_removed() -> None:  # soft hyphen, word joiner, a tag
    assert clean_name("Ka\u00adi\u2060\U000e0041") == "Kai"


def test_c0_and_c1_controls_are_removed() -> None:
    assert clean_name("Ren\x07\x1b[31m\x9b") == "Ren[31m"


def test_whitespace_is_collapsed() -> None:
    assert clean_name("  Ren \n\t of \u2028  the\u3000north ") == "Ren of the north"


def test_a_removal_that_uncomposes_is_normalised_again() -> None:
    assert clean_name("Rene\u200b\u0301") == "Ren\u00e9"


@pytest.mark.parametrize("typed", ["\u200b\u200b", "\u202e", "\ufeff \u200d", "\u3164", "\u2800"])
def test_a_name_empty_once_cleaned_is_refused(typed: str) -> None:
    assert "needs visible letters" in refusal(typed)


def test_a_nul_is_refused() -> None:
    assert refusal("Ren\x00") == "A character name cannot hold a NUL character."


@pytest.mark.parametrize(
    "typed",
    [
        "https://evil.example",
        "Ren http://evil.example",
        "HTTPS://EVIL.EXAMPLE",
        "ｈｔｔｐｓ：／／evil",
        "ht\u200btps://evil",
        "www.evil.example",
        "discord.gg/raid",
        "discord.com/invite/raid",
        "steam://run/1",
        "evil.example/path",
    ],
)
def test_a_link_or_url_is_refused(typed: str) -> None:
    assert refusal(typed) == "A character name cannot hold a link or a web address."


@pytest.mark.parametrize(
    "typed", ["<@123456>", "<@!123456>", "<@&123456>", "<#123456>", "@everyone", "Ren @here"]
)
def test_a_mention_is_refused(typed: str) -> None:
    assert "cannot hold a mention" in refusal(typed)


@pytest.mark.parametrize("typed", ["[Sakura](https://evil.example)", "[Ren](x)", "[a]\u200b(b)"])
def test_markdown_link_syntax_is_refused(typed: str) -> None:
    assert refusal(typed) == "A character name cannot hold a Markdown link like [text](…)."


def test_a_name_is_at_most_32_characters_once_cleaned() -> None:
    assert clean_name("R" * MAX_NAME + "\u200b" * 5) == "R" * MAX_NAME
    assert refusal("R" * (MAX_NAME + 1)) == f"A character name is at most {MAX_NAME} characters."


@pytest.mark.parametrize("typed", ["Ren*", "Ren_", "Ren`", "Ren|", "Ren~", "#1", "a<b"])
def test_markdown_marks_are_still_refused(typed: str) -> None:
    assert "Markdown marks" in refusal(typed)


# --- any text --------------------------------------------------------------------------------

FRAGMENTS = [
    "https://",
    "http://",
    "www.",
    "discord.gg/",
    ".example/",
    "<@",
    "@everyone",
    "](",
    "[",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\x00",
    "\x85",
    "\n",
    "e\u0301",
]
typed_names = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(FRAGMENTS)), max_size=10).map(
    "".join
)
LINKISH = re.compile(r"://|\bwww\.|discord\.gg|\[.*\]\(|<@|<#|@everyone|@here")


@given(typed_names)
def test_a_cleaned_name_holds_no_control_or_format_character_and_no_link(typed: str) -> None:
    try:
        name = clean_name(typed)
    except Refusal as refused:
        assert refused.message.startswith("A character name") and refused.message.endswith(".")
        return
    if name is None:
        assert not typed.strip()
        return
    assert name and len(name) <= MAX_NAME and name == name.strip() and "  " not in name
    assert not [ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf", "Cs")]
    assert not LINKISH.search(unicodedata.normalize("NFKC", name).casefold())
    assert unicodedata.normalize("NFC", name) == name

"""Completion offers what the bot's autocomplete offers, and the bot's embeds are drawn in the
terminal with their colours, with user text that cannot break the terminal."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from rich.console import Console

from cogs.common import matching
from rehearse.completion import RehearsalCompleter
from rehearse.screen import show
from rehearse.table import Post, Table
from scenes.engine import options

SEATED = ["as Mika", "/claim role:sakura", "as Kai", "/claim role:sasuke", "as Ren"]


@pytest.fixture
async def table(tmp_path: Path) -> AsyncIterator[Table]:
    table = await Table.open(tmp_path / "r.sqlite3")
    await table.start("castle", 1, 1)
    for line in SEATED:
        posts = await table.line(line)
        assert not any(post.refused for post in posts), posts
    yield table
    await table.close()


def completions(table: Table, text: str) -> list[tuple[str, str]]:
    found = RehearsalCompleter(table).get_completions(Document(text), CompleteEvent())
    return [(c.text, c.display_text) for c in found]


async def test_values_are_the_autocomplete_choices_of_the_bot(table: Table) -> None:
    await table.line("/claim role:defender name:Ren")
    await table.line("/gm begin")
    await table.line("as sasuke")
    assert table.state is not None
    wanted = matching(options.techniques(table.state, "sasuke"), "")
    assert completions(table, "/jutsu name:") == [(c.value + " ", c.name) for c in wanted]
    assert completions(table, "/jutsu name:chid") == [("chidori ", wanted[0].name)]
    targets = matching(options.targets(table.state, "sasuke", "chidori"), "")
    offered = completions(table, "/jutsu name:chidori target:")
    assert offered == [(c.value + " ", c.name) for c in targets]
    assert completions(table, "/interact object:door how:") == [("open ", "open")]


async def test_command_and_option_names_complete(table: Table) -> None:
    assert [text for text, _ in completions(table, "/ju")] == ["jutsu "]
    assert [text for text, _ in completions(table, "/gm adv")] == ["advance "]
    assert [text for text, _ in completions(table, "/g")] == ["gm "]
    assert "begin " in [text for text, _ in completions(table, "/gm ")]
    assert [text for text, _ in completions(table, "/jutsu name:chidori t")] == ["target:"]
    assert [text for text, _ in completions(table, "/claim ")] == ["role:", "name:"]
    roles = [text for text, _ in completions(table, "/claim role:")]
    assert roles == ["defender "]  # the only role with a free seat
    assert completions(table, "as Sak") == [("Sakura", "Sakura — Mika")]


def drawn(posts: list[Post], colour: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=100,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    show(console, posts, lambda member: f"member{member}")
    return buffer.getvalue()


async def test_user_text_cannot_move_the_cursor_or_be_read_as_markup(table: Table) -> None:
    await table.line("as Mika")
    posts = await table.line(
        "/say text:\x1b[2J\x1b]0;owned\x07 [bold red]loud[/] :smile: \u202eevil\r"
    )
    out = drawn(posts, colour=True)
    assert "\x1b[2J" not in out and "\x1b]" not in out and "\x07" not in out
    assert "\u202e" not in out and "\r" not in out
    assert "[bold red]loud[/] :smile:" in out
    assert "[2J]0;owned" in out  # the printable rest of the sequences, shown as text
    plain = drawn(posts, colour=False)
    assert "\x1b" not in plain


async def test_embeds_keep_their_colour_bars_and_footer(table: Table) -> None:
    await table.line("/claim role:defender name:Ren")
    posts = await table.line("/status character:sakura")
    out = drawn(posts, colour=True)
    assert "38;2;232;143;180" in out  # Sakura's colour (0xE88FB4), in true colour
    plain = drawn(posts, colour=False)
    assert "Vitality ▰▰▰▰▰▰▰▰▰▰ 30/30" in plain
    assert "Status" not in plain and "North wing 10/10" in plain
    assert "@member" in plain  # the player's mention, named

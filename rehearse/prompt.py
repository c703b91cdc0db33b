"""The interactive rehearsal: a prompt with history and completion, and the table's answers."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from rich.console import Console
from rich.text import Text

from cogs import render
from rehearse.completion import RehearsalCompleter
from rehearse.screen import clean, show
from rehearse.table import Table
from scenes.engine.registry import find_scene

QUIT = {"quit", "exit", "/quit", "/exit"}


def _toolbar(table: Table) -> str:
    """The footer of the bot's embeds (beat, round, gauges, whose turn), kept in view."""
    state = table.state
    if state is None:
        return ""
    rules = find_scene(state.scene)
    return clean(f"{rules.name} · {state.status.value} · {render.footer(rules.data, state)}")


def _whose(table: Table) -> tuple[object, ...]:
    """What says whose move it is: the session, the turn, the round, a waiting choice."""
    state = table.state
    return (table.session_id, state.turn, state.round, state.decisions) if state else ()


def _prompt(table: Table) -> FormattedText:
    return FormattedText([("bold", clean(table.prompt_name())[:40]), ("", " ▸ ")])


async def interactive(table: Table, console: Console) -> None:
    """Read lines until ``quit`` or end of input; when a command hands the turn (or a choice)
    to another seat, play that seat."""
    session: PromptSession[str] = PromptSession(
        completer=RehearsalCompleter(table),
        history=InMemoryHistory(),
        complete_while_typing=True,
        bottom_toolbar=lambda: _toolbar(table),
    )
    console.print(
        Text(
            "Type /help for the commands, `as NAME` to play someone, Tab to complete, "
            "quit to leave.",
            style="dim",
        )
    )
    while True:
        try:
            line = await session.prompt_async(lambda: _prompt(table))
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if line.strip().casefold() in QUIT:
            break
        if not line.strip():
            continue
        before = _whose(table)
        posts = await table.line(line)
        show(console, posts, table.name_of_member)
        if _whose(table) != before:
            followed = table.follow_turn()
            if followed:
                console.print(Text(followed, style="dim"))

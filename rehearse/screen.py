"""The bot's embeds drawn as terminal text with rich: title, description, fields, footer and
colour as Discord shows them, Discord's Markdown read into styles, and every piece of user
text stripped of control characters so that it cannot move the cursor or change colours."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import IO

import discord
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.style import Style
from rich.table import Table as Grid
from rich.text import Text

from rehearse.table import Post

Names = Callable[[int], str]
INLINE_PER_ROW = 3  # Discord puts up to three inline fields side by side
MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
BAR = re.compile(r"^([▰▱]+) (\d+)/(\d+)$")
INLINE = re.compile(
    r"\\(?P<escaped>[\\*_`~>|])"
    r"|`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|__(?P<underline>.+?)__"
    r"|~~(?P<strike>.+?)~~"
    r"|\*(?P<italic>[^*]+?)\*"
    r"|(?<![\w])_(?P<italic2>[^_]+?)_(?![\w])"
)


def clean(text: str) -> str:
    """``text`` without control characters (escape sequences, bells, carriage returns) and
    without bidirectional overrides; line breaks and tabs stay."""
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d"
    )


def new_console(file: IO[str] | None = None, width: int | None = None) -> Console:
    """A console that reads no markup or emoji codes in what it prints (user text is data)."""
    return Console(
        file=file or sys.stdout,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
    )


def _mentions(text: str, names: Names) -> str:
    def named(match: re.Match[str]) -> str:
        kind, number = match.group(1), int(match.group(2))
        if kind == "#":
            return f"#rehearsal-{number}"
        if kind == "@&":
            return "@role"
        return "@" + names(number)

    return MENTION.sub(named, text)


def _bar(text: str) -> Text | None:
    """A vitality or chakra bar (``▰▰▰▱▱ 12/30``) coloured by how full it is."""
    match = BAR.match(text)
    if match is None:
        return None
    value, maximum = int(match.group(2)), int(match.group(3))
    ratio = value / maximum if maximum else 0
    colour = "green" if ratio > 0.5 else "yellow" if ratio > 0.25 else "red"
    filled = match.group(1).count("▰")
    bar = Text()
    bar.append("▰" * filled, style=colour)
    bar.append("▱" * (len(match.group(1)) - filled), style="dim")
    bar.append(f" {value}/{maximum}", style="bold")
    return bar


def _inline(text: str, style: Style, into: Text) -> None:
    position = 0
    for match in INLINE.finditer(text):
        into.append(text[position : match.start()], style=style)
        position = match.end()
        kind = match.lastgroup
        inner = match.group(kind or 0)
        if kind == "escaped":
            into.append(inner, style=style)
        elif kind == "code":
            into.append_text(_bar(inner) or Text(inner, style=style + Style(color="cyan")))
        elif kind == "bold":
            _inline(inner, style + Style(bold=True), into)
        elif kind == "underline":
            _inline(inner, style + Style(underline=True), into)
        elif kind == "strike":
            _inline(inner, style + Style(strike=True), into)
        else:
            _inline(inner, style + Style(italic=True), into)
    into.append(text[position:], style=style)


def markdown(text: str, names: Names, style: Style | None = None) -> Text:
    """Discord's Markdown (bold, italics, underline, strike, code, quotes, mentions) as styled
    text; each line stays a line, as on Discord."""
    out = Text()
    base = style or Style()
    for index, line in enumerate(_mentions(clean(text), names).split("\n")):
        if index:
            out.append("\n")
        if line.startswith("> ") or line == ">":
            out.append("▌ ", style="dim")
            _inline(line[2:], base + Style(italic=True), out)
        else:
            _inline(line, base, out)
    return out


def _colour(embed: discord.Embed) -> Style:
    colour = embed.colour
    if colour is None or not isinstance(colour, discord.Colour) or colour.value == 0:
        return Style()
    return Style(color=f"#{colour.value:06x}")


def _field(name: str, value: str, names: Names) -> Text:
    text = markdown(name, names, Style(bold=True))
    text.append("\n")
    text.append_text(markdown(value, names))
    return text


def embed_view(embed: discord.Embed, names: Names) -> RenderableType:
    """One embed as a panel in its colour: author, description, fields (inline ones side by
    side, three to a row), footer."""
    colour = _colour(embed)
    parts: list[RenderableType] = []
    if embed.author and embed.author.name:
        parts.append(markdown(embed.author.name, names, colour + Style(bold=True)))
    if embed.description:
        parts.append(markdown(embed.description, names))
        if embed.fields:
            parts.append(Text(""))
    row: list[Text] = []

    def flush() -> None:
        if row:
            grid = Grid.grid(padding=(0, 3))
            for _ in row:
                grid.add_column()
            grid.add_row(*row)
            parts.append(grid)
            row.clear()

    for embed_field in embed.fields:
        shown = _field(embed_field.name or "", embed_field.value or "", names)
        if embed_field.inline:
            row.append(shown)
            if len(row) == INLINE_PER_ROW:
                flush()
        else:
            flush()
            parts.append(shown)
    flush()
    if embed.footer and embed.footer.text:
        parts.append(Text(clean(embed.footer.text), style="dim"))
    title = markdown(embed.title, names, Style(bold=True)) if embed.title else None
    return Panel(
        Group(*parts) if parts else Text(""),
        title=title,
        title_align="left",
        border_style=colour,
        expand=True,
    )


def post_view(post: Post, names: Names, where: str | None = None) -> list[RenderableType]:
    """A post: a refusal as one warning line (``where``: e.g. ``line 12``), else its text,
    embeds, and numbered choices."""
    if post.refused:
        text = Text(f"{where}: " if where else "", style="bold yellow")
        text.append_text(markdown(post.content or "", names, Style(color="yellow")))
        return [text]
    out: list[RenderableType] = []
    if post.content:
        out.append(markdown(post.content, names, Style(color="magenta")))
    out.extend(embed_view(embed, names) for embed in post.embeds)
    if post.choices:
        line = Text("Choose: ", style="bold")
        for choice in post.choices:
            line.append(f" {choice.number} ", style="reverse bold")
            line.append(f" {clean(choice.label)}   ", style="red" if choice.grave else "")
        line.append("(type the number)", style="dim")
        out.append(line)
    return out


def show(console: Console, posts: Iterable[Post], names: Names, where: str | None = None) -> None:
    for post in posts:
        for renderable in post_view(post, names, where):
            console.print(renderable)


def plain(posts: Sequence[Post], names: Names, width: int = 100) -> str:
    """The posts as they print, without colour (for tests and logs)."""
    import io

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False)
    show(console, posts, names)
    return buffer.getvalue()

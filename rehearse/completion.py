"""Completion as Discord's autocomplete gives it: command names, option names, and option values
from ``scenes.engine.options``, filtered by the bot's own ``matching``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from discord import AppCommandOptionType
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from cogs.common import matching
from rehearse.surface import CommandSpec, Malformed, find_command, surface
from rehearse.table import Table
from scenes.engine import options
from scenes.engine.registry import scene_keys
from scenes.engine.session import scene_named
from scenes.engine.state import SessionState, Skill

Option = tuple[str, str]
# (table, what the other options say so far) -> what autocomplete offers
Source = Callable[[Table, dict[str, str]], list[Option]]
LOCAL_WORDS = (("as", "as NAME — whom you play"), ("help", "help"), ("quit", "quit"))


def _seated(source: Callable[[SessionState, str, dict[str, str]], list[Option]]) -> Source:
    """A source that needs the acting player's seat (none without one, as in the bot)."""

    def offer(table: Table, given: dict[str, str]) -> list[Option]:
        key = table.seat_key()
        return source(table.state, key, given) if table.state is not None and key else []

    return offer


def _stateful(source: Callable[[SessionState, Table], list[Option]]) -> Source:
    def offer(table: Table, given: dict[str, str]) -> list[Option]:
        return source(table.state, table) if table.state is not None else []

    return offer


def _scenes(table: Table, given: dict[str, str]) -> list[Option]:
    return [(scene_named(key).name, key) for key in scene_keys()]


def _members(table: Table, given: dict[str, str]) -> list[Option]:
    return table.names()


# What each autocompleted option offers: the same calls as the cogs' autocomplete handlers.
SOURCES: dict[tuple[str, str], Source] = {
    ("jutsu", "name"): _seated(lambda s, k, g: options.techniques(s, k)),
    ("jutsu", "target"): _seated(lambda s, k, g: options.targets(s, k, g.get("name"))),
    ("move", "to"): _seated(lambda s, k, g: options.places(s, k)),
    ("interact", "object"): _seated(lambda s, k, g: options.objects(s, k)),
    ("interact", "how"): _seated(lambda s, k, g: options.hows(s, k, g.get("object"))),
    ("claim", "role"): _stateful(lambda s, t: options.roles(s)),
    ("choose", "option"): _stateful(lambda s, t: options.choices(s, t.seat_key())),
    ("status", "character"): _stateful(lambda s, t: options.characters(s)),
    ("gm open", "scene"): _scenes,
    ("gm assign", "role"): _stateful(lambda s, t: options.roles(s)),
    ("gm set", "character"): _stateful(lambda s, t: options.characters(s)),
    ("gm set", "field"): _stateful(lambda s, t: options.fields(s)),
    ("gm check", "skill"): lambda t, g: [(skill.value, skill.value) for skill in Skill],
    ("gm resolve", "character"): _stateful(lambda s, t: options.characters(s)),
}
# Discord offers a member picker and true/false for these kinds of option.
KIND_SOURCES: dict[AppCommandOptionType, Source] = {
    AppCommandOptionType.user: _members,
    AppCommandOptionType.boolean: lambda t, g: [("True", "true"), ("False", "false")],
}


def suggestions(
    table: Table, spec: CommandSpec, option: str, given: dict[str, str]
) -> list[Option]:
    """What autocomplete offers for ``option`` of ``spec``, before filtering."""
    source = SOURCES.get((spec.name, option))
    found = spec.option(option)
    if source is None and found is not None:
        source = KIND_SOURCES.get(found.kind)
    return source(table, given) if source else []


class RehearsalCompleter(Completer):
    """Completes what is being typed at the cursor: a command, an option's name, its value."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/"):
            yield from self._local(text)
            return
        yield from self._command(text)

    def _local(self, text: str) -> Iterable[Completion]:
        if text.casefold().startswith("as "):
            current = text[3:]
            for choice in matching(self.table.names(), current.strip()):
                yield Completion(choice.value, start_position=-len(current), display=choice.name)
            return
        if " " in text:
            return
        for word, display in LOCAL_WORDS:
            if word.startswith(text.casefold()):
                yield Completion(word + (" " if word == "as" else ""), -len(text), display=display)
        if not text:
            yield Completion("/", 0, display="/… a command")

    def _command(self, text: str) -> Iterable[Completion]:
        words = text[1:].split(" ")
        specs = surface()
        if len(words) == 1 or (len(words) == 2 and words[0].casefold() in _groups()):
            typed = " ".join(words).casefold()
            offered: set[str] = set()
            for name in sorted(specs):
                shown = name.split(" ")[-1] if " " in typed else name.split(" ")[0]
                if name.startswith(typed) and shown not in offered:
                    offered.add(shown)
                    grouped = " " not in typed and " " in name
                    yield Completion(
                        shown + " ",
                        -len(words[-1]),
                        display=f"/{shown} …" if grouped else f"/{name}",
                        display_meta="game master commands" if grouped else specs[name].description,
                    )
            return
        try:
            spec, rest = find_command(text)
        except Malformed:
            return
        yield from self._options(spec, rest)

    def _options(self, spec: CommandSpec, rest: str) -> Iterable[Completion]:
        names = "|".join(re.escape(o.name) for o in spec.options)
        if not names:
            return
        starts = list(re.finditer(rf"(?:^|(?<=\s))({names}):", rest))
        given = {
            m.group(1): rest[
                m.end() : (starts[i + 1].start() if i + 1 < len(starts) else None)
            ].strip()
            for i, m in enumerate(starts)
        }
        last_word = re.split(r"\s", rest)[-1]
        if ":" not in last_word:
            for option in spec.options:
                if option.name not in given and option.name.startswith(last_word.casefold()):
                    meta = option.description + ("" if option.required else " (optional)")
                    yield Completion(option.name + ":", -len(last_word), display_meta=meta)
        if starts:
            current_option = starts[-1].group(1)
            current = rest[starts[-1].end() :]
            offered = suggestions(self.table, spec, current_option, given)
            for choice in matching(offered, current.strip()):
                yield Completion(choice.value + " ", -len(current), display=choice.name)


def _groups() -> set[str]:
    return {name.split(" ")[0] for name in surface() if " " in name}

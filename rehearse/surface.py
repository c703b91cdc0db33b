"""The command surface as the bot declares it (its slash commands and their options), and
lines typed the way Discord users type them (``/jutsu name:chidori target:sakura``) read into
typed options, or refused with a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from discord import AppCommandOptionType, app_commands

Value = str | int | bool


class Malformed(Exception):
    """A line that is not a command the bot would take; ``message`` is the sentence to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    kind: AppCommandOptionType
    required: bool
    description: str
    min_value: int | float | None = None
    max_value: int | float | None = None
    autocomplete: bool = False


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One slash command: ``name`` as typed after the slash (``jutsu``, ``gm advance``)."""

    name: str
    description: str
    options: tuple[OptionSpec, ...]

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for option in self.options:
            parts.append(f"{option.name}:…" if option.required else f"[{option.name}:…]")
        return " ".join(parts)


def _spec(command: app_commands.Command[Any, ..., Any], prefix: str = "") -> CommandSpec:
    options = tuple(
        OptionSpec(
            name=p.name,
            kind=p.type,
            required=p.required,
            description=str(p.description),
            min_value=p.min_value,
            max_value=p.max_value,
            autocomplete=command._params[p.name].autocomplete is not None,
        )
        for p in command.parameters
    )
    return CommandSpec(name=prefix + command.name, description=command.description, options=options)


@cache
def surface() -> dict[str, CommandSpec]:
    """Every player and /gm command of the bot, read from its cogs: the names and options are
    the bot's own, so a command or option added there is here too."""
    from cogs.gm import GM
    from cogs.players import Players

    specs: dict[str, CommandSpec] = {}
    for command in Players.__cog_app_commands__:
        if isinstance(command, app_commands.Command):
            specs[command.name] = _spec(command)
    group = GM.__cog_group_name__
    for command in GM.__cog_app_commands__:
        if isinstance(command, app_commands.Command):
            specs[f"{group} {command.name}"] = _spec(command, f"{group} ")
    return specs


@dataclass(frozen=True, slots=True)
class Typed:
    """A command line read: its command and its options, converted to their types."""

    spec: CommandSpec
    options: dict[str, Value]

    def text(self, name: str) -> str | None:
        value = self.options.get(name)
        return value if isinstance(value, str) else None

    def number(self, name: str) -> int | None:
        value = self.options.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool:
        return self.options.get(name) is True


def command_names() -> list[str]:
    return sorted(surface())


def find_command(line: str) -> tuple[CommandSpec, str]:
    """The command a line starting with ``/`` names, and the rest of the line."""
    words = line[1:].split(None, 2)
    if not words:
        raise Malformed("Type a command after the slash, e.g. /roles (see /help).")
    specs = surface()
    first = words[0].casefold()
    if len(words) > 1 and f"{first} {words[1].casefold()}" in specs:
        return specs[f"{first} {words[1].casefold()}"], words[2] if len(words) > 2 else ""
    if first in specs:
        return specs[first], line[1:].split(None, 1)[1] if len(words) > 1 else ""
    group = [name for name in specs if name.startswith(f"{first} ")]
    if group:
        subs = ", ".join(name.split(" ", 1)[1] for name in group)
        what = f" “{shown(words[1], 20)}”" if len(words) > 1 else ""
        raise Malformed(f"/{first} has no command{what}; its commands are: {subs}.")
    singles = ", ".join(f"/{name}" for name in specs if " " not in name)
    raise Malformed(
        f"There is no command /{shown(words[0], 20)}. The commands are {singles} and /gm …"
    )


def shown(text: str, limit: int) -> str:
    """User text quoted back in a sentence: on one line, clipped."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def split_options(spec: CommandSpec, rest: str) -> list[tuple[str, str]]:
    """``key:value`` pairs as Discord users type them: a value runs, spaces and all, up to the
    next `` key:`` that is one of the command's options."""
    if not spec.options:
        if rest.strip():
            raise Malformed(f"/{spec.name} takes no options.")
        return []
    names = "|".join(re.escape(o.name) for o in spec.options)
    starts = list(re.finditer(rf"(?:^|(?<=\s))({names}):", rest, flags=re.IGNORECASE))
    head = rest[: starts[0].start()] if starts else rest
    if head.strip():
        raise Malformed(_not_an_option(spec, head.strip()))
    pairs = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(rest)
        pairs.append((match.group(1).casefold(), rest[match.end() : end].strip()))
    return pairs


def _not_an_option(spec: CommandSpec, text: str) -> str:
    names = ", ".join(f"{o.name}:" for o in spec.options)
    word = text.split()[0]
    if ":" in word:
        return (
            f"/{spec.name} has no option {shown(word.split(':')[0], 20)}:; its options are {names}"
        )
    return (
        f"Options are written name:value — “{shown(text, 30)}” is not one. "
        f"/{spec.name} takes {names}"
    )


def parse(line: str) -> Typed:
    """Read one command line (``/…``) into its command and typed options."""
    spec, rest = find_command(line.strip())
    options: dict[str, Value] = {}
    for name, raw in split_options(spec, rest):
        option = spec.option(name)
        assert option is not None
        if name in options:
            raise Malformed(f"{name}: is given twice.")
        options[name] = _convert(option, raw)
    missing = [f"{o.name}:" for o in spec.options if o.required and o.name not in options]
    if missing:
        raise Malformed(f"/{spec.name} needs {', '.join(missing)} (usage: {spec.usage}).")
    return Typed(spec=spec, options=options)


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _convert(option: OptionSpec, raw: str) -> Value:
    if not raw:
        raise Malformed(f"{option.name}: is empty.")
    kind = option.kind
    if kind is AppCommandOptionType.boolean:
        word = raw.casefold()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise Malformed(f"{option.name}: is true or false, not “{shown(raw, 20)}”.")
    if kind is AppCommandOptionType.integer:
        try:
            number = int(raw)
        except ValueError:
            raise Malformed(f"{option.name}: is a whole number, not “{shown(raw, 20)}”.") from None
        low, high = option.min_value, option.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            span = f"from {low} to {high}" if low is not None and high is not None else ""
            span = span or (f"at least {low}" if low is not None else f"at most {high}")
            raise Malformed(f"{option.name}: is a whole number {span}.")
        return number
    if option.max_value is not None and len(raw) > option.max_value:
        raise Malformed(
            f"{option.name}: is {len(raw)} characters; the limit is {int(option.max_value)}."
        )
    return raw

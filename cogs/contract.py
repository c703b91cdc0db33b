"""Every slash command's options, checked against what the command declares, whatever was sent.

Discord's own client keeps to each option's declared type, range, length and choices; a crafted
client need not, and discord.py re-checks almost none of it: its Namespace takes string, integer
and boolean values as sent (whatever their type), ``Range`` and ``Literal`` transform to the
value itself (IdentityTransformer), and only ``Choice``, member and channel options raise a
TransformerError. So the tree checks every incoming command here first (``admitted``), and
every failure, this check's or a transformer's, is an ephemeral sentence that says what the
option takes (``allowed``), never the apology. Modals' text fields likewise (``CheckedModal``):
discord.py does not re-check their declared lengths either.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

import discord
from discord import AppCommandOptionType, ChannelType, app_commands

from cogs.common import Interaction, NotAllowed, refuse

# Discord's snowflakes are unsigned 64-bit integers.
SNOWFLAKE_MAX = 2**64 - 1
# Discord's integer options (and their declared bounds) lie within ±(2^53 - 1).
DISCORD_INTEGER = 2**53 - 1
OptionType = AppCommandOptionType
SUBCOMMANDS = (OptionType.subcommand.value, OptionType.subcommand_group.value)
CHANNEL_KINDS = {
    ChannelType.text: "text",
    ChannelType.news: "announcement",
    ChannelType.voice: "voice",
    ChannelType.stage_voice: "stage",
    ChannelType.category: "category",
    ChannelType.forum: "forum",
    ChannelType.media: "media",
    ChannelType.news_thread: "announcement thread",
    ChannelType.public_thread: "thread",
    ChannelType.private_thread: "private thread",
}
# Where each entity option's value must be found among the interaction's resolved data.
RESOLVED = {
    OptionType.user: ("users",),
    OptionType.channel: ("channels",),
    OptionType.role: ("roles",),
    OptionType.mentionable: ("users", "roles"),
    OptionType.attachment: ("attachments",),
}
# The longest text a modal's text field can hold.
TEXT_INPUT_MAX = 4000
UNREADABLE = "I could not read that command; pick it again from the list Discord shows for /."


class OutOfContract(NotAllowed):
    """An option the command does not take as sent; ``message`` says what it takes."""


async def admitted(interaction: Interaction) -> bool:
    """The tree's check of every slash command and autocomplete before discord.py reads it.

    A command with an option outside its declaration raises OutOfContract (answered by the
    tree's handler). An autocomplete whose options are not even of their declared types is
    answered with no suggestions, and goes no further (False)."""
    if interaction.type is discord.InteractionType.application_command:
        check_command(interaction)
        return True
    if interaction.type is not discord.InteractionType.autocomplete:
        return True
    try:
        sent = _options_of(interaction)
    except OutOfContract:
        sent = None
    if sent is not None and all(_typed(param, option) for param, option in sent.values()):
        return True
    with contextlib.suppress(discord.HTTPException):
        await interaction.response.autocomplete([])
    return False


def check_command(interaction: Interaction) -> None:
    """Raise OutOfContract unless every option of this slash command keeps to its declaration:
    its type, range or length, choices, resolved entity, and every required option present."""
    sent = _options_of(interaction)
    if sent is None:
        return  # unknown or stale: the tree raises CommandNotFound, answered by its handler
    command = interaction.command
    assert isinstance(command, app_commands.Command)
    data: Mapping[str, Any] = interaction.data or {}
    resolved = data.get("resolved")
    resolved = resolved if isinstance(resolved, Mapping) else {}
    for param in command.parameters:
        name = param.display_name
        if name not in sent:
            if param.required:
                raise OutOfContract(f"`{name}` is needed. {allowed(param)}")
            continue
        if not _keeps(param, sent[name][1], resolved):
            raise OutOfContract(allowed(param))


def _options_of(
    interaction: Interaction,
) -> dict[str, tuple[app_commands.Parameter, Mapping[str, Any]]] | None:
    """Each option sent, by name, with the parameter that declares it; None when the command
    is not one of the tree's. OutOfContract for an option it does not declare, or one twice."""
    try:
        command = interaction.command
    except (KeyError, TypeError, ValueError, AttributeError):
        raise OutOfContract(UNREADABLE) from None
    if not isinstance(command, app_commands.Command):
        return None
    data: Mapping[str, Any] = interaction.data or {}
    declared = {param.display_name: param for param in command.parameters}
    sent: dict[str, tuple[app_commands.Parameter, Mapping[str, Any]]] = {}
    for option in _leaf_options(data.get("options")):
        name = option.get("name")
        if not isinstance(name, str) or name not in declared:
            raise OutOfContract(_takes(command, name))
        if name in sent:
            raise OutOfContract(f"`{name}` was sent twice; give it once.")
        sent[name] = (declared[name], option)
    return sent


def allowed(param: app_commands.Parameter) -> str:
    """The sentence saying what ``param`` takes, from its declaration (as synced to Discord)."""
    name = f"`{param.display_name}`"
    if param.choices:
        listed = ", ".join(f"`{choice.value}`" for choice in param.choices)
        return f"{name} must be one of: {listed}."
    low, high = param.min_value, param.max_value
    kind = param.type
    if kind is OptionType.string:
        return f"{name} must be text of {_span(low, high, 'character')}."
    if kind is OptionType.integer:
        low = -DISCORD_INTEGER if low is None else low
        high = DISCORD_INTEGER if high is None else high
        return f"{name} must be a whole number from {_written(low)} to {_written(high)}."
    if kind is OptionType.number:
        if low is None and high is None:
            return f"{name} must be a number."
        return f"{name} must be a number {_bounds(low, high)}."
    if kind is OptionType.boolean:
        return f"{name} must be true or false."
    where = " of this server" if _in_a_server(param.command) else ""
    if kind is OptionType.user:
        return f"{name} must be a member{where}." if where else f"{name} must be a user."
    if kind is OptionType.channel:
        kinds = [CHANNEL_KINDS.get(t, t.name) for t in param.channel_types]
        return f"{name} must be a {_either(kinds) + ' ' if kinds else ''}channel{where}."
    if kind is OptionType.role:
        return f"{name} must be a role{where}."
    if kind is OptionType.mentionable:
        return f"{name} must be a member or a role{where}."
    return f"{name} must be a file."


def transformer_refusal(interaction: Interaction, error: app_commands.TransformerError) -> str:
    """The sentence for an option a transformer could not take (a user who is not a member, a
    channel of the wrong kind): what that option takes."""
    command = interaction.command
    if isinstance(command, app_commands.Command):
        values = interaction.namespace.__dict__
        params = command.parameters
        failed = [p for p in params if values.get(p.display_name) is error.value] or [
            p for p in params if p.type is error.type
        ]
        if failed:
            return allowed(failed[0])
    return f"I could not read “{str(error.value)[:50]}” there."


class CheckedModal(discord.ui.Modal):
    """A modal whose text fields are checked against their declared lengths when submitted (a
    crafted client can submit any text, or none): outside them, an ephemeral sentence saying
    what the field takes, and ``on_submit`` is not called."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        for item in self.walk_children():
            if not isinstance(item, discord.ui.TextInput):
                continue
            value = item.value
            low = item.min_length or (1 if item.required else 0)
            high = item.max_length or TEXT_INPUT_MAX
            if not isinstance(value, str) or not _within(len(value), low, high):
                # its label (read from its payload: TextInput.label itself is deprecated)
                label = item.to_component_dict().get("label") or "The field"
                await refuse(interaction, f"“{label}” takes {_span(low, high, 'character')}.")
                return False
        return True


def _leaf_options(options: object) -> list[Mapping[str, Any]]:
    """The options of the subcommand invoked (the interaction's options, below any group)."""
    current: object = options if options is not None else []
    while True:
        if not isinstance(current, Sequence) or not all(isinstance(o, Mapping) for o in current):
            raise OutOfContract(UNREADABLE)
        group = [o for o in current if o.get("type") in SUBCOMMANDS]
        if not group:
            return list(current)
        current = group[0].get("options") or []


def _takes(command: app_commands.Command[Any, ..., Any], name: object) -> str:
    """The sentence for an option the command does not declare."""
    names = ", ".join(f"`{p.display_name}`" for p in command.parameters)
    what = f"`{str(name)[:32]}`" if isinstance(name, str) else "an option without a name"
    if not names:
        return f"/{command.qualified_name} takes no options (not {what})."
    return f"/{command.qualified_name} takes only {names} (not {what})."


def _typed(param: app_commands.Parameter, option: Mapping[str, Any]) -> bool:
    """Whether an autocomplete's option is at least of its declared type (what is being typed
    arrives as text; the other options need not be within their ranges yet)."""
    kind, value = param.type, option.get("value")
    if option.get("type") != kind.value:
        return False
    if option.get("focused"):
        return isinstance(value, str) or (kind is not OptionType.string and _numeric(value))
    if kind is OptionType.string:
        return isinstance(value, str)
    if kind is OptionType.integer:
        return type(value) is int
    if kind is OptionType.number:
        return _numeric(value)
    if kind is OptionType.boolean:
        return type(value) is bool
    return _snowflake(value)


def _numeric(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _snowflake(value: object) -> bool:
    if not isinstance(value, str) or not value.isascii() or not value.isdecimal():
        return False
    return 0 < int(value) <= SNOWFLAKE_MAX


def _keeps(param: app_commands.Parameter, option: Mapping[str, Any], resolved: Any) -> bool:
    """Whether ``option`` (as sent) keeps to ``param``'s declaration."""
    kind, value = param.type, option.get("value")
    if option.get("type") != kind.value:
        return False
    if param.choices and value not in [choice.value for choice in param.choices]:
        return False
    low, high = param.min_value, param.max_value
    if kind is OptionType.string:
        return isinstance(value, str) and _within(len(value), low, high)
    if kind is OptionType.integer:
        if type(value) is not int or not _within(value, low, high):
            return False
        return -DISCORD_INTEGER <= value <= DISCORD_INTEGER
    if kind is OptionType.number:
        return _numeric(value) and math.isfinite(value) and _within(value, low, high)
    if kind is OptionType.boolean:
        return type(value) is bool
    return _resolves(param, value, resolved)


def _resolves(param: app_commands.Parameter, value: object, resolved: Any) -> bool:
    """Whether an entity option names a snowflake Discord resolved, of a kind it takes."""
    if not _snowflake(value):
        return False
    for key in RESOLVED.get(param.type, ()):
        found = resolved.get(key) if isinstance(resolved, Mapping) else None
        entity = found.get(value) if isinstance(found, Mapping) else None
        if not isinstance(entity, Mapping):
            continue
        if param.type is OptionType.channel and param.channel_types:
            return entity.get("type") in [t.value for t in param.channel_types]
        return True
    return False


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _span(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        if low == high:
            return f"exactly {_written(high)} {unit}s"
        return f"{_written(low)} to {_written(high)} {unit}s"
    if high is not None:
        return f"at most {_written(high)} {unit}s"
    return f"at least {_written(low or 0)} {unit}s"


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"from {_written(low)} to {_written(high)}"
    return f"of at most {_written(high)}" if high is not None else f"of at least {_written(low)}"


def _written(value: float | None) -> str:
    """A bound as written: 1440, not 1440.0 or 1.44e+03."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _in_a_server(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether the command (or the group it belongs to) is used in servers only."""
    root = command.root_parent
    return command.guild_only or (root is not None and root.guild_only)


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

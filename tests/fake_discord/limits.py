"""Discord's documented limits, answered like Discord does (50035 Invalid Form Body + errors)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .models import IS_COMPONENTS_V2, iter_components

# Messages (docs: resources/message, Create Message and Embed Limits).
MAX_CONTENT = 2000
MAX_EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER_TEXT = 2048
EMBED_AUTHOR_NAME = 256
EMBED_TOTAL = 6000
MAX_FILES = 10
DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
ALLOWED_MENTIONS_IDS = 100
# Components (docs: components/reference).
MAX_ACTION_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
SELECT_PLACEHOLDER = 150
SELECT_VALUES = 25
V2_MAX_COMPONENTS = 40
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
TEXT_INPUT_PLACEHOLDER = 100
# Interactions (docs: interactions/receiving-and-responding).
INTERACTION_RESPONSE_DEADLINE = 3.0
INTERACTION_TOKEN_LIFETIME = 15 * 60.0
AUTOCOMPLETE_CHOICES = 25
MODAL_TITLE = 45
MODAL_MAX_COMPONENTS = 5
# Application commands (docs: interactions/application-commands).
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
OPTION_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
COMMAND_TOTAL_CHARS = 8000
MAX_COMMANDS_PER_TYPE = {1: 100, 2: 15, 3: 15, 4: 1}
# Webhooks (docs: resources/webhook).
WEBHOOK_NAME = 80
FORBIDDEN_WEBHOOK_NAME_PARTS = ("clyde", "discord")

CHAT_INPUT, SUB_COMMAND, SUB_COMMAND_GROUP = 1, 1, 2
CHOICE_TYPES = frozenset({3, 4, 10})
_NAME_PUNCTUATION = frozenset("-_'")


@dataclass(frozen=True)
class FieldError:
    path: tuple[str | int, ...]
    code: str
    message: str

    def describe(self) -> str:
        where = ".".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.message}"


def errors_tree(errors: Iterable[FieldError]) -> dict[str, Any]:
    """Discord's nested ``errors``: ``{"embeds": {"0": {"title": {"_errors": [...]}}}}``."""
    tree: dict[str, Any] = {}
    for err in errors:
        node = tree
        for seg in err.path:
            node = node.setdefault(str(seg), {})
        node.setdefault("_errors", []).append({"code": err.code, "message": err.message})
    return tree


def _max_len(path: tuple[str | int, ...], value: Any, limit: int) -> list[FieldError]:
    if isinstance(value, str) and len(value.strip()) > limit:
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def _bad_len(path: tuple[str | int, ...], value: Any, low: int, high: int) -> list[FieldError]:
    size = len(value) if isinstance(value, (str, list)) else 0
    if value is None or not low <= size <= high:
        msg = f"Must be between {low} and {high} in length."
        return [FieldError(path, "BASE_TYPE_BAD_LENGTH", msg)]
    return []


def _too_many(path: tuple[str | int, ...], items: Any, limit: int) -> list[FieldError]:
    if isinstance(items, list) and len(items) > limit:
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


# --- messages ---------------------------------------------------------------------------------


def check_message(body: dict[str, Any], *, files: int = 0) -> list[FieldError]:
    """Validate a create/edit message body (content, embeds, components, mentions, files)."""
    errors = _max_len(("content",), body.get("content"), MAX_CONTENT)
    errors += check_embeds(body.get("embeds"))
    flags = body.get("flags") or 0
    errors += check_components(body.get("components"), flags)
    errors += check_allowed_mentions(body.get("allowed_mentions"))
    if files > MAX_FILES:
        msg = f"Must be {MAX_FILES} or fewer in length."
        errors.append(FieldError(("attachments",), "BASE_TYPE_MAX_LENGTH", msg))
    if flags & IS_COMPONENTS_V2:
        for key in ("content", "embeds"):
            if body.get(key):
                msg = "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2."
                errors.append(FieldError((key,), "MESSAGE_CANNOT_USE_LEGACY_FIELDS", msg))
    return errors


def check_embeds(embeds: Any) -> list[FieldError]:
    if not embeds:
        return []
    if not isinstance(embeds, list):
        return [FieldError(("embeds",), "LIST_TYPE_CONVERT", "Must be an array.")]
    errors = _too_many(("embeds",), embeds, MAX_EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        errors += check_embed(i, embed)
        total += embed_length(embed)
    if total > EMBED_TOTAL:
        msg = f"Embed size exceeds maximum size of {EMBED_TOTAL}"
        errors.append(FieldError(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", msg))
    return errors


def check_embed(index: int, embed: dict[str, Any]) -> list[FieldError]:
    p: tuple[str | int, ...] = ("embeds", index)
    errors = _max_len((*p, "title"), embed.get("title"), EMBED_TITLE)
    errors += _max_len((*p, "description"), embed.get("description"), EMBED_DESCRIPTION)
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    errors += _max_len((*p, "footer", "text"), footer.get("text"), EMBED_FOOTER_TEXT)
    errors += _max_len((*p, "author", "name"), author.get("name"), EMBED_AUTHOR_NAME)
    fields = embed.get("fields") or []
    errors += _too_many((*p, "fields"), fields, EMBED_FIELDS)
    for j, fld in enumerate(fields):
        fp = (*p, "fields", j)
        for key, limit in (("name", EMBED_FIELD_NAME), ("value", EMBED_FIELD_VALUE)):
            value = fld.get(key)
            if not isinstance(value, str) or not value.strip():
                errors.append(
                    FieldError((*fp, key), "BASE_TYPE_REQUIRED", "This field is required")
                )
            errors += _max_len((*fp, key), value, limit)
    return errors


def embed_length(embed: dict[str, Any]) -> int:
    """Characters counted toward the 6000 limit (leading/trailing whitespace excluded)."""
    texts = [embed.get("title"), embed.get("description")]
    texts.append((embed.get("footer") or {}).get("text"))
    texts.append((embed.get("author") or {}).get("name"))
    for fld in embed.get("fields") or []:
        texts += [fld.get("name"), fld.get("value")]
    return sum(len(t.strip()) for t in texts if isinstance(t, str))


def check_allowed_mentions(am: Any) -> list[FieldError]:
    if am is None:
        return []
    p: tuple[str | int, ...] = ("allowed_mentions",)
    errors: list[FieldError] = []
    parse = am.get("parse") or []
    for value in parse:
        if value not in ("roles", "users", "everyone"):
            msg = f"Value '{value}' is not a valid allowed mention type."
            errors.append(FieldError((*p, "parse"), "ENUM_TYPE_COERCE", msg))
    for key in ("users", "roles"):
        ids = am.get(key) or []
        errors += _too_many((*p, key), ids, ALLOWED_MENTIONS_IDS)
        if ids and key in parse:
            msg = f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.'
            errors.append(FieldError((*p,), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", msg))
    return errors


# --- components -------------------------------------------------------------------------------


def check_components(components: Any, flags: int = 0) -> list[FieldError]:
    if not components:
        return []
    if not isinstance(components, list):
        return [FieldError(("components",), "LIST_TYPE_CONVERT", "Must be an array.")]
    check = _check_v2 if flags & IS_COMPONENTS_V2 else _check_legacy
    return check(components) + _check_unique_custom_ids(components)


def _check_legacy(rows: list[Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(rows) > MAX_ACTION_ROWS:
        msg = f"Must be between 1 and {MAX_ACTION_ROWS} in length."
        errors.append(FieldError(("components",), "BASE_TYPE_BAD_LENGTH", msg))
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or row.get("type") != 1:
            msg = 'Value of field "type" must be one of (1,).'
            errors.append(FieldError(("components", i, "type"), "UNION_TYPE_CHOICES", msg))
            continue
        errors += check_action_row(("components", i), row)
    return errors


def _check_v2(components: list[Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(iter_components(components)) > V2_MAX_COMPONENTS:
        msg = f"Must be {V2_MAX_COMPONENTS} or fewer in total."
        errors.append(FieldError(("components",), "BASE_TYPE_MAX_LENGTH", msg))
    for i, comp in enumerate(components):
        for row in iter_components([comp]):
            if row.get("type") == 1:
                errors += check_action_row(("components", i), row)
            elif row.get("type") == 2:
                errors += check_button(("components", i), row)
    return errors


def check_action_row(path: tuple[str | int, ...], row: dict[str, Any]) -> list[FieldError]:
    children = row.get("components") or []
    cp = (*path, "components")
    errors = _bad_len(cp, children, 1, MAX_BUTTONS_PER_ROW)
    selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
    if selects and len(children) > 1:
        msg = "An action row containing a select menu cannot also contain other components."
        errors.append(FieldError(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", msg))
    for j, child in enumerate(children):
        kind = child.get("type")
        if kind == 2:
            errors += check_button((*cp, j), child)
        elif kind in (3, 5, 6, 7, 8):
            errors += check_select((*cp, j), child)
        elif kind == 4:
            errors += check_text_input((*cp, j), child)
    return errors


def check_button(path: tuple[str | int, ...], button: dict[str, Any]) -> list[FieldError]:
    errors = _max_len((*path, "label"), button.get("label"), BUTTON_LABEL)
    style = button.get("style")
    if style == 5:
        if not button.get("url"):
            errors.append(
                FieldError((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
            )
        return errors
    if style == 6:
        return errors
    return errors + _check_custom_id(path, button)


def check_select(path: tuple[str | int, ...], select: dict[str, Any]) -> list[FieldError]:
    errors = _check_custom_id(path, select)
    errors += _max_len((*path, "placeholder"), select.get("placeholder"), SELECT_PLACEHOLDER)
    if select.get("type") == 3:
        options = select.get("options") or []
        errors += _bad_len((*path, "options"), options, 1, SELECT_OPTIONS)
        for k, opt in enumerate(options):
            for key in ("label", "value", "description"):
                errors += _max_len((*path, "options", k, key), opt.get(key), SELECT_OPTION_TEXT)
    for key, low in (("min_values", 0), ("max_values", 1)):
        value = select.get(key)
        if value is not None and not low <= value <= SELECT_VALUES:
            msg = f"int value should be between {low} and {SELECT_VALUES}."
            errors.append(FieldError((*path, key), "NUMBER_TYPE_MAX", msg))
    return errors


def check_text_input(path: tuple[str | int, ...], comp: dict[str, Any]) -> list[FieldError]:
    errors = _check_custom_id(path, comp)
    errors += _max_len((*path, "label"), comp.get("label"), TEXT_INPUT_LABEL)
    errors += _max_len((*path, "value"), comp.get("value"), TEXT_INPUT_VALUE)
    errors += _max_len((*path, "placeholder"), comp.get("placeholder"), TEXT_INPUT_PLACEHOLDER)
    return errors


def _check_custom_id(path: tuple[str | int, ...], comp: dict[str, Any]) -> list[FieldError]:
    custom_id = comp.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        return [FieldError((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")]
    return _max_len((*path, "custom_id"), custom_id, CUSTOM_ID)


def _check_unique_custom_ids(components: list[Any]) -> list[FieldError]:
    seen: set[str] = set()
    for comp in iter_components(components):
        custom_id = comp.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            msg = f"Component custom id cannot be duplicated ({custom_id!r})."
            return [FieldError(("components",), "COMPONENT_CUSTOM_ID_DUPLICATED", msg)]
        seen.add(custom_id)
    return []


# --- interaction callbacks --------------------------------------------------------------------


def check_autocomplete(data: dict[str, Any]) -> list[FieldError]:
    choices = data.get("choices") or []
    errors = _too_many(("data", "choices"), choices, AUTOCOMPLETE_CHOICES)
    for i, choice in enumerate(choices):
        errors += _check_choice(("data", "choices", i), choice)
    return errors


def check_modal(data: dict[str, Any]) -> list[FieldError]:
    errors = _bad_len(("data", "title"), data.get("title"), 1, MODAL_TITLE)
    errors += _check_custom_id(("data",), data)
    comps = data.get("components") or []
    errors += _bad_len(("data", "components"), comps, 1, MODAL_MAX_COMPONENTS)
    for i, comp in enumerate(comps):
        path: tuple[str | int, ...] = ("data", "components", i)
        if comp.get("type") == 1:
            errors += check_action_row(path, comp)
        elif comp.get("type") == 18:
            errors += _max_len((*path, "label"), comp.get("label"), TEXT_INPUT_LABEL)
            inner = comp.get("component") or {}
            if inner.get("type") == 4:
                errors += check_text_input((*path, "component"), inner)
            elif inner.get("type") in (3, 5, 6, 7, 8):
                errors += check_select((*path, "component"), inner)
    return errors


def _check_choice(path: tuple[str | int, ...], choice: dict[str, Any]) -> list[FieldError]:
    errors = _bad_len((*path, "name"), choice.get("name"), 1, CHOICE_NAME)
    value = choice.get("value")
    if isinstance(value, str):
        errors += _max_len((*path, "value"), value, CHOICE_VALUE)
    return errors


# --- application commands ---------------------------------------------------------------------


def valid_command_name(name: Any, *, chat_input: bool = True) -> bool:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where possible."""
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME:
        return False
    if not chat_input:
        return bool(name.strip())
    return all(_valid_name_char(ch) for ch in name)


def _valid_name_char(ch: str) -> bool:
    if ch in _NAME_PUNCTUATION:
        return True
    if 0x0900 <= ord(ch) <= 0x097F or 0x0E00 <= ord(ch) <= 0x0E7F:
        return True
    if unicodedata.category(ch)[0] not in "LN":
        return False
    return ch.lower() == ch


def check_commands(commands: Any) -> list[FieldError]:
    """Validate a bulk-overwrite body: every command, per-type counts and unique names."""
    if not isinstance(commands, list):
        return [FieldError((), "LIST_TYPE_CONVERT", "Must be an array.")]
    errors: list[FieldError] = []
    seen: dict[tuple[int, str], int] = {}
    counts: dict[int, int] = {}
    for i, cmd in enumerate(commands):
        errors += check_command(cmd, (i,))
        kind = cmd.get("type", 1)
        counts[kind] = counts.get(kind, 0) + 1
        key = (kind, cmd.get("name"))
        if key in seen:
            msg = f"Application command names must be unique ({cmd.get('name')!r})."
            errors.append(FieldError((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", msg))
        seen[key] = i
    for kind, count in counts.items():
        limit = MAX_COMMANDS_PER_TYPE.get(kind, 100)
        if count > limit:
            msg = f"Maximum number of type {kind} application commands reached ({limit})."
            errors.append(FieldError((), "BASE_TYPE_MAX_LENGTH", msg))
    return errors


def check_command(cmd: dict[str, Any], path: tuple[str | int, ...] = ()) -> list[FieldError]:
    kind = cmd.get("type", 1)
    errors: list[FieldError] = []
    if not valid_command_name(cmd.get("name"), chat_input=kind in (1, 4)):
        msg = f"Command name {cmd.get('name')!r} is invalid"
        errors.append(FieldError((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", msg))
    if kind == CHAT_INPUT:
        errors += _bad_len((*path, "description"), cmd.get("description"), 1, COMMAND_DESCRIPTION)
        errors += _check_options((*path, "options"), cmd.get("options") or [], depth=0)
        if command_size(cmd) > COMMAND_TOTAL_CHARS:
            msg = f"Command exceeds maximum size ({COMMAND_TOTAL_CHARS})"
            errors.append(FieldError(path, "APPLICATION_COMMAND_TOO_LARGE", msg))
    elif cmd.get("description"):
        msg = "Description must be empty for USER and MESSAGE commands."
        errors.append(FieldError((*path, "description"), "BASE_TYPE_BAD_LENGTH", msg))
    return errors


def _check_options(path: tuple[str | int, ...], options: list[Any], depth: int) -> list[FieldError]:
    errors = _too_many(path, options, COMMAND_OPTIONS)
    names: set[str] = set()
    seen_optional = False
    for i, opt in enumerate(options):
        errors += _check_option((*path, i), opt, depth)
        if opt.get("name") in names:
            msg = f"Option names must be unique ({opt.get('name')!r})."
            errors.append(
                FieldError((*path, i, "name"), "APPLICATION_COMMAND_OPTIONS_DUPLICATE", msg)
            )
        names.add(opt.get("name"))
        if opt.get("type") not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if opt.get("required") and seen_optional:
                msg = "Required options must be placed before non-required options"
                errors.append(FieldError((*path, i), "APPLICATION_COMMAND_OPTIONS_ORDER", msg))
            seen_optional = seen_optional or not opt.get("required")
    return errors


def _check_option(path: tuple[str | int, ...], opt: dict[str, Any], depth: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if not valid_command_name(opt.get("name")):
        msg = f"Option name {opt.get('name')!r} is invalid"
        errors.append(FieldError((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", msg))
    errors += _bad_len((*path, "description"), opt.get("description"), 1, COMMAND_DESCRIPTION)
    kind = opt.get("type")
    choices = opt.get("choices") or []
    errors += _too_many((*path, "choices"), choices, OPTION_CHOICES)
    for i, choice in enumerate(choices):
        errors += _check_choice((*path, "choices", i), choice)
    if choices and opt.get("autocomplete"):
        msg = "Autocomplete and choices are mutually exclusive."
        errors.append(FieldError((*path, "autocomplete"), "APPLICATION_COMMAND_AUTOCOMPLETE", msg))
    if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
        if depth >= 2 or (kind == SUB_COMMAND_GROUP and depth >= 1):
            msg = "Subcommands are nested too deeply."
            errors.append(FieldError((*path, "type"), "APPLICATION_COMMAND_NESTING", msg))
        errors += _check_options((*path, "options"), opt.get("options") or [], depth + 1)
    return errors


def command_size(cmd: dict[str, Any]) -> int:
    """Characters of names, descriptions and choice names/values, recursively (8000 limit)."""
    total = len(cmd.get("name") or "") + len(cmd.get("description") or "")
    for opt in cmd.get("options") or []:
        total += command_size(opt)
    for choice in cmd.get("choices") or []:
        total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    return total


def check_webhook_name(path: tuple[str | int, ...], name: Any) -> list[FieldError]:
    errors = _bad_len(path, name, 1, WEBHOOK_NAME)
    if isinstance(name, str):
        lowered = name.lower()
        for part in FORBIDDEN_WEBHOOK_NAME_PARTS:
            if part in lowered:
                msg = f'Username cannot contain "{part}"'
                errors.append(FieldError(path, "USERNAME_INVALID_CONTAINS", msg))
    return errors

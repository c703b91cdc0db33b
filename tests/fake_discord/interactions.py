"""Interactions sent to the bot: Discord-shaped payloads, their state and awaitable handles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import (
    LOADING,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    as_id,
    iter_components,
)
from .waiters import EventLog

if TYPE_CHECKING:
    from .state import DiscordState

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
# Which callback types Discord accepts for which interaction type.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({1}),
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
SUBCOMMAND_TYPES = (1, 2)


@dataclass
class InteractionEvent:
    """Something the bot did with an interaction: "callback", "edit_original", "followup", ..."""

    kind: str
    response_type: int | None = None
    message: Message | None = None
    data: dict[str, Any] | None = None

    def __repr__(self) -> str:
        msg = f" message={self.message.id}" if self.message else ""
        return f"<{self.kind} type={self.response_type}{msg}>"


@dataclass(eq=False)
class InteractionState:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user_id: int
    created: float  # the fake's clock when INTERACTION_CREATE was dispatched
    source_message_id: int | None = None
    # The fake's clock when the first initial-response callback arrived (late ones included).
    answered: float | None = None
    acked: bool = False
    response_type: int | None = None
    invalidated: bool = False
    reported: bool = False
    original_id: int | None = None
    original_filled: bool = False
    followup_ids: list[int] = field(default_factory=list)
    events: EventLog[InteractionEvent] = field(default_factory=EventLog)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the first callback's arrival, on the fake's clock."""
        return None if self.answered is None else self.answered - self.created


class InteractionHandle:
    """Returned by ``send_slash``/``click``/``autocomplete``/``submit_modal``: await the answer."""

    def __init__(self, state: InteractionState, world: DiscordState) -> None:
        self._state = state
        self._world = world

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} events={self.events!r}>"

    @property
    def id(self) -> int:
        return self._state.id

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def type(self) -> int:
        return self._state.type

    @property
    def payload(self) -> dict[str, Any]:
        return self._state.payload

    @property
    def events(self) -> list[InteractionEvent]:
        return self._state.events.items

    @property
    def acknowledged(self) -> bool:
        return self._state.acked

    @property
    def dispatched_at(self) -> float:
        """When INTERACTION_CREATE was dispatched, on the fake's clock (``fake.clock()``)."""
        return self._state.created

    @property
    def answered_at(self) -> float | None:
        """When the bot's first initial-response callback arrived (None: not yet)."""
        return self._state.answered

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the first callback's arrival (None: not answered yet)."""
        return self._state.latency

    @property
    def response_type(self) -> int | None:
        return self._state.response_type

    @property
    def original(self) -> Message | None:
        """The @original message right now (None before a message-producing response)."""
        oid = self._state.original_id
        return self._world.messages.get(oid) if oid is not None else None

    @property
    def followups(self) -> list[Message]:
        return [self._world.messages[i] for i in self._state.followup_ids]

    async def wait_for(
        self, kind: str, timeout: float = 5.0, *, start: int = 0
    ) -> InteractionEvent:
        return await self._state.events.wait_for(
            lambda e: e.kind == kind,
            timeout,
            start=start,
            what=f"{kind!r} on interaction {self.id}",
        )

    async def response(self, timeout: float = 5.0) -> InteractionEvent:
        """The initial callback (any type)."""
        return await self.wait_for("callback", timeout)

    async def answer(self, timeout: float = 5.0, *, placeholder_cleared: bool = False) -> None:
        """Wait for what a deferred ("thinking…") response becomes: the placeholder edited, or a
        follow-up sent; with ``placeholder_cleared``, its deletion counts too (a command that
        posts elsewhere, then clears its placeholder)."""
        finishing = {"edit_original", "followup"} | (
            {"delete_original"} if placeholder_cleared else set()
        )
        await self._state.events.wait_for(
            lambda e: e.kind in finishing, timeout, what=f"the answer to {self.id}"
        )

    async def message(self, timeout: float = 5.0) -> Message:
        """The visible result: the response message, or the deferred one once it was edited."""

        def visible(event: InteractionEvent) -> bool:
            if event.kind == "edit_original":
                return True
            return event.kind == "callback" and event.response_type in (4, 7)

        await self._state.events.wait_for(visible, timeout, what=f"a visible response to {self.id}")
        msg = self.original
        if msg is None or msg.flags & LOADING:
            raise AssertionError(f"interaction {self.id} has no visible message: {self.events!r}")
        return msg

    async def followup(self, index: int = 0, timeout: float = 5.0) -> Message:
        """The ``index``-th follow-up message (0-based)."""

        def enough(_: InteractionEvent) -> bool:
            return len(self._state.followup_ids) > index

        await self._state.events.wait_for(enough, timeout, what=f"follow-up #{index} of {self.id}")
        return self._world.messages[self._state.followup_ids[index]]

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Autocomplete results (callback type 8)."""
        event = await self.response(timeout)
        return list((event.data or {}).get("choices") or [])

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        """The modal the bot opened (callback type 9)."""
        event = await self.response(timeout)
        if event.response_type != 9:
            raise AssertionError(f"expected a modal response, got {event!r}")
        return dict(event.data or {})


# --- payload building -----------------------------------------------------------------------


class InteractionBuilder:
    """Builds Discord-shaped interaction payloads from test-friendly arguments."""

    def __init__(self, world: DiscordState) -> None:
        self.world = world

    def base(
        self,
        itype: int,
        interaction_id: int,
        token: str,
        channel: Channel,
        actor: Member | User,
        locale: str,
    ) -> dict[str, Any]:
        world = self.world
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": world.attachment_size_limit,
            "channel_id": str(channel.id),
        }
        guild = world.guild_of(channel)
        if guild is None:
            payload.update(self._dm_fields(channel, actor))
        else:
            payload.update(self._guild_fields(guild, channel, actor))
        return payload

    def _guild_fields(self, guild: Guild, channel: Channel, actor: Member | User) -> dict[str, Any]:
        member = actor if isinstance(actor, Member) else guild.members[actor.id]
        perms = self.world.permissions(member, channel)
        return {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
            "guild_locale": guild.locale,
            "channel": channel.to_payload(permissions=perms),
            "member": member.to_payload(permissions=perms),
            "app_permissions": str(self.world.bot_permissions(channel) or 0),
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
        }

    def _dm_fields(self, channel: Channel, actor: Member | User) -> dict[str, Any]:
        user = actor.user if isinstance(actor, Member) else actor
        return {
            "channel": channel.to_payload(),
            "user": user.to_payload(),
            "app_permissions": str((1 << 15) | (1 << 14) | (1 << 17) | (1 << 18)),
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
        }

    # --- application commands ---------------------------------------------------------------

    def command_data(
        self,
        command: dict[str, Any] | None,
        name: str,
        path: list[str],
        options: dict[str, Any],
        channel: Channel,
        *,
        focused: str | None = None,
        raw: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        resolved: dict[str, dict[str, Any]] = {}
        schema = command.get("options") if command else None
        leaf_schema, wrap = _navigate(name, path, schema)
        if raw is None:
            values = self._options(leaf_schema, options, channel, resolved, focused)
        else:  # a crafted client: the given options checked, the raw ones sent as they are
            values = self._options(None, options, channel, resolved, focused, leaf_schema)
            values += [dict(option) for option in raw]
        data: dict[str, Any] = {
            "id": command["id"] if command else str(self.world.next_id()),
            "name": name,
            "type": 1,
            "options": wrap(values),
        }
        if command and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _options(
        self,
        schema: list[dict[str, Any]] | None,
        options: dict[str, Any],
        channel: Channel,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        types: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """The options as Discord sends them; ``schema`` (the command's options) is checked
        against, ``types`` (when ``schema`` is None) only says each option's declared type."""
        by_name = {o["name"]: o for o in schema or types or []}
        if schema is not None:
            _check_options(by_name, options, focused)
        out = []
        for opt_name, raw in options.items():
            spec = by_name.get(opt_name)
            kind = spec["type"] if spec else infer_option_type(raw)
            if opt_name == focused:
                out.append({"name": opt_name, "type": kind, "value": str(raw), "focused": True})
                continue
            if spec is not None:
                _check_value(spec, raw)
            value = self.option_value(kind, raw, channel, resolved)
            out.append({"name": opt_name, "type": kind, "value": value})
        return out

    def option_value(
        self, kind: int, raw: Any, channel: Channel, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        if kind == STRING:
            return str(raw)
        if kind == INTEGER:
            return int(raw)
        if kind == BOOLEAN:
            return bool(raw)
        if kind == NUMBER:
            return float(raw)
        if kind == ATTACHMENT:
            return self._resolve_attachment(raw, channel, resolved)
        return self.resolve_entity(kind, raw, channel, resolved)

    def resolve_entity(
        self, kind: int, raw: Any, channel: Channel, resolved: dict[str, dict[str, Any]]
    ) -> str:
        """Add users/members/roles/channels to ``resolved`` the way Discord does; return the id."""
        guild = self.world.guild_of(channel)
        if self._is_role(kind, raw, guild):
            role = raw if isinstance(raw, Role) else guild.roles[as_id(raw)]  # type: ignore[union-attr]
            resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
            return str(role.id)
        if kind == CHANNEL or isinstance(raw, Channel):
            target = raw if isinstance(raw, Channel) else self.world.channels[as_id(raw)]
            perms = self.world.bot_permissions(target) or 0  # Discord sends the invoker's; close
            resolved.setdefault("channels", {})[str(target.id)] = target.to_payload(
                permissions=perms
            )
            return str(target.id)
        user = raw.user if isinstance(raw, Member) else self.world.users[as_id(raw)]
        resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
        if guild is not None and user.id in guild.members:
            member = guild.members[user.id]
            perms = self.world.permissions(member, channel)
            data = member.to_payload(with_user=False, permissions=perms)
            resolved.setdefault("members", {})[str(user.id)] = data
        return str(user.id)

    @staticmethod
    def _is_role(kind: int, raw: Any, guild: Guild | None) -> bool:
        if isinstance(raw, Role) or kind == ROLE:
            return True
        if kind != MENTIONABLE or guild is None or isinstance(raw, (Member, User)):
            return False
        return as_id(raw) in guild.roles

    def _resolve_attachment(
        self, raw: Any, channel: Channel, resolved: dict[str, dict[str, Any]]
    ) -> str:
        if isinstance(raw, Attachment):
            att = raw
        else:
            filename, data = raw
            att_id = self.world.next_id()
            url = f"{self.world.http_base}/attachments/{channel.id}/{att_id}/{filename}"
            att = Attachment(att_id, filename, bytes(data), url)
            self.world.attachments[att_id] = att
        resolved.setdefault("attachments", {})[str(att.id)] = att.to_payload()
        return str(att.id)

    # --- components and modals --------------------------------------------------------------

    def component_data(
        self, message: Message, custom_id: str, values: list[Any] | None, channel: Channel
    ) -> dict[str, Any]:
        comp = message.find_component(custom_id)
        if comp is None:
            raise LookupError(
                f"message {message.id} has no component {custom_id!r}: {message.custom_ids()}"
            )
        if comp.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; a user cannot use it")
        kind = comp.get("type")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind in (3, 5, 6, 7, 8):
            data["values"] = self._select_values(comp, values or [], channel, data)
        return data

    def _select_values(
        self, comp: dict[str, Any], values: list[Any], channel: Channel, data: dict[str, Any]
    ) -> list[str]:
        if comp.get("type") == 3:
            allowed = {o.get("value") for o in comp.get("options") or []}
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"select {comp.get('custom_id')!r} has no options {bad}")
            return [str(v) for v in values]
        resolved: dict[str, dict[str, Any]] = {}
        kind = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}[comp["type"]]
        ids = [self.resolve_entity(kind, v, channel, resolved) for v in values]
        data["resolved"] = resolved
        return ids

    def modal_data(self, modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Mirror the modal's layout, filling in the submitted values by custom_id."""
        known = {c.get("custom_id") for c in iter_components(modal.get("components") or [])}
        unknown = set(values) - known
        if unknown:
            raise LookupError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")
        comps = [_submitted(c, values) for c in modal.get("components") or []]
        return {"custom_id": modal.get("custom_id"), "components": comps}


def infer_option_type(raw: Any) -> int:
    if isinstance(raw, bool):
        return BOOLEAN
    if isinstance(raw, int):
        return INTEGER
    if isinstance(raw, float):
        return NUMBER
    if isinstance(raw, Role):
        return ROLE
    if isinstance(raw, Channel):
        return CHANNEL
    if isinstance(raw, (Member, User)):
        return USER
    if isinstance(raw, (tuple, Attachment)):
        return ATTACHMENT
    return STRING


def _navigate(name: str, path: list[str], schema: list[dict[str, Any]] | None) -> tuple[Any, Any]:
    """Walk ``/name group sub`` down the schema; return the leaf options and a re-wrapper."""
    wrappers: list[tuple[str, int]] = []
    current = schema
    for token in path:
        if current is None:
            wrappers.append((token, 1 if len(wrappers) == len(path) - 1 else 2))
            continue
        sub = next(
            (o for o in current if o["name"] == token and o["type"] in SUBCOMMAND_TYPES), None
        )
        if sub is None:
            raise LookupError(f"/{name} has no subcommand or group {token!r}")
        wrappers.append((token, sub["type"]))
        current = sub.get("options") or []
    if current and any(o["type"] in SUBCOMMAND_TYPES for o in current):
        raise LookupError(f"/{name} {' '.join(path)} needs a subcommand")

    def wrap(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for token, kind in reversed(wrappers):
            values = [{"name": token, "type": kind, "options": values}]
        return values

    return current, wrap


def _check_options(by_name: dict[str, Any], options: dict[str, Any], focused: str | None) -> None:
    unknown = set(options) - set(by_name)
    if unknown:
        raise LookupError(f"unknown options {sorted(unknown)}; the command has {sorted(by_name)}")
    if focused is None:
        missing = [n for n, o in by_name.items() if o.get("required") and n not in options]
        if missing:
            raise ValueError(f"required options missing: {missing}")
    elif not by_name[focused].get("autocomplete"):
        raise ValueError(f"option {focused!r} does not have autocomplete enabled")


def _check_value(spec: dict[str, Any], raw: Any) -> None:
    choices = spec.get("choices")
    if choices and raw not in [c["value"] for c in choices]:
        raise ValueError(f"{raw!r} is not a choice of option {spec['name']!r}")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        low, high = spec.get("min_value"), spec.get("max_value")
        if (low is not None and raw < low) or (high is not None and raw > high):
            raise ValueError(f"{raw!r} is outside [{low}, {high}] for option {spec['name']!r}")
    if isinstance(raw, str):
        low, high = spec.get("min_length"), spec.get("max_length")
        if (low is not None and len(raw) < low) or (high is not None and len(raw) > high):
            raise ValueError(f"{raw!r} length is outside [{low}, {high}] for {spec['name']!r}")


def _submitted(comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    kind = comp.get("type")
    if kind == 1:
        return {
            "type": 1,
            "components": [_submitted(c, values) for c in comp.get("components") or []],
        }
    if kind == 18:
        return {
            "type": 18,
            "id": comp.get("id"),
            "component": _submitted(comp.get("component") or {}, values),
        }
    custom_id = comp.get("custom_id")
    if kind == 4:
        return {
            "type": 4,
            "custom_id": custom_id,
            "value": str(values.get(custom_id, comp.get("value") or "")),
        }
    if kind in (3, 5, 6, 7, 8):
        chosen = values.get(custom_id, [])
        return {"type": kind, "custom_id": custom_id, "values": [str(v) for v in chosen]}
    return {k: v for k, v in comp.items() if k in ("type", "id")}


def actor_user(actor: Member | User) -> User:
    return actor.user if isinstance(actor, Member) else actor

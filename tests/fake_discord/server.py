"""FakeDiscord: an aiohttp server on loopback speaking Discord's REST API and gateway protocol."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from aiohttp import web

from .errors import ApiError
from .gateway import Gateway, GatewayEvent, GatewaySession
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionBuilder,
    InteractionHandle,
    InteractionState,
    actor_user,
)
from .limits import (
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    INTERACTION_RESPONSE_DEADLINE,
    INTERACTION_TOKEN_LIFETIME,
)
from .models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    Violation,
    Webhook,
    as_id,
    iter_components,
)
from .openapi import ApiSpec, RouteSpec, discord_spec
from .rest import API_PREFIX, ApiRequest, Router, error_response, parse_body
from .routes_channels import ChannelRoutes
from .routes_core import CoreRoutes
from .routes_interactions import InteractionRoutes
from .state import DiscordState
from .waiters import EventLog


@dataclass
class RequestRecord:
    """One REST call as the fake saw it; ``route`` is its template, e.g.
    ``"POST /channels/{channel_id}/messages"``."""

    method: str
    path: str
    route: str | None
    status: int = 0
    body: Any = None
    files: list[str] = field(default_factory=list)


@dataclass
class ErrorRecord:
    method: str
    path: str
    status: int
    code: int
    message: str
    detail: str | None = None


class FakeDiscord:
    """A fake Discord for end-to-end tests of a real discord.py client.

    ``async with FakeDiscord() as fake:`` starts it on a random loopback port; point discord.py
    at it with ``point_discord_at(fake)``; drive the bot with ``send_slash``/``click``/...
    Every request's route and body are checked against Discord's OpenAPI description
    (``openapi.py``); ``check_spec=False`` leaves that out, for a benchmark timing the bot.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "Castle Bot",
        application_id: int | None = None,
        response_deadline: float = INTERACTION_RESPONSE_DEADLINE,
        token_lifetime: float = INTERACTION_TOKEN_LIFETIME,
        heartbeat_interval_ms: int = 41250,
        application_flags: int = 0,
        disallowed_intents: int = 0,
        shard_count: int = 1,
        id_start: datetime | None = None,
        attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
        host: str = "127.0.0.1",
        check_spec: bool = True,
    ) -> None:
        self.token = token
        self.response_deadline = response_deadline
        self.token_lifetime = token_lifetime
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.application_flags = application_flags
        self.disallowed_intents = disallowed_intents
        self.shard_count = shard_count
        self.host = host
        # every request's route and body checked against Discord's OpenAPI description
        self.spec: ApiSpec | None = discord_spec() if check_spec else None
        self.port: int | None = None
        self.state = DiscordState(
            bot_name=bot_name,
            application_id=application_id,
            id_start=id_start,
            attachment_size_limit=attachment_size_limit,
        )
        self.gateway = Gateway(self)
        self.state.emit = self.gateway.dispatch
        self.violations: list[Violation] = []
        self.errors: list[ErrorRecord] = []
        self.requests: list[RequestRecord] = []
        self.interactions: dict[int, InteractionState] = {}
        self.interactions_by_token: dict[str, InteractionState] = {}
        self.command_overrides: dict[tuple[int, str], set[int]] = {}
        self._builder = InteractionBuilder(self.state)
        self._router = Router()
        self._register_routes()
        self._time_offset = 0.0
        self._runner: web.AppRunner | None = None

    def _register_routes(self) -> None:
        interactions = InteractionRoutes(self)
        interactions.register(self._router)
        ChannelRoutes(self, interactions).register(self._router)
        CoreRoutes(self).register(self._router)

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.state.http_base = f"http://{self.host}:{self.port}"
        return self

    async def close(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeDiscord is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    # --- clock ------------------------------------------------------------------------------

    def clock(self) -> float:
        """The fake's notion of now (monotonic seconds), moved forward by ``advance``."""
        return time.monotonic() + self._time_offset

    def advance(self, seconds: float) -> None:
        """Pretend ``seconds`` passed (for deadlines and token expiry) without sleeping."""
        self._time_offset += seconds

    # --- violations -------------------------------------------------------------------------

    def add_violation(
        self,
        kind: str,
        text: str,
        *,
        status: int | None = None,
        code: int | None = None,
        route: str | None = None,
    ) -> Violation:
        violation = Violation(text, kind=kind, status=status, code=code, route=route)
        self.violations.append(violation)
        return violation

    def pop_violations(self) -> list[Violation]:
        """Return and forget the violations (for tests that provoke them on purpose).

        Interactions left unanswered so far are forgotten too, so ``assert_clean`` passes after.
        """
        found, self.violations = self.violations, []
        for inter in self.unanswered_interactions(include_pending=True):
            inter.reported = True
        return found

    def unanswered_interactions(self, *, include_pending: bool = False) -> list[InteractionState]:
        """Interactions whose response window passed (or is still open, with ``include_pending``)
        without an initial response; late answers already reported as violations are left out."""
        now = self.clock()
        return [
            i
            for i in self.interactions.values()
            if not (i.acked or i.invalidated or i.reported)
            and (include_pending or now - i.created > self.response_deadline)
        ]

    def assert_clean(self, *, allow_unanswered: bool = False) -> None:
        """Fail on any recorded violation (and, by default, on an unanswered interaction)."""
        problems = [str(v) for v in self.violations]
        if not allow_unanswered:
            problems += [
                f"interaction {i.id} (type {i.type}) was never answered "
                f"within {self.response_deadline}s"
                for i in self.unanswered_interactions()
            ]
        if problems:
            listing = "\n - ".join(problems)
            raise AssertionError(
                f"fake Discord recorded {len(problems)} violation(s):\n - {listing}"
            )

    # --- HTTP entry point -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.gateway.handle(request)
        if path.startswith("/attachments/"):
            return self._serve_attachment(path)
        if not path.startswith(API_PREFIX + "/"):
            return self._unknown_route(request, path)
        return await self._api(request, path[len(API_PREFIX) :])

    async def _api(self, request: web.Request, sub: str) -> web.StreamResponse:
        match = self._router.match(request.method, sub)
        if match is None:
            return self._unknown_route(request, sub)
        route, params = match
        template = f"{route.method} {route.template}"
        record = RequestRecord(request.method, sub, template)
        self.requests.append(record)
        try:
            spec = self._spec_route(request.method, sub)
            self._check_auth(request, route.auth, template)
            body, files = await parse_body(request)
            record.body, record.files = body, [f.filename for f in files]
            if spec is not None:
                self._check_body(spec, request, body, [f.field for f in files])
            api_req = ApiRequest(request.method, sub, template, params, request.query, body, files)
            response = await route.handler(api_req)
        except ApiError as err:
            response = self._api_error(request.method, sub, template, err)
        except Exception as exc:  # a bug in the fake (or a body it cannot read): make it loud
            detail = "".join(traceback.format_exception_only(exc)).strip()
            err = ApiError(400, 0, "fake Discord could not handle this request", violation="fake")
            err.detail = f"{detail} (see fake.errors; a 5xx would make discord.py retry slowly)"
            response = self._api_error(request.method, sub, template, err)
        record.status = response.status
        return response

    def _spec_route(self, method: str, path: str) -> RouteSpec | None:
        if self.spec is None:
            return None
        found = self.spec.find(method, path)
        if found is None:
            raise ApiError(
                404,
                0,
                "404: Not Found",
                violation="unknown-route",
                detail="no such route in Discord's OpenAPI description",
            )
        return found

    def _check_body(
        self, spec: RouteSpec, request: web.Request, body: Any, file_fields: list[str]
    ) -> None:
        multipart = request.content_type.startswith("multipart/")
        if errors := spec.check(body, multipart=multipart, file_fields=file_fields):
            raise ApiError.invalid_form(errors, kind="schema")

    def _check_auth(self, request: web.Request, required: bool, template: str) -> None:
        header = request.headers.get("Authorization")
        if header is None and not required:
            return
        if header != f"Bot {self.token}":
            detail = "missing Authorization header" if header is None else "wrong bot token"
            raise ApiError(
                401, 0, "401: Unauthorized", violation="auth", detail=f"{template}: {detail}"
            )

    def _api_error(self, method: str, path: str, template: str, err: ApiError) -> web.Response:
        self.errors.append(ErrorRecord(method, path, err.status, err.code, err.message, err.detail))
        if err.violation is not None:
            text = f"{template} -> {err.status} {err.code} {err.message}"
            if err.detail:
                text += f": {err.detail}"
            self.add_violation(
                err.violation, text, status=err.status, code=err.code, route=template
            )
        return error_response(err)

    def _unknown_route(self, request: web.Request, path: str) -> web.Response:
        methods = self._router.allowed_methods(path)
        status, message = (405, "405: Method Not Allowed") if methods else (404, "404: Not Found")
        self.requests.append(RequestRecord(request.method, path, None, status))
        err = ApiError(
            status, 0, message, violation="unknown-route", detail="the fake has no such route"
        )
        return self._api_error(request.method, path, f"{request.method} {path}", err)

    def _serve_attachment(self, path: str) -> web.Response:
        parts = path.split("/")
        att = (
            self.state.attachments.get(int(parts[3]))
            if len(parts) > 3 and parts[3].isdigit()
            else None
        )
        if att is None:
            return web.Response(status=404)
        return web.Response(
            body=att.data, content_type=att.content_type or "application/octet-stream"
        )

    def calls(self, route: str) -> list[RequestRecord]:
        """Requests that matched a route template, e.g. ``"GET /users/@me"``."""
        return [r for r in self.requests if r.route == route]

    # --- world setup ------------------------------------------------------------------------

    @property
    def bot_user(self) -> User:
        return self.state.bot

    @property
    def application_id(self) -> int:
        return self.state.application_id

    def add_user(self, username: str, **kwargs: Any) -> User:
        return self.state.add_user(username, **kwargs)

    def add_guild(
        self,
        name: str = "Castle in the Rain",
        *,
        owner: User | str | None = None,
        bot_permissions: Any = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: Any = DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
    ) -> Guild:
        return self.state.add_guild(
            name,
            owner=owner,
            bot_permissions=bot_permissions,
            everyone_permissions=everyone_permissions,
            locale=locale,
        )

    def add_role(self, guild: Guild, name: str, **kwargs: Any) -> Role:
        return self.state.add_role(guild, name, **kwargs)

    def add_text_channel(self, guild: Guild, name: str, **kwargs: Any) -> Channel:
        return self.state.add_text_channel(guild, name, **kwargs)

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.state.add_category(guild, name)

    def add_thread(self, parent: Channel, name: str, **kwargs: Any) -> Channel:
        return self.state.add_thread(parent, name, **kwargs)

    def add_member(self, guild: Guild, user: User | str, **kwargs: Any) -> Member:
        return self.state.add_member(guild, user, **kwargs)

    def set_permission_overwrite(
        self, channel: Channel, target: Role | Member | Guild, *, allow: Any = 0, deny: Any = 0
    ) -> None:
        self.state.set_permission_overwrite(channel, target, allow=allow, deny=deny)

    def dm_channel(self, user: User | Member) -> Channel:
        return self.state.dm_channel(actor_user(user))

    # --- observing what the bot did ---------------------------------------------------------

    def messages(self, channel: Channel | int) -> list[Message]:
        """Every message posted in a channel, in order (ephemeral and deleted ones included)."""
        return self.state.channels[as_id(channel)].log()

    def visible_messages(self, channel: Channel | int) -> list[Message]:
        return [m for m in self.messages(channel) if not m.deleted and not m.ephemeral]

    @property
    def all_messages(self) -> list[Message]:
        return list(self.state.message_log)

    def message(self, message_id: int) -> Message:
        return self.state.messages[message_id]

    async def wait_for_message(
        self, predicate: Any = None, *, channel: Channel | None = None, timeout: float = 5.0
    ) -> Message:
        """First message (ever posted) matching ``predicate`` and ``channel``; waits if needed."""

        def match(msg: Message) -> bool:
            in_channel = channel is None or msg.channel_id == channel.id
            return in_channel and (predicate is None or predicate(msg))

        return await self.state.message_log.wait_for(match, timeout, what="a matching message")

    @property
    def webhooks(self) -> list[Webhook]:
        return [w for w in self.state.webhooks.values() if not w.deleted]

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """Application commands registered globally (``guild=None``) or for one guild."""
        return list(self.state.commands(guild.id if guild else None).values())

    # --- gateway hooks ----------------------------------------------------------------------

    @property
    def sessions(self) -> list[GatewaySession]:
        """Gateway sessions with a client connected right now."""
        return self.gateway.connected_sessions()

    async def force_reconnect(self, mode: str = "reconnect") -> int:
        """Make clients reconnect: "reconnect" (op 7), "close" (code 4000) or "invalidate"."""
        return await self.gateway.force_reconnect(mode)

    async def wait_for_gateway(
        self, name: str, *, count: int = 1, direction: str | None = None, timeout: float = 5.0
    ) -> GatewayEvent:
        """Wait for the ``count``-th gateway event called ``name`` ("RESUMED", "IDENTIFY"...)."""

        def match(event: GatewayEvent) -> bool:
            return event.name == name and (direction is None or event.direction == direction)

        what = f"gateway {name} x{count}"
        return await self.gateway.log.wait_for(match, timeout, nth=count, what=what)

    @property
    def gateway_log(self) -> EventLog[GatewayEvent]:
        return self.gateway.log

    # --- driving the bot like a user would ---------------------------------------------------

    async def send_slash(
        self,
        command: str,
        *,
        member: Member | User,
        channel: Channel,
        options: dict[str, Any] | None = None,
        guild: Guild | None = None,
        locale: str = "en-US",
        require_registered: bool = True,
        raw_options: list[dict[str, Any]] | None = None,
        made_ago: float = 0.0,
    ) -> InteractionHandle:
        """Invoke ``/command [group] [subcommand]`` with ``options`` (converted by option type).

        ``guild`` is optional (the channel's guild is used) and only checked for consistency.

        ``made_ago``: the interaction was made this many seconds ago (Discord was slow to deliver
        it, or the bot to read it): its id's moment and its 3-second deadline both count from
        then.

        ``raw_options``: what a crafted client might send, added after ``options`` exactly as
        given (``{"name", "type", "value"}``, no conversion and no check against the command's
        declared types, choices, ranges or required options; nothing added to ``resolved``).
        """
        self._check_guild(guild, channel)
        name, path, cmd = self._resolve_command(command, channel, require_registered)
        if cmd is not None:
            self._check_can_use(cmd, member, channel)
        data = self._builder.command_data(cmd, name, path, options or {}, channel, raw=raw_options)
        return self._send_interaction(
            APPLICATION_COMMAND, data, channel, member, locale, made_ago=made_ago
        )

    async def autocomplete(
        self,
        command: str,
        *,
        member: Member | User,
        channel: Channel,
        focused: str,
        options: dict[str, Any] | None = None,
        guild: Guild | None = None,
        locale: str = "en-US",
        raw_options: list[dict[str, Any]] | None = None,
    ) -> InteractionHandle:
        """Type into option ``focused`` (its value in ``options`` is the partial text typed).

        ``raw_options``: a crafted client's options, sent as given (see ``send_slash``); with
        them, ``focused`` may be one of them (then it is not added to ``options``)."""
        self._check_guild(guild, channel)
        name, path, cmd = self._resolve_command(command, channel, True)
        opts = dict(options or {})
        if not any(o.get("name") == focused for o in raw_options or []):
            opts.setdefault(focused, "")
        data = self._builder.command_data(
            cmd, name, path, opts, channel, focused=focused, raw=raw_options
        )
        return self._send_interaction(AUTOCOMPLETE, data, channel, member, locale)

    async def click(
        self,
        message: Message | int,
        custom_id: str,
        *,
        member: Member | User,
        values: list[Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Press a button (or choose ``values`` in a select) on a message the bot posted."""
        msg = message if isinstance(message, Message) else self.state.messages[as_id(message)]
        if msg.deleted:
            raise LookupError(f"message {msg.id} was deleted")
        if msg.author.id != self.state.bot.id:
            raise ValueError(
                f"message {msg.id} was not posted by the bot; it has no bot components"
            )
        channel = self.state.channels[msg.channel_id]
        data = self._builder.component_data(msg, custom_id, values, channel)
        return self._send_interaction(MESSAGE_COMPONENT, data, channel, member, locale, msg)

    async def forge_click(
        self,
        message: Message | int,
        custom_id: str,
        *,
        member: Member | User,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """A crafted client presses a button the bot never made: ``custom_id`` takes the place
        of the first button's on a message the bot posted, in the interaction Discord sends (the
        worst case: a Discord that let the forged id through). The stored message is unchanged.
        """
        msg = message if isinstance(message, Message) else self.state.messages[as_id(message)]
        buttons = [c for c in iter_components(msg.components) if c.get("type") == 2]
        if msg.author.id != self.state.bot.id or not buttons:
            raise ValueError(f"message {msg.id} is not a bot message with a button")
        channel = self.state.channels[msg.channel_id]
        payload = self.state.message_payload(msg)
        payload["components"] = _with_custom_id(payload["components"], buttons[0], custom_id)
        data = {"custom_id": custom_id, "component_type": 2}
        return self._send_interaction(
            MESSAGE_COMPONENT, data, channel, member, locale, msg, message_payload=payload
        )

    async def submit_modal(
        self,
        opened_by: InteractionHandle,
        values: dict[str, Any],
        *,
        member: Member | User | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Submit the modal the bot opened in answer to ``opened_by``, with values by custom_id."""
        modal = opened_by._state.modal
        if modal is None:
            raise ValueError(f"interaction {opened_by.id} did not open a modal")
        prev = opened_by._state
        channel = self.state.channels[prev.channel_id]
        actor = member or self._actor_of(prev, channel)
        source = self.state.messages.get(prev.source_message_id or 0)
        data = self._builder.modal_data(modal, values)
        return self._send_interaction(MODAL_SUBMIT, data, channel, actor, locale, source)

    async def post_user_message(
        self, channel: Channel, author: Member | User, content: str
    ) -> Message:
        """A user writes in a channel: recorded and dispatched as MESSAGE_CREATE."""
        user = actor_user(author)
        return self.state.create_message(
            channel, {"content": content}, [], author=user, source="user"
        )

    def _check_guild(self, guild: Guild | None, channel: Channel) -> None:
        if guild is not None and channel.guild_id != guild.id:
            raise ValueError(f"channel #{channel.name} is not in guild {guild.name!r}")

    def _resolve_command(
        self, command: str, channel: Channel, required: bool
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        name, *path = command.strip().lstrip("/").split()
        guild = self.state.guild_of(channel)
        cmd = self.state.find_command(name, guild.id if guild else None)
        if cmd is None and required:
            known = sorted(
                {c["name"] for c in self.commands(guild)} | {c["name"] for c in self.commands()}
            )
            raise LookupError(
                f"/{name} is not registered for this guild or globally; known: {known}"
            )
        return name, path, cmd

    def allow_command(self, guild: Guild, name: str, member: Member) -> None:
        """An admin's override (Server Settings → Integrations): ``member`` may see ``/name``."""
        self.command_overrides.setdefault((guild.id, name), set()).add(member.id)

    def _check_can_use(self, cmd: dict[str, Any], actor: Member | User, channel: Channel) -> None:
        guild = self.state.guild_of(channel)
        required = cmd.get("default_member_permissions")
        if guild is None or required is None or not isinstance(actor, Member):
            return
        if actor.id in self.command_overrides.get((guild.id, cmd["name"]), set()):
            return
        perms = self.state.permissions(actor, channel)
        needed = int(required)
        allowed = perms == ALL_PERMISSIONS if needed == 0 else perms & needed == needed
        if not allowed:
            raise PermissionError(
                f"{actor.user.username} cannot see /{cmd['name']} (needs permissions {needed})"
            )

    def _actor_of(self, prev: InteractionState, channel: Channel) -> Member | User:
        guild = self.state.guild_of(channel)
        if guild is not None and prev.user_id in guild.members:
            return guild.members[prev.user_id]
        return self.state.users[prev.user_id]

    def _send_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        channel: Channel,
        actor: Member | User,
        locale: str,
        source: Message | None = None,
        *,
        message_payload: dict[str, Any] | None = None,
        made_ago: float = 0.0,
    ) -> InteractionHandle:
        iid = self.state.interaction_id(made_ago)
        token = f"interaction.{iid}.fake-token"
        payload = self._builder.base(itype, iid, token, channel, actor, locale)
        payload["data"] = data
        if source is not None:
            payload["message"] = message_payload or self.state.message_payload(source)
        user = actor_user(actor)
        inter = InteractionState(
            iid,
            token,
            itype,
            payload,
            channel.id,
            channel.guild_id,
            user.id,
            self.clock() - made_ago,
        )
        inter.source_message_id = source.id if source is not None else None
        self.interactions[iid] = inter
        self.interactions_by_token[token] = inter
        if not self.gateway.dispatch("INTERACTION_CREATE", payload, channel.guild_id, 0):
            raise RuntimeError("no gateway session is connected to receive the interaction")
        return InteractionHandle(inter, self.state)


def _with_custom_id(
    components: list[dict[str, Any]], target: dict[str, Any], custom_id: str
) -> list[dict[str, Any]]:
    """A deep copy of ``components`` where the component equal to ``target`` has ``custom_id``."""
    out = []
    for comp in components:
        if comp == target:
            out.append({**comp, "custom_id": custom_id})
            continue
        copied = dict(comp)
        if "components" in comp:
            copied["components"] = _with_custom_id(comp["components"], target, custom_id)
        if "component" in comp:
            copied["component"] = _with_custom_id([comp["component"]], target, custom_id)[0]
        out.append(copied)
    return out

"""REST routes for channels, messages, threads, reactions and channel webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors as E
from .errors import ApiError
from .limits import FieldError, check_webhook_name
from .models import (
    CATEGORY,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Message,
    Overwrite,
    Perm,
    Webhook,
)
from .rest import ApiRequest, Router, no_content, ok
from .state import GUILDS_INTENT

if TYPE_CHECKING:
    from .routes_interactions import InteractionRoutes
    from .server import FakeDiscord

SEND = int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
SEND_IN_THREAD = int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES_IN_THREADS)
READ = int(Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY)


class ChannelRoutes:
    def __init__(self, fake: FakeDiscord, interactions: InteractionRoutes) -> None:
        self.fake = fake
        self.world = fake.state
        self.interactions = interactions

    def register(self, router: Router) -> None:
        c, m = "/channels/{channel_id}", "/channels/{channel_id}/messages/{message_id}"
        router.add("GET", c, self.get_channel)
        router.add("PATCH", c, self.edit_channel)
        router.add("DELETE", c, self.delete_channel)
        router.add("GET", f"{c}/messages", self.list_messages)
        router.add("POST", f"{c}/messages", self.create_message)
        router.add("GET", m, self.get_message)
        router.add("PATCH", m, self.edit_message)
        router.add("DELETE", m, self.delete_message)
        router.add("POST", f"{c}/typing", self.typing)
        router.add("PUT", f"{m}/reactions/{{emoji}}/@me", self.add_reaction)
        router.add("DELETE", f"{m}/reactions/{{emoji}}/@me", self.remove_reaction)
        router.add("PUT", f"{c}/permissions/{{overwrite_id}}", self.put_overwrite)
        router.add("DELETE", f"{c}/permissions/{{overwrite_id}}", self.delete_overwrite)
        router.add("POST", f"{c}/threads", self.create_thread)
        router.add("POST", f"{m}/threads", self.create_thread_from_message)
        for method in ("PUT", "DELETE"):
            router.add(method, f"{c}/thread-members/{{user_id}}", self.thread_member)
        self._register_webhooks(router)

    def _register_webhooks(self, router: Router) -> None:
        w, t = "/webhooks/{webhook_id}", "/webhooks/{webhook_id}/{token}"
        router.add("POST", "/channels/{channel_id}/webhooks", self.create_webhook)
        router.add("GET", "/channels/{channel_id}/webhooks", self.channel_webhooks)
        router.add("GET", "/guilds/{guild_id}/webhooks", self.guild_webhooks)
        router.add("GET", w, self.get_webhook)
        router.add("PATCH", w, self.edit_webhook)
        router.add("DELETE", w, self.delete_webhook)
        router.add("GET", t, self.get_webhook_with_token, auth=False)
        router.add("PATCH", t, self.edit_webhook_with_token, auth=False)
        router.add("DELETE", t, self.delete_webhook_with_token, auth=False)
        router.add("POST", t, self.execute_webhook, auth=False)
        for method in ("GET", "PATCH", "DELETE"):
            router.add(method, f"{t}/messages/{{message_id}}", self.webhook_message, auth=False)

    # --- channels ---------------------------------------------------------------------------

    def channel(self, req: ApiRequest) -> Channel:
        return self.world.get_channel(req.params["channel_id"])

    def _need(self, channel: Channel, perms: int, what: str) -> None:
        self.world.require_bot_permissions(channel, perms, what)

    async def get_channel(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        return ok(channel.to_payload())

    async def edit_channel(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        body = req.json()
        if channel.is_thread and channel.owner_id != self.world.bot.id:
            self._need(channel, int(Perm.MANAGE_THREADS), "Manage Threads")
        elif not channel.is_thread:
            self._need(channel, int(Perm.MANAGE_CHANNELS), "Manage Channels")
        for key in ("name", "topic", "nsfw", "archived", "locked", "position"):
            if key in body:
                setattr(channel, key, body[key])
        if "parent_id" in body and not channel.is_thread:
            channel.parent_id = int(body["parent_id"]) if body["parent_id"] else None
        if "permission_overwrites" in body:
            channel.overwrites = [
                Overwrite.from_payload(o) for o in body["permission_overwrites"] or []
            ]
        self.world.emit_channel_update(channel)
        return ok(channel.to_payload())

    async def delete_channel(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        perm = Perm.MANAGE_THREADS if channel.is_thread else Perm.MANAGE_CHANNELS
        self._need(channel, int(perm), perm.name or "")
        channel.deleted = True
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        self.world.emit(event, channel.to_payload(), channel.guild_id, GUILDS_INTENT)
        return ok(channel.to_payload())

    async def typing(self, req: ApiRequest) -> web.StreamResponse:
        self.channel(req)
        return no_content()

    async def put_overwrite(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        self._need(channel, int(Perm.MANAGE_ROLES), "Manage Roles")
        body = req.json()
        target = int(req.params["overwrite_id"])
        new = Overwrite.from_payload({**body, "id": target})
        channel.overwrites = [o for o in channel.overwrites if o.id != target] + [new]
        self.world.emit_channel_update(channel)
        return no_content()

    async def delete_overwrite(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        self._need(channel, int(Perm.MANAGE_ROLES), "Manage Roles")
        target = int(req.params["overwrite_id"])
        channel.overwrites = [o for o in channel.overwrites if o.id != target]
        self.world.emit_channel_update(channel)
        return no_content()

    # --- messages ---------------------------------------------------------------------------

    async def create_message(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        if channel.type == CATEGORY:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        self._need(channel, SEND_IN_THREAD if channel.is_thread else SEND, "Send Messages")
        if req.files:
            self._need(channel, int(Perm.ATTACH_FILES), "Attach Files")
        if channel.is_thread and channel.archived and channel.locked:
            raise ApiError(400, 50083, "Thread is archived")
        msg = self.world.create_message(
            channel, req.json(), req.files, author=self.world.bot, source="channel"
        )
        return ok(self.world.message_payload(msg))

    async def list_messages(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        self._need(channel, READ, "Read Message History")
        limit = min(max(int(req.query.get("limit", 50)), 1), 100)
        msgs = [m for m in channel.messages.values() if not m.deleted and not m.ephemeral]
        before, after = req.query.get("before"), req.query.get("after")
        if before:
            msgs = [m for m in msgs if m.id < int(before)]
        if after:
            msgs = [m for m in msgs if m.id > int(after)][:limit]
        newest_first = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return ok([self.world.message_payload(m) for m in newest_first])

    def message(self, req: ApiRequest) -> tuple[Channel, Message]:
        channel = self.channel(req)
        return channel, self.world.get_message(channel, req.params["message_id"])

    async def get_message(self, req: ApiRequest) -> web.StreamResponse:
        channel, msg = self.message(req)
        self._need(channel, READ, "Read Message History")
        return ok(self.world.message_payload(msg))

    async def edit_message(self, req: ApiRequest) -> web.StreamResponse:
        _, msg = self.message(req)
        if msg.author.id != self.world.bot.id or msg.webhook_id is not None:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.world.edit_message(msg, req.json(), req.files)
        return ok(self.world.message_payload(msg))

    async def delete_message(self, req: ApiRequest) -> web.StreamResponse:
        channel, msg = self.message(req)
        if msg.author.id != self.world.bot.id:
            self._need(channel, int(Perm.MANAGE_MESSAGES), "Manage Messages")
        self.world.delete_message(msg)
        return no_content()

    async def add_reaction(self, req: ApiRequest) -> web.StreamResponse:
        channel, msg = self.message(req)
        self._need(channel, int(Perm.ADD_REACTIONS | Perm.READ_MESSAGE_HISTORY), "Add Reactions")
        emoji = req.params["emoji"]
        if emoji not in msg.reactions:
            msg.reactions.append(emoji)
        return no_content()

    async def remove_reaction(self, req: ApiRequest) -> web.StreamResponse:
        _, msg = self.message(req)
        emoji = req.params["emoji"]
        if emoji in msg.reactions:
            msg.reactions.remove(emoji)
        return no_content()

    # --- threads ----------------------------------------------------------------------------

    async def create_thread(self, req: ApiRequest) -> web.StreamResponse:
        parent = self.channel(req)
        body = req.json()
        private = body.get("type") == PRIVATE_THREAD
        perm = Perm.CREATE_PRIVATE_THREADS if private else Perm.CREATE_PUBLIC_THREADS
        self._need(parent, int(perm), perm.name or "")
        thread = self.world.add_thread(parent, _thread_name(body), private=private)
        return ok(thread.to_payload(), 201)

    async def create_thread_from_message(self, req: ApiRequest) -> web.StreamResponse:
        parent, msg = self.message(req)
        self._need(parent, int(Perm.CREATE_PUBLIC_THREADS), "Create Public Threads")
        if msg.id in self.world.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        guild = self.world.guilds[parent.guild_id or 0]
        thread = Channel(
            msg.id, PUBLIC_THREAD, _thread_name(req.json()), guild.id, parent_id=parent.id
        )
        thread.owner_id = self.world.bot.id
        self.world.register_channel(guild, thread, "THREAD_CREATE")
        return ok(thread.to_payload(), 201)

    async def thread_member(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return no_content()

    # --- webhooks (bot-authenticated) ------------------------------------------------------

    async def create_webhook(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        if channel.is_thread or channel.type == CATEGORY:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        self._need(channel, int(Perm.MANAGE_WEBHOOKS), "Manage Webhooks")
        body = req.json()
        if errs := check_webhook_name(("name",), body.get("name")):
            raise ApiError.invalid_form(errs)
        hook = self.world.create_webhook(channel, body["name"], body.get("avatar"))
        return ok(hook.to_payload())

    async def channel_webhooks(self, req: ApiRequest) -> web.StreamResponse:
        channel = self.channel(req)
        self._need(channel, int(Perm.MANAGE_WEBHOOKS), "Manage Webhooks")
        hooks = [
            h for h in self.world.webhooks.values() if h.channel_id == channel.id and not h.deleted
        ]
        return ok([h.to_payload() for h in hooks])

    async def guild_webhooks(self, req: ApiRequest) -> web.StreamResponse:
        guild = self.world.get_guild(req.params["guild_id"])
        hooks = [
            h for h in self.world.webhooks.values() if h.guild_id == guild.id and not h.deleted
        ]
        return ok([h.to_payload() for h in hooks])

    async def get_webhook(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self.world.get_webhook(req.params["webhook_id"]).to_payload())

    async def edit_webhook(self, req: ApiRequest) -> web.StreamResponse:
        hook = self.world.get_webhook(req.params["webhook_id"])
        self._edit_hook(hook, req.json())
        return ok(hook.to_payload())

    async def delete_webhook(self, req: ApiRequest) -> web.StreamResponse:
        self.world.get_webhook(req.params["webhook_id"]).deleted = True
        return no_content()

    def _edit_hook(self, hook: Webhook, body: dict[str, Any]) -> None:
        if "name" in body:
            if errs := check_webhook_name(("name",), body["name"]):
                raise ApiError.invalid_form(errs)
            hook.name = body["name"]
        if "channel_id" in body:
            hook.channel_id = int(body["channel_id"])

    # --- webhook token routes (shared with interaction follow-ups) --------------------------

    def _hook(self, req: ApiRequest) -> Webhook:
        return self.world.get_webhook(req.params["webhook_id"], req.params["token"])

    async def get_webhook_with_token(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self._hook(req).to_payload())

    async def edit_webhook_with_token(self, req: ApiRequest) -> web.StreamResponse:
        hook = self._hook(req)
        self._edit_hook(hook, req.json())
        return ok(hook.to_payload())

    async def delete_webhook_with_token(self, req: ApiRequest) -> web.StreamResponse:
        self._hook(req).deleted = True
        return no_content()

    async def execute_webhook(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.interactions.by_token(req.params["webhook_id"], req.params["token"])
        if inter is not None:
            inter = self.interactions.usable(_as_interaction_req(req))
            return await self.interactions.followup(req, inter)
        hook = self._hook(req)
        body = req.json()
        if errs := self._execute_errors(body):
            raise ApiError.invalid_form(errs)
        channel = self._target_channel(hook, req)
        extra = {
            "webhook_id": hook.id,
            "username": body.get("username"),
            "avatar_url": body.get("avatar_url"),
            "application_id": hook.application_id,
        }
        if body.get("username") is None:
            extra["username"] = hook.name
        msg = self.world.create_message(
            channel, body, req.files, author=self.world.bot, source="webhook", extra=extra
        )
        if not req.flag("wait"):
            return no_content()
        return ok(self.world.message_payload(msg))

    def _execute_errors(self, body: dict[str, Any]) -> list[Any]:
        if body.get("username") is None:
            return []
        return check_webhook_name(("username",), body.get("username"))

    def _target_channel(self, hook: Webhook, req: ApiRequest) -> Channel:
        thread_id = req.query.get("thread_id")
        if not thread_id:
            return self.world.get_channel(hook.channel_id)
        thread = self.world.get_channel(thread_id)
        if thread.parent_id != hook.channel_id:
            raise E.unknown("Channel", E.UNKNOWN_CHANNEL)
        return thread

    async def webhook_message(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.interactions.by_token(req.params["webhook_id"], req.params["token"])
        if inter is not None:
            inter = self.interactions.usable(_as_interaction_req(req))
            return await self.interactions.followup_op(req, inter, req.params["message_id"])
        hook = self._hook(req)
        msg = self.world.messages.get(_int(req.params["message_id"]))
        if msg is None or msg.deleted or msg.webhook_id != hook.id:
            raise E.unknown("Message", E.UNKNOWN_MESSAGE)
        if req.method == "GET":
            return ok(self.world.message_payload(msg))
        if req.method == "DELETE":
            self.world.delete_message(msg)
            return no_content()
        self.world.edit_message(msg, req.json(), req.files)
        return ok(self.world.message_payload(msg))


def _as_interaction_req(req: ApiRequest) -> ApiRequest:
    req.params.setdefault("app_id", req.params["webhook_id"])
    return req


def _thread_name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise ApiError.invalid_form(
            [FieldError(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")]
        )
    return name


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1

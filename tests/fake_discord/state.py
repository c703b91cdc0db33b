"""The fake's world: users, guilds, channels, messages, webhooks and commands, in dicts by id."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from . import errors as E
from .errors import ApiError
from .limits import (
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    FieldError,
    check_command,
    check_commands,
    check_message,
)
from .mentions import compute_pings, mention_text
from .models import (
    CATEGORY,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DISCORD_EPOCH_MS,
    DM,
    EPHEMERAL,
    IS_COMPONENTS_V2,
    LOADING,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    TEXT,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    SnowflakeFactory,
    UploadedFile,
    User,
    Webhook,
    as_id,
    channel_permissions,
    iso,
    perm_int,
)
from .waiters import EventLog

GUILDS_INTENT = 1 << 0
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
MESSAGE_CONTENT_INTENT = 1 << 15

CHANNEL_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
INTERACTION_FLAGS = CHANNEL_FLAGS | EPHEMERAL

Payload = dict[str, Any] | Callable[[int], dict[str, Any]]
Emitter = Callable[[str, Payload, "int | None", int], None]


def _no_emit(event: str, data: Payload, guild_id: int | None, intent: int) -> None:
    return None


class DiscordState:
    """All objects the fake knows, plus the operations REST handlers perform on them."""

    def __init__(
        self,
        *,
        bot_name: str = "Castle Bot",
        application_id: int | None = None,
        id_start: datetime | None = None,
        attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
    ) -> None:
        self.next_id = SnowflakeFactory(id_start)
        self._interaction_count = 0
        self.bot = User(self.next_id(), bot_name, bot=True, discriminator="0001")
        self.application_id = application_id or self.bot.id
        self.attachment_size_limit = attachment_size_limit
        self.http_base = "http://127.0.0.1"
        self.emit: Emitter = _no_emit
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.message_log: EventLog[Message] = EventLog()
        self.webhooks: dict[int, Webhook] = {}
        self.attachments: dict[int, Attachment] = {}
        self.global_commands: dict[int, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[int, dict[str, Any]]] = {}
        self._dm_by_user: dict[int, Channel] = {}

    # --- setup ------------------------------------------------------------------------------

    def interaction_id(self, made_ago: float = 0.0) -> int:
        """An interaction's id, dated as Discord dates it: the moment it was made (wall clock,
        ``made_ago`` seconds back), which is how a bot tells how old it is. Its own worker bits
        keep it apart from the fake's other (deterministic) ids, and its increment from the
        other interactions' made in the same millisecond."""
        ms = int((time.time() - made_ago) * 1000)
        self._interaction_count += 1
        return ((ms - DISCORD_EPOCH_MS) << 22) | (2 << 17) | (self._interaction_count & 0xFFF)

    def add_user(self, username: str, *, bot: bool = False, global_name: str | None = None) -> User:
        user = User(self.next_id(), username, bot=bot, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Castle in the Rain",
        *,
        owner: User | str | None = None,
        bot_permissions: Any = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: Any = DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
    ) -> Guild:
        guild = Guild(self.next_id(), name, locale=locale)
        everyone = Role(guild.id, guild.id, "@everyone", perm_int(everyone_permissions))
        guild.roles[guild.id] = everyone
        self.guilds[guild.id] = guild
        bot_role = self._new_role(guild, self.bot.username, perm_int(bot_permissions))
        bot_role.bot_id = self.bot.id
        self._join(guild, self.bot, [bot_role.id], None, emit=False)
        owner_user = owner if isinstance(owner, User) else self.add_user(owner or "owner")
        self._join(guild, owner_user, [], None, emit=False)
        guild.owner_id = owner_user.id
        self.emit(
            "GUILD_CREATE", lambda intents: self.guild_create_payload(guild, intents), guild.id, 0
        )
        return guild

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: Any = 0,
        mentionable: bool = False,
        hoist: bool = False,
        color: int = 0,
    ) -> Role:
        role = self._new_role(guild, name, perm_int(permissions))
        role.mentionable, role.hoist, role.color = mentionable, hoist, color
        data = {"guild_id": str(guild.id), "role": role.to_payload()}
        self.emit("GUILD_ROLE_CREATE", data, guild.id, GUILDS_INTENT)
        return role

    def _new_role(self, guild: Guild, name: str, permissions: int) -> Role:
        role = Role(self.next_id(), guild.id, name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        topic: str | None = None,
        category: Channel | None = None,
        nsfw: bool = False,
        kind: int = TEXT,
    ) -> Channel:
        channel = Channel(self.next_id(), kind, name, guild.id, topic=topic, nsfw=nsfw)
        channel.position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel.parent_id = category.id if category is not None else None
        return self.register_channel(guild, channel, "CHANNEL_CREATE")

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.add_text_channel(guild, name, kind=CATEGORY)

    def add_thread(
        self,
        parent: Channel,
        name: str,
        *,
        private: bool = False,
        owner: User | Member | None = None,
    ) -> Channel:
        guild = self.guilds[parent.guild_id or 0]
        kind = PRIVATE_THREAD if private else PUBLIC_THREAD
        thread = Channel(self.next_id(), kind, name, guild.id, parent_id=parent.id)
        thread.owner_id = as_id(owner) if owner is not None else self.bot.id
        return self.register_channel(guild, thread, "THREAD_CREATE")

    def register_channel(self, guild: Guild, channel: Channel, event: str) -> Channel:
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        data = channel.to_payload()
        if event == "THREAD_CREATE":
            data["newly_created"] = True
        self.emit(event, data, guild.id, GUILDS_INTENT)
        return channel

    def add_member(
        self,
        guild: Guild,
        user: User | str,
        *,
        roles: Iterable[Role] = (),
        nick: str | None = None,
        permissions: Any = None,
    ) -> Member:
        """Add a member; ``permissions`` creates a personal role granting exactly those bits."""
        if isinstance(user, str):
            user = self.add_user(user)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            own = self.add_role(guild, f"{user.username} perms", permissions=permissions)
            role_ids.append(own.id)
        return self._join(guild, user, role_ids, nick)

    def _join(
        self, guild: Guild, user: User, role_ids: list[int], nick: str | None, *, emit: bool = True
    ) -> Member:
        self.users[user.id] = user
        member = Member(user, guild.id, role_ids, nick, iso(self.next_id()))
        guild.members[user.id] = member
        if emit:
            data = {**member.to_payload(), "guild_id": str(guild.id)}
            self.emit("GUILD_MEMBER_ADD", data, guild.id, GUILD_MEMBERS_INTENT)
        return member

    def set_permission_overwrite(
        self, channel: Channel, target: Role | Member | Guild, *, allow: Any = 0, deny: Any = 0
    ) -> None:
        kind = 1 if isinstance(target, Member) else 0
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(Overwrite(target.id, kind, perm_int(allow), perm_int(deny)))
        self.emit_channel_update(channel)

    def emit_channel_update(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.emit(event, channel.to_payload(), channel.guild_id, GUILDS_INTENT)

    def dm_channel(self, user: User) -> Channel:
        channel = self._dm_by_user.get(user.id)
        if channel is None:
            channel = Channel(self.next_id(), DM, "", None, recipients=[user])
            self._dm_by_user[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    # --- lookups ----------------------------------------------------------------------------

    def get_guild(self, guild_id: Any) -> Guild:
        guild = self.guilds.get(_int(guild_id))
        if guild is None:
            raise E.unknown("Guild", E.UNKNOWN_GUILD)
        return guild

    def get_channel(self, channel_id: Any) -> Channel:
        channel = self.channels.get(_int(channel_id))
        if channel is None or channel.deleted:
            raise E.unknown("Channel", E.UNKNOWN_CHANNEL)
        return channel

    def get_message(self, channel: Channel, message_id: Any) -> Message:
        msg = channel.messages.get(_int(message_id))
        if msg is None or msg.deleted:
            raise E.unknown("Message", E.UNKNOWN_MESSAGE)
        return msg

    def get_member(self, guild: Guild, user_id: Any) -> Member:
        member = guild.members.get(_int(user_id))
        if member is None:
            raise E.unknown("Member", E.UNKNOWN_MEMBER)
        return member

    def get_user(self, user_id: Any) -> User:
        user = self.users.get(_int(user_id))
        if user is None:
            raise E.unknown("User", E.UNKNOWN_USER)
        return user

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def permissions(self, member: Member, channel: Channel | None = None) -> int:
        return channel_permissions(self.guilds[member.guild_id], member, channel)

    def bot_permissions(self, channel: Channel) -> int | None:
        """The bot's permissions in a guild channel, or None for DMs."""
        guild = self.guild_of(channel)
        if guild is None:
            return None
        return channel_permissions(guild, guild.members[self.bot.id], channel)

    def require_bot_permissions(self, channel: Channel, needed: int, what: str) -> None:
        perms = self.bot_permissions(channel)
        if perms is not None and perms & needed != needed:
            raise E.missing_permissions(f"bot lacks {what} in #{channel.name}")

    # --- gateway payloads -------------------------------------------------------------------

    def guild_create_payload(self, guild: Guild, intents: int) -> dict[str, Any]:
        """GUILD_CREATE: without GUILD_MEMBERS only the bot's own member is sent, like Discord."""
        members = list(guild.members.values())
        if not intents & GUILD_MEMBERS_INTENT:
            members = [guild.members[self.bot.id]]
        return guild.to_create_payload(members)

    # --- messages ---------------------------------------------------------------------------

    def create_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        author: User,
        source: str,
        allowed_flags: int = CHANNEL_FLAGS,
        extra: dict[str, Any] | None = None,
    ) -> Message:
        """Validate and record a new message, then dispatch MESSAGE_CREATE unless ephemeral."""
        _raise_if(check_message(body, files=len(files)))
        if _is_empty(body, files):
            raise ApiError(400, E.EMPTY_MESSAGE, "Cannot send an empty message", violation="empty")
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None and str(nonce) in channel.nonces:
            return channel.nonces[str(nonce)]
        self._check_reference(channel, body.get("message_reference"))
        msg = Message(self.next_id(), channel.id, channel.guild_id, author, source)
        msg.tts = bool(body.get("tts"))
        msg.nonce = nonce
        msg.message_reference = body.get("message_reference")
        msg.flags = (body.get("flags") or 0) & allowed_flags
        for key, value in (extra or {}).items():
            setattr(msg, key, value)
        self._apply_body(msg, body)
        msg.attachments = self._attachments(channel, body, files, [])
        self._compute_pings(msg, body)
        return self._store(channel, msg, nonce)

    def create_loading_message(self, channel: Channel, *, ephemeral: bool, **extra: Any) -> Message:
        msg = Message(self.next_id(), channel.id, channel.guild_id, self.bot, "interaction")
        msg.flags = LOADING | (EPHEMERAL if ephemeral else 0)
        for key, value in extra.items():
            setattr(msg, key, value)
        return self._store(channel, msg, None)

    def _store(self, channel: Channel, msg: Message, nonce: Any) -> Message:
        channel.messages[msg.id] = msg
        channel.last_message_id = msg.id
        if nonce is not None:
            channel.nonces[str(nonce)] = msg
        self.messages[msg.id] = msg
        self.message_log.append(msg)
        self._emit_message("MESSAGE_CREATE", channel, msg)
        return msg

    def edit_message(
        self,
        msg: Message,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        allowed_flags: int = SUPPRESS_EMBEDS | IS_COMPONENTS_V2,
    ) -> Message:
        """Apply an edit (PATCH semantics: only keys present change) and dispatch MESSAGE_UPDATE."""
        specs = body.get("attachments")
        total = len(specs) if isinstance(specs, list) else len(msg.attachments) + len(files)
        _raise_if(check_message(body, files=total))
        channel = self.channels[msg.channel_id]
        attachments = self._attachments(channel, body, files, msg.attachments)
        before = _saved(msg)
        self._apply_body(msg, body)
        if "flags" in body:
            keep = msg.flags & ~allowed_flags
            msg.flags = keep | ((body.get("flags") or 0) & allowed_flags)
        msg.flags &= ~LOADING
        msg.attachments = attachments
        if _is_empty_message(msg):
            _restore(msg, before)
            raise ApiError(400, E.EMPTY_MESSAGE, "Cannot send an empty message", violation="empty")
        msg.history.append(msg_snapshot(before))
        if "content" in body or "components" in body:
            self._compute_pings(msg, body)
        msg.edited_at = iso(self.next_id())
        self.message_log.notify(msg)
        self._emit_message("MESSAGE_UPDATE", channel, msg)
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        if msg.ephemeral:
            return
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        self.emit("MESSAGE_DELETE", data, msg.guild_id, _message_intent(msg))

    def _apply_body(self, msg: Message, body: dict[str, Any]) -> None:
        if "content" in body:
            msg.content = body.get("content") or ""
        if "embeds" in body:
            msg.embeds = [_rich(e) for e in body.get("embeds") or []]
        if "components" in body:
            msg.components = list(body.get("components") or [])
        if "allowed_mentions" in body or "content" in body:
            msg.allowed_mentions = body.get("allowed_mentions")

    def _compute_pings(self, msg: Message, body: dict[str, Any]) -> None:
        text = mention_text(msg.content, msg.components, msg.flags)
        replied = self._replied_author(msg)
        am = body.get("allowed_mentions") if "allowed_mentions" in body else None
        msg.pings = compute_pings(text, am, replied_user=replied)
        msg.mention_users = [self.users[u].to_payload() for u in msg.pings.users if u in self.users]

    def _check_reference(self, channel: Channel, ref: Any) -> None:
        """Replies must point at an existing message unless ``fail_if_not_exists`` is false."""
        if not isinstance(ref, dict) or ref.get("fail_if_not_exists") is False:
            return
        target = self.messages.get(_int(ref.get("message_id")))
        if target is None or target.deleted:
            err = FieldError(("message_reference",), "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
            raise ApiError.invalid_form([err], kind="invalid-reference")

    def _replied_author(self, msg: Message) -> int | None:
        ref = msg.message_reference or {}
        target = self.messages.get(_int(ref.get("message_id") or 0))
        return target.author.id if target is not None else None

    def _attachments(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[UploadedFile],
        existing: list[Attachment],
    ) -> list[Attachment]:
        specs = body.get("attachments")
        by_index = {str(s.get("id")): s for s in specs or [] if isinstance(s, dict)}
        keep_ids = {str(s.get("id")) for s in specs or [] if isinstance(s, dict)}
        kept = existing if specs is None else [a for a in existing if str(a.id) in keep_ids]
        new = [
            self._attachment(channel, i, f, by_index.get(str(i), {})) for i, f in enumerate(files)
        ]
        return kept + new

    def _attachment(
        self, channel: Channel, index: int, upload: UploadedFile, spec: dict[str, Any]
    ) -> Attachment:
        if len(upload.data) > self.attachment_size_limit:
            msg = f"files[{index}] is {len(upload.data)} bytes (limit {self.attachment_size_limit})"
            raise ApiError(
                413, E.ENTITY_TOO_LARGE, "Request entity too large", violation="limit", detail=msg
            )
        att_id = self.next_id()
        filename = spec.get("filename") or upload.filename
        url = f"{self.http_base}/attachments/{channel.id}/{att_id}/{filename}"
        ctype = upload.content_type if upload.content_type != "application/octet-stream" else None
        att = Attachment(att_id, filename, upload.data, url, ctype, spec.get("description"))
        self.attachments[att_id] = att
        return att

    def message_payload(self, msg: Message) -> dict[str, Any]:
        member = None
        guild = self.guilds.get(msg.guild_id) if msg.guild_id is not None else None
        if guild is not None and msg.webhook_id is None and msg.author.id in guild.members:
            member = guild.members[msg.author.id].to_payload(with_user=False)
        return msg.to_payload(member)

    def _emit_message(self, event: str, channel: Channel, msg: Message) -> None:
        if msg.ephemeral:
            return
        payload = self.message_payload(msg)
        author_is_bot = msg.author.id == self.bot.id and msg.source != "webhook"

        def build(intents: int) -> dict[str, Any]:
            if intents & MESSAGE_CONTENT_INTENT or author_is_bot or self.bot.id in msg.pings.users:
                return payload
            return {**payload, "content": "", "embeds": [], "attachments": [], "components": []}

        self.emit(event, build, channel.guild_id, _message_intent(msg))

    # --- webhooks ---------------------------------------------------------------------------

    def create_webhook(self, channel: Channel, name: str, avatar: str | None = None) -> Webhook:
        wh_id = self.next_id()
        token = f"whtoken-{wh_id}"
        hook = Webhook(
            wh_id, channel.id, channel.guild_id, name, token, self.bot, self.application_id
        )
        hook.avatar = avatar
        self.webhooks[wh_id] = hook
        return hook

    def get_webhook(self, webhook_id: Any, token: str | None = None) -> Webhook:
        hook = self.webhooks.get(_int(webhook_id))
        if hook is None or hook.deleted or (token is not None and token != hook.token):
            raise E.unknown("Webhook", E.UNKNOWN_WEBHOOK)
        return hook

    # --- application commands ---------------------------------------------------------------

    def commands(self, guild_id: int | None) -> dict[int, dict[str, Any]]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def find_command(self, name: str, guild_id: int | None, kind: int = 1) -> dict[str, Any] | None:
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for cmd in self.commands(scope).values():
                if cmd["name"] == name and cmd["type"] == kind:
                    return cmd
        return None

    def overwrite_commands(self, guild_id: int | None, body: Any) -> list[dict[str, Any]]:
        _raise_if(check_commands(body))
        store = self.commands(guild_id)
        old = {(c["type"], c["name"]): c for c in store.values()}
        store.clear()
        for cmd in body:
            prev = old.get((cmd.get("type", 1), cmd.get("name")))
            saved = self._normalize_command(cmd, guild_id, prev)
            store[int(saved["id"])] = saved
        return list(store.values())

    def upsert_command(self, guild_id: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
        _raise_if(check_command(cmd))
        store = self.commands(guild_id)
        kind = cmd.get("type", 1)
        prev = next(
            (c for c in store.values() if (c["type"], c["name"]) == (kind, cmd["name"])), None
        )
        same_type = sum(1 for c in store.values() if c["type"] == kind)
        if prev is None and same_type >= (100 if kind == 1 else 15):
            raise ApiError(
                400,
                E.MAX_COMMANDS,
                "Maximum number of application commands reached",
                violation="limit",
            )
        saved = self._normalize_command(cmd, guild_id, prev)
        store[int(saved["id"])] = saved
        return saved

    def get_command(self, guild_id: int | None, command_id: Any) -> dict[str, Any]:
        cmd = self.commands(guild_id).get(_int(command_id))
        if cmd is None:
            raise E.unknown("application command", E.UNKNOWN_COMMAND)
        return cmd

    def _normalize_command(
        self, cmd: dict[str, Any], guild_id: int | None, prev: dict[str, Any] | None
    ) -> dict[str, Any]:
        dmp = cmd.get("default_member_permissions")
        data = {
            "id": prev["id"] if prev else str(self.next_id()),
            "application_id": str(self.application_id),
            "version": str(self.next_id()),
            "type": cmd.get("type", 1),
            "name": cmd["name"],
            "description": cmd.get("description") or "",
            "options": cmd.get("options") or [],
            "default_member_permissions": None if dmp is None else str(dmp),
            "nsfw": bool(cmd.get("nsfw", False)),
            "contexts": cmd.get("contexts"),
            "integration_types": cmd.get("integration_types") or [0],
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return data


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ApiError.invalid_form(errors)


def _is_empty(body: dict[str, Any], files: list[UploadedFile]) -> bool:
    content = body.get("content")
    has_content = isinstance(content, str) and bool(content.strip())
    has_other = any(body.get(k) for k in ("embeds", "components", "sticker_ids", "poll"))
    return not (has_content or has_other or files)


_SAVED = ("content", "embeds", "components", "attachments", "flags", "allowed_mentions")


def _saved(msg: Message) -> dict[str, Any]:
    return {key: getattr(msg, key) for key in _SAVED}


def _restore(msg: Message, saved: dict[str, Any]) -> None:
    for key, value in saved.items():
        setattr(msg, key, value)


def msg_snapshot(saved: dict[str, Any]) -> dict[str, Any]:
    return {**saved, "attachments": [a.filename for a in saved["attachments"]]}


def _is_empty_message(msg: Message) -> bool:
    return not (msg.content.strip() or msg.embeds or msg.components or msg.attachments)


def _rich(embed: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich", **embed} if isinstance(embed, dict) else embed


def _message_intent(msg: Message) -> int:
    return GUILD_MESSAGES_INTENT if msg.guild_id is not None else DIRECT_MESSAGES_INTENT


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1

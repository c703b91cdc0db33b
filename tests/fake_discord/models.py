"""Plain data of the fake Discord: snowflakes, permissions, users, guilds, channels, messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
DEFAULT_ID_START = datetime(2025, 1, 1, tzinfo=UTC)

EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

TEXT, DM, CATEGORY, NEWS = 0, 1, 4, 5
NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD = 10, 11, 12
THREAD_TYPES = frozenset({NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})


class Perm(enum.IntFlag):
    """Discord permission bits (the subset a roleplay bot cares about; any int is accepted)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 51) - 1
DEFAULT_EVERYONE_PERMISSIONS = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CHANGE_NICKNAME
)
DEFAULT_BOT_PERMISSIONS = int(
    Perm(DEFAULT_EVERYONE_PERMISSIONS)
    | Perm.MANAGE_CHANNELS
    | Perm.MANAGE_MESSAGES
    | Perm.MANAGE_WEBHOOKS
    | Perm.MANAGE_THREADS
    | Perm.MANAGE_ROLES
    | Perm.CREATE_PRIVATE_THREADS
)


def perm_int(value: Any) -> int:
    """Accept an int, a ``Perm`` or anything with an int ``.value`` (``discord.Permissions``)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return int(value)
    return int(value.value)


def as_id(value: Any) -> int:
    """Accept an int, a numeric string or any object with an ``id``."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value)
    return int(value.id)


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(snowflake: int) -> str:
    return snowflake_time(snowflake).isoformat()


class SnowflakeFactory:
    """Deterministic, strictly increasing snowflakes: one millisecond per id from ``start``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._ms = int((start or DEFAULT_ID_START).timestamp() * 1000)

    def __call__(self) -> int:
        self._ms += 1
        return ((self._ms - DISCORD_EPOCH_MS) << 22) | (1 << 17)


class Violation(str):
    """A human-readable protocol or limit violation, with machine-readable attributes."""

    kind: str
    status: int | None
    code: int | None
    route: str | None

    def __new__(
        cls,
        text: str,
        *,
        kind: str,
        status: int | None = None,
        code: int | None = None,
        route: str | None = None,
    ) -> Violation:
        self = super().__new__(cls, text)
        self.kind, self.status, self.code, self.route = kind, status, code, route
        return self


@dataclass(eq=False)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    avatar: str | None = None
    discriminator: str = "0"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": self.discriminator,
            "global_name": self.global_name,
            "avatar": self.avatar,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    color: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.bot_id is not None,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Overwrite:
        allow, deny = int(data.get("allow") or 0), int(data.get("deny") or 0)
        return cls(int(data["id"]), int(data.get("type", 0)), allow, deny)


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[Overwrite] = field(default_factory=list)
    owner_id: int | None = None
    recipients: list[User] = field(default_factory=list)
    archived: bool = False
    locked: bool = False
    deleted: bool = False
    messages: dict[int, Message] = field(default_factory=dict, repr=False)
    nonces: dict[str, Message] = field(default_factory=dict, repr=False)
    last_message_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def log(self) -> list[Message]:
        """Every message posted here, in posting order (deleted and ephemeral ones included)."""
        return list(self.messages.values())

    def to_payload(self, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "flags": 0,
            "last_message_id": _opt(self.last_message_id),
        }
        if self.type == DM:
            data["recipients"] = [u.to_payload() for u in self.recipients]
            data.pop("name")
        else:
            data.update(self._guild_fields())
        if self.is_thread:
            data.update(self._thread_fields())
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data

    def _guild_fields(self) -> dict[str, Any]:
        return {
            "guild_id": _opt(self.guild_id),
            "position": self.position,
            "parent_id": _opt(self.parent_id),
            "topic": self.topic,
            "nsfw": self.nsfw,
            "rate_limit_per_user": 0,
            "permission_overwrites": [o.to_payload() for o in self.overwrites],
        }

    def _thread_fields(self) -> dict[str, Any]:
        return {
            "owner_id": _opt(self.owner_id),
            "message_count": len(self.messages),
            "member_count": 1,
            "total_message_sent": len(self.messages),
            "thread_metadata": {
                "archived": self.archived,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso(self.id),
                "locked": self.locked,
                "create_timestamp": iso(self.id),
            },
        }


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = ""

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    def to_payload(
        self, *, with_user: bool = True, permissions: int | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int = 0
    locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread and not c.deleted]

    def to_create_payload(self, members: list[Member]) -> dict[str, Any]:
        chans = [c for c in self.channels.values() if not c.deleted]
        return {
            **self.to_payload(),
            "joined_at": iso(self.id),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [m.to_payload() for m in members],
            "channels": [c.to_payload() for c in chans if not c.is_thread],
            "threads": [c.to_payload() for c in chans if c.is_thread],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "premium_progress_bar_enabled": False,
        }


def base_permissions(guild: Guild, member: Member) -> int:
    """Discord's guild-level permission computation (owner and Administrator get everything)."""
    if member.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel | None) -> int:
    """Apply @everyone, role and member overwrites of the channel (threads use their parent)."""
    perms = base_permissions(guild, member)
    if channel is None or perms == ALL_PERMISSIONS:
        return perms
    if channel.is_thread and channel.parent_id in guild.channels:
        channel = guild.channels[channel.parent_id]
    by_id = {o.id: o for o in channel.overwrites}
    everyone = by_id.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = by_id.get(role_id)
        if ow is not None and ow.type == 0:
            allow, deny = allow | ow.allow, deny | ow.deny
    perms = (perms & ~deny) | allow
    own = by_id.get(member.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    return perms


@dataclass(eq=False)
class Attachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "description": self.description,
        }


@dataclass
class Pings:
    """Who a message notifies, given its content and ``allowed_mentions`` (Discord's rules)."""

    everyone: bool = False
    here: bool = False
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)

    @property
    def mass(self) -> bool:
        """True if @everyone, @here or any role would be pinged."""
        return self.everyone or self.here or bool(self.roles)


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    source: str  # "channel", "webhook", "interaction", "followup", "user"
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    type: int = 0
    allowed_mentions: dict[str, Any] | None = None
    pings: Pings = field(default_factory=Pings)
    mention_users: list[dict[str, Any]] = field(default_factory=list, repr=False)
    webhook_id: int | None = None
    username: str | None = None
    avatar_url: str | None = None
    interaction_id: int | None = None
    interaction_meta: dict[str, Any] | None = field(default=None, repr=False)
    message_reference: dict[str, Any] | None = None
    nonce: str | int | None = None
    edited_at: str | None = None
    deleted: bool = False
    reactions: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)
    application_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts.extend(_embed_texts(embed))
        parts.extend(_component_texts(self.components))
        return "\n".join(p for p in parts if p)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        for comp in iter_components(self.components):
            if comp.get("custom_id") == custom_id:
                return comp
        return None

    def snapshot(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": [a.filename for a in self.attachments],
            "flags": self.flags,
        }

    def to_payload(self, member: dict[str, Any] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": self._author_payload(),
            "content": self.content,
            "timestamp": iso(self.id),
            "edited_timestamp": self.edited_at,
            "tts": self.tts,
            "mention_everyone": self.pings.everyone or self.pings.here,
            "mentions": self.mention_users,
            "mention_roles": [str(r) for r in self.pings.roles],
            "attachments": [a.to_payload() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
            "reactions": [],
        }
        self._add_optional(data, member)
        return data

    def _author_payload(self) -> dict[str, Any]:
        if self.webhook_id is not None and self.source == "webhook":
            return {
                "id": str(self.webhook_id),
                "username": self.username or self.author.username,
                "discriminator": "0000",
                "avatar": None,
                "bot": True,
                "global_name": None,
                "public_flags": 0,
            }
        return self.author.to_payload()

    def _add_optional(self, data: dict[str, Any], member: dict[str, Any] | None) -> None:
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if member is not None:
            data["member"] = member
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_meta is not None:
            data["interaction_metadata"] = self.interaction_meta
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.nonce is not None:
            data["nonce"] = self.nonce


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten nested components (action rows, sections, containers, labels)."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(components))
    while stack:
        comp = stack.pop()
        if not isinstance(comp, dict):
            continue
        out.append(comp)
        children = list(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                children.append(comp[key])
        stack.extend(reversed(children))
    return out


def _embed_texts(embed: dict[str, Any]) -> list[str]:
    texts = [embed.get("title") or "", embed.get("description") or ""]
    for fld in embed.get("fields") or []:
        texts += [fld.get("name") or "", fld.get("value") or ""]
    texts.append((embed.get("footer") or {}).get("text") or "")
    texts.append((embed.get("author") or {}).get("name") or "")
    return texts


def _component_texts(components: list[dict[str, Any]]) -> list[str]:
    return [c.get("content") or "" for c in iter_components(components) if c.get("type") == 10]


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


@dataclass(eq=False)
class Webhook:
    id: int
    channel_id: int
    guild_id: int | None
    name: str
    token: str
    user: User
    application_id: int | None = None
    avatar: str | None = None
    deleted: bool = False

    def to_payload(self, *, with_token: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": 1,
            "guild_id": _opt(self.guild_id),
            "channel_id": str(self.channel_id),
            "name": self.name,
            "avatar": self.avatar,
            "application_id": _opt(self.application_id),
            "user": self.user.to_payload(),
        }
        if with_token:
            data["token"] = self.token
        return data


@dataclass(eq=False)
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str | None = None

"""A fake Discord on loopback (REST + gateway) for end-to-end tests of a real discord.py bot."""

from __future__ import annotations

from .client import point_discord_at, run_bot
from .errors import ApiError
from .gateway import GatewayEvent, GatewaySession
from .interactions import InteractionEvent, InteractionHandle
from .limits import INTERACTION_RESPONSE_DEADLINE, INTERACTION_TOKEN_LIFETIME
from .models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    EPHEMERAL,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Perm,
    Pings,
    Role,
    User,
    Violation,
    Webhook,
)
from .server import ErrorRecord, FakeDiscord, RequestRecord
from .waiters import WaitTimeout

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "EPHEMERAL",
    "INTERACTION_RESPONSE_DEADLINE",
    "INTERACTION_TOKEN_LIFETIME",
    "ApiError",
    "Attachment",
    "Channel",
    "ErrorRecord",
    "FakeDiscord",
    "GatewayEvent",
    "GatewaySession",
    "Guild",
    "InteractionEvent",
    "InteractionHandle",
    "Member",
    "Message",
    "Perm",
    "Pings",
    "RequestRecord",
    "Role",
    "User",
    "Violation",
    "WaitTimeout",
    "Webhook",
    "point_discord_at",
    "run_bot",
]

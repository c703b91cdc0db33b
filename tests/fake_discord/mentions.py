"""Which mentions in a message would actually ping, following Discord's allowed_mentions rules."""

from __future__ import annotations

import re
from typing import Any

from .models import IS_COMPONENTS_V2, Pings, iter_components

_USER = re.compile(r"<@!?(\d{15,21})>")
_ROLE = re.compile(r"<@&(\d{15,21})>")


def mention_text(content: str | None, components: list[dict[str, Any]], flags: int) -> str:
    """The text Discord parses for mentions: content, or text displays for components v2."""
    if flags & IS_COMPONENTS_V2:
        texts = [c.get("content") or "" for c in iter_components(components) if c.get("type") == 10]
        return "\n".join(texts)
    return content or ""


def compute_pings(
    text: str,
    allowed_mentions: dict[str, Any] | None,
    *,
    replied_user: int | None = None,
) -> Pings:
    """Apply Discord's rules.

    Without ``allowed_mentions`` every mention in the text pings (and a reply pings its author).
    With it, ``parse`` enables whole categories and ``users``/``roles`` whitelist ids; ids not
    mentioned in the text are ignored. Permissions (Mention Everyone, role mentionability) are
    deliberately not considered, so the result is what the message *asks* Discord to ping.
    """
    users = _unique(int(m) for m in _USER.findall(text))
    roles = _unique(int(m) for m in _ROLE.findall(text))
    everyone, here = "@everyone" in text, "@here" in text
    if allowed_mentions is None:
        if replied_user is not None and replied_user not in users:
            users.append(replied_user)
        return Pings(everyone=everyone, here=here, users=users, roles=roles)
    parse = set(allowed_mentions.get("parse") or [])
    allowed_users = {int(u) for u in allowed_mentions.get("users") or []}
    allowed_roles = {int(r) for r in allowed_mentions.get("roles") or []}
    pinged_users = users if "users" in parse else [u for u in users if u in allowed_users]
    wants_reply_ping = replied_user is not None and allowed_mentions.get("replied_user")
    if wants_reply_ping and replied_user not in pinged_users:
        pinged_users.append(replied_user)
    return Pings(
        everyone=everyone and "everyone" in parse,
        here=here and "everyone" in parse,
        users=pinged_users,
        roles=roles if "roles" in parse else [r for r in roles if r in allowed_roles],
    )


def _unique(values: Any) -> list[int]:
    return list(dict.fromkeys(values))

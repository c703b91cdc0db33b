"""The characters' voices: /act and /say posted through the channel's webhook, under the
character's name, so that the scene reads as the characters themselves speaking.

Where the bot may not manage webhooks (or Discord refuses the post), the caller falls back to
the bot's own embed with the character's name and colour: nothing a player writes is lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TypeGuard

import discord

log = logging.getLogger("castle.voices")
WEBHOOK_NAME = "Castle in the Rain"
NO_MENTIONS = discord.AllowedMentions.none()


def _parent(channel: object) -> discord.TextChannel | None:
    """The text channel whose webhooks serve ``channel`` (itself, or a thread's parent)."""
    if isinstance(channel, discord.Thread):
        channel = channel.parent
    return channel if isinstance(channel, discord.TextChannel) else None


class Voices:
    """One webhook per channel, found or made on first use and remembered."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._hooks: dict[int, discord.Webhook] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def may_speak(
        self, channel: object, permissions: discord.Permissions
    ) -> TypeGuard[discord.TextChannel | discord.Thread]:
        """Whether the bot may post in ``channel`` through a webhook: a text channel (or its
        thread) where ``permissions`` (the bot's there, as the interaction reports them) include
        Manage Webhooks."""
        return _parent(channel) is not None and permissions.manage_webhooks

    async def speak(self, channel: object, name: str, embed: discord.Embed) -> bool:
        """Post ``embed`` in ``channel`` as ``name``; False when Discord refuses.

        A webhook someone deleted is made anew once; any other refusal (a name Discord will not
        take as a webhook's, a permission taken away) is logged and left to the caller.
        """
        parent = _parent(channel)
        if parent is None:
            return False
        thread = channel if isinstance(channel, discord.Thread) else discord.utils.MISSING
        for _ in range(2):
            hook = None
            try:
                hook = await self._hook(parent)
                await hook.send(
                    embed=embed, username=name, thread=thread, allowed_mentions=NO_MENTIONS
                )
                return True
            except discord.NotFound:
                if hook is not None and self._hooks.get(parent.id) is hook:
                    del self._hooks[parent.id]  # deleted by someone: find or make another
            except discord.HTTPException as error:
                log.warning(
                    "cannot speak through a webhook in channel %s (%s %s)",
                    parent.id,
                    error.status,
                    error.code,
                )
                return False
        return False

    async def _hook(self, channel: discord.TextChannel) -> discord.Webhook:
        """The channel's webhook: remembered, else ours among its webhooks, else a new one (one
        at a time per channel, so that two first lines at once do not make two)."""
        async with self._locks.setdefault(channel.id, asyncio.Lock()):
            hook = self._hooks.get(channel.id)
            if hook is None:
                me = self._client.user
                ours = [
                    h
                    for h in await channel.webhooks()
                    if h.name == WEBHOOK_NAME and h.token and me is not None and h.user == me
                ]
                hook = ours[0] if ours else await channel.create_webhook(name=WEBHOOK_NAME)
                self._hooks[channel.id] = hook
            return hook

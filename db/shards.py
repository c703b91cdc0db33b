"""Which servers a process serves: Discord's shard of a guild is ``(guild_id >> 22) % count``."""

from __future__ import annotations

from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard whose connection carries the guild's events (Discord's own formula)."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Shards:
    """This process's shards: ``ids`` out of ``count``."""

    count: int
    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or not all(0 <= n < self.count for n in self.ids):
            raise ValueError(f"shards {self.ids} of {self.count}")

    def owns(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

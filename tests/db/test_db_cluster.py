"""A cluster over the wire: two bot processes, one shard each of two, on one PostgreSQL database.

Tables in servers of both shards play at once; the first shard's process is SIGKILLed mid-play
and started again. Afterwards every acknowledged roll is in its session's log once, no roll is
in it twice, and each process wrote only its own shard's servers' sessions.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from backends import Backend
from castle_play import assert_consistent
from fake_discord import FakeDiscord, Perm
from fake_discord.models import Channel, Guild, Member

from db.shards import shard_of
from scenes.engine import commands as c
from tests.benches import load_bench

TABLES_PER_SHARD = 2
MEMBERS = 6  # rollers per table and phase, each rolling less than /roll's cooldown (5 in 10 s)
PHASES = ("before", "during", "after")  # the kill falls in the middle one
ROUNDS = 2  # rolls per member and phase


@dataclass
class Table:
    guild: Guild
    hall: Channel
    gm: Member
    players: list[Member]

    @property
    def shard(self) -> int:
        return shard_of(self.guild.id, 2)


def build(fake: FakeDiscord) -> list[Table]:
    tables: list[Table] = []
    while min(Counter(t.shard for t in tables).get(s, 0) for s in (0, 1)) < TABLES_PER_SHARD:
        guild = fake.add_guild(f"Castle {len(tables) + 1}")
        if Counter(t.shard for t in tables)[shard_of(guild.id, 2)] >= TABLES_PER_SHARD:
            continue  # enough on that shard; the next id falls on the other
        hall = fake.add_text_channel(guild, "east-wing")
        gm = fake.add_member(guild, "gm", permissions=Perm.MANAGE_CHANNELS | Perm.MANAGE_GUILD)
        players = [fake.add_member(guild, f"player-{n}") for n in range(MEMBERS * len(PHASES))]
        tables.append(Table(guild, hall, gm, players))
    return tables


class Rolls:
    """Every /roll sent, and those the bot acknowledged (its answer arrived)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sent: dict[int, list[str]] = {}
        self.acknowledged: dict[int, list[str]] = {}
        self.dispatched = 0  # rolls the fake has put on a shard's connection

    async def roll(self, table: Table, member: Member, reason: str, timeout: float) -> None:
        self.sent.setdefault(table.hall.id, []).append(reason)
        handle = await self.fake.send_slash(
            "roll", member=member, channel=table.hall, options={"dice": "1d20", "reason": reason}
        )
        self.dispatched += 1
        try:
            answer = await handle.message(timeout=timeout)
        except TimeoutError:
            return  # never answered: the process was killed before it could be
        assert not answer.ephemeral, answer.content
        self.acknowledged.setdefault(table.hall.id, []).append(reason)

    async def round(self, tables: list[Table], phase: str, n: int, timeout: float = 8.0) -> None:
        """Each of the phase's members of every table rolls once, all at once."""
        first = PHASES.index(phase) * MEMBERS
        await asyncio.gather(
            *(
                self.roll(table, member, f"{phase}-{n} {member.id}", timeout)
                for table in tables
                for member in table.players[first : first + MEMBERS]
            )
        )


async def test_two_processes_one_shard_each_lose_nothing_and_double_nothing_through_a_kill(
    tmp_path: Path, postgres_url: str
) -> None:
    bench = load_bench("bot_process")
    async with FakeDiscord(token=bench.TOKEN, shard_count=2) as fake:
        tables = build(fake)
        rolls = Rolls(fake)

        def options(shard: int, run: str) -> object:
            return bench.BotOptions(
                "castle",
                fake.api_url,
                fake.gateway_url,
                tmp_path / f"unused-{shard}.sqlite3",
                tmp_path / f"shard-{shard}-{run}.log",
                guild_ready_timeout=0.05,
                database_url=postgres_url,
                shard_count=2,
                shard_ids=str(shard),
                commits=tmp_path / f"shard-{shard}.writes",
            )

        async with bench.bot_process(options(1, "only"), fake) as second:
            first = bench.bot_process(options(0, "first"), fake)
            killed = await first.__aenter__()
            try:
                for table in tables:
                    opened = await fake.send_slash("gm open", member=table.gm, channel=table.hall)
                    assert not (await opened.message()).ephemeral
                for n in range(ROUNDS):
                    await rolls.round(tables, "before", n)
                sent = rolls.dispatched
                during = asyncio.gather(
                    *(rolls.round(tables, "during", n, timeout=4.0) for n in range(ROUNDS))
                )
                in_flight = sent + ROUNDS * MEMBERS * len(tables)
                while rolls.dispatched < in_flight:  # mid-play: every roll on its way, and
                    await asyncio.sleep(0.001)  # the first shard's process cannot have
                killed.process.kill()  # answered two dozen of them yet
                await during
            finally:
                await first.__aexit__(None, None, None)
            assert killed.process.returncode == -9

            async with bench.bot_process(options(0, "again"), fake) as restarted:
                assert restarted.facts["open_sessions"] == TABLES_PER_SHARD  # its own shard's
                for n in range(ROUNDS):
                    await rolls.round(tables, "after", n)
            assert second.facts["open_sessions"] == 0  # started before any session existed

        await check(tables, rolls, postgres_url, tmp_path)


async def check(tables: list[Table], rolls: Rolls, url: str, folder: Path) -> None:
    store = await Backend("postgres", url).open()
    try:
        lost = 0
        for table in tables:
            stored = await store.load_by_channel(table.hall.id)
            assert stored is not None and stored.record.guild_id == table.guild.id
            await assert_consistent(store, stored.id)
            logged = [
                entry.command.reason
                for entry in await store.log(stored.id)
                if isinstance(entry.command, c.FreeRoll)
            ]
            assert len(logged) == len(set(logged))  # nothing applied twice
            acknowledged = rolls.acknowledged.get(table.hall.id, [])
            assert set(acknowledged) <= set(logged)  # nothing acknowledged lost
            assert set(logged) <= set(rolls.sent[table.hall.id])
            if table.shard == 1:  # the process that was not killed answered every roll
                assert sorted(acknowledged) == sorted(rolls.sent[table.hall.id])
            lost += len(rolls.sent[table.hall.id]) - len(acknowledged)
            assert any(reason.startswith("after-") for reason in logged)
        assert lost > 0, "the kill fell after every roll was answered: it tested nothing"
    finally:
        await store.close()
    for shard in (0, 1):
        writes = (folder / f"shard-{shard}.writes").read_text().split("\n")
        guilds = {int(line.split()[2]) for line in writes if line}
        assert guilds and {shard_of(guild, 2) for guild in guilds} == {shard}

"""On the wire with the real bot: a whole scene on PostgreSQL, and one process on two shards."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from backends import Backend
from castle_play import assert_consistent
from fake_discord import FakeDiscord, Perm, point_discord_at, run_bot
from pydantic import SecretStr

from bot import ShardedCastleBot
from db.shards import shard_of
from scenes.engine.state import Status
from tests.cogs import test_wire_scene, world

TOKEN = world.TOKEN


async def test_a_whole_scene_plays_to_its_recap_on_postgresql(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = world.settings

    def on_postgres(of: world.World) -> world.Settings:
        return plain(of).model_copy(update={"database_url": SecretStr(postgres_url)})

    monkeypatch.setattr(world, "settings", on_postgres)
    await test_wire_scene.test_a_whole_scene_plays_to_an_ending_and_its_recap(tmp_path)

    assert not (tmp_path / "data").exists()  # no SQLite file: it all went to PostgreSQL
    store = await Backend("postgres", postgres_url).open()
    try:
        (record,) = [r for guild in await guilds(store) for r in await store.sessions(guild)]
        assert record.status is Status.ENDED and record.ending is not None
        state = await assert_consistent(store, record.id)
        assert state.ending is not None and state.round >= 2
    finally:
        await store.close()


async def guilds(store: object) -> list[int]:
    from db.postgres import PostgresStore

    assert isinstance(store, PostgresStore)
    async with store.connection() as conn:
        return [row[0] for row in await conn.fetch("SELECT DISTINCT guild_id FROM sessions")]


class ShardedTestBot(ShardedCastleBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def test_one_process_on_two_shards_answers_each_guild_over_its_own_shard(
    tmp_path: Path,
) -> None:
    async with FakeDiscord(token=TOKEN, shard_count=2) as fake:
        with point_discord_at(fake):
            guilds = [fake.add_guild(f"Castle {n}") for n in range(2)]
            if shard_of(guilds[0].id, 2) == shard_of(guilds[1].id, 2):
                guilds[1] = fake.add_guild("Castle on the other shard")
            assert {shard_of(guild.id, 2) for guild in guilds} == {0, 1}
            halls = [fake.add_text_channel(guild, "east-wing") for guild in guilds]
            gms = [
                fake.add_member(guild, f"gm-{n}", permissions=Perm.MANAGE_CHANNELS)
                for n, guild in enumerate(guilds)
            ]
            settings = world.Settings(
                discord_token=TOKEN,
                database_path=tmp_path / "castle.sqlite3",
                turn_check_seconds=0.05,
                shard_count=2,
            )
            bot = ShardedTestBot(settings, seeds=random.Random(3), guild_ready_timeout=0.05)
            async with run_bot(bot, fake):
                await bot.tree.sync()
                assert sorted(s.shard for s in fake.sessions) == [(0, 2), (1, 2)]
                for hall, gm in zip(halls, gms, strict=True):
                    handle = await fake.send_slash(
                        "gm open", member=gm, channel=hall, options={"defenders": 1}
                    )
                    assert "lobby" in str((await handle.message()).embeds).lower()
                    assert (await bot.service.current(hall.id)) is not None
                shard_of_session = {s.id: s.shard[0] for s in fake.sessions}
                delivered = [
                    (event.data, shard_of_session[event.session_id])
                    for event in fake.gateway_log
                    if event.name == "INTERACTION_CREATE"
                ]
                assert sorted(delivered) == sorted((g.id, shard_of(g.id, 2)) for g in guilds)
        fake.assert_clean()

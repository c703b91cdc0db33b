"""On the wire: opening a session, the lobby and its claim buttons, a race for one seat."""

from __future__ import annotations

import asyncio
import gc

from fake_discord.state import GUILDS_INTENT

from tests.cogs.world import castle, running


async def test_a_gm_opens_a_lobby_with_claim_buttons_and_players_claim_seats(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        handle = await world.slash("gm open", world.gm, {"defenders": 2})
        lobby = await handle.message()
        assert "seats" in lobby.embeds[0]["title"]
        labels = [c["label"] for row in lobby.components for c in row["components"]]
        assert labels == ["Claim Sakura", "Claim Sasuke", "Claim Defender"]

        claimed = await world.fake.click(
            lobby,
            next(
                c["custom_id"]
                for row in lobby.components
                for c in row["components"]
                if c["label"] == "Claim Sakura"
            ),
            member=world.players["sakura"],
        )
        answer = await claimed.message()
        assert "takes the seat of Sakura" in str(answer.embeds[0])

        handle = await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
        assert "Sasuke" in str((await handle.message()).embeds[0])
        handle = await world.slash("roles", world.stranger)
        roles = (await handle.message()).embeds[0]
        assert f"<@{world.players['sakura'].id}>" in str(roles)
        assert "free" in str(roles)


async def test_many_players_racing_for_one_seat_seats_exactly_one(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm)
        racers = [world.fake.add_member(world.guild, f"racer-{n}") for n in range(8)]
        handles = await asyncio.gather(
            *[
                world.fake.send_slash(
                    "claim", member=m, channel=world.hall, options={"role": "sakura"}
                )
                for m in racers
            ]
        )
        answers = await asyncio.gather(*[h.message() for h in handles])
        won = [a for a in answers if not a.ephemeral]
        lost = [a for a in answers if a.ephemeral]
        assert len(won) == 1 and len(lost) == 7
        assert all("taken" in a.content for a in lost)


async def test_the_bot_asks_discord_for_the_guilds_intent_only_and_gets_no_chatter(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        (identify,) = [e for e in world.fake.gateway_log if e.name == "IDENTIFY"]
        assert identify.data["intents"] == GUILDS_INTENT
        await world.slash("gm open", world.gm, {"defenders": 1})
        await world.slash("say", world.gm, {"text": "Nobody is seated yet."})
        sent = [e.name for e in world.fake.gateway_log if e.direction == "send"]
        assert "INTERACTION_CREATE" in sent and "GUILD_CREATE" in sent
        assert "MESSAGE_CREATE" not in sent  # the bot's own posts are not echoed back to it


async def test_start_up_freezes_its_heap_so_full_collections_skip_it(tmp_path) -> None:
    gc.unfreeze()
    young, middle, full = gc.get_threshold()
    async with castle(tmp_path) as world, running(world):
        # the modules, the scene data and the restored sessions: tens of thousands of objects
        assert gc.get_freeze_count() > 10_000
        # and a full collection waits for a hundred of the middle generation's, not ten
        assert gc.get_threshold() == (young, middle, 100) and full == 10
        handle = await world.slash("gm open", world.gm, {"defenders": 2})
        assert "seats" in (await handle.message()).embeds[0]["title"]
    assert gc.get_freeze_count() == 0  # and the test process's heap is collected again after
    assert gc.get_threshold() == (young, middle, full)

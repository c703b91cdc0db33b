"""On the wire: a wall of blank lines is posted with at most two in a row; the session's log
keeps the text exactly as typed."""

from __future__ import annotations

import re

from fake_discord import Perm
from fake_discord.models import Message, Overwrite
from hypothesis import given
from hypothesis import strategies as st

from cogs.render import unflooded
from tests.cogs.world import World, castle, running, spoken

FLOOD = "Hold" + "\n" * 1492 + "fast"
# more than two blank lines in a row: four line breaks with nothing visible between them
THREE_BLANK_LINES = re.compile(r"(?:\n[^\S\n]*){4}")


def description(message: Message) -> str:
    return " ".join(e.get("description") or "" for e in message.embeds)


async def _logged(world: World, kind: str) -> list[str]:
    service = world.bot.service
    log = await service.log((await service.current(world.hall.id)).id)
    return [e.command.text for e in log if e.kind == kind]


async def _seated(world: World) -> None:
    await world.slash("gm open", world.gm, {"defenders": 1})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})


async def test_a_say_of_1492_newlines_is_posted_with_two_blank_lines_and_stored_as_typed(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await _seated(world)
        await world.slash("say", world.players["sakura"], {"text": FLOOD})
        line = await spoken(world, "Sakura", "fast")
        assert description(line) == "“Hold\n\n\nfast”"
        assert await _logged(world, "say") == [FLOOD]


async def test_a_pose_of_blank_lines_made_of_spaces_and_invisible_marks_is_collapsed_too(
    tmp_path,
) -> None:
    flood = "bars the door" + "\n \u200b\u2800\t" * 200 + "and waits" + "\r\n" * 50 + "."
    async with castle(tmp_path) as world, running(world):
        await _seated(world)
        await world.slash("act", world.players["sakura"], {"text": flood})
        pose = await spoken(world, "Sakura", "and waits")
        posted = description(pose)
        assert "bars the door" in posted and "and waits" in posted
        assert len(posted.splitlines()) == 7  # three lines of words, two blank lines twice
        assert await _logged(world, "act") == [flood]


async def test_without_a_webhook_the_bots_own_embed_is_collapsed(tmp_path) -> None:
    async with castle(tmp_path) as world:
        bot_id = world.fake.bot_user.id
        world.hall.overwrites.append(Overwrite(bot_id, 1, 0, int(Perm.MANAGE_WEBHOOKS)))
        async with running(world):
            await _seated(world)
            said = await world.slash("say", world.players["sakura"], {"text": FLOOD})
            answer = await said.message()
            assert answer.embeds[0]["description"] == "“Hold\n\n\nfast”"
            assert await _logged(world, "say") == [FLOOD]


async def test_a_narration_flood_is_collapsed_and_stored_as_typed(tmp_path) -> None:
    flood = "The rain" + "\n" * 1000 + "stops."
    async with castle(tmp_path) as world, running(world):
        await world.slash("gm open", world.gm, {"defenders": 1})
        narrated = await world.slash("gm narrate", world.gm, {"text": flood})
        posted = description(await narrated.message())
        assert posted == "The rain\n\n\nstops."
        assert await _logged(world, "narrate") == [flood]


async def test_nothing_posted_holds_more_than_two_blank_lines_in_a_row(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await _seated(world)
        await world.slash("say", world.players["sakura"], {"text": FLOOD})
        await world.slash("act", world.players["sakura"], {"text": FLOOD})
        await world.slash("gm narrate", world.gm, {"text": FLOOD})
        await world.slash("gm pause", world.gm, {"reason": "a" + "\n" * 150 + "b"})
        await spoken(world, "Sakura", "“Hold")  # the line, then the pose, posted by now
        await spoken(world, "Sakura", "*Hold")
        for message in world.fake.all_messages:
            for embed in message.embeds:
                texts = [embed.get("description") or ""]
                texts += [f.get("value") or "" for f in embed.get("fields") or []]
                for text in texts:
                    assert not THREE_BLANK_LINES.search(text), text


LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
pieces = st.sampled_from(["a", "b c", " ", "\t", "\u200b", "\u2800", "\r\n", *LINE_BREAKS])


@given(st.lists(pieces, max_size=200).map("".join))
def test_no_more_than_two_blank_lines_in_a_row_and_every_other_line_kept(text: str) -> None:
    posted = unflooded(text)
    lines = posted.splitlines()
    run = longest = 0
    for line in lines:
        run = run + 1 if not line.strip(" \t\u200b\u2800") else 0
        longest = max(longest, run)
    assert longest <= 2
    visible = [line for line in text.splitlines() if line.strip(" \t\u200b\u2800")]
    assert [line for line in lines if line.strip(" \t\u200b\u2800")] == visible
    assert unflooded(posted) == posted
    assert len(posted) <= len(text)  # lines are only ever left out, never changed


def test_two_blank_lines_are_kept_and_single_lines_untouched() -> None:
    assert unflooded("a\n\n\nb") == "a\n\n\nb"
    assert unflooded("a\n\n\n\nb") == "a\n\n\nb"
    assert unflooded("a\nb\nc") == "a\nb\nc"
    assert unflooded("a\u2028\u2028\u2028\u2028b") == "a\u2028\u2028\u2028b"
    assert unflooded("a \n  \n\t\n   \nb") == "a \n  \n\t\nb"

"""On the wire: the mercy between two players. Sasuke's grip lands; Sakura, choking, gets buttons
of her own beside his and answers them (she pleads, then speaks); he strikes through /choose and
his heart refuses: the post is titled as what happened, and the refusal is told once."""

from __future__ import annotations

import re

from scenes.schema import load_scene
from tests.cogs.world import buttons, castle, running, session_state, spoken

MERCY = {"Strike", "Spare", "Bind"}
HELD = {"Struggle", "Plead", "Defy"}


def fragments(moment: str) -> list[str]:
    """The longest literal piece of each of a moment's lines (its placeholders cut out)."""
    lines = load_scene("castle").narration[moment]
    return [max(re.split(r"\{[a-z_]+\}", line), key=len) for line in lines]


async def seated(world) -> None:
    await world.slash("gm open", world.gm, {"defenders": 1})
    await world.slash("claim", world.players["sakura"], {"role": "sakura"})
    await world.slash("claim", world.players["sasuke"], {"role": "sasuke"})
    await world.slash("gm begin", world.gm)


async def grip_lands(world):
    """Sasuke opens the door and takes her by the throat (the GM skips her turns till then);
    the grip's post."""
    sasuke = world.players["sasuke"]
    gripped = None
    for _ in range(30):
        state = await session_state(world)
        if state.character("sakura").has("choking"):
            return gripped
        if state.turn != "sasuke":
            await world.slash("gm skip", world.gm)
        elif state.character("sasuke").place == "east_hall":
            await world.slash("interact", sasuke, {"object": "door", "how": "open"})
        else:
            options = {"name": "throat_grip", "target": "sakura"}
            gripped = await (await world.slash("jutsu", sasuke, options)).message()
    raise AssertionError("his grip never landed")


async def test_in_his_grip_she_has_her_own_buttons_and_his_heart_refuses(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=5):
        fake = world.fake
        sakura, sasuke = world.players["sakura"], world.players["sasuke"]
        await seated(world)

        gripped = await grip_lands(world)
        state = await session_state(world)
        assert state.character("sakura").held_by == "sasuke"
        assert state.turn == "sakura", "her turn comes next, in his grip"

        # one post: his strike / spare / bind and her struggle / plead / defy, each for its own
        shown = buttons(gripped)
        assert set(shown) >= MERCY | HELD
        assert all(shown[label].endswith(":sakura") for label in HELD)
        assert all(shown[label].endswith(":sasuke") for label in MERCY)

        # her press of his button is refused; her own button answers her choice
        refused = await (await fake.click(gripped, shown["Strike"], member=sakura)).message()
        assert refused.ephemeral and "Sasuke's to make" in refused.content
        pleaded = await (await fake.click(gripped, shown["Plead"], member=sakura)).message()
        assert pleaded.embeds[0]["title"] == "Sakura chooses plead: pleaded"
        assert "(moved by Sakura's plea)" in str(pleaded.embeds[0]["fields"])
        await world.slash("say", sakura, {"text": "Look at me. You know who I am."})
        line = await spoken(world, "Sakura", "You know who I am")
        assert "(moved by Sakura's words)" in line.embeds[0]["footer"]["text"]
        assert (await session_state(world)).character("sasuke").marked("softened")

        # he strikes, by /choose; the hand will not come down
        struck = await (await world.slash("choose", sasuke, {"option": "strike"})).message()
        embed = struck.embeds[0]
        assert embed["title"] == "Sasuke chooses strike: his heart refused"
        told = embed["description"]
        assert sum(told.count(piece) for piece in fragments("mercy_heart_fails")) == 1
        assert not any(piece in told for piece in fragments("mercy_spare"))
        assert "→ failure" in str(embed["fields"])
        state = await session_state(world)
        assert state.character("sakura").fate == "present"
        assert not state.character("sakura").has("choking")


async def test_in_his_grip_she_answers_by_choose_and_a_wrong_option_is_refused(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=5):
        sakura = world.players["sakura"]
        await seated(world)
        await grip_lands(world)
        wrong = await (await world.slash("choose", sakura, {"option": "spare"})).message()
        assert wrong.ephemeral and wrong.content == "Choose one of: struggle, plead, defy."
        stranger = await (
            await world.slash("choose", world.players["defender"], {"option": "defy"})
        ).message()
        assert stranger.ephemeral
        defied = await (await world.slash("choose", sakura, {"option": "defy"})).message()
        assert defied.embeds[0]["title"] == "Sakura chooses defy: defied"
        state = await session_state(world)
        assert state.character("sakura").has("choking")  # the grip holds
        assert [d.kind for d in state.decisions] == ["mercy"]  # his choice stays open

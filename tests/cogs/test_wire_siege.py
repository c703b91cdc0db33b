"""On the wire: the round's siege event is put to the defender as their turn begins, with a
button for each choice; the defender answers it by button, and its consequence is told."""

from __future__ import annotations

import random

from scenes.castle import siege
from scenes.castle.siege_book import book
from scenes.castle.world import castle as castle_world
from scenes.engine.autoplay import next_move
from tests.cogs.world import buttons, castle, claimed_by_all, perform, running, session_state


async def test_a_defender_answers_a_siege_event_by_button(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world, seed=5):
        fake = world.fake
        await world.slash("gm open", world.gm, {"defenders": 1})
        seats = await claimed_by_all(world)
        await world.slash("gm begin", world.gm)
        members = {m.id: m for m in seats.values()}
        rng = random.Random(2)
        for _ in range(40):  # play on until the defender's turn brings the event
            state = await session_state(world)
            if any(siege.is_siege(d) for d in state.decisions_of("defender_1")):
                break
            actor, command = next_move(state, rng)
            if command.kind == "choose":
                command = type(command)(option=command.option)
            answer = await (await perform(world, members[actor.member_id], command)).message()
            if answer.ephemeral:
                await world.slash("defend", members[actor.member_id])
        state = await session_state(world)
        (decision,) = [d for d in state.decisions_of("defender_1") if siege.is_siege(d)]
        event = book().event(decision.subject)
        option = event.options[0]
        prompt = next(
            m
            for m in reversed(fake.visible_messages(world.hall))
            if option.capitalize() in buttons(m)
        )
        assert set(buttons(prompt)) >= {o.capitalize() for o in event.options}
        assert event.name in str(fake.visible_messages(world.hall)[-5:])

        # another player's press of the defender's button is refused, ephemerally
        other = await fake.click(
            prompt, buttons(prompt)[option.capitalize()], member=seats["sakura"]
        )
        refused = await other.message()
        assert refused.ephemeral and "Ren" in refused.content
        assert (await session_state(world)).decisions_of("defender_1")

        pressed = await fake.click(
            prompt, buttons(prompt)[option.capitalize()], member=seats["defender_1"]
        )
        answer = await pressed.message()
        assert not answer.ephemeral
        state = await session_state(world)
        assert castle_world(state).siege.event is None
        assert not state.decisions_of("defender_1") and state.turn != "defender_1"
        told = [
            line.format(actor="Ren", their="their", them="them", themself="themself")
            for line in event.choice(option).told
        ]
        posted = " ".join(str(m.embeds) for m in fake.visible_messages(world.hall)[-4:])
        assert any(line in posted for line in told)

        await world.slash("gm end", world.gm, {"reason": "enough"})

"""The ferry's own rules: whoever fells the other decides the passage; the passage ends it."""

from __future__ import annotations

import random
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Literal

from scenes.engine import commands as cmd
from scenes.engine.decisions import made, offer
from scenes.engine.events import SceneEvent
from scenes.engine.queries import can_act
from scenes.engine.recap.reading import Reader
from scenes.engine.scene import SceneRules
from scenes.engine.state import Character, Decision, Ending, SessionState, World
from scenes.engine.tx import Tx

FERRYMAN, STRANGER = "ferryman", "stranger"
PASSAGE = "passage"
OPTIONS = ("ferry", "leave")


class FerryMoment(StrEnum):
    FERRIED = "ferried"
    ABANDONED = "abandoned"


class FerryWorld(World):
    passage: str | None = None


class PassageDecided(SceneEvent):
    kind: Literal["passage_decided"] = "passage_decided"
    choice: str

    def apply(self, world: World) -> World:
        assert isinstance(world, FerryWorld)
        return world.model_copy(update={"passage": self.choice})


def _other(key: str) -> str:
    return STRANGER if key == FERRYMAN else FERRYMAN


class Ferry(SceneRules):
    folder = Path(__file__).parent
    world_type = FerryWorld
    moments = (FerryMoment,)
    decision_kinds: ClassVar[dict[str, tuple[str, ...]]] = {PASSAGE: OPTIONS}

    def on_down(self, tx: Tx, key: str) -> None:
        decider = _other(key)
        if not tx.state.decisions and can_act(tx.state, decider):
            offer(tx, PASSAGE, decider, key)

    def decide(self, tx: Tx, decision: Decision, option: str) -> None:
        made(tx, decision, option, "ferried" if option == "ferry" else "left behind")
        tx.emit(PassageDecided(choice=option))
        moment = FerryMoment.FERRIED if option == "ferry" else FerryMoment.ABANDONED
        tx.narrate(moment)

    def default_option(self, decision: Decision) -> str:
        return "ferry"

    def is_over(self, state: SessionState) -> bool:
        world = state.world
        return isinstance(world, FerryWorld) and world.passage is not None

    def ending(self, state: SessionState) -> Ending:
        world = state.world
        assert isinstance(world, FerryWorld)
        key = "safe_crossing" if world.passage == "ferry" else "left_on_the_shore"
        return Ending(key=key, facets=(("passage", world.passage or "undecided"),))

    def story(self, state: SessionState, reader: Reader) -> tuple[str, ...]:
        night = reader.night
        blows = len(night.blows)
        told = [f"At dusk two people met at the last ferry, and {blows} blows were struck."]
        if state.ending is not None:
            told.append(f"It ended as {self.data.ending(state.ending.key).title.lower()}.")
        return tuple(told)

    def autoplay(self, state: SessionState, me: Character, rng: random.Random) -> cmd.Command:
        foe = next((c for c in state.characters if c.key != me.key and c.standing), None)
        if foe is not None and foe.place != me.place:
            return cmd.Move(to=foe.place)
        technique = self.data.techniques_of(me.role)[0]
        return cmd.Jutsu(name=technique.key, target=foe.key if foe else None)


FERRY = Ferry()

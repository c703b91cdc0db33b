"""The interface a scene implements: its data, and the hooks where its own rules plug into the
core (the way python-chess's variants override a few methods of one generic board).

A scene subclasses ``SceneRules``, points it at its data folder, overrides the hooks it needs
and registers one instance (``scenes.engine.registry.register``). Every hook has a default that
does nothing scene-specific, so a small scene overrides only a few.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

from scenes.engine import commands as cmd
from scenes.engine.errors import Refusal
from scenes.engine.moments import beat_moment, ending_moment
from scenes.engine.state import Character, Decision, Ending, Fate, SessionState, World
from scenes.schema import Scene, Technique, load_scene_from

if TYPE_CHECKING:
    from scenes.engine import events as ev
    from scenes.engine.recap.reading import Reader
    from scenes.engine.tx import Tx

Effect = Callable[["Tx", str, Technique, tuple[str, ...]], None]


class NoNumbers(BaseModel):
    """A scene with no tunable numbers of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class Special:
    """A target that is not a character (an object, a front): its key, its label, and whether
    it is what the technique aims at when no target is given. A ``closed`` special is one the
    scene names but no longer takes: never suggested, and aiming at it is refused with that
    sentence."""

    key: str
    label: str
    default: bool = False
    closed: str | None = None


@dataclass(frozen=True, slots=True)
class Gauge:
    """A number of the scene's world that the GM may correct with /gm set, and the chart draws."""

    key: str
    label: str
    title: str
    value: int
    maximum: int


class SceneRules:
    """A scene: its validated data and its own rules. Subclasses override the hooks below."""

    folder: ClassVar[Path]
    world_type: ClassVar[type[World]] = World
    numbers_type: ClassVar[type[BaseModel]] = NoNumbers
    moments: ClassVar[tuple[type[StrEnum], ...]] = ()
    placeholders: ClassVar[Mapping[str, frozenset[str]]] = {}
    effects: ClassVar[Mapping[str, Effect]] = {}
    dice_effects: ClassVar[frozenset[str]] = frozenset()  # the scene's effects that roll dice
    action_moments: ClassVar[frozenset[str]] = frozenset()  # its moments a pose replaces
    decision_kinds: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def __init__(self) -> None:
        self.data: Scene = load_scene_from(self.folder, self)

    @property
    def key(self) -> str:
        return self.data.key

    def with_data(self, data: Scene) -> Self:
        """The same rules over other (already validated) data: for tests and tuning."""
        clone = copy.copy(self)
        clone.data = data
        return clone

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def numbers(self) -> BaseModel:
        return self.data.numbers

    # --- the world -------------------------------------------------------------------------

    def new_world(self) -> World:
        """The scene's own state when a session opens."""
        return self.world_type()

    def gauges(self, state: SessionState) -> tuple[Gauge, ...]:
        """The world's numbers that /gm set corrects and the chart draws."""
        return ()

    # --- places, targets and objects -------------------------------------------------------

    def passage(self, state: SessionState, here: str, there: str) -> str | None:
        """Why ``here`` to ``there`` cannot be passed now, or None when it can."""
        return None

    def specials(
        self, state: SessionState, actor: Character, technique: Technique
    ) -> tuple[Special, ...]:
        """Targets besides characters that ``technique`` may be aimed at now."""
        return ()

    def interactions(self, state: SessionState, actor: Character) -> tuple[tuple[str, str], ...]:
        """The (object, how) pairs ``actor`` may try now (what /interact suggests)."""
        return ()

    def interact(self, tx: Tx, key: str, obj: str, how: str) -> None:
        """``key`` acts on one of the scene's objects (a turn)."""
        raise Refusal("There is nothing here to interact with.")

    # --- techniques ------------------------------------------------------------------------

    def senseless(self, state: SessionState, technique: Technique, target: Character) -> str | None:
        """Why ``technique`` at ``target`` would do nothing (a scene's own cases), or None."""
        return None

    def attack_modifier(
        self, state: SessionState, attacker: str, target: str, tech: Technique
    ) -> int:
        """A scene's bonus or penalty to one attack roll."""
        return 0

    def attack_advantage(self, tx: Tx, attacker: str, target: str) -> bool:
        """Whether this attack is rolled with advantage (the scene may spend a mark for it)."""
        return False

    def after_attack(self, tx: Tx, attacker: str, target: str, outcome: str) -> None:
        """After an attack roll against a character is recorded."""

    # --- triggers --------------------------------------------------------------------------

    def after_change(self, tx: Tx) -> None:
        """After any accepted change while the scene is in play (the scene's own triggers)."""

    def on_down(self, tx: Tx, key: str) -> None:
        """``key`` has just fallen to vitality 0."""

    def on_leave(self, tx: Tx, key: str, fate: Fate) -> None:
        """``key`` has just left the scene."""

    def on_turn(self, tx: Tx, key: str) -> None:
        """``key``'s turn has just begun (a scene may offer them a decision that is the turn)."""

    def end_of_round(self, tx: Tx) -> None:
        """The round's end, after the core's own (choking)."""

    def narrate_beat(self, tx: Tx, key: str) -> None:
        """Tell the beat ``key`` as it begins (a scene may tell it by the state it finds)."""
        tx.narrate_line(beat_moment(key))

    def on_beat(self, tx: Tx, number: int) -> None:
        """The GM has moved the scene to beat ``number``: what that beat starts."""

    def is_over(self, state: SessionState) -> bool:
        """Whether the final beat is due."""
        return False

    def ending(self, state: SessionState) -> Ending:
        """The ending the state has reached."""
        return Ending(key=self.data.endings[0].key)

    def narrate_ending(self, tx: Tx, ending: Ending) -> None:
        """Tell the ending reached (a scene may tell it by the path its facets record)."""
        tx.narrate_line(ending_moment(ending.key))

    # --- decisions -------------------------------------------------------------------------

    def decide(self, tx: Tx, decision: Decision, option: str) -> None:
        """Carry out ``option`` of ``decision`` (already checked to be offered)."""
        raise Refusal("This scene offers no choices.")  # pragma: no cover

    def default_option(self, decision: Decision) -> str:
        """What a skipped decision falls back to."""
        return decision.options[0]

    def grave(self, decision: Decision, option: str) -> bool:
        """Whether ``option`` cannot be taken back (its button is shown in red)."""
        return False

    # --- words -----------------------------------------------------------------------------

    def describe(self, event: ev.SceneEvent, state: SessionState) -> str | None:
        """A short fact for one of the scene's own events."""
        return None

    def reader(self, state: SessionState) -> Reader:
        """The recap's reader (a scene may subclass the core's to read its own events)."""
        from scenes.engine.recap.reading import Reader

        return Reader(state, self)

    def story(self, state: SessionState, reader: Reader) -> tuple[str, ...]:
        """The recap's story, in the scene's voice."""
        return ()

    def facets_line(self, ending: Ending) -> str:
        return " · ".join(f"{name} **{value}**" for name, value in ending.facets)

    # --- what earlier versions stored -------------------------------------------------------

    def upgrade_state(self, data: dict[str, Any]) -> dict[str, Any]:
        """A stored state of this scene written before scenes kept a world of their own, in
        today's shape (the default: an empty world)."""
        return {**data, "world": {}}

    def upgrade_event(self, data: dict[str, Any]) -> dict[str, Any]:
        """A stored event written by an earlier version, in today's shape (any scene's event
        passes every scene's hook: leave what is not yours as it is)."""
        return data

    # --- scripted players ------------------------------------------------------------------

    def progress(self, state: SessionState) -> object:
        """What of the world counts as the story moving (the scripted GM's eye for a stall)."""
        return state.world

    def autoplay(self, state: SessionState, me: Character, rng: random.Random) -> cmd.Command:
        """A sensible turn for ``me`` (playtests and benches)."""
        return cmd.Defend()

    def autoplay_choice(
        self, state: SessionState, decision: Decision, rng: random.Random
    ) -> cmd.Command:
        """A scripted player's answer to ``decision`` (a scene may have a free command come
        first, or weigh its options)."""
        return cmd.Choose(option=rng.choice(decision.options))

    def seating(self, players: int, first_member: int) -> list[tuple[cmd.Actor, cmd.Claim]]:
        """Who claims what at a scripted table of ``players``: one seat per role, in order."""
        roles = [role.key for role in self.data.roles]
        return [
            (cmd.Actor(member_id=first_member + n, name=f"Player {n}"), cmd.Claim(role=role))
            for n, role in enumerate(roles[:players])
        ]

"""The castle in the rain: the core's hooks, answered by the castle's own rules."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scenes.castle import autoplay, endings, facts, heart, jutsu, legacy, objects, siege
from scenes.castle.words import (
    ACTION_MOMENTS,
    DECISIONS,
    DEFAULTS,
    DESK,
    DOOR,
    PLACEHOLDERS,
    SASUKE,
    SCROLLS,
    CastleMoment,
    CastleNumbers,
    DecisionKind,
)
from scenes.castle.world import CastleWorld, Door, Siege, castle
from scenes.engine import commands as cmd
from scenes.engine.errors import Refusal
from scenes.engine.events import SceneEvent
from scenes.engine.scene import Effect, Gauge, SceneRules, Special
from scenes.engine.state import Character, Decision, Ending, Fate, SessionState
from scenes.engine.tx import Tx
from scenes.schema import Technique

if TYPE_CHECKING:
    from scenes.engine.recap.reading import Reader


class Castle(SceneRules):
    """The castle under siege: the oak door, the scrolls, the pair's hearts, the north wing."""

    folder = Path(__file__).parent
    world_type = CastleWorld
    numbers_type = CastleNumbers
    moments = (CastleMoment,)
    placeholders = PLACEHOLDERS
    decision_kinds: ClassVar[Mapping[str, tuple[str, ...]]] = {**DECISIONS, **siege.DECISIONS}
    dice_effects = frozenset({"volley"})
    action_moments = ACTION_MOMENTS
    effects: ClassVar[dict[str, Effect]] = {
        "damage": jutsu.strike_or_force,
        "stun_on_critical": jutsu.strike_or_force,
        "sharingan": jutsu.sharingan,
        "throat_grip": jutsu.throat_grip,
        "body_flicker": jutsu.body_flicker,
        "volley": siege.volley,
        "earth_wall": siege.earth_wall,
        "hold_the_line": siege.hold_the_line,
    }

    @property
    def castle_numbers(self) -> CastleNumbers:
        assert isinstance(self.data.numbers, CastleNumbers)
        return self.data.numbers

    def new_world(self) -> CastleWorld:
        integrity = self.castle_numbers.siege.integrity
        return CastleWorld(siege=Siege(integrity=integrity, max_integrity=integrity))

    def gauges(self, state: SessionState) -> tuple[Gauge, ...]:
        wall = castle(state).siege
        return (
            Gauge(
                key="integrity",
                label="integrity",
                title="North wing",
                value=wall.integrity,
                maximum=wall.max_integrity,
            ),
        )

    def passage(self, state: SessionState, here: str, there: str) -> str | None:
        return objects.passage(state, here, there)

    def specials(
        self, state: SessionState, actor: Character, technique: Technique
    ) -> tuple[Special, ...]:
        return jutsu.specials(state, actor, technique)

    def interactions(self, state: SessionState, actor: Character) -> tuple[tuple[str, str], ...]:
        return objects.interactions(state, actor)

    def interact(self, tx: Tx, key: str, obj: str, how: str) -> None:
        character = tx.state.character(key)
        if obj == DOOR:
            objects.interact_door(tx, character, how)
        elif obj in (DESK, SCROLLS):
            objects.interact_scrolls(tx, character, how)
        else:  # pragma: no cover - the core checks the object first
            raise Refusal("There is no such thing here.")

    def senseless(self, state: SessionState, technique: Technique, target: Character) -> str | None:
        return jutsu.senseless(technique, target)

    def attack_modifier(
        self, state: SessionState, attacker: str, target: str, tech: Technique
    ) -> int:
        penalty = self.castle_numbers.sharingan_seal_penalty
        return jutsu.seal_penalty(penalty, state.character(target), tech)

    def attack_advantage(self, tx: Tx, attacker: str, target: str) -> bool:
        return jutsu.spend_ambush(tx, attacker, target)

    def after_change(self, tx: Tx) -> None:
        heart.check_first_sight(tx)
        heart.heard_in_the_grip(tx)
        heart.tidy_mercy(tx)
        siege.draw_event(tx)

    def on_down(self, tx: Tx, key: str) -> None:
        heart.offer_mercy(tx, key)

    def on_leave(self, tx: Tx, key: str, fate: Fate) -> None:
        objects.scrolls_left_behind(tx, key, fate)
        endings.mark_departure(tx, key, fate)

    def on_turn(self, tx: Tx, key: str) -> None:
        heart.offer_held_choice(tx, key)
        siege.offer_on_turn(tx, key)

    def end_of_round(self, tx: Tx) -> None:
        siege.end_of_round(tx)

    def narrate_beat(self, tx: Tx, key: str) -> None:
        if key == "mercy" and not tx.state.decisions and heart.mercy_due(tx.state) is None:
            tx.narrate(CastleMoment.MERCY_WITHHELD)  # no life is in the other's hands
            return
        if key == self.data.beats[-1].key:
            siege.withdraw_all(tx)  # the scene stops: no siege event waits any more
        super().narrate_beat(tx, key)

    def on_beat(self, tx: Tx, number: int) -> None:
        key = self.data.beats[number - 1].key
        if key == "breach":
            if castle(tx.state).door in (Door.CLOSED, Door.BARRED):
                objects.door_opened(tx, SASUKE, Door.BROKEN)
        elif key == "mercy":
            heart.offer_mercy_if_due(tx)
        elif key == "scrolls":
            heart.offer_standoff(tx)

    def is_over(self, state: SessionState) -> bool:
        return endings.scene_is_over(state)

    def ending(self, state: SessionState) -> Ending:
        return endings.compute_ending(state)

    def narrate_ending(self, tx: Tx, ending: Ending) -> None:
        endings.narrate_ending(tx, ending)

    def decide(self, tx: Tx, decision: Decision, option: str) -> None:
        if siege.is_siege(decision):
            siege.decide(tx, decision, option)
            return
        heart.decide(tx, decision, option)

    def default_option(self, decision: Decision) -> str:
        if siege.is_siege(decision):
            return siege.default_of(decision)
        return DEFAULTS[decision.kind]

    def grave(self, decision: Decision, option: str) -> bool:
        return decision.kind == DecisionKind.MERCY and option == "strike"

    def describe(self, event: SceneEvent, state: SessionState) -> str | None:
        return siege.describe(event, state) or facts.describe(event, state)

    def reader(self, state: SessionState) -> Reader:
        from scenes.castle.recap import CastleReader

        return CastleReader(state, self)

    def story(self, state: SessionState, reader: Reader) -> tuple[str, ...]:
        from scenes.castle.story import story

        return story(state, reader)

    def facets_line(self, ending: Ending) -> str:
        names = {"scrolls": "Scrolls", "sakura": "Sakura", "sasuke": "Sasuke"}
        return " · ".join(
            f"{names.get(name, name.replace('_', ' ').capitalize())} **{value}**"
            for name, value in ending.facets
            if name not in endings.PATH_FACETS
        )

    def upgrade_state(self, data: dict[str, Any]) -> dict[str, Any]:
        return legacy.upgrade_state(data)

    def upgrade_event(self, data: dict[str, Any]) -> dict[str, Any]:
        return legacy.upgrade_event(data)

    def progress(self, state: SessionState) -> object:
        world = castle(state)
        return (world.scrolls, world.siege.integrity)

    def autoplay(self, state: SessionState, me: Character, rng: random.Random) -> cmd.Command:
        return autoplay.turn(state, me, rng)

    def autoplay_choice(
        self, state: SessionState, decision: Decision, rng: random.Random
    ) -> cmd.Command:
        return autoplay.choice(state, decision, rng)

    def seating(self, players: int, first_member: int) -> list[tuple[cmd.Actor, cmd.Claim]]:
        return autoplay.seating(players, first_member)


CASTLE = Castle()

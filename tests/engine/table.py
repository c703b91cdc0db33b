"""A table for engine tests: a session, its GM and players, and dice seeded or scripted."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.dice import ScriptedRandom
from scenes.engine.events import Event
from scenes.engine.session import Accepted, Refused, play
from scenes.engine.state import Character, SessionState

GM = c.Actor(member_id=1, name="Game Master", gm=True)
MEMBERS = {"sakura": 10, "sasuke": 11, "defender_1": 12, "defender_2": 13, "defender_3": 14}
# Initiative faces by position: gaps wider than any taijutsu difference keep the order exact.
INITIATIVE_FACES = (20, 14, 8, 2, 1)


class Table:
    """One session in play. ``do`` plays a command; ``faces`` scripts the exact dice rolled."""

    def __init__(self, defenders: int = 1, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.events: list[Event] = []
        outcome = play(None, GM, c.Open(scene="castle", seats=defenders, seed=seed), self.rng)
        assert isinstance(outcome, Accepted)
        self.state: SessionState = outcome.state
        self.events.extend(outcome.events)

    def actor(self, who: str) -> c.Actor:
        if who == "gm":
            return GM
        return c.Actor(member_id=MEMBERS[who], name=f"player of {who}")

    def outcome(self, who: str, command: c.Command, faces: Sequence[int] | None = None):
        rng = ScriptedRandom(faces) if faces is not None else self.rng
        outcome = play(self.state, self.actor(who), command, rng)
        if faces is not None and isinstance(outcome, Accepted):
            assert rng.faces == [], f"scripted faces left unused: {rng.faces}"
        return outcome

    def do(self, who: str, command: c.Command, faces: Sequence[int] | None = None) -> list[Event]:
        """Play a command that must be accepted; return its events."""
        outcome = self.outcome(who, command, faces)
        assert isinstance(outcome, Accepted), f"refused: {outcome}"
        self.state = outcome.state
        self.events.extend(outcome.events)
        return list(outcome.events)

    def refused(self, who: str, command: c.Command, faces: Sequence[int] | None = None) -> str:
        """Play a command that must be refused; check nothing changed; return the sentence."""
        before = self.state
        outcome = self.outcome(who, command, faces)
        assert isinstance(outcome, Refused), f"accepted: {[e.kind for e in outcome.events]}"
        assert self.state == before
        return outcome.message

    def seat(self, *keys: str) -> None:
        for key in keys:
            role = "defender" if key.startswith("defender") else key
            name = f"Ren {key[-1]}" if role == "defender" else None
            self.do(key, c.Claim(role=role, name=name))

    def begin(self, order: Iterable[str]) -> list[Event]:
        """Begin with initiative scripted so that the turn order is ``order``."""
        order = list(order)
        keys = [ch.key for ch in self.state.characters]
        rest = [k for k in keys if k not in order]
        position = {key: i for i, key in enumerate(order + rest)}
        faces = [INITIATIVE_FACES[position[key]] for key in keys]
        events = self.do("gm", c.Begin(), faces)
        assert self.state.order[: len(order)] == tuple(order)
        return events

    def without_siege_events(self) -> None:
        """No siege event is drawn in this session (for tests of the press and the relief on
        their own; the events have tests of their own)."""
        world = castle(self.state)
        siege = world.siege.model_copy(update={"drawn": 10_000})
        self.state = self.state.model_copy(
            update={"world": world.model_copy(update={"siege": siege})}
        )

    @classmethod
    def north_wing(cls, defenders: int = 1) -> Table:
        """Only defenders seated, no siege event drawn by itself (each test brings its own): each
        of the first defender's turns ends a round of the siege."""
        table = cls(defenders=defenders)
        table.without_siege_events()
        keys = [f"defender_{n}" for n in range(1, defenders + 1)]
        table.seat(*keys)
        table.begin(keys)
        return table

    def ch(self, key: str) -> Character:
        return self.state.character(key)

    def kinds(self, events: Iterable[Event]) -> list[str]:
        return [event.kind for event in events]

    def rolls(self, events: Iterable[Event]) -> list[str]:
        return [event.roll.text for event in events if event.kind == "rolled"]


def of_kind(events: Iterable[Event], kind: str) -> list[Event]:
    return [event for event in events if event.kind == kind]

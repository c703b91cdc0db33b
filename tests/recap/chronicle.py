"""A table that keeps its log as the store does: one entry per command, with actor and time."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from db.models import LogEntry
from scenes.engine import commands as c
from scenes.engine.autoplay import GM, next_move
from scenes.engine.events import Event
from scenes.engine.session import Accepted, play
from tests.engine.table import MEMBERS, Table

SEATS = {**MEMBERS, "defender_4": 15}

START = datetime(2025, 3, 14, 20, 0, tzinfo=UTC)
STEP = timedelta(seconds=41)


class Chronicle(Table):
    """A ``Table`` whose every accepted command is also logged as a ``LogEntry``."""

    def __init__(self, defenders: int = 1, seed: int = 7) -> None:
        super().__init__(defenders=defenders, seed=seed)
        opened = c.Open(scene="castle", seats=defenders, seed=seed)
        self.log: list[LogEntry] = []
        self._record(GM.member_id, opened, list(self.events))

    def actor(self, who: str) -> c.Actor:
        if who == "gm":
            return GM
        return member(who)

    def do(self, who: str, command: c.Command, faces: Sequence[int] | None = None) -> list[Event]:
        events = super().do(who, command, faces)
        self._record(self.actor(who).member_id, command, events)
        return events

    def act(self, actor: c.Actor, command: c.Command) -> bool:
        """Play ``command`` as ``actor`` with the table's dice; False if refused."""
        outcome = play(self.state, actor, command, self.rng)
        if not isinstance(outcome, Accepted):
            return False
        self.state = outcome.state
        self.events.extend(outcome.events)
        self._record(actor.member_id, command, list(outcome.events))
        return True

    def _record(self, actor_id: int, command: c.Command, events: list[Event]) -> None:
        at = START + STEP * len(self.log)
        self.log.append(
            LogEntry(
                session_id=1,
                version=len(self.log) + 1,
                actor_id=actor_id,
                command=command,
                events=tuple(events),
                at=at,
            )
        )


def member(key: str) -> c.Actor:
    return c.Actor(member_id=SEATS[key], name=f"player of {key}")


def autoplay(
    seed: int,
    defenders: int = 1,
    rounds: int = 40,
    lines: Sequence[str] = (),
    narration: str | None = None,
    intruder: bool = True,
    revived: bool = False,
) -> Chronicle:
    """A seated session played by autoplay until ``rounds`` have passed or nobody can act.

    Every few commands a seated character says the next of ``lines`` (if any), and the GM
    narrates ``narration`` (if given). Without the ``intruder`` seated the scene never
    reaches its ending, so it goes on as long as asked.
    """
    chronicle = Chronicle(defenders=defenders, seed=seed)
    seats = ["sakura", *(["sasuke"] if intruder else [])]
    seats += [f"defender_{i}" for i in range(1, defenders + 1)]
    chronicle.seat(*seats)
    chronicle.do("gm", c.Begin())
    rng = random.Random(seed)
    spoken = 0
    for count in range(rounds * 12):
        state = chronicle.state
        if state.round > rounds or (state.turn is None and not state.decisions):
            break
        if lines and count % 7 == 3:
            speaker = rng.choice(seats)
            chronicle.act(member(speaker), c.Say(text=lines[spoken % len(lines)]))
            spoken += 1
        if narration and count % 11 == 5:
            chronicle.act(GM, c.Narrate(text=narration))
        if revived and count % 13 == 7:  # the GM keeps the defenders on their feet all night
            for key in seats[-defenders:]:
                chronicle.act(GM, c.Set(character=key, field="vitality", value=18))
        actor, command = next_move(state, rng)
        if chronicle.act(actor, command) or chronicle.act(actor, c.Defend()):
            continue
        chronicle.act(GM, c.Skip(reason="no sensible action"))
    return chronicle


@functools.cache
def long_night() -> Chronicle:
    """A 500-round session with long lines and long narration, closed by the GM at dawn (the
    intruder's seat left empty, so that no ending stops it)."""
    lines = ("Hold. " * 250, "You came back.", "The scrolls stay in this room, and so do I.")
    table = autoplay(
        3,
        defenders=2,
        rounds=500,
        lines=lines,
        narration="Thunder over the walls. " * 75,
        intruder=False,  # the scene stops at its ending: with no intruder it runs till dawn
        revived=True,  # and the defenders fight the soldiers through the fallen wall all night
    )
    table.do("gm", c.End(reason="dawn"))
    return table

"""Scripted players for any scene: answer a pending choice at random, or ask the scene for a
sensible turn (playtests, benches, property tests)."""

from __future__ import annotations

import random

from scenes.engine import commands as c
from scenes.engine.registry import find_scene
from scenes.engine.state import SessionState

GM = c.Actor(member_id=1, name="GM", gm=True)


def seating(players: int, first_member: int, scene: str) -> list[tuple[c.Actor, c.Claim]]:
    """Who claims what at a scripted table of ``players`` of ``scene``."""
    return find_scene(scene).seating(players, first_member)


def _member(state: SessionState, key: str) -> c.Actor:
    seat = state.seat(key)
    assert seat.member_id is not None
    return c.Actor(member_id=seat.member_id, name=seat.member_name)


def next_move(state: SessionState, rng: random.Random) -> tuple[c.Actor, c.Command]:
    """The next sensible command: answer a pending choice at random, or take the turn."""
    if state.waiting:
        decision = state.waiting[0]
        if state.seat(decision.decider).member_id is None:
            return GM, c.Skip(reason="the choice has no player")
        return _member(state, decision.decider), c.Choose(option=rng.choice(decision.options))
    assert state.turn is not None
    me = state.character(state.turn)
    return _member(state, me.key), find_scene(state.scene).autoplay(state, me, rng)


class StallWatch:
    """The GM's eye: three rounds in which nothing changes, and the GM moves the story on."""

    ROUNDS = 3

    def __init__(self) -> None:
        self.mark: tuple[object, ...] = ()
        self.since = 0

    def stalled(self, state: SessionState) -> bool:
        mark = (
            state.beat,
            find_scene(state.scene).progress(state),
            tuple((ch.vitality, ch.place, ch.fate) for ch in state.characters),
        )
        if mark != self.mark:
            self.mark, self.since = mark, state.round
            return False
        if state.round - self.since >= self.ROUNDS and not state.decisions:
            self.since = state.round
            return True
        return False

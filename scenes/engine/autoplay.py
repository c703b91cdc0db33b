"""Simple scripted players: a sensible move for whoever the scene waits on (playtests, benches)."""

from __future__ import annotations

import random

from scenes.engine import commands as c
from scenes.engine.state import Character, Condition, Door, ScrollsAt, SessionState

GM = c.Actor(member_id=1, name="GM", gm=True)


def seating(players: int, first_member: int) -> list[tuple[c.Actor, c.Claim]]:
    """Who claims what at a table of ``players`` (3 to 6): Sakura, Sasuke, then the defenders.

    Members are numbered from ``first_member``; the defenders are named "Ren 2", "Ren 3"...
    """
    roles = ["sakura", "sasuke"] + ["defender"] * (players - 2)
    return [
        (
            c.Actor(member_id=first_member + n, name=f"Player {n}"),
            c.Claim(role=role, name=f"Ren {n}" if role == "defender" else None),
        )
        for n, role in enumerate(roles)
    ]


def _enemy_here(state: SessionState, me: Character) -> Character | None:
    return next(
        (
            ch
            for ch in state.characters
            if ch.side != me.side and ch.place == me.place and ch.standing
        ),
        None,
    )


def sasuke_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    scrolls = state.scrolls
    if scrolls.holder == "sasuke" or (me.vitality <= 8 and rng.random() < 0.5):
        return c.Jutsu(name="body_flicker") if me.chakra >= 2 else c.Defend()
    if me.place == "east_hall" and state.door in (Door.CLOSED, Door.BARRED):
        return c.Interact(object="door", how="open")
    foe = _enemy_here(state, me)
    if foe is None:
        if scrolls.at is ScrollsAt.LOST:
            return c.Jutsu(name="body_flicker") if me.chakra >= 2 else c.Defend()
        if me.place == "office":
            return c.Interact(object="scrolls", how="take")
        return c.Move(to="office" if me.place == "east_hall" else "east_hall")
    options: list[c.Command] = [c.Jutsu(name="throat_grip", target=foe.key)]
    if me.chakra >= 5 and not me.has(Condition.RESTRAINED):
        options += [c.Jutsu(name="chidori", target=foe.key)] * 2
    if me.chakra >= 4 and not me.has(Condition.RESTRAINED):
        options.append(c.Jutsu(name="great_fireball"))
    if me.chakra >= 1 and not me.sharingan:
        options.append(c.Jutsu(name="sharingan"))
    return rng.choice(options)


def sakura_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    if me.has(Condition.RESTRAINED) and me.chakra >= 1:
        return c.Jutsu(name="break_free")
    if me.vitality <= 12 and me.chakra >= 3 and not me.has(Condition.RESTRAINED):
        return c.Jutsu(name="mystic_palm")
    foe = _enemy_here(state, me)
    if foe is None:
        if state.round == 1 and state.door is Door.CLOSED:
            return c.Interact(object="door", how="bar")
        if state.scrolls.guard != me.key and me.place == "office":
            return c.Interact(object="scrolls", how="guard")
        return c.Defend()
    options: list[c.Command] = [c.Jutsu(name="obi_dagger", target=foe.key)]
    if me.chakra >= 2:
        options += [c.Jutsu(name="strike", target=foe.key)] * 2
    if me.chakra >= 3:
        options.append(c.Jutsu(name="rain_of_tags"))
    return rng.choice(options)


def defender_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    foe = _enemy_here(state, me)
    if foe is not None:
        return c.Jutsu(name="kunai_volley", target=foe.key)
    if me.place != "north_wing":
        return c.Defend()
    if state.siege.integrity <= 4 and me.chakra >= 3:
        return c.Jutsu(name="earth_wall", target="north_wing")
    return rng.choice([c.Jutsu(name="kunai_volley", target="army"), c.Jutsu(name="hold_the_line")])


TURNS = {"sakura": sakura_turn, "sasuke": sasuke_turn, "defender": defender_turn}


def _member(state: SessionState, key: str) -> c.Actor:
    seat = state.seat(key)
    assert seat.member_id is not None
    return c.Actor(member_id=seat.member_id, name=seat.member_name)


def next_move(state: SessionState, rng: random.Random) -> tuple[c.Actor, c.Command]:
    """The next sensible command: answer a pending choice at random, or take the turn."""
    if state.decision is not None:
        if state.seat(state.decision.decider).member_id is None:
            return GM, c.Skip(reason="the choice has no player")
        return _member(state, state.decision.decider), c.Choose(
            option=rng.choice(state.decision.options)
        )
    assert state.turn is not None
    me = state.character(state.turn)
    return _member(state, me.key), TURNS[me.role](state, me, rng)


class StallWatch:
    """The GM's eye: three rounds in which nothing changes, and the GM moves the story on."""

    ROUNDS = 3

    def __init__(self) -> None:
        self.mark: tuple[object, ...] = ()
        self.since = 0

    def stalled(self, state: SessionState) -> bool:
        mark = (
            state.beat,
            state.scrolls,
            state.siege.integrity,
            tuple((ch.vitality, ch.place, ch.fate) for ch in state.characters),
        )
        if mark != self.mark:
            self.mark, self.since = mark, state.round
            return False
        if state.round - self.since >= self.ROUNDS and state.decision is None:
            self.since = state.round
            return True
        return False

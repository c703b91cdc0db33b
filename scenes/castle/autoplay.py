"""The castle's scripted players: a sensible move for Sakura, Sasuke and the defenders."""

from __future__ import annotations

import random

from scenes.castle.siege import is_siege
from scenes.castle.siege_book import book
from scenes.castle.words import (
    DEFENDER,
    EAST_HALL,
    HEARD,
    MERCY_MARKS,
    NORTH_WING,
    OFFICE,
    SAKURA,
    SASUKE,
    SOLDIERS,
    DecisionKind,
)
from scenes.castle.world import Door, ScrollsAt, castle
from scenes.engine import commands as c
from scenes.engine.decisions import pending
from scenes.engine.registry import find_scene
from scenes.engine.state import Character, Condition, Decision, SessionState


def seating(players: int, first_member: int) -> list[tuple[c.Actor, c.Claim]]:
    """Who claims what at a table of ``players`` (3 to 6): Sakura, Sasuke, then the defenders.

    Members are numbered from ``first_member``; the defenders are named "Ren 2", "Ren 3"...
    """
    roles = [SAKURA, SASUKE] + [DEFENDER] * (players - 2)
    return [
        (
            c.Actor(member_id=first_member + n, name=f"Player {n}"),
            c.Claim(role=role, name=f"Ren {n}" if role == DEFENDER else None),
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


# How much Sasuke's scripted player favours the throat grip over his other attacks (tune): the
# grip is the mercy between two players.
GRIPS = 2


def sasuke_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    world = castle(state)
    scrolls = world.scrolls
    if scrolls.holder == SASUKE or (me.vitality <= 8 and rng.random() < 0.5):
        return c.Jutsu(name="body_flicker") if me.chakra >= 2 else c.Defend()
    if me.place == EAST_HALL and world.door in (Door.CLOSED, Door.BARRED):
        return c.Interact(object="door", how="open")
    foe = _enemy_here(state, me)
    if foe is None:
        if scrolls.at is ScrollsAt.LOST:
            return c.Jutsu(name="body_flicker") if me.chakra >= 2 else c.Defend()
        if me.place == OFFICE:
            return c.Interact(object="scrolls", how="take")
        return c.Move(to=OFFICE if me.place == EAST_HALL else EAST_HALL)
    options: list[c.Command] = [c.Jutsu(name="throat_grip", target=foe.key)] * GRIPS
    if me.chakra >= 5 and not me.has(Condition.RESTRAINED):
        options += [c.Jutsu(name="chidori", target=foe.key)] * 2
    if me.chakra >= 4 and not me.has(Condition.RESTRAINED):
        options.append(c.Jutsu(name="great_fireball"))
    if me.chakra >= 1 and not me.marked("sharingan"):
        options.append(c.Jutsu(name="sharingan"))
    return rng.choice(options)


def sakura_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    if me.has(Condition.RESTRAINED) and me.chakra >= 1:
        return c.Jutsu(name="break_free")
    if me.vitality <= 12 and me.chakra >= 3 and not me.has(Condition.RESTRAINED):
        return c.Jutsu(name="mystic_palm")
    foe = _enemy_here(state, me)
    world = castle(state)
    if foe is None and world.soldiers.inside and world.soldiers.place == me.place:
        return c.Jutsu(name="strike" if me.chakra >= 2 else "obi_dagger", target=SOLDIERS)
    if foe is None:
        if state.round == 1 and world.door is Door.CLOSED:
            return c.Interact(object="door", how="bar")
        if world.scrolls.guard != me.key and me.place == OFFICE:
            return c.Interact(object="scrolls", how="guard")
        return c.Defend()
    options: list[c.Command] = [c.Jutsu(name="obi_dagger", target=foe.key)]
    if me.chakra >= 1 and foe.key == SASUKE and not foe.has(Condition.RESTRAINED):
        options.append(c.Jutsu(name="throat_grip", target=foe.key))
    if me.chakra >= 2:
        options += [c.Jutsu(name="strike", target=foe.key)] * 2
    if me.chakra >= 3:
        options.append(c.Jutsu(name="rain_of_tags"))
    return rng.choice(options)


# How often a scripted defender answers the round's siege event rather than acting.
ANSWERS = 0.9


# How often a scripted defender answers for the wall's sake (the choice that spares the wall
# most) rather than at random (tune: the one-shot's line needs a wall that can hold).
FOR_THE_WALL = 0.9
# Below this integrity a scripted defender raises an earth wall (tune).
WALL_AT = 7


def _for_the_wall(decision: Decision) -> str:
    """The siege event's choice that does the wall most good (integrity, relief, less press)."""
    choices = {choice.key: choice for choice in book().event(decision.subject).choices}

    def good(option: str) -> int:
        choice = choices.get(option)
        return choice.integrity + choice.relief - choice.press if choice else -99

    return max(decision.options, key=good)


def defender_turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    event = next((d for d in state.decisions_of(me.key) if is_siege(d)), None)
    if event is not None and rng.random() < ANSWERS:
        wall = rng.random() < FOR_THE_WALL
        option = _for_the_wall(event) if wall else rng.choice(event.options)
        return c.Choose(option=option, decider=me.key)
    foe = _enemy_here(state, me)
    if foe is not None:
        return c.Jutsu(name="kunai_volley", target=foe.key)
    world = castle(state)
    if world.soldiers.inside and world.soldiers.place is not None:
        if world.soldiers.place == me.place:
            return c.Jutsu(name="kunai_volley", target=SOLDIERS)
        return _toward(state, me, world.soldiers.place)
    if world.siege.fallen:
        return c.Jutsu(name="hold_the_line")
    if me.place != NORTH_WING:
        return _toward(state, me, NORTH_WING)
    if world.siege.integrity <= WALL_AT and me.chakra >= 3:
        return c.Jutsu(name="earth_wall", target=NORTH_WING)
    return rng.choice([c.Jutsu(name="kunai_volley", target="army"), c.Jutsu(name="hold_the_line")])


def _toward(state: SessionState, me: Character, there: str) -> c.Command:
    """A step along the castle's corridors toward ``there`` (guarding when there is none)."""
    rules = find_scene(state.scene)
    seen, frontier = {me.place: me.place}, [me.place]
    while frontier and there not in seen:
        here = frontier.pop(0)
        for step in rules.data.place(here).connects:
            if step not in seen and rules.passage(state, here, step) is None:
                seen[step] = seen[here] if here != me.place else step
                frontier.append(step)
    return c.Move(to=seen[there]) if there in seen and there != me.place else c.Defend()


TURNS = {SAKURA: sakura_turn, SASUKE: sasuke_turn, DEFENDER: defender_turn}


def turn(state: SessionState, me: Character, rng: random.Random) -> c.Command:
    mercy = pending(state, DecisionKind.MERCY, me.key)
    if mercy is not None:  # a life in my grip: decide now, or hold on and let a turn pass
        return choice(state, mercy, rng) if rng.random() < HOLDER_DECIDES else c.Defend()
    return TURNS[me.role](state, me, rng)


# The scripted players' story choices (tune): how often a holder decides on their turn rather
# than holding on, and how each kind of decision is weighed.
HOLDER_DECIDES = 0.6
WEIGHTS: dict[str, dict[str, int]] = {
    DecisionKind.MERCY: {"strike": 4, "spare": 4, "bind": 2},
    DecisionKind.HELD: {"struggle": 4, "plead": 3, "defy": 3},
}
# The standoff, for an intruder who has just spared her (or could not strike).
AFTER_SPARING = {"take": 1, "bargain": 1, "withdraw": 4}


def _spared(me: Character) -> bool:
    return any(MERCY_MARKS[how] in me.marks for how in ("spared", "refused"))


# What the held one may say in the grip (a /say in that window softens the holder).
PLEAS = (
    "You don't have to do this.",
    "Look at me. You know who I am.",
    "Not like this. Please.",
)
SAYS_IN_THE_GRIP = 0.3


def choice(state: SessionState, decision: Decision, rng: random.Random) -> c.Command:
    """A scripted answer to ``decision``: weighed options, and in the grip sometimes words first."""
    me = state.character(decision.decider)
    in_the_grip = decision.kind == DecisionKind.HELD and not me.marked(HEARD)
    if in_the_grip and rng.random() < SAYS_IN_THE_GRIP:
        return c.Say(text=rng.choice(PLEAS))
    weights = WEIGHTS.get(decision.kind)
    if decision.kind == DecisionKind.STANDOFF and _spared(me):
        weights = AFTER_SPARING  # a man who could not strike her is slow to rob her
    if weights is None:
        return c.Choose(option=rng.choice(decision.options))
    options = [o for o in decision.options if o in weights]
    picked = rng.choices(options, weights=[weights[o] for o in options])[0]
    return c.Choose(option=picked)

"""Balance: play many seeded sessions with simple scripted players; print rounds and endings.

python bench/playtest.py [--sessions 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.engine import commands as c
from scenes.engine.session import Accepted, play
from scenes.engine.state import Character, Condition, Door, ScrollsAt, SessionState
from scenes.schema import load_scene

GM = c.Actor(member_id=1, name="GM", gm=True)
MAX_ROUNDS = 40
MAX_COMMANDS = 600


@dataclass
class Result:
    ending: str | None
    rounds: int
    defenders: int


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


def step(state: SessionState, rng: random.Random) -> tuple[c.Actor, c.Command]:
    """The next sensible command: answer a pending choice at random, or take the turn."""
    if state.decision is not None:
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


def play_session(seed: int) -> Result:
    rng = random.Random(seed)
    defenders = rng.randint(1, 4)
    seated = defenders if rng.random() < 0.9 else 0
    state = _accept(None, GM, c.Open(defenders=defenders, seed=seed), rng)
    claims = [("sakura", None), ("sasuke", None)] + [
        ("defender", f"Ren {i}") for i in range(seated)
    ]
    for member, (role, name) in enumerate(claims, start=10):
        state = _accept(
            state, c.Actor(member_id=member, name=role), c.Claim(role=role, name=name), rng
        )
    state = _accept(state, GM, c.Begin(), rng)
    watch = StallWatch()
    for _ in range(MAX_COMMANDS):
        if (
            state.ending is not None
            or state.round > MAX_ROUNDS
            or (state.turn is None and state.decision is None)
        ):
            break
        if watch.stalled(state):
            state = _accept(state, GM, c.Advance(), rng)
            continue
        actor, command = step(state, rng)
        outcome = play(state, actor, command, rng)
        state = outcome.state if isinstance(outcome, Accepted) else _fallback(state, actor, rng)
    return Result(state.ending.key if state.ending else None, state.round, seated)


def _fallback(state: SessionState, actor: c.Actor, rng: random.Random) -> SessionState:
    """A refused plan falls back to guarding (or the GM skips a turn nobody can use)."""
    outcome = play(state, actor, c.Defend(), rng)
    if isinstance(outcome, Accepted):
        return outcome.state
    return _accept(state, GM, c.Skip(reason="no sensible action"), rng)


def _accept(
    state: SessionState | None, actor: c.Actor, command: c.Command, rng: random.Random
) -> SessionState:
    outcome = play(state, actor, command, rng)
    assert isinstance(outcome, Accepted), outcome
    return outcome.state


def report(results: list[Result]) -> None:
    total = len(results)
    ended = [r for r in results if r.ending]
    rounds = sorted(r.rounds for r in ended)
    within = sum(1 for r in ended if r.rounds <= 25)
    print(f"sessions: {total}, reached an ending: {len(ended)}")
    if rounds:
        print(
            f"rounds to an ending: min {rounds[0]}, median {statistics.median(rounds)}, "
            f"p95 {rounds[int(len(rounds) * 0.95) - 1]}, max {rounds[-1]}"
        )
    print(f"ended within 25 rounds: {within / total:.1%} (target >= 95%)")
    histogram = Counter(min(r.rounds, 26) for r in ended)
    print(
        "rounds histogram: "
        + ", ".join(f"{k if k < 26 else '26+'}:{histogram[k]}" for k in sorted(histogram))
    )
    counts = Counter(r.ending for r in results)
    print("endings:")
    for ending in load_scene("castle").endings:
        print(f"  {ending.key:24} {counts[ending.key]:5}  {counts[ending.key] / total:6.1%}")
    print(f"  {'(none within the cap)':24} {counts[None]:5}")
    missing = [e.key for e in load_scene("castle").endings if counts[e.key] == 0]
    print("every ending occurs: " + ("yes" if not missing else f"NO, missing {missing}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report([play_session(args.seed + n) for n in range(args.sessions)])


if __name__ == "__main__":
    main()

"""Balance: play many seeded sessions with simple scripted players; print rounds, endings, and
the heart check's modifier (resolve moves by the story's choices, never by the count of blows).

python bench/playtest.py [--sessions 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.castle.consistency import PathWatch, after_the_end, contradictions
from scenes.castle.words import CastlePurpose
from scenes.engine import commands as c
from scenes.engine.autoplay import GM, StallWatch, next_move
from scenes.engine.events import (
    DecisionOffered,
    Event,
    Resumed,
    Rolled,
    RoundEnded,
    SessionEnded,
    TurnStarted,
    Undone,
)
from scenes.engine.session import Accepted, Outcome
from scenes.engine.session import play as engine_play
from scenes.engine.state import SessionState
from scenes.schema import load_scene

MAX_ROUNDS = 40
MAX_COMMANDS = 600


@dataclass
class Result:
    ending: str | None
    rounds: int
    defenders: int
    hearts: list[int]  # the modifier of each heart check rolled at the mercy
    posts: int  # what the bot posts: one message per accepted command, with the next ping
    pings: int  # the commands after which the turn (or a choice) moved to someone
    contradictions: list[str]  # what the session told or did against its own state
    facets: dict[str, str] = field(default_factory=dict)  # the ending's, its path's included


def play_session(seed: int) -> Result:
    path = PathWatch()
    wrong: list[str] = []

    def followed(outcome: Outcome) -> Outcome:
        if isinstance(outcome, Accepted):
            wrong.extend(path.read(outcome.events, outcome.state))
        return outcome

    with _following(followed):
        result = _play_session(seed, wrong)
    return result


def _play_session(seed: int, wrong: list[str]) -> Result:
    rng = random.Random(seed)
    defenders = rng.randint(1, 4)
    seated = defenders if rng.random() < 0.9 else 0
    state = _accept(None, GM, c.Open(scene="castle", seats=defenders, seed=seed), rng)
    claims = [("sakura", None), ("sasuke", None)] + [
        ("defender", f"Ren {i}") for i in range(seated)
    ]
    for member, (role, name) in enumerate(claims, start=10):
        state = _accept(
            state, c.Actor(member_id=member, name=role), c.Claim(role=role, name=name), rng
        )
    state = _accept(state, GM, c.Begin(), rng)
    watch = StallWatch()
    hearts: list[int] = []
    posts = pings = 0
    for _ in range(MAX_COMMANDS):
        if (
            state.ending is not None
            or state.round > MAX_ROUNDS
            or (state.turn is None and not state.decisions)
        ):
            break
        if watch.stalled(state):
            state = _accept(state, GM, c.Advance(), rng)
            continue
        actor, command = next_move(state, rng)
        outcome = play(state, actor, command, rng)
        if isinstance(outcome, Accepted):
            hearts += _heart_modifiers(outcome.events)
            wrong += contradictions(outcome.events, outcome.state)
            posts, pings = posts + 1, pings + _moved(outcome.events)
            state = _gm_rewards(outcome.state, outcome.events, rng)
        else:
            state = _fallback(state, actor, rng)
    if state.ending is not None:
        wrong += _after_the_end(state, rng)
    ending = state.ending.key if state.ending else None
    facets = dict(state.ending.facets) if state.ending else {}
    return Result(ending, state.round, seated, hearts, posts, pings, wrong, facets)


_FOLLOW: list[Callable[[Outcome], Outcome]] = []


@contextmanager
def _following(follow: Callable[[Outcome], Outcome]) -> Iterator[None]:
    """Every command the session plays (the GM's included) is shown to ``follow``."""
    _FOLLOW.append(follow)
    try:
        yield
    finally:
        _FOLLOW.pop()


def play(
    state: SessionState | None, actor: c.Actor, command: c.Command, rng: random.Random
) -> Outcome:
    outcome = engine_play(state, actor, command, rng)
    for follow in _FOLLOW:
        outcome = follow(outcome)
    return outcome


# The scripted GM rewards roleplay now and then (/gm resolve), at a round's end (tune).
REWARDS = 0.5


def _gm_rewards(state: SessionState, events: tuple[Event, ...], rng: random.Random) -> SessionState:
    """At a round's end, sometimes, the GM moves Sakura's or Sasuke's resolve for how they
    played: toward the heart or toward duty."""
    if state.ending is not None or not any(isinstance(e, RoundEnded) for e in events):
        return state
    if rng.random() >= REWARDS:
        return state
    key, shift = rng.choice(("sakura", "sasuke")), rng.choice((-1, 1, 1))
    why = "a line from the heart" if shift < 0 else "a soldier's bearing"
    outcome = play(state, GM, c.Reward(character=key, shift=shift, reason=why), rng)
    return outcome.state if isinstance(outcome, Accepted) else state


def _after_the_end(state: SessionState, rng: random.Random) -> list[str]:
    """Once the ending is reached: a seated player's turn command is refused, and the GM's close
    keeps the ending."""
    member = next(s.member_id for s in state.seats if s.member_id is not None)
    refused = not isinstance(play(state, c.Actor(member_id=member), c.Defend(), rng), Accepted)
    closing = play(state, GM, c.End(), rng)
    closed = (
        next((e for e in closing.events if isinstance(e, SessionEnded)), None)
        if isinstance(closing, Accepted)
        else None
    )
    return after_the_end(state, refused, closed)


def _moved(events: tuple[Event, ...]) -> bool:
    return any(isinstance(e, TurnStarted | DecisionOffered | Undone | Resumed) for e in events)


def _heart_modifiers(events: tuple[Event, ...]) -> list[int]:
    return [
        e.roll.total - (e.roll.natural or 0)
        for e in events
        if isinstance(e, Rolled) and e.roll.purpose == CastlePurpose.HEART
    ]


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
    posts = statistics.median(r.posts for r in results)
    apart = statistics.median(r.posts + r.pings for r in results)
    print(
        f"bot posts per session: median {posts} (a turn's result and the next player's ping in "
        f"one post; as two posts, the way it was, {apart})"
    )
    wrong = Counter(w for r in results for w in r.contradictions)
    told = ", ".join(f"{what}: {n}" for what, n in wrong.most_common()) or "none"
    print(f"contradictions of the state over {total} sessions: {sum(wrong.values())} ({told})")
    _paths(results)
    hearts = Counter(m for r in results for m in r.hearts)
    checks = sum(hearts.values())
    if checks:
        shares = ", ".join(
            f"{m:+d}: {hearts[m]} ({hearts[m] / checks:.0%})" for m in sorted(hearts)
        )
        top = max(hearts.values()) / checks
        print(f"heart check modifier over {checks} checks: {shares}")
        print(f"most common modifier: {top:.0%} of checks (target <= 30%)")


# The one-shot's line: he spares her (or his heart will not let him strike), then he withdraws
# (the standoff's choice: he leaves the scrolls where they are).
ONE_SHOT_MERCY = ("he spared her", "his heart refused")
LEFT = ("withdrew",)


def _path(result: Result) -> str:
    f = result.facets
    return f"{f['mercy']} · {f['departure']} · Sakura {f['sakura']} · wall {f['north_wing']}"


def _paths(results: list[Result]) -> None:
    """How each ending was reached, and the one-shot's ending on its own line."""
    print("how each ending was reached (the last mercy · his leaving · Sakura · the wall):")
    for ending in load_scene("castle").endings:
        paths = Counter(_path(r) for r in results if r.ending == ending.key)
        ways = "; ".join(f"{path}: {n}" for path, n in paths.most_common(3))
        print(f"  {ending.key:24} {len(paths):3} paths; most: {ways}")
    line = [
        r
        for r in results
        if r.facets.get("mercy") in ONE_SHOT_MERCY and r.facets.get("departure") in LEFT
    ]
    own = sum(1 for r in results if r.ending == "rain_without_end")
    kept = sum(1 for r in line if r.ending == "rain_without_end")
    print(f"the one-shot's ending: {own / len(results):.1%} of all sessions (target >= 10%)")
    if line:
        print(
            f"  on its line (he spares her or his heart refuses, then withdraws): {kept} of "
            f"{len(line)}, {kept / len(line):.1%} (target >= 50%)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report([play_session(args.seed + n) for n in range(args.sessions)])
    _narration_variety(args.seed)


def _narration_variety(seed: int, sessions: int = 100) -> None:
    """The narration's repeated sentences in sessions of 10, 25 and 60 rounds (bench/variety.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import variety

    variety.report([variety.measure(rounds, sessions, seed) for rounds in variety.ROUNDS])


if __name__ == "__main__":
    main()

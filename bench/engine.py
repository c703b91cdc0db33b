"""Engine speed: time to decide and apply one action, and whether it grows with a session's age.

    python bench/engine.py [--sessions 3] [--actions 6000] [--idle MS]

Prints the median and p99 over every action of several long seeded sessions (sensible players
with free poses and rolls mixed in; Sasuke's seat left empty, so that no ending stops them), and
the ratio of the per-action time around a session's 5,000th action to that around its 10th.
Targets: median < 200 µs, ratio < 1.2.

``--idle 20`` sleeps 20 ms before each action, as the bot idles between players' commands: the
same work then runs on a cold CPU cache, which is what a command costs inside the bot (try
``--sessions 1 --actions 500 --idle 20``).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.engine import commands as c
from scenes.engine.autoplay import GM, next_move
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState

WINDOW = 200  # actions averaged around each probe point
FREE = (
    c.Say(text="The rain does not stop."),
    c.Act(text="wipes the rain from the eyes"),
    c.FreeRoll(dice="1d20+3", reason="nerve"),
)


def _open(seed: int, rng: random.Random) -> SessionState:
    state = play(None, GM, c.Open(scene="castle", seats=3, seed=seed), rng).state
    # The intruder's seat stays empty: a scene stops at its ending, and a session with him
    # seated ends within a few dozen actions, too soon to measure an old session's cost.
    claims = [
        ("sakura", None),
        ("defender", "Ren"),
        ("defender", "Aoi"),
        ("defender", "Kaito"),
    ]
    for member, (role, name) in enumerate(claims, start=10):
        state = play(
            state, c.Actor(member_id=member, name=role), c.Claim(role=role, name=name), rng
        ).state
    return play(state, GM, c.Begin(), rng).state


def _next(state: SessionState, rng: random.Random) -> tuple[c.Actor, c.Command]:
    if state.turn is not None and rng.random() < 0.3:
        member = state.seat(state.turn).member_id
        return c.Actor(member_id=member or 0), rng.choice(FREE)
    if state.turn is None and not state.decisions:
        return GM, c.Narrate(text="Thunder walks across the roof.")
    return next_move(state, rng)


def run_session(seed: int, actions: int, idle: float = 0.0) -> list[float]:
    """Seconds per action, in order, for one long session (``idle`` seconds before each)."""
    rng = random.Random(seed)
    state = _open(seed, rng)
    times: list[float] = []
    clock = time.perf_counter
    for _ in range(actions):
        actor, command = _next(state, rng)
        if idle:
            time.sleep(idle)  # as in the bot, where players think between commands
        start = clock()
        outcome = play(state, actor, command, rng)
        times.append(clock() - start)
        if isinstance(outcome, Accepted):
            state = outcome.state
        else:
            state = play(state, GM, c.Skip(), rng).state
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--actions", type=int, default=6000)
    parser.add_argument(
        "--idle", type=float, default=0.0, help="ms asleep before each action (a cold CPU cache)"
    )
    args = parser.parse_args()
    gc.collect()
    idle = args.idle / 1000
    per_session = [run_session(seed, args.actions, idle) for seed in range(args.sessions)]
    every = sorted(t for times in per_session for t in times)
    print(f"actions timed: {len(every)} over {args.sessions} sessions of {args.actions}", end="")
    print(f", {args.idle:g} ms idle before each" if args.idle else "")
    print(
        f"decide+apply per action: median {statistics.median(every) * 1e6:.1f} µs, "
        f"p99 {every[int(len(every) * 0.99)] * 1e6:.1f} µs (target median < 200 µs)"
    )
    if args.actions < 5000 + WINDOW:
        return
    early = statistics.mean(t for times in per_session for t in times[10 : 10 + WINDOW])
    late = statistics.mean(t for times in per_session for t in times[5000 : 5000 + WINDOW])
    print(f"mean around action 10: {early * 1e6:.1f} µs; around action 5,000: {late * 1e6:.1f} µs")
    print(f"ratio 5,000th / 10th: {late / early:.2f} (target < 1.2)")


if __name__ == "__main__":
    main()

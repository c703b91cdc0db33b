"""Variety of the narration: how often a session tells a sentence it has told before.

A *narration sentence* is every sentence of every ``Narrated`` event the scene itself tells
(the GM's /gm narrate and the players' poses and lines are not counted), split at sentence ends
(., ! or ?, with any closing quote, before a space); numbers are read as one token (``#``), so
"7 vitality" and "9 vitality" are the same sentence. A sentence *repeats* when the same session
has already told it. The share is pooled: repeats over sentences, over all sessions of a length.

A *session of N rounds* is a seeded scripted table (bench/playtest.py's: Sakura, Sasuke and 0 to
4 defenders, the scripted players of scenes/castle/autoplay.py) that plays N whole rounds: the
scene's end is withheld (it is never over, and the GM moves the beats on when the table stalls but
never to the final one), so the players play on past the point where the scene would close.
Every character's vitality and chakra are multiplied by ``N / 10`` (at least 1), so the pair is
still on its feet and still has chakra for its techniques in round N; the rolls, techniques and
rules are the scene's own.

python bench/variety.py [--sessions 200] [--seed 0] [--rounds 10 25 60] [--top 12]
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.engine import commands as c
from scenes.engine.autoplay import GM, StallWatch, next_move
from scenes.engine.events import Event, Narrated
from scenes.engine.registry import find_scene
from scenes.engine.scene import SceneRules
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState

ROUNDS = (10, 25, 60)
MAX_COMMANDS_PER_ROUND = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"”’])\s+")
_NUMBER = re.compile(r"\d+")


def sentences(text: str) -> list[str]:
    """The sentences of one narration line, numbers read as ``#``."""
    return [_NUMBER.sub("#", part.strip()) for part in _SENTENCE_END.split(text) if part.strip()]


@dataclass
class Telling:
    """What one session told: each narration sentence, with the moment it was told for."""

    told: list[tuple[str, str]] = field(default_factory=list)
    rounds: int = 0

    def repeats(self) -> list[tuple[str, str]]:
        seen: set[str] = set()
        again = []
        for moment, sentence in self.told:
            if sentence in seen:
                again.append((moment, sentence))
            seen.add(sentence)
        return again


class _PlayingOn:
    """The scene's rules with its end withheld: the players play on."""

    def __init__(self, rules: SceneRules) -> None:
        self.rules = rules

    def __call__(self, scale: int) -> SceneRules:
        rules = copy.copy(self.rules)
        rules.is_over = lambda state: False  # type: ignore[method-assign]
        return rules.with_data(_scaled(self.rules, scale))


def _scaled(rules: SceneRules, scale: int) -> object:
    data = rules.data
    roles = tuple(
        role.model_copy(
            update={
                "sheet": role.sheet.model_copy(
                    update={
                        "vitality": role.sheet.vitality * scale,
                        "chakra": role.sheet.chakra * scale,
                    }
                )
            }
        )
        for role in data.roles
    )
    return data.model_copy(update={"roles": roles})


def play_rounds(seed: int, rounds: int, scene: str = "castle") -> Telling:
    """A seeded scripted table of ``scene`` playing ``rounds`` whole rounds (see the docstring)."""
    rules = _PlayingOn(find_scene(scene))(max(1, rounds // 10))
    rng = random.Random(seed)
    defenders = rng.randint(1, 4)
    seated = defenders if rng.random() < 0.9 else 0
    telling = Telling()
    state = _accept(None, GM, c.Open(scene=scene, seats=defenders, seed=seed), rng, rules, telling)
    claims = [("sakura", None), ("sasuke", None)] + [
        ("defender", f"Ren {i}") for i in range(seated)
    ]
    for member, (role, name) in enumerate(claims, start=10):
        claim = c.Claim(role=role, name=name)
        state = _accept(state, c.Actor(member_id=member, name=role), claim, rng, rules, telling)
    state = _accept(state, GM, c.Begin(), rng, rules, telling)
    watch = StallWatch()
    final = rules.data.final_beat
    for _ in range(MAX_COMMANDS_PER_ROUND * rounds):
        if state.round > rounds or (state.turn is None and not state.decisions):
            break
        if watch.stalled(state) and state.beat < final - 1:
            state = _accept(state, GM, c.Advance(), rng, rules, telling)
            continue
        actor, command = next_move(state, rng)
        outcome = play(state, actor, command, rng, rules)
        if not isinstance(outcome, Accepted):
            outcome = play(state, actor, c.Defend(), rng, rules)
        if not isinstance(outcome, Accepted):
            outcome = play(state, GM, c.Skip(reason="no sensible action"), rng, rules)
        assert isinstance(outcome, Accepted), outcome
        _tell(telling, outcome.events, rounds)
        state = outcome.state
    telling.rounds = min(state.round, rounds)
    return telling


def _accept(
    state: SessionState | None,
    actor: c.Actor,
    command: c.Command,
    rng: random.Random,
    rules: SceneRules,
    telling: Telling,
) -> SessionState:
    outcome = play(state, actor, command, rng, rules)
    assert isinstance(outcome, Accepted), outcome
    _tell(telling, outcome.events, None)
    return outcome.state


def _tell(telling: Telling, events: tuple[Event, ...], rounds: int | None) -> None:
    for event in events:
        if isinstance(event, Narrated) and not event.by_gm:
            moment = event.moment or ""
            telling.told += [(moment, s) for s in sentences(event.text)]


@dataclass
class Variety:
    rounds: int
    sessions: int
    sentences: int
    repeats: int
    short: int  # sessions whose table ran out of turns before the last round
    by_moment: Counter[str]

    @property
    def share(self) -> float:
        return self.repeats / self.sentences if self.sentences else 0.0


def measure(rounds: int, sessions: int, seed: int = 0) -> Variety:
    tellings = [play_rounds(seed + n, rounds) for n in range(sessions)]
    by_moment: Counter[str] = Counter(m for t in tellings for m, _ in t.repeats())
    return Variety(
        rounds=rounds,
        sessions=sessions,
        sentences=sum(len(t.told) for t in tellings),
        repeats=sum(len(t.repeats()) for t in tellings),
        short=sum(1 for t in tellings if t.rounds < rounds),
        by_moment=by_moment,
    )


TARGETS = {25: 0.05, 60: 0.15}


def report(varieties: list[Variety], top: int = 0) -> None:
    print(
        "narration sentences that repeat within a session (every sentence of the scene's own "
        "narration, GM text and poses excluded, numbers read as #; sessions of N rounds: the "
        "scripted table plays on with the end withheld, vitality and chakra x N/10):"
    )
    for v in varieties:
        target = TARGETS.get(v.rounds)
        aim = f" (target < {target:.0%})" if target else ""
        short = f", {v.short} ran out of turns early" if v.short else ""
        print(
            f"  {v.rounds:3} rounds: {v.share:6.1%} of {v.sentences / v.sessions:.0f} sentences "
            f"per session repeat{aim} [{v.sessions} sessions{short}]"
        )
        if top:
            worst = ", ".join(f"{m}: {n / v.sessions:.1f}" for m, n in v.by_moment.most_common(top))
            print(f"      repeats per session by moment: {worst}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, nargs="+", default=list(ROUNDS))
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    report([measure(r, args.sessions, args.seed) for r in args.rounds], args.top)


if __name__ == "__main__":
    main()

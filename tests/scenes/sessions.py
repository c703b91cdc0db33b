"""Seeded scripted sessions of the castle for narration tests: every event of each, in order."""

from __future__ import annotations

import random

from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.autoplay import GM, next_move
from scenes.engine.scene import SceneRules
from scenes.engine.session import Accepted, play


def autoplay_session(
    seed: int, rules: SceneRules | None = None, defenders: int = 2, rounds: int = 40
) -> list[ev.Event]:
    """Sakura, Sasuke and ``defenders`` defenders played by the scripted players to the end."""
    rng = random.Random(seed)
    outcome = play(None, GM, c.Open(scene="castle", seats=defenders, seed=seed), rng, rules)
    assert isinstance(outcome, Accepted)
    events, state = list(outcome.events), outcome.state
    claims = [("sakura", None), ("sasuke", None)] + [
        ("defender", f"Ren {n}") for n in range(defenders)
    ]
    script: list[tuple[c.Actor, c.Command]] = [
        (c.Actor(member_id=10 + n, name=role), c.Claim(role=role, name=name))
        for n, (role, name) in enumerate(claims)
    ]
    script.append((GM, c.Begin()))
    while state.ending is None and state.round < rounds:
        actor, command = script.pop(0) if script else next_move(state, rng)
        outcome = play(state, actor, command, rng, rules)
        if not isinstance(outcome, Accepted):
            outcome = play(state, GM, c.Skip(), rng, rules)
        assert isinstance(outcome, Accepted)
        events += outcome.events
        state = outcome.state
    return events

"""The recap reads typed fields of events, never roll labels: a copy of the castle whose
techniques carry other labels tells the same recap, but for the names themselves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from db.models import LogEntry
from scenes.engine import commands as c
from scenes.engine.autoplay import GM, next_move, seating
from scenes.engine.recap import recap_pages
from scenes.engine.registry import find_scene, register, scene_keys
from scenes.engine.scene import SceneRules
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState
from scenes.schema import load_scene

# Labels chosen to trip a reader that parses text: a name ending in " damage", one holding
# "steels the heart", one holding "Struggle for the scrolls".
RENAMED = {
    "chidori": "Chidori damage",
    "strike": "A blow that steels the heart",
    "obi_dagger": "Struggle for the scrolls",
}


def relabelled() -> SceneRules:
    if "castle_relabelled" in scene_keys():
        return find_scene("castle_relabelled")
    data = load_scene("castle")
    techniques = tuple(
        t.model_copy(update={"name": RENAMED[t.key]}) if t.key in RENAMED else t
        for t in data.techniques
    )
    copy = data.model_copy(update={"key": "castle_relabelled", "techniques": techniques})
    return register(find_scene("castle").with_data(copy))


def played(scene: str, seed: int, rounds: int) -> tuple[SessionState, list[LogEntry]]:
    rng = random.Random(seed)
    log: list[LogEntry] = []
    state: SessionState | None = None

    def do(actor: c.Actor, command: c.Command) -> None:
        nonlocal state
        outcome = play(state, actor, command, rng)
        assert isinstance(outcome, Accepted), outcome
        state = outcome.state
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=30 * len(log))
        log.append(
            LogEntry(
                session_id=1,
                version=len(log),
                actor_id=actor.member_id,
                command=command,
                events=outcome.events,
                at=at,
            )
        )

    do(GM, c.Open(scene=scene, seats=1, seed=seed))
    for actor, claim in seating(3, 10, scene):
        do(actor, claim)
    do(GM, c.Begin())
    while state is not None and state.beat < 6 and state.round <= rounds:
        do(*next_move(state, rng))
    assert state is not None
    do(GM, c.End())
    return state, log


def told(state: SessionState, log: list[LogEntry]) -> str:
    pages = recap_pages(state, log, final=True)
    return "\n".join(f"{p.title}\n" + "\n".join(p.paragraphs) for p in pages)


def test_renaming_the_techniques_labels_leaves_the_recap_unchanged_but_for_the_names() -> None:
    relabelled()
    labels: set[str] = set()
    for seed in (2, 5, 9):
        original = told(*played("castle", seed, rounds=12))
        state, log = played("castle_relabelled", seed, rounds=12)
        labels |= {e.roll.label for entry in log for e in entry.events if e.kind == "rolled"}
        renamed = told(state, log)
        for key, name in RENAMED.items():
            renamed = renamed.replace(
                name, next(t.name for t in load_scene("castle").techniques if t.key == key)
            )
        renamed = renamed.replace("castle_relabelled", "castle")
        assert renamed == original
    # the tricky labels were rolled, so a reader parsing them would have been led astray
    assert set(RENAMED.values()) | {"Chidori damage damage"} <= labels

"""Properties over random command sequences from random actors (Hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.autoplay import next_move
from scenes.engine.events import dump_events, load_events
from scenes.engine.evolve import UNDO_DEPTH, replay
from scenes.engine.queries import can_act
from scenes.engine.session import Accepted, play
from scenes.engine.state import SessionState, Status
from scenes.schema import load_scene

GM = c.Actor(member_id=1, name="GM", gm=True)
PLAYERS = [c.Actor(member_id=m, name=f"member {m}") for m in (10, 11, 12, 13, 14)]
STRANGER = c.Actor(member_id=99, name="stranger")
KEYS = ["sakura", "sasuke", "defender_1", "defender_2", "door", "army", "north_wing", "nobody"]
TECHNIQUES = [
    "strike",
    "rain_of_tags",
    "obi_dagger",
    "mystic_palm",
    "break_free",
    "chidori",
    "great_fireball",
    "sharingan",
    "throat_grip",
    "body_flicker",
    "kunai_volley",
    "earth_wall",
    "hold_the_line",
    "rasengan",
]
OPTIONS = ["strike", "spare", "bind", "take", "bargain", "withdraw", "yield", "refuse", "dance"]
members = st.sampled_from([10, 11, 12, 13, 14, 99])
text = st.text(min_size=0, max_size=40)

OWN = "@own"  # resolved at run time: one of the acting character's own techniques
player_commands = st.one_of(
    st.builds(
        c.Claim,
        role=st.sampled_from(["sakura", "sasuke", "defender", "dragon"]),
        name=st.one_of(st.none(), st.sampled_from(["Ren", "Aoi", "@everyone", "x" * 40])),
    ),
    st.builds(c.Release),
    st.builds(c.Act, text=text),
    st.builds(c.Say, text=text),
    st.builds(
        c.Jutsu,
        name=st.sampled_from(TECHNIQUES),
        target=st.one_of(st.none(), st.sampled_from(KEYS)),
    ),
    *[st.builds(c.Jutsu, name=st.just(OWN), target=st.one_of(st.none(), st.sampled_from(KEYS)))]
    * 6,
    st.builds(c.Defend),
    st.builds(
        c.Move, to=st.sampled_from(["office", "east_hall", "grand_hall", "north_wing", "moon"])
    ),
    st.builds(
        c.Interact,
        object=st.sampled_from(["door", "desk", "scrolls", "lamp"]),
        how=st.sampled_from(["bar", "open", "hide", "take", "guard", "eat"]),
    ),
    *[st.builds(c.Choose, option=st.sampled_from(OPTIONS))] * 3,
    st.builds(c.FreeRoll, dice=st.sampled_from(["1d20", "4d6kh3", "1000d6", "1d1e1", "banana"])),
)
gm_commands = st.one_of(
    st.builds(c.Begin),
    st.builds(c.Pause, reason=st.none()),
    st.builds(c.Resume),
    st.builds(c.Advance),
    st.builds(c.Narrate, text=text),
    st.builds(c.Skip),
    st.builds(c.Undo),
    st.builds(c.Assign, member_id=members, role=st.sampled_from(["sakura", "sasuke", "defender"])),
    st.builds(c.Kick, member_id=members),
    st.builds(c.Mute, member_id=members),
    st.builds(c.Unmute, member_id=members),
    st.builds(
        c.Set,
        character=st.sampled_from(KEYS),
        field=st.sampled_from(["vitality", "chakra", "resolve", "integrity"]),
        value=st.integers(-5, 40),
    ),
    st.builds(c.Handover, member_id=members),
)
# Who speaks: mostly whoever the scene waits on, sometimes anyone; GM commands mostly the GM.
player_speakers = st.sampled_from(["turn"] * 10 + ["decider"] * 3 + ["stranger", "gm", 0, 1, 2, 3])
gm_speakers = st.sampled_from(["gm"] * 5 + ["turn", 4])
steps = st.one_of(
    *[st.tuples(player_speakers, player_commands)] * 8,
    st.tuples(gm_speakers, gm_commands),
)


def _resolve(
    state: SessionState, actor: c.Actor, command: c.Command, rng: random.Random
) -> c.Command:
    if not (isinstance(command, c.Jutsu) and command.name == OWN):
        return command
    seat = state.seat_of(actor.member_id)
    role = state.character(seat.key).role if seat else "sakura"
    own = [t.key for t in load_scene(state.scene).techniques_of(role)]
    return command.model_copy(update={"name": rng.choice(own)})


def _actor(state: SessionState, speaker: str | int) -> c.Actor:
    if speaker == "gm":
        return GM
    if speaker == "stranger":
        return STRANGER
    if isinstance(speaker, int):
        return PLAYERS[speaker]
    key = (
        state.turn if speaker == "turn" else state.decisions[0].decider if state.decisions else None
    )
    member = state.seat(key).member_id if key else None
    return c.Actor(member_id=member) if member else GM


def _check_bounds(state: SessionState) -> None:
    for ch in state.characters:
        assert 0 <= ch.vitality <= ch.max_vitality
        assert 0 <= ch.chakra <= ch.max_chakra
        assert ch.resolve is None or -3 <= ch.resolve <= 3
    assert 0 <= castle(state).siege.integrity <= castle(state).siege.max_integrity


def _check_turn(state: SessionState) -> None:
    """One able turn holder while the scene plays; nobody's turn once its ending is reached."""
    over = state.beat >= len(load_scene(state.scene).beats)
    if over:
        assert state.turn is None
    elif state.status is Status.ACTIVE and any(can_act(state, k) for k in state.order):
        assert state.turn is not None and can_act(state, state.turn)


def _check_undo(before: SessionState, after: SessionState, rng: random.Random) -> None:
    undone = play(after, GM, c.Undo(), rng)
    assert isinstance(undone, Accepted)
    kept = before.undo[max(0, len(before.undo) - (UNDO_DEPTH - 1)) :]
    assert undone.state == before.model_copy(update={"undo": kept})


def _setup(seed: int, defenders: int) -> tuple[SessionState, list]:
    rng = random.Random(seed)
    opened = play(None, GM, c.Open(scene="castle", seats=defenders, seed=seed), rng)
    state, events = opened.state, list(opened.events)
    for actor, role in zip(PLAYERS, ["sakura", "sasuke", "defender"], strict=False):
        outcome = play(state, actor, c.Claim(role=role, name="Ren"), rng)
        state = outcome.state
        events += outcome.events
    outcome = play(state, GM, c.Begin(), rng)
    return outcome.state, events + list(outcome.events)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    defenders=st.integers(1, 4),
    script=st.lists(steps, min_size=10, max_size=80),
)
def test_random_command_sequences_keep_every_invariant(seed, defenders, script) -> None:
    state, history = _setup(seed, defenders)
    rng = random.Random(seed)
    for speaker, command in script:
        before = state
        actor = _actor(state, speaker)
        command = _resolve(state, actor, command, rng)
        outcome = play(state, actor, command, rng)
        if not isinstance(outcome, Accepted):
            assert outcome.message and len(outcome.message) < 400
            assert state == before
            continue
        state = outcome.state
        history += outcome.events
        _check_bounds(state)
        _check_turn(state)
        assert SessionState.model_validate_json(state.model_dump_json()) == state
        assert load_events(dump_events(outcome.events)) == outcome.events
        if command.kind in c.UNDOABLE:
            _check_undo(before, state, random.Random(0))
    assert replay(history) == state


def _step(
    state: SessionState, actor: c.Actor, command: c.Command, rng: random.Random, history: list
) -> SessionState:
    """Play one command and check every invariant; return the state that stands."""
    before = state
    outcome = play(state, actor, command, rng)
    if not isinstance(outcome, Accepted):
        assert outcome.message
        return before
    history += outcome.events
    _check_bounds(outcome.state)
    _check_turn(outcome.state)
    assert SessionState.model_validate_json(outcome.state.model_dump_json()) == outcome.state
    if command.kind in c.UNDOABLE:
        _check_undo(before, outcome.state, random.Random(0))
    return outcome.state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    defenders=st.integers(1, 4),
    noise=st.lists(st.tuples(st.integers(0, 30), steps), max_size=12),
)
def test_whole_scenes_with_interruptions_keep_every_invariant(seed, defenders, noise) -> None:
    """Sensible players play whole scenes while random commands cut in at random moments."""
    state, history = _setup(seed, defenders)
    rng = random.Random(seed)
    interjections = dict(noise)
    for move in range(200):
        if state.status is not Status.ACTIVE or state.ending is not None:
            break
        if move in interjections:
            speaker, command = interjections[move]
            actor = _actor(state, speaker)
            state = _step(state, actor, _resolve(state, actor, command, rng), rng, history)
            continue
        if state.turn is None and not state.decisions:
            break
        actor, command = next_move(state, rng)
        state = _step(state, actor, command, rng, history)
    assert replay(history) == state

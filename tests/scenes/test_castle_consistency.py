"""Nothing contradicts the state: over seeded scripted sessions the castle never tells a beat it
does not bring, never plays on after its ending, and its close keeps the ending reached."""

from __future__ import annotations

from scenes.castle.consistency import after_the_end, contradictions
from scenes.engine import events as ev
from scenes.engine.state import Ending
from tests.benches import load_bench
from tests.engine.test_rules_endings import breach


def test_two_hundred_scripted_sessions_contradict_their_state_nowhere() -> None:
    bench = load_bench("playtest")
    results = [bench.play_session(seed) for seed in range(200)]
    assert all(r.ending for r in results)
    assert [w for r in results for w in r.contradictions] == []


def test_the_check_sees_a_turn_after_the_ending_and_a_mercy_told_but_not_offered() -> None:
    table = breach()
    state = table.state
    ending = Ending(key="rain_without_end")
    played_on = [ev.EndingReached(ending=ending, title="x"), ev.TurnStarted(seat="sakura", round=2)]
    assert contradictions(played_on, state) == ["turn_started after the ending was reached"]
    told = [ev.Narrated(text="…", moment="beat_mercy")]
    assert contradictions(told, state) == ["the mercy's beat told with no mercy offered"]
    closed = ev.SessionEnded(reason=None, ending=ending, was="the_spent_intruder")
    assert after_the_end(state, refused=False, closed=closed) == [
        "a turn command was taken after the ending",
        "the close changed the ending with nothing changed",
    ]

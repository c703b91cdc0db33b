"""The castle's narration of its techniques: each technique sounds like itself, no sheet label
or place name is pasted mid-sentence, and the harm told is the harm dealt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenes.engine import events as ev
from scenes.engine.tx import tell
from scenes.schema import SceneFileError, load_scene, load_scene_from
from tests.scenes.sessions import autoplay_session
from tests.scenes.test_schema import read_narration, write_narration
from tests.scenes.test_schema import scene as scene

ATTACK = ("hit", "miss", "critical", "fumble")
# Every technique's outcomes, each told from lines of that technique's own.
OWN_LINES = {
    "strike": tuple(f"strike_{m}" for m in ATTACK),
    "rain_of_tags": tuple(f"rain_of_tags_{m}" for m in ATTACK),
    "obi_dagger": tuple(f"obi_dagger_{m}" for m in ATTACK),
    "chidori": tuple(f"chidori_{m}" for m in ATTACK),
    "great_fireball": tuple(f"great_fireball_{m}" for m in ATTACK),
    "kunai_volley": tuple(f"kunai_volley_{m}" for m in ATTACK),
    "mystic_palm": ("mystic_palm_heal", "mystic_palm_heal_self"),
    "break_free": ("break_free_escape", "break_free_miss"),
    "throat_grip": ("choking", "throat_grip_miss"),
    "sharingan": ("sharingan_wakes",),
    "body_flicker": ("body_flicker",),
    "hold_the_line": ("hold_the_line_defend",),
}
# The earth wall is told by the siege's own moments (scenes/castle/siege.py).
SIEGE_TECHNIQUES = {"earth_wall"}
SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+")
SEEDS = range(40)


@pytest.fixture(scope="module")
def sessions() -> list[list[ev.Event]]:
    return [autoplay_session(seed, defenders=1 + seed % 4) for seed in SEEDS]


def narrated(events: list[ev.Event]) -> Iterator[ev.Narrated]:
    return (e for e in events if isinstance(e, ev.Narrated) and not e.by_gm)


def test_every_technique_has_lines_of_its_own_for_each_of_its_outcomes() -> None:
    castle = load_scene("castle")
    assert {t.key for t in castle.techniques} == set(OWN_LINES) | SIEGE_TECHNIQUES
    for _technique, moments in OWN_LINES.items():
        for moment in moments:
            assert len(castle.narration[moment]) >= 3, moment


def test_a_techniques_own_lines_never_paste_its_sheet_label() -> None:
    castle = load_scene("castle")
    for _technique, moments in OWN_LINES.items():
        for moment in moments:
            assert all("{technique}" not in line for line in castle.narration[moment]), moment


def test_a_techniques_outcome_is_told_from_its_own_lines(
    sessions: list[list[ev.Event]],
) -> None:
    told: set[str] = set()
    for events in sessions:
        used: ev.TechniqueUsed | None = None
        for event in events:
            if isinstance(event, ev.ActionStarted):
                used = None
            elif isinstance(event, ev.TechniqueUsed):
                used = event
            elif isinstance(event, ev.Narrated) and used and event.moment in ATTACK:
                assert event.dealt[0][0] == f"{used.technique}_{event.moment}", event
                told.add(event.dealt[0][0])
    assert len(told) >= 15  # most techniques' outcomes came up


def _mid_sentence(text: str, name: str) -> bool:
    return any(name in sentence[1:] for sentence in SENTENCE.split(text))


def test_no_narration_pastes_a_sheet_label_or_a_place_name_mid_sentence(
    sessions: list[list[ev.Event]],
) -> None:
    castle = load_scene("castle")
    names = {t.name for t in castle.techniques} | {p.name for p in castle.places}
    count = 0
    for events in sessions:
        for event in narrated(events):
            count += 1
            for name in names:
                assert not _mid_sentence(event.text, name), f"{name!r} in {event.text}"
    assert count > 1000


def test_the_harm_told_is_the_harm_dealt(sessions: list[list[ev.Event]]) -> None:
    checked = 0
    for events in sessions:
        told: ev.Narrated | None = None
        for event in events:
            if isinstance(event, ev.Narrated) and event.moment in ("hit", "critical"):
                told = event
            elif isinstance(event, ev.Damaged) and event.cause == ev.Cause.ATTACK and told:
                assert re.findall(r"\d+", told.text) == [str(event.amount)], told.text
                told, checked = None, checked + 1
    assert checked > 100


def test_the_healing_told_is_the_healing_done(sessions: list[list[ev.Event]]) -> None:
    checked = 0
    for events in sessions:
        healed: ev.Healed | None = None
        for event in events:
            if isinstance(event, ev.Healed):
                healed = event
            elif isinstance(event, ev.Narrated) and event.moment in ("heal", "heal_self"):
                assert healed is not None
                assert re.findall(r"\d+", event.text) == [str(healed.amount)], event.text
                healed, checked = None, checked + 1
    assert checked > 10


def test_a_label_is_lowered_mid_sentence_and_kept_at_a_sentence_start() -> None:
    fields = {"actor": "Ren", "technique": "Kunai volley", "place": "North wing"}
    assert tell("{actor}'s {technique} flies.", fields) == "Ren's kunai volley flies."
    assert (
        tell("{technique} flies. {place} holds.", fields) == "Kunai volley flies. North wing holds."
    )
    assert tell("Ren waits in the {place}.", fields) == "Ren waits in the north wing."
    assert tell('"{place}!" Ren calls.', fields) == '"North wing!" Ren calls.'


# --- the narration file: a technique's own lines and the openings are checked at load ---------


def _add(folder: Path, moment: str, lines: list[str]) -> str:
    narration = read_narration(folder)
    narration[moment] = lines
    write_narration(folder, narration)
    with pytest.raises(SceneFileError) as caught:
        load_scene_from(folder)
    return str(caught.value)


def test_lines_for_a_technique_the_scene_does_not_have_are_refused(scene: Path) -> None:
    message = _add(scene, "rasengan_hit", ["One {amount}.", "Two {amount}.", "Three {amount}."])
    assert "field rasengan_hit: no such moment" in message


def test_a_techniques_lines_for_a_moment_told_without_an_actor_are_refused(
    scene: Path,
) -> None:
    message = _add(scene, "chidori_down", ["{target} falls.", "{target} drops.", "{target} sags."])
    assert "field chidori_down: no such moment" in message


def test_a_techniques_lines_may_use_only_their_moments_placeholders(scene: Path) -> None:
    lines = ["{actor} fizzles at {target}.", "{actor} slips.", "{actor} fails."]
    message = _add(scene, "chidori_fumble", lines)
    assert "field chidori_fumble: {target} is not a placeholder here" in message


def test_an_opening_that_does_not_end_with_a_comma_is_refused(scene: Path) -> None:
    message = _add(scene, "move_opening", ["In the rain,", "At a run,", "Quietly."])
    assert "field move_opening: an opening ends with a comma" in message


def test_a_misspelt_opening_is_refused(scene: Path) -> None:
    message = _add(scene, "defend_openings", ["In the rain,", "At a run,", "Quietly,"])
    assert "field defend_openings: no such moment" in message


def test_an_opening_leads_only_a_line_that_begins_with_its_subject(
    sessions: list[list[ev.Event]],
) -> None:
    castle = load_scene("castle")
    opened = 0
    for events in sessions:
        for event in narrated(events):
            for deck, _ in event.dealt[1:]:
                assert deck == f"{event.moment}_opening"
                lead = next(o for o in castle.narration[deck] if event.text.startswith(o + " "))
                rest = event.text[len(lead) + 1 :]
                assert re.match(r"(Sakura|Sasuke|Ren \d) (?!')", rest), event.text
                opened += 1
    assert opened > 200

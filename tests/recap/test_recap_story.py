"""The story: the session in time order, woven from the table's own words, shaped by what
happened, the same for the same session and never the same for two; no numbers in it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import scenes.castle
from bench.recap_variety import shared, stories
from cogs.render import recap_messages
from scenes.castle.story import STORY, check_against, prose
from scenes.engine import commands as c
from scenes.engine.recap import recap_pages
from scenes.engine.registry import find_scene
from tests.recap.chronicle import Chronicle, autoplay
from tests.recap.endings import ENDINGS, ended, sakura_downs_sasuke, spent_intruder

LINES = ("Go home.", "I was never going to let you take them.", "You know me better than that.")
NUMBER_WORDS = re.compile(
    r"\b(twice|thrice|times|round|rounds|integrity)\b",
    re.IGNORECASE,
)


def told(table: Chronicle, final: bool = True) -> str:
    return "\n\n".join(recap_pages(table.state, table.log, final=final)[0].paragraphs)


def without_the_tables_words(table: Chronicle, text: str) -> str:
    """The story with the names and everything the table wrote taken out: the scene's prose."""
    for entry in table.log:
        for event in entry.events:
            if hasattr(event, "text") and event.kind in ("posed", "npc_spoke", "narrated"):
                text = text.replace(event.text, "")
    for character in table.state.characters:
        text = text.replace(character.name, "NAME")
    return text


def test_two_different_sessions_never_tell_the_same_story() -> None:
    sessions = [ended(key) for key in ENDINGS]
    sessions += [
        autoplay(seed, defenders=1 + seed % 3, rounds=10, lines=LINES) for seed in range(12)
    ]
    stories = [told(table) for table in sessions]
    assert len(set(stories)) == len(stories)


def test_the_same_session_tells_the_same_story_every_time() -> None:
    first, again = autoplay(4, rounds=8), autoplay(4, rounds=8)
    assert told(first) == told(again) == told(first)


def test_the_same_play_under_another_seed_is_told_in_other_words() -> None:
    one, other = Chronicle(seed=1), Chronicle(seed=2)
    for table in (one, other):
        table.seat("sakura", "sasuke")
        table.begin(["sasuke", "sakura"])
    assert told(one) != told(other)


def test_the_tables_words_are_told_in_the_order_they_were_written() -> None:
    table = autoplay(5, defenders=2, rounds=14, lines=LINES, narration="Lightning splits an oak.")
    text = told(table)
    written = [
        e.text
        for entry in table.log
        for e in entry.events
        if e.kind == "posed" or (e.kind == "narrated" and getattr(e, "by_gm", False))
    ]
    assert len(written) > 5
    at = 0
    for line in written:
        found = text.find(line, at)
        assert found >= 0, f"not told, or out of order: {line}"
        at = found + len(line)


def test_the_beats_are_the_storys_spine_in_order() -> None:
    table = autoplay(6, defenders=1, rounds=20, lines=LINES)
    paragraphs = recap_pages(table.state, table.log, final=True)[0].paragraphs
    beat_keys = [e.key for entry in table.log for e in entry.events if e.kind == "beat_reached"]
    assert len(beat_keys) >= 3
    leads = prose().beats
    positions = []
    for key in beat_keys:
        found = [
            i
            for i, paragraph in enumerate(paragraphs)
            for variant in leads[key]
            if _lead_of(variant) in paragraph.lower()
        ]
        assert found, f"beat {key} is not told"
        positions.append(min(found))
    assert positions == sorted(positions)


def _lead_of(variant: str) -> str:
    return variant.split("{")[0].rstrip(", ").lower()


def test_a_players_pose_is_the_actions_narration() -> None:
    table = sakura_downs_sasuke()  # her dagger, told in the scene's words
    plain = told(table)
    posed = Chronicle(seed=7)
    posed.seat("sakura", "sasuke")
    posed.begin(["sasuke", "sakura"])
    posed.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    posed.do("gm", c.Set(character="sasuke", field="vitality", value=3))
    pose = "The blade was out of her sash before the door stopped swinging."
    posed.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke", pose=pose), faces=[15, 2, 1])
    text = told(posed)
    dagger = [v.split("{whom}")[0].replace("{who} ", "") for v in prose().techniques["obi_dagger"]]
    assert pose in text
    assert not any(clause.format(their="her") in text for clause in dagger)
    assert any(clause.format(their="her") in plain for clause in dagger)


def test_the_story_holds_no_numbers() -> None:
    for table in [ended(key) for key in ENDINGS] + [autoplay(s, rounds=25) for s in range(6)]:
        prose_only = without_the_tables_words(table, told(table))
        assert not re.search(r"\d", prose_only), prose_only
        assert not NUMBER_WORDS.search(prose_only), NUMBER_WORDS.search(prose_only)


def test_never_someone_nor_a_bare_key() -> None:
    for seed in range(10):
        text = told(autoplay(seed, defenders=3, rounds=25))
        assert "someone" not in text.lower()
        assert not re.search(r"\b(sakura|sasuke|defender_\d|north_wing)\b", text)


def test_several_targets_are_named_as_a_list() -> None:
    table = Chronicle(seed=11, defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip())
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("sasuke", c.Move(to="east_hall"))
    table.do("sakura", c.Move(to="east_hall"))
    table.do("defender_1", c.Move(to="east_hall"))
    table.do("sasuke", c.Jutsu(name="great_fireball"))
    text = told(table)
    assert "Sakura and Ren 1" in text or "Ren 1 and Sakura" in text


def test_no_quote_is_printed_twice_in_a_recap() -> None:
    """Each line is told where it was spoken, and the facts do not print it again."""
    table = autoplay(8, defenders=2, rounds=20, lines=LINES)
    pages = recap_pages(table.state, table.log, final=True)
    whole = "\n".join(p for page in pages for p in page.paragraphs)
    spoken = [e.text for entry in table.log for e in entry.events if e.kind == "posed"]
    assert spoken
    for line in set(spoken):
        assert whole.count(f"“{line}”") == spoken.count(line), line


def test_the_heart_that_refuses_is_told_once_and_never_as_a_choice_to_spare() -> None:
    text = told(spent_intruder())  # she chose to strike; the heart check failed
    refused = [v.split("{coda}")[0] for v in prose().deeds["mercy:refused"]]
    spared = [v.split("{coda}")[0] for v in prose().deeds["mercy:spared"]]
    fill = {"who": "Sakura", "whom": "Sasuke", "themself": "herself", "their": "her"}
    assert sum(text.count(v.format(**fill)) for v in refused) == 1
    assert not any(v.format(**fill) in text for v in spared)


def test_a_session_that_never_began_says_so() -> None:
    table = Chronicle(seed=3)
    table.seat("sakura")
    assert any(line in told(table, final=False) for line in prose().waiting)
    table.do("gm", c.End())
    assert any(line in told(table) for line in prose().lobby)


def test_a_25_round_session_with_every_voice_fits_three_embeds() -> None:
    long_line = "I will not move from this desk, not for you, not for anyone. " * 20
    for seed in range(4):
        table = autoplay(
            seed,
            defenders=3,
            rounds=25,
            lines=(long_line, *LINES),
            narration="The storm finds every crack in the old walls. " * 20,
            intruder=False,  # no ending cuts it short: all 25 rounds are played
        )
        assert table.state.round >= 25
        story = recap_pages(table.state, table.log, final=True)[0]
        assert sum(len(p) for p in story.paragraphs) <= STORY
        assert len(recap_messages([story])[0]) <= 3


def test_under_a_tenth_of_a_recaps_sentences_appear_in_another() -> None:
    repeated, total, _ = shared(stories(20, 25))  # as bench/recap_variety.py measures it
    assert total > 200
    assert repeated / total < 0.10


def test_the_prose_covers_the_scene_with_variants_enough() -> None:
    scene = find_scene("castle").data
    assert check_against(scene) == []
    p = prose()
    assert all(len(variants) >= 5 for variants in p.closings.values())
    assert len(p.openings) >= 5 and len(p.premises) >= 5


def test_the_story_is_its_own_writing_not_the_scenes_narration() -> None:
    folder = Path(scenes.castle.__file__).parent
    narration = tomllib.loads((folder / "narration.toml").read_text())
    lines = [line for variants in narration.values() for line in variants]
    for key in ENDINGS:
        text = told(ended(key))
        for line in lines:
            for sentence in line.split(". "):
                if len(sentence) > 30 and "{" not in sentence:
                    assert sentence not in text, f"{key}: narration copied: {sentence}"


def test_the_gms_narration_and_npc_lines_are_woven_in_where_they_were_spoken() -> None:
    table = Chronicle(seed=9)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("gm", c.Npc(name="Old Haru", text="They are at the north gate!"))
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Narrate(text="The lamps gutter as the door swings in."))
    text = told(table)
    npc, narration = text.find("They are at the north gate!"), text.find("The lamps gutter")
    assert 0 <= npc < narration and "Old Haru" in text
    deeds = prose().deeds
    door = [v.split("{coda}")[0].format(who="Sasuke") for v in deeds["door:broken"]]
    at = max(text.lower().find(v.lower()) for v in door)
    assert npc < at < narration  # the door opened between the two, and is told there


def test_a_flight_with_wounds_is_told_only_when_he_fled_wounded() -> None:
    wounded = [v.format(who="Sasuke", their="his") for v in prose().paths["fled_wounded"]]
    seen = set()
    for seed in range(30):
        table = autoplay(seed, defenders=1 + seed % 2, rounds=25)
        ending = table.state.ending
        if ending is None:
            continue
        departure = dict(ending.facets)["departure"]
        seen.add(departure)
        told_wounded = any(line in told(table) for line in wounded)
        assert told_wounded is (departure == "fled wounded"), (seed, departure)
    assert "fled wounded" in seen and len(seen) > 1

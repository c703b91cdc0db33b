"""The story: shaped by what happened, the same for the same session, never the same for two."""

from __future__ import annotations

import tomllib
from pathlib import Path

import scenes.castle
from scenes.castle.recap import LOBBY, WAITING, story
from scenes.engine import commands as c
from scenes.engine.recap import read, recap_pages
from tests.recap.chronicle import Chronicle, autoplay
from tests.recap.endings import ENDINGS, ended

LINES = ("Go home.", "I was never going to let you take them.", "You know me better than that.")


def told(table: Chronicle, final: bool = True) -> str:
    return "\n\n".join(recap_pages(table.state, table.log, final=final)[0].paragraphs)


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


def test_the_story_follows_the_session_names_rounds_and_numbers() -> None:
    table = autoplay(5, defenders=2, rounds=14, lines=LINES)
    reader = read(table.state, table.log)
    night = reader.night
    text = "\n".join(story(table.state, reader))
    for key in night.attempts:
        assert table.state.character(key).name in text
    top = max(night.blows, key=lambda b: (b.amount, -b.round))
    assert f"round {top.round}: " in text and f"took {top.amount} from" in text
    assert "Ren 1" in text and "Ren 2" in text
    assert "You know me better than that." in text or "I was never going" in text


def test_a_session_that_never_began_says_so() -> None:
    table = Chronicle(seed=3)
    table.seat("sakura")
    assert any(line in told(table, final=False) for line in WAITING)
    table.do("gm", c.End())
    assert any(line in told(table) for line in LOBBY)


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

"""bench/variety.py: what it counts as a narration sentence and as a repeat, and its figure."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.benches import load_bench


@pytest.fixture(scope="module")
def variety() -> ModuleType:
    return load_bench("variety")


def test_a_line_is_split_at_its_sentence_ends_and_its_numbers_read_as_one(
    variety: ModuleType,
) -> None:
    line = '"Live," Ren says. It costs Sakura 7 vitality! Again? "No." Sakura waits.'
    assert variety.sentences(line) == [
        '"Live," Ren says.',
        "It costs Sakura # vitality!",
        "Again?",
        '"No."',
        "Sakura waits.",
    ]


def test_a_sentence_repeats_when_the_session_told_it_before(variety: ModuleType) -> None:
    telling = variety.Telling(
        told=[("hit", "A."), ("miss", "B."), ("hit", "A."), ("defend", "A."), ("miss", "C.")]
    )
    assert telling.repeats() == [("hit", "A."), ("defend", "A.")]


def test_sessions_of_n_rounds_play_n_rounds_without_ending(variety: ModuleType) -> None:
    telling = variety.play_rounds(3, 25)
    assert telling.rounds == 25
    assert "ending_" not in " ".join(moment for moment, _ in telling.told)


def test_few_narration_sentences_repeat_within_25_rounds(variety: ModuleType) -> None:
    """Dealt at random from flat lists, a third of the sentences repeated at 25 rounds."""
    measured = variety.measure(25, 20, seed=100)
    assert measured.sentences > 20 * 50
    assert measured.share < 0.06

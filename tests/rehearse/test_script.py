"""Scripted rehearsals: the one-shot's line to its ending, refusals read with their line
numbers, a rehearsal stored and resumed, and the tests' ferry played with no change to the
rehearsal."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from db.store import SqliteStore
from rehearse.cli import main
from scenes.engine.state import SessionState, Status

HERE = Path(__file__).parent
ONE_SHOT = HERE / "one_shot.txt"
FERRY = HERE / "ferry.txt"
# With these seeds the scripts' dice fall as the one-shot's own line has them (the heart check
# fails: his hand will not come down) and as the ferry's script needs (the stranger falls).
ONE_SHOT_SEED = "1"
FERRY_SEED = "1"
REFUSED = re.compile(r"^line \d+: ", re.MULTILINE)


def stored(db: Path, session_id: int = 1) -> SessionState:
    async def load() -> SessionState:
        store = await SqliteStore.open(db)
        try:
            found = await store.load(session_id)
            assert found is not None
            return found.state
        finally:
            await store.close()

    return asyncio.run(load())


def rehearse(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_a_scripted_rehearsal_plays_the_one_shot_to_rain_without_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, notes = tmp_path / "r.sqlite3", tmp_path / "notes" / "night.md"
    out = rehearse(
        capsys,
        *("--db", str(db), "--seed", ONE_SHOT_SEED, "--defenders", "1"),
        *("--script", str(ONE_SHOT), "--transcript", str(notes)),
    )
    assert not REFUSED.search(out)  # not one line refused
    assert "Dagger from the obi: 1d20 (11) + 5 = 16 vs evasion 14 → hit" in out
    # in his grip she has buttons of her own beside his
    assert "Choose:  1  Strike    2  Spare    3  Bind    4  Struggle    5  Plead    6  Defy" in out
    assert "Sasuke's resolve moves to -2 (moved by Sakura's words)." in out  # her /say
    assert "Sasuke's resolve moves to -3 (moved by Sakura's plea)." in out
    # he chose to strike, and his heart refused: told as what happened, never as a spare
    assert "Sasuke chooses strike: his heart refused" in out
    assert "Sasuke chooses spare" not in out
    # he hesitated at first sight, then her words and her plea: 1d20 - 6 against 12 + 2
    assert "Sasuke steels the heart: 1d20 (9) - 6 = 3 vs DC 14 → failure" in out
    assert "Ending: Rain Without End." in out
    assert "Scrolls kept · Sakura standing · Sasuke gone · North wing held" in out
    assert "Vitality ▰▰▰▰▱▱▱▱▱▱ 13/30" in out
    state = stored(db)
    assert state.status is Status.ENDED
    assert state.ending is not None and state.ending.key == "rain_without_end"
    text = notes.read_text(encoding="utf-8")
    assert text.startswith("# The Castle in the Rain — transcript")
    assert "`/choose option:withdraw`" in text


def test_a_refused_unknown_or_malformed_line_prints_the_sentence_with_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "bad.txt"
    script.write_text(
        "\n".join(
            [
                "as Mika",
                "/claim role:sakura",
                "/jutsu name:chidori",  # line 3: before the scene begins
                "/fly to:the moon",  # line 4: no such command
                "/claim role:",  # line 5: an empty value
                "/gm set character:sakura field:vitality value:many",  # line 6: not a number
                "just words",  # line 7: not a command
                "/say text:Still here, note: the rain",  # play goes on; `note:` is no option
            ]
        ),
        encoding="utf-8",
    )
    out = rehearse(capsys, "--db", str(tmp_path / "r.sqlite3"), "--script", str(script))
    flat = " ".join(out.split())
    assert "line 3: The scene has not begun yet; the GM starts it with /gm begin." in flat
    assert "line 4: There is no command /fly." in flat
    assert "line 5: role: is empty." in flat
    assert "line 6: value: is a whole number, not “many”." in flat
    assert "line 7: Commands start with a slash" in flat
    assert "“Still here, note: the rain”" in flat
    assert "Traceback" not in out


def test_a_rehearsal_is_stored_and_resumed_by_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.sqlite3"
    lines = ONE_SHOT.read_text(encoding="utf-8").splitlines()
    cut = lines.index("/jutsu name:chidori target:sakura")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("\n".join(lines[:cut]), encoding="utf-8")
    second.write_text(
        "\n".join(["/status", "/status character:sasuke", "/recap", *lines[cut - 1 :]]),
        encoding="utf-8",
    )
    out = rehearse(
        capsys, "--db", str(db), "--seed", ONE_SHOT_SEED, "--defenders", "1", "--script", str(first)
    )
    assert "Rehearsal #1" in out and "--resume 1" in out
    assert stored(db).beat == 3 and stored(db).status is Status.ACTIVE

    out = rehearse(capsys, "--db", str(db), "--resume", "1", "--script", str(second))
    assert "The Castle in the Rain — the story so far" in out  # /recap
    assert "Techniques (chakra)" in out  # /status: the GM holds no seat, so it names one
    assert "line 1: Name a character: Sakura, Sasuke, Ren." in " ".join(out.split())
    assert "Ending: Rain Without End." in out
    assert stored(db).ending is not None


def test_resuming_a_rehearsal_that_is_not_there_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "r.sqlite3"), "--resume", "7"]) == 2
    assert "There is no rehearsal #7" in capsys.readouterr().err


def test_the_tests_ferry_is_rehearsed_to_its_ending_with_no_change_to_the_rehearsal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.sqlite3"
    out = rehearse(
        capsys,
        *("--load", "tests.ferry", "--scene", "ferry", "--seed", FERRY_SEED),
        *("--db", str(db), "--script", str(FERRY)),
    )
    assert not REFUSED.search(out)
    assert "Choose:  1  Ferry    2  Leave" in out
    assert "Ferryman chooses ferry: ferried" in out
    assert "Ending: A Safe Crossing." in out
    assert "The Last Ferry — the recap" in out
    state = stored(db)
    assert state.scene == "ferry" and state.status is Status.ENDED
    assert state.ending is not None and state.ending.key == "safe_crossing"

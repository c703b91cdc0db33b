"""The wire benchmark in its tiny form: two sessions play whole scenes on the fake Discord.

Only that it completes cleanly is asserted here; its timing targets live in bench/wire.py.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.benches import load_bench


async def test_two_sessions_play_to_the_end_with_no_violation_and_no_missed_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_HEAP", str(tmp_path / "heap"))  # the bots inherit it
    wire = load_bench("wire")
    options = wire.RunOptions(think=0.01, pings=5, stages=True, durable_floor=True)
    report = await wire.run(2, options, folder=tmp_path, strict=True)
    assert report.violations == []
    assert report.missed == 0
    assert report.floor.all.count == 10
    assert report.durable.all.count == 10
    assert report.castle.kind(wire.TURN).count > 0
    # filed by slash command too: the kinds' interactions, each under its own command
    commands = report.castle.commands
    assert sum(figures.count for figures in commands.values()) == report.castle.all.count
    assert report.castle.of(wire.TURN_COMMANDS).count == report.castle.kind(wire.TURN).count
    assert report.castle.of(wire.STORES_NOTHING).count > 0
    assert "  by command:" in report.lines()
    assert any(line.startswith("castle commands that store nothing") for line in report.lines())
    # each bot's process reported the CPU it spent while it played
    for phase in report.phases:
        assert phase.cpu is not None and phase.cpu > 0
    assert any(line.startswith("  the bot's CPU") for line in report.lines())
    # the stage timers saw the commands they time, in both bots
    assert report.floor.stages["ping"]["reach"]
    turns = wire.medians(report.castle.stages, wire.TURN_COMMANDS)
    assert {"reach", "decide", "commit", "service", "before reply", "reply"} <= turns.keys()
    assert any(line.startswith("inside the bots") for line in report.lines())
    # and the garbage collector's pauses inside the castle's process
    assert "gen0 n=" in wire.collector_pauses(report.castle.stages)
    # the durable floor stored a row for each ping it answered, before answering
    with sqlite3.connect(tmp_path / "durable-ping.sqlite3") as stored:
        assert stored.execute("SELECT count(*) FROM pings").fetchone() == (10,)
    assert any(line.startswith("durable floor p50 / floor p50") for line in report.lines())
    # each bot's census of what its collector tracks, written as it stopped
    (census,) = tmp_path.glob("heap-castle-*.txt")
    head, *kinds = census.read_text().splitlines()
    counted = re.fullmatch(r"tracked (\d+), frozen (\d+)", head)
    assert counted is not None and int(counted[2]) > 0  # the castle froze its start-up heap
    assert kinds and all(re.fullmatch(r" *\d+ [\w.<>]+", kind) for kind in kinds)
    assert sum(int(kind.split()[0]) for kind in kinds) <= int(counted[1])

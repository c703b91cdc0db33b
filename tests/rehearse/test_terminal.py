"""The interactive rehearsal in a pseudo-terminal: typing commands, completing them with Tab,
answering a decision by its number, and reading the screen."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pyte
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")
PROMPT = "▸"
ROWS, COLUMNS = 60, 100
WAIT = 30.0  # seconds, for what the rehearsal shows after a key


class Terminal:
    """``python bot.py rehearse`` in a pseudo-terminal, read two ways: the text it wrote
    (without control codes), and the screen as a terminal emulator (pyte) draws it."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1")
        env.pop("DISCORD_TOKEN", None)  # a rehearsal needs no token
        self.child = pexpect.spawn(
            sys.executable,
            ["bot.py", "rehearse", *args],
            cwd=str(ROOT),
            env=env,
            encoding="utf-8",
            dimensions=(ROWS, COLUMNS),
        )
        self.raw = ""
        self.read = 0  # how much of the text has been waited for
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)

    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def wait(self, wanted: str) -> str:
        """Read until ``wanted`` shows; the text from the last wait up to it."""
        deadline = time.monotonic() + WAIT
        while True:
            text = self.text()
            found = text.find(wanted, self.read)
            if found >= 0:
                shown, self.read = text[self.read : found + len(wanted)], found + len(wanted)
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted!r} never showed; the screen ends {text[-800:]!r}")
            self._pump()

    def _pump(self) -> None:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=0.1)
        except pexpect.TIMEOUT:
            return
        self.raw += chunk
        self.stream.feed(chunk)

    def shows(self, wanted: str) -> str:
        """Read until the screen, as a terminal draws it, has a line holding ``wanted``."""
        deadline = time.monotonic() + WAIT
        while True:
            for line in self.screen.display:
                if wanted in line:
                    return line.rstrip()
            if time.monotonic() > deadline:
                drawn = "\n".join(line.rstrip() for line in self.screen.display)
                raise AssertionError(f"{wanted!r} is not on the screen:\n{drawn}")
            self._pump()

    def type(self, line: str, until: str = "╰") -> str:
        """Type a line at the prompt; the screen up to ``until`` (the end of a panel by
        default) and the next prompt after it."""
        self.child.sendline(line)
        return self.wait(until) + self.wait(PROMPT)

    def complete(self, typed: str, line: str) -> None:
        """Type ``typed``, wait until the prompt shows it, press Tab, and wait until the
        prompt's line reads ``line``."""
        self.child.send(typed)
        self.shows(typed)
        self.child.send("\t")
        self.shows(line)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal("--db", str(tmp_path / "r.sqlite3"), "--seed", "1", "--defenders", "1")
    yield term
    if term.child.isalive():
        term.child.terminate(force=True)


def test_the_interactive_rehearsal_completes_answers_by_number_and_reaches_the_ending(
    terminal: Terminal,
) -> None:
    opened = terminal.wait(PROMPT)
    assert "Rehearsal #1 of The Castle in the Rain (seed 1)" in opened
    assert "The Castle in the Rain: seats" in opened
    for line in ("as Mika", "/claim role:sakura", "as Kai", "/claim role:sasuke", "as Ren"):
        terminal.type(line, "You now play" if line.startswith("as") else "╰")
    terminal.complete("/cl", "Ren ▸ /claim ")
    terminal.complete("ro", "Ren ▸ /claim role:")
    terminal.complete("def", "Ren ▸ /claim role:defender ")
    shown = terminal.type("name:Ren")
    assert "Ren takes the seat of Ren." in shown
    begun = terminal.type("/gm begin")
    assert "Initiative: Sasuke → Sakura → Ren." in begun
    assert "You now play Sasuke (Kai)." in begun  # the prompt follows the turn

    # Sasuke's turn, typed with Tab: /interact object:door how:open
    terminal.complete("/inter", "Sasuke ▸ /interact ")
    terminal.complete("ob", "Sasuke ▸ /interact object:")
    terminal.complete("do", "Sasuke ▸ /interact object:door ")
    terminal.complete("how:op", "Sasuke ▸ /interact object:door how:open ")
    burst = terminal.type("", "You now play")
    assert "The oak door is broken." in burst
    assert "You now play Sakura (Mika)." in burst

    terminal.complete("/jutsu name:obi", "Sakura ▸ /jutsu name:obi_dagger ")
    assert "Dagger from the obi: 1d20 (11) + 5 = 16 vs evasion 14 → hit" in terminal.type(
        "target:sasuke"
    )
    for line in (
        "/jutsu name:hold_the_line",
        "/jutsu name:chidori target:sakura",
        "/jutsu name:rain_of_tags",
        "/jutsu name:kunai_volley target:army",
    ):
        terminal.type(line)
    mercy = terminal.type("/jutsu name:throat_grip target:sakura", "(type the number)")
    assert (
        "Choose:  1  Strike    2  Spare    3  Bind    4  Struggle    5  Plead    6  Defy" in mercy
    )

    pleaded = terminal.type("5", "(type the number)")  # her own choice in his grip
    assert "Sakura chooses plead: pleaded" in pleaded
    struck = terminal.type("1", "(type the number)")
    assert "Sasuke chooses strike: his heart refused" in struck
    # the standoff's options, numbered after any other choice pending (a defender's siege event)
    withdraw = re.search(r"(\d+)  Take    \d+  Bargain    (\d+)  Withdraw", struck)
    assert withdraw is not None, struck
    assert "Ending: Rain Without End." in terminal.type(withdraw[2], "Aftermath · Round")

    assert "Status: active" in terminal.type("/roles")
    terminal.type("as Mika", "You now play Sakura (Mika).")
    refused = terminal.type("/defend", "still work")
    assert "reached its ending (Rain Without End)" in " ".join(refused.split())
    terminal.child.sendline("quit")
    terminal.child.expect(pexpect.EOF, timeout=WAIT)
    terminal.child.close()
    assert terminal.child.exitstatus == 0

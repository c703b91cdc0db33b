"""The bot's log is written by a thread of its own: a line never makes the event loop wait on
the terminal or the disk, and every line is written by the time the listener stops."""

from __future__ import annotations

import logging
import threading

import pytest

from bot import setup_logging


class Recording(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((self.format(record), threading.current_thread().name))


@pytest.fixture
def restored_root():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in before:
        root.addHandler(handler)
    root.setLevel(level)


def test_lines_are_written_off_the_calling_thread_with_their_words_as_they_were(
    restored_root,
) -> None:
    recording = Recording()
    listener = setup_logging("INFO", recording)
    words = ["first"]
    logging.getLogger("castle.test").info("session %s: %s", 7, words)
    words.append("changed later")  # the line keeps what it said when it was logged
    logging.getLogger("castle.test").debug("below the level")
    listener.stop()
    [(line, thread)] = recording.lines
    assert "session 7: ['first']" in line and "castle.test" in line
    assert thread != threading.current_thread().name

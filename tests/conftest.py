"""Shared test setup: ``tests/`` on the path so that ``fake_discord`` imports as a package."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

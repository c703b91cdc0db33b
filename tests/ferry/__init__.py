"""The ferry: a tiny second scene that lives in the tests, to show the core is general.

Two places, two roles with one technique each, one decision (the passage: ferry the one who
fell, or leave them), and two endings. Its rules and data are its own; the core and the cogs
know nothing of it. Imported as ``tests.ferry``, it registers itself.
"""

from __future__ import annotations

from scenes.engine.registry import register
from tests.ferry.rules import FERRY

register(FERRY)

"""The cogs' layout: which modules are extensions, no import of the bot from a cog, and the GM
check on every /gm command."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import cogs
from bot import EXTENSIONS
from cogs.common import GM_CHECKS
from cogs.gm import GM

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__))


def test_the_extensions_are_exactly_the_cog_modules_with_a_setup() -> None:
    with_setup = {name for name in MODULES if hasattr(importlib.import_module(name), "setup")}
    assert with_setup == set(EXTENSIONS)
    assert len(EXTENSIONS) == len(set(EXTENSIONS))


def test_no_cog_module_imports_the_bot_module() -> None:
    """bot.py imports the cogs' helpers; a cog names CastleBot only for the type checker."""
    probe = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]"]


def test_importing_the_bot_loads_no_extension() -> None:
    probe = f"import sys, bot\nprint(sorted(set({list(EXTENSIONS)!r}) & set(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]"]


def test_every_gm_command_but_config_has_exactly_one_gm_check() -> None:
    checked = {}
    for command in GM.__cog_app_commands__:
        gm_checks = [check for check in command.checks if check in GM_CHECKS.values()]
        checked[command.name] = len(gm_checks)
    assert checked.pop("config") == 0  # a Manage Server check of its own
    assert checked and set(checked.values()) == {1}, checked

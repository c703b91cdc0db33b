"""The castle in the rain: the first scene, its data files and its own rules."""

from __future__ import annotations

from scenes.castle.rules import CASTLE
from scenes.engine.registry import register

register(CASTLE)

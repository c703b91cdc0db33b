"""The core knows no scene: no identifier or string of ``scenes/engine`` names a key of any
shipped scene's data (a place, role, object, technique, beat or ending)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenes import SHIPPED
from scenes.schema import Scene, load_scene

CORE = Path(__file__).resolve().parents[2] / "scenes" / "engine"


def scene_keys(scene: Scene) -> set[str]:
    keys = {place.key for place in scene.places}
    keys |= {role.key for role in scene.roles}
    keys |= {obj.key for obj in scene.objects}
    keys |= {technique.key for technique in scene.techniques}
    keys |= {beat.key for beat in scene.beats}
    keys |= {ending.key for ending in scene.endings}
    keys.add(scene.key)
    return keys


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.casefold()) if w]


def names(text: str, key: str) -> bool:
    """Whether ``text`` holds ``key`` as whole words (``north_wing`` in "the north wing")."""
    have, want = words(text), key.split("_")
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def texts(path: Path) -> Iterator[tuple[int, str]]:
    """Every identifier and string literal of a module, with its line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            yield line, node.id
        elif isinstance(node, ast.Attribute):
            yield line, node.attr
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield line, node.name
        elif isinstance(node, ast.arg):
            yield line, node.arg
        elif isinstance(node, ast.alias):
            yield line, node.asname or node.name
        elif isinstance(node, ast.keyword) and node.arg:
            yield line, node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield line, node.value


@pytest.mark.parametrize("key", SHIPPED)
def test_the_core_names_no_key_of_a_shipped_scene(key: str) -> None:
    keys = scene_keys(load_scene(key))
    found = [
        f"{path.relative_to(CORE.parent)}:{line}: {text[:60]!r} names {scene_key!r}"
        for path in sorted(CORE.rglob("*.py"))
        for line, text in texts(path)
        for scene_key in keys
        if names(text, scene_key)
    ]
    assert not found, "\n".join(found)


def test_the_check_would_see_a_key_in_a_name_or_a_sentence() -> None:
    assert names("offer_mercy", "mercy") and names("the north wing falls", "north_wing")
    assert names("Sakura holds", "sakura") and not names("defenders", "defender")

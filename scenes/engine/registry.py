"""The registry of scenes: each scene registers its rules once, and is found again by key."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenes.engine.scene import SceneRules

_SCENES: dict[str, SceneRules] = {}


class SceneNotFound(LookupError):
    """No scene is registered under that key."""


def register(rules: SceneRules) -> SceneRules:
    """Make ``rules`` findable by its key; registering the same key twice is an error."""
    key = rules.key
    if key in _SCENES and _SCENES[key] is not rules:
        raise ValueError(f"two scenes are called {key!r}")
    _SCENES[key] = rules
    return rules


def find_scene(key: str) -> SceneRules:
    try:
        return _SCENES[key]
    except KeyError:
        raise SceneNotFound(f"no scene called {key!r}") from None


def scenes() -> tuple[SceneRules, ...]:
    """Every registered scene, in the order they were registered."""
    return tuple(_SCENES.values())


def scene_keys() -> tuple[str, ...]:
    """Every registered scene's key, in the order they were registered."""
    return tuple(_SCENES)

"""What the castle stored before the scene engine, read into today's shape: its door, scrolls
and siege at the top of a state, the ambush and the sharingan as flags of a character, endings
with four named dimensions, and rolls known only by their labels."""

from __future__ import annotations

from typing import Any

from scenes.castle.words import AMBUSH, SHARINGAN, CastlePurpose
from scenes.engine.checks import Purpose

WORLD = ("door", "scrolls", "siege", "met")
FACETS = ("scrolls", "sakura", "sasuke", "north_wing")
MERCY_KIND = "the mercy"


def upgrade_state(data: dict[str, Any]) -> dict[str, Any]:
    world = {k: data[k] for k in WORLD if k in data}
    data = {k: v for k, v in data.items() if k not in WORLD}
    data["world"] = world
    data["characters"] = [_character(c) for c in data.get("characters", [])]
    if isinstance(data.get("ending"), dict):
        data["ending"] = _ending(data["ending"])
    return data


def _character(data: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if data.pop("ambush", False):
        data["marks"] = [*data.get("marks", []), AMBUSH]
    if data.pop("sharingan", False):
        data["turn_marks"] = [*data.get("turn_marks", []), SHARINGAN]
    return data


def _ending(data: dict[str, Any]) -> dict[str, Any]:
    if "facets" in data:
        return data
    return {"key": data["key"], "facets": [[name, data[name]] for name in FACETS if name in data]}


def upgrade_event(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind")
    if kind == "session_opened" and "integrity" in data:
        data = dict(data)
        integrity = data.pop("integrity")
        data["world"] = {"siege": {"integrity": integrity, "max_integrity": integrity}}
        data["characters"] = [_character(c) for c in data.get("characters", [])]
    elif kind == "ambush_set":
        return {"kind": "marked", "seat": data["seat"], "mark": AMBUSH, "on": data["ready"]}
    elif kind == "evasion_changed" and "sharingan" in data:
        data = dict(data)
        data["mark"] = SHARINGAN if data.pop("sharingan") else None
    elif kind == "round_ended" and "integrity" in data:
        data = dict(data)
        data["gauges"] = {"integrity": data.pop("integrity")}
    elif kind == "damaged" and data.get("kind_of") == MERCY_KIND and "cause" not in data:
        data = {**data, "cause": MERCY_KIND, "kind_of": ""}
    elif kind in ("ending_reached", "session_ended") and isinstance(data.get("ending"), dict):
        data = {**data, "ending": _ending(data["ending"])}
    elif kind in ("rolled", "dice_rolled") and "purpose" not in data.get("roll", {}):
        data = {**data, "roll": {**data["roll"], "purpose": _purpose(data)}}
    return data


def _purpose(data: dict[str, Any]) -> str:
    """What a roll stored without its purpose was for: read from its label, once, here only."""
    roll = data["roll"]
    label, outcome = str(roll.get("label", "")), roll.get("outcome")
    if data["kind"] == "dice_rolled":
        return Purpose.FREE
    for test, purpose in _BY_LABEL:
        if test(label):
            return purpose
    if outcome in ("hit", "miss", "critical", "fumble"):
        return Purpose.ATTACK
    return Purpose.CHECK


_BY_LABEL = (
    (lambda label: "steels the heart" in label, CastlePurpose.HEART),
    (lambda label: label.startswith("Struggle for the scrolls"), CastlePurpose.STRUGGLE),
    (lambda label: label.endswith("holds to duty"), CastlePurpose.FIRST_SIGHT),
    (lambda label: label.startswith("Initiative"), Purpose.INITIATIVE),
    (lambda label: label.startswith("Choking ("), Purpose.CHOKING),
    (lambda label: label == "The army presses", CastlePurpose.SIEGE),
    (lambda label: label.endswith(" at the army"), CastlePurpose.VOLLEY),
    (lambda label: label.endswith(" guards"), Purpose.GUARD),
    (lambda label: label.endswith(" damage"), Purpose.DAMAGE),
    (lambda label: "against the oak door" in label or "barred door" in label, CastlePurpose.DOOR),
    (lambda label: label.startswith("Searching for the hidden"), CastlePurpose.SEARCH),
)

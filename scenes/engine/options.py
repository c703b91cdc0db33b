"""What a character may use right now, as the engine decides it: the techniques, targets,
places, objects and choices that autocomplete offers, each one the engine would accept."""

from __future__ import annotations

from scenes.engine.actions import destinations
from scenes.engine.combat import target_options
from scenes.engine.decisions import choices_for
from scenes.engine.gm import set_fields
from scenes.engine.registry import find_scene
from scenes.engine.scene import SceneRules
from scenes.engine.state import SessionState

Option = tuple[str, str]  # (what a player reads, the value the command takes)


def _rules(state: SessionState) -> SceneRules:
    return find_scene(state.scene)


def techniques(state: SessionState, key: str) -> list[Option]:
    character = state.character(key)
    return [
        (f"{t.name} — {t.cost} chakra ({t.summary})", t.key)
        for t in _rules(state).data.techniques_of(character.role)
    ]


def targets(state: SessionState, key: str, technique: str | None) -> list[Option]:
    """The targets of ``technique`` (of any of the character's techniques when not named yet)."""
    rules = _rules(state)
    character = state.character(key)
    known = rules.data.techniques_of(character.role)
    wanted = (technique or "").strip().casefold()
    chosen = [t for t in known if wanted in (t.key, t.name.casefold())] or list(known)
    found: dict[str, str] = {}
    for one in chosen:
        found.update(target_options(state, rules, character, one))
    sides = {c.key: c.side for c in state.characters}
    return [
        (_target_label(label, sides.get(value), character.side), value)
        for value, label in found.items()
    ]


def _target_label(label: str, side: str | None, mine: str) -> str:
    if side is None:
        return label
    return f"{label} ({'ally' if side == mine else 'enemy'})"


def places(state: SessionState, key: str) -> list[Option]:
    rules = _rules(state)
    return [(p.name, p.key) for p in destinations(state, rules, state.character(key))]


def objects(state: SessionState, key: str) -> list[Option]:
    rules = _rules(state)
    pairs = rules.interactions(state, state.character(key))
    keys = {obj for obj, _ in pairs}
    return [(o.name, o.key) for o in rules.data.objects if o.key in keys]


def hows(state: SessionState, key: str, obj: str | None) -> list[Option]:
    rules = _rules(state)
    wanted = (obj or "").strip().casefold()
    pairs = rules.interactions(state, state.character(key))
    found = [how for o, how in pairs if not wanted or o == wanted]
    return [(how, how) for how in dict.fromkeys(found)]


def choices(state: SessionState, key: str | None) -> list[Option]:
    return [(option.capitalize(), option) for option in choices_for(state, key)]


def roles(state: SessionState) -> list[Option]:
    """The roles with a free seat."""
    rules = _rules(state)
    free = [seat.role for seat in state.seats if seat.member_id is None]
    return [(rules.data.role(role).title, role) for role in dict.fromkeys(free)]


def fields(state: SessionState) -> list[Option]:
    """What /gm set corrects in this session's scene."""
    gauges = tuple(gauge.key for gauge in _rules(state).gauges(state))
    return [(field, field) for field in set_fields(gauges)]


def characters(state: SessionState) -> list[Option]:
    return [(c.name, c.key) for c in state.characters]

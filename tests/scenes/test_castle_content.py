"""The shipped castle scene matches SCENE.md where the design is fixed."""

from __future__ import annotations

import re
import string
from itertools import product

import pytest

from scenes.engine.state import Skill
from scenes.schema import Scene, load_scene

MOMENT_PLACEHOLDERS = load_scene("castle").placeholders


@pytest.fixture(scope="module")
def castle() -> Scene:
    return load_scene("castle")


GRAPH = {
    "office": {"east_hall"},
    "east_hall": {"office", "grand_hall"},
    "grand_hall": {"east_hall", "north_wing"},
    "north_wing": {"grand_hall"},
}

PLACE_NAMES = {
    "office": "East-wing office",
    "east_hall": "East hall",
    "grand_hall": "Grand hall",
    "north_wing": "North wing",
}

# key: side, start, seats (min, max), has resolve
ROLES = {
    "sakura": ("castle", "office", (1, 1), True),
    "sasuke": ("invaders", "east_hall", (1, 1), True),
    "defender": ("castle", "north_wing", (1, 4), False),
}

# key: them, their, themself
PRONOUNS = {
    "sakura": ("her", "her", "herself"),
    "sasuke": ("him", "his", "himself"),
    "defender": ("them", "their", "themself"),
}

# Who narration is rendered for: the two named roles, and a defender a player called Ren.
CAST = {"Sakura": "sakura", "Sasuke": "sasuke", "Ren": "defender"}
NAMED = ("Sakura", "Sasuke")

# Words that must never reach a line about Sakura or Sasuke: they go through placeholders.
NEUTRAL_PRONOUN = re.compile(r"\b(they|their|theirs|them|themself|themselves)\b", re.IGNORECASE)
GENDERED_PRONOUN = re.compile(r"\b(she|he|her|hers|his|him|herself|himself)\b", re.IGNORECASE)
SENTENCE_START = re.compile(r'(^|[.!?]["”]?\s+|["“])\{(target_)?(their|them|themself)\}')
CHARACTER_PLACEHOLDERS = {"actor", "target"}


def render(castle: Scene, moment: str, line: str, actor: str, target: str) -> str:
    """``line`` as the engine would post it with ``actor`` and ``target`` (names in CAST)."""
    fields: dict[str, object] = {
        "technique": "Chidori",
        "amount": 7,
        "place": "East hall",
        "from_place": "Grand hall",
    }
    for prefix, name in (("", actor), ("target_", target)):
        pronouns = castle.role(CAST[name]).pronouns
        fields["target" if prefix else "actor"] = name
        fields[f"{prefix}their"] = pronouns.their
        fields[f"{prefix}them"] = pronouns.them
        fields[f"{prefix}themself"] = pronouns.themself
    allowed = MOMENT_PLACEHOLDERS.get(moment, frozenset())
    return line.format(**{name: value for name, value in fields.items() if name in allowed})


def every_line(castle: Scene) -> list[tuple[str, str]]:
    return [(moment, line) for moment, lines in castle.narration.items() for line in lines]


def names_a_character(moment: str) -> bool:
    return bool(MOMENT_PLACEHOLDERS.get(moment, frozenset()) & CHARACTER_PLACEHOLDERS)


# key: vitality, chakra, taijutsu, ninjutsu, evasion
SHEETS = {
    "sakura": (30, 20, 5, 3, 12),
    "sasuke": (32, 24, 4, 6, 14),
    "defender": (18, 10, 3, 2, 11),
}

# SCENE.md's technique table: role, name, cost, seals, the skill its attack rolls (if any)
TECHNIQUES = [
    ("sakura", "Chakra-enhanced strike", 2, False, Skill.TAIJUTSU),
    ("sakura", "Rain of tags and blades", 3, False, Skill.NINJUTSU),
    ("sakura", "Dagger from the obi", 0, False, Skill.TAIJUTSU),
    ("sakura", "Mystic palm", 3, True, None),
    ("sakura", "Break free", 1, False, None),
    ("sasuke", "Chidori", 5, True, Skill.NINJUTSU),
    ("sasuke", "Great fireball", 4, True, Skill.NINJUTSU),
    ("sasuke", "Sharingan", 1, False, None),
    ("sasuke", "Throat grip", 0, False, None),
    ("sasuke", "Body flicker", 2, False, None),
    ("defender", "Kunai volley", 0, False, Skill.TAIJUTSU),
    ("defender", "Earth wall", 3, True, None),
    ("defender", "Hold the line", 0, False, None),
]

BEATS = [
    (1, "storm", "The storm"),
    (2, "breach", "The breach"),
    (3, "clash", "The clash"),
    (4, "mercy", "The mercy"),
    (5, "scrolls", "The scrolls"),
    (6, "aftermath", "Aftermath"),
]


def test_the_scene_is_the_castle_in_the_rain(castle: Scene) -> None:
    assert (castle.key, castle.name) == ("castle", "The Castle in the Rain")


def test_there_are_four_places_with_the_graph_of_scene_md(castle: Scene) -> None:
    assert {place.key: set(place.connects) for place in castle.places} == GRAPH
    assert {place.key: place.name for place in castle.places} == PLACE_NAMES


def test_every_connection_runs_both_ways(castle: Scene) -> None:
    for place in castle.places:
        for other in place.connects:
            assert place.key in castle.place(other).connects, f"{other} -> {place.key}"
        assert place.key not in place.connects


def test_there_are_the_three_roles_of_scene_md(castle: Scene) -> None:
    found = {
        role.key: (role.side, role.start, (role.seats_min, role.seats_max), role.has_resolve)
        for role in castle.roles
    }
    assert found == ROLES


@pytest.mark.parametrize("key", PRONOUNS)
def test_each_role_has_its_pronouns(castle: Scene, key: str) -> None:
    pronouns = castle.role(key).pronouns
    assert (pronouns.them, pronouns.their, pronouns.themself) == PRONOUNS[key]


@pytest.mark.parametrize("key", SHEETS)
def test_each_role_has_the_sheet_of_scene_md(castle: Scene, key: str) -> None:
    sheet = castle.role(key).sheet
    found = (sheet.vitality, sheet.chakra, sheet.taijutsu, sheet.ninjutsu, sheet.evasion)
    assert found == SHEETS[key]


@pytest.mark.parametrize(("role", "name", "cost", "seals", "roll"), TECHNIQUES)
def test_each_technique_of_scene_md_has_its_cost_and_seals(
    castle: Scene, role: str, name: str, cost: int, seals: bool, roll: Skill | None
) -> None:
    technique = next((t for t in castle.techniques_of(role) if t.name == name), None)
    assert technique is not None, f"{role} has no {name!r}"
    assert (technique.cost, technique.seals, technique.skill) == (cost, seals, roll)


# Beyond SCENE.md's table: a defender can break a grip too, and Sakura's monstrous strength can
# hold Sasuke by the throat as he can hold her (the mercy between two players, both ways).
ADDED = {("defender", "Break free"), ("sakura", "Throat grip")}


def test_each_role_has_exactly_the_techniques_of_scene_md_plus_the_added_ones(
    castle: Scene,
) -> None:
    for role in ROLES:
        expected = {name for owner, name, *_ in TECHNIQUES if owner == role}
        expected |= {name for owner, name in ADDED if owner == role}
        assert {t.name for t in castle.techniques_of(role)} == expected, role


def test_technique_keys_are_unique_within_a_role(castle: Scene) -> None:
    for role in ROLES:
        keys = [t.key for t in castle.techniques_of(role)]
        assert len(keys) == len(set(keys)), role


def test_there_are_six_beats_in_order(castle: Scene) -> None:
    assert [(beat.number, beat.key, beat.name) for beat in castle.beats] == BEATS


def test_every_beat_has_its_opening_narration(castle: Scene) -> None:
    for beat in castle.beats:
        assert len(castle.narration[f"beat_{beat.key}"]) >= 3, beat.key


def test_every_ending_has_its_closing_narration_and_every_closing_an_ending(
    castle: Scene,
) -> None:
    closings = {
        name.removeprefix("ending_") for name in castle.narration if name.startswith("ending_")
    }
    assert {ending.key for ending in castle.endings} == closings


def test_every_shipped_moment_has_at_least_four_variants(castle: Scene) -> None:
    for moment, lines in castle.narration.items():
        assert len(lines) >= 4, moment


def test_narration_lines_stay_short(castle: Scene) -> None:
    for moment, lines in castle.narration.items():
        limit = 600 if moment.startswith("ending_") else 300
        for line in lines:
            assert len(line) <= limit, f"{moment}: {len(line)} characters"


def test_every_narration_line_renders_for_every_pairing_of_the_cast(castle: Scene) -> None:
    for (moment, line), actor, target in product(every_line(castle), CAST, CAST):
        text = render(castle, moment, line, actor, target)
        assert "{" not in text and "}" not in text, f"{moment}: {text}"


def test_no_line_about_sakura_or_sasuke_calls_either_they_or_them(castle: Scene) -> None:
    for (moment, line), actor, target in product(every_line(castle), NAMED, NAMED):
        text = render(castle, moment, line, actor, target)
        found = NEUTRAL_PRONOUN.search(text)
        assert found is None, f"{moment} ({actor}, {target}): {found.group(0)!r} in {text}"


def test_lines_about_a_defender_use_the_defenders_pronouns(castle: Scene) -> None:
    """Ren the defender reads 'their'; the same line for Sakura reads 'her'."""
    pronoun_lines = [(moment, line) for moment, line in every_line(castle) if "{their}" in line]
    assert pronoun_lines, "no line uses {their}"
    for moment, line in pronoun_lines:
        assert NEUTRAL_PRONOUN.search(render(castle, moment, line, "Ren", "Sasuke")), line
        assert re.search(r"\bher\b", render(castle, moment, line, "Sakura", "Sasuke")), line


def test_lines_naming_a_character_hard_code_no_gendered_pronoun(castle: Scene) -> None:
    """Any role may be the actor or the target, so 'she' or 'his' would be wrong for someone."""
    for moment, line in every_line(castle):
        if names_a_character(moment):
            found = GENDERED_PRONOUN.search(line)
            assert found is None, f"{moment}: {found.group(0)!r} in {line}"


def test_no_pronoun_placeholder_begins_a_sentence(castle: Scene) -> None:
    """Pronouns are filled in lower case, so a sentence never starts with one."""
    for moment, line in every_line(castle):
        assert SENTENCE_START.search(line) is None, f"{moment}: {line}"


def test_pronoun_placeholders_are_used_throughout_the_narration(castle: Scene) -> None:
    used = {
        name
        for _, line in every_line(castle)
        for _, name, _, _ in string.Formatter().parse(line)
        if name is not None
    }
    assert used >= {"their", "them", "themself", "target_their", "target_them", "target_themself"}

"""What a valid scene is, and how a broken one is refused: naming the file, the field and why."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from scenes import SHIPPED as SHIPPED_SCENES
from scenes.schema import (
    SCENE_FILES,
    SCENES_DIR,
    Scene,
    SceneFileError,
    load_scene,
    load_scene_from,
)

CASTLE = SCENES_DIR / "castle"
# Every moment the castle narrates, with the placeholders its lines may use.
MOMENT_PLACEHOLDERS = load_scene("castle").placeholders

# One sample value for every placeholder any moment may use.
SAMPLES: dict[str, object] = {
    "actor": "Sakura",
    "their": "her",
    "them": "her",
    "themself": "herself",
    "target": "Sasuke",
    "target_their": "his",
    "target_them": "him",
    "target_themself": "himself",
    "technique": "Chidori",
    "amount": 7,
    "place": "East hall",
    "from_place": "Grand hall",
}

ACTOR_PRONOUNS = frozenset({"their", "them", "themself"})
TARGET_PRONOUNS = frozenset({"target_their", "target_them", "target_themself"})

NEEDS_DICE = ("damage", "stun_on_critical", "heal", "volley")


# --- helpers -------------------------------------------------------------------------


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    """A fresh copy of the shipped castle scene, ready to be broken."""
    folder = tmp_path / "castle"
    folder.mkdir()
    for source in CASTLE.glob("*.toml"):
        shutil.copy(source, folder / source.name)
    return folder


def substitute(folder: Path, file: str, pattern: str, replacement: str) -> str:
    """Replace the first match of ``pattern`` (multiline regex) in ``file``; return the match."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} does not occur in {file}: the fixture needs updating"
    path.write_text(text[: match.start()] + replacement + text[match.end() :], encoding="utf-8")
    return match.group(0)


def read_narration(folder: Path) -> dict[str, list[str]]:
    with (folder / "narration.toml").open("rb") as handle:
        return tomllib.load(handle)


def write_narration(folder: Path, narration: dict[str, list[str]]) -> None:
    # A JSON array of strings is also a valid TOML array of basic strings.
    lines = [f"{moment} = {json.dumps(variants)}" for moment, variants in narration.items()]
    (folder / "narration.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def technique_blocks(folder: Path) -> list[str]:
    return (folder / "techniques.toml").read_text(encoding="utf-8").split("[[techniques]]")[1:]


def refusal(folder: Path) -> str:
    """Load ``folder``, expecting a SceneFileError; return its message."""
    with pytest.raises(SceneFileError) as caught:
        load_scene_from(folder)
    return str(caught.value)


def assert_names(message: str, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from the refusal: {message}"


# --- the shipped scenes ----------------------------------------------------------------


@pytest.mark.parametrize("key", SHIPPED_SCENES)
def test_every_shipped_scene_loads(key: str) -> None:
    scene = load_scene(key)
    assert isinstance(scene, Scene)
    assert scene.key == key


def test_a_copy_of_the_castle_loads_from_any_folder(scene: Path) -> None:
    assert load_scene_from(scene) == load_scene("castle")


def test_an_unknown_scene_key_is_refused_by_name() -> None:
    with pytest.raises(SceneFileError, match="atlantis"):
        load_scene("atlantis")


def test_every_moment_the_code_asks_for_is_in_the_narration_and_no_other() -> None:
    assert set(MOMENT_PLACEHOLDERS) == set(load_scene("castle").narration)


def test_the_placeholder_samples_cover_every_placeholder_of_every_moment() -> None:
    assert set().union(*MOMENT_PLACEHOLDERS.values()) <= set(SAMPLES)


@pytest.mark.parametrize("moment", sorted(MOMENT_PLACEHOLDERS))
def test_a_moment_allows_the_pronouns_of_exactly_the_characters_it_names(moment: str) -> None:
    allowed = MOMENT_PLACEHOLDERS[moment]
    assert (allowed >= ACTOR_PRONOUNS) == ("actor" in allowed)
    assert not (allowed & ACTOR_PRONOUNS) or "actor" in allowed
    assert (allowed >= TARGET_PRONOUNS) == ("target" in allowed)
    assert not (allowed & TARGET_PRONOUNS) or "target" in allowed


@pytest.mark.parametrize("key", SHIPPED_SCENES)
def test_every_moment_has_at_least_three_variants(key: str) -> None:
    for moment, lines in load_scene(key).narration.items():
        assert len(lines) >= 3, moment


@pytest.mark.parametrize("key", SHIPPED_SCENES)
def test_every_narration_line_formats_with_its_moments_placeholders(key: str) -> None:
    for moment, lines in load_scene(key).narration.items():
        allowed = MOMENT_PLACEHOLDERS.get(moment, frozenset())
        values = {name: SAMPLES[name] for name in allowed}
        for line in lines:
            text = line.format(**values)
            assert "{" not in text and "}" not in text, f"{moment}: {line}"


@pytest.mark.parametrize("key", SHIPPED_SCENES)
def test_no_two_variants_of_a_moment_are_identical(key: str) -> None:
    for moment, lines in load_scene(key).narration.items():
        normalised = [" ".join(line.casefold().split()) for line in lines]
        assert len(set(normalised)) == len(normalised), moment


# --- refusals: each names the file, the field and the reason ----------------------------


def test_invalid_toml_is_refused_naming_the_file_and_the_line(scene: Path) -> None:
    text = (scene / "techniques.toml").read_text(encoding="utf-8")
    line = text[: re.search(r"^cost = ", text, flags=re.MULTILINE).start()].count("\n") + 1
    substitute(scene, "techniques.toml", r"^cost = ", "cost = = ")
    assert_names(refusal(scene), "techniques.toml", "not valid TOML", f"line {line}")


def test_a_missing_field_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "roles.toml", r"^sheet = .*\n", "")
    assert_names(refusal(scene), "roles.toml", "field roles.0.sheet", "Field required")


def test_a_wrong_type_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "roles.toml", r"vitality = \d+", 'vitality = "lots"')
    assert_names(refusal(scene), "roles.toml", "field roles.0.sheet.vitality", "valid integer")


def test_an_out_of_range_number_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "roles.toml", r"evasion = \d+", "evasion = 99")
    assert_names(refusal(scene), "roles.toml", "field roles.0.sheet.evasion", "less than or equal")


def test_a_negative_cost_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "techniques.toml", r"^cost = \d+", "cost = -1")
    assert_names(
        refusal(scene), "techniques.toml", "field techniques.0.cost", "greater than or equal"
    )


@pytest.mark.parametrize("effect", NEEDS_DICE)
def test_a_technique_whose_effect_needs_dice_but_has_none_is_refused(
    scene: Path, effect: str
) -> None:
    blocks = technique_blocks(scene)
    index = next(i for i, block in enumerate(blocks) if f'effect = "{effect}"' in block)
    blocks[index] = re.sub(r"^dice = .*\n", "", blocks[index], flags=re.MULTILINE)
    (scene / "techniques.toml").write_text(
        "".join("[[techniques]]" + block for block in blocks), encoding="utf-8"
    )
    assert_names(refusal(scene), "techniques.toml", f"field techniques.{index}", effect, "dice")


def test_a_narration_moment_with_only_two_variants_is_refused(scene: Path) -> None:
    narration = read_narration(scene)
    narration["hit"] = narration["hit"][:2]
    write_narration(scene, narration)
    assert_names(refusal(scene), "narration.toml", "field hit", "at least 3")


@pytest.mark.parametrize(
    ("moment", "line", "named"),
    [
        ("down", "{place} swims before {target}'s eyes.", "{place}"),
        ("beat_storm", "{actor} hears the knocking.", "{actor}"),
        ("hit", "{actor.name} strikes {target}.", "{actor.name}"),
        ("miss", "{0} misses.", "{0}"),
        ("down", "{target} falls, and {their} guard with {target_them}.", "{their}"),
        ("fumble", "{actor} stumbles into {target_them}.", "{target_them}"),
        ("hesitation", "{actor} hesitates, {target_their} eyes on {them}.", "{target_their}"),
        ("beat_clash", "The clash takes {them} by surprise.", "{them}"),
        ("siege_holds", "The wall holds, {amount} left, {themself} unbowed.", "{themself}"),
        (
            "ending_the_captive",
            "Sakura watches {target_themself} in the rain.",
            "{target_themself}",
        ),
    ],
)
def test_a_narration_line_using_a_placeholder_not_allowed_for_its_moment_is_refused(
    scene: Path, moment: str, line: str, named: str
) -> None:
    narration = read_narration(scene)
    narration[moment] = [*narration[moment], line]
    write_narration(scene, narration)
    assert_names(
        refusal(scene), "narration.toml", f"field {moment}: {named}", "is not a placeholder here"
    )


@pytest.mark.parametrize(
    ("moment", "line"),
    [
        ("hit", "{actor} drives {technique} into {target_their} guard; {amount} gets through."),
        ("heal", "{actor} steadies {themself} and lends {target_them} {amount} vitality."),
        ("down", "{target} falls, and the rain closes over {target_them}."),
        ("stunned", "{target} cannot find {target_themself} for a breath."),
        ("move", "{actor} takes {their} leave of the {from_place} for the {place}."),
        ("choking", "{actor} lifts {target_them} off {target_their} feet; {their} grip holds."),
    ],
)
def test_a_narration_line_may_use_pronouns_where_it_may_name_their_character(
    scene: Path, moment: str, line: str
) -> None:
    narration = read_narration(scene)
    narration[moment] = [*narration[moment], line]
    write_narration(scene, narration)
    assert line in load_scene_from(scene).narration[moment]


def test_a_narration_line_with_an_unbalanced_brace_is_refused(scene: Path) -> None:
    narration = read_narration(scene)
    narration["down"] = [*narration["down"], "{target falls."]
    write_narration(scene, narration)
    assert_names(refusal(scene), "narration.toml")


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "field", "reason"),
    [
        (
            "places.toml",
            r"^connects = \[",
            'connects = ["cellar", ',
            "field places.0.connects",
            "connects to unknown place 'cellar'",
        ),
        (
            "roles.toml",
            r'^start = ".*"',
            'start = "cellar"',
            "field roles.0.start",
            "unknown place 'cellar'",
        ),
        (
            "techniques.toml",
            r'^role = ".*"',
            'role = "kakashi"',
            "field techniques.0.role",
            "unknown role 'kakashi'",
        ),
    ],
)
def test_a_dangling_reference_is_refused_naming_the_file_and_field(
    scene: Path, file: str, pattern: str, replacement: str, field: str, reason: str
) -> None:
    substitute(scene, file, pattern, replacement)
    message = refusal(scene)
    assert_names(message, f"{file}: {field}: {reason}")
    assert str(scene) in message


def test_a_one_way_connection_is_refused_naming_the_place_that_is_not_connected_back(
    scene: Path,
) -> None:
    substitute(
        scene, "places.toml", r'^connects = \["office", "grand_hall"\]', 'connects = ["grand_hall"]'
    )
    assert_names(
        refusal(scene),
        "places.toml: field places.0.connects: 'east_hall' does not connect back to 'office'",
    )


def test_a_place_key_used_twice_is_refused_naming_the_second(scene: Path) -> None:
    substitute(scene, "places.toml", r'^key = "north_wing"', 'key = "office"')
    assert_names(refusal(scene), "places.toml: field places.3.key: 'office' appears twice")


def test_a_technique_key_used_twice_by_one_role_is_refused(scene: Path) -> None:
    substitute(scene, "techniques.toml", r'^key = "rain_of_tags"', 'key = "strike"')
    assert_names(
        refusal(scene),
        "techniques.toml: field techniques.1.key: 'strike' appears twice for 'sakura'",
    )


def test_the_same_technique_key_for_two_roles_is_allowed(scene: Path) -> None:
    substitute(scene, "techniques.toml", r'^key = "chidori"', 'key = "strike"')
    narration = read_narration(scene)  # the chidori's own lines would name no technique now
    write_narration(scene, {k: v for k, v in narration.items() if not k.startswith("chidori_")})
    loaded = load_scene_from(scene)
    assert loaded.technique("sasuke", "strike").name == "Chidori"
    assert loaded.technique("sakura", "strike").name == "Chakra-enhanced strike"


def test_beats_out_of_order_are_refused_naming_the_file_and_the_order(scene: Path) -> None:
    path = scene / "rules.toml"
    text = path.read_text(encoding="utf-8")
    assert "number = 1\n" in text and "number = 2\n" in text
    swapped = text.replace("number = 1\n", "number = X\n").replace("number = 2\n", "number = 1\n")
    path.write_text(swapped.replace("number = X\n", "number = 2\n"), encoding="utf-8")
    assert_names(
        refusal(scene), "rules.toml", "beats must be numbered 1 to 6 in order", "[2, 1, 3, 4, 5, 6]"
    )


def test_a_gap_in_the_beat_numbers_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "rules.toml", r"^number = 6$", "number = 7")
    assert_names(refusal(scene), "rules.toml: field beats: ", "numbered 1 to 6 in order")


def test_a_beat_number_twice_is_refused(scene: Path) -> None:
    with (scene / "rules.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[beats]]\nnumber = 6\nkey = "epilogue"\nname = "Epilogue"\n')
    assert_names(refusal(scene), "rules.toml: field beats: ", "numbered 1 to 7 in order")


def test_a_thirteen_beat_scene_is_refused(scene: Path) -> None:
    with (scene / "rules.toml").open("a", encoding="utf-8") as handle:
        for number in range(7, 14):
            handle.write(f'\n[[beats]]\nnumber = {number}\nkey = "b{number}"\nname = "B"\n')
    assert_names(refusal(scene), "rules.toml: field beats.12.number", "less than or equal to 12")


def test_seats_min_above_seats_max_is_refused_naming_the_role(scene: Path) -> None:
    substitute(
        scene, "roles.toml", r"^seats_min = 1\nseats_max = 4$", "seats_min = 3\nseats_max = 2"
    )
    assert_names(refusal(scene), "roles.toml: field roles.2: seats_min 3 is above seats_max 2")


def test_seats_min_equal_to_seats_max_is_allowed(scene: Path) -> None:
    substitute(
        scene, "roles.toml", r"^seats_min = 1\nseats_max = 4$", "seats_min = 2\nseats_max = 2"
    )
    defender = load_scene_from(scene).role("defender")
    assert (defender.seats_min, defender.seats_max) == (2, 2)


def test_an_ending_without_its_narration_moment_is_refused_naming_the_ending(
    scene: Path,
) -> None:
    with (scene / "rules.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[endings]]\nkey = "the_flood"\ntitle = "The Flood"\n')
    assert_names(refusal(scene), "narration.toml: field ending_the_flood: the moment is missing")


def test_a_beat_without_its_narration_moment_is_refused_naming_the_beat(scene: Path) -> None:
    substitute(scene, "rules.toml", r'^key = "aftermath"', 'key = "dawn"')
    assert_names(refusal(scene), "narration.toml: field beat_dawn: the moment is missing")


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "field"),
    [
        ("roles.toml", r"^colour = ", "mana = 3\ncolour = ", "field roles.0.mana"),
        ("places.toml", r"^description = ", "smell = 'damp'\ndescription = ", "places.0.smell"),
        ("rules.toml", r"^heart_dc = ", "luck = 7\nheart_dc = ", "field rules.luck"),
    ],
)
def test_an_unknown_extra_field_is_refused_naming_the_file_and_field(
    scene: Path, file: str, pattern: str, replacement: str, field: str
) -> None:
    substitute(scene, file, pattern, replacement)
    assert_names(refusal(scene), file, field, "Extra inputs are not permitted")


def test_an_unknown_narration_moment_is_refused_by_name(scene: Path) -> None:
    narration = read_narration(scene)
    narration["whisper"] = ["One.", "Two.", "Three."]
    write_narration(scene, narration)
    assert_names(refusal(scene), "narration.toml: field whisper: no such moment")


@pytest.mark.parametrize("name", SCENE_FILES)
def test_a_missing_file_is_refused_naming_the_file(scene: Path, name: str) -> None:
    (scene / f"{name}.toml").unlink()
    assert_names(refusal(scene), f"{name}.toml", "missing")


def test_a_scene_without_a_name_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "rules.toml", r'^name = "The Castle in the Rain"\n', "")
    assert_names(refusal(scene), "rules.toml: field scene.name: Field required")


def test_a_scene_without_a_scene_table_is_refused_naming_the_file_and_field(scene: Path) -> None:
    substitute(scene, "rules.toml", r"^\[scene\]\nkey = .*\nname = .*\n", "")
    assert_names(refusal(scene), "rules.toml: field scene: Field required")


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "field"),
    [
        ("roles.toml", r"vitality = \d+", "vitality = true", "roles.0.sheet.vitality"),
        ("roles.toml", r"vitality = \d+", "vitality = 30.0", "roles.0.sheet.vitality"),
        ("roles.toml", r"^colour = .*", "colour = false", "roles.0.colour"),
        ("techniques.toml", r"^cost = \d+", "cost = true", "techniques.0.cost"),
        ("techniques.toml", r"^cost = \d+", "cost = 2.0", "techniques.0.cost"),
        ("rules.toml", r"^heart_dc = \d+", "heart_dc = 12.0", "rules.heart_dc"),
        ("rules.toml", r"^press_every = \d+", "press_every = true", "rules.siege.press_every"),
        ("rules.toml", r"^number = 1$", "number = 1.0", "beats.0.number"),
    ],
)
def test_a_boolean_or_a_float_where_an_integer_belongs_is_refused(
    scene: Path, file: str, pattern: str, replacement: str, field: str
) -> None:
    substitute(scene, file, pattern, replacement)
    assert_names(refusal(scene), f"{file}: field {field}: Input should be a valid integer")


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "field"),
    [
        ("techniques.toml", r"^seals = false", "seals = 1", "techniques.0.seals"),
        ("techniques.toml", r"^seals = false", 'seals = "false"', "techniques.0.seals"),
        ("roles.toml", r"^has_resolve = true", "has_resolve = 1", "roles.0.has_resolve"),
    ],
)
def test_a_number_or_a_string_where_a_boolean_belongs_is_refused(
    scene: Path, file: str, pattern: str, replacement: str, field: str
) -> None:
    substitute(scene, file, pattern, replacement)
    assert_names(refusal(scene), f"{file}: field {field}: Input should be a valid boolean")


@pytest.mark.parametrize(
    ("file", "pattern", "notation", "field"),
    [
        ("techniques.toml", r'^dice = ".*"', "d++d", "techniques.0.dice"),
        ("techniques.toml", r'^dice = ".*"', "2d8+", "techniques.0.dice"),
        ("rules.toml", r'^choke_damage = ".*"', "1d4 1d4", "rules.choke_damage"),
        ("rules.toml", r'^press = ".*"', "1dd6", "rules.siege.press"),
    ],
)
def test_a_dice_expression_that_does_not_parse_is_refused_naming_the_file_and_field(
    scene: Path, file: str, pattern: str, notation: str, field: str
) -> None:
    key = pattern.removeprefix("^").split(" ")[0]
    substitute(scene, file, pattern, f'{key} = "{notation}"')
    assert_names(refusal(scene), f"{file}: field {field}: '{notation}' is not dice notation")


@pytest.mark.parametrize("notation", ["1d20", "2d6+3", "3d8 + 1", "4", "1d4+1d6"])
def test_dice_expressions_that_parse_are_accepted(scene: Path, notation: str) -> None:
    substitute(scene, "rules.toml", r'^choke_damage = ".*"', f'choke_damage = "{notation}"')
    assert load_scene_from(scene).rules.choke_damage == notation


@pytest.mark.parametrize(
    ("notation", "reason"),
    [
        ("3d8-1", "should match pattern"),
        ("1d0", "dice need 1-100 dice of 1-1000 sides"),
        ("101d6", "dice need 1-100 dice of 1-1000 sides"),
        ("1d1001", "dice need 1-100 dice of 1-1000 sides"),
    ],
)
def test_dice_that_could_go_negative_or_run_wild_are_refused(
    scene: Path, notation: str, reason: str
) -> None:
    substitute(scene, "rules.toml", r'^choke_damage = ".*"', f'choke_damage = "{notation}"')
    assert_names(refusal(scene), "rules.toml: field rules.choke_damage:", reason)


def test_a_repeated_ending_key_is_refused_naming_rules_toml(scene: Path) -> None:
    path = scene / "rules.toml"
    text = path.read_text()
    path.write_text(text.replace('key = "the_captive"', 'key = "rain_without_end"'))
    assert_names(refusal(scene), "rules.toml: field endings.", "'rain_without_end' appears twice")


def test_a_place_connecting_to_itself_is_refused(scene: Path) -> None:
    path = scene / "places.toml"
    text = path.read_text()
    path.write_text(
        text.replace('connects = ["grand_hall"]', 'connects = ["grand_hall", "north_wing"]')
    )
    assert_names(refusal(scene), "places.toml: field places.3.connects", "connect to itself")

"""Pydantic models that validate a scene's data files, and the loader that reads them."""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import d20
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

SCENES_DIR = Path(__file__).parent
SCENE_FILES = ("places", "roles", "techniques", "rules", "narration")


def _parses(notation: str) -> str:
    """Dice notation that d20 reads, with 1 to 100 dice of 1 to 1,000 sides (no subtraction)."""
    try:
        tree = d20.parse(notation)
    except d20.RollSyntaxError:
        raise ValueError(f"{notation!r} is not dice notation") from None
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, d20.diceast.Dice) and not (
            1 <= node.num <= 100 and 1 <= node.size <= 1000
        ):
            raise ValueError(f"{notation!r}: dice need 1-100 dice of 1-1000 sides")
        stack.extend(getattr(node, "children", ()))
    return notation


Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Notation = Annotated[str, Field(pattern=r"^[0-9d+ ]{1,20}$"), AfterValidator(_parses)]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


class SceneFileError(Exception):
    """A scene data file that is missing or malformed; the message names file, field, reason."""


class Side(StrEnum):
    CASTLE = "castle"
    INVADERS = "invaders"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Place(Frozen):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=60)]
    connects: tuple[Key, ...]
    description: Annotated[str, Field(min_length=1, max_length=400)]


class Sheet(Frozen):
    vitality: Annotated[Int, Field(ge=1, le=200)]
    chakra: Annotated[Int, Field(ge=0, le=200)]
    taijutsu: Annotated[Int, Field(ge=-5, le=20)]
    ninjutsu: Annotated[Int, Field(ge=-5, le=20)]
    evasion: Annotated[Int, Field(ge=1, le=30)]


class Pronouns(Frozen):
    """Object, possessive and reflexive forms; narration avoids subject pronouns on purpose."""

    them: Annotated[str, Field(min_length=1, max_length=12)]
    their: Annotated[str, Field(min_length=1, max_length=12)]
    themself: Annotated[str, Field(min_length=1, max_length=16)]


class Role(Frozen):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    side: Side
    start: Key
    seats_min: Annotated[Int, Field(ge=1, le=4)] = 1
    seats_max: Annotated[Int, Field(ge=1, le=4)] = 1
    has_resolve: Bool = False
    colour: Annotated[Int, Field(ge=0, le=0xFFFFFF)]
    pronouns: Pronouns
    sheet: Sheet

    @model_validator(mode="after")
    def _seat_range(self) -> Role:
        if self.seats_min > self.seats_max:
            raise ValueError(f"seats_min {self.seats_min} is above seats_max {self.seats_max}")
        return self


class Roll(StrEnum):
    """How a technique is rolled."""

    TAIJUTSU = "taijutsu"
    NINJUTSU = "ninjutsu"
    OPPOSED_TAIJUTSU = "opposed_taijutsu"
    NONE = "none"


class Target(StrEnum):
    """Whom a technique may be aimed at."""

    ENEMY = "enemy"
    ENEMIES_IN_ROOM = "enemies_in_room"
    SELF_OR_ALLY = "self_or_ally"
    SELF = "self"
    HELD_BY = "held_by"
    ENEMY_OR_ARMY = "enemy_or_army"
    NORTH_WING_OR_ALLY = "north_wing_or_ally"


class Effect(StrEnum):
    """The rule a technique applies beyond plain damage or healing."""

    DAMAGE = "damage"
    STUN_ON_CRITICAL = "stun_on_critical"
    HEAL = "heal"
    BREAK_FREE = "break_free"
    SHARINGAN = "sharingan"
    THROAT_GRIP = "throat_grip"
    BODY_FLICKER = "body_flicker"
    VOLLEY = "volley"
    EARTH_WALL = "earth_wall"
    HOLD_THE_LINE = "hold_the_line"


class Technique(Frozen):
    key: Key
    role: Key
    name: Annotated[str, Field(min_length=1, max_length=40)]
    cost: Annotated[Int, Field(ge=0, le=20)]
    seals: Bool
    roll: Roll
    target: Target
    effect: Effect
    dice: Notation | None = None
    kind: Annotated[str, Field(max_length=20)] = ""
    summary: Annotated[str, Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _dice_where_needed(self) -> Technique:
        needs = self.effect in {Effect.DAMAGE, Effect.STUN_ON_CRITICAL, Effect.HEAL, Effect.VOLLEY}
        if needs and not self.dice:
            raise ValueError(f"effect {self.effect.value!r} needs a dice expression")
        return self


class Siege(Frozen):
    integrity: Annotated[Int, Field(ge=1, le=100)]
    press: Notation
    press_every: Annotated[Int, Field(ge=1, le=20)]
    volley_relief: Annotated[Int, Field(ge=0, le=20)]
    volley_dc: Annotated[Int, Field(ge=1, le=40)]
    wall_relief: Annotated[Int, Field(ge=0, le=20)]
    hold_relief: Annotated[Int, Field(ge=0, le=20)]


class Rules(Frozen):
    """Every tunable number of the scene."""

    first_sight_dc: Annotated[Int, Field(ge=1, le=40)]
    heart_dc: Annotated[Int, Field(ge=1, le=40)]
    resolve_weight: Annotated[Int, Field(ge=0, le=10)]
    guard_bonus: Annotated[Int, Field(ge=0, le=10)]
    sharingan_evasion: Annotated[Int, Field(ge=0, le=10)]
    sharingan_seal_penalty: Annotated[Int, Field(ge=0, le=10)]
    wall_evasion: Annotated[Int, Field(ge=0, le=10)]
    choke_damage: Notation
    door_burst_dc: Annotated[Int, Field(ge=1, le=40)]
    find_hidden_dc: Annotated[Int, Field(ge=1, le=40)]
    siege: Siege


class Beat(Frozen):
    number: Annotated[Int, Field(ge=1, le=6)]
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=40)]


class Ending(Frozen):
    key: Key
    title: Annotated[str, Field(min_length=1, max_length=60)]


Lines = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=600)], ...], Field(min_length=3)
]

_ACTOR = frozenset({"actor", "their", "them", "themself"})
_TARGET = frozenset({"target", "target_their", "target_them", "target_themself"})
_PAIR = _ACTOR | _TARGET
_ATTACK = _PAIR | {"technique", "amount"}
_NONE: frozenset[str] = frozenset()

# The placeholders each moment's lines may use; the engine fills every one of them.
MOMENT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "hit": _ATTACK,
    "miss": _ATTACK,
    "critical": _ATTACK,
    "fumble": _ACTOR | {"technique"},
    "heal": _PAIR | {"amount"},
    "heal_self": _ACTOR | {"amount"},
    "move": _ACTOR | {"from_place", "place"},
    "defend": _ACTOR | {"place"},
    "down": _TARGET,
    "door_bar": _ACTOR,
    "door_open": _ACTOR,
    "door_burst": _ACTOR,
    "door_holds": _ACTOR,
    "scrolls_hide": _ACTOR,
    "scrolls_take": _ACTOR,
    "scrolls_take_fails": _PAIR,
    "scrolls_guard": _ACTOR,
    "scrolls_lost": _NONE,
    "first_sight": _PAIR,
    "hesitation": _ACTOR,
    "choking": _PAIR,
    "break_free": _PAIR,
    "body_flicker": _ACTOR,
    "stunned": _TARGET,
    "siege_holds": frozenset({"amount"}),
    "siege_falls": _NONE,
    "mercy_strike": _PAIR,
    "mercy_spare": _PAIR,
    "mercy_bind": _PAIR,
    "mercy_heart_fails": _PAIR,
    "standoff_bargain": _PAIR,
    "standoff_yield": _PAIR,
    "standoff_refuse": _PAIR,
}


class Narration(Frozen):
    """Every recurring moment, each with at least three variants in the scene's voice."""

    hit: Lines
    miss: Lines
    critical: Lines
    fumble: Lines
    heal: Lines
    heal_self: Lines
    move: Lines
    defend: Lines
    down: Lines
    door_bar: Lines
    door_open: Lines
    door_burst: Lines
    door_holds: Lines
    scrolls_hide: Lines
    scrolls_take: Lines
    scrolls_take_fails: Lines
    scrolls_guard: Lines
    scrolls_lost: Lines
    first_sight: Lines
    hesitation: Lines
    choking: Lines
    break_free: Lines
    body_flicker: Lines
    stunned: Lines
    siege_holds: Lines
    siege_falls: Lines
    beat_storm: Lines
    beat_breach: Lines
    beat_clash: Lines
    beat_mercy: Lines
    beat_scrolls: Lines
    beat_aftermath: Lines
    mercy_strike: Lines
    mercy_spare: Lines
    mercy_bind: Lines
    mercy_heart_fails: Lines
    standoff_bargain: Lines
    standoff_yield: Lines
    standoff_refuse: Lines
    ending_rain_without_end: Lines
    ending_scrolls_carried_off: Lines
    ending_the_captive: Lines
    ending_blood_on_the_stone: Lines
    ending_the_guardian_falls: Lines
    ending_ashes_of_the_archive: Lines
    ending_the_north_wing_falls: Lines
    ending_the_spent_intruder: Lines

    @field_validator("*")
    @classmethod
    def _known_placeholders(cls, lines: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        allowed = MOMENT_PLACEHOLDERS.get(info.field_name or "", _NONE)
        for line in lines:
            for _, name, _, _ in string.Formatter().parse(line):
                if name is not None and name not in allowed:
                    known = ", ".join(sorted(allowed)) or "none"
                    raise ValueError(f"{{{name}}} is not a placeholder here (allowed: {known})")
        return lines


class Scene(Frozen):
    """A whole scene, validated across its files."""

    key: Key
    name: str
    places: tuple[Place, ...]
    roles: tuple[Role, ...]
    techniques: tuple[Technique, ...]
    beats: tuple[Beat, ...]
    endings: tuple[Ending, ...]
    rules: Rules
    narration: Narration

    def place(self, key: str) -> Place:
        return next(place for place in self.places if place.key == key)

    def role(self, key: str) -> Role:
        return next(role for role in self.roles if role.key == key)

    def techniques_of(self, role: str) -> tuple[Technique, ...]:
        return tuple(t for t in self.techniques if t.role == role)

    def technique(self, role: str, key: str) -> Technique | None:
        return next((t for t in self.techniques if t.role == role and t.key == key), None)

    def ending(self, key: str) -> Ending:
        return next(ending for ending in self.endings if ending.key == key)


class _PlacesFile(Frozen):
    places: tuple[Place, ...] = Field(min_length=1)


class _RolesFile(Frozen):
    roles: tuple[Role, ...] = Field(min_length=1)


class _TechniquesFile(Frozen):
    techniques: tuple[Technique, ...] = Field(min_length=1)


class _SceneInfo(Frozen):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=80)]


class _RulesFile(Frozen):
    scene: _SceneInfo
    rules: Rules
    beats: tuple[Beat, ...] = Field(min_length=6, max_length=6)
    endings: tuple[Ending, ...] = Field(min_length=1)


_FILE_MODELS: dict[str, type[BaseModel]] = {
    "places": _PlacesFile,
    "roles": _RolesFile,
    "techniques": _TechniquesFile,
    "rules": _RulesFile,
    "narration": Narration,
}


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SceneFileError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise SceneFileError(f"{path}: not valid TOML ({error})") from None


def _validate(path: Path, model: type[BaseModel], data: dict[str, object]) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        reason = first["msg"].removeprefix("Value error, ")
        raise SceneFileError(f"{path}: field {field}: {reason}") from None


class _Checker:
    """Checks across a scene's files, each failure naming the file and field at fault."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def fail(self, file: str, field: str, reason: str) -> None:
        raise SceneFileError(f"{self.folder / f'{file}.toml'}: field {field}: {reason}")

    def unique(self, file: str, table: str, items: tuple[BaseModel, ...]) -> None:
        seen: set[object] = set()
        for index, item in enumerate(items):
            value = item.key
            if value in seen:
                self.fail(file, f"{table}.{index}.key", f"{value!r} appears twice")
            seen.add(value)

    def places(self, places: tuple[Place, ...]) -> None:
        self.unique("places", "places", places)
        graph = {place.key: set(place.connects) for place in places}
        for index, place in enumerate(places):
            field = f"places.{index}.connects"
            if place.key in graph[place.key] or len(graph[place.key]) != len(place.connects):
                self.fail("places", field, "a place cannot connect to itself or twice to another")
            for other in place.connects:
                if other not in graph:
                    self.fail("places", field, f"connects to unknown place {other!r}")
                if place.key not in graph[other]:
                    self.fail("places", field, f"{other!r} does not connect back to {place.key!r}")

    def roles(self, roles: tuple[Role, ...], places: set[str]) -> None:
        self.unique("roles", "roles", roles)
        for index, role in enumerate(roles):
            if role.start not in places:
                self.fail("roles", f"roles.{index}.start", f"unknown place {role.start!r}")

    def techniques(self, techniques: tuple[Technique, ...], roles: set[str]) -> None:
        seen: set[tuple[str, str]] = set()
        for index, technique in enumerate(techniques):
            if technique.role not in roles:
                self.fail(
                    "techniques", f"techniques.{index}.role", f"unknown role {technique.role!r}"
                )
            if (technique.role, technique.key) in seen:
                self.fail(
                    "techniques",
                    f"techniques.{index}.key",
                    f"{technique.key!r} appears twice for {technique.role!r}",
                )
            seen.add((technique.role, technique.key))

    def rules(self, rules: _RulesFile) -> None:
        self.unique("rules", "endings", rules.endings)
        self.unique("rules", "beats", rules.beats)
        numbers = [beat.number for beat in rules.beats]
        if numbers != list(range(1, len(numbers) + 1)):
            self.fail("rules", "beats", f"beats must be numbered 1 to 6 in order, not {numbers}")
        moments = set(Narration.model_fields)
        for index, ending in enumerate(rules.endings):
            if f"ending_{ending.key}" not in moments:
                self.fail(
                    "rules", f"endings.{index}.key", f"no narration moment ending_{ending.key}"
                )
        for index, beat in enumerate(rules.beats):
            if f"beat_{beat.key}" not in moments:
                self.fail("rules", f"beats.{index}.key", f"no narration moment beat_{beat.key}")


def load_scene_from(folder: Path) -> Scene:
    """Load and validate the scene in ``folder``; raise SceneFileError naming file and field."""
    parts = {
        name: _validate(folder / f"{name}.toml", model, _read(folder / f"{name}.toml"))
        for name, model in _FILE_MODELS.items()
    }
    places: _PlacesFile = parts["places"]  # type: ignore[assignment]
    roles: _RolesFile = parts["roles"]  # type: ignore[assignment]
    techniques: _TechniquesFile = parts["techniques"]  # type: ignore[assignment]
    rules: _RulesFile = parts["rules"]  # type: ignore[assignment]
    check = _Checker(folder)
    check.places(places.places)
    check.roles(roles.roles, {place.key for place in places.places})
    check.techniques(techniques.techniques, {role.key for role in roles.roles})
    check.rules(rules)
    return Scene(
        key=rules.scene.key,
        name=rules.scene.name,
        places=places.places,
        roles=roles.roles,
        techniques=techniques.techniques,
        beats=rules.beats,
        endings=rules.endings,
        rules=rules.rules,
        narration=parts["narration"],  # type: ignore[arg-type]
    )


SHIPPED_SCENES = ("castle",)


@cache
def load_scene(key: str) -> Scene:
    """A shipped scene by key, loaded once."""
    if key not in SHIPPED_SCENES:
        raise SceneFileError(f"no scene called {key!r}")
    return load_scene_from(SCENES_DIR / key)

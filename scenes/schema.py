"""Pydantic models that validate a scene's data files, and the loader that reads them."""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCENES_DIR = Path(__file__).parent
SCENE_FILES = ("places", "roles", "techniques", "rules", "narration")

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Notation = Annotated[str, Field(pattern=r"^[0-9d+\- ]{1,20}$")]


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
    vitality: Annotated[int, Field(ge=1, le=200)]
    chakra: Annotated[int, Field(ge=0, le=200)]
    taijutsu: Annotated[int, Field(ge=-5, le=20)]
    ninjutsu: Annotated[int, Field(ge=-5, le=20)]
    evasion: Annotated[int, Field(ge=1, le=30)]


class Role(Frozen):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    side: Side
    start: Key
    seats_min: Annotated[int, Field(ge=1, le=4)] = 1
    seats_max: Annotated[int, Field(ge=1, le=4)] = 1
    has_resolve: bool = False
    colour: Annotated[int, Field(ge=0, le=0xFFFFFF)]
    sheet: Sheet


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
    cost: Annotated[int, Field(ge=0, le=20)]
    seals: bool
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
    integrity: Annotated[int, Field(ge=1, le=100)]
    press: Notation
    press_every: Annotated[int, Field(ge=1, le=20)]
    volley_relief: Annotated[int, Field(ge=0, le=20)]
    volley_dc: Annotated[int, Field(ge=1, le=40)]
    wall_relief: Annotated[int, Field(ge=0, le=20)]
    hold_relief: Annotated[int, Field(ge=0, le=20)]


class Rules(Frozen):
    """Every tunable number of the scene."""

    first_sight_dc: Annotated[int, Field(ge=1, le=40)]
    heart_dc: Annotated[int, Field(ge=1, le=40)]
    resolve_weight: Annotated[int, Field(ge=0, le=10)]
    guard_bonus: Annotated[int, Field(ge=0, le=10)]
    sharingan_evasion: Annotated[int, Field(ge=0, le=10)]
    sharingan_seal_penalty: Annotated[int, Field(ge=0, le=10)]
    wall_evasion: Annotated[int, Field(ge=0, le=10)]
    choke_damage: Notation
    door_burst_dc: Annotated[int, Field(ge=1, le=40)]
    find_hidden_dc: Annotated[int, Field(ge=1, le=40)]
    siege: Siege


class Beat(Frozen):
    number: Annotated[int, Field(ge=1, le=6)]
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=40)]


class Ending(Frozen):
    key: Key
    title: Annotated[str, Field(min_length=1, max_length=60)]


Lines = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=600)], ...], Field(min_length=3)
]

_ATTACK = frozenset({"actor", "target", "technique", "amount"})
_PAIR = frozenset({"actor", "target"})
_ACTOR = frozenset({"actor"})
_NONE: frozenset[str] = frozenset()

# The placeholders each moment's lines may use; the engine fills every one of them.
MOMENT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "hit": _ATTACK,
    "miss": _ATTACK,
    "critical": _ATTACK,
    "fumble": frozenset({"actor", "technique"}),
    "heal": frozenset({"actor", "target", "amount"}),
    "move": frozenset({"actor", "from_place", "place"}),
    "defend": frozenset({"actor", "place"}),
    "down": frozenset({"target"}),
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
    "stunned": frozenset({"target"}),
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

    model_config = ConfigDict(frozen=True, extra="forbid")

    hit: Lines
    miss: Lines
    critical: Lines
    fumble: Lines
    heal: Lines
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

    @model_validator(mode="after")
    def _known_placeholders(self) -> Narration:
        for moment, lines in self:
            allowed = MOMENT_PLACEHOLDERS.get(moment, _NONE)
            for line in lines:
                for _, name, _, _ in string.Formatter().parse(line):
                    if name is not None and name not in allowed:
                        raise ValueError(
                            f"{moment}: {{{name}}} is not a placeholder of this moment"
                        )
        return self


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

    @model_validator(mode="after")
    def _references_resolve(self) -> Scene:
        places = {place.key for place in self.places}
        for place in self.places:
            for other in place.connects:
                if other not in places:
                    raise ValueError(f"place {place.key!r} connects to unknown place {other!r}")
        for role in self.roles:
            if role.start not in places:
                raise ValueError(f"role {role.key!r} starts in unknown place {role.start!r}")
        roles = {role.key for role in self.roles}
        for technique in self.techniques:
            if technique.role not in roles:
                raise ValueError(
                    f"technique {technique.key!r} names unknown role {technique.role!r}"
                )
        return self

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


class _RulesFile(Frozen):
    scene: dict[Literal["key", "name"], str]
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
        raise SceneFileError(f"{path}: field {field}: {first['msg']}") from None


def load_scene_from(folder: Path) -> Scene:
    """Load and validate the scene in ``folder``; raise SceneFileError naming file and field."""
    parts = {
        name: _validate(folder / f"{name}.toml", model, _read(folder / f"{name}.toml"))
        for name, model in _FILE_MODELS.items()
    }
    rules_file: _RulesFile = parts["rules"]  # type: ignore[assignment]
    try:
        return Scene(
            key=rules_file.scene["key"],
            name=rules_file.scene["name"],
            places=parts["places"].places,  # type: ignore[attr-defined]
            roles=parts["roles"].roles,  # type: ignore[attr-defined]
            techniques=parts["techniques"].techniques,  # type: ignore[attr-defined]
            beats=rules_file.beats,
            endings=rules_file.endings,
            rules=rules_file.rules,
            narration=parts["narration"],  # type: ignore[arg-type]
        )
    except (ValidationError, KeyError) as error:
        raise SceneFileError(f"{folder}: the scene does not hold together: {error}") from None


SHIPPED_SCENES = ("castle",)


@cache
def load_scene(key: str) -> Scene:
    """A shipped scene by key, loaded once."""
    if key not in SHIPPED_SCENES:
        raise SceneFileError(f"no scene called {key!r}")
    return load_scene_from(SCENES_DIR / key)

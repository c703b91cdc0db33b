"""Pydantic models that validate a scene's data files, and the loader that reads them."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import d20
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    Strict,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from scenes.engine.moments import NONE, PLACEHOLDERS, Moment, beat_moment, ending_moment
from scenes.engine.state import Skill

if TYPE_CHECKING:
    from scenes.engine.scene import SceneRules

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
    side: Key
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


class Target(StrEnum):
    """Whom a technique may be aimed at (a scene may add targets that are not characters)."""

    ENEMY = "enemy"
    ENEMIES_IN_ROOM = "enemies_in_room"
    SELF_OR_ALLY = "self_or_ally"
    SELF = "self"
    HELD_BY = "held_by"


class Technique(Frozen):
    key: Key
    role: Key
    name: Annotated[str, Field(min_length=1, max_length=40)]
    cost: Annotated[Int, Field(ge=0, le=20)]
    seals: Bool
    skill: Skill | None = None
    target: Target
    effect: Key
    dice: Notation | None = None
    kind: Annotated[str, Field(max_length=20)] = ""
    summary: Annotated[str, Field(min_length=1, max_length=100)]


# The core's technique effects; a scene adds its own (``SceneRules.effects``).
CORE_EFFECTS = frozenset({"damage", "stun_on_critical", "heal", "escape"})
DICE_EFFECTS = frozenset({"damage", "stun_on_critical", "heal"})


class SceneObject(Frozen):
    """A thing in the scene that /interact acts on, and the ways it can be acted on."""

    key: Key
    name: Annotated[str, Field(min_length=1, max_length=60)]
    hows: tuple[Key, ...] = Field(min_length=1)


class CoreNumbers(Frozen):
    """The tunable numbers the core's own rules read (the rest of ``[rules]`` is the scene's)."""

    resolve_weight: Annotated[Int, Field(ge=0, le=10)]
    guard_bonus: Annotated[Int, Field(ge=0, le=10)]
    choke_damage: Notation


class Trigger(StrEnum):
    """What reaches a beat: the GM's /gm begin, the first attack, the scene's end, or the
    scene's own rules (and always the GM's /gm advance)."""

    BEGIN = "begin"
    ATTACK = "attack"
    OVER = "over"
    SCENE = "scene"


class Beat(Frozen):
    number: Annotated[Int, Field(ge=1, le=12)]
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=40)]
    trigger: Trigger = Trigger.SCENE


class EndingEntry(Frozen):
    """An ending the scene can reach: its key and the title players read."""

    key: Key
    title: Annotated[str, Field(min_length=1, max_length=60)]


Lines = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=600)], ...], Field(min_length=3)
]
_NARRATION = TypeAdapter(dict[Key, Lines])


class Scene(Frozen):
    """A whole scene, validated across its files."""

    key: Key
    name: str
    blurb: str = ""
    lobby: str = ""
    places: tuple[Place, ...]
    roles: tuple[Role, ...]
    techniques: tuple[Technique, ...]
    objects: tuple[SceneObject, ...] = ()
    beats: tuple[Beat, ...]
    endings: tuple[EndingEntry, ...]
    rules: CoreNumbers
    numbers: SerializeAsAny[BaseModel]
    narration: Mapping[str, Lines]
    placeholders: Mapping[str, frozenset[str]]

    def place(self, key: str) -> Place:
        return next(place for place in self.places if place.key == key)

    def role(self, key: str) -> Role:
        return next(role for role in self.roles if role.key == key)

    def techniques_of(self, role: str) -> tuple[Technique, ...]:
        return tuple(t for t in self.techniques if t.role == role)

    def technique(self, role: str, key: str) -> Technique | None:
        return next((t for t in self.techniques if t.role == role and t.key == key), None)

    def ending(self, key: str) -> EndingEntry:
        return next(ending for ending in self.endings if ending.key == key)

    def object(self, key: str) -> SceneObject | None:
        return next((o for o in self.objects if o.key == key), None)

    @property
    def final_beat(self) -> int:
        return len(self.beats)

    def beat_with(self, trigger: Trigger) -> Beat | None:
        return next((beat for beat in self.beats if beat.trigger is trigger), None)


class _PlacesFile(Frozen):
    places: tuple[Place, ...] = Field(min_length=1)


class _RolesFile(Frozen):
    roles: tuple[Role, ...] = Field(min_length=1)


class _TechniquesFile(Frozen):
    techniques: tuple[Technique, ...] = Field(min_length=1)


class _SceneInfo(Frozen):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=80)]
    blurb: Annotated[str, Field(min_length=1, max_length=300)] = "A scene to play together."
    lobby: Annotated[str, Field(min_length=1, max_length=300)] = (
        "Claim a seat with the buttons or `/claim`; the GM starts the scene with `/gm begin`."
    )


class _RulesFile(Frozen):
    scene: _SceneInfo
    rules: dict[str, Any]
    objects: tuple[SceneObject, ...] = ()
    beats: tuple[Beat, ...] = Field(min_length=2, max_length=12)
    endings: tuple[EndingEntry, ...] = Field(min_length=1)


_FILE_MODELS: dict[str, type[BaseModel]] = {
    "places": _PlacesFile,
    "roles": _RolesFile,
    "techniques": _TechniquesFile,
    "rules": _RulesFile,
}


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SceneFileError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise SceneFileError(f"{path}: not valid TOML ({error})") from None


def _validate(
    path: Path, model: type[BaseModel], data: dict[str, Any], prefix: str = ""
) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _file_error(path, error, prefix) from None


def _validate_adapter(path: Path, adapter: TypeAdapter[Any], data: object) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        raise _file_error(path, error) from None


def _file_error(path: Path, error: ValidationError, prefix: str = "") -> SceneFileError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in (prefix, *first["loc"]) if part != "") or "(top level)"
    reason = first["msg"].removeprefix("Value error, ")
    return SceneFileError(f"{path}: field {field}: {reason}")


class _Checker:
    """Checks across a scene's files, each failure naming the file and field at fault."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def fail(self, file: str, field: str, reason: str) -> None:
        raise SceneFileError(f"{self.folder / f'{file}.toml'}: field {field}: {reason}")

    def unique(
        self,
        file: str,
        table: str,
        items: Sequence[Place | Role | Beat | EndingEntry | SceneObject],
    ) -> None:
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
        self.unique("rules", "objects", rules.objects)
        numbers = [beat.number for beat in rules.beats]
        if numbers != list(range(1, len(numbers) + 1)):
            self.fail(
                "rules",
                "beats",
                f"beats must be numbered 1 to {len(numbers)} in order, not {numbers}",
            )

    def techniques_effects(
        self, techniques: tuple[Technique, ...], effects: frozenset[str], dice: frozenset[str]
    ) -> None:
        for index, technique in enumerate(techniques):
            if technique.effect in dice and not technique.dice:
                self.fail(
                    "techniques",
                    f"techniques.{index}",
                    f"effect {technique.effect!r} needs a dice expression",
                )
            if technique.effect not in effects:
                known = ", ".join(sorted(effects))
                self.fail(
                    "techniques",
                    f"techniques.{index}.effect",
                    f"unknown effect {technique.effect!r} (known: {known})",
                )

    def numbers(self, data: dict[str, Any], model: type[BaseModel]) -> tuple[CoreNumbers, Any]:
        core = {k: v for k, v in data.items() if k in CoreNumbers.model_fields}
        own = {k: v for k, v in data.items() if k not in CoreNumbers.model_fields}
        path = self.folder / "rules.toml"
        return (
            _validate(path, CoreNumbers, core, prefix="rules"),  # type: ignore[return-value]
            _validate(path, model, own, prefix="rules"),
        )

    def narration(
        self,
        data: dict[str, object],
        allowed: Mapping[str, frozenset[str]],
        optional: Mapping[str, frozenset[str]] | None = None,
    ) -> dict[str, tuple[str, ...]]:
        """Every moment the code asks for is there, no other, each line's placeholders known.

        ``optional`` moments (a technique's own lines for a moment, a moment's openings) may be
        left out; when given, they are checked like the rest, and openings end with a comma.
        """
        path = self.folder / "narration.toml"
        lines: dict[str, tuple[str, ...]] = _validate_adapter(path, _NARRATION, data)
        for moment in allowed:
            if moment not in lines:
                self.fail("narration", moment, "the moment is missing (the scene narrates it)")
        known = {**(optional or {}), **allowed}
        for moment, variants in lines.items():
            if moment not in known:
                self.fail("narration", moment, "no such moment (a misspelt or unused one?)")
            self.placeholders_known(path, moment, variants, known[moment])
            if moment.endswith(OPENING) and moment not in allowed:
                for line in variants:
                    if not line.endswith(","):
                        self.fail("narration", moment, f"an opening ends with a comma: {line!r}")
        return lines

    def placeholders_known(
        self, path: Path, moment: str, variants: tuple[str, ...], allowed: frozenset[str]
    ) -> None:
        for line in variants:
            for name in _fields(path, moment, line):
                if name not in allowed:
                    known = ", ".join(sorted(allowed)) or "none"
                    self.fail(
                        "narration",
                        moment,
                        f"{{{name}}} is not a placeholder here (allowed: {known})",
                    )


def _fields(path: Path, moment: str, line: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(line) if name is not None]
    except ValueError as error:
        raise SceneFileError(f"{path}: field {moment}: {error} in {line[:60]!r}") from None


def moment_placeholders(
    rules: _RulesFile, kind: type[SceneRules] | None
) -> dict[str, frozenset[str]]:
    """Every moment a scene narrates (the core's, its own, its beats' and endings'), each with
    the placeholders its lines may use."""
    allowed: dict[str, frozenset[str]] = {str(m): PLACEHOLDERS.get(m, NONE) for m in Moment}
    if kind is not None:
        for enum in kind.moments:
            allowed.update({str(m): kind.placeholders.get(m, NONE) for m in enum})
    for beat in rules.beats:
        allowed[beat_moment(beat.key)] = NONE
    for ending in rules.endings:
        allowed[ending_moment(ending.key)] = NONE
    return allowed


OPENING = "_opening"


def optional_moments(
    allowed: Mapping[str, frozenset[str]], techniques: tuple[Technique, ...]
) -> dict[str, frozenset[str]]:
    """The moments a scene may narrate besides those it must: a technique's own lines for a
    moment told with an actor (``chidori_hit``, told in place of ``hit`` when that technique is
    the actor's), and a moment's openings (``defend_opening``: lead-ins ending with a comma,
    told before its lines that begin with the name of its actor, or of its target when it has
    no actor). Each has its moment's placeholders."""
    told_by = {m: names for m, names in allowed.items() if "actor" in names}
    optional = {f"{t.key}_{m}": names for t in techniques for m, names in told_by.items()}
    optional.update({f"{m}{OPENING}": names for m, names in told_by.items()})
    for moment, names in allowed.items():
        if "target" in names and moment not in told_by:
            optional[f"{moment}{OPENING}"] = names
    return {m: names for m, names in optional.items() if m not in allowed}


def _scene_kind(folder: Path, key: str) -> type[SceneRules] | None:
    from scenes.engine.registry import SceneNotFound, find_scene

    try:
        return type(find_scene(key))
    except SceneNotFound:
        return None


def load_scene_from(folder: Path, rules: SceneRules | type[SceneRules] | None = None) -> Scene:
    """Load and validate the scene in ``folder``; raise SceneFileError naming file and field.

    ``rules`` (the scene's ``SceneRules``, or its class) says what the scene's own code asks
    of its data: its numbers, its moments and its effects; without it, the scene registered
    under the folder's key is asked.
    """
    parts = {
        name: _validate(folder / f"{name}.toml", model, _read(folder / f"{name}.toml"))
        for name, model in _FILE_MODELS.items()
    }
    places: _PlacesFile = parts["places"]  # type: ignore[assignment]
    roles: _RolesFile = parts["roles"]  # type: ignore[assignment]
    techniques: _TechniquesFile = parts["techniques"]  # type: ignore[assignment]
    rules_file: _RulesFile = parts["rules"]  # type: ignore[assignment]
    kind = rules if isinstance(rules, type) or rules is None else type(rules)
    kind = kind or _scene_kind(folder, rules_file.scene.key)
    check = _Checker(folder)
    check.places(places.places)
    check.roles(roles.roles, {place.key for place in places.places})
    check.techniques(techniques.techniques, {role.key for role in roles.roles})
    check.techniques_effects(
        techniques.techniques,
        CORE_EFFECTS | frozenset(kind.effects if kind else ()),
        DICE_EFFECTS | (kind.dice_effects if kind else frozenset()),
    )
    check.rules(rules_file)
    from scenes.engine.scene import NoNumbers

    core, numbers = check.numbers(rules_file.rules, kind.numbers_type if kind else NoNumbers)
    allowed = moment_placeholders(rules_file, kind)
    optional = optional_moments(allowed, techniques.techniques)
    narration = check.narration(_read(folder / "narration.toml"), allowed, optional)
    allowed.update({m: names for m, names in optional.items() if m in narration})
    return Scene(
        key=rules_file.scene.key,
        name=rules_file.scene.name,
        blurb=rules_file.scene.blurb,
        lobby=rules_file.scene.lobby,
        places=places.places,
        roles=roles.roles,
        techniques=techniques.techniques,
        objects=rules_file.objects,
        beats=rules_file.beats,
        endings=rules_file.endings,
        rules=core,
        numbers=numbers,
        narration=narration,
        placeholders=allowed,
    )


def load_scene(key: str) -> Scene:
    """A registered scene's data by key (loaded once, when the scene registered)."""
    from scenes.engine.registry import SceneNotFound, find_scene

    try:
        return find_scene(key).data
    except SceneNotFound:
        raise SceneFileError(f"no scene called {key!r}") from None

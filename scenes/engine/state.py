"""The session state: frozen values, every change made by applying an event (see evolve.py)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializeAsAny,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.dataclasses import dataclass


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Pydantic's shallow ``model_copy(update=...)``, without its generic ``copy.copy`` steps.

        Every change to a state is one of these (a dozen per action), so the short path counts:
        a frozen model with no extra fields and no private attributes needs only a new ``__dict__``
        and the updated set of fields. Deep copies and copies without changes go the usual way.
        """
        if deep or not update:
            return super().model_copy(update=update, deep=deep)
        copied = type(self).__new__(type(self))
        _set(copied, "__dict__", {**self.__dict__, **update})
        _set(copied, "__pydantic_extra__", None)
        _set(copied, "__pydantic_fields_set__", self.__pydantic_fields_set__ | update.keys())
        _set(copied, "__pydantic_private__", None)
        return copied


_set = object.__setattr__


_UNDO_CONFIG = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")


class Status(StrEnum):
    LOBBY = "lobby"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Condition(StrEnum):
    HESITATING = "hesitating"
    RESTRAINED = "restrained"
    CHOKING = "choking"
    STUNNED = "stunned"
    GUARDING = "guarding"
    HIDDEN = "hidden"
    GONE = "gone"


class Fate(StrEnum):
    """Where a character's story stands, beyond vitality."""

    PRESENT = "present"
    GONE = "gone"
    CAPTURED = "captured"
    DEAD = "dead"


class Skill(StrEnum):
    """The sheet's two skills: what checks, attacks and /gm check roll with."""

    TAIJUTSU = "taijutsu"
    NINJUTSU = "ninjutsu"


class Seat(Frozen):
    """A claimable seat; its key is also its character's key."""

    key: str
    role: str
    member_id: int | None = None
    member_name: str = ""


class Character(Frozen):
    key: str
    role: str
    name: str
    side: str
    place: str
    vitality: int
    max_vitality: int
    chakra: int
    max_chakra: int
    taijutsu: int
    ninjutsu: int
    evasion: int
    resolve: int | None = None
    conditions: tuple[Condition, ...] = ()
    held_by: str | None = None
    evasion_bonus: int = 0
    marks: tuple[str, ...] = ()
    turn_marks: tuple[str, ...] = ()
    fate: Fate = Fate.PRESENT

    def has(self, condition: Condition) -> bool:
        return condition in self.conditions

    def marked(self, mark: str) -> bool:
        """Whether the scene has set ``mark`` on this character (``turn_marks`` included)."""
        return mark in self.marks or mark in self.turn_marks

    def skill(self, skill: Skill) -> int:
        return self.ninjutsu if skill is Skill.NINJUTSU else self.taijutsu

    @property
    def down(self) -> bool:
        return self.vitality <= 0

    @property
    def present(self) -> bool:
        return self.fate is Fate.PRESENT

    @property
    def standing(self) -> bool:
        return self.present and not self.down


class World(Frozen):
    """A scene's own state beside the core's (its objects, its fronts): each scene subclasses
    it, and the registry tells which subclass a stored state holds."""

    def with_gauge(self, key: str, value: int) -> Self:
        """The world with its gauge ``key`` (see ``SceneRules.gauges``) set to ``value``."""
        raise KeyError(key)


def read_world(data: Any, stored_state: bool = False) -> Any:
    """``data`` with its stored ``world`` read back as its scene's own ``World`` subclass.

    A ``stored_state`` with no world at all was written before scenes kept one: its scene's
    ``upgrade_state`` reads it into today's shape first.
    """
    if not isinstance(data, dict) or "scene" not in data:
        return data
    from scenes.engine.registry import find_scene

    rules = find_scene(str(data["scene"]))
    if stored_state and "world" not in data:
        data = rules.upgrade_state(dict(data))
    if isinstance(data.get("world"), dict):
        data = {**data, "world": rules.world_type.model_validate(data["world"])}
    return data


class Decision(Frozen):
    """A choice the scene offers one character; ``kind`` is one of the scene's decision kinds.

    Several may be pending at once, each with its own decider. One that ``waits`` holds the
    scene: no turn is taken until it is answered. One that does not stays open beside play, its
    decider answering it when ready. One ``on_turn`` is its decider's turn: answering it ends it.
    """

    kind: str
    decider: str
    subject: str
    options: tuple[str, ...]
    waits: bool = True
    on_turn: bool = False


class Ending(Frozen):
    """The ending computed from state: its key and each of its facets (name to value, in order)."""

    key: str
    facets: tuple[tuple[str, str], ...] = ()

    def facet(self, name: str) -> str:
        return dict(self.facets)[name]


@dataclass(frozen=True, slots=True, config=_UNDO_CONFIG)
class UndoPoint:
    """The state from before an undoable command, without its own undo stack, compressed.

    ``packed`` is the state's JSON, zlib-compressed on its own, or (``chained``) with the JSON of
    the next newer point as the zlib dictionary: consecutive states differ little, so a chained
    point takes a few dozen bytes. The newest point of a stack always stands alone. A slotted
    dataclass, not a model: no per-instance dict, and open sessions hold five of these each.
    """

    command: str
    packed: bytes
    chained: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_plain_json(cls, data: Any) -> Any:
        """Snapshots written before undo points were compressed held the state as JSON text."""
        if isinstance(data, dict) and isinstance(data.get("state"), str) and "packed" not in data:
            return {"command": data.get("command"), "packed": _pack(data["state"].encode())}
        return data


_NO_UNDO = {"undo"}


def push_undo(
    undo: tuple[UndoPoint, ...], command: str, state: SessionState, depth: int
) -> tuple[UndoPoint, ...]:
    """``undo`` with ``state`` (from before ``command``) on top, keeping the newest ``depth``."""
    text = state.model_dump_json(exclude=_NO_UNDO).encode()  # read back, its undo is empty
    newest = UndoPoint(command=command, packed=_pack(text))
    if not undo:
        return (newest,)
    below = undo[-1]
    if not below.chained:
        packed = _pack(zlib.decompress(below.packed), against=text)
        below = UndoPoint(command=below.command, packed=packed, chained=True)
    return (*undo[:-1], below, newest)[-depth:]


def pop_undo(undo: tuple[UndoPoint, ...]) -> tuple[SessionState, tuple[UndoPoint, ...]]:
    """The newest saved state (its undo stack empty), and the stack without it."""
    newest = undo[-1]
    text = zlib.decompress(newest.packed)
    rest = undo[:-1]
    if rest and rest[-1].chained:
        below = rest[-1]
        unpacked = zlib.decompressobj(zdict=text).decompress(below.packed)
        rest = (*rest[:-1], UndoPoint(command=below.command, packed=_pack(unpacked)))
    return SessionState.model_validate_json(text), rest


def _repacked(state: SessionState) -> SessionState:
    """A state read from an earlier shape, its undo points packed again in today's shape (each
    point's saved state was read through the same upgrade), byte for byte as play packs them."""
    saved: list[tuple[str, SessionState]] = []
    undo = state.undo
    while undo:
        command = undo[-1].command
        earlier, undo = pop_undo(undo)
        saved.append((command, earlier))
    repacked: tuple[UndoPoint, ...] = ()
    for command, earlier in reversed(saved):
        repacked = push_undo(repacked, command, earlier, len(saved))
    return state.model_copy(update={"undo": repacked})


def _pack(text: bytes, against: bytes | None = None) -> bytes:
    """zlib at a quick level (a point is packed once per turn); ``against`` is the dictionary.

    A point popped back to the top is packed again alone: the same call, so the same bytes.
    """
    if against is None:
        deflate = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 5)
    else:
        deflate = zlib.compressobj(3, zlib.DEFLATED, zlib.MAX_WBITS, 5, zdict=against)
    return deflate.compress(text) + deflate.flush()


class Told(Frozen):
    """What the scene's narration has told this session, for choosing lines without the dice.

    ``lines`` counts the lines dealt; ``decks`` holds, for each deck of variants (a moment, or one
    part of a composed moment), the bits of the variants told since the deck was last shuffled.
    States stored before this was kept read back with nothing told.
    """

    lines: int = 0
    decks: tuple[tuple[str, int], ...] = ()

    def told(self, deck: str) -> int:
        return next((bits for key, bits in self.decks if key == deck), 0)

    def after(self, dealt: tuple[tuple[str, int], ...]) -> Told:
        decks = dict(self.decks)
        decks.update(dealt)
        return Told(lines=self.lines + 1, decks=tuple(sorted(decks.items())))


def _one_decision(data: Any) -> Any:
    """States stored when a scene held at most one pending decision (``decision``, or null)."""
    if not isinstance(data, dict) or "decision" not in data:
        return data
    data = dict(data)
    earlier = data.pop("decision")
    data.setdefault("decisions", [earlier] if earlier is not None else [])
    return data


class SessionState(Frozen):
    scene: str
    seed: int
    gm_id: int
    status: Status = Status.LOBBY
    beat: int = 0
    round: int = 0
    order: tuple[str, ...] = ()
    turn: str | None = None
    seats: tuple[Seat, ...]
    characters: tuple[Character, ...]
    world: SerializeAsAny[World] = World()
    decisions: tuple[Decision, ...] = ()
    muted: tuple[int, ...] = ()
    acted: bool = False
    pause_reason: str | None = None
    ending: Ending | None = None
    told: Told = Told()
    undo: tuple[UndoPoint, ...] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _scene_world(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> SessionState:
        earlier = isinstance(data, dict) and "world" not in data and "scene" in data
        state: SessionState = handler(read_world(_one_decision(data), stored_state=True))
        return _repacked(state) if earlier and state.undo else state

    def character(self, key: str) -> Character:
        for character in self.characters:
            if character.key == key:
                return character
        raise KeyError(key)

    def find(self, key: str | None) -> Character | None:
        return next((c for c in self.characters if c.key == key), None)

    def seat(self, key: str) -> Seat:
        return next(seat for seat in self.seats if seat.key == key)

    def seat_of(self, member_id: int) -> Seat | None:
        return next((seat for seat in self.seats if seat.member_id == member_id), None)

    @property
    def waiting(self) -> tuple[Decision, ...]:
        """The pending decisions the scene waits on (no turn is taken until they are answered)."""
        return tuple(d for d in self.decisions if d.waits)

    def decisions_of(self, key: str | None) -> tuple[Decision, ...]:
        """The pending decisions ``key`` is offered."""
        return tuple(d for d in self.decisions if d.decider == key)

    def with_character(self, character: Character) -> SessionState:
        characters = tuple(character if c.key == character.key else c for c in self.characters)
        return self.model_copy(update={"characters": characters})

    def with_seat(self, seat: Seat) -> SessionState:
        seats = tuple(seat if s.key == seat.key else s for s in self.seats)
        return self.model_copy(update={"seats": seats})

    @property
    def open(self) -> bool:
        return self.status is not Status.ENDED

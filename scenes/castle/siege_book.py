"""The siege's data (siege.toml), validated: the events the army brings while the north wing
stands, each with the defenders' choices and their consequences, and the soldiers who come in
once it has fallen."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from scenes.castle.words import EAST_HALL, GRAND_HALL, NORTH_WING, OFFICE
from scenes.engine.moments import ACTOR
from scenes.schema import Key, Notation

if TYPE_CHECKING:
    from scenes.engine.tx import Tx

T = TypeVar("T")

PATH = Path(__file__).parent / "siege.toml"
PLACES = frozenset({OFFICE, EAST_HALL, GRAND_HALL, NORTH_WING})
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Shift = Annotated[Int, Field(ge=-5, le=5)]
Small = Annotated[Int, Field(ge=0, le=10)]
Line = Annotated[str, Field(min_length=10, max_length=400)]
Lines = Annotated[tuple[Line, ...], Field(min_length=1, max_length=10)]


def _placeholders(lines: tuple[str, ...]) -> set[str]:
    return {
        name
        for line in lines
        for _, name, _, _ in string.Formatter().parse(line)
        if name is not None
    }


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Model):
    """One answer to a siege event, and what it does."""

    key: Key
    summary: Annotated[str, Field(min_length=5, max_length=100)]
    told: Lines
    harm: Notation | None = None
    heal: Notation | None = None
    integrity: Shift = 0
    relief: Small = 0
    press: Small = 0
    guard: Bool = False
    move: str | None = None

    @model_validator(mode="after")
    def _consequential(self) -> Self:
        if self.move is not None and self.move not in PLACES:
            raise ValueError(f"{self.key}: no place {self.move!r}")
        unknown = _placeholders(self.told) - ACTOR
        if unknown:
            raise ValueError(f"{self.key}: told may name the defender only, not {sorted(unknown)}")
        if not self.consequences:
            raise ValueError(f"{self.key}: a choice must have a consequence")
        return self

    @property
    def consequences(self) -> tuple[str, ...]:
        """The names of what this choice changes."""
        found = {
            "harm": self.harm is not None,
            "heal": self.heal is not None,
            "integrity": self.integrity != 0,
            "relief": self.relief != 0,
            "press": self.press != 0,
            "guard": self.guard,
            "move": self.move is not None,
        }
        return tuple(name for name, there in found.items() if there)

    @property
    def touches_the_defender(self) -> bool:
        return bool({"harm", "heal", "guard", "move"} & set(self.consequences))


class SiegeEvent(_Model):
    """What the army does this round, and the defenders' choices."""

    key: Key
    name: Annotated[str, Field(min_length=3, max_length=60)]
    default: Key
    announce: Lines
    alone: Lines
    below: Annotated[Int, Field(ge=1, le=100)] | None = None
    choices: Annotated[tuple[Choice, ...], Field(min_length=2, max_length=4)]

    @model_validator(mode="after")
    def _choices(self) -> Self:
        keys = [c.key for c in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.key}: two choices share a key")
        if self.default not in keys:
            raise ValueError(f"{self.key}: the default {self.default!r} is not a choice")
        if self.choice(self.default).touches_the_defender:
            raise ValueError(f"{self.key}: the default runs with no defender: it may not touch one")
        if _placeholders(self.announce + self.alone):
            raise ValueError(f"{self.key}: announce and alone lines name no one")
        return self

    def choice(self, key: str) -> Choice:
        return next(c for c in self.choices if c.key == key)

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.choices)


class SoldierNumbers(_Model):
    """The army inside: how many soldiers come in a band (and how many rounds after the last
    band is cut down the next comes), each one's vitality, evasion, attack and damage."""

    count: Annotated[Int, Field(ge=1, le=20)]
    every: Annotated[Int, Field(ge=1, le=50)]
    vitality: Annotated[Int, Field(ge=1, le=50)]
    evasion: Annotated[Int, Field(ge=1, le=30)]
    attack: Annotated[Int, Field(ge=-5, le=15)]
    damage: Notation


class SiegeBook(_Model):
    soldiers: SoldierNumbers
    events: Annotated[tuple[SiegeEvent, ...], Field(min_length=6, max_length=30)]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        keys = [e.key for e in self.events]
        if len(set(keys)) != len(keys):
            raise ValueError("two siege events share a key")
        return self

    def event(self, key: str) -> SiegeEvent:
        return next(e for e in self.events if e.key == key)

    @property
    def all_options(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for e in self.events for o in e.options))


def read_book(path: Path = PATH) -> SiegeBook:
    with path.open("rb") as file:
        return SiegeBook.model_validate(tomllib.load(file))


@cache
def book() -> SiegeBook:
    """The siege's data, read and checked once."""
    return read_book()


def drawn(tx: Tx, choices: Sequence[T]) -> T:
    """One of ``choices``, drawn by the session's RNG (the siege's events, its lines, whom the
    soldiers strike)."""
    return choices[int(tx.dice.rng.random() * len(choices))]


class Dealt(NamedTuple):
    """A line dealt from a deck of variants, and the deck's told bits after it."""

    text: str
    deck: tuple[tuple[str, int], ...]


def dealt(tx: Tx, deck: str, lines: Sequence[str]) -> Dealt:
    """One of ``lines``, dealt from the session's told memory like the scene's narration (the
    dice stay for the siege's draws)."""
    index, bits = tx.deal(deck, len(lines))
    return Dealt(lines[index], ((deck, bits),))

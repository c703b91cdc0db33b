"""The session state: frozen values, every change made by applying an event (see evolve.py)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scenes.schema import Side


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class Door(StrEnum):
    CLOSED = "closed"
    BARRED = "barred"
    OPEN = "open"
    BROKEN = "broken"


class ScrollsAt(StrEnum):
    DESK = "desk"
    HIDDEN = "hidden"
    CARRIED = "carried"
    LOST = "lost"


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
    side: Side
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
    sharingan: bool = False
    ambush: bool = False
    fate: Fate = Fate.PRESENT

    def has(self, condition: Condition) -> bool:
        return condition in self.conditions

    @property
    def down(self) -> bool:
        return self.vitality <= 0

    @property
    def present(self) -> bool:
        return self.fate is Fate.PRESENT

    @property
    def standing(self) -> bool:
        return self.present and not self.down


class Scrolls(Frozen):
    at: ScrollsAt = ScrollsAt.DESK
    holder: str | None = None
    guard: str | None = None


class Siege(Frozen):
    integrity: int
    max_integrity: int
    relief: int = 0
    fallen: bool = False


class DecisionKind(StrEnum):
    MERCY = "mercy"
    STANDOFF = "standoff"
    BARGAIN = "bargain"


class Decision(Frozen):
    """A choice the scene offers one character (the mercy, the standoff, the bargain)."""

    kind: DecisionKind
    decider: str
    subject: str
    options: tuple[str, ...]


class Ending(Frozen):
    """The ending computed from state, with each of its dimensions."""

    key: str
    scrolls: str
    sakura: str
    sasuke: str
    north_wing: str


class UndoPoint(Frozen):
    """The state (as JSON, without its own undo stack) from before an undoable command."""

    command: str
    state: str


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
    door: Door = Door.CLOSED
    scrolls: Scrolls = Scrolls()
    siege: Siege
    decision: Decision | None = None
    muted: tuple[int, ...] = ()
    met: bool = False
    acted: bool = False
    pause_reason: str | None = None
    ending: Ending | None = None
    undo: tuple[UndoPoint, ...] = ()

    def character(self, key: str) -> Character:
        for character in self.characters:
            if character.key == key:
                return character
        raise KeyError(key)

    def find(self, key: str) -> Character | None:
        return next((c for c in self.characters if c.key == key), None)

    def seat(self, key: str) -> Seat:
        return next(seat for seat in self.seats if seat.key == key)

    def seat_of(self, member_id: int) -> Seat | None:
        return next((seat for seat in self.seats if seat.member_id == member_id), None)

    def with_character(self, character: Character) -> SessionState:
        characters = tuple(character if c.key == character.key else c for c in self.characters)
        return self.model_copy(update={"characters": characters})

    def with_seat(self, seat: Seat) -> SessionState:
        seats = tuple(seat if s.key == seat.key else s for s in self.seats)
        return self.model_copy(update={"seats": seats})

    @property
    def open(self) -> bool:
        return self.status is not Status.ENDED

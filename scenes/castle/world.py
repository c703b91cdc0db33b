"""The castle's own state beside the core's: the oak door, the scrolls, the siege, and whether
the two have met; and the castle's own events, each changing that state."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from scenes.engine.events import SceneEvent
from scenes.engine.state import Frozen, SessionState, World


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


class Scrolls(Frozen):
    at: ScrollsAt = ScrollsAt.DESK
    holder: str | None = None
    guard: str | None = None


class Siege(Frozen):
    """The north wing's integrity and the relief its defenders gave this round; the round whose
    siege event was drawn, that event while it waits on the defenders, and what it adds to the
    round's press."""

    integrity: int
    max_integrity: int
    relief: int = 0
    fallen: bool = False
    drawn: int = 0
    event: str | None = None
    pressing: int = 0


class Soldiers(Frozen):
    """The army inside the castle once the north wing fell: where it stands, how many soldiers
    are still on their feet, and the harm the foremost of them has taken."""

    place: str | None = None
    count: int = 0
    wounds: int = 0
    cleared: int = 0  # the round the last band was cut down

    @property
    def inside(self) -> bool:
        return self.place is not None and self.count > 0


class CastleWorld(World):
    door: Door = Door.CLOSED
    scrolls: Scrolls = Scrolls()
    siege: Siege = Siege(integrity=10, max_integrity=10)
    soldiers: Soldiers = Soldiers()
    met: bool = False

    def with_gauge(self, key: str, value: int) -> Self:
        if key != "integrity":
            raise KeyError(key)
        return self.model_copy(update={"siege": self.siege.model_copy(update={"integrity": value})})


def castle(state: SessionState) -> CastleWorld:
    """The castle's world of a castle session."""
    world = state.world
    if not isinstance(world, CastleWorld):
        raise TypeError(f"not a castle session: {state.scene}")
    return world


class DoorChanged(SceneEvent):
    kind: Literal["door_changed"] = "door_changed"
    door: Door
    by: str | None = None

    def apply(self, world: World) -> World:
        return _castle(world).model_copy(update={"door": self.door})


class ScrollsChanged(SceneEvent):
    kind: Literal["scrolls_changed"] = "scrolls_changed"
    at: ScrollsAt
    holder: str | None = None
    guard: str | None = None
    by: str | None = None

    def apply(self, world: World) -> World:
        scrolls = Scrolls(at=self.at, holder=self.holder, guard=self.guard)
        return _castle(world).model_copy(update={"scrolls": scrolls})


class FirstSight(SceneEvent):
    kind: Literal["first_sight"] = "first_sight"
    seat: str
    other: str
    success: bool

    def apply(self, world: World) -> World:
        return _castle(world).model_copy(update={"met": True})


class SiegeRelieved(SceneEvent):
    kind: Literal["siege_relieved"] = "siege_relieved"
    seat: str
    amount: int
    relief: int

    def apply(self, world: World) -> World:
        return _siege(world, relief=self.relief)


class SiegePressed(SceneEvent):
    kind: Literal["siege_pressed"] = "siege_pressed"
    round: int
    press: int
    relief: int
    loss: int
    integrity: int

    def apply(self, world: World) -> World:
        return _siege(world, integrity=self.integrity, relief=0, pressing=0)


class NorthWingFell(SceneEvent):
    kind: Literal["north_wing_fell"] = "north_wing_fell"

    def apply(self, world: World) -> World:
        return _siege(world, fallen=True, integrity=0)


class SiegeEventDrawn(SceneEvent):
    """The round's siege event, drawn from the scene's data; ``decider`` is the defender it
    waits on (None: no defender can answer it, and it runs with its default)."""

    kind: Literal["siege_event_drawn"] = "siege_event_drawn"
    round: int
    event: str
    decider: str | None = None

    def apply(self, world: World) -> World:
        return _siege(world, drawn=self.round, event=self.event, pressing=0)


class SiegeEventAnswered(SceneEvent):
    """What came of the round's siege event: the choice taken (by ``seat``, or by default), the
    wall's integrity after it, and what it adds for and against the round's press."""

    kind: Literal["siege_event_answered"] = "siege_event_answered"
    event: str
    choice: str
    seat: str | None = None
    integrity: int
    relief: int
    pressing: int

    def apply(self, world: World) -> World:
        return _siege(
            world,
            event=None,
            integrity=self.integrity,
            relief=self.relief,
            pressing=self.pressing,
        )


class SoldiersCame(SceneEvent):
    kind: Literal["soldiers_came"] = "soldiers_came"
    place: str
    count: int

    def apply(self, world: World) -> World:
        return _soldiers(world, place=self.place, count=self.count, wounds=0)


class SoldiersMoved(SceneEvent):
    kind: Literal["soldiers_moved"] = "soldiers_moved"
    from_place: str
    to_place: str

    def apply(self, world: World) -> World:
        return _soldiers(world, place=self.to_place)


class SoldiersStruck(SceneEvent):
    """``seat`` harmed the soldiers: ``felled`` of them fell, ``count`` are left."""

    kind: Literal["soldiers_struck"] = "soldiers_struck"
    seat: str
    amount: int
    felled: int
    count: int
    wounds: int

    round: int = 0

    def apply(self, world: World) -> World:
        cleared = self.round if self.count == 0 else _castle(world).soldiers.cleared
        return _soldiers(world, count=self.count, wounds=self.wounds, cleared=cleared)


def _castle(world: World) -> CastleWorld:
    assert isinstance(world, CastleWorld)
    return world


def _siege(world: World, **changes: object) -> CastleWorld:
    state = _castle(world)
    return state.model_copy(update={"siege": state.siege.model_copy(update=changes)})


def _soldiers(world: World, **changes: object) -> CastleWorld:
    state = _castle(world)
    return state.model_copy(update={"soldiers": state.soldiers.model_copy(update=changes)})

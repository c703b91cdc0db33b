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
    """The north wing's integrity and the relief its defenders gave this round."""

    integrity: int
    max_integrity: int
    relief: int = 0
    fallen: bool = False


class CastleWorld(World):
    door: Door = Door.CLOSED
    scrolls: Scrolls = Scrolls()
    siege: Siege = Siege(integrity=10, max_integrity=10)
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
        return _siege(world, integrity=self.integrity, relief=0)


class NorthWingFell(SceneEvent):
    kind: Literal["north_wing_fell"] = "north_wing_fell"

    def apply(self, world: World) -> World:
        return _siege(world, fallen=True, integrity=0)


def _castle(world: World) -> CastleWorld:
    assert isinstance(world, CastleWorld)
    return world


def _siege(world: World, **changes: object) -> CastleWorld:
    state = _castle(world)
    return state.model_copy(update={"siege": state.siege.model_copy(update=changes)})

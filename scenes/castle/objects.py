"""The castle's objects: the oak door between the office and the east hall, the desk and the
ancient scrolls in it."""

from __future__ import annotations

from scenes.castle.words import (
    AMBUSH,
    DESK,
    DOOR,
    DOOR_PLACES,
    EAST_HALL,
    INVADERS,
    OFFICE,
    SAKURA,
    SASUKE,
    SCROLLS,
    CastleMoment,
    CastleNumbers,
    CastlePurpose,
)
from scenes.castle.world import Door, DoorChanged, ScrollsAt, ScrollsChanged, castle
from scenes.engine import events as ev
from scenes.engine.beats import reach_beat_key
from scenes.engine.checks import against_dc, opposed
from scenes.engine.errors import Refusal
from scenes.engine.queries import held
from scenes.engine.state import Character, Fate, SessionState
from scenes.engine.tx import Tx


def numbers(tx: Tx) -> CastleNumbers:
    found = tx.rules.numbers
    assert isinstance(found, CastleNumbers)
    return found


# --- the door ------------------------------------------------------------------------------


def door_between(a: str, b: str) -> bool:
    return {a, b} == DOOR_PLACES


def passage(state: SessionState, here: str, there: str) -> str | None:
    door = castle(state).door
    if door_between(here, there) and door not in (Door.OPEN, Door.BROKEN):
        return f"The oak door is {door.value}: open or force it first (/interact door open)."
    return None


def door_opened(tx: Tx, by: str | None, door: Door) -> None:
    """The oak door opens or bursts: the breach, and the chance of an ambush.

    An intruder who bursts it from the hall comes through it into the office.
    """
    tx.emit(DoorChanged(door=door, by=by))
    intruder = tx.state.find(by) if by else None
    if door is Door.BROKEN and intruder and intruder.standing and intruder.place == EAST_HALL:
        tx.emit(ev.Moved(seat=intruder.key, from_place=EAST_HALL, to_place=OFFICE))
    reach_beat_key(tx, "breach")
    sakura = tx.state.find(SAKURA)
    if by == SASUKE and sakura is not None and sakura.place == OFFICE and sakura.standing:
        tx.emit(ev.Marked(seat=SAKURA, mark=AMBUSH))


def door_in_reach(state: SessionState, actor: Character) -> bool:
    """An intruder at the closed oak door may aim a damaging technique at the door itself."""
    return (
        actor.place in DOOR_PLACES
        and castle(state).door in (Door.CLOSED, Door.BARRED)
        and actor.side == INVADERS
    )


def force_door(tx: Tx, key: str, label: str, modifier: int) -> None:
    """A blow or a shoulder against the oak door: it bursts on a success."""
    if against_dc(tx, key, label, modifier, numbers(tx).door_burst_dc, CastlePurpose.DOOR):
        tx.narrate(CastleMoment.DOOR_BURST, actor=key)
        door_opened(tx, key, Door.BROKEN)
    else:
        tx.narrate(CastleMoment.DOOR_HOLDS, actor=key)


def interact_door(tx: Tx, character: Character, how: str) -> None:
    door = castle(tx.state).door
    if character.place not in DOOR_PLACES:
        raise Refusal("The oak door is between the office and the east hall; go there first.")
    if how not in ("bar", "open"):
        raise Refusal("You can bar the door or open it.")
    if door is Door.BROKEN:
        raise Refusal("The door hangs in splinters; there is nothing left to bar or open.")
    if how == "bar":
        _bar(tx, character, door)
    else:
        _open(tx, character, door)


def _bar(tx: Tx, character: Character, door: Door) -> None:
    if character.place != OFFICE:
        raise Refusal("The bar is on the office side of the door.")
    if door is Door.BARRED:
        raise Refusal("The door is already barred.")
    tx.emit(DoorChanged(door=Door.BARRED, by=character.key))
    tx.narrate(CastleMoment.DOOR_BAR, actor=character.key)


def _open(tx: Tx, character: Character, door: Door) -> None:
    if door is Door.OPEN:
        raise Refusal("The door already stands open.")
    if character.side == INVADERS:
        if door is Door.BARRED:
            force_door(tx, character.key, "Forcing the barred door", character.taijutsu)
            return
        tx.narrate(CastleMoment.DOOR_BURST, actor=character.key)
        door_opened(tx, character.key, Door.BROKEN)
    elif door is Door.BARRED and character.place != OFFICE:
        raise Refusal("The door is barred from the inside; only someone in the office can lift it.")
    else:
        tx.narrate(CastleMoment.DOOR_OPEN, actor=character.key)
        door_opened(tx, character.key, Door.OPEN)


# --- the desk and the scrolls --------------------------------------------------------------


def interact_scrolls(tx: Tx, character: Character, how: str) -> None:
    if character.place != OFFICE:
        raise Refusal("The desk and the scrolls are in the east-wing office.")
    if castle(tx.state).scrolls.at is ScrollsAt.LOST:
        raise Refusal("The scrolls are gone, lost to the army.")
    if how == "guard":
        _guard(tx, character)
    elif how == "hide":
        _hide(tx, character)
    elif how == "take":
        _take(tx, character)
    else:
        raise Refusal("The scrolls can be hidden, taken or guarded.")


def _guard(tx: Tx, character: Character) -> None:
    scrolls = castle(tx.state).scrolls
    if scrolls.guard == character.key:
        raise Refusal(f"{character.name} already guards the desk.")
    tx.emit(
        ScrollsChanged(at=scrolls.at, holder=scrolls.holder, guard=character.key, by=character.key)
    )
    tx.narrate(CastleMoment.SCROLLS_GUARD, actor=character.key)


def _hide(tx: Tx, character: Character) -> None:
    scrolls = castle(tx.state).scrolls
    if scrolls.at is ScrollsAt.HIDDEN:
        raise Refusal("The scrolls are already hidden.")
    if scrolls.at is ScrollsAt.CARRIED and scrolls.holder != character.key:
        raise Refusal(f"{tx.name(scrolls.holder or '')} has the scrolls; take them first.")
    tx.emit(ScrollsChanged(at=ScrollsAt.HIDDEN, guard=scrolls.guard, by=character.key))
    tx.narrate(CastleMoment.SCROLLS_HIDE, actor=character.key)


def keeper(state: SessionState, character: Character) -> str | None:
    """Who keeps the scrolls from ``character``: their holder, the desk's guard, or any castle
    character standing free in the office (the desk is guarded by whoever stands at it)."""
    scrolls = castle(state).scrolls
    candidates = [scrolls.holder, scrolls.guard]
    if scrolls.at is not ScrollsAt.CARRIED:
        candidates += [c.key for c in state.characters if c.side != INVADERS]
    for key in candidates:
        other = state.find(key) if key else None
        if (
            other
            and other.key != character.key
            and other.side != character.side
            and other.standing
            and other.place == OFFICE
            and not held(other)
        ):
            return other.key
    return None


def _take(tx: Tx, character: Character) -> None:
    scrolls = castle(tx.state).scrolls
    if scrolls.at is ScrollsAt.CARRIED and scrolls.holder == character.key:
        raise Refusal(f"{character.name} already has the scrolls.")
    if character.side == INVADERS:
        reach_beat_key(tx, "scrolls")
    take_scrolls(tx, character.key)


def take_scrolls(tx: Tx, key: str) -> bool:
    """Try to take the scrolls: find them if hidden, win them from whoever keeps them."""
    character = tx.state.character(key)
    if castle(tx.state).scrolls.at is ScrollsAt.HIDDEN:
        dc = numbers(tx).find_hidden_dc
        label = "Searching for the hidden scrolls"
        if not against_dc(tx, key, label, character.ninjutsu, dc, CastlePurpose.SEARCH):
            return False
    holder = keeper(tx.state, character)
    guarding = castle(tx.state).scrolls.guard
    bonus = tx.scene.rules.guard_bonus if holder and holder == guarding else 0
    label = "Struggle for the scrolls"
    if holder is not None and not opposed(tx, key, holder, label, CastlePurpose.STRUGGLE, bonus):
        tx.narrate(CastleMoment.SCROLLS_TAKE_FAILS, actor=character.key, target=holder)
        return False
    tx.emit(ScrollsChanged(at=ScrollsAt.CARRIED, holder=key, by=key))
    tx.narrate(CastleMoment.SCROLLS_TAKE, actor=character.key)
    return True


def scrolls_left_behind(tx: Tx, key: str, fate: Fate) -> None:
    """Whoever leaves stops guarding the desk; a captive or the dead drop the scrolls."""
    if castle(tx.state).scrolls.guard == key:
        scrolls = castle(tx.state).scrolls
        tx.emit(ScrollsChanged(at=scrolls.at, holder=scrolls.holder, guard=None))
    scrolls = castle(tx.state).scrolls
    if fate is not Fate.GONE and scrolls.at is ScrollsAt.CARRIED and scrolls.holder == key:
        tx.emit(ScrollsChanged(at=ScrollsAt.DESK, holder=None, guard=None))


def lose_unguarded_scrolls(tx: Tx) -> None:
    """With the north wing fallen, scrolls left on the desk of an empty office are lost."""
    if castle(tx.state).scrolls.at is not ScrollsAt.DESK:
        return
    keepers = [
        c for c in tx.state.characters if c.side != INVADERS and c.place == OFFICE and c.standing
    ]
    if not keepers:
        tx.emit(ScrollsChanged(at=ScrollsAt.LOST))
        tx.narrate(CastleMoment.SCROLLS_LOST)


def interactions(state: SessionState, actor: Character) -> tuple[tuple[str, str], ...]:
    """What ``actor`` may try on the door, the desk and the scrolls from where they stand."""
    world = castle(state)
    found: list[tuple[str, str]] = []
    if actor.place in DOOR_PLACES and world.door is not Door.BROKEN:
        if actor.place == OFFICE and world.door is not Door.BARRED:
            found.append((DOOR, "bar"))
        if world.door is not Door.OPEN:
            found.append((DOOR, "open"))
    if actor.place == OFFICE and world.scrolls.at is not ScrollsAt.LOST:
        mine = world.scrolls.at is ScrollsAt.CARRIED and world.scrolls.holder == actor.key
        hows = [("hide", world.scrolls.at is not ScrollsAt.HIDDEN)]
        hows += [("take", not mine), ("guard", world.scrolls.guard != actor.key)]
        found += [(thing, how) for thing in (DESK, SCROLLS) for how, ok in hows if ok]
    return tuple(found)

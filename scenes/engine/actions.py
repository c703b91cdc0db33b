"""Turn-using actions besides techniques: defend, move, and the door, the desk and the scrolls."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.beats import SCROLLS, door_opened, reach_beat
from scenes.engine.checks import against_dc, opposed
from scenes.engine.combat import guard
from scenes.engine.errors import Refusal
from scenes.engine.harm import release_holds_of
from scenes.engine.state import Character, Door, ScrollsAt
from scenes.engine.tx import Tx
from scenes.engine.world import held, passable
from scenes.schema import Side

OBJECTS = ("door", "desk", "scrolls")
HOWS = ("bar", "open", "hide", "take", "guard")


def defend(tx: Tx, key: str) -> None:
    guard(tx, key)


def move(tx: Tx, key: str, to: str) -> None:
    character = tx.state.character(key)
    here = tx.scene.place(character.place)
    destination = next(
        (p for p in tx.scene.places if to.strip().casefold() in (p.key, p.name.casefold())), None
    )
    if destination is None or destination.key not in here.connects:
        ways = ", ".join(tx.scene.place(k).name for k in here.connects)
        raise Refusal(f"From the {here.name} you can go to: {ways}.")
    if held(character):
        raise Refusal(f"{character.name} is held fast and cannot move (break free first).")
    if not passable(tx.state, character.place, destination.key):
        raise Refusal(
            f"The oak door is {tx.state.door.value}: open or force it first (/interact door open)."
        )
    release_holds_of(tx, key)
    tx.emit(ev.Moved(seat=key, from_place=here.key, to_place=destination.key))
    tx.narrate("move", actor=character.key, from_place=here.name, place=destination.name)


def interact(tx: Tx, key: str, obj: str, how: str) -> None:
    obj, how = obj.strip().casefold(), how.strip().casefold()
    if obj not in OBJECTS or how not in HOWS:
        raise Refusal(f"Interact with {', '.join(OBJECTS)}, by {', '.join(HOWS)}.")
    if obj == "door":
        _door(tx, tx.state.character(key), how)
    else:
        _scrolls(tx, tx.state.character(key), how)


def _door(tx: Tx, character: Character, how: str) -> None:
    door = tx.state.door
    if character.place not in ("office", "east_hall"):
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
    if character.place != "office":
        raise Refusal("The bar is on the office side of the door.")
    if door is Door.BARRED:
        raise Refusal("The door is already barred.")
    tx.emit(ev.DoorChanged(door=Door.BARRED, by=character.key))
    tx.narrate("door_bar", actor=character.key)


def _open(tx: Tx, character: Character, door: Door) -> None:
    if door is Door.OPEN:
        raise Refusal("The door already stands open.")
    if character.side is Side.INVADERS:
        _force(tx, character, door)
    elif door is Door.BARRED and character.place != "office":
        raise Refusal("The door is barred from the inside; only someone in the office can lift it.")
    else:
        tx.narrate("door_open", actor=character.key)
        door_opened(tx, character.key, Door.OPEN)


def _force(tx: Tx, character: Character, door: Door) -> None:
    if door is Door.BARRED:
        dc = tx.scene.rules.door_burst_dc
        if not against_dc(tx, character.key, "Forcing the barred door", character.taijutsu, dc):
            tx.narrate("door_holds", actor=character.key)
            return
    tx.narrate("door_burst", actor=character.key)
    door_opened(tx, character.key, Door.BROKEN)


def _scrolls(tx: Tx, character: Character, how: str) -> None:
    if character.place != "office":
        raise Refusal("The desk and the scrolls are in the east-wing office.")
    if tx.state.scrolls.at is ScrollsAt.LOST:
        raise Refusal("The scrolls are gone, lost to the army.")
    if how == "guard":
        _guard_scrolls(tx, character)
    elif how == "hide":
        _hide(tx, character)
    elif how == "take":
        _take(tx, character)
    else:
        raise Refusal("The scrolls can be hidden, taken or guarded.")


def _guard_scrolls(tx: Tx, character: Character) -> None:
    scrolls = tx.state.scrolls
    if scrolls.guard == character.key:
        raise Refusal(f"{character.name} already guards the desk.")
    tx.emit(
        ev.ScrollsChanged(
            at=scrolls.at, holder=scrolls.holder, guard=character.key, by=character.key
        )
    )
    tx.narrate("scrolls_guard", actor=character.key)


def _hide(tx: Tx, character: Character) -> None:
    scrolls = tx.state.scrolls
    if scrolls.at is ScrollsAt.HIDDEN:
        raise Refusal("The scrolls are already hidden.")
    if scrolls.at is ScrollsAt.CARRIED and scrolls.holder != character.key:
        raise Refusal(f"{tx.name(scrolls.holder or '')} has the scrolls; take them first.")
    tx.emit(ev.ScrollsChanged(at=ScrollsAt.HIDDEN, guard=scrolls.guard, by=character.key))
    tx.narrate("scrolls_hide", actor=character.key)


def _keeper(tx: Tx, character: Character) -> str | None:
    """Who keeps the scrolls from ``character``: their holder, the desk's guard, or any castle
    character standing free in the office (the desk is guarded by whoever stands at it)."""
    scrolls = tx.state.scrolls
    candidates = [scrolls.holder, scrolls.guard]
    if scrolls.at is not ScrollsAt.CARRIED:
        candidates += [c.key for c in tx.state.characters if c.side is Side.CASTLE]
    for key in candidates:
        other = tx.state.find(key) if key else None
        if (
            other
            and other.key != character.key
            and other.side is not character.side
            and other.standing
            and other.place == "office"
            and not held(other)
        ):
            return other.key
    return None


def _take(tx: Tx, character: Character) -> None:
    scrolls = tx.state.scrolls
    if scrolls.at is ScrollsAt.CARRIED and scrolls.holder == character.key:
        raise Refusal(f"{character.name} already has the scrolls.")
    if character.side is Side.INVADERS:
        reach_beat(tx, SCROLLS)
    take_scrolls(tx, character.key)


def take_scrolls(tx: Tx, key: str) -> bool:
    """Try to take the scrolls: find them if hidden, win them from whoever keeps them."""
    character = tx.state.character(key)
    if tx.state.scrolls.at is ScrollsAt.HIDDEN:
        dc = tx.scene.rules.find_hidden_dc
        if not against_dc(tx, key, "Searching for the hidden scrolls", character.ninjutsu, dc):
            return False
    keeper = _keeper(tx, character)
    bonus = tx.scene.rules.guard_bonus if keeper and keeper == tx.state.scrolls.guard else 0
    if keeper is not None and not opposed(tx, key, keeper, "Struggle for the scrolls", bonus):
        tx.narrate("scrolls_take_fails", actor=character.key, target=keeper)
        return False
    tx.emit(ev.ScrollsChanged(at=ScrollsAt.CARRIED, holder=key, by=key))
    tx.narrate("scrolls_take", actor=character.key)
    return True

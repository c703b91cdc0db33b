"""Turn-using actions besides techniques: defend, move, and the scene's objects."""

from __future__ import annotations

from scenes.engine import events as ev
from scenes.engine.combat import guard
from scenes.engine.errors import Refusal
from scenes.engine.harm import release_holds_of
from scenes.engine.moments import Moment
from scenes.engine.queries import held
from scenes.engine.scene import SceneRules
from scenes.engine.state import Character, SessionState
from scenes.engine.tx import Tx
from scenes.schema import Place


def defend(tx: Tx, key: str) -> None:
    guard(tx, key)


def destinations(state: SessionState, rules: SceneRules, actor: Character) -> tuple[Place, ...]:
    """The places ``actor`` can move to now: connected, and passable (what /move suggests)."""
    if held(actor):
        return ()
    here = rules.data.place(actor.place)
    return tuple(
        rules.data.place(key)
        for key in here.connects
        if rules.passage(state, actor.place, key) is None
    )


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
        raise Refusal(f"{character.name} is held fast and cannot move until free of the hold.")
    blocked = tx.rules.passage(tx.state, character.place, destination.key)
    if blocked is not None:
        raise Refusal(blocked)
    release_holds_of(tx, key)
    tx.emit(ev.Moved(seat=key, from_place=here.key, to_place=destination.key))
    tx.narrate(Moment.MOVE, actor=character.key, from_place=here.name, place=destination.name)


def interact(tx: Tx, key: str, obj: str, how: str) -> None:
    """``key`` acts on one of the scene's objects; the scene's rules say what happens."""
    obj, how = obj.strip().casefold(), how.strip().casefold()
    hows = tuple(dict.fromkeys(h for o in tx.scene.objects for h in o.hows))
    if tx.scene.object(obj) is None or how not in hows:
        objects = ", ".join(o.key for o in tx.scene.objects) or "nothing"
        raise Refusal(f"Interact with {objects}, by {', '.join(hows)}.")
    tx.rules.interact(tx, key, obj, how)

"""The siege of the north wing: each round the army brings an event (siege.toml) that one of the
defenders answers, and at the round's end it presses the wall; the defenders' techniques ease
it. Once the wall has fallen nothing relieves it: the soldiers are inside (soldiers.py)."""

from __future__ import annotations

from scenes.castle import soldiers
from scenes.castle.objects import lose_unguarded_scrolls, numbers
from scenes.castle.siege_book import Choice, SiegeEvent, book, dealt, drawn
from scenes.castle.words import (
    ARMY,
    DEFENDER,
    NORTH_WING,
    SOLDIERS,
    CastleMoment,
    CastlePurpose,
)
from scenes.castle.world import (
    NorthWingFell,
    SiegeEventAnswered,
    SiegeEventDrawn,
    SiegePressed,
    SiegeRelieved,
    castle,
)
from scenes.engine import events as ev
from scenes.engine.checks import check
from scenes.engine.combat import damage_effect
from scenes.engine.decisions import made, offer, withdraw
from scenes.engine.describe import name_of
from scenes.engine.events import SceneEvent
from scenes.engine.harm import damage, heal
from scenes.engine.moments import Moment
from scenes.engine.queries import can_act, held, seated
from scenes.engine.registry import find_scene
from scenes.engine.scene import Special
from scenes.engine.state import Character, Condition, Decision, SessionState, Status
from scenes.engine.tx import Tx
from scenes.schema import Technique

EVENT_MOMENT, CHOICE_MOMENT = "siege_event", "siege_choice"  # lines from siege.toml
EVENT_KIND = "siege_"  # a siege event's decision kind: siege_<event key>
FALLEN = (
    "The north wing has fallen: there is no wall left to shore up and no army below it to "
    "hold back; nothing relieves a fallen wall. The soldiers are inside now."
)


def siege_runs(tx: Tx) -> bool:
    """The army presses while the north wing stands and at least one defender is seated."""
    if castle(tx.state).siege.fallen:
        return False
    return any(c.role == DEFENDER and seated(tx.state, c.key) for c in tx.state.characters)


# --- the round's event ------------------------------------------------------------------


def event_due(state: SessionState, round_: int) -> bool:
    """Round ``round_`` has not had its siege event yet, the wall stands, the scene plays."""
    siege = castle(state).siege
    final = find_scene(state.scene).data.final_beat
    return (
        state.status is Status.ACTIVE
        and 1 <= state.beat < final
        and round_ >= 1
        and siege.drawn < round_
        and not siege.fallen
    )


def draw_event(tx: Tx, round_: int | None = None) -> None:
    """The siege event of round ``round_`` (the current one when not given), drawn by the
    session's RNG, told, and put to a defender at the wall (with none there, it runs with its
    default at once). Each round's end draws the next round's; the first is drawn as the scene
    begins."""
    round_ = tx.state.round if round_ is None else round_
    if not event_due(tx.state, round_):
        return
    integrity = castle(tx.state).siege.integrity
    events = [e for e in book().events if e.below is None or integrity <= e.below]
    event = drawn(tx, events)
    decider = decider_for(tx.state)
    tx.emit(SiegeEventDrawn(round=round_, event=event.key, decider=decider))
    line = dealt(tx, f"{EVENT_MOMENT}_{event.key}", event.announce)
    tx.emit(
        ev.Narrated(text=f"**{event.name}.** {line.text}", moment=EVENT_MOMENT, dealt=line.deck)
    )
    if decider is None:
        answer(tx, event, event.default, None)
    elif round_ == tx.state.round and tx.state.turn is not None:
        offer_on_turn(tx, tx.state.turn)  # the scene's first turn, begun before the draw


def at_the_wall(state: SessionState, key: str) -> bool:
    """Whether ``key`` is a defender at the standing wall who can answer its event."""
    character = state.character(key)
    return (
        character.role == DEFENDER
        and character.place == NORTH_WING
        and can_act(state, key)
        and not held(character)
    )


def decider_for(state: SessionState) -> str | None:
    """The defender the event waits on first: the first at the wall in the turn order (any
    defender there whose turn comes while it is unanswered may answer it)."""
    keys = state.order or tuple(c.key for c in state.characters)
    return next((key for key in keys if at_the_wall(state, key)), None)


DECISIONS = {f"{EVENT_KIND}{e.key}": e.options for e in book().events}


def is_siege(decision: Decision) -> bool:
    return decision.kind in DECISIONS


def others_pending(state: SessionState) -> bool:
    """Whether a decision besides the siege's is pending (a siege event's choice, open beside
    a defender's turn, holds back no other)."""
    return any(not is_siege(d) for d in state.decisions)


def kind_of(event: SiegeEvent) -> str:
    return f"{EVENT_KIND}{event.key}"


def default_of(decision: Decision) -> str:
    return book().event(decision.subject).default


def offer_on_turn(tx: Tx, key: str) -> None:
    """A defender at the wall begins a turn while the round's event is unanswered: the event is
    put to them as their turn (answering it is the turn; acting instead leaves it to its
    default at the round's end)."""
    waiting = castle(tx.state).siege.event
    if waiting is None or not at_the_wall(tx.state, key):
        return
    event = book().event(waiting)
    offer(tx, kind_of(event), key, event.key, waits=False, on_turn=True)


def decide(tx: Tx, decision: Decision, option: str) -> None:
    """The defender's answer to the round's event (or the GM's settling: its default)."""
    event = book().event(decision.subject)
    made(tx, decision, option, event.choice(option).summary)
    if castle(tx.state).siege.event == event.key:
        answer(tx, event, option, decision.decider)


def withdraw_all(tx: Tx) -> None:
    """The siege's open choices are withdrawn (the scene has reached its ending)."""
    for decision in tx.state.decisions:
        if is_siege(decision):
            withdraw(tx, decision)


def answer(tx: Tx, event: SiegeEvent, option: str, seat: str | None) -> None:
    """``seat`` (None: nobody) answers ``event`` with ``option``: its consequences, told."""
    choice = event.choice(option)
    siege = castle(tx.state).siege
    integrity = max(0, min(siege.max_integrity, siege.integrity + choice.integrity))
    tx.emit(
        SiegeEventAnswered(
            event=event.key,
            choice=choice.key,
            seat=seat,
            integrity=integrity,
            relief=siege.relief + choice.relief,
            pressing=siege.pressing + choice.press,
        )
    )
    if seat is None:
        line = dealt(tx, f"{CHOICE_MOMENT}_{event.key}_alone", event.alone)
        tx.emit(ev.Narrated(text=line.text, moment=CHOICE_MOMENT, dealt=line.deck))
    else:
        tell(tx, event, choice, seat)
        upon_the_defender(tx, choice, seat)
    if integrity == 0:
        wall_falls(tx)


def tell(tx: Tx, event: SiegeEvent, choice: Choice, seat: str) -> None:
    character = tx.state.character(seat)
    pronouns = tx.scene.role(character.role).pronouns
    line = dealt(tx, f"{CHOICE_MOMENT}_{event.key}_{choice.key}", choice.told)
    text = line.text.format(
        actor=character.name,
        their=pronouns.their,
        them=pronouns.them,
        themself=pronouns.themself,
    )
    tx.emit(ev.Narrated(text=text, moment=CHOICE_MOMENT, dealt=line.deck))


def upon_the_defender(tx: Tx, choice: Choice, seat: str) -> None:
    """What the choice does to the defender who made it."""
    if choice.harm is not None:
        roll = tx.record(tx.roll(choice.harm, f"{choice.key.capitalize()}: harm"), seat)
        damage(tx, seat, roll.total, "siege")
    if choice.heal is not None:
        roll = tx.record(tx.roll(choice.heal, f"{choice.key.capitalize()}: rest"), seat)
        heal(tx, seat, roll.total)
    character = tx.state.character(seat)
    if choice.guard and character.standing and not character.has(Condition.GUARDING):
        tx.emit(ev.ConditionAdded(seat=seat, condition=Condition.GUARDING))
        tx.emit(ev.EvasionChanged(seat=seat, bonus=tx.scene.rules.guard_bonus))
    if choice.move is not None and character.standing and character.place != choice.move:
        tx.emit(ev.Moved(seat=seat, from_place=character.place, to_place=choice.move))


def settle_event(tx: Tx) -> None:
    """An event still unanswered at the round's end runs with its default."""
    key = castle(tx.state).siege.event
    if key is not None:
        event = book().event(key)
        answer(tx, event, event.default, None)


# --- the press --------------------------------------------------------------------------


def end_of_round(tx: Tx) -> None:
    inside = castle(tx.state).siege.fallen
    settle_event(tx)
    press_siege(tx)
    if inside:
        soldiers.advance(tx)
    if castle(tx.state).siege.fallen:
        lose_unguarded_scrolls(tx)
    draw_event(tx, tx.state.round + 1)


def press_siege(tx: Tx) -> None:
    if not siege_runs(tx):
        return
    rules = numbers(tx).siege
    siege = castle(tx.state).siege
    bonus = tx.state.round // rules.press_every + siege.pressing
    notation = f"{rules.press}+{bonus}" if bonus else rules.press
    roll = tx.roll(notation, "The army presses", CastlePurpose.SIEGE)
    loss = max(0, roll.total - siege.relief)
    tx.record(roll, None, against=siege.relief, against_label="the defenders' relief")
    integrity = max(0, siege.integrity - loss)
    tx.emit(
        SiegePressed(
            round=tx.state.round,
            press=roll.total,
            relief=siege.relief,
            loss=loss,
            integrity=integrity,
        )
    )
    if integrity == 0:
        wall_falls(tx)
    else:
        tx.narrate(CastleMoment.SIEGE_HOLDS, amount=integrity)


def wall_falls(tx: Tx) -> None:
    if castle(tx.state).siege.fallen:
        return
    tx.emit(NorthWingFell())
    tx.narrate(CastleMoment.SIEGE_FALLS)
    soldiers.pour_in(tx)


# --- the defenders' techniques -----------------------------------------------------------


def specials(state: SessionState, actor: Character, technique: Technique) -> tuple[Special, ...]:
    """The army below the wall and the wall itself, while it stands (at the north wing); once
    it has fallen, both are named only to be refused."""
    fallen = castle(state).siege.fallen
    if not fallen and actor.place != NORTH_WING:
        return ()
    closed = FALLEN if fallen else None
    if technique.effect == "volley":
        return (Special(key=ARMY, label="the army below the wall", closed=closed),)
    if technique.effect == "earth_wall":
        label = "the north wing's wall"
        return (Special(key=NORTH_WING, label=label, default=True, closed=closed),)
    return ()


def relieve(tx: Tx, key: str, amount: int) -> None:
    relief = castle(tx.state).siege.relief + amount
    tx.emit(SiegeRelieved(seat=key, amount=amount, relief=relief))


def volley(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """Kunai at an enemy here, at the soldiers, or (at the north wing) at the army below."""
    if targets == (SOLDIERS,):
        soldiers.fight(tx, key, technique)
        return
    if targets != (ARMY,):
        damage_effect(tx, key, technique, targets)
        return
    character = tx.state.character(key)
    rules = numbers(tx).siege
    label = f"{technique.name} at the army"
    roll = check(tx, key, label, character.taijutsu, CastlePurpose.VOLLEY)
    critical, hit = roll.natural == 20, roll.natural != 1 and roll.total >= rules.volley_dc
    tx.record(
        roll,
        key,
        against=rules.volley_dc,
        against_label="DC",
        outcome="critical" if critical else "hit" if hit else "miss",
    )
    if critical or hit:
        amount = rules.volley_relief * (2 if critical else 1)
        tx.narrate(CastleMoment.VOLLEY_ARMY, actor=key, amount=amount)
        relieve(tx, key, amount)
    else:
        tx.narrate(CastleMoment.VOLLEY_ARMY_MISS, actor=key)


def earth_wall(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """Stone for the north wing's wall, or a wall before an ally in the room."""
    if targets == (NORTH_WING,):
        amount = numbers(tx).siege.wall_relief
        tx.narrate(CastleMoment.WALL_RAISED, actor=key, amount=amount)
        relieve(tx, key, amount)
        return
    (ally,) = targets
    tx.emit(ev.EvasionChanged(seat=ally, bonus=numbers(tx).wall_evasion))
    if ally == key:
        tx.narrate(CastleMoment.WALL_FOR_SELF, actor=key)
    else:
        tx.narrate(CastleMoment.WALL_FOR_ALLY, actor=key, target=ally)


def hold_the_line(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """Guarding; at the standing north wing it eases the siege too, at a fallen one it holds
    only the rubble."""
    tx.emit(ev.ConditionAdded(seat=key, condition=Condition.GUARDING))
    tx.emit(ev.EvasionChanged(seat=key, bonus=tx.scene.rules.guard_bonus))
    character = tx.state.character(key)
    if character.place != NORTH_WING:
        place = tx.scene.place(character.place).name
        tx.narrate(Moment.DEFEND, actor=key, place=place)
    elif castle(tx.state).siege.fallen:
        tx.narrate(CastleMoment.HOLD_THE_RUBBLE, actor=key)
    else:
        amount = numbers(tx).siege.hold_relief
        tx.narrate(CastleMoment.HOLD_THE_LINE, actor=key, amount=amount)
        relieve(tx, key, amount)


# --- facts -------------------------------------------------------------------------------


def describe(event: SceneEvent, state: SessionState) -> str | None:
    """A short fact for the siege's events."""
    match event:
        case SiegeEventDrawn():
            return _drawn_fact(event, state)
        case SiegeEventAnswered():
            summary = book().event(event.event).choice(event.choice).summary
            who = name_of(state, event.seat) if event.seat else "Unanswered, by default"
            return f"{who}: {event.choice} ({summary}); the north wing at {event.integrity}."
    return soldiers.describe(event, state)


def _drawn_fact(event: SiegeEventDrawn, state: SessionState) -> str:
    """The event drawn, and its choices with what each does (the buttons show only their keys)."""
    drawn_event = book().event(event.event)
    name = drawn_event.name.lower()
    if event.decider is None:
        return f"Siege event: {name} (no defender at the wall)."
    choices = "; ".join(f"{c.key}: {c.summary}" for c in drawn_event.choices)
    who = name_of(state, event.decider)
    return f"Siege event: {name}. A defender at the wall ({who} first) chooses — {choices}."

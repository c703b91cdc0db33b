"""The game master's commands: begin, pause, resume, advance, narrate, skip, undo, seats, end."""

from __future__ import annotations

from collections.abc import Callable

from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine import lobby
from scenes.engine.beats import reach_beat, shift_resolve
from scenes.engine.checks import Purpose, d20
from scenes.engine.decisions import settle
from scenes.engine.errors import Refusal
from scenes.engine.limits import DC_LIMIT, NARRATE_LIMIT, POSE_LIMIT, REASON_LIMIT
from scenes.engine.names import clean_name
from scenes.engine.queries import find_character
from scenes.engine.state import Character, Decision, Skill, Status, pop_undo
from scenes.engine.text import bounded
from scenes.engine.turns import advance_turn, roll_initiative, settle_turn
from scenes.engine.tx import Tx


def _reason(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    if len(text) > REASON_LIMIT:
        raise Refusal(f"A reason is at most {REASON_LIMIT} characters (yours has {len(text)}).")
    return text


def _begin(tx: Tx, actor: cmd.Actor, command: cmd.Begin) -> None:
    if tx.state.status is not Status.LOBBY:
        raise Refusal("The scene has already begun.")
    if all(seat.member_id is None for seat in tx.state.seats):
        raise Refusal("No seat is filled yet: players /claim a role first (or /gm assign them).")
    order = roll_initiative(tx)
    tx.emit(ev.SceneBegan(order=order))
    reach_beat(tx, 1)
    advance_turn(tx)


def _pause(tx: Tx, actor: cmd.Actor, command: cmd.Pause) -> None:
    if tx.state.status is not Status.ACTIVE:
        raise Refusal("Only a scene in play can be paused.")
    tx.emit(ev.Paused(reason=_reason(command.reason)))


def _resume(tx: Tx, actor: cmd.Actor, command: cmd.Resume) -> None:
    if tx.state.status is not Status.PAUSED:
        raise Refusal("The scene is not paused.")
    tx.emit(ev.Resumed())


def _advance(tx: Tx, actor: cmd.Actor, command: cmd.Advance) -> None:
    if tx.state.status is Status.LOBBY:
        raise Refusal("Begin the scene first with /gm begin.")
    if tx.state.beat >= tx.scene.final_beat:
        raise Refusal("This is the last beat; close the session with /gm end.")
    for decision in tx.state.decisions:  # pending choices are settled first, as /gm skip would
        if decision in tx.state.decisions:  # (settling one may have withdrawn another)
            settle(tx, decision)
            after_decision(tx, decision)
    if tx.state.beat >= tx.scene.final_beat:
        return  # the settled choice has ended the scene
    number = tx.state.beat + 1
    reach_beat(tx, number, by_gm=True)
    tx.rules.on_beat(tx, number)


def _narrate(tx: Tx, actor: cmd.Actor, command: cmd.Narrate) -> None:
    text = bounded(command.text, NARRATE_LIMIT, "narration")
    tx.emit(ev.Narrated(text=text, by_gm=True))


def _skip(tx: Tx, actor: cmd.Actor, command: cmd.Skip) -> None:
    if tx.state.status is not Status.ACTIVE:
        raise Refusal("Only a scene in play has turns to skip (resume it first if paused).")
    if tx.state.waiting:
        decision = tx.state.waiting[0]
        settle(tx, decision)
        after_decision(tx, decision)
        return
    if tx.state.turn is None:
        raise Refusal("Nobody holds the turn right now.")
    tx.emit(
        ev.TurnSkipped(seat=tx.state.turn, reason=_reason(command.reason) or "skipped by the GM")
    )
    advance_turn(tx)


def after_decision(tx: Tx, answered: Decision | None = None) -> None:
    """Once the last choice the scene waits on is made, the turn passes if its holder had
    already acted, or if the choice ``answered`` was that holder's turn."""
    if tx.state.waiting:
        return
    own_turn = answered is not None and answered.on_turn and tx.state.turn == answered.decider
    if tx.state.acted or own_turn:
        advance_turn(tx)
    else:
        settle_turn(tx)


def _undo(tx: Tx, actor: cmd.Actor, command: cmd.Undo) -> None:
    if not tx.state.undo:
        raise Refusal("There is nothing to undo (no turn has been taken since the last undo).")
    undone = tx.state.undo[-1].command
    restored, rest = pop_undo(tx.state.undo)
    tx.emit(ev.Undone(command=undone, restored=restored.model_copy(update={"undo": rest})))


def _assign(tx: Tx, actor: cmd.Actor, command: cmd.Assign) -> None:
    lobby.seat_member(
        tx, command.member_id, command.member_name, command.role, command.name, by_gm=True
    )


def _kick(tx: Tx, actor: cmd.Actor, command: cmd.Kick) -> None:
    lobby.unseat(tx, command.member_id, by_gm=True, reason=_reason(command.reason))


def _mute(tx: Tx, actor: cmd.Actor, command: cmd.Mute) -> None:
    if command.member_id in tx.state.muted:
        raise Refusal("That member is already muted.")
    if command.member_id == tx.state.gm_id:
        raise Refusal("The session's GM cannot be muted (hand over first).")
    tx.emit(ev.MemberMuted(member_id=command.member_id))


def _unmute(tx: Tx, actor: cmd.Actor, command: cmd.Unmute) -> None:
    if command.member_id not in tx.state.muted:
        raise Refusal("That member is not muted.")
    tx.emit(ev.MemberUnmuted(member_id=command.member_id))


CHARACTER_FIELDS = ("vitality", "chakra", "resolve")


def set_fields(gauges: tuple[str, ...]) -> tuple[str, ...]:
    """What /gm set corrects: a character's vitality, chakra or resolve, or a scene's gauge."""
    return (*CHARACTER_FIELDS, *gauges)


def _set(tx: Tx, actor: cmd.Actor, command: cmd.Set) -> None:
    gauges = {gauge.key: gauge for gauge in tx.rules.gauges(tx.state)}
    field = command.field.strip().casefold()
    if field in gauges:
        gauge = gauges[field]
        _within(command.value, 0, gauge.maximum, gauge.label)
        tx.emit(ev.ValueSet(character=None, field=field, old=gauge.value, new=command.value))
        return
    if field not in CHARACTER_FIELDS:
        known = ", ".join(set_fields(tuple(gauges)))
        raise Refusal(f"/gm set corrects one of: {known}.")
    character = _named_character(tx, command.character)
    bounds = {
        "vitality": (0, character.max_vitality),
        "chakra": (0, character.max_chakra),
        "resolve": (-3, 3),
    }
    if field == "resolve":
        _resolve_track(tx, character)
    low, high = bounds[field]
    _within(command.value, low, high, field)
    tx.emit(
        ev.ValueSet(
            character=character.key,
            field=field,
            old=getattr(character, field),
            new=command.value,
        )
    )


def _within(value: int, low: int, high: int, field: str) -> None:
    if not low <= value <= high:
        raise Refusal(f"{field.capitalize()} must be between {low} and {high}.")


def _handover(tx: Tx, actor: cmd.Actor, command: cmd.Handover) -> None:
    if command.member_id == tx.state.gm_id:
        raise Refusal("They are already the GM of this session.")
    tx.emit(ev.GmHandedOver(member_id=command.member_id))
    if command.member_id in tx.state.muted:
        tx.emit(ev.MemberUnmuted(member_id=command.member_id))


def _end(tx: Tx, actor: cmd.Actor, command: cmd.End) -> None:
    """Close the session; once the final beat is reached, the ending is read from the state."""
    reached = tx.state.ending
    ending = tx.rules.ending(tx.state) if tx.state.beat >= tx.scene.final_beat else None
    changed = reached is not None and ending is not None and ending != reached
    tx.emit(
        ev.SessionEnded(
            reason=_reason(command.reason),
            ending=ending,
            was=reached.key if changed and reached is not None else None,
        )
    )


def _check(tx: Tx, actor: cmd.Actor, command: cmd.Check) -> None:
    character = _named_character(tx, command.character)
    skill = _skill(command.skill)
    if not 1 <= command.dc <= DC_LIMIT:
        raise Refusal(f"A DC is a whole number from 1 to {DC_LIMIT}.")
    reason = _reason(command.reason)
    label = f"{character.name}: {skill.value}" + (f" ({reason})" if reason else "")
    modifier = character.skill(skill)
    roll = tx.roll(d20(modifier), label, Purpose.CHECK)
    success = roll.natural != 1 and (roll.natural == 20 or roll.total >= command.dc)
    outcome = "success" if success else "failure"
    tx.record(roll, character.key, against=command.dc, against_label="DC", outcome=outcome)


def _skill(name: str) -> Skill:
    try:
        return Skill(name.strip().casefold())
    except ValueError:
        skills = ", ".join(s.value for s in Skill)
        raise Refusal(f"A check is of one of the skills: {skills}.") from None


def _reward(tx: Tx, actor: cmd.Actor, command: cmd.Reward) -> None:
    character = _named_character(tx, command.character)
    if command.shift not in (-1, 1):
        raise Refusal("Resolve moves by -1 (toward the heart) or +1 (toward duty).")
    resolve = _resolve_track(tx, character)
    reason = _reason(command.reason)
    if reason is None:
        raise Refusal("Say what the resolve is for (the reason is shown).")
    if not -3 <= resolve + command.shift <= 3:
        raise Refusal(f"{character.name}'s resolve is already {character.resolve:+d}, its end.")
    shift_resolve(tx, character.key, command.shift, f"the GM: {reason}")


def _npc(tx: Tx, actor: cmd.Actor, command: cmd.Npc) -> None:
    name = clean_name(command.name)
    if name is None:
        raise Refusal("Give the speaker a name.")
    tx.emit(ev.NpcSpoke(name=name, text=bounded(command.text, POSE_LIMIT, "line")))


def _resolve_track(tx: Tx, character: Character) -> int:
    """The character's resolve, or a refusal naming who has a resolve track."""
    if character.resolve is None:
        with_track = [c.name for c in tx.state.characters if c.resolve is not None]
        only = " and ".join(dict.fromkeys(with_track)) or "nobody"
        raise Refusal(f"{character.name} has no resolve track (only {only} do).")
    return character.resolve


def _named_character(tx: Tx, name: str) -> Character:
    character = find_character(tx.state, name)
    if character is None:
        names = ", ".join(c.name for c in tx.state.characters)
        raise Refusal(f"No character “{name[:32]}” (characters: {names}).")
    return character


def handle(tx: Tx, actor: cmd.Actor, command: cmd.Command) -> None:
    """Carry out a game master's command (the actor already checked to be a GM)."""
    handler = _HANDLERS.get(type(command))
    if handler is None:  # pragma: no cover - opening is decided before a session exists
        raise Refusal(f"/{command.kind} is not a command of a session in play.")
    handler(tx, actor, command)


# Each handler takes its own command class, the key it is filed under.
_HANDLERS: dict[type[cmd.Command], Callable[..., None]] = {
    cmd.Begin: _begin,
    cmd.Pause: _pause,
    cmd.Resume: _resume,
    cmd.Advance: _advance,
    cmd.Narrate: _narrate,
    cmd.Skip: _skip,
    cmd.Undo: _undo,
    cmd.Assign: _assign,
    cmd.Kick: _kick,
    cmd.Mute: _mute,
    cmd.Unmute: _unmute,
    cmd.Set: _set,
    cmd.Handover: _handover,
    cmd.Check: _check,
    cmd.Reward: _reward,
    cmd.Npc: _npc,
    cmd.End: _end,
}

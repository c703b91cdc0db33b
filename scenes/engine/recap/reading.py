"""Reading a session's log into what happened: the kept moments, a ``Night``, the key moments.
The log is read through the small ``Logged`` protocol (events and a time per entry)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from scenes.engine import events as ev
from scenes.engine.dice import Roll
from scenes.engine.state import Condition, DecisionKind, Door, Fate, ScrollsAt, SessionState

NOT_A_PERSON = frozenset({"army", "north_wing", "door"})
SPOKEN = (ev.Posed, ev.Narrated, ev.DiceRolled)


class Logged(Protocol):
    """One logged command as the recap reads it (the store's log entries have this shape)."""

    @property
    def events(self) -> tuple[ev.Event, ...]: ...

    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Moment:
    """One event the recap keeps, with the round it happened in and its log entry's index."""

    round: int
    entry: int
    event: ev.Event


def kept_entries(log: Sequence[Logged]) -> list[tuple[int, tuple[ev.Event, ...]]]:
    """The log's entries (index, events) with every step the GM undid struck out.

    A /gm undo strikes the last undoable step and what followed it, except free speech
    (poses, narration, free rolls), which stays said. The transcript keeps everything.
    """
    kept: list[tuple[int, tuple[ev.Event, ...]]] = []
    steps: list[int] = []
    for index, entry in enumerate(log):
        events = entry.events
        if any(isinstance(e, ev.Undone) for e in events):
            if steps:
                cut = steps.pop()
                later = [item for item in kept[cut + 1 :] if _spoken(item[1])]
                kept = [*kept[:cut], *later]
            continue
        if any(isinstance(e, ev.ActionStarted) for e in events):
            steps.append(len(kept))
        kept.append((index, events))
    return kept


def _spoken(events: tuple[ev.Event, ...]) -> bool:
    return all(isinstance(e, SPOKEN) for e in events)


def moments(log: Sequence[Logged]) -> list[Moment]:
    """The kept events in order, each with the round it happened in (0 before the scene)."""
    out: list[Moment] = []
    round_ = 0
    for index, events in kept_entries(log):
        for event in events:
            if isinstance(event, ev.SceneBegan):
                round_ = 1
            elif isinstance(event, ev.TurnStarted):
                round_ = event.round
            out.append(Moment(round_, index, event))
            if isinstance(event, ev.RoundEnded):
                round_ = event.round + 1
    return out


@dataclass
class Blow:
    round: int
    attacker: str
    target: str
    technique: str
    amount: int
    critical: bool


@dataclass
class Mercy:
    round: int
    decider: str
    subject: str
    heart: Roll | None = None
    option: str | None = None
    result: str | None = None


@dataclass
class Night:
    """What happened, gathered in one pass over the kept events: the story's material."""

    gms: list[int] = field(default_factory=list)
    players: dict[str, list[int]] = field(default_factory=dict)
    doors: list[tuple[int, Door, str | None, Roll | None]] = field(default_factory=list)
    door_held: int = 0
    sights: list[tuple[str, str, bool, Roll | None]] = field(default_factory=list)
    ambushed: bool = False
    attempts: Counter[str] = field(default_factory=Counter)
    aimed: dict[str, list[str]] = field(default_factory=dict)
    landed: Counter[str] = field(default_factory=Counter)
    dealt: Counter[tuple[str, str]] = field(default_factory=Counter)
    blows: list[Blow] = field(default_factory=list)
    techniques: list[tuple[str, str]] = field(default_factory=list)
    criticals: list[tuple[int, str | None, Roll]] = field(default_factory=list)
    fumbles: list[tuple[int, str | None, Roll]] = field(default_factory=list)
    healed: Counter[str] = field(default_factory=Counter)
    grips: list[tuple[int, str, str]] = field(default_factory=list)
    downs: list[tuple[int, str]] = field(default_factory=list)
    fates: list[tuple[int, str, Fate]] = field(default_factory=list)
    mercies: list[Mercy] = field(default_factory=list)
    choices: list[tuple[int, str, str, str]] = field(default_factory=list)
    scrolls: list[tuple[int, ev.ScrollsChanged]] = field(default_factory=list)
    struggles: list[tuple[int, str, bool]] = field(default_factory=list)
    presses: list[ev.SiegePressed] = field(default_factory=list)
    relief: Counter[str] = field(default_factory=Counter)
    fell: int | None = None
    beats: list[tuple[int, ev.BeatReached]] = field(default_factory=list)
    said: list[tuple[int, ev.Posed]] = field(default_factory=list)
    ending_round: int | None = None
    end_reason: str | None = None
    rolls: int = 0


class Reader:
    """Reads kept moments into a ``Night`` and the key moments, in one pass."""

    def __init__(self, state: SessionState) -> None:
        self.state = state
        self.night = Night()
        self.key: list[tuple[int, str, bool]] = []  # (round, text, is a roll moment)
        self._entry = -1
        self._using: ev.TechniqueUsed | None = None
        self._critical = False
        self._last_roll: dict[str | None, Roll] = {}
        self._pending_damage: int | None = None

    def name(self, key: str | None) -> str:
        if key is None:
            return "someone"
        character = self.state.find(key)
        return character.name if character else key

    def read(self, moment: Moment) -> None:
        if moment.entry != self._entry:
            self._entry, self._using, self._critical = moment.entry, None, False
            self._pending_damage = None
            self._last_roll = {}
        handler = _HANDLERS.get(type(moment.event))
        if handler is not None:
            handler(self, moment.round, moment.event)

    def moment(self, round_: int, text: str, roll: bool = False) -> None:
        self.key.append((round_, text, roll))

    # one method per event kind that matters to the recap

    def opened(self, r: int, e: ev.SessionOpened) -> None:
        self.night.gms.append(e.gm_id)

    def handed(self, r: int, e: ev.GmHandedOver) -> None:
        if not self.night.gms or self.night.gms[-1] != e.member_id:
            self.night.gms.append(e.member_id)

    def claimed(self, r: int, e: ev.SeatClaimed) -> None:
        players = self.night.players.setdefault(e.seat, [])
        if e.member_id not in players:
            players.append(e.member_id)

    def rolled(self, r: int, e: ev.Rolled) -> None:
        self.night.rolls += 1
        roll = e.roll
        self._last_roll[e.seat] = roll
        if roll.outcome in ("critical", "fumble"):
            self._roll_moment(r, e)
        elif roll.label.endswith(" damage") and self._pending_damage is not None:
            index = self._pending_damage
            when, text, flag = self.key[index]
            self.key[index] = (when, f"{text} · {roll.text}", flag)
            self._pending_damage = None
        if self._duel_roll(e):
            self._aimed(e.seat or "")
            self.night.attempts[e.seat or ""] += 1
            self.night.landed[e.seat or ""] += roll.outcome in ("hit", "critical")
            self._critical = roll.outcome == "critical"
        if "steels the heart" in roll.label and self.night.mercies:
            self.night.mercies[-1].heart = roll
            self.moment(r, f"**The heart check.** {roll.text}")
        if roll.label.startswith("Struggle for the scrolls") and roll.outcome:
            self.night.struggles.append((r, e.seat or "", roll.outcome == "wins"))
            self.moment(r, f"**The struggle for the scrolls.** {roll.text}")

    def _duel_roll(self, e: ev.Rolled) -> bool:
        """An attack roll of one character against another (not the army, door or wall)."""
        using = self._using
        return (
            using is not None
            and using.target not in NOT_A_PERSON
            and e.seat == using.seat
            and e.roll.outcome in ("hit", "miss", "critical", "fumble")
        )

    def _aimed(self, seat: str) -> None:
        target = self._using.target if self._using else None
        aimed = self.night.aimed.setdefault(seat, [])
        if target and target not in aimed:
            aimed.append(target)

    def _roll_moment(self, r: int, e: ev.Rolled) -> None:
        roll = e.roll
        bucket = self.night.criticals if roll.outcome == "critical" else self.night.fumbles
        bucket.append((r, e.seat, roll))
        word = "Critical" if roll.outcome == "critical" else "Fumble"
        self.moment(r, f"**{word}** ({self.name(e.seat)}). {roll.text}", roll=True)
        if roll.outcome == "critical":
            self._pending_damage = len(self.key) - 1

    def used(self, r: int, e: ev.TechniqueUsed) -> None:
        self._using, self._critical = e, False

    def damaged(self, r: int, e: ev.Damaged) -> None:
        using = self._using
        if using is not None and e.kind_of not in ("choking", "the mercy") and e.seat != using.seat:
            self.night.dealt[(using.seat, e.seat)] += e.amount
            self.night.blows.append(
                Blow(r, using.seat, e.seat, using.name, e.amount, self._critical)
            )
            self._landed(using)
        if e.vitality <= 0 and e.kind_of != "the mercy":
            self.night.downs.append((r, e.seat))
            how = f" ({e.kind_of})" if e.kind_of else ""
            self.moment(r, f"**Down.** {self.name(e.seat)} falls, vitality 0{how}.")

    def _landed(self, using: ev.TechniqueUsed) -> None:
        if (using.seat, using.name) not in self.night.techniques:
            self.night.techniques.append((using.seat, using.name))

    def healed(self, r: int, e: ev.Healed) -> None:
        healer = self._using.seat if self._using else e.seat
        self.night.healed[healer] += e.amount
        if self._using is not None:
            self._landed(self._using)

    def condition(self, r: int, e: ev.ConditionAdded) -> None:
        if e.condition is Condition.CHOKING and e.by:
            self.night.grips.append((r, e.by, e.seat))
            if self._using is not None:
                self._landed(self._using)
            self.moment(r, f"**Throat grip.** {self.name(e.by)} has {self.name(e.seat)} choking.")

    def door(self, r: int, e: ev.DoorChanged) -> None:
        roll = self._last_roll.get(e.by) if e.door is Door.BROKEN else None
        self.night.doors.append((r, e.door, e.by, roll))
        if e.door is Door.BROKEN:
            text = f"**The oak door bursts** ({self.name(e.by)})."
            self.moment(r, f"{text} {roll.text}" if roll else text)

    def narrated(self, r: int, e: ev.Narrated) -> None:
        if e.moment == "door_holds":
            self.night.door_held += 1

    def sight(self, r: int, e: ev.FirstSight) -> None:
        roll = self._last_roll.get(e.seat)
        self.night.sights.append((e.seat, e.other, e.success, roll))
        verdict = "holds to duty" if e.success else "hesitates"
        text = roll.text if roll else f"{self.name(e.seat)} {verdict}."
        self.moment(r, f"**First sight.** {text}")

    def ambush(self, r: int, e: ev.AmbushSet) -> None:
        if not e.ready and self._using is not None:
            self.night.ambushed = True

    def offered(self, r: int, e: ev.DecisionOffered) -> None:
        decision = e.decision
        if decision.kind is DecisionKind.MERCY:
            self.night.mercies.append(Mercy(r, decision.decider, decision.subject))
            who, whom = self.name(decision.decider), self.name(decision.subject)
            self.moment(r, f"**The mercy.** {who} holds {whom}'s life.")

    def made(self, r: int, e: ev.DecisionMade) -> None:
        mercy = self.night.mercies[-1] if self.night.mercies else None
        if mercy is not None and mercy.option is None and e.decider == mercy.decider:
            mercy.option, mercy.result = e.option, e.result
        else:
            self.night.choices.append((r, e.decider, e.option, e.result))
        self.moment(r, f"**{self.name(e.decider)} chooses {e.option}**: {e.result}.")

    def scrolls(self, r: int, e: ev.ScrollsChanged) -> None:
        self.night.scrolls.append((r, e))
        if e.at is ScrollsAt.CARRIED:
            self.moment(r, f"**The scrolls are taken** by {self.name(e.holder)}.")
        elif e.at is ScrollsAt.LOST:
            self.moment(r, "**The scrolls are lost** to the army.")
        elif e.at is ScrollsAt.HIDDEN and e.by:
            self.moment(r, f"**The scrolls are hidden** by {self.name(e.by)}.")

    def relieved(self, r: int, e: ev.SiegeRelieved) -> None:
        if self.night.fell is None:
            self.night.relief[e.seat] += e.amount

    def pressed(self, r: int, e: ev.SiegePressed) -> None:
        self.night.presses.append(e)

    def fell(self, r: int, e: ev.NorthWingFell) -> None:
        self.night.fell = r
        roll = self._last_roll.get(None)
        text = "**The north wing falls.**"
        self.moment(r, f"{text} {roll.text}" if roll else text)

    def fate(self, r: int, e: ev.FateChanged) -> None:
        self.night.fates.append((r, e.seat, e.fate))
        self.moment(r, f"**{self.name(e.seat)} is {e.fate.value}.**")

    def beat(self, r: int, e: ev.BeatReached) -> None:
        self.night.beats.append((r, e))

    def posed(self, r: int, e: ev.Posed) -> None:
        if e.style == "say":
            self.night.said.append((r, e))

    def ending(self, r: int, e: ev.EndingReached) -> None:
        self.night.ending_round = r
        self.moment(r, f"**Ending: {e.title}.**")

    def ended(self, r: int, e: ev.SessionEnded) -> None:
        self.night.end_reason = e.reason


_HANDLERS: dict[type, Callable[..., None]] = {
    ev.SessionOpened: Reader.opened,
    ev.GmHandedOver: Reader.handed,
    ev.SeatClaimed: Reader.claimed,
    ev.Rolled: Reader.rolled,
    ev.TechniqueUsed: Reader.used,
    ev.Damaged: Reader.damaged,
    ev.Healed: Reader.healed,
    ev.ConditionAdded: Reader.condition,
    ev.DoorChanged: Reader.door,
    ev.Narrated: Reader.narrated,
    ev.FirstSight: Reader.sight,
    ev.AmbushSet: Reader.ambush,
    ev.DecisionOffered: Reader.offered,
    ev.DecisionMade: Reader.made,
    ev.ScrollsChanged: Reader.scrolls,
    ev.SiegeRelieved: Reader.relieved,
    ev.SiegePressed: Reader.pressed,
    ev.NorthWingFell: Reader.fell,
    ev.FateChanged: Reader.fate,
    ev.BeatReached: Reader.beat,
    ev.Posed: Reader.posed,
    ev.EndingReached: Reader.ending,
    ev.SessionEnded: Reader.ended,
}


def read(state: SessionState, log: Sequence[Logged]) -> Reader:
    """Read the whole log once; the reader holds the ``Night`` and the key moments."""
    reader = Reader(state)
    for moment in moments(log):
        reader.read(moment)
    return reader

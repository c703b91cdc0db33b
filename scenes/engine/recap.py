"""The recap of a session, built from its state and its log: a short story, then the facts.

Pure: the log is read through the small ``Logged`` protocol (events and a time per entry).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from scenes.engine import events as ev
from scenes.engine.dice import Roll
from scenes.engine.evolve import evolve
from scenes.engine.state import Condition, DecisionKind, Door, Fate, ScrollsAt, SessionState
from scenes.schema import Scene, load_scene

BEST_LINES = 3
LINE_LIMIT = 300
QUOTE_LIMIT = 160
ROLL_MOMENTS = 20
MOMENTS = 60
BEST_LINES_RULE = (
    "The longest /say lines, at most three: each voice's longest first, so that no one voice "
    "takes all three; shown in the order spoken, each cut at 300 characters."
)
NOT_A_PERSON = frozenset({"army", "north_wing", "door"})
SPOKEN = (ev.Posed, ev.Narrated, ev.DiceRolled)


class Logged(Protocol):
    """One logged command as the recap reads it (the store's log entries have this shape)."""

    @property
    def events(self) -> tuple[ev.Event, ...]: ...

    @property
    def at(self) -> datetime: ...


class RecapPage(BaseModel):
    """One titled section of a recap, as paragraphs (the bot splits them to fit Discord).

    ``listed`` pages hold short items shown one per line rather than as paragraphs.
    """

    model_config = ConfigDict(frozen=True)

    title: str
    paragraphs: tuple[str, ...]
    listed: bool = False


# --- Reading the log -----------------------------------------------------------------------


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


# --- Small words ---------------------------------------------------------------------------


WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _word(n: int) -> str:
    return WORDS[n] if 0 <= n < len(WORDS) else str(n)


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{_word(n)} times")


def _joined(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- The story -----------------------------------------------------------------------------

OPENINGS = (
    "Night had long since closed over the castle, and the storm had been at its roof for "
    "{hours} hours. In the east-wing office {sakura} kept the desk that held the ancient "
    "scrolls; in the east hall, {sasuke} had come to take them.",
    "Rain came down on the stone estate as if it meant to wear the walls away. The war was "
    "inside the gates now: {sasuke} was in the east hall, and between {sasuke} and the scrolls "
    "stood one oak door and {sakura}.",
    "Thunder walked across the castle roof, {hours} hours into the storm. The whole war between "
    "two kingdoms had shrunk to one office in the east wing, with {sakura} on one side of its "
    "oak door and {sasuke} on the other.",
    "It was a night for staying behind stone, and the castle's stone was failing. {sasuke} had "
    "come in with the assault; in the east wing {sakura} heard knuckles on the oak door and "
    "knew, before any word was spoken, whose they were.",
)
WALL_HELD = (
    "At the north wing, {defenders} set their shoulders against the main assault.",
    "Away to the north, {defenders} stood where the army pressed hardest.",
    "The north wing belonged to {defenders}, and to the rain coming through its arrow slits.",
)
WALL_EMPTY = (
    "No one was named at the north wing; its walls had only their own stone to trust.",
    "The north wing had no defender with a name tonight, only old walls and the rain.",
)
LOBBY = (
    "But the scene never left its lobby: no die was cast, and the storm kept its story.",
    "The seats filled, or did not, and the night ended before the first knock was answered.",
)
WAITING = (
    "The seats are filling and the GM has not yet begun; the storm is only gathering.",
    "Nothing has happened yet that the stones will remember. The knocking has not begun.",
)


def _opening(rng: random.Random, n: _Names, night: Night, state: SessionState) -> str:
    hours = _word(rng.randint(2, 9))
    text = rng.choice(OPENINGS).format(hours=hours, sakura=n.sakura, sasuke=n.sasuke)
    defenders = [n.of(key) for key in night.players if key.startswith("defender")]
    if defenders:
        text += " " + rng.choice(WALL_HELD).format(defenders=_joined(defenders))
    elif state.round:
        text += " " + rng.choice(WALL_EMPTY)
    if not state.round:
        text += " " + rng.choice(LOBBY if not state.open else WAITING)
    return text


def _door(rng: random.Random, n: _Names, night: Night) -> list[str]:
    out: list[str] = []
    for round_, door, by, roll in night.doors:
        who = n.of(by)
        if door is Door.BARRED:
            out.append(
                rng.choice(
                    (
                        f"In round {round_} {who} set the crossbar on the office door.",
                        f"{who} barred the oak door in round {round_}, and listened.",
                    )
                )
            )
        elif door is Door.BROKEN:
            out.append(_burst(rng, who, round_, night.door_held, roll))
        elif door is Door.OPEN:
            out.append(f"In round {round_} {who} lifted the latch and let the night in.")
    if night.ambushed:
        out.append(
            rng.choice(
                (
                    f"{n.sakura} was waiting beside the frame, and struck first.",
                    f"{n.sakura} had not stood idle behind the door: the first blow was hers.",
                )
            )
        )
    return out


def _burst(rng: random.Random, who: str, round_: int, held: int, roll: Roll | None) -> str:
    numbers = f" ({roll.total} against {roll.against})" if roll and roll.against else ""
    if held:
        return rng.choice(
            (
                f"The oak held {_times(held)}; in round {round_} it gave way to {who}{numbers}.",
                f"It was {who} who broke the oak door at last, in round {round_}, after it had "
                f"held {_times(held)}{numbers}.",
            )
        )
    return rng.choice(
        (
            f"The door gave way to {who} in round {round_}{numbers}.",
            f"In round {round_} the oak split along its grain, and {who} was through{numbers}.",
            f"{who} broke the oak door in round {round_}{numbers} and stepped into the office.",
        )
    )


def _sight(rng: random.Random, n: _Names, night: Night) -> list[str]:
    if not night.sights:
        return []
    held = [n.of(key) for key, _, ok, _ in night.sights if ok]
    faltered = [(n.of(key), n.of(other), roll) for key, other, ok, roll in night.sights if not ok]
    if not faltered:
        return [
            rng.choice(
                (
                    f"When {_joined(held)} finally stood face to face, neither looked away; "
                    "duty held, for now.",
                    f"{_joined(held)} met across the office, and each chose duty over the heart.",
                )
            )
        ]
    if not held:
        return [
            rng.choice(
                (
                    f"For one long breath neither {' nor '.join(f[0] for f in faltered)} could "
                    "move; the storm filled the silence both of them left.",
                    f"The sight undid them both: {_joined([f[0] for f in faltered])} hesitated, "
                    "and the rain said what neither would.",
                )
            )
        ]
    who, other, roll = faltered[0]
    numbers = f", {roll.total} against {roll.against}," if roll and roll.against else ""
    return [f"{who} faltered{numbers} at the sight of {other}; {_joined(held)} held to duty."]


def _clash(rng: random.Random, n: _Names, night: Night) -> list[str]:
    out: list[str] = []
    attackers = sorted(night.attempts, key=lambda k: -sum(_dealt_by(night, k).values()))
    out.extend(_attacks(rng, n, night, key) for key in attackers[:3])
    if night.blows:
        top = max(night.blows, key=lambda b: (b.amount, -b.round))
        edge = ", a natural twenty" if top.critical else ""
        out.append(
            f"The heaviest blow fell in round {top.round}: {n.of(top.attacker)}'s {top.technique}"
            f" took {top.amount} from {n.of(top.target)}{edge}."
        )
    told = list(dict.fromkeys(name for _, name in night.techniques))[:6]
    if told:
        lead = rng.choice(("What landed: {}.", "The techniques that told: {}."))
        out.append(lead.format(_joined(told)))
    out.extend(_dice_turns(night))
    for healer, amount in night.healed.items():
        out.append(f"{n.of(healer)}'s healing gave back {amount} vitality under the noise of rain.")
    for round_, by, whom in night.grips[:2]:
        out.append(f"In round {round_} {n.of(by)}'s hand closed on {n.of(whom)}'s throat.")
    for round_, key in night.downs[:3]:
        out.append(f"{n.of(key)} went down on the flagstones in round {round_}.")
    if not out and night.sights:
        out.append(
            rng.choice(
                (
                    "No blow passed between them: the fight was all looks and silences.",
                    "Not one strike landed or was even thrown between them that night.",
                )
            )
        )
    return out


def _attacks(rng: random.Random, n: _Names, night: Night, key: str) -> str:
    """One attacker's night in a sentence: whom, how often, how many landed, for how much."""
    who, dealt = n.of(key), _dealt_by(night, key)
    aimed = [*night.aimed.get(key, []), *(t for t in dealt if t not in night.aimed.get(key, []))]
    targets = _joined([n.of(t) for t in aimed]) or "the enemy"
    tries, landed, total = night.attempts[key], night.landed[key], sum(dealt.values())
    if not landed:
        return f"{who} went at {targets} {_times(tries)}, and the stone took every blow."
    if landed == tries:
        every = {1: "and it landed", 2: "and both landed"}.get(tries, "and every one landed")
        return f"{who} struck at {targets} {_times(tries)}, {every}: {total} vitality in all."
    return rng.choice(
        (
            f"{who} struck at {targets} {_times(tries)} and landed {_word(landed)}, "
            f"for {total} vitality.",
            f"{who} went at {targets} {_times(tries)}; {_word(landed)} got through, worth "
            f"{total} vitality.",
            f"Of {who}'s attacks on {targets}, {_word(landed)} of {_word(tries)} found the mark: "
            f"{total} vitality in all.",
        )
    )


def _dealt_by(night: Night, key: str) -> dict[str, int]:
    return {target: amount for (by, target), amount in night.dealt.items() if by == key}


def _dice_turns(night: Night) -> list[str]:
    crits, fumbles = len(night.criticals), len(night.fumbles)
    if not crits and not fumbles:
        return []
    parts = []
    if crits:
        parts.append(f"a natural twenty {_times(crits)}")
    if fumbles:
        parts.append(f"a natural one {_times(fumbles)}")
    return [f"The dice showed {' and '.join(parts)}."]


def _mercy(rng: random.Random, n: _Names, night: Night) -> list[str]:
    out: list[str] = []
    for mercy in night.mercies[:2]:
        who, whom = n.of(mercy.decider), n.of(mercy.subject)
        out.append(
            rng.choice(
                (
                    f"Then, in round {mercy.round}, it came to the mercy: {who} held {whom}'s "
                    "life, and the castle seemed to wait.",
                    f"Round {mercy.round} brought the mercy. {whom}'s life lay in {who}'s "
                    "hands, and duty and heart pulled opposite ways.",
                )
            )
        )
        out.append(_mercy_choice(mercy, who, whom))
    return [line for line in out if line]


def _mercy_choice(mercy: Mercy, who: str, whom: str) -> str:
    heart = mercy.heart
    numbers = f"{heart.total} against {heart.against}" if heart and heart.against else ""
    if mercy.option is None:
        return f"{who} has not yet chosen."
    if mercy.result == "struck":
        return f"{who} chose to strike and steeled the heart to do it ({numbers}). Duty won."
    if heart is not None:
        return (
            f"{who} meant to strike, but the heart would not allow it ({numbers}); "
            f"the blow became mercy, and {whom} was spared."
        )
    if mercy.result == "bound":
        return f"{who} chose neither blade nor pardon but cords: {whom} was bound."
    return f"{who} chose to spare {whom}."


def _scrolls(rng: random.Random, n: _Names, night: Night) -> list[str]:
    out: list[str] = []
    failed = [key for _, key, won in night.struggles if not won]
    for round_, change in night.scrolls:
        if change.at is ScrollsAt.HIDDEN and change.by:
            out.append(f"{n.of(change.by)} hid the scrolls in round {round_}.")
        elif change.at is ScrollsAt.CARRIED:
            out.append(
                rng.choice(
                    (
                        f"In round {round_} the scrolls passed into {n.of(change.holder)}'s "
                        "hands, and a war's worth of secrets went with them.",
                        f"{n.of(change.holder)} had the scrolls by round {round_}.",
                    )
                )
            )
        elif change.at is ScrollsAt.LOST:
            out.append(f"In round {round_} the army found the office empty and took the scrolls.")
    if failed:
        out.append(f"{n.of(failed[0])} reached for them {_times(len(failed))} and was turned back.")
    for round_, key, option, result in night.choices:
        line = _choice_line(n, key, option, result, round_)
        if line:
            out.append(line)
    if not out and night.beats and night.beats[-1][1].beat >= 2:
        out.append(rng.choice(("The scrolls never left the drawer.", "The drawer stayed shut.")))
    return out


def _choice_line(n: _Names, key: str, option: str, result: str, round_: int) -> str | None:
    who = n.of(key)
    lines = {
        "bargain": f"At the desk, in round {round_}, {who} offered a bargain instead of a blow.",
        "yield": f"{who} let the scrolls go rather than spill more blood over them.",
        "refuse": f"{who} refused the bargain.",
        "withdraw": f"{who} stepped back from the desk in round {round_} and withdrew.",
    }
    return lines.get(option)


def _siege(rng: random.Random, n: _Names, night: Night, state: SessionState) -> list[str]:
    siege = state.siege
    if not night.presses:
        if state.round and not siege.fallen:
            return [
                f"The army never tested the north wing; it stood at {siege.integrity} of "
                f"{siege.max_integrity}."
            ]
        return []
    worst = min(night.presses, key=lambda p: (p.integrity, p.round))
    relief = sum(night.relief.values())
    helpers = _joined([n.of(key) for key in night.relief])
    out = [
        rng.choice(
            (
                f"The army pressed the north wing {_times(len(night.presses))}",
                f"{_times(len(night.presses)).capitalize()} the assault came at the north wing",
            )
        )
        + _relief(helpers, len(night.relief), relief)
    ]
    if night.fell is not None:
        out.append(
            rng.choice(
                (
                    f"In round {night.fell} the wall broke, and the enemy poured through.",
                    f"It fell in round {night.fell}; after that the castle was a different place.",
                )
            )
        )
    else:
        low = worst.integrity < siege.integrity
        out.append(
            f"It held at {siege.integrity} of {siege.max_integrity}"
            + (f", at its worst {worst.integrity} in round {worst.round}." if low else ".")
        )
    return out


def _relief(helpers: str, count: int, relief: int) -> str:
    if not helpers:
        return "."
    return f", and {helpers} gave back {relief}" + (" between them." if count > 1 else ".")


ENDINGS: dict[str, tuple[str, ...]] = {
    "rain_without_end": (
        "{sasuke} went back into the dark with nothing in his hands, and the north wall was "
        "still standing at dawn. {sakura} kept her face still until the last footstep faded; "
        "then, where only the rain could hear, she wept.",
        "No one was killed and nothing was taken. {sasuke} was simply gone, and {sakura} sat down "
        "with her back to the cold wall and let the storm be louder than her crying.",
    ),
    "scrolls_carried_off": (
        "{sasuke} crossed the wet courtyard with the bundle inside his coat, and no gate closed "
        "in time. {sakura} watched the dark where he had been, and knew the war had tilted.",
        "An empty drawer, a broken door, an account to give in the morning: that was what "
        "{sakura} kept. {sasuke} kept the scrolls.",
    ),
    "the_captive": (
        "By the time the thunder had moved off, {sasuke} sat tied at the foot of the desk he had "
        "come to rob. {sakura} stood guard over him and called it duty.",
        "The drawer stayed shut and {sasuke}'s wrists stayed tied. {sakura} watched the guards "
        "walk him out through the east hall and did not turn her head away.",
    ),
    "blood_on_the_stone": (
        "{sasuke} did not move again, and the hand that stilled him was {sakura}'s. The scrolls "
        "were safe; she stayed kneeling beside him until the gutters ran quiet.",
        "Duty was paid for with {sasuke}. {sakura} closed his eyes with two fingers, and the rain "
        "went on against the glass as though nothing had happened.",
    ),
    "the_guardian_falls": (
        "{sakura} lay still on the floor of her own office, and {sasuke} stood over her a long "
        "moment before the war called him on. What he felt, he showed to no one.",
        "The desk had lost its keeper. {sasuke} knelt once beside {sakura}, touched nothing, and "
        "rose to go.",
    ),
    "ashes_of_the_archive": (
        "When the smoke cleared from the east wing, the drawer was empty and no one could say "
        "who held the scrolls, or whether a single page had survived the fire.",
        "Neither kingdom kept the scrolls: the army's torches and the army's hands took them, "
        "and duty and heart were left with nothing to argue over.",
    ),
    "the_north_wing_falls": (
        "The office held its ground, but the north wall did not. Enemy torches hissed in the "
        "grand hall; at first light strange banners hung from the old stone.",
        "Whatever was settled between two people in the east wing, the castle itself was lost: "
        "the north wall lay open and the army walked in out of the rain.",
    ),
    "the_spent_intruder": (
        "{sasuke} lay on the flagstones with no strength left for fighting, breathing only because "
        "{sakura} had allowed it. Neither spoke while the storm wore itself out.",
        "{sasuke} could not rise, and {sakura} would not make him. She kept her place at the "
        "desk, and no kingdom had ever given her an order for this.",
    ),
}


def _ending(rng: random.Random, n: _Names, night: Night, state: SessionState) -> str:
    scene = n.scene
    if state.ending is None:
        if not state.round:
            return ""
        beat = scene.beats[state.beat - 1].name if state.beat else "the storm"
        if state.open:
            return (
                f"The night is not finished with them: round {state.round}, {beat.lower()}, "
                "and the rain still coming."
            )
        return f"The session closed in round {state.round}, {beat.lower()}, with nothing settled."
    lines = ENDINGS.get(state.ending.key)
    title = scene.ending(state.ending.key).title
    closing = rng.choice(lines).format(sakura=n.sakura, sasuke=n.sasuke) if lines else ""
    when = night.ending_round or state.round
    rounds = "one round" if when == 1 else f"{when} rounds"
    return f"{closing} So it ended, after {rounds}: {title}.".strip()


def _quote(rng: random.Random, n: _Names, night: Night) -> str:
    if not night.said:
        return ""
    _, line = max(night.said, key=lambda item: (len(item[1].text), -item[0]))
    lead = rng.choice(("One line outlived the night:", "Someone would remember the words:"))
    return f"{lead} “{_clip(line.text, QUOTE_LIMIT)}” ({n.of(line.seat)})."


@dataclass(frozen=True)
class _Names:
    state: SessionState
    scene: Scene

    def of(self, key: str | None) -> str:
        character = self.state.find(key) if key else None
        return character.name if character else "someone"

    @property
    def sakura(self) -> str:
        return self.of("sakura")

    @property
    def sasuke(self) -> str:
        return self.of("sasuke")


def story(state: SessionState, night: Night) -> tuple[str, ...]:
    """The session told as a short story: its facts in the scene's voice, variants by seed."""
    rng = random.Random(f"recap:{state.seed}")
    names = _Names(state, load_scene(state.scene))
    paragraphs = [
        _opening(rng, names, night, state),
        " ".join(_door(rng, names, night) + _sight(rng, names, night)),
        " ".join(_clash(rng, names, night)),
        " ".join(_mercy(rng, names, night)),
        " ".join(_scrolls(rng, names, night)),
        " ".join(_siege(rng, names, night, state)),
        _quote(rng, names, night),
        _ending(rng, names, night, state),
    ]
    return tuple(p for p in paragraphs if p)


# --- The facts -----------------------------------------------------------------------------


def key_moments(reader: Reader) -> list[str]:
    """Criticals, fumbles, the mercy and its heart check, the scrolls, the north wing, the
    fates, each with its round and roll; roll moments beyond the first 20 are counted, not shown."""
    out: list[str] = []
    rolls = hidden = 0
    for round_, text, is_roll in reader.key:
        if is_roll:
            rolls += 1
            if rolls > ROLL_MOMENTS:
                hidden += 1
                continue
        out.append(f"Round {round_} · {text}" if round_ else text)
    state, night = reader.state, reader.night
    if night.presses and night.fell is None:
        worst = min(p.integrity for p in night.presses)
        out.append(
            f"**The north wing holds** at {state.siege.integrity}/{state.siege.max_integrity} "
            f"(at worst {worst})."
        )
    if len(out) > MOMENTS:
        hidden += len(out) - MOMENTS
        out = out[:MOMENTS]
    if hidden:
        out.append(f"…and {hidden} more, every one of them in the transcript.")
    return out


def best_lines(state: SessionState, night: Night) -> list[str]:
    """The rule: the longest /say lines, at most three: each voice's longest first, so that no
    one voice takes all three; shown in the order spoken, each cut at 300 characters."""
    ranked = sorted(enumerate(night.said), key=lambda item: (-len(item[1][1].text), item[0]))
    chosen: list[int] = []
    voices: set[str] = set()
    for index, (_, posed) in ranked:
        if posed.seat not in voices and len(chosen) < BEST_LINES:
            chosen.append(index)
            voices.add(posed.seat)
    for index, _ in ranked:
        if len(chosen) < BEST_LINES and index not in chosen:
            chosen.append(index)
    names = _Names(state, load_scene(state.scene))
    return [
        f"“{_clip(night.said[i][1].text, LINE_LIMIT)}” — {names.of(night.said[i][1].seat)}"
        + (f", round {night.said[i][0]}" if night.said[i][0] else "")
        for i in sorted(chosen)
    ]


def _character_line(state: SessionState, scene: Scene, night: Night, key: str) -> str:
    character = state.character(key)
    players = night.players.get(key, [])
    played = ", then ".join(f"<@{m}>" for m in players) if players else "unplayed"
    if not character.present:
        standing = character.fate.value
    else:
        standing = "down" if character.down else "standing"
    parts = [
        f"**{character.name}** — played by {played}",
        f"{standing} in the {scene.place(character.place).name.lower()}"
        if character.present
        else standing,
        f"vitality {character.vitality}/{character.max_vitality}",
        f"chakra {character.chakra}/{character.max_chakra}",
    ]
    if character.resolve is not None:
        leaning = "duty" if character.resolve > 0 else "heart" if character.resolve < 0 else "torn"
        parts.append(f"resolve {character.resolve:+d} ({leaning})")
    if character.conditions:
        parts.append(", ".join(c.value for c in character.conditions))
    return " · ".join(parts)


def duration(log: Sequence[Logged]) -> timedelta:
    """From the first to the last log entry."""
    if not log:
        return timedelta(0)
    return log[-1].at - log[0].at


def _span(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes < 1:
        return f"{int(length.total_seconds())} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _table(state: SessionState, night: Night, log: Sequence[Logged]) -> tuple[str, ...]:
    gms = night.gms or [state.gm_id]
    if gms[-1] != state.gm_id:
        gms.append(state.gm_id)
    lines = [
        "**GM:** " + ", then ".join(f"<@{m}>" for m in gms),
        f"**Rounds:** {state.round} · **Rolls:** {night.rolls} · **Commands:** {len(log)}",
    ]
    if log:
        first, last = log[0].at, log[-1].at
        lines.append(
            f"**Duration:** {_span(last - first)} "
            f"({first:%Y-%m-%d %H:%M} to {last:%H:%M} {first.tzname() or 'UTC'})"
        )
    if night.end_reason:
        lines.append(f"**Closed:** {_clip(night.end_reason, 200)}")
    return tuple(lines)


def _beats(night: Night) -> tuple[str, ...]:
    return tuple(
        f"{e.beat}. {e.name}" + (f" — round {r}" if r else "") + (" (by the GM)" if e.by_gm else "")
        for r, e in night.beats
    ) or ("None yet.",)


def recap_pages(state: SessionState, log: Sequence[Logged], final: bool) -> list[RecapPage]:
    """The recap's sections: the story first, then the ending, the beats reached, the key
    moments, the best lines, the characters, and the table (GM, rounds, duration)."""
    scene = load_scene(state.scene)
    reader = read(state, log)
    night = reader.night
    title = f"{scene.name} — {'the recap' if final else 'the story so far'}"
    pages = [RecapPage(title=title, paragraphs=story(state, night))]
    if state.ending is not None:
        dims = state.ending
        pages.append(
            RecapPage(
                title=f"Ending: {scene.ending(dims.key).title}" + ("" if final else " (so far)"),
                paragraphs=(
                    f"Scrolls **{dims.scrolls}** · Sakura **{dims.sakura}** · "
                    f"Sasuke **{dims.sasuke}** · North wing **{dims.north_wing}**",
                ),
            )
        )
    pages.append(RecapPage(title="Beats reached", paragraphs=_beats(night), listed=True))
    moments_ = key_moments(reader)
    if moments_:
        pages.append(RecapPage(title="Key moments", paragraphs=tuple(moments_), listed=True))
    lines = best_lines(state, night)
    if lines:
        pages.append(
            RecapPage(title="Best lines", paragraphs=(f"*{BEST_LINES_RULE}*", *lines), listed=True)
        )
    pages.append(
        RecapPage(
            title="The characters",
            paragraphs=tuple(_character_line(state, scene, night, c.key) for c in state.characters),
            listed=True,
        )
    )
    pages.append(RecapPage(title="The table", paragraphs=_table(state, night, log), listed=True))
    return pages


# --- The chart's numbers -------------------------------------------------------------------


class Track(BaseModel):
    """One character's vitality and chakra at each point of the course."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    role: str
    vitality: tuple[int, ...]
    chakra: tuple[int, ...]
    max_vitality: int
    max_chakra: int


class Course(BaseModel):
    """The numbers the chart draws: 0 is the start, r the end of round r, the last the close."""

    model_config = ConfigDict(frozen=True)

    rounds: tuple[int, ...]
    tracks: tuple[Track, ...]
    integrity: tuple[int, ...]
    max_integrity: int
    fell: int | None = None


def course(state: SessionState, log: Sequence[Logged]) -> Course | None:
    """Vitality, chakra and integrity at the start, at each round's end, and at the close;
    None for a session that never began."""
    start = _start(log)
    if start is None:
        return None
    played = {e.seat for entry in log for e in entry.events if isinstance(e, ev.SeatClaimed)}
    keys = [c.key for c in state.characters if c.key in played] or [c.key for c in state.characters]
    points: list[tuple[int, dict[str, int], dict[str, int], int]] = [
        (0, _of(start, "vitality"), _of(start, "chakra"), start.siege.integrity)
    ]
    fell = None
    for moment in moments(log):
        event = moment.event
        if isinstance(event, ev.RoundEnded):
            points.append((event.round, event.vitality, event.chakra, event.integrity))
        elif isinstance(event, ev.NorthWingFell):
            fell = moment.round
    closing = max(state.round, points[-1][0] + 1)
    points.append((closing, _of(state, "vitality"), _of(state, "chakra"), state.siege.integrity))
    tracks = tuple(_track(state, key, points) for key in keys)
    return Course(
        rounds=tuple(p[0] for p in points),
        tracks=tracks,
        integrity=tuple(p[3] for p in points),
        max_integrity=state.siege.max_integrity,
        fell=fell,
    )


def _start(log: Sequence[Logged]) -> SessionState | None:
    state: SessionState | None = None
    for entry in log:
        for event in entry.events:
            state = evolve(state, event)
            if isinstance(event, ev.SceneBegan):
                return state
    return None


def _of(state: SessionState, what: str) -> dict[str, int]:
    return {c.key: getattr(c, what) for c in state.characters}


def _track(
    state: SessionState, key: str, points: list[tuple[int, dict[str, int], dict[str, int], int]]
) -> Track:
    character = state.character(key)
    return Track(
        key=key,
        name=character.name,
        role=character.role,
        vitality=tuple(p[1].get(key, 0) for p in points),
        chakra=tuple(p[2].get(key, 0) for p in points),
        max_vitality=character.max_vitality,
        max_chakra=character.max_chakra,
    )

"""Reading a session's log into what happened: the kept moments, a ``Night``, the key moments.
The log is read through the small ``Logged`` protocol (events and a time per entry)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

from scenes.engine import events as ev
from scenes.engine.checks import Purpose
from scenes.engine.describe import name_of
from scenes.engine.dice import Roll
from scenes.engine.recap.weave import Chapter, Deed, DeedKind, Words, WordsStyle
from scenes.engine.state import Condition, Fate, SessionState

if TYPE_CHECKING:
    from scenes.engine.scene import SceneRules

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
class Night:
    """What happened, gathered in one pass over the kept events: the story's material.

    A scene's reader may keep more in a subclass of its own."""

    gms: list[int] = field(default_factory=list)
    players: dict[str, list[int]] = field(default_factory=dict)
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
    choices: list[tuple[int, str, str, str]] = field(default_factory=list)
    beats: list[tuple[int, ev.BeatReached]] = field(default_factory=list)
    said: list[tuple[int, ev.Posed]] = field(default_factory=list)
    ending_round: int | None = None
    end_reason: str | None = None
    rolls: int = 0


class Reader:
    """Reads kept moments into a ``Night`` and the key moments, in one pass."""

    HANDLERS: ClassVar[dict[type, Callable[..., None]]] = {}
    GRIP: ClassVar[str] = "**A choking hold.**"  # the key moment's lead, in the scene's words

    def __init__(self, state: SessionState, rules: SceneRules) -> None:
        self.state = state
        self.rules = rules
        self.night = self.new_night()
        self.key: list[tuple[int, str, bool]] = []  # (round, text, is a roll moment)
        self._entry = -1
        self._using: ev.TechniqueUsed | None = None
        self._critical = False
        self._last_roll: dict[str | None, Roll] = {}
        self._pending_damage: int | None = None
        self.chapters = [Chapter(beat=0, key="", name="")]
        self._deed: Deed | None = None
        self._pose: str | None = None  # the seat whose pose opened this log entry

    def new_night(self) -> Night:
        return Night()

    def name(self, key: str | None) -> str:
        return name_of(self.state, key)

    def read(self, moment: Moment) -> None:
        if moment.entry != self._entry:
            self._entry, self._using, self._critical = moment.entry, None, False
            self._pending_damage = None
            self._last_roll = {}
            self._deed, self._pose = None, None
        handler = type(self).HANDLERS.get(type(moment.event))
        if handler is not None:
            handler(self, moment.round, moment.event)

    def moment(self, round_: int, text: str, roll: bool = False) -> None:
        self.key.append((round_, text, roll))

    def tell(self, deed: Deed) -> Deed:
        """Add ``deed`` to the story's current chapter, marked posed when its doer's own words
        for it opened this log entry."""
        deed.posed = deed.posed or (self._pose is not None and self._pose == deed.who)
        self.chapters[-1].items.append(deed)
        return deed

    def words(self, style: WordsStyle, speaker: str | None, name: str, text: str) -> None:
        self.chapters[-1].items.append(Words(style, speaker, name, text))

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
        elif roll.purpose == Purpose.DAMAGE and self._pending_damage is not None:
            index = self._pending_damage
            when, text, flag = self.key[index]
            self.key[index] = (when, f"{text} · {roll.text}", flag)
            self._pending_damage = None
        if self._duel_roll(e):
            self._aimed(e.seat or "")
            self.night.attempts[e.seat or ""] += 1
            self.night.landed[e.seat or ""] += roll.outcome in ("hit", "critical")
            self._critical = roll.outcome == "critical"
        self._outcome(e)
        self.scene_roll(r, e)

    OUTCOMES: ClassVar[tuple[str, ...]] = ("critical", "hit", "fumble", "miss")

    def _outcome(self, e: ev.Rolled) -> None:
        """The technique's outcome for the story: its best over every target it was rolled at."""
        deed, outcome = self._deed, e.roll.outcome
        if deed is None or e.seat != deed.who or outcome not in self.OUTCOMES:
            return
        if e.roll.purpose != Purpose.ATTACK:
            return
        if not deed.how or self.OUTCOMES.index(outcome) < self.OUTCOMES.index(deed.how):
            deed.how = outcome

    def scene_roll(self, r: int, e: ev.Rolled) -> None:
        """A roll for one of the scene's own purposes (a scene's reader overrides this)."""

    def _duel_roll(self, e: ev.Rolled) -> bool:
        """An attack roll of one character against another (not at an object or a front)."""
        using = self._using
        return (
            using is not None
            and e.roll.purpose == Purpose.ATTACK
            and any(self.state.find(t) is not None for t in using.targets)
            and e.seat == using.seat
        )

    def _aimed(self, seat: str) -> None:
        aimed = self.night.aimed.setdefault(seat, [])
        for target in self._using.targets if self._using else ():
            if self.state.find(target) is not None and target not in aimed:
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
        self._deed = self.tell(
            Deed(DeedKind.TECHNIQUE, who=e.seat, whom=e.targets, what=e.technique)
        )

    def damaged(self, r: int, e: ev.Damaged) -> None:
        using = self._using
        if using is not None and e.cause == ev.Cause.ATTACK and e.seat != using.seat:
            self.night.dealt[(using.seat, e.seat)] += e.amount
            self.night.blows.append(
                Blow(r, using.seat, e.seat, using.name, e.amount, self._critical)
            )
            self._landed(using)
        if self._deed is not None and e.seat not in self._deed.landed and e.seat != e.by:
            self._deed.landed.append(e.seat)
        if e.vitality <= 0 and e.cause in (ev.Cause.ATTACK, ev.Cause.CHOKING):
            self.night.downs.append((r, e.seat))
            flavour = e.kind_of if e.cause == ev.Cause.ATTACK else str(e.cause)
            how = f" ({flavour})" if flavour else ""
            self.moment(r, f"**Down.** {self.name(e.seat)} falls, vitality 0{how}.")
            by = (e.by,) if e.by else ()
            self.tell(Deed(DeedKind.DOWN, who=e.seat, whom=by, what=str(e.cause)))

    def _landed(self, using: ev.TechniqueUsed) -> None:
        if (using.seat, using.name) not in self.night.techniques:
            self.night.techniques.append((using.seat, using.name))

    def healed(self, r: int, e: ev.Healed) -> None:
        healer = self._using.seat if self._using else e.seat
        self.night.healed[healer] += e.amount
        if self._using is not None:
            self._landed(self._using)
        if self._deed is not None:
            self._deed.how = self._deed.how or "healed"
            self._deed.landed.append(e.seat)

    def condition(self, r: int, e: ev.ConditionAdded) -> None:
        if e.condition is Condition.CHOKING and e.by:
            self.night.grips.append((r, e.by, e.seat))
            if self._using is not None:
                self._landed(self._using)
            held = f"{self.name(e.by)} has {self.name(e.seat)} choking."
            self.moment(r, f"{self.GRIP} {held}")
            self.tell(Deed(DeedKind.GRIP, who=e.by, whom=(e.seat,)))
        elif e.condition is Condition.GUARDING and self._deed is None:
            self.tell(Deed(DeedKind.DEFENDED, who=e.seat))

    def freed(self, r: int, e: ev.ConditionRemoved) -> None:
        """A hold broken by the held one's own doing (not one let go, or traded for cords)."""
        deeds = self.chapters[-1].deeds
        own = deeds and deeds[-1].who == e.seat and deeds[-1].kind != DeedKind.FREED
        if e.condition is Condition.CHOKING and own:
            self.tell(Deed(DeedKind.FREED, who=e.seat))

    def moved(self, r: int, e: ev.Moved) -> None:
        self.tell(Deed(DeedKind.MOVED, who=e.seat, what=e.to_place))

    def offered(self, r: int, e: ev.DecisionOffered) -> None:
        """A decision offered (a scene's reader may tell its own)."""

    def made(self, r: int, e: ev.DecisionMade) -> None:
        self.night.choices.append((r, e.decider, e.option, e.result))
        self.moment(r, f"**{self.name(e.decider)} chooses {e.option}**: {e.result}.")
        self.chose(e)

    def chose(self, e: ev.DecisionMade) -> None:
        """The choice as a deed of the story."""
        self.tell(Deed(DeedKind.CHOICE, who=e.decider, what=e.option, how=e.result))

    def fate(self, r: int, e: ev.FateChanged) -> None:
        self.night.fates.append((r, e.seat, e.fate))
        self.moment(r, f"**{self.name(e.seat)} is {e.fate.value}.**")
        self.tell(Deed(DeedKind.FATE, who=e.seat, what=e.fate.value))

    def beat(self, r: int, e: ev.BeatReached) -> None:
        self.night.beats.append((r, e))
        self.chapters.append(Chapter(beat=e.beat, key=e.key, name=e.name))

    def posed(self, r: int, e: ev.Posed) -> None:
        if e.style == "say":
            self.night.said.append((r, e))
        if e.style == "pose":
            self._pose = e.seat
        self.words(e.style, e.seat, self.name(e.seat), e.text)

    def narrated(self, r: int, e: ev.Narrated) -> None:
        if e.by_gm:
            self.words("gm", None, "the GM", e.text)

    def npc(self, r: int, e: ev.NpcSpoke) -> None:
        self.words("npc", None, e.name, e.text)

    def ending(self, r: int, e: ev.EndingReached) -> None:
        self.night.ending_round = r
        self.moment(r, f"**Ending: {e.title}.**")

    def ended(self, r: int, e: ev.SessionEnded) -> None:
        self.night.end_reason = e.reason

    def extra_moments(self) -> list[str]:
        """Key moments the scene adds after the rest (a scene's reader overrides this)."""
        return []


Reader.HANDLERS = {
    ev.SessionOpened: Reader.opened,
    ev.GmHandedOver: Reader.handed,
    ev.SeatClaimed: Reader.claimed,
    ev.Rolled: Reader.rolled,
    ev.TechniqueUsed: Reader.used,
    ev.Damaged: Reader.damaged,
    ev.Healed: Reader.healed,
    ev.ConditionAdded: Reader.condition,
    ev.ConditionRemoved: Reader.freed,
    ev.Moved: Reader.moved,
    ev.Narrated: Reader.narrated,
    ev.NpcSpoke: Reader.npc,
    ev.DecisionOffered: Reader.offered,
    ev.DecisionMade: Reader.made,
    ev.FateChanged: Reader.fate,
    ev.BeatReached: Reader.beat,
    ev.Posed: Reader.posed,
    ev.EndingReached: Reader.ending,
    ev.SessionEnded: Reader.ended,
}


def read(state: SessionState, log: Sequence[Logged]) -> Reader:
    """Read the whole log once with the scene's reader: it holds the ``Night`` and the key
    moments."""
    from scenes.engine.registry import find_scene

    reader = find_scene(state.scene).reader(state)
    for moment in moments(log):
        reader.read(moment)
    return reader

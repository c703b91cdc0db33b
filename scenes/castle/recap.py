"""The castle's recap reader: the door, first sight, the mercy, the scrolls and the siege, read
into the night's facts, the key moments, and the deeds its story tells (``story.py``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scenes.castle.siege import DECISIONS as SIEGE_DECISIONS
from scenes.castle.words import (
    AMBUSH,
    CastleMoment,
    CastlePurpose,
    DecisionKind,
)
from scenes.castle.world import (
    Door,
    DoorChanged,
    FirstSight,
    NorthWingFell,
    ScrollsAt,
    ScrollsChanged,
    SiegeEventAnswered,
    SiegePressed,
    SiegeRelieved,
    SoldiersCame,
    SoldiersStruck,
    castle,
)
from scenes.engine import events as ev
from scenes.engine.dice import Roll
from scenes.engine.recap.reading import Night, Reader
from scenes.engine.recap.weave import Deed
from scenes.engine.state import Condition

# --- Reading the castle's own events -------------------------------------------------------


@dataclass
class Mercy:
    round: int
    decider: str
    subject: str
    heart: Roll | None = None
    option: str | None = None
    result: str | None = None


class CastleDeedKind:
    """The castle's own kinds of deed, for its story."""

    DOOR = "door"
    SIGHT = "sight"
    AMBUSH = "ambush"
    MERCY = "mercy"
    SCROLLS = "scrolls"
    SCROLLS_FAIL = "scrolls_fail"
    FELL = "fell"
    PRESSED = "siege"
    RELIEVED = "relieved"
    ANSWERED = "answered"
    SOLDIERS_CAME = "soldiers_came"
    SOLDIERS_STRUCK = "soldiers_struck"


@dataclass
class CastleNight(Night):
    doors: list[tuple[int, Door, str | None, Roll | None]] = field(default_factory=list)
    door_held: int = 0
    sights: list[tuple[str, str, bool, Roll | None]] = field(default_factory=list)
    ambushed: bool = False
    mercies: list[Mercy] = field(default_factory=list)
    scrolls: list[tuple[int, ScrollsChanged]] = field(default_factory=list)
    struggles: list[tuple[int, str, bool]] = field(default_factory=list)
    presses: list[SiegePressed] = field(default_factory=list)
    relief: Counter[str] = field(default_factory=Counter)
    fell: int | None = None


class CastleReader(Reader):
    night: CastleNight
    GRIP = "**Throat grip.**"

    def new_night(self) -> CastleNight:
        return CastleNight()

    def scene_roll(self, r: int, e: ev.Rolled) -> None:
        roll = e.roll
        if roll.purpose == CastlePurpose.HEART and self.night.mercies:
            self.night.mercies[-1].heart = roll
            self.moment(r, f"**The heart check.** {roll.text}")
            self._tell_mercy()
            if self._mercy is not None and roll.outcome == "failure":
                self._mercy.how = "refused"
        if roll.purpose == CastlePurpose.STRUGGLE and roll.outcome:
            self.night.struggles.append((r, e.seat or "", roll.outcome == "wins"))
            self.moment(r, f"**The struggle for the scrolls.** {roll.text}")
            if roll.outcome != "wins":
                self.tell(Deed(CastleDeedKind.SCROLLS_FAIL, who=e.seat))

    _mercy: Deed | None = None

    def door(self, r: int, e: DoorChanged) -> None:
        roll = self._last_roll.get(e.by) if e.door is Door.BROKEN else None
        self.night.doors.append((r, e.door, e.by, roll))
        if e.door is Door.BROKEN:
            text = f"**The oak door bursts** ({self.name(e.by)})."
            self.moment(r, f"{text} {roll.text}" if roll else text)
        self.tell(Deed(CastleDeedKind.DOOR, who=e.by, what=e.door.value))

    def narrated(self, r: int, e: ev.Narrated) -> None:
        super().narrated(r, e)
        if e.moment == CastleMoment.DOOR_HOLDS:
            self.night.door_held += 1
            self.tell(
                Deed(
                    CastleDeedKind.DOOR, who=self._using.seat if self._using else None, what="held"
                )
            )

    def sight(self, r: int, e: FirstSight) -> None:
        roll = self._last_roll.get(e.seat)
        self.night.sights.append((e.seat, e.other, e.success, roll))
        verdict = "holds to duty" if e.success else "hesitates"
        text = roll.text if roll else f"{self.name(e.seat)} {verdict}."
        self.moment(r, f"**First sight.** {text}")
        how = "held" if e.success else "faltered"
        self.tell(Deed(CastleDeedKind.SIGHT, who=e.seat, whom=(e.other,), how=how))

    def marked(self, r: int, e: ev.Marked) -> None:
        if e.mark == AMBUSH and not e.on:
            self.night.ambushed = True
            self._before_the_blow(Deed(CastleDeedKind.AMBUSH, who=e.seat))

    def _before_the_blow(self, deed: Deed) -> None:
        """Tell ``deed`` just before this command's technique (the ambush opens the blow)."""
        items = self.chapters[-1].items
        at = next((i for i, item in enumerate(items) if item is self._deed), len(items))
        items.insert(at, deed)

    def offered(self, r: int, e: ev.DecisionOffered) -> None:
        decision = e.decision
        if decision.kind != DecisionKind.MERCY:
            return
        again = self._mercy is not None and self._mercy.who == decision.decider
        if not again:  # (a mercy open in the grip waits once the held one is choked down)
            self.night.mercies.append(Mercy(r, decision.decider, decision.subject))
            who, whom = self.name(decision.decider), self.name(decision.subject)
            self.moment(r, f"**The mercy.** {who} holds {whom}'s life.")
            self._mercy = Deed(CastleDeedKind.MERCY, who=decision.decider, whom=(decision.subject,))
            self._mercy_told = False
        if decision.waits:
            self._tell_mercy()

    _mercy_told = False
    _letting_go: str | None = None

    def _tell_mercy(self) -> None:
        """The mercy is told where its holder takes it up: at once when the scene waits on it,
        else (open beside the held one's turns) when the holder answers it."""
        if self._mercy is not None and not self._mercy_told:
            self.tell(self._mercy)
            self._mercy_told = True

    def freed(self, r: int, e: ev.ConditionRemoved) -> None:
        """A grip let go at the mercy is the holder's doing, not the held one's escape."""
        if e.condition is Condition.CHOKING and e.seat == self._letting_go:
            self._letting_go = None
            return
        super().freed(r, e)

    def made(self, r: int, e: ev.DecisionMade) -> None:
        if e.of in SIEGE_DECISIONS:  # a key moment, not a deed of the pair's story
            self.night.choices.append((r, e.decider, e.option, e.result))
            self.moment(r, f"**{self.name(e.decider)} chooses {e.option}**: {e.result}.")
            return
        mercy = self.night.mercies[-1] if self.night.mercies else None
        answers_it = e.of in ("", DecisionKind.MERCY)  # not the held one's own choice
        if mercy is not None and mercy.option is None and e.decider == mercy.decider and answers_it:
            mercy.option, mercy.result = e.option, e.result
            self.moment(r, f"**{self.name(e.decider)} chooses {e.option}**: {e.result}.")
            self._tell_mercy()
            self._letting_go = mercy.subject
            if self._mercy is not None:
                self._mercy.what = e.option
                self._mercy.how = self._mercy.how or e.result
                self._mercy = None
        else:
            super().made(r, e)

    def scrolls_changed(self, r: int, e: ScrollsChanged) -> None:
        self.night.scrolls.append((r, e))
        self.tell(Deed(CastleDeedKind.SCROLLS, who=e.holder or e.by, what=e.at.value))
        if e.at is ScrollsAt.CARRIED:
            self.moment(r, f"**The scrolls are taken** by {self.name(e.holder)}.")
        elif e.at is ScrollsAt.LOST:
            self.moment(r, "**The scrolls are lost** to the army.")
        elif e.at is ScrollsAt.HIDDEN and e.by:
            self.moment(r, f"**The scrolls are hidden** by {self.name(e.by)}.")

    def relieved(self, r: int, e: SiegeRelieved) -> None:
        if self.night.fell is None:
            self.night.relief[e.seat] += e.amount
            self.tell(Deed(CastleDeedKind.RELIEVED, who=e.seat))

    def pressed(self, r: int, e: SiegePressed) -> None:
        self.night.presses.append(e)
        self.tell(Deed(CastleDeedKind.PRESSED))

    def fell(self, r: int, e: NorthWingFell) -> None:
        self.night.fell = r
        self.tell(Deed(CastleDeedKind.FELL))
        roll = self._last_roll.get(None)
        text = "**The north wing falls.**"
        self.moment(r, f"{text} {roll.text}" if roll else text)

    def extra_moments(self) -> list[str]:
        presses = self.night.presses
        if not presses or self.night.fell is not None:
            return []
        siege = castle(self.state).siege
        worst = min(p.integrity for p in presses)
        return [
            f"**The north wing holds** at {siege.integrity}/{siege.max_integrity} "
            f"(at worst {worst})."
        ]


def _answered(self: CastleReader, r: int, e: SiegeEventAnswered) -> None:
    """A defender's answer to the round's siege event (one that ran by default is the siege's
    own, told with the press)."""
    if e.seat is not None:
        self.tell(Deed(CastleDeedKind.ANSWERED, who=e.seat, what=f"{e.event}:{e.choice}"))


def _soldiers_came(self: CastleReader, r: int, e: SoldiersCame) -> None:
    self.tell(Deed(CastleDeedKind.SOLDIERS_CAME, what=e.place))


def _soldiers_struck(self: CastleReader, r: int, e: SoldiersStruck) -> None:
    how = "routed" if e.count == 0 else "felled" if e.felled else "hit"
    self.tell(Deed(CastleDeedKind.SOLDIERS_STRUCK, who=e.seat, how=how))


CastleReader.HANDLERS = {
    **Reader.HANDLERS,
    DoorChanged: CastleReader.door,
    ev.Narrated: CastleReader.narrated,
    FirstSight: CastleReader.sight,
    ev.Marked: CastleReader.marked,
    ev.DecisionOffered: CastleReader.offered,
    ev.DecisionMade: CastleReader.made,
    ev.ConditionRemoved: CastleReader.freed,
    ScrollsChanged: CastleReader.scrolls_changed,
    SiegeRelieved: CastleReader.relieved,
    SiegePressed: CastleReader.pressed,
    NorthWingFell: CastleReader.fell,
    SiegeEventAnswered: _answered,
    SoldiersCame: _soldiers_came,
    SoldiersStruck: _soldiers_struck,
}

"""The castle's recap: its reader (the door, first sight, the mercy, the scrolls, the siege)
and its story, the session's facts told in the scene's voice, variants chosen by seed."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from scenes.castle.words import (
    AMBUSH,
    DEFENDER,
    SAKURA,
    SASUKE,
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
    SiegePressed,
    SiegeRelieved,
    castle,
)
from scenes.engine import events as ev
from scenes.engine.dice import Roll
from scenes.engine.recap.reading import Night, Reader
from scenes.engine.state import SessionState
from scenes.engine.text import clip, joined, one_line, times, word
from scenes.schema import Scene

QUOTE_LIMIT = 160

_word, _times, _joined = word, times, joined


# --- Reading the castle's own events -------------------------------------------------------


@dataclass
class Mercy:
    round: int
    decider: str
    subject: str
    heart: Roll | None = None
    option: str | None = None
    result: str | None = None


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
        if roll.purpose == CastlePurpose.STRUGGLE and roll.outcome:
            self.night.struggles.append((r, e.seat or "", roll.outcome == "wins"))
            self.moment(r, f"**The struggle for the scrolls.** {roll.text}")

    def door(self, r: int, e: DoorChanged) -> None:
        roll = self._last_roll.get(e.by) if e.door is Door.BROKEN else None
        self.night.doors.append((r, e.door, e.by, roll))
        if e.door is Door.BROKEN:
            text = f"**The oak door bursts** ({self.name(e.by)})."
            self.moment(r, f"{text} {roll.text}" if roll else text)

    def narrated(self, r: int, e: ev.Narrated) -> None:
        if e.moment == CastleMoment.DOOR_HOLDS:
            self.night.door_held += 1

    def sight(self, r: int, e: FirstSight) -> None:
        roll = self._last_roll.get(e.seat)
        self.night.sights.append((e.seat, e.other, e.success, roll))
        verdict = "holds to duty" if e.success else "hesitates"
        text = roll.text if roll else f"{self.name(e.seat)} {verdict}."
        self.moment(r, f"**First sight.** {text}")

    def marked(self, r: int, e: ev.Marked) -> None:
        if e.mark == AMBUSH and not e.on:
            self.night.ambushed = True

    def offered(self, r: int, e: ev.DecisionOffered) -> None:
        decision = e.decision
        if decision.kind == DecisionKind.MERCY:
            self.night.mercies.append(Mercy(r, decision.decider, decision.subject))
            who, whom = self.name(decision.decider), self.name(decision.subject)
            self.moment(r, f"**The mercy.** {who} holds {whom}'s life.")

    def made(self, r: int, e: ev.DecisionMade) -> None:
        mercy = self.night.mercies[-1] if self.night.mercies else None
        answers_it = e.of in ("", DecisionKind.MERCY)  # not the held one's own choice
        if mercy is not None and mercy.option is None and e.decider == mercy.decider and answers_it:
            mercy.option, mercy.result = e.option, e.result
            self.moment(r, f"**{self.name(e.decider)} chooses {e.option}**: {e.result}.")
        else:
            super().made(r, e)

    def scrolls_changed(self, r: int, e: ScrollsChanged) -> None:
        self.night.scrolls.append((r, e))
        if e.at is ScrollsAt.CARRIED:
            self.moment(r, f"**The scrolls are taken** by {self.name(e.holder)}.")
        elif e.at is ScrollsAt.LOST:
            self.moment(r, "**The scrolls are lost** to the army.")
        elif e.at is ScrollsAt.HIDDEN and e.by:
            self.moment(r, f"**The scrolls are hidden** by {self.name(e.by)}.")

    def relieved(self, r: int, e: SiegeRelieved) -> None:
        if self.night.fell is None:
            self.night.relief[e.seat] += e.amount

    def pressed(self, r: int, e: SiegePressed) -> None:
        self.night.presses.append(e)

    def fell(self, r: int, e: NorthWingFell) -> None:
        self.night.fell = r
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


CastleReader.HANDLERS = {
    **Reader.HANDLERS,
    DoorChanged: CastleReader.door,
    ev.Narrated: CastleReader.narrated,
    FirstSight: CastleReader.sight,
    ev.Marked: CastleReader.marked,
    ev.DecisionOffered: CastleReader.offered,
    ev.DecisionMade: CastleReader.made,
    ScrollsChanged: CastleReader.scrolls_changed,
    SiegeRelieved: CastleReader.relieved,
    SiegePressed: CastleReader.pressed,
    NorthWingFell: CastleReader.fell,
}


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


def _opening(rng: random.Random, n: Names, night: CastleNight, state: SessionState) -> str:
    hours = _word(rng.randint(2, 9))
    text = rng.choice(OPENINGS).format(hours=hours, sakura=n.sakura, sasuke=n.sasuke)
    defenders = [n.of(key) for key in night.players if n.state.character(key).role == DEFENDER]
    if defenders:
        text += " " + rng.choice(WALL_HELD).format(defenders=_joined(defenders))
    elif state.round:
        text += " " + rng.choice(WALL_EMPTY)
    if not state.round:
        text += " " + rng.choice(LOBBY if not state.open else WAITING)
    return text


def _door(rng: random.Random, n: Names, night: CastleNight) -> list[str]:
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


def _sight(rng: random.Random, n: Names, night: CastleNight) -> list[str]:
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


def _clash(rng: random.Random, n: Names, night: CastleNight) -> list[str]:
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


def _attacks(rng: random.Random, n: Names, night: CastleNight, key: str) -> str:
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


def _dealt_by(night: CastleNight, key: str) -> dict[str, int]:
    return {target: amount for (by, target), amount in night.dealt.items() if by == key}


def _dice_turns(night: CastleNight) -> list[str]:
    crits, fumbles = len(night.criticals), len(night.fumbles)
    if not crits and not fumbles:
        return []
    parts = []
    if crits:
        parts.append(f"a natural twenty {_times(crits)}")
    if fumbles:
        parts.append(f"a natural one {_times(fumbles)}")
    return [f"The dice showed {' and '.join(parts)}."]


def _mercy(rng: random.Random, n: Names, night: CastleNight) -> list[str]:
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
            f"{who} chose to strike, and the hand would not come down ({numbers}): "
            f"the heart refused, and {whom} lived."
        )
    if mercy.result == "bound":
        return f"{who} chose neither blade nor pardon but cords: {whom} was bound."
    return f"{who} chose to spare {whom}."


def _scrolls(rng: random.Random, n: Names, night: CastleNight) -> list[str]:
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


def _choice_line(n: Names, key: str, option: str, result: str, round_: int) -> str | None:
    who = n.of(key)
    lines = {
        "bargain": f"At the desk, in round {round_}, {who} offered a bargain instead of a blow.",
        "yield": f"{who} let the scrolls go rather than spill more blood over them.",
        "refuse": f"{who} refused the bargain.",
        "withdraw": f"{who} stepped back from the desk in round {round_} and withdrew.",
    }
    return lines.get(option)


def _siege(rng: random.Random, n: Names, night: CastleNight, state: SessionState) -> list[str]:
    siege = castle(state).siege
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


def _ending(rng: random.Random, n: Names, night: CastleNight, state: SessionState) -> str:
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


def _quote(rng: random.Random, n: Names, night: CastleNight) -> str:
    if not night.said:
        return ""
    _, line = max(night.said, key=lambda item: (len(item[1].text), -item[0]))
    lead = rng.choice(("One line outlived the night:", "Someone would remember the words:"))
    return f"{lead} “{clip(one_line(line.text), QUOTE_LIMIT)}” ({n.of(line.seat)})."


@dataclass(frozen=True)
class Names:
    state: SessionState
    scene: Scene

    def of(self, key: str | None) -> str:
        character = self.state.find(key) if key else None
        return character.name if character else "someone"

    @property
    def sakura(self) -> str:
        return self.of(SAKURA)

    @property
    def sasuke(self) -> str:
        return self.of(SASUKE)


def story(state: SessionState, reader: Reader) -> tuple[str, ...]:
    """The session told as a short story: its facts in the scene's voice, variants by seed."""
    assert isinstance(reader, CastleReader)
    night = reader.night
    rng = random.Random(f"recap:{state.seed}")
    names = Names(state, reader.rules.data)
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

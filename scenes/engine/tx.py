"""A decision in progress: events emitted so far, each applied at once to a working state."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from scenes.engine import events as ev
from scenes.engine.dice import Dice, Roll, deal
from scenes.engine.evolve import evolve
from scenes.engine.moments import ACTION
from scenes.engine.state import SessionState
from scenes.schema import OPENING, Scene

if TYPE_CHECKING:
    from scenes.engine.scene import SceneRules


LABELS = frozenset({"technique", "place", "from_place"})  # sheet labels, in sentence case
_SENTENCE_START = re.compile(r"(^|[.!?][\"”’]?\s+|[\"“])$")


def tell(line: str, fields: Mapping[str, object]) -> str:
    """``line`` with its fields filled; a label (a technique's or a place's name, written in
    sentence case) is told with its first letter lowered when it falls mid-sentence."""
    told: list[str] = []
    formatter = string.Formatter()
    for literal, name, spec, conversion in formatter.parse(line):
        told.append(literal)
        if name is None:
            continue
        value = format(formatter.convert_field(fields[name], conversion), spec or "")
        if name in LABELS and not _SENTENCE_START.search("".join(told)):
            value = value[:1].lower() + value[1:]
        told.append(value)
    return "".join(told)


class Tx:
    """Collects the events of one command; later rules see the effects of earlier events."""

    def __init__(self, state: SessionState, rules: SceneRules, dice: Dice) -> None:
        self.state = state
        self.rules = rules
        self.scene: Scene = rules.data
        self.dice = dice
        self.events: list[ev.Event] = []
        self.posed = False  # the player wrote this action's narration: the scene's is not told

    def emit(self, event: ev.Event) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    def narrate(
        self, moment: StrEnum, actor: str | None = None, target: str | None = None, **fields: object
    ) -> None:
        """Post one variant of ``moment``'s narration, dealt from the session's told memory.

        ``moment`` is a member of the core's ``Moment`` or of the scene's own moments (both
        closed sets, checked against the narration file when the scene loads). ``actor`` and
        ``target`` are character keys; their names and pronouns fill the line. A moment that
        tells the action itself is left out when the player posed it in their own words.
        """
        if self.posed and (moment in ACTION or moment in self.rules.action_moments):
            return
        self.narrate_line(str(moment), actor, target, **fields)

    def narrate_line(
        self, moment: str, actor: str | None = None, target: str | None = None, **fields: object
    ) -> None:
        """``narrate`` for a moment named by the scene's data (a beat's or an ending's).

        When the actor used a technique in this command and the scene has that technique's own
        lines for the moment (``<technique>_<moment>``), one of those is told instead; a line
        that begins with its subject (the actor's name, or the target's in a moment with no
        actor) is led in by one of the moment's openings, if it has any.
        """
        for prefix, key in (("", actor), ("target_", target)):
            if key is not None:
                fields.update(self._person(key, prefix))
        deck = self._deck(moment, actor)
        lines = self.scene.narration[deck]
        index, bits = self.deal(deck, len(lines))
        line, dealt = lines[index], [(deck, bits)]
        subject = "{actor} " if actor is not None else "{target} "
        if line.startswith(subject):
            line = self._opened(f"{moment}{OPENING}", line, dealt)
        self.emit(ev.Narrated(text=tell(line, fields), moment=moment, dealt=tuple(dealt)))

    def _opened(self, opening: str, line: str, dealt: list[tuple[str, int]]) -> str:
        """``line`` led in by one of the ``opening`` lines, if the scene has them."""
        openings = self.scene.narration.get(opening)
        if not openings:
            return line
        first, bits = self.deal(opening, len(openings))
        dealt.append((opening, bits))
        return f"{openings[first]} {line}"

    def _deck(self, moment: str, actor: str | None) -> str:
        """The lines ``moment`` is told from: the actor's technique's own, if the scene has them."""
        used = next((e for e in reversed(self.events) if isinstance(e, ev.TechniqueUsed)), None)
        if actor is not None and used is not None and used.seat == actor:
            own = f"{used.technique}_{moment}"
            if own in self.scene.narration:
                return own
        return moment

    def deal(self, deck: str, size: int) -> tuple[int, int]:
        """A variant of ``deck`` not told since its last shuffle, and the deck's told bits after:
        chosen from the session's seed and told memory, never from the dice."""
        told = self.state.told
        return deal(self.state.seed, told.lines, deck, told.told(deck), size)

    def _person(self, key: str, prefix: str) -> dict[str, str]:
        character = self.state.character(key)
        pronouns = self.scene.role(character.role).pronouns
        name_field = "actor" if not prefix else "target"
        return {
            name_field: character.name,
            f"{prefix}their": pronouns.their,
            f"{prefix}them": pronouns.them,
            f"{prefix}themself": pronouns.themself,
        }

    def roll(self, notation: str, label: str, purpose: str = "") -> Roll:
        """Roll without recording (the caller records it once its outcome is known)."""
        return self.dice.roll(notation, label, purpose)

    def record(self, roll: Roll, seat: str | None, **outcome: object) -> Roll:
        """Record a roll with its outcome (``against``, ``against_label``, ``outcome``)."""
        if outcome:
            roll = roll.model_copy(update=outcome)
        self.emit(ev.Rolled(seat=seat, roll=roll))
        return roll

    def name(self, key: str) -> str:
        return self.state.character(key).name

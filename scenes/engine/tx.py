"""A decision in progress: events emitted so far, each applied at once to a working state."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from scenes.engine import events as ev
from scenes.engine.dice import Dice, Roll, deal
from scenes.engine.evolve import evolve
from scenes.engine.moments import ACTION
from scenes.engine.state import SessionState
from scenes.schema import Scene

if TYPE_CHECKING:
    from scenes.engine.scene import SceneRules


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
        """``narrate`` for a moment named by the scene's data (a beat's or an ending's)."""
        lines = self.scene.narration[moment]
        for prefix, key in (("", actor), ("target_", target)):
            if key is not None:
                fields.update(self._person(key, prefix))
        index, dealt = self.deal(moment, len(lines))
        text = lines[index].format(**fields)
        self.emit(ev.Narrated(text=text, moment=moment, dealt=((moment, dealt),)))

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

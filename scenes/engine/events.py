"""Events: the facts a decided command produced. Applying them in order rebuilds the state."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    SerializeAsAny,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from scenes.engine.dice import Roll
from scenes.engine.state import (
    Character,
    Condition,
    Decision,
    Ending,
    Fate,
    Seat,
    SessionState,
    World,
    read_world,
)


class Cause(StrEnum):
    """What caused a loss of vitality (a scene may add causes of its own)."""

    ATTACK = "attack"
    CHOKING = "choking"
    GM = "gm"


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SessionOpened(_Event):
    kind: Literal["session_opened"] = "session_opened"
    scene: str
    gm_id: int
    seed: int
    seats: tuple[Seat, ...]
    characters: tuple[Character, ...]
    world: SerializeAsAny[World] = World()

    @model_validator(mode="before")
    @classmethod
    def _scene_world(cls, data: Any) -> Any:
        return read_world(data)


class SeatClaimed(_Event):
    kind: Literal["seat_claimed"] = "seat_claimed"
    seat: str
    member_id: int
    member_name: str
    name: str
    by_gm: bool = False


class SeatReleased(_Event):
    kind: Literal["seat_released"] = "seat_released"
    seat: str
    member_id: int
    by_gm: bool = False
    reason: str | None = None


class MemberMuted(_Event):
    kind: Literal["member_muted"] = "member_muted"
    member_id: int


class MemberUnmuted(_Event):
    kind: Literal["member_unmuted"] = "member_unmuted"
    member_id: int


class GmHandedOver(_Event):
    kind: Literal["gm_handed_over"] = "gm_handed_over"
    member_id: int


class Posed(_Event):
    """An in-character action (``act``), a line of dialogue (``say``), or a player's own words
    for the turn's action (``pose``: the action's narration in place of the scene's)."""

    kind: Literal["posed"] = "posed"
    seat: str
    style: Literal["act", "say", "pose"]
    text: str


class Narrated(_Event):
    """A line of the scene's narration (or the GM's). ``dealt`` holds, for each deck of variants
    the line was dealt from, the bits of that deck's variants told since it was last shuffled."""

    kind: Literal["narrated"] = "narrated"
    text: str
    moment: str | None = None
    by_gm: bool = False
    dealt: tuple[tuple[str, int], ...] = ()


class DiceRolled(_Event):
    """A free /roll."""

    kind: Literal["dice_rolled"] = "dice_rolled"
    member_id: int
    seat: str | None
    reason: str | None
    roll: Roll
    private: bool = False


class NpcSpoke(_Event):
    """A line of one of the scene's other people, voiced by the GM."""

    kind: Literal["npc_spoke"] = "npc_spoke"
    name: str
    text: str


class Rolled(_Event):
    """A roll the rules made, shown with its whole breakdown."""

    kind: Literal["rolled"] = "rolled"
    seat: str | None
    roll: Roll


class SceneBegan(_Event):
    kind: Literal["scene_began"] = "scene_began"
    order: tuple[str, ...]


class BeatReached(_Event):
    kind: Literal["beat_reached"] = "beat_reached"
    beat: int
    key: str
    name: str
    by_gm: bool = False


class TurnStarted(_Event):
    kind: Literal["turn_started"] = "turn_started"
    seat: str
    round: int


class TurnSkipped(_Event):
    kind: Literal["turn_skipped"] = "turn_skipped"
    seat: str
    reason: str


class TurnEnded(_Event):
    """The turn passes to nobody: no seated character can act."""

    kind: Literal["turn_ended"] = "turn_ended"
    seat: str


class ActionStarted(_Event):
    """Marks an undoable step; applying it saves the state before the step for /gm undo."""

    kind: Literal["action_started"] = "action_started"
    seat: str | None
    command: str


class TechniqueUsed(_Event):
    kind: Literal["technique_used"] = "technique_used"
    seat: str
    technique: str
    name: str
    cost: int
    targets: tuple[str, ...] = ()


class Damaged(_Event):
    """A loss of vitality; ``cause`` says what caused it, ``by`` and ``technique`` who and how."""

    kind: Literal["damaged"] = "damaged"
    seat: str
    amount: int
    vitality: int
    cause: str = Cause.ATTACK
    by: str | None = None
    technique: str | None = None
    kind_of: str = ""


class Healed(_Event):
    kind: Literal["healed"] = "healed"
    seat: str
    amount: int
    vitality: int


class ConditionAdded(_Event):
    kind: Literal["condition_added"] = "condition_added"
    seat: str
    condition: Condition
    by: str | None = None


class ConditionRemoved(_Event):
    kind: Literal["condition_removed"] = "condition_removed"
    seat: str
    condition: Condition


class EvasionChanged(_Event):
    """A bonus to evasion until the character's next turn (guarding, or a technique's), with
    the scene's mark it leaves until then, if any."""

    kind: Literal["evasion_changed"] = "evasion_changed"
    seat: str
    bonus: int
    mark: str | None = None


class Marked(_Event):
    """A scene's mark set on (or taken off) a character; ``until_turn`` marks last until the
    character's next turn."""

    kind: Literal["marked"] = "marked"
    seat: str
    mark: str
    on: bool = True
    until_turn: bool = False


class Moved(_Event):
    kind: Literal["moved"] = "moved"
    seat: str
    from_place: str
    to_place: str


class ResolveShifted(_Event):
    kind: Literal["resolve_shifted"] = "resolve_shifted"
    seat: str
    delta: int
    resolve: int
    why: str


class DecisionOffered(_Event):
    kind: Literal["decision_offered"] = "decision_offered"
    decision: Decision


class DecisionMade(_Event):
    """``decider`` answered their pending decision of ``of`` (empty in events stored when a
    scene held one decision at a time: the decider's first then)."""

    kind: Literal["decision_made"] = "decision_made"
    decider: str
    option: str
    result: str
    of: str = ""


class DecisionWithdrawn(_Event):
    """A pending decision that no longer stands (what it was about has passed)."""

    kind: Literal["decision_withdrawn"] = "decision_withdrawn"
    decider: str
    of: str


class FateChanged(_Event):
    kind: Literal["fate_changed"] = "fate_changed"
    seat: str
    fate: Fate


class RoundEnded(_Event):
    """The end of a round, with every number the recap's chart draws (``gauges``: the scene's)."""

    kind: Literal["round_ended"] = "round_ended"
    round: int
    vitality: dict[str, int]
    chakra: dict[str, int]
    gauges: dict[str, int] = {}


class Paused(_Event):
    kind: Literal["paused"] = "paused"
    reason: str | None


class Resumed(_Event):
    kind: Literal["resumed"] = "resumed"


class ValueSet(_Event):
    kind: Literal["value_set"] = "value_set"
    character: str | None
    field: str
    old: int | None
    new: int


class Undone(_Event):
    """/gm undo: the state from before the last undoable step, restored whole."""

    kind: Literal["undone"] = "undone"
    command: str
    restored: SessionState


class EndingReached(_Event):
    kind: Literal["ending_reached"] = "ending_reached"
    ending: Ending
    title: str


class SessionEnded(_Event):
    """The GM closes the session. ``was``: the ending first reached, when the GM changed the
    state since and the ending read at the close differs from it."""

    kind: Literal["session_ended"] = "session_ended"
    reason: str | None
    ending: Ending | None
    was: str | None = None


class SceneEvent(_Event):
    """An event of one scene's own: it changes only that scene's ``World``, by ``apply``.

    Each subclass has a ``kind`` of its own (unique across scenes); the registry finds the
    class again when a stored event is read back.
    """

    kind: str
    types: ClassVar[dict[str, type[SceneEvent]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        kind = cls.model_fields["kind"].default
        if isinstance(kind, str):
            if kind in SceneEvent.types and SceneEvent.types[kind] is not cls:
                raise TypeError(f"two scene events are called {kind!r}")
            SceneEvent.types[kind] = cls

    def apply(self, world: World) -> World:
        """The scene's world after this event (a subclass that changes it overrides this)."""
        return world


def _scene_event(value: Any, handler: ValidatorFunctionWrapHandler) -> SceneEvent:
    if isinstance(value, SceneEvent):
        return value
    if isinstance(value, dict):
        found = SceneEvent.types.get(str(value.get("kind")))
        if found is not None:
            return found.model_validate(value)
    raise ValueError(f"unknown event {value!r:.60}")


AnySceneEvent = Annotated[
    SceneEvent,
    WrapValidator(_scene_event),
    PlainSerializer(lambda event: event.model_dump(mode="json"), return_type=dict),
]

CoreEvent = Annotated[
    SessionOpened
    | SeatClaimed
    | SeatReleased
    | MemberMuted
    | MemberUnmuted
    | GmHandedOver
    | Posed
    | Narrated
    | DiceRolled
    | NpcSpoke
    | Rolled
    | SceneBegan
    | BeatReached
    | TurnStarted
    | TurnSkipped
    | TurnEnded
    | ActionStarted
    | TechniqueUsed
    | Damaged
    | Healed
    | ConditionAdded
    | ConditionRemoved
    | EvasionChanged
    | Marked
    | Moved
    | ResolveShifted
    | DecisionOffered
    | DecisionMade
    | DecisionWithdrawn
    | FateChanged
    | RoundEnded
    | Paused
    | Resumed
    | ValueSet
    | Undone
    | EndingReached
    | SessionEnded,
    Field(discriminator="kind"),
]


def _family(value: Any) -> str:
    """Which side of ``Event`` a value is: a scene's own event (its ``kind`` registered) or the
    core's. Told at once, so a core event is never also tried as a scene's, and the reverse."""
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return "scene" if kind in SceneEvent.types else "core"


Event = Annotated[
    Annotated[CoreEvent, Tag("core")] | Annotated[AnySceneEvent, Tag("scene")],
    Discriminator(_family),
]

EVENTS = TypeAdapter(tuple[Event, ...])


def dump_events(events: tuple[Event, ...]) -> str:
    """Events as JSON, byte for byte the same for the same events."""
    return EVENTS.dump_json(events).decode()


def load_events(text: str | bytes) -> tuple[Event, ...]:
    """Events read back from their JSON; events written by an earlier version of the engine
    are upgraded first (by the core, then by every registered scene)."""
    try:
        events = EVENTS.validate_json(text)
    except ValidationError:
        events = None
    if events is None or any(_unexplained_roll(e) for e in events):
        return EVENTS.validate_python([upgrade_event(item) for item in json.loads(text)])
    return events


def _unexplained_roll(event: Event) -> bool:
    """A roll stored before rolls said what they were for (every roll says so today)."""
    return isinstance(event, Rolled | DiceRolled) and not event.roll.purpose


def upgrade_event(data: Any) -> Any:
    """One stored event in today's shape: the core's own changes, then each scene's."""
    if not isinstance(data, dict):
        return data
    if data.get("kind") == "technique_used" and "target" in data:
        target = data.pop("target")
        data["targets"] = [t for t in (target or "").split(",") if t]
    if data.get("kind") == "damaged" and "cause" not in data and data.get("kind_of") == "choking":
        data["cause"] = Cause.CHOKING
    from scenes.engine.registry import scenes

    for rules in scenes():
        data = rules.upgrade_event(data)
    return data

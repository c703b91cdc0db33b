"""Commands: what an actor asks of the session, one small value per command of COMMANDS.md."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Actor(BaseModel):
    """Who issues a command. ``gm`` says the bot checked this member may use /gm here."""

    model_config = ConfigDict(frozen=True)

    member_id: int
    name: str = ""
    gm: bool = False


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Open(_Command):
    """Open a session of ``scene``; ``seats``: how many seats its role of several seats gets."""

    kind: Literal["open"] = "open"
    scene: str
    seats: int | None = None
    seed: int = 0


class Claim(_Command):
    kind: Literal["claim"] = "claim"
    role: str
    name: str | None = None


class Release(_Command):
    kind: Literal["release"] = "release"


class Act(_Command):
    kind: Literal["act"] = "act"
    text: str


class Say(_Command):
    kind: Literal["say"] = "say"
    text: str


class Jutsu(_Command):
    kind: Literal["jutsu"] = "jutsu"
    name: str
    target: str | None = None
    pose: str | None = None


class Defend(_Command):
    kind: Literal["defend"] = "defend"
    pose: str | None = None


class Move(_Command):
    kind: Literal["move"] = "move"
    to: str
    pose: str | None = None


class Interact(_Command):
    kind: Literal["interact"] = "interact"
    object: str
    how: str
    pose: str | None = None


class Choose(_Command):
    """Answer a pending decision; ``decider``: whose choice a button was made for (a press by
    another player is refused)."""

    kind: Literal["choose"] = "choose"
    option: str
    decider: str | None = None


class FreeRoll(_Command):
    """A free /roll; ``private``: seen by the roller and the session's GM only."""

    kind: Literal["roll"] = "roll"
    dice: str
    reason: str | None = None
    private: bool = False


class Begin(_Command):
    kind: Literal["begin"] = "begin"


class Pause(_Command):
    kind: Literal["pause"] = "pause"
    reason: str | None = None


class Resume(_Command):
    kind: Literal["resume"] = "resume"


class Advance(_Command):
    kind: Literal["advance"] = "advance"


class Narrate(_Command):
    kind: Literal["narrate"] = "narrate"
    text: str


class Skip(_Command):
    kind: Literal["skip"] = "skip"
    reason: str | None = None


class Undo(_Command):
    kind: Literal["undo"] = "undo"


class Assign(_Command):
    kind: Literal["assign"] = "assign"
    member_id: int
    member_name: str = ""
    role: str
    name: str | None = None


class Kick(_Command):
    kind: Literal["kick"] = "kick"
    member_id: int
    reason: str | None = None


class Mute(_Command):
    kind: Literal["mute"] = "mute"
    member_id: int


class Unmute(_Command):
    kind: Literal["unmute"] = "unmute"
    member_id: int


class Set(_Command):
    """Correct a number: a character's vitality, chakra or resolve, or one of the scene's
    gauges (then ``character`` is not read)."""

    kind: Literal["set"] = "set"
    character: str = ""
    field: str
    value: int


class Handover(_Command):
    kind: Literal["handover"] = "handover"
    member_id: int


class Check(_Command):
    """/gm check: an ad-hoc check for a character, 1d20 + a skill against a DC."""

    kind: Literal["check"] = "check"
    character: str
    skill: str
    dc: int
    reason: str | None = None


class Reward(_Command):
    """/gm resolve: the GM moves a character's resolve by one, for the way they played."""

    kind: Literal["resolve"] = "resolve"
    character: str
    shift: int
    reason: str


class Npc(_Command):
    """/gm npc: a line spoken by one of the scene's other people, named by the GM."""

    kind: Literal["npc"] = "npc"
    name: str
    text: str


class End(_Command):
    kind: Literal["end"] = "end"
    reason: str | None = None


Command = Annotated[
    Open
    | Claim
    | Release
    | Act
    | Say
    | Jutsu
    | Defend
    | Move
    | Interact
    | Choose
    | FreeRoll
    | Begin
    | Pause
    | Resume
    | Advance
    | Narrate
    | Skip
    | Undo
    | Assign
    | Kick
    | Mute
    | Unmute
    | Set
    | Handover
    | Check
    | Reward
    | Npc
    | End,
    Field(discriminator="kind"),
]

# Commands that use the acting character's turn.
TURN_COMMANDS = frozenset({"jutsu", "defend", "move", "interact"})
# Commands only a game master may issue.
GM_COMMANDS = frozenset(
    {
        "open",
        "begin",
        "pause",
        "resume",
        "advance",
        "narrate",
        "skip",
        "undo",
        "assign",
        "kick",
        "mute",
        "unmute",
        "set",
        "handover",
        "check",
        "resolve",
        "npc",
        "end",
    }
)
# Commands after which /gm undo can restore the state from just before them.
UNDOABLE = TURN_COMMANDS | {"choose", "skip"}

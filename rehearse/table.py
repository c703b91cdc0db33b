"""The rehearsal's table: one person playing every seat and the GM of a session stored like the
bot's. Each command is parsed, run through the bot's SessionService and answered with the very
embeds the bot would post (``cogs.render``)."""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import discord

from cogs import render
from cogs.common import NO_SESSION, TYPED_OPTIONS, turn_moved
from cogs.players import help_text
from cogs.views import decision_view
from db.models import StoredSession
from db.sessions import Ran, SessionService
from db.store import SqliteStore
from rehearse.surface import Malformed, Typed, parse, shown
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.dice import Dice
from scenes.engine.errors import Refusal
from scenes.engine.limits import NAME_LIMIT
from scenes.engine.queries import find_character
from scenes.engine.recap import recap_pages
from scenes.engine.registry import SceneNotFound, find_scene, scene_keys
from scenes.engine.session import Accepted, Refused, scene_named
from scenes.engine.state import SessionState
from scenes.engine.transcript import transcript

GUILD = 0  # the rehearsal's own "server": its sessions are listed apart from any real one
GM = cmd.Actor(member_id=1, name="GM", gm=True)
FIRST_PLAYER = 101
DEFAULT_DB = Path("data/rehearsal.sqlite3")
NUMBER = re.compile(r"^\d{1,3}$")
REHEARSAL_HELP = (
    "In a rehearsal you play every seat and the GM:\n"
    "• `as gm`, `as sasuke`, `as Ren` (a seat, a character's name, or a new player's name) "
    "says who types the next commands; a new player then takes a seat with `/claim`.\n"
    "• `/gm …` commands are always yours, whoever you play.\n"
    "• When a choice waits, type its number.\n"
    "• Tab completes commands, options and their values; `quit` (or Ctrl-D) leaves. "
    "The rehearsal is stored: `--resume ID` continues it."
)


class Unknown(Exception):
    """A ``who`` that names nobody (an ``as`` line, a member option)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A decision's option as the bot's buttons show it, numbered."""

    number: int
    label: str
    grave: bool


@dataclass(frozen=True, slots=True)
class Post:
    """What one command shows: the bot's embeds, a line of text, the numbered choices; or, when
    ``refused``, the sentence the player reads."""

    embeds: tuple[discord.Embed, ...] = ()
    content: str | None = None
    choices: tuple[Choice, ...] = ()
    refused: bool = False


def refusal(message: str) -> list[Post]:
    return [Post(content=message, refused=True)]


@dataclass
class Table:
    """A rehearsal in progress: the service, the session, the players, and who acts now."""

    service: SessionService
    path: Path
    session_id: int | None = None
    state: SessionState | None = None
    channel_id: int = 1
    actor: cmd.Actor = GM
    players: dict[str, cmd.Actor] = field(default_factory=dict)
    transcript_path: Path | None = None

    # --- start and stop ----------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path, transcript_path: Path | None = None) -> Table:
        """The table over the SQLite file at ``path`` (created, with its folder)."""
        store = await SqliteStore.open(path)
        return cls(service=SessionService(store), path=path, transcript_path=transcript_path)

    async def close(self) -> None:
        try:
            await self.write_transcript()
        finally:
            await self.service.close()

    async def start(self, scene: str, seats: int | None, seed: int | None) -> list[Post]:
        """Open a new rehearsal, as ``/gm open`` does, in a channel of its own."""
        records = await self.service.sessions(GUILD)
        self.channel_id = max((r.channel_id for r in records), default=0) + 1
        return await self._open(scene, seats, seed)

    async def resume(self, session_id: int) -> list[Post]:
        try:
            stored = await self.service.get(session_id)
        except SceneNotFound as error:
            raise Unknown(f"Rehearsal #{session_id} is {unloaded(error)}") from None
        if stored is None or stored.record.guild_id != GUILD:
            raise Unknown(f"There is no rehearsal #{session_id} in {self.path}.")
        self._follow(stored)
        self.players = {}
        for seat in stored.state.seats:
            if seat.member_id is not None:
                self.players[seat.member_name.casefold()] = cmd.Actor(
                    member_id=seat.member_id, name=seat.member_name
                )
        resumed = (
            f"Rehearsal #{session_id} of {find_scene(stored.state.scene).name} resumed "
            f"from {self.path}, at version {stored.version}. You are the GM."
        )
        posts = [Post(content=resumed), Post(embeds=(render.roles_embed(stored.state),))]
        if stored.state.decisions:
            posts.append(self._choices(stored.state))
        return posts

    async def write_transcript(self) -> Path | None:
        """The Markdown transcript of the session so far, if ``--transcript`` asked for one."""
        if self.transcript_path is None or self.session_id is None or self.state is None:
            return None
        log = await self.service.log(self.session_id)
        try:
            self.transcript_path.parent.mkdir(parents=True, exist_ok=True)
            self.transcript_path.write_text(
                transcript(self.state, log, TYPED_OPTIONS), encoding="utf-8"
            )
        except OSError as error:
            why = error.strerror or type(error).__name__
            raise Unknown(f"Cannot write the transcript {self.transcript_path}: {why}.") from None
        return self.transcript_path

    # --- who is who --------------------------------------------------------------------------

    def who(self, name: str, create: bool) -> cmd.Actor:
        """The player ``name`` names: ``gm``, a seat's key or a character's name (its player),
        a player's name, or (``create``) a new player of that name."""
        wanted = " ".join(name.split())
        if not wanted:
            raise Unknown("Say who: `as gm`, `as` a seat or character, or a new player's name.")
        if wanted.casefold() == "gm":
            return GM
        state = self.state
        if state is not None:
            character = find_character(state, wanted)
            if character is not None:
                seat = state.seat(character.key)
                if seat.member_id is not None:
                    return cmd.Actor(member_id=seat.member_id, name=seat.member_name)
        known = self.players.get(wanted.casefold())
        if known is not None:
            return known
        if not create:
            raise Unknown(f"Nobody here is called “{shown(wanted, 32)}”.")
        if len(wanted) > NAME_LIMIT or not wanted.isprintable():
            raise Unknown(f"A player's name is at most {NAME_LIMIT} printable characters.")
        used = {a.member_id for a in self.players.values()} | {GM.member_id}
        if state is not None:
            used |= {s.member_id for s in state.seats if s.member_id is not None}
        actor = cmd.Actor(member_id=max([FIRST_PLAYER - 1, *used]) + 1, name=wanted)
        self.players[wanted.casefold()] = actor
        return actor

    def play_as(self, name: str) -> str:
        """``as NAME``: the line saying who now types."""
        self.actor = self.who(name, create=True)
        return f"You now play {self.describe_actor()}."

    def describe_actor(self, actor: cmd.Actor | None = None) -> str:
        actor = actor or self.actor
        if actor.member_id == GM.member_id:
            return "the GM"
        seat = self.state.seat_of(actor.member_id) if self.state else None
        if seat is None or self.state is None:
            return f"{actor.name} (no seat yet: `/claim`)"
        return f"{self.state.character(seat.key).name} ({actor.name})"

    def prompt_name(self) -> str:
        if self.actor.member_id == GM.member_id:
            return "gm"
        seat = self.state.seat_of(self.actor.member_id) if self.state else None
        if seat is not None and self.state is not None:
            return self.state.character(seat.key).name
        return self.actor.name

    def name_of_member(self, member_id: int) -> str:
        """A mention's name: the GM, or the player's name."""
        if member_id == GM.member_id:
            return "GM"
        for actor in self.players.values():
            if actor.member_id == member_id:
                return actor.name
        if self.state is not None:
            for seat in self.state.seats:
                if seat.member_id == member_id and seat.member_name:
                    return seat.member_name
        return f"player {member_id}"

    def seat_key(self) -> str | None:
        """The seat the acting player holds."""
        seat = self.state.seat_of(self.actor.member_id) if self.state else None
        return seat.key if seat else None

    def names(self) -> list[tuple[str, str]]:
        """Whom ``as`` and member options may name: the GM, the characters, the players."""
        found: dict[str, str] = {"gm": "GM"}
        if self.state is not None:
            for character in self.state.characters:
                seat = self.state.seat(character.key)
                holder = f" — {seat.member_name}" if seat.member_id is not None else " (free)"
                found[character.name] = f"{character.name}{holder}"
        for actor in self.players.values():
            found.setdefault(actor.name, f"{actor.name} (player)")
        return [(label, value) for value, label in found.items()]

    # --- playing -----------------------------------------------------------------------------

    async def line(self, text: str) -> list[Post]:
        """One typed line: a number (a choice), ``as …``, ``help``, or a slash command."""
        text = text.strip()
        if NUMBER.match(text):
            return await self.choose_number(int(text))
        word = text.split(None, 1)[0].casefold() if text else ""
        if word == "as":
            try:
                return [Post(content=self.play_as(text[2:]))]
            except Unknown as error:
                return refusal(str(error))
        if word in ("help", "/help"):
            return self.help()
        if not text.startswith("/"):
            return refusal(
                "Commands start with a slash, e.g. /say text:Hello, or /roles; "
                "`as NAME` changes whom you play; `help` explains."
            )
        try:
            typed = parse(text)
        except Malformed as error:
            return refusal(error.message)
        handler = _HANDLERS.get(typed.spec.name)
        if handler is None:
            return refusal(
                f"/{typed.spec.name} has no meaning in a rehearsal (there is no server)."
            )
        try:
            return await handler(self, typed)
        except Unknown as error:
            return refusal(str(error))
        except Refusal as error:
            return refusal(error.message)
        except SceneNotFound as error:
            return refusal(f"That session is {unloaded(error)}")

    def help(self) -> list[Post]:
        embed = discord.Embed(title="How to play", description=help_text(), colour=render.STORM)
        rehearsal = discord.Embed(
            title="Rehearsing", description=REHEARSAL_HELP, colour=render.STORM
        )
        return [Post(embeds=(embed, rehearsal))]

    async def choose_number(self, number: int) -> list[Post]:
        state = self.state
        if state is None or not state.decisions:
            return refusal("No choice waits now; a number answers a choice when one is offered.")
        options = [(d.decider, o) for d in state.decisions for o in d.options]
        if not 1 <= number <= len(options):
            return refusal(f"Choose a number from 1 to {len(options)}.")
        decider, option = options[number - 1]
        seat = state.seat(decider)
        actor = self.actor
        if seat.member_id is not None:
            actor = cmd.Actor(member_id=seat.member_id, name=seat.member_name)
        command = cmd.Choose(option=option, decider=decider)
        return await self.run(command, "A choice is made", actor)

    async def run(
        self, command: cmd.Command, title: str, actor: cmd.Actor | None = None, gm: bool = False
    ) -> list[Post]:
        """Play a command and answer as the bot does: the outcome, the choices, whose turn."""
        ran = await self.execute(command, GM if gm else actor or self.actor)
        if not isinstance(ran.outcome, Accepted):
            return refusal(_refused(ran))
        outcome = ran.outcome
        seat = outcome.state.seat_of((GM if gm else actor or self.actor).member_id)
        shown_as = None if gm or seat is None else seat.key
        posts = [
            Post(embeds=(render.outcome_embed(outcome.state, outcome.events, title, shown_as),))
        ]
        if outcome.state.decisions:
            posts.append(self._choices(outcome.state))
        if turn_moved(outcome.events):
            announcement = render.turn_announcement(outcome.state)
            if announcement is not None:
                posts.append(Post(content=announcement[0]))
        return posts

    async def execute(self, command: cmd.Command, actor: cmd.Actor) -> Ran:
        if self.session_id is None:
            return Ran(Refused(message=NO_SESSION), None)
        ran = await self.service.run_session(self.session_id, actor, command)
        if isinstance(ran.outcome, Accepted):
            self.state = ran.outcome.state
        if ran.outboxed:  # the answer is shown at once: nothing is left to post late
            await self.service.posted(self.session_id, ran.version)
        return ran

    def _choices(self, state: SessionState) -> Post:
        """The decision's buttons, as the bot builds them, numbered."""
        view = decision_view(self.session_id or 0, state)
        choices = []
        for number, item in enumerate(view.children if view else (), start=1):
            button = getattr(item, "item", item)
            if isinstance(button, discord.ui.Button):
                grave = button.style is discord.ButtonStyle.danger
                choices.append(Choice(number=number, label=button.label or "", grave=grave))
        return Post(choices=tuple(choices))

    def turn_seat(self) -> str | None:
        """The seat whose player acts next (a waiting choice first), if one is seated."""
        state = self.state
        if state is None:
            return None
        key = state.waiting[0].decider if state.waiting else state.turn
        if key is None or state.seat(key).member_id is None:
            return None
        return key

    def follow_turn(self) -> str | None:
        """Play the seat whose turn it now is; the line saying so, when that changes whom."""
        key = self.turn_seat()
        if key is None or self.state is None:
            return None
        seat = self.state.seat(key)
        if seat.member_id == self.actor.member_id or seat.member_id is None:
            return None
        self.actor = cmd.Actor(member_id=seat.member_id, name=seat.member_name)
        return f"You now play {self.describe_actor()}."

    async def _open(self, scene: str, seats: int | None, seed: int | None) -> list[Post]:
        chosen = seed if seed is not None else random.SystemRandom().getrandbits(48)
        command = cmd.Open(scene=scene, seats=seats, seed=chosen)
        ran = await self.service.open_session(GUILD, self.channel_id, GM, command)
        if not isinstance(ran.outcome, Accepted) or ran.session is None:
            return refusal(_refused(ran))
        self.session_id = ran.session.id
        self.state = ran.outcome.state
        self.actor = GM
        embed = render.roles_embed(self.state)
        embed.description = find_scene(self.state.scene).data.lobby
        opened = (
            f"Rehearsal #{self.session_id} of {find_scene(self.state.scene).name} "
            f"(seed {chosen}), stored in {self.path}: continue it later with "
            f"`--resume {self.session_id}`. You are the GM; `as NAME` plays a seat."
        )
        return [Post(content=opened), Post(embeds=(embed,))]

    def _follow(self, stored: StoredSession) -> None:
        self.session_id = stored.id
        self.state = stored.state
        self.channel_id = stored.record.channel_id
        self.actor = GM


def unloaded(error: SceneNotFound) -> str:
    """The end of a sentence about a stored session whose scene this run has not loaded."""
    return (
        f"of a scene this rehearsal has not loaded ({error}); load it with --load MODULE, "
        "e.g. --load tests.ferry."
    )


def _refused(ran: Ran) -> str:
    assert isinstance(ran.outcome, Refused)
    return ran.outcome.message


# --- the commands, as the cogs answer them --------------------------------------------------

Handler = Callable[[Table, Typed], Awaitable[list[Post]]]


def _state(table: Table) -> SessionState:
    if table.state is None:
        raise Refusal(NO_SESSION)
    return table.state


async def _roles(table: Table, typed: Typed) -> list[Post]:
    return [Post(embeds=(render.roles_embed(_state(table)),))]


async def _claim(table: Table, typed: Typed) -> list[Post]:
    command = cmd.Claim(role=typed.text("role") or "", name=typed.text("name"))
    return await table.run(command, "A seat is taken")


async def _release(table: Table, typed: Typed) -> list[Post]:
    return await table.run(cmd.Release(), "A seat is freed")


async def _pose(table: Table, typed: Typed) -> list[Post]:
    text = typed.text("text") or ""
    command: cmd.Act | cmd.Say = (
        cmd.Act(text=text) if typed.spec.name == "act" else cmd.Say(text=text)
    )
    ran = await table.execute(command, table.actor)
    if not isinstance(ran.outcome, Accepted):
        return refusal(_refused(ran))
    posed = ran.outcome.events[-1]
    assert isinstance(posed, ev.Posed)
    embed = render.pose_embed(ran.outcome.state, posed.seat, command.kind, posed.text)
    return [Post(embeds=(embed,))]


async def _jutsu(table: Table, typed: Typed) -> list[Post]:
    command = cmd.Jutsu(
        name=typed.text("name") or "", target=typed.text("target"), pose=typed.text("pose")
    )
    return await table.run(command, "A technique")


async def _defend(table: Table, typed: Typed) -> list[Post]:
    return await table.run(cmd.Defend(pose=typed.text("pose")), "On guard")


async def _move(table: Table, typed: Typed) -> list[Post]:
    command = cmd.Move(to=typed.text("to") or "", pose=typed.text("pose"))
    return await table.run(command, "On the move")


async def _interact(table: Table, typed: Typed) -> list[Post]:
    obj = typed.text("object") or ""
    command = cmd.Interact(object=obj, how=typed.text("how") or "", pose=typed.text("pose"))
    return await table.run(command, f"The {obj.strip().casefold()}"[:40])


async def _choose(table: Table, typed: Typed) -> list[Post]:
    return await table.run(cmd.Choose(option=typed.text("option") or ""), "A choice is made")


async def _status(table: Table, typed: Typed) -> list[Post]:
    state = _state(table)
    name = typed.text("character")
    if name is None:
        key = table.seat_key()
    else:
        found = find_character(state, name)
        key = found.key if found else None
    if key is None:
        names = ", ".join(c.name for c in state.characters)
        return refusal(f"Name a character: {names}.")
    return [Post(embeds=(render.status_embed(state, key),))]


async def _roll(table: Table, typed: Typed) -> list[Post]:
    dice, reason = typed.text("dice") or "", typed.text("reason")
    if table.state is None:
        roll = Dice(random.SystemRandom()).roll(dice, reason or "Roll")
        return [Post(embeds=(render.roll_embed(roll),))]
    private = (typed.text("private") or "").casefold() in ("true", "yes", "1")
    command = cmd.FreeRoll(dice=dice, reason=reason, private=private)
    ran = await table.execute(command, table.actor)
    if not isinstance(ran.outcome, Accepted):
        return refusal(_refused(ran))
    rolled = ran.outcome.events[-1]
    assert isinstance(rolled, ev.DiceRolled)
    return [Post(embeds=(render.roll_embed(rolled.roll),))]


async def _recap_of(table: Table, stored: StoredSession, final: bool) -> list[Post]:
    log = await table.service.log(stored.id)
    pages = recap_pages(stored.state, log, final=final)
    return [Post(embeds=tuple(embeds)) for embeds in render.recap_messages(pages)]


async def _recap(table: Table, typed: Typed) -> list[Post]:
    stored = await table.service.get(table.session_id) if table.session_id else None
    if stored is None:
        return refusal(NO_SESSION)
    return await _recap_of(table, stored, final=False)


async def _help(table: Table, typed: Typed) -> list[Post]:
    return table.help()


async def _gm_open(table: Table, typed: Typed) -> list[Post]:
    scene = typed.text("scene") or scene_keys()[0]
    scene_named(scene)  # the engine's sentence for a scene there is not
    return await table._open(scene, typed.number("defenders") or 2, None)


def _gm(command: Callable[[Typed], cmd.Command], title: str) -> Handler:
    async def handler(table: Table, typed: Typed) -> list[Post]:
        return await table.run(command(typed), title, gm=True)

    return handler


async def _gm_narrate(table: Table, typed: Typed) -> list[Post]:
    text = typed.text("text") or ""
    ran = await table.execute(cmd.Narrate(text=text), GM)
    if not isinstance(ran.outcome, Accepted):
        return refusal(_refused(ran))
    return [Post(embeds=(render.narration_embed(text),))]


def _member(table: Table, typed: Typed) -> cmd.Actor:
    return table.who(typed.text("member") or "", create=True)


async def _gm_assign(table: Table, typed: Typed) -> list[Post]:
    member = _member(table, typed)
    command = cmd.Assign(
        member_id=member.member_id,
        member_name=member.name,
        role=typed.text("role") or "",
        name=typed.text("name"),
    )
    return await table.run(command, "A seat is assigned", gm=True)


def _gm_member(kind: type[cmd.Kick | cmd.Mute | cmd.Unmute | cmd.Handover], title: str) -> Handler:
    async def handler(table: Table, typed: Typed) -> list[Post]:
        member = table.who(typed.text("member") or "", create=False)
        if kind is cmd.Kick:
            command: cmd.Command = cmd.Kick(member_id=member.member_id, reason=typed.text("reason"))
        else:
            command = kind(member_id=member.member_id)
        return await table.run(command, title, gm=True)

    return handler


async def _gm_check(table: Table, typed: Typed) -> list[Post]:
    member = table.who(typed.text("member") or "", create=False)
    seat = _state(table).seat_of(member.member_id)
    if seat is None:
        return refusal(f"{member.name} holds no seat here.")
    command = cmd.Check(
        character=seat.key,
        skill=typed.text("skill") or "",
        dc=typed.number("dc") or 0,
        reason=typed.text("reason"),
    )
    return await table.run(command, "A check", gm=True)


async def _gm_npc(table: Table, typed: Typed) -> list[Post]:
    command = cmd.Npc(name=typed.text("name") or "", text=typed.text("text") or "")
    ran = await table.execute(command, GM)
    if not isinstance(ran.outcome, Accepted):
        return refusal(_refused(ran))
    spoke = ran.outcome.events[-1]
    assert isinstance(spoke, ev.NpcSpoke)
    return [Post(embeds=(render.npc_embed(spoke.name, spoke.text),))]


async def _gm_end(table: Table, typed: Typed) -> list[Post]:
    posts = await table.run(cmd.End(reason=typed.text("reason")), "The session ends", gm=True)
    if posts[0].refused or table.session_id is None:
        return posts
    stored = await table.service.get(table.session_id)
    assert stored is not None
    posts.extend(await _recap_of(table, stored, final=True))
    try:
        await table.write_transcript()
    except Unknown as error:
        posts.extend(refusal(str(error)))
    return posts


async def _gm_sessions(table: Table, typed: Typed) -> list[Post]:
    records = await table.service.sessions(GUILD)
    rows = [
        (r.id, r.status.value, r.channel_id, r.created_at.strftime("%Y-%m-%d %H:%M"), r.ending)
        for r in records[:40]
    ]
    return [Post(embeds=(render.sessions_embed(rows),))]


async def _gm_recap(table: Table, typed: Typed) -> list[Post]:
    number = typed.number("session") or 0
    stored = await table.service.get(number)
    if stored is None or stored.record.guild_id != GUILD:
        return refusal(f"This server has no session #{number}.")
    return await _recap_of(table, stored, final=not stored.record.open)


_HANDLERS: dict[str, Handler] = {
    "roles": _roles,
    "claim": _claim,
    "release": _release,
    "act": _pose,
    "say": _pose,
    "jutsu": _jutsu,
    "defend": _defend,
    "move": _move,
    "interact": _interact,
    "choose": _choose,
    "status": _status,
    "roll": _roll,
    "recap": _recap,
    "help": _help,
    "gm open": _gm_open,
    "gm begin": _gm(lambda t: cmd.Begin(), "The scene begins"),
    "gm pause": _gm(lambda t: cmd.Pause(reason=t.text("reason")), "Paused"),
    "gm resume": _gm(lambda t: cmd.Resume(), "Play resumes"),
    "gm advance": _gm(lambda t: cmd.Advance(), "The story moves on"),
    "gm narrate": _gm_narrate,
    "gm skip": _gm(lambda t: cmd.Skip(), "A turn is skipped"),
    "gm undo": _gm(lambda t: cmd.Undo(), "Undone"),
    "gm assign": _gm_assign,
    "gm kick": _gm_member(cmd.Kick, "A player is unseated"),
    "gm mute": _gm_member(cmd.Mute, "Muted"),
    "gm unmute": _gm_member(cmd.Unmute, "Unmuted"),
    "gm set": _gm(
        lambda t: cmd.Set(
            character=t.text("character") or "",
            field=t.text("field") or "",
            value=t.number("value") or 0,
        ),
        "A number is corrected",
    ),
    "gm handover": _gm_member(cmd.Handover, "A new GM"),
    "gm check": _gm_check,
    "gm resolve": _gm(
        lambda t: cmd.Reward(
            character=t.text("character") or "",
            shift=t.number("shift") or 0,
            reason=t.text("reason") or "",
        ),
        "Resolve moves",
    ),
    "gm npc": _gm_npc,
    "gm end": _gm_end,
    "gm sessions": _gm_sessions,
    "gm recap": _gm_recap,
}
# The bot's commands a rehearsal has no use for: they configure a Discord server.
NOT_REHEARSED = frozenset({"gm config"})

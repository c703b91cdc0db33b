"""What every cog shares: the five steps (parse, load, decide, store, render and reply)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

import discord
from discord import app_commands

from cogs import render
from db.sessions import Ran
from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.session import Accepted, Refused
from scenes.engine.state import SessionState

if TYPE_CHECKING:
    from bot import CastleBot

# An interaction that reached this bot: ``interaction.client`` is a CastleBot. (CastleBot is
# named, not imported, at run time: no cog imports bot.py, which imports the cogs' helpers.)
Interaction: TypeAlias = discord.Interaction["CastleBot"]
T = TypeVar("T")
S = TypeVar("S")
# A button's or a modal's callback; discord.py types its interaction for any client, so these
# take ``discord.Interaction[Any]`` and hand it on to the helpers here, which take ours.
Callback: TypeAlias = Callable[[S, discord.Interaction[Any]], Coroutine[Any, Any, None]]

log = logging.getLogger("castle.cogs")
# The engine's option names as the slash commands name them (for the transcript).
TYPED_OPTIONS = {"seats": "defenders"}
NO_SESSION = "There is no open session in this channel. A GM can start one with `/gm open`."
NOT_GM = (
    "Only this session's GM, members with Manage Channels or Manage Server, or the "
    "server's GM role can use /gm. Ask the GM, or an admin to set `/gm config gm_role`."
)
APOLOGY = "Sorry — something went wrong on my side; it has been logged. Try again."
# Who sees /gm until an admin changes it (Server Settings → Integrations). Discord applies a
# top-level command's default permissions only, so /gm's are the group's, and the runtime check
# (gm_only) also lets in the session's GM and the server's GM role, whom no permission names.
GM_PERMISSIONS = discord.Permissions(manage_channels=True)


def actor_of(interaction: Interaction, gm: bool = False) -> cmd.Actor:
    user = interaction.user
    return cmd.Actor(member_id=user.id, name=user.display_name[:64], gm=gm)


async def may_gm(interaction: Interaction, state: SessionState | None) -> bool:
    """Whether the member may use /gm here: the session's GM, Manage Channels/Server, or GM role."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if state is not None and state.gm_id == member.id:
        return True
    permissions = member.guild_permissions
    if permissions.manage_channels or permissions.manage_guild:
        return True
    settings = await interaction.client.service.settings(member.guild.id)
    return settings.gm_role_id is not None and member.get_role(settings.gm_role_id) is not None


class NotAllowed(app_commands.CheckFailure):
    """A check that failed, with the sentence the member reads (the tree's handler sends it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def _gm_of_the_session(interaction: Interaction) -> bool:
    state = await current_state(interaction)
    if state is None:
        raise NotAllowed(NO_SESSION)
    if not await may_gm(interaction, state):
        raise NotAllowed(NOT_GM)
    return True


async def _gm_here(interaction: Interaction) -> bool:
    if not await may_gm(interaction, await current_state(interaction)):
        raise NotAllowed(NOT_GM)
    return True


async def _gm_of_the_server(interaction: Interaction) -> bool:
    if not await may_gm(interaction, None):
        raise NotAllowed(NOT_GM)
    return True


GM_CHECKS = {"needed": _gm_of_the_session, "if_any": _gm_here, "ignored": _gm_of_the_server}


def gm_only(session: Literal["needed", "if_any", "ignored"] = "needed") -> Callable[[T], T]:
    """The /gm check, paired with the default permissions that show the command (RoboDanny's
    pattern): the member must be one who may GM here (``may_gm``), else the command is refused
    with NOT_GM (through the tree's error handler).

    ``session``: "needed": the channel must have an open session (else NO_SESSION), whose GM
    may; "if_any": the GM of the channel's session may, if there is one; "ignored": only the
    server's GMs (permissions or the GM role) may, as for opening a session.
    """
    check = app_commands.check(GM_CHECKS[session])
    shown = app_commands.default_permissions(GM_PERMISSIONS)

    def decorator(command: T) -> T:
        return shown(check(command))

    return decorator


# A slash command that reaches its callback this long after Discord made it, or while the event
# loop runs its timers this late (the bot is busy: every await of the command will wait in line
# again), or behind a crowd of commands still unanswered (cogs/pulse.py), is answered
# "thinking…" at once, so it still meets Discord's 3-second deadline; its answer then fills
# that placeholder (README, "Under load").
LATE = timedelta(seconds=1)
BUSY = 0.15  # seconds of the pulse's lag (cogs/pulse.py)
DEADLINE = timedelta(seconds=3)
# A command still unanswered this long after Discord made it (waiting in line for the database,
# say) is answered "thinking…" then, while its work goes on. Its timer waits in the loop's line
# like everything else, and its "thinking…" is one task step later still: 1.5 s leaves the
# deferral more than a second to go out (at 2 s, a burst of 500 tables opening made some late).
RESCUE = timedelta(seconds=1.5)
HURRY_LOG_EVERY = 10.0  # seconds: how often the operator hears that commands came late


@dataclass
class _Late:
    """The commands answered thinking first since the operator last heard of them."""

    count: int = 0
    told_at: float = -HURRY_LOG_EVERY  # the first one is told at once


_late = _Late()
_PLACEHOLDER = "castle.placeholder"  # in Interaction.extras: "public" or "private", till filled
_ANSWERING = "castle.answering"  # in Interaction.extras: the lock of its first response
_RESCUE = "castle.rescue"  # in Interaction.extras: the timer of its rescue, till it answers


def _answering(interaction: Interaction) -> asyncio.Lock:
    """Held while the interaction's first response is chosen and sent: the rescue's "thinking…"
    and the command's own answer never both go out as the first response."""
    lock = interaction.extras.get(_ANSWERING)
    if lock is None:
        lock = interaction.extras[_ANSWERING] = asyncio.Lock()
    return lock


async def hurry(interaction: Interaction) -> bool:
    """Defer (publicly) a slash command that starts late, or while the bot is busy; whether it
    did. One too old to answer in time anyway (the clock is off, say) is left as it is. One
    deferred nothing now is watched: still unanswered at RESCUE, it is deferred then."""
    age = discord.utils.utcnow() - interaction.created_at
    pulse = interaction.client.pulse
    if age >= DEADLINE or interaction.response.is_done():
        return False
    if age < LATE and pulse.lag < BUSY and pulse.waiting < pulse.crowd:
        _watch(interaction, RESCUE - age)
        return False
    _tell_late(interaction)
    await hold(interaction)
    return True


def _tell_late(interaction: Interaction) -> None:
    """Count a command answered thinking first; tell the operator one line a while."""
    _late.count += 1
    now = time.monotonic()
    if now - _late.told_at >= HURRY_LOG_EVERY:  # one line a while, not one a command
        age = discord.utils.utcnow() - interaction.created_at
        pulse = interaction.client.pulse
        log.info(
            "answered %d late commands thinking first (the last /%s, %.2f s old, the loop "
            "%.2f s behind, %d commands waiting for their first response)",
            _late.count,
            _name(interaction),
            age.total_seconds(),
            pulse.lag,
            pulse.waiting,
        )
        _late.count, _late.told_at = 0, now


def _watch(interaction: Interaction, wait: timedelta) -> None:
    """At ``wait`` from now, defer the interaction if it has had no response yet."""
    loop = asyncio.get_running_loop()
    interaction.extras[_RESCUE] = loop.call_later(wait.total_seconds(), _rescue, interaction)
    interaction.client.pulse.waiting += 1


def _unwatch(interaction: Interaction) -> asyncio.TimerHandle | None:
    """Its rescue's timer, taken off it, and the interaction counted out of those waiting."""
    timer: asyncio.TimerHandle | None = interaction.extras.pop(_RESCUE, None)
    if timer is not None:
        interaction.client.pulse.waiting -= 1
    return timer


def _answered(interaction: Interaction) -> None:
    """Its first response is going out (under the lock): no rescue is needed."""
    timer = _unwatch(interaction)
    if timer is not None:
        timer.cancel()


def _rescue(interaction: Interaction) -> None:
    """Its timer ran: no first response has started (that cancels it); hold checks again."""
    _unwatch(interaction)
    _tell_late(interaction)
    task = asyncio.get_running_loop().create_task(_rescued(interaction))
    _rescues.add(task)
    task.add_done_callback(_rescues.discard)


_rescues: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks


async def _rescued(interaction: Interaction) -> None:
    try:
        await hold(interaction)
    except discord.HTTPException as error:  # too late after all: the command's answer tells
        log.warning("could not defer a slow /%s (%s)", _name(interaction), error)


def _name(interaction: Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "command"


async def hold(interaction: Interaction, ephemeral: bool = False) -> None:
    """Defer with "thinking…": the answer comes as a follow-up. After a hurry, its public
    placeholder stays for a public answer, and is taken away for a private one."""
    async with _answering(interaction):
        if not interaction.response.is_done():
            _answered(interaction)
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            interaction.extras[_PLACEHOLDER] = "private" if ephemeral else "public"
            return
    if ephemeral and interaction.extras.get(_PLACEHOLDER) == "public":
        await clear(interaction)


async def clear(interaction: Interaction) -> None:
    """Delete the "thinking…" placeholder, if one is still unfilled."""
    if interaction.extras.pop(_PLACEHOLDER, None) is not None:
        await interaction.delete_original_response()


async def respond(
    interaction: Interaction, content: str | None = None, *, ephemeral: bool = False, **sent: Any
) -> None:
    """The command's answer: its initial response; or, once deferred, the follow-up that fills
    the placeholder. An ephemeral answer never fills a public placeholder: that is deleted and
    the answer sent privately. ``sent``: embed(s), view, allowed_mentions (None: not sent)."""
    given = {key: value for key, value in sent.items() if value is not None}
    async with _answering(interaction):
        if not interaction.response.is_done():
            _answered(interaction)
            await interaction.response.send_message(content, ephemeral=ephemeral, **given)
            return
    if interaction.extras.pop(_PLACEHOLDER, None) == "public" and ephemeral:
        await interaction.delete_original_response()
    await interaction.followup.send(content or discord.utils.MISSING, ephemeral=ephemeral, **given)


async def refuse(interaction: Interaction, message: str) -> None:
    """Answer with a short ephemeral message (initial response or follow-up)."""
    message = render.clip(message, 1900)
    try:
        await respond(interaction, message, ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "could not answer user %s in channel %s", interaction.user.id, interaction.channel_id
        )


async def apologise(interaction: Interaction, error: BaseException, what: str) -> None:
    """A fault: logged with command and session for the operator; a short apology to the user."""
    stored = None
    with contextlib.suppress(Exception):
        stored = await interaction.client.service.current(interaction.channel_id or 0)
    log.error(
        "error in %s (guild %s, channel %s, session %s, user %s)",
        what,
        interaction.guild_id,
        interaction.channel_id,
        stored.id if stored else None,
        interaction.user.id,
        exc_info=error,
    )
    await refuse(interaction, APOLOGY)


def guarded(what: str) -> Callable[[Callback[S]], Callback[S]]:
    """For button and modal callbacks (the tree's handler never sees them): apologise on a fault."""

    def wrap(callback: Callback[S]) -> Callback[S]:
        @functools.wraps(callback)
        async def run(self: S, interaction: discord.Interaction[Any]) -> None:
            try:
                await callback(self, interaction)
            except Exception as error:
                await apologise(interaction, error, what)

        return run

    return wrap


async def current_state(interaction: Interaction) -> SessionState | None:
    stored = await interaction.client.service.current(interaction.channel_id or 0)
    return stored.state if stored else None


async def play_here(interaction: Interaction, command: cmd.Command, gm: bool = False) -> Ran | None:
    """Run ``command`` on this channel's session; refusals are answered here and give None."""
    service = interaction.client.service
    ran = await service.run(interaction.channel_id or 0, actor_of(interaction, gm), command)
    if isinstance(ran.outcome, Refused):
        await refuse(interaction, ran.outcome.message)
        if ran.repeat is not None and ran.session_id is not None:
            await interaction.client.outbox.unstick(ran.session_id, ran.repeat)
        return None
    log.info(
        "session %s v%s: %s by %s", ran.session_id, ran.version, command.kind, interaction.user.id
    )
    return ran


async def play_session(
    interaction: Interaction, session_id: int, command: cmd.Command
) -> Ran | None:
    """Run ``command`` on a session by id (buttons carry it), only from that session's channel."""
    service = interaction.client.service
    stored = await service.get(session_id)
    if stored is None or stored.record.channel_id != interaction.channel_id:
        await refuse(interaction, "That button belongs to a session of another channel.")
        return None
    ran = await service.run_session(session_id, actor_of(interaction), command)
    if isinstance(ran.outcome, Refused):
        await refuse(interaction, ran.outcome.message)
        return None
    log.info(
        "session %s v%s: %s by %s (button)",
        session_id,
        ran.version,
        command.kind,
        interaction.user.id,
    )
    return ran


def accepted(ran: Ran) -> Accepted:
    assert isinstance(ran.outcome, Accepted)
    return ran.outcome


def turn_moved(events: tuple[ev.Event, ...]) -> bool:
    """Whether these events hand the turn (or a choice) to someone."""
    return any(
        isinstance(e, ev.TurnStarted | ev.DecisionOffered | ev.Undone | ev.Resumed) for e in events
    )


def turn_ping(outcome: Accepted) -> tuple[str | None, discord.AllowedMentions]:
    """The line that tells the next player it is their turn (or their choice), mentioning them
    only, for the same post as the result; nothing when the turn did not move."""
    announcement = render.turn_announcement(outcome.state) if turn_moved(outcome.events) else None
    if announcement is None:
        return None, discord.AllowedMentions.none()
    return announcement


async def deliver(
    interaction: Interaction, ran: Ran, post: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Post what ``ran`` stored (``post``), then tell the outbox it is in the channel. When the
    answer fails (the interaction expired, say), the line is posted late, as a restart would;
    only if that fails too does the error go on (the line then waits for the member's retry, or
    the next start)."""
    bot = interaction.client
    if not ran.outboxed or ran.session_id is None:
        await post()
        return
    line = (ran.session_id, ran.version)
    with bot.outbox.answering(*line):
        try:
            await post()
        except discord.HTTPException as error:
            log.warning("the answer to session %s v%s failed (%s)", *line, error)
            if not await bot.outbox.post_now(*line):
                raise
            return
        await bot.service.posted(*line)


async def speak_as(
    interaction: Interaction, ran: Ran, name: str, shown: Callable[[bool], discord.Embed]
) -> None:
    """Post the line ``ran`` stored as ``name`` through the channel's webhook (``shown(False)``:
    the embed without the name, which the webhook carries); where the bot may not, as its own
    embed with the name on it (``shown(True)``). The player's own answer is cleared away."""
    voices, channel = interaction.client.voices, interaction.channel

    async def answer() -> None:
        await respond(interaction, embed=shown(True))

    if not voices.may_speak(channel, interaction.app_permissions):
        await deliver(interaction, ran, answer)
        return

    async def voiced() -> None:
        await hold(interaction, ephemeral=True)
        if not await voices.speak(channel, name, shown(False)):
            await channel.send(embed=shown(True))

    await deliver(interaction, ran, voiced)
    await clear(interaction)


def matching(options: list[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices whose label or value holds what was typed (at most 25)."""
    wanted = current.casefold()
    return [
        app_commands.Choice(name=render.clip(label, 100), value=value)
        for label, value in options
        if wanted in label.casefold() or wanted in value
    ][:25]


async def character_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The session's characters, for autocomplete."""
    state = await current_state(interaction)
    if state is None:
        return []
    return matching([(ch.name, ch.key) for ch in state.characters], current)

"""The full transcript of a session as Markdown: every post, action and roll, in order, timed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.describe import describe
from scenes.engine.state import SessionState
from scenes.schema import load_scene


class Entry(Protocol):
    """One logged command (the store's log entries have this shape)."""

    version: int
    actor_id: int
    command: cmd.Command
    events: tuple[ev.Event, ...]
    at: datetime


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def _lines(event: ev.Event, state: SessionState) -> list[str]:
    if isinstance(event, ev.Narrated):
        return [_quoted(event.text if not event.by_gm else f"**GM:** {event.text}")]
    if isinstance(event, ev.Rolled):
        return [f"- 🎲 {event.roll.text}"]
    if isinstance(event, ev.DiceRolled):
        who = state.character(event.seat).name if event.seat else f"<@{event.member_id}>"
        if event.private:
            return [f"- 🎲 {who} rolls in private (seen by the roller and the GM)"]
        return [f"- 🎲 {who} rolls {event.roll.text}"]
    if isinstance(event, ev.NpcSpoke):
        return [f"**{event.name}** (voiced by the GM): “{event.text}”"]
    if isinstance(event, ev.Posed):
        name = state.character(event.seat).name
        text = f"“{event.text}”" if event.style == "say" else f"*{event.text}*"
        return [f"**{name}:** {text}"]
    fact = describe(event, state)
    return [f"- {fact}"] if fact else []


# What a command carries that nobody typed: the session's seed, the decider a button names.
UNTYPED = frozenset({"kind", "text", "seed", "decider"})


def _command(command: cmd.Command, typed: Mapping[str, str] = {}) -> str:
    """The command as typed, e.g. ``/jutsu name:<technique> target:<character>`` or
    ``/gm begin`` (texts are shown below); ``typed`` renames options to the names the
    front end gives them."""
    options = command.model_dump(exclude=set(UNTYPED), exclude_none=True)
    name = f"/gm {command.kind}" if command.kind in cmd.GM_COMMANDS else f"/{command.kind}"
    said = (f"{typed.get(key, key)}:{value}" for key, value in options.items())
    return " ".join([name, *said])


def transcript(state: SessionState, log: Sequence[Entry], typed: Mapping[str, str] = {}) -> str:
    """Markdown for the whole log, names taken from the final ``state``; ``typed`` renames
    options to the names the front end gives them (``seats`` is typed as the cog names it)."""
    scene = load_scene(state.scene)
    out = [f"# {scene.name} — transcript", ""]
    for entry in log:
        stamp = entry.at.strftime("%Y-%m-%d %H:%M:%S")
        out.append(
            f"### {stamp} · v{entry.version} · `{_command(entry.command, typed)}` "
            f"by <@{entry.actor_id}>"
        )
        for event in entry.events:
            out.extend(_lines(event, state))
        out.append("")
    return "\n".join(out)

"""The one place that turns engine events and state into embeds, views and message text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypedDict

import discord

from db.models import ServerSettings
from scenes.engine import events as ev
from scenes.engine.describe import describe
from scenes.engine.dice import Roll
from scenes.engine.queries import leaning
from scenes.engine.recap import RecapPage
from scenes.engine.registry import find_scene
from scenes.engine.state import Character, SessionState, Status
from scenes.engine.text import clip
from scenes.schema import Scene, load_scene

__all__ = ["clip"]

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_VALUE = 1024
EMBED_TOTAL = 6000
STORM = discord.Colour(0x4B5A6E)
BAR_WIDTH = 10


# Posts keep at most this many blank lines in a row (the text is stored as typed).
BLANK_LINES = 2
# Characters Discord shows as nothing, of which a line may be made to look blank.
FILLERS = frozenset("\u2800\u3164\u115f\u1160\uffa0\u034f")


def _blank(line: str) -> bool:
    """Whether ``line`` shows as an empty line: only spaces and invisible characters."""
    return all(c.isspace() or c in FILLERS or unicodedata.category(c) == "Cf" for c in line)


def unflooded(text: str) -> str:
    """``text`` with every run of more than two blank lines cut to two, for posting: a wall of
    newlines (any of the line breaks Discord shows, \\n, \\r, U+2028...) pushes the scene off
    screen. Everything else, and every other line's own ending, stays as typed."""
    kept: list[str] = []
    blanks = 0
    for line in text.splitlines(keepends=True):
        blanks = blanks + 1 if _blank(line.rstrip("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")) else 0
        if blanks <= BLANK_LINES:
            kept.append(line)
    return "".join(kept)


def bar(value: int, maximum: int) -> str:
    """A bar like ``▰▰▰▰▱▱▱▱▱▱ 12/30``."""
    filled = round(BAR_WIDTH * value / maximum) if maximum else 0
    filled = max(1 if value > 0 else 0, min(BAR_WIDTH, filled))
    return f"{'▰' * filled}{'▱' * (BAR_WIDTH - filled)} {value}/{maximum}"


def colour_of(scene: Scene, character: Character) -> discord.Colour:
    return discord.Colour(scene.role(character.role).colour)


def sheet_lines(character: Character) -> str:
    lines = [
        f"Vitality `{bar(character.vitality, character.max_vitality)}`",
        f"Chakra `{bar(character.chakra, character.max_chakra)}`",
    ]
    if character.resolve is not None:
        lines.append(f"Resolve {character.resolve:+d} ({leaning(character.resolve)})")
    if character.conditions:
        lines.append("Conditions: " + ", ".join(c.value for c in character.conditions))
    if not character.present:
        lines.append(f"**{character.fate.value.capitalize()}**")
    elif character.down:
        lines.append("**Down**")
    return "\n".join(lines)


def footer(scene: Scene, state: SessionState) -> str:
    parts = []
    if state.beat:
        parts.append(f"Beat {state.beat}: {scene.beats[state.beat - 1].name}")
    if state.round:
        parts.append(f"Round {state.round}")
    for gauge in find_scene(state.scene).gauges(state):
        parts.append(f"{gauge.title} {gauge.value}/{gauge.maximum}")
    if state.status is Status.PAUSED:
        parts.append("Paused")
    elif state.waiting:
        names = dict.fromkeys(state.character(d.decider).name for d in state.waiting)
        parts.append(f"Waiting on {' and '.join(names)}")
    elif state.turn:
        parts.append(f"{state.character(state.turn).name}'s turn")
    return " · ".join(parts)


def _chunks(lines: Iterable[str], limit: int, sep: str = "\n") -> list[str]:
    """Join lines into blocks of at most ``limit`` characters, never splitting a line."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + len(sep) + len(line) > limit:
            blocks.append(current)
            current = line
        else:
            current = f"{current}{sep}{line}" if current else line
    if current:
        blocks.append(current)
    return blocks


def _title(state: SessionState, events: Sequence[ev.Event], fallback: str) -> str:
    for event in events:
        if isinstance(event, ev.TechniqueUsed):
            return f"{state.character(event.seat).name} · {event.name}"
        if isinstance(event, ev.DecisionMade):
            return f"{state.character(event.decider).name} chooses: {event.option}"
        if isinstance(event, ev.Undone):
            return f"Undone: the last {event.command}"
        if isinstance(event, ev.SessionEnded):
            return "The session ends"
        if isinstance(event, ev.SceneBegan):
            return "The scene begins"
    return fallback


def outcome_embed(
    state: SessionState, events: Sequence[ev.Event], fallback_title: str, actor: str | None = None
) -> discord.Embed:
    """What a command did: narration, every roll's breakdown, the facts, and who is hurt."""
    scene = load_scene(state.scene)
    poses = [
        f"*{unflooded(e.text)}*" for e in events if isinstance(e, ev.Posed) and e.style == "pose"
    ]
    prose = poses + [unflooded(e.text) for e in events if isinstance(e, ev.Narrated)]
    rolls = [e.roll.text for e in events if isinstance(e, ev.Rolled)]
    facts = [
        unflooded(fact)
        for e in events
        if not isinstance(e, ev.Narrated | ev.Rolled)
        if (fact := describe(e, state))
    ]
    colour = colour_of(scene, state.character(actor)) if actor else STORM
    embed = discord.Embed(
        title=clip(_title(state, events, fallback_title), EMBED_TITLE),
        description=clip("\n\n".join(prose), 3000) or None,
        colour=colour,
    )
    for name, lines in (("Rolls", rolls), ("What happened", facts)):
        for index, block in enumerate(_chunks(lines, FIELD_VALUE)[:4]):
            embed.add_field(
                name=name if index == 0 else f"{name} (cont.)", value=block, inline=False
            )
    for character in _touched(state, events):
        embed.add_field(name=character.name, value=sheet_lines(character), inline=True)
    embed.set_footer(text=footer(scene, state))
    return fit(embed)


def _touched(state: SessionState, events: Sequence[ev.Event]) -> list[Character]:
    keys: list[str] = []
    for event in events:
        key = getattr(event, "seat", None)
        if isinstance(event, ev.Damaged | ev.Healed | ev.TechniqueUsed | ev.ValueSet):
            key = getattr(event, "seat", None) or getattr(event, "character", None)
            if key and key not in keys and state.find(key):
                keys.append(key)
    return [state.character(key) for key in keys[:6]]


def fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed fits Discord's 6,000-character total."""
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        embed.description = clip(
            embed.description, max(1, len(embed.description) - len(embed) + EMBED_TOTAL)
        )
    return embed


def pose_embed(
    state: SessionState, seat: str, style: str, text: str, named: bool = True
) -> discord.Embed:
    """An in-character action or line in the character's colour; ``named``: with the character's
    name on top (not when it is posted under that name already, through a webhook)."""
    character = state.character(seat)
    scene = load_scene(state.scene)
    text = unflooded(text)
    body = f"“{text}”" if style == "say" else f"*{text}*"
    embed = discord.Embed(
        description=clip(body, EMBED_DESCRIPTION), colour=colour_of(scene, character)
    )
    if named:
        embed.set_author(name=clip(character.name, 256))
    return embed


def npc_embed(name: str, text: str, named: bool = True) -> discord.Embed:
    """A line of one of the scene's other people, voiced by the GM."""
    embed = discord.Embed(description=clip(f"“{text}”", EMBED_DESCRIPTION), colour=STORM)
    if named:
        embed.set_author(name=clip(name, 256))
    return embed


def narration_embed(text: str) -> discord.Embed:
    return discord.Embed(description=clip(unflooded(text), EMBED_DESCRIPTION), colour=STORM)


def status_embed(state: SessionState, key: str) -> discord.Embed:
    scene = load_scene(state.scene)
    character = state.character(key)
    seat = state.seat(key)
    embed = discord.Embed(
        title=character.name, colour=colour_of(scene, character), description=sheet_lines(character)
    )
    embed.add_field(name="Place", value=scene.place(character.place).name, inline=True)
    embed.add_field(
        name="Player", value=f"<@{seat.member_id}>" if seat.member_id else "free", inline=True
    )
    techniques = [f"{t.name} ({t.cost})" for t in scene.techniques_of(character.role)]
    embed.add_field(
        name="Techniques (chakra)", value=clip(", ".join(techniques), FIELD_VALUE), inline=False
    )
    embed.set_footer(text=footer(scene, state))
    return embed


def roles_embed(state: SessionState) -> discord.Embed:
    scene = load_scene(state.scene)
    embed = discord.Embed(title=f"{scene.name}: seats", colour=STORM)
    for seat in state.seats:
        character = state.character(seat.key)
        who = f"<@{seat.member_id}>" if seat.member_id else "*free* — `/claim`"
        embed.add_field(
            name=f"{character.name} ({scene.role(seat.role).title})", value=who, inline=False
        )
    embed.set_footer(text=f"Status: {state.status.value} · " + footer(scene, state))
    return embed


def sessions_embed(rows: Sequence[tuple[int, str, int, str, str | None]]) -> discord.Embed:
    """Rows of (id, status, channel id, opened, ending)."""
    embed = discord.Embed(title="Sessions on this server", colour=STORM)
    lines = [
        f"`#{sid}` {status} in <#{channel}> · opened {opened}" + (f" · {ending}" if ending else "")
        for sid, status, channel, opened, ending in rows
    ]
    embed.description = clip(
        "\n".join(lines) or "No sessions yet. `/gm open` starts one.", EMBED_DESCRIPTION
    )
    return embed


def turn_announcement(state: SessionState) -> tuple[str, discord.AllowedMentions] | None:
    """Whose turn it is, mentioning that player only; None when nobody is to act."""
    if state.status is not Status.ACTIVE:
        return None
    calls = _calls(state)
    members = {key: state.seat(key).member_id for key, _ in calls}
    lines = [
        f"<@{members[key]}> — {state.character(key).name}, {what}."
        for key, what in calls
        if members[key] is not None
    ]
    if not lines:
        return None
    users = [discord.Object(id=m) for m in dict.fromkeys(members.values()) if m is not None]
    return "\n".join(lines), discord.AllowedMentions(everyone=False, roles=False, users=users)


def _calls(state: SessionState) -> list[tuple[str, str]]:
    """Who is to act now and how: each decider the scene waits on, or the turn's holder (with
    their open choice, if one stays open beside their turn)."""
    if state.waiting:
        return [(d.decider, f"choose: {', '.join(d.options)}") for d in state.waiting]
    if state.turn is None:
        return []
    what = "your turn"
    for decision in state.decisions_of(state.turn):
        what += f" (or choose: {', '.join(decision.options)})"
    return [(state.turn, what)]


def roll_embed(roll: Roll) -> discord.Embed:
    embed = discord.Embed(
        title=clip(unflooded(roll.label or "Roll"), EMBED_TITLE),
        colour=STORM,
        description=clip(f"{roll.breakdown} = **{roll.total}**", EMBED_DESCRIPTION),
    )
    return embed


def recap_messages(pages: Sequence[RecapPage]) -> list[list[discord.Embed]]:
    """Recap pages as messages of embeds, in order, split at paragraph boundaries within every
    limit: description 4096, title 256, 6,000 characters and 10 embeds per message."""
    embeds = [embed for page in pages for embed in _page_embeds(page)]
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        if len(messages[-1]) == MESSAGE_EMBEDS or size + len(embed) > EMBED_TOTAL:
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += len(embed)
    return [message for message in messages if message]


def settings_embed(settings: ServerSettings) -> discord.Embed:
    recap, role = settings.recap_channel_id, settings.gm_role_id
    timeout = settings.turn_timeout_minutes
    embed = discord.Embed(title="Server settings", colour=STORM)
    embed.add_field(name="Recap channel", value=f"<#{recap}>" if recap else "the session's channel")
    embed.add_field(name="GM role", value=f"<@&{role}>" if role else "none")
    embed.add_field(name="Turn timeout", value=f"{timeout} min" if timeout else "off")
    return embed


# --- recaps --------------------------------------------------------------------------------

MESSAGE_EMBEDS = 10
MESSAGE_CONTENT = 2000
RECAP_BLOCK = 4000


def _page_embeds(page: RecapPage) -> list[discord.Embed]:
    """One page as embeds: its paragraphs (or lines, for a listed page) in blocks that fit."""
    sep = "\n" if page.listed else "\n\n"
    blocks = _chunks([unflooded(p) for p in page.paragraphs], RECAP_BLOCK, sep=sep) or ["—"]
    return [
        discord.Embed(
            title=clip(page.title if index == 0 else f"{page.title} (cont.)", EMBED_TITLE),
            description=block,
            colour=STORM,
        )
        for index, block in enumerate(blocks)
    ]


def recap_files(
    session_id: int, transcript: str | None, chart: bytes | None, chart_text: str = ""
) -> list[discord.File]:
    """The recap's attachments, made fresh for each send (a sent file is closed after); the
    chart carries its description (alt text, for screen readers)."""
    import io  # kept local: this helper is the only one in this module that needs it

    files = []
    if transcript is not None:
        files.append(
            discord.File(
                io.BytesIO(transcript.encode()), filename=f"session-{session_id}-transcript.md"
            )
        )
    if chart is not None:
        files.append(
            discord.File(
                io.BytesIO(chart),
                filename=f"session-{session_id}-chart.png",
                description=chart_text or None,
            )
        )
    return files


class RecapPost(TypedDict, total=False):
    """One recap message's arguments to ``send``."""

    content: str
    embeds: list[discord.Embed]
    files: list[discord.File]


def recap_posts(
    session_id: int,
    content: str,
    messages: list[list[discord.Embed]],
    transcript: str | None,
    chart: bytes | None,
    chart_text: str = "",
) -> list[RecapPost]:
    """Each recap message's send arguments: the content on the first, the files on the last."""
    posts: list[RecapPost] = []
    for index, embeds in enumerate(messages):
        post: RecapPost = {"embeds": embeds}
        if index == 0:
            post["content"] = clip(content, MESSAGE_CONTENT)
        if index == len(messages) - 1:
            post["files"] = recap_files(session_id, transcript, chart, chart_text)
        posts.append(post)
    return posts


def recap_refused(channel_id: int, error: discord.HTTPException) -> str:
    """The line telling the GM why the recap channel refused the recap, and what to fix."""
    said = f"Discord said {error.status} {error.text or 'with no reason'}"
    if isinstance(error, discord.NotFound):
        return (
            f"The recap channel <#{channel_id}> is gone ({said}), so the recap is here. "
            "Set a new one with `/gm config recap_channel`."
        )
    return (
        f"I could not post the recap in <#{channel_id}> ({said}), so it is here. Give me View "
        "Channel, Send Messages, Embed Links and Attach Files there, or choose another channel "
        "with `/gm config recap_channel`."
    )

"""The recap's facts: key moments, best lines, the characters, the table and the beats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from scenes.engine.describe import name_of
from scenes.engine.queries import leaning
from scenes.engine.recap.reading import Logged, Night, Reader
from scenes.engine.state import SessionState
from scenes.engine.text import clip, one_line
from scenes.schema import Scene

BEST_LINES = 3
LINE_LIMIT = 300
QUOTED = 60  # a line whose first 60 characters the story quotes is in the story already
ROLL_MOMENTS = 20
MOMENTS = 60
BEST_LINES_RULE = (
    "The longest /say lines the story above left out, at most three: each "
    "voice's longest first, so that no one voice takes all three; shown in the order spoken, "
    "each cut at 300 characters."
)


def key_moments(reader: Reader) -> list[str]:
    """Criticals, fumbles, holds, downs, choices and fates, and the scene's own moments, each
    with its round and roll; roll moments beyond the first 20 are counted, not shown."""
    out: list[str] = []
    rolls = hidden = 0
    for round_, text, is_roll in reader.key:
        if is_roll:
            rolls += 1
            if rolls > ROLL_MOMENTS:
                hidden += 1
                continue
        out.append(f"Round {round_} · {text}" if round_ else text)
    out.extend(reader.extra_moments())
    if len(out) > MOMENTS:
        hidden += len(out) - MOMENTS
        out = out[:MOMENTS]
    if hidden:
        out.append(f"…and {hidden} more, every one of them in the transcript.")
    return out


def best_lines(state: SessionState, night: Night, story: str = "") -> list[str]:
    """The rule: the longest /say lines the ``story`` does not already quote, at most
    three: each voice's longest first, so that no one voice takes all three; shown in the
    order spoken, each cut at 300 characters. (No quote is printed twice in a recap.)"""
    said = [
        (index, item)
        for index, item in enumerate(night.said)
        if f"“{one_line(item[1].text)[:QUOTED]}" not in story
    ]
    ranked = sorted(said, key=lambda item: (-len(item[1][1].text), item[0]))
    chosen: list[int] = []
    voices: set[str] = set()
    for index, (_, posed) in ranked:
        if posed.seat not in voices and len(chosen) < BEST_LINES:
            chosen.append(index)
            voices.add(posed.seat)
    for index, _ in ranked:
        if len(chosen) < BEST_LINES and index not in chosen:
            chosen.append(index)
    return [
        f"“{clip(one_line(night.said[i][1].text), LINE_LIMIT)}” — "
        f"{name_of(state, night.said[i][1].seat)}"
        + (f", round {night.said[i][0]}" if night.said[i][0] else "")
        for i in sorted(chosen)
    ]


def character_line(state: SessionState, scene: Scene, night: Night, key: str) -> str:
    character = state.character(key)
    players = night.players.get(key, [])
    played = ", then ".join(f"<@{m}>" for m in players) if players else "unplayed"
    if not character.present:
        standing = character.fate.value
    else:
        standing = "down" if character.down else "standing"
    parts = [
        f"**{character.name}** — played by {played}",
        f"{standing} in the {scene.place(character.place).name.lower()}"
        if character.present
        else standing,
        f"vitality {character.vitality}/{character.max_vitality}",
        f"chakra {character.chakra}/{character.max_chakra}",
    ]
    if character.resolve is not None:
        parts.append(f"resolve {character.resolve:+d} ({leaning(character.resolve)})")
    if character.conditions:
        parts.append(", ".join(c.value for c in character.conditions))
    return " · ".join(parts)


def _span(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes < 1:
        return f"{int(length.total_seconds())} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def table(state: SessionState, night: Night, log: Sequence[Logged]) -> tuple[str, ...]:
    gms = night.gms or [state.gm_id]
    if gms[-1] != state.gm_id:
        gms.append(state.gm_id)
    lines = [
        "**GM:** " + ", then ".join(f"<@{m}>" for m in gms),
        f"**Rounds:** {state.round} · **Rolls:** {night.rolls} · **Commands:** {len(log)}",
    ]
    if log:
        first, last = log[0].at, log[-1].at
        lines.append(
            f"**Duration:** {_span(last - first)} "
            f"({first:%Y-%m-%d %H:%M} to {last:%H:%M} {first.tzname() or 'UTC'})"
        )
    if night.end_reason:
        lines.append(f"**Closed:** {clip(one_line(night.end_reason), 200)}")
    return tuple(lines)


def beats(night: Night) -> tuple[str, ...]:
    return tuple(
        f"{e.beat}. {e.name}" + (f" — round {r}" if r else "") + (" (by the GM)" if e.by_gm else "")
        for r, e in night.beats
    ) or ("None yet.",)

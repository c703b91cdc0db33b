"""The recap of a session, built from its state and its log: a short story, then the facts."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scenes.engine import events as ev
from scenes.engine.state import SessionState
from scenes.schema import load_scene

BEST_LINES = 3


class RecapPage(BaseModel):
    """One titled section of a recap, as paragraphs (the bot splits them to fit Discord)."""

    model_config = ConfigDict(frozen=True)

    title: str
    paragraphs: tuple[str, ...]


def _flat(logs: Sequence[Sequence[ev.Event]]) -> list[ev.Event]:
    return [event for entry in logs for event in entry]


def key_moments(state: SessionState, events: Sequence[ev.Event]) -> list[str]:
    """Criticals, fumbles, the mercy, the scrolls and the north wing, with their rolls."""
    moments: list[str] = []
    for event in events:
        if isinstance(event, ev.Rolled) and event.roll.outcome in ("critical", "fumble"):
            moments.append(f"{event.roll.outcome.capitalize()}! {event.roll.text}")
        elif isinstance(event, ev.Rolled) and "heart" in event.roll.label:
            moments.append(f"The heart check: {event.roll.text}")
        elif isinstance(event, ev.DecisionMade):
            who = state.character(event.decider).name
            moments.append(f"{who} chose **{event.option}** — {event.result}.")
        elif isinstance(event, ev.ScrollsChanged) and event.at.value in ("carried", "lost"):
            holder = state.find(event.holder) if event.holder else None
            moments.append(
                f"{holder.name} took the scrolls." if holder else "The scrolls were lost."
            )
        elif isinstance(event, ev.NorthWingFell):
            moments.append("The north wing fell.")
        elif isinstance(event, ev.FateChanged):
            moments.append(f"{state.character(event.seat).name} is {event.fate.value}.")
    return moments


def best_lines(state: SessionState, events: Sequence[ev.Event]) -> list[str]:
    """The rule: the longest spoken lines (/say), at most three, earliest first on a tie."""
    said = [
        (len(e.text), -i, e)
        for i, e in enumerate(events)
        if isinstance(e, ev.Posed) and e.style == "say"
    ]
    chosen = sorted(said, key=lambda item: (-item[0], -item[1]))[:BEST_LINES]
    chosen.sort(key=lambda item: -item[1])
    return [f"“{e.text}” — {state.character(e.seat).name}" for _, _, e in chosen]


def _story(state: SessionState, events: Sequence[ev.Event]) -> tuple[str, ...]:
    """The scene's own narration of its turning points, in order: prose shaped by play."""
    turning = {
        "door_burst",
        "first_sight",
        "hesitation",
        "choking",
        "critical",
        "mercy_strike",
        "mercy_spare",
        "mercy_bind",
        "mercy_heart_fails",
        "scrolls_take",
        "scrolls_lost",
        "siege_falls",
        "body_flicker",
        "down",
        "standoff_bargain",
        "standoff_yield",
        "standoff_refuse",
    }
    lines = [
        e.text
        for e in events
        if isinstance(e, ev.Narrated)
        and (e.moment in turning or (e.moment or "").startswith("ending_"))
    ]
    if not lines:
        lines = [e.text for e in events if isinstance(e, ev.Narrated)][:3]
    return tuple(lines[:12]) or ("The storm has only begun.",)


def recap_pages(
    state: SessionState, logs: Sequence[Sequence[ev.Event]], final: bool
) -> list[RecapPage]:
    """The recap's sections, story first, then the facts."""
    scene = load_scene(state.scene)
    events = _flat(logs)
    pages = [
        RecapPage(
            title=f"{scene.name}{'' if final else ' (so far)'}", paragraphs=_story(state, events)
        )
    ]
    if state.ending is not None:
        ending = scene.ending(state.ending.key)
        dims = state.ending
        pages.append(
            RecapPage(
                title=f"Ending: {ending.title}",
                paragraphs=(
                    f"Scrolls {dims.scrolls} · Sakura {dims.sakura} · Sasuke {dims.sasuke} · "
                    f"North wing {dims.north_wing}",
                ),
            )
        )
    beats = [f"{e.beat}. {e.name}" for e in events if isinstance(e, ev.BeatReached)]
    pages.append(RecapPage(title="Beats reached", paragraphs=(" → ".join(beats) or "None yet.",)))
    moments = key_moments(state, events)
    if moments:
        pages.append(RecapPage(title="Key moments", paragraphs=tuple(moments)))
    lines = best_lines(state, events)
    if lines:
        pages.append(RecapPage(title="Best lines", paragraphs=tuple(lines)))
    pages.append(
        RecapPage(
            title="The characters",
            paragraphs=tuple(_character_line(state, c.key) for c in state.characters),
        )
    )
    return pages


def _character_line(state: SessionState, key: str) -> str:
    character = state.character(key)
    seat = state.seat(key)
    player = f"<@{seat.member_id}>" if seat.member_id else "unplayed"
    fate = (
        character.fate.value if not character.present else "down" if character.down else "standing"
    )
    return (
        f"**{character.name}** ({player}): {fate}, vitality {character.vitality}/"
        f"{character.max_vitality}, chakra {character.chakra}/{character.max_chakra}"
    )

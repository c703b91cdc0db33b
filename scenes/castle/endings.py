"""The castle's endings, computed from state alone, in their order of priority."""

from __future__ import annotations

from scenes.castle.words import INVADERS, SAKURA, SASUKE
from scenes.castle.world import ScrollsAt, castle
from scenes.engine.state import Ending, Fate, SessionState

# The first ending whose condition holds is the one reached.
PRIORITY = (
    "the_guardian_falls",
    "blood_on_the_stone",
    "ashes_of_the_archive",
    "scrolls_carried_off",
    "the_captive",
    "the_north_wing_falls",
    "the_spent_intruder",
    "rain_without_end",
)


def _scrolls(state: SessionState) -> str:
    scrolls = castle(state).scrolls
    if scrolls.at is ScrollsAt.LOST:
        return "lost"
    holder = state.find(scrolls.holder) if scrolls.holder else None
    if scrolls.at is ScrollsAt.CARRIED and holder is not None and holder.side == INVADERS:
        return "taken"
    return "kept"


def _sakura(state: SessionState) -> str:
    sakura = state.find(SAKURA)
    if sakura is None:
        return "standing"
    if sakura.fate is Fate.DEAD:
        return "dead"
    return "down" if sakura.down else "standing"


def _sasuke(state: SessionState) -> str:
    """A Sasuke still on his feet when the scene closes slips away into the storm: gone."""
    sasuke = state.find(SASUKE)
    if sasuke is None or sasuke.fate is Fate.GONE:
        return "gone"
    if sasuke.fate in (Fate.DEAD, Fate.CAPTURED):
        return sasuke.fate.value
    return "down" if sasuke.down else "gone"


def _key(scrolls: str, sakura: str, sasuke: str, north_wing: str) -> str:
    reached = {
        "the_guardian_falls": sakura == "dead",
        "blood_on_the_stone": sasuke == "dead",
        "ashes_of_the_archive": scrolls == "lost",
        "scrolls_carried_off": scrolls == "taken",
        "the_captive": sasuke == "captured",
        "the_north_wing_falls": north_wing == "fallen",
        "the_spent_intruder": sasuke == "down",
        "rain_without_end": True,
    }
    return next(key for key in PRIORITY if reached[key])


def compute_ending(state: SessionState) -> Ending:
    """The ending the state has reached, with each of its facets."""
    scrolls, sakura, sasuke = _scrolls(state), _sakura(state), _sasuke(state)
    north_wing = "fallen" if castle(state).siege.fallen else "held"
    return Ending(
        key=_key(scrolls, sakura, sasuke, north_wing),
        facets=(
            ("scrolls", scrolls),
            ("sakura", sakura),
            ("sasuke", sasuke),
            ("north_wing", north_wing),
        ),
    )


def scene_is_over(state: SessionState) -> bool:
    """The aftermath's trigger: the intruder is gone, captured, dead or down, or she is dead."""
    if state.decisions:
        return False
    sakura, sasuke = state.find(SAKURA), state.find(SASUKE)
    if sakura is not None and sakura.fate is Fate.DEAD:
        return True
    return sasuke is not None and (not sasuke.present or sasuke.down)

"""Endings, computed from state alone."""

from __future__ import annotations

from scenes.engine.state import Ending, Fate, ScrollsAt, SessionState
from scenes.schema import Side


def _scrolls(state: SessionState) -> str:
    scrolls = state.scrolls
    if scrolls.at is ScrollsAt.LOST:
        return "lost"
    holder = state.find(scrolls.holder) if scrolls.holder else None
    if scrolls.at is ScrollsAt.CARRIED and holder is not None and holder.side is Side.INVADERS:
        return "taken"
    return "kept"


def _sakura(state: SessionState) -> str:
    sakura = state.find("sakura")
    if sakura is None:
        return "standing"
    if sakura.fate is Fate.DEAD:
        return "dead"
    return "down" if sakura.down else "standing"


def _sasuke(state: SessionState) -> str:
    """A Sasuke still on his feet when the scene closes slips away into the storm: gone."""
    sasuke = state.find("sasuke")
    if sasuke is None or sasuke.fate is Fate.GONE:
        return "gone"
    if sasuke.fate in (Fate.DEAD, Fate.CAPTURED):
        return sasuke.fate.value
    return "down" if sasuke.down else "gone"


def _key(scrolls: str, sakura: str, sasuke: str, north_wing: str) -> str:
    if sakura == "dead":
        return "the_guardian_falls"
    if sasuke == "dead":
        return "blood_on_the_stone"
    if scrolls == "lost":
        return "ashes_of_the_archive"
    if scrolls == "taken":
        return "scrolls_carried_off"
    if sasuke == "captured":
        return "the_captive"
    if north_wing == "fallen":
        return "the_north_wing_falls"
    if sasuke == "down":
        return "the_spent_intruder"
    return "rain_without_end"


def compute_ending(state: SessionState) -> Ending:
    """The ending the state has reached, with each dimension of it."""
    scrolls, sakura, sasuke = _scrolls(state), _sakura(state), _sasuke(state)
    north_wing = "fallen" if state.siege.fallen else "held"
    return Ending(
        key=_key(scrolls, sakura, sasuke, north_wing),
        scrolls=scrolls,
        sakura=sakura,
        sasuke=sasuke,
        north_wing=north_wing,
    )


def scene_is_over(state: SessionState) -> bool:
    """The aftermath's trigger: the intruder is gone, captured, dead or down, or she is dead."""
    if state.decision is not None:
        return False
    sakura, sasuke = state.find("sakura"), state.find("sasuke")
    if sakura is not None and sakura.fate is Fate.DEAD:
        return True
    return sasuke is not None and (not sasuke.present or sasuke.down)

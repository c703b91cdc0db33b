"""The castle's endings, computed from state alone, in their order of priority; and told by the
path that led there (how the mercy went, how the intruder left, Sakura standing or down, the
wall held or fallen), so that the ending never says what did not happen."""

from __future__ import annotations

from collections.abc import Mapping

from scenes.castle.siege import others_pending
from scenes.castle.words import (
    BARGAINED,
    FLED,
    FLED_WOUNDED,
    INVADERS,
    MERCY_MARKS,
    PAIR_KEYS,
    SAKURA,
    SASUKE,
    WITHDREW,
    CastleMoment,
)
from scenes.castle.world import ScrollsAt, castle
from scenes.engine import events as ev
from scenes.engine.moments import ending_moment
from scenes.engine.state import Ending, Fate, SessionState
from scenes.engine.tx import Tx

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
    carried_off = holder is not None and holder.side == INVADERS and not holder.present
    if scrolls.at is ScrollsAt.CARRIED and carried_off:
        return "taken"
    return "kept"  # still in the castle (an intruder felled with them in hand has not left)


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
            ("mercy", mercy_path(state)),
            ("departure", departure(state)),
        ),
    )


# The facets of the path (beside the state's): what the facets line leaves out.
PATH_FACETS = frozenset({"mercy", "departure"})
# How the last mercy went, by its decider and its mark, in words.
MERCY_PATHS: Mapping[tuple[str, str], str] = {
    (SASUKE, "struck"): "he struck her down",
    (SASUKE, "spared"): "he spared her",
    (SASUKE, "bound"): "he bound her",
    (SASUKE, "refused"): "his heart refused",
    (SAKURA, "struck"): "she struck him down",
    (SAKURA, "spared"): "she spared him",
    (SAKURA, "bound"): "she bound him",
    (SAKURA, "refused"): "her heart refused",
}
DEPARTURES: Mapping[str, str] = {
    WITHDREW: "withdrew",
    BARGAINED: "bargained",
    FLED: "fled",
    FLED_WOUNDED: "fled wounded",
}


def mercy_path(state: SessionState) -> str:
    """How the last mercy went ("none" if none was answered)."""
    for key in PAIR_KEYS:
        character = state.find(key)
        for how, mark in MERCY_MARKS.items():
            if character is not None and mark in character.marks:
                return MERCY_PATHS[(key, how)]
    return "none"


def departure(state: SessionState) -> str:
    """How the intruder left the scene ("none" if he did not, on his own)."""
    sasuke = state.find(SASUKE)
    marks = sasuke.marks if sasuke is not None else ()
    return next((words for mark, words in DEPARTURES.items() if mark in marks), "none")


BODY_FLICKER = "body_flicker"


def mark_departure(tx: Tx, key: str, fate: Fate) -> None:
    """The intruder leaves: by the standoff's withdrawal, with the scrolls the bargain gave him,
    or in a whirl of leaves (wounded when half his vitality or more is gone)."""
    if key != SASUKE or fate is not Fate.GONE:
        return
    flicker = any(
        isinstance(e, ev.TechniqueUsed) and e.seat == key and e.technique == BODY_FLICKER
        for e in tx.events
    )
    sasuke = tx.state.character(key)
    yielded = any(isinstance(e, ev.DecisionMade) and e.option == "yield" for e in tx.events)
    mark = BARGAINED if yielded else WITHDREW
    if flicker:
        mark = FLED_WOUNDED if sasuke.vitality * 2 <= sasuke.max_vitality else FLED
    tx.emit(ev.Marked(seat=key, mark=mark, on=True))


# --- The ending told by its path ---------------------------------------------------------------

# The mercy's sentence, when the ending's own lines do not already tell it.
MERCY_LINES: Mapping[str, CastleMoment] = {
    "he spared her": CastleMoment.ENDING_HE_SPARED,
    "his heart refused": CastleMoment.ENDING_HIS_HEART_REFUSED,
    "he bound her": CastleMoment.ENDING_HE_BOUND,
    "she spared him": CastleMoment.ENDING_SHE_SPARED,
    "her heart refused": CastleMoment.ENDING_HER_HEART_REFUSED,
}
# Endings whose own lines leave Sakura's standing open (the others settle it).
SAKURA_OPEN = frozenset(
    {
        "rain_without_end",
        "scrolls_carried_off",
        "ashes_of_the_archive",
        "the_north_wing_falls",
        "the_spent_intruder",
    }
)
ONE_SHOT = "rain_without_end"


def one_shot_path(facets: Mapping[str, str]) -> bool:
    """The one-shot's own line: he spared her (or could not strike), left by his own leaves,
    and she stands to weep alone (its lines tell exactly that)."""
    return (
        facets["mercy"] in ("he spared her", "his heart refused")
        and facets["departure"] in ("withdrew", "fled", "fled wounded", "bargained")
        and facets["sakura"] == "standing"
    )


def ending_moments(ending: Ending) -> list[str]:
    """The moments that tell ``ending``, in order, chosen by the path its facets record."""
    facets = dict(ending.facets)
    moments: list[str] = []
    lead = MERCY_LINES.get(facets.get("mercy", "none"))
    if lead is not None:
        moments.append(lead)
    plain = ending.key == ONE_SHOT and not one_shot_path(facets)
    moments.append(CastleMoment.ENDING_RAIN_PLAIN if plain else ending_moment(ending.key))
    if facets.get("departure") == "fled wounded":
        moments.append(CastleMoment.ENDING_FLED_WOUNDED)
    if facets.get("sakura") == "down" and ending.key in SAKURA_OPEN:
        moments.append(CastleMoment.ENDING_SAKURA_DOWN)
    if facets.get("north_wing") == "fallen" and ending.key != "the_north_wing_falls":
        moments.append(CastleMoment.ENDING_WALL_FELL)
    return moments


def narrate_ending(tx: Tx, ending: Ending) -> None:
    for moment in ending_moments(ending):
        tx.narrate_line(str(moment))


def scene_is_over(state: SessionState) -> bool:
    """The aftermath's trigger: the intruder is gone, captured, dead or down, or she is dead."""
    if others_pending(state):
        return False
    sakura, sasuke = state.find(SAKURA), state.find(SASUKE)
    if sakura is not None and sakura.fate is Fate.DEAD:
        return True
    return sasuke is not None and (not sasuke.present or sasuke.down)

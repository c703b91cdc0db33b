"""The castle's closed sets: its narration moments (with their placeholders), what its rolls
are for, its decisions, its marks, and the keys of its places, roles and objects."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from scenes.engine.moments import ACTOR, NONE, PAIR, TARGET
from scenes.schema import Notation

SAKURA, SASUKE, DEFENDER = "sakura", "sasuke", "defender"
PAIR_KEYS = (SAKURA, SASUKE)
OFFICE, EAST_HALL, GRAND_HALL, NORTH_WING = "office", "east_hall", "grand_hall", "north_wing"
CASTLE_SIDE, INVADERS = "castle", "invaders"
DOOR, DESK, SCROLLS, ARMY = "door", "desk", "scrolls", "army"
SOLDIERS = "soldiers"
DOOR_PLACES = frozenset({OFFICE, EAST_HALL})
AMBUSH, SHARINGAN = "ambush", "sharingan"


class CastleMoment(StrEnum):
    DOOR_BAR = "door_bar"
    DOOR_OPEN = "door_open"
    DOOR_BURST = "door_burst"
    DOOR_HOLDS = "door_holds"
    SCROLLS_HIDE = "scrolls_hide"
    SCROLLS_TAKE = "scrolls_take"
    SCROLLS_TAKE_FAILS = "scrolls_take_fails"
    SCROLLS_GUARD = "scrolls_guard"
    SCROLLS_LOST = "scrolls_lost"
    FIRST_SIGHT = "first_sight"
    HESITATION = "hesitation"
    CHOKING = "choking"
    BODY_FLICKER = "body_flicker"
    # --- techniques: a moment of a technique's own (its hits and misses are told from its own
    # lines, <technique>_<moment>, in narration.toml) ---
    SHARINGAN_WAKES = "sharingan_wakes"
    SIEGE_HOLDS = "siege_holds"
    SIEGE_FALLS = "siege_falls"
    MERCY_WITHHELD = "mercy_withheld"
    MERCY_STRIKE = "mercy_strike"
    MERCY_SPARE = "mercy_spare"
    MERCY_BIND = "mercy_bind"
    MERCY_HEART_FAILS = "mercy_heart_fails"
    STANDOFF_BARGAIN = "standoff_bargain"
    STANDOFF_YIELD = "standoff_yield"
    STANDOFF_REFUSE = "standoff_refuse"
    # The mercy between two players: what the held one does in the grip.
    HELD_STRUGGLE_FREE = "held_struggle_free"
    HELD_STRUGGLE_FAILS = "held_struggle_fails"
    HELD_PLEAD = "held_plead"
    HELD_DEFY = "held_defy"
    # The ending told by the path that led there (beside the ending's own lines).
    ENDING_HE_SPARED = "path_he_spared"
    ENDING_HIS_HEART_REFUSED = "path_his_heart_refused"
    ENDING_HE_BOUND = "path_he_bound"
    ENDING_SHE_SPARED = "path_she_spared"
    ENDING_HER_HEART_REFUSED = "path_her_heart_refused"
    ENDING_FLED_WOUNDED = "path_fled_wounded"
    ENDING_SAKURA_DOWN = "path_sakura_down"
    ENDING_WALL_FELL = "path_wall_fell"
    ENDING_RAIN_PLAIN = "path_rain_without_end"
    # --- siege: the defenders' turns, and the soldiers inside ---
    VOLLEY_ARMY = "volley_army"
    VOLLEY_ARMY_MISS = "volley_army_miss"
    WALL_RAISED = "wall_raised"
    WALL_FOR_ALLY = "wall_for_ally"
    WALL_FOR_SELF = "wall_for_self"
    HOLD_THE_LINE = "hold_the_line"
    HOLD_THE_RUBBLE = "hold_the_rubble"
    SOLDIERS_COME = "soldiers_come"
    SOLDIERS_ADVANCE = "soldiers_advance"
    SOLDIERS_AT_DOOR = "soldiers_at_door"
    SOLDIERS_HIT = "soldiers_hit"
    SOLDIERS_MISS = "soldiers_miss"
    SOLDIERS_STRUCK = "soldiers_struck"
    SOLDIERS_FELLED = "soldiers_felled"
    SOLDIERS_MISSED = "soldiers_missed"
    SOLDIERS_ROUTED = "soldiers_routed"


PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    CastleMoment.DOOR_BAR: ACTOR,
    CastleMoment.DOOR_OPEN: ACTOR,
    CastleMoment.DOOR_BURST: ACTOR,
    CastleMoment.DOOR_HOLDS: ACTOR,
    CastleMoment.SCROLLS_HIDE: ACTOR,
    CastleMoment.SCROLLS_TAKE: ACTOR,
    CastleMoment.SCROLLS_TAKE_FAILS: PAIR,
    CastleMoment.SCROLLS_GUARD: ACTOR,
    CastleMoment.SCROLLS_LOST: NONE,
    CastleMoment.FIRST_SIGHT: PAIR,
    CastleMoment.HESITATION: ACTOR,
    CastleMoment.CHOKING: PAIR,
    CastleMoment.BODY_FLICKER: ACTOR,
    CastleMoment.SHARINGAN_WAKES: ACTOR,  # techniques
    CastleMoment.SIEGE_HOLDS: frozenset({"amount"}),
    CastleMoment.SIEGE_FALLS: NONE,
    CastleMoment.MERCY_WITHHELD: NONE,
    CastleMoment.MERCY_STRIKE: PAIR,
    CastleMoment.MERCY_SPARE: PAIR,
    CastleMoment.MERCY_BIND: PAIR,
    CastleMoment.MERCY_HEART_FAILS: PAIR,
    CastleMoment.STANDOFF_BARGAIN: PAIR,
    CastleMoment.STANDOFF_YIELD: PAIR,
    CastleMoment.STANDOFF_REFUSE: PAIR,
    CastleMoment.HELD_STRUGGLE_FREE: PAIR,
    CastleMoment.HELD_STRUGGLE_FAILS: PAIR,
    CastleMoment.HELD_PLEAD: PAIR,
    CastleMoment.HELD_DEFY: PAIR,
    CastleMoment.ENDING_HE_SPARED: NONE,
    CastleMoment.ENDING_HIS_HEART_REFUSED: NONE,
    CastleMoment.ENDING_HE_BOUND: NONE,
    CastleMoment.ENDING_SHE_SPARED: NONE,
    CastleMoment.ENDING_HER_HEART_REFUSED: NONE,
    CastleMoment.ENDING_FLED_WOUNDED: NONE,
    CastleMoment.ENDING_SAKURA_DOWN: NONE,
    CastleMoment.ENDING_WALL_FELL: NONE,
    CastleMoment.ENDING_RAIN_PLAIN: NONE,
    # --- siege ---
    CastleMoment.VOLLEY_ARMY: ACTOR | {"amount"},
    CastleMoment.VOLLEY_ARMY_MISS: ACTOR,
    CastleMoment.WALL_RAISED: ACTOR | {"amount"},
    CastleMoment.WALL_FOR_ALLY: PAIR,
    CastleMoment.WALL_FOR_SELF: ACTOR,
    CastleMoment.HOLD_THE_LINE: ACTOR | {"amount"},
    CastleMoment.HOLD_THE_RUBBLE: ACTOR,
    CastleMoment.SOLDIERS_COME: frozenset({"amount", "place"}),
    CastleMoment.SOLDIERS_ADVANCE: frozenset({"amount", "place"}),
    CastleMoment.SOLDIERS_AT_DOOR: frozenset({"amount"}),
    CastleMoment.SOLDIERS_HIT: TARGET | {"amount"},
    CastleMoment.SOLDIERS_MISS: TARGET,
    CastleMoment.SOLDIERS_STRUCK: ACTOR | {"amount"},
    CastleMoment.SOLDIERS_FELLED: ACTOR | {"amount"},
    CastleMoment.SOLDIERS_MISSED: ACTOR,
    CastleMoment.SOLDIERS_ROUTED: ACTOR,
}


# The castle's moments that tell the actor's own action: a player's pose replaces them.
ACTION_MOMENTS: frozenset[str] = frozenset(
    {
        CastleMoment.DOOR_BAR,
        CastleMoment.DOOR_OPEN,
        CastleMoment.DOOR_BURST,
        CastleMoment.DOOR_HOLDS,
        CastleMoment.SHARINGAN_WAKES,  # techniques
        CastleMoment.SCROLLS_HIDE,
        CastleMoment.SCROLLS_TAKE,
        CastleMoment.SCROLLS_TAKE_FAILS,
        CastleMoment.SCROLLS_GUARD,
        CastleMoment.CHOKING,
        CastleMoment.BODY_FLICKER,
        # --- siege ---
        CastleMoment.VOLLEY_ARMY,
        CastleMoment.VOLLEY_ARMY_MISS,
        CastleMoment.WALL_RAISED,
        CastleMoment.WALL_FOR_ALLY,
        CastleMoment.WALL_FOR_SELF,
        CastleMoment.HOLD_THE_LINE,
        CastleMoment.HOLD_THE_RUBBLE,
        CastleMoment.SOLDIERS_STRUCK,
        CastleMoment.SOLDIERS_FELLED,
        CastleMoment.SOLDIERS_MISSED,
    }
)


class CastlePurpose(StrEnum):
    """What the castle's own rolls are for."""

    FIRST_SIGHT = "first_sight"
    HEART = "heart"
    DOOR = "door"
    SEARCH = "search"
    STRUGGLE = "struggle"
    GRIP = "grip"
    SIEGE = "siege"
    VOLLEY = "volley"
    SOLDIERS = "soldiers"


class DecisionKind(StrEnum):
    MERCY = "mercy"
    STANDOFF = "standoff"
    BARGAIN = "bargain"
    HELD = "held"  # the held one's own choice, on each of their turns in the grip
    SIEGE = "siege"


MERCY_OPTIONS = ("strike", "spare", "bind")
HELD_OPTIONS = ("struggle", "plead", "defy")
STANDOFF_OPTIONS = ("take", "bargain", "withdraw")
BARGAIN_OPTIONS = ("yield", "refuse")
DECISIONS: Mapping[str, tuple[str, ...]] = {
    DecisionKind.MERCY: MERCY_OPTIONS,
    DecisionKind.STANDOFF: STANDOFF_OPTIONS,
    DecisionKind.BARGAIN: BARGAIN_OPTIONS,
    DecisionKind.HELD: HELD_OPTIONS,
}
# What a skipped decision falls back to: the mercy spares, the standoff and bargain hold.
DEFAULTS: Mapping[str, str] = {
    DecisionKind.MERCY: "spare",
    DecisionKind.STANDOFF: "hold",
    DecisionKind.BARGAIN: "refuse",
    DecisionKind.HELD: "struggle",
}
# Marks of the mercy between two players: the holder softened by a plea (the heart check to
# strike is harder), and the held one's words already heard in this grip.
SOFTENED, HEARD = "softened", "heard"
# Marks of the path, read by the ending: how the last mercy went (on its decider), and how the
# intruder left the scene.
MERCY_MARKS: Mapping[str, str] = {
    "struck": "mercy_struck",
    "spared": "mercy_spared",
    "bound": "mercy_bound",
    "refused": "mercy_refused",
}
WITHDREW, FLED, FLED_WOUNDED = "withdrew", "fled", "fled_wounded"
BARGAINED = "bargained"  # he left with the scrolls she yielded

Int = Annotated[int, Strict()]
Small = Annotated[Int, Field(ge=0, le=10)]
Dc = Annotated[Int, Field(ge=1, le=40)]


class SiegeNumbers(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    integrity: Annotated[Int, Field(ge=1, le=100)]
    press: Notation
    press_every: Annotated[Int, Field(ge=1, le=20)]
    volley_relief: Annotated[Int, Field(ge=0, le=20)]
    volley_dc: Dc
    wall_relief: Annotated[Int, Field(ge=0, le=20)]
    hold_relief: Annotated[Int, Field(ge=0, le=20)]


class CastleNumbers(BaseModel):
    """The castle's own tunable numbers (``[rules]`` in rules.toml, beside the core's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_sight_dc: Dc
    heart_dc: Dc
    plea_dc: Small  # what a plea (or the held one's words) adds to the heart check to strike
    sharingan_evasion: Small
    sharingan_seal_penalty: Small
    wall_evasion: Small
    door_burst_dc: Dc
    find_hidden_dc: Dc
    siege: SiegeNumbers

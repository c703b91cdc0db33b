"""Every bound on what a user may type, defined once: the engine enforces them, and the cogs'
option ranges read them from here."""

from __future__ import annotations

from scenes.engine.dice import MAX_NOTATION

POSE_LIMIT = 1500  # an /act, a /say, an action's pose
NARRATE_LIMIT = 1800  # a /gm narrate
REASON_LIMIT = 200  # a GM's reason (pause, skip, kick, end)
ROLL_REASON_LIMIT = 100  # a /roll's reason
NAME_LIMIT = 32  # a character's name
KEY_LIMIT = 40  # a technique, target, place, character or scene as typed
CHOICE_LIMIT = 20  # a /choose option
DICE_LIMIT = MAX_NOTATION  # a /roll's notation
SEATS_LIMIT = 4  # the seats of a role of several seats
VALUE_LOW, VALUE_HIGH = -3, 200  # what /gm set may ask for (each field then has its own range)
TURN_TIMEOUT_LIMIT = 1440  # minutes
DC_LIMIT = 40  # the highest difficulty a /gm check may ask for

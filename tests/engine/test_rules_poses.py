"""Players write their actions: an optional pose on /jutsu, /defend, /move and /interact is the
action's narration, in place of the scene's prose; the dice and the facts stay."""

from __future__ import annotations

from scenes.engine import commands as c
from scenes.engine.limits import POSE_LIMIT
from tests.engine.table import Table, of_kind
from tests.engine.test_rules_techniques import sasukes_turn

POSE = "Lightning gathers in his hand, and he does not let himself look at her face."


def test_a_pose_is_the_actions_narration_and_the_scenes_prose_is_not_told() -> None:
    table = sasukes_turn()
    events = table.do(
        "sasuke", c.Jutsu(name="chidori", target="sakura", pose=POSE), faces=[15, 3, 3, 3]
    )
    (posed,) = of_kind(events, "posed")
    assert (posed.seat, posed.style, posed.text) == ("sasuke", "pose", POSE)
    assert [e.moment for e in of_kind(events, "narrated")] == ["beat_clash"]
    assert of_kind(events, "rolled") and of_kind(events, "damaged")  # the dice still decide


def test_without_a_pose_the_scene_tells_the_action() -> None:
    table = sasukes_turn()
    events = table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=[15, 3, 3, 3])
    assert not of_kind(events, "posed")
    assert [e.moment for e in of_kind(events, "narrated")] == ["hit", "beat_clash"]


def test_a_pose_does_not_silence_what_follows_from_the_action() -> None:
    """The door bursts in the player's words, but the breach and first sight are the scene's."""
    table = breach_pending()
    pose = "He puts his shoulder to the oak, once, twice."
    events = table.do("sasuke", c.Interact(object="door", how="open", pose=pose), faces=[15, 15])
    moments = [e.moment for e in of_kind(events, "narrated")]
    assert "door_burst" not in moments
    assert "beat_breach" in moments and "first_sight" in moments


def test_every_turn_command_takes_a_pose() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Defend(pose="He sets his feet in the spilled wax."))
    table.do("sakura", c.Move(to="east_hall", pose="She slips past him into the hall."))
    events = [e for e in table.events if e.kind == "posed"]
    assert [e.style for e in events] == ["pose", "pose"]
    assert not [e for e in table.events if e.kind == "narrated" and e.moment in ("defend", "move")]


def test_a_pose_beyond_the_limit_is_refused_and_a_blank_one_is_no_pose() -> None:
    table = sasukes_turn()
    message = table.refused("sasuke", c.Defend(pose="x" * (POSE_LIMIT + 1)))
    assert f"the limit is {POSE_LIMIT}" in message
    events = table.do("sasuke", c.Defend(pose="   "))
    assert not of_kind(events, "posed") and of_kind(events, "narrated")


def breach_pending() -> Table:
    """Sasuke's first turn, the oak door still closed between them."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    return table

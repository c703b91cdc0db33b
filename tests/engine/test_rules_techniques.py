"""Techniques: costs, rolls against evasion, criticals and fumbles, and each technique's effect."""

from __future__ import annotations

import pytest

from scenes.castle.world import castle
from scenes.engine import commands as c
from scenes.engine.dice import ScriptedRandom
from scenes.engine.registry import find_scene
from scenes.engine.scene import SceneRules
from scenes.engine.session import Accepted, play
from scenes.engine.state import Condition, Fate
from scenes.schema import load_scene
from tests.engine.table import Table, of_kind


def breach() -> Table:
    """Sakura and Sasuke seated, no defender (so no siege); he has burst into the office.

    Both hold to duty at first sight; it is Sakura's turn, her ambush ready.
    """
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sasuke", "sakura"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    assert table.state.turn == "sakura" and table.ch("sasuke").place == "office"
    return table


def sasukes_turn() -> Table:
    """After the breach, Sakura's turn skipped: Sasuke's turn in the office."""
    table = breach()
    table.do("gm", c.Skip())
    assert table.state.turn == "sasuke"
    return table


def ambush_spent() -> Table:
    """After the breach, Sakura spends her ambush on a dagger that misses: Sasuke's turn."""
    table = breach()
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[2, 3])
    assert not table.ch("sakura").marked("ambush") and table.ch("sasuke").vitality == 32
    assert table.state.turn == "sasuke"
    return table


def chidori(table: Table, faces: list[int]) -> list:
    return table.do("sasuke", c.Jutsu(name="chidori", target="sakura"), faces=faces)


# --- Costs --------------------------------------------------------------------------------------


def test_chidori_costs_five_chakra() -> None:
    table = sasukes_turn()
    chidori(table, [2])
    assert table.ch("sasuke").chakra == 24 - 5


def test_great_fireball_costs_four_chakra() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="great_fireball"), faces=[2])
    assert table.ch("sasuke").chakra == 24 - 4


def test_sharingan_costs_one_chakra() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="sharingan"))
    assert table.ch("sasuke").chakra == 24 - 1


def test_body_flicker_costs_two_chakra() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="body_flicker"))
    assert table.ch("sasuke").chakra == 24 - 2


def test_throat_grip_costs_no_chakra() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[2, 18])
    assert table.ch("sasuke").chakra == 24


def test_chakra_enhanced_strike_costs_two_chakra() -> None:
    table = breach()
    table.do("sakura", c.Jutsu(name="strike", target="sasuke"), faces=[2, 3])
    assert table.ch("sakura").chakra == 20 - 2


def test_rain_of_tags_and_blades_costs_three_chakra() -> None:
    table = breach()
    table.do("sakura", c.Jutsu(name="rain_of_tags"), faces=[2, 3])
    assert table.ch("sakura").chakra == 20 - 3


def test_dagger_from_the_obi_costs_no_chakra() -> None:
    table = breach()
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[2, 3])
    assert table.ch("sakura").chakra == 20


def test_kunai_volley_and_hold_the_line_cost_no_chakra() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[5, 1])
    table.do("defender_1", c.Jutsu(name="hold_the_line"), faces=[1])
    assert table.ch("defender_1").chakra == 10


def test_earth_wall_costs_three_chakra() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="earth_wall"), faces=[1])
    assert table.ch("defender_1").chakra == 10 - 3


def test_techniques_are_named_by_key_or_by_name() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="Chidori", target="Sakura"), faces=[2])
    assert table.ch("sasuke").chakra == 19


def test_an_unknown_technique_is_refused_listing_the_known_ones() -> None:
    table = sasukes_turn()
    message = table.refused("sasuke", c.Jutsu(name="rasengan", target="sakura"))
    assert "rasengan" in message and "Chidori" in message and "Body flicker" in message


def test_another_roles_technique_is_refused() -> None:
    table = breach()
    assert "no technique" in table.refused("sakura", c.Jutsu(name="chidori", target="sasuke"))


# --- Chakra never below zero ---------------------------------------------------------------------


def test_a_technique_costing_more_chakra_than_is_left_is_refused_with_the_reason() -> None:
    table = sasukes_turn()
    table.do("gm", c.Set(character="sasuke", field="chakra", value=4))
    message = table.refused("sasuke", c.Jutsu(name="chidori", target="sakura"))
    assert message == "Chidori costs 5 chakra; Sasuke has 4."


def test_a_technique_costing_exactly_the_chakra_left_leaves_none() -> None:
    table = sasukes_turn()
    table.do("gm", c.Set(character="sasuke", field="chakra", value=5))
    chidori(table, [2])
    assert table.ch("sasuke").chakra == 0


def test_a_free_technique_works_with_no_chakra_left() -> None:
    table = breach()
    table.do("gm", c.Set(character="sakura", field="chakra", value=0))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[2, 3])
    assert table.ch("sakura").chakra == 0


# --- Attack rolls ------------------------------------------------------------------------------


def test_an_attack_hits_when_the_roll_meets_evasion() -> None:
    table = sasukes_turn()
    events = chidori(table, [6, 1, 2, 3])
    assert table.rolls(events) == [
        "Chidori: 1d20 (6) + 6 = 12 vs evasion 12 → hit",
        "Chidori damage: 3d8 (1, 2, 3) + 2 = 8 → lightning",
    ]
    assert table.ch("sakura").vitality == 30 - 8


def test_an_attack_misses_below_evasion() -> None:
    table = sasukes_turn()
    events = chidori(table, [5])
    assert table.rolls(events) == ["Chidori: 1d20 (5) + 6 = 11 vs evasion 12 → miss"]
    assert table.ch("sakura").vitality == 30


def test_a_natural_20_is_a_critical_that_doubles_the_damage_dice() -> None:
    table = sasukes_turn()
    events = chidori(table, [20, 1, 1, 1, 1, 1, 1])
    rolls = table.rolls(events)
    assert rolls[0].endswith("→ critical")
    assert rolls[1] == "Chidori damage: 6d8 (1, 1, 1, 1, 1, 1) + 2 = 8 → lightning"
    assert table.ch("sakura").vitality == 30 - 8


def test_a_natural_1_fumbles_and_still_spends_the_chakra() -> None:
    table = sasukes_turn()
    events = chidori(table, [1])
    assert table.rolls(events) == ["Chidori: 1d20 (1) + 6 = 7 vs evasion 12 → fumble"]
    assert table.ch("sasuke").chakra == 19 and table.ch("sakura").vitality == 30
    assert "fumble" in [e.moment for e in of_kind(events, "narrated")]


def test_attacking_the_other_of_the_pair_does_not_move_resolve() -> None:
    """Resolve moves by the story's choices, never by the count of blows."""
    table = sasukes_turn()
    chidori(table, [5])
    assert table.ch("sasuke").resolve == 0 and not of_kind(table.events, "resolve_shifted")


def test_an_attack_needs_an_enemy_in_the_room() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sakura", "sasuke"])
    message = table.refused("sakura", c.Jutsu(name="obi_dagger", target="sasuke"))
    assert "not an enemy standing in the room" in message


def test_the_chakra_enhanced_strike_stuns_on_a_critical() -> None:
    table = breach()
    events = table.do("sakura", c.Jutsu(name="strike", target="sasuke"), faces=[20, 3, 2, 2, 2, 2])
    added = [(e.seat, e.condition) for e in of_kind(events, "condition_added")]
    assert ("sasuke", Condition.STUNNED) in added
    # The stun is spent at once: his next turn is lost.
    assert [e.seat for e in of_kind(events, "turn_skipped")] == ["sasuke"]
    assert table.ch("sasuke").vitality == 32 - 11
    assert table.state.turn == "sakura" and table.state.round == 2


def test_the_chakra_enhanced_strike_does_not_stun_on_an_ordinary_hit() -> None:
    table = breach()
    events = table.do("sakura", c.Jutsu(name="strike", target="sasuke"), faces=[19, 3, 2, 2])
    assert table.ch("sasuke").vitality == 32 - 7
    assert not of_kind(events, "turn_skipped")
    assert table.state.turn == "sasuke"


def test_a_critical_dagger_does_not_stun() -> None:
    table = breach()
    events = table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[20, 3, 1, 1])
    assert table.ch("sasuke").vitality == 32 - 4
    assert not of_kind(events, "turn_skipped") and table.state.turn == "sasuke"


# --- Area techniques -----------------------------------------------------------------------------


def defender_in_the_office() -> Table:
    """All three seated; the defender walks from the north wing to the office while the others
    let their turns pass. Sasuke's turn, round 4, the north wing at 5."""
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip())
    for place in ("grand_hall", "east_hall", "office"):
        if table.state.turn == "sasuke":
            table.do("gm", c.Skip())
            table.do("gm", c.Skip())
        table.do("defender_1", c.Move(to=place), faces=[1])
    assert table.ch("defender_1").place == "office" and table.state.turn == "sasuke"
    return table


def test_great_fireball_rolls_against_each_enemy_in_the_room() -> None:
    table = defender_in_the_office()
    events = table.do("sasuke", c.Jutsu(name="great_fireball"), faces=[6, 1, 2, 5, 3, 4])
    assert table.rolls(events) == [
        "Great fireball: 1d20 (6) + 6 = 12 vs evasion 12 → hit",
        "Great fireball damage: 2d8 (1, 2) = 3 → fire",
        "Great fireball: 1d20 (5) + 6 = 11 vs evasion 11 → hit",
        "Great fireball damage: 2d8 (3, 4) = 7 → fire",
    ]
    assert table.ch("sakura").vitality == 27 and table.ch("defender_1").vitality == 11
    assert table.ch("sasuke").chakra == 20


def test_great_fireball_misses_one_and_hits_another_by_their_own_rolls() -> None:
    table = defender_in_the_office()
    table.do("sasuke", c.Jutsu(name="great_fireball"), faces=[5, 5, 8, 8])
    assert table.ch("sakura").vitality == 30 and table.ch("defender_1").vitality == 2


def test_an_area_technique_spares_enemies_in_other_rooms() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke", "defender_1")
    table.begin(["sasuke", "sakura", "defender_1"])
    table.do("sasuke", c.Interact(object="door", how="open"), faces=[15, 15])
    table.do("gm", c.Skip())
    table.do("gm", c.Skip(), faces=[1])
    events = table.do("sasuke", c.Jutsu(name="great_fireball"), faces=[6, 1, 2])
    assert len(table.rolls(events)) == 2 and table.ch("defender_1").vitality == 18


def test_rain_of_tags_rolls_ninjutsu_against_the_enemy_in_the_room() -> None:
    table = breach()
    # Her ambush gives advantage against him: 2d20kh1 + 3 vs 14.
    events = table.do("sakura", c.Jutsu(name="rain_of_tags"), faces=[4, 11, 6, 6])
    assert table.rolls(events) == [
        "Rain of tags and blades: 2d20kh1 (~~4~~, 11) + 3 = 14 vs evasion 14 → hit",
        "Rain of tags and blades damage: 2d6 (6, 6) = 12 → blast",
    ]
    assert table.ch("sasuke").vitality == 20


def test_an_area_technique_with_no_enemy_in_the_room_is_refused() -> None:
    table = Table(defenders=1)
    table.seat("sakura", "sasuke")
    table.begin(["sakura", "sasuke"])
    message = table.refused("sakura", c.Jutsu(name="rain_of_tags"))
    assert "No enemy stands in the room" in message


# --- Guarding ------------------------------------------------------------------------------------


def sakura_guarding() -> Table:
    table = breach()
    table.do("sakura", c.Defend())
    assert table.ch("sakura").has(Condition.GUARDING) and table.state.turn == "sasuke"
    return table


def test_a_guarding_target_must_be_beaten_by_more_than_the_guard_roll() -> None:
    table = sakura_guarding()
    # 10 + 6 = 16 against her guard 12 + (12 + 2 - 10) = 16: a tie is not enough.
    events = chidori(table, [10, 12])
    assert table.ch("sakura").vitality == 30
    assert "Chidori: 1d20 (10) + 6 = 16 vs guard 16 → miss" in table.rolls(events)


def test_an_attack_beating_the_guard_roll_hits() -> None:
    table = sakura_guarding()
    events = chidori(table, [10, 11, 1, 1, 1])
    assert "Chidori: 1d20 (10) + 6 = 16 vs guard 15 → hit" in table.rolls(events)
    assert table.ch("sakura").vitality == 30 - 5


def test_guarding_ends_at_the_guards_next_turn() -> None:
    table = sakura_guarding()
    chidori(table, [2, 10])
    assert table.state.turn == "sakura"
    sakura = table.ch("sakura")
    assert not sakura.has(Condition.GUARDING) and sakura.evasion_bonus == 0


# --- Sharingan -----------------------------------------------------------------------------------


def test_sharingan_gives_three_evasion() -> None:
    table = ambush_spent()
    table.do("sasuke", c.Jutsu(name="sharingan"))
    assert table.ch("sasuke").marked("sharingan") and table.ch("sasuke").evasion_bonus == 3
    events = table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[11])
    assert table.rolls(events) == ["Dagger from the obi: 1d20 (11) + 5 = 16 vs evasion 17 → miss"]


def test_an_attack_meeting_the_sharingan_evasion_hits() -> None:
    table = ambush_spent()
    table.do("sasuke", c.Jutsu(name="sharingan"))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[12, 1])
    assert table.ch("sasuke").vitality == 32 - 3


def test_sharingan_ends_at_his_next_turn() -> None:
    table = ambush_spent()
    table.do("sasuke", c.Jutsu(name="sharingan"))
    table.do("sakura", c.Defend())
    assert table.state.turn == "sasuke"
    assert not table.ch("sasuke").marked("sharingan") and table.ch("sasuke").evasion_bonus == 0


def _with_a_sealed_dagger() -> SceneRules:
    """The castle, but Sakura's dagger needs hand seals (no castle attack has seals as shipped)."""
    scene = load_scene("castle")
    techniques = tuple(
        t.model_copy(update={"seals": True}) if t.key == "obi_dagger" else t
        for t in scene.techniques
    )
    return find_scene("castle").with_data(scene.model_copy(update={"techniques": techniques}))


@pytest.mark.parametrize(("face", "outcome"), [(14, "hit"), (13, "miss")])
def test_sharingan_takes_two_from_enemies_sealed_jutsu_against_him(face: int, outcome: str) -> None:
    table = ambush_spent()
    table.do("sasuke", c.Jutsu(name="sharingan"))
    faces = [face, 1] if outcome == "hit" else [face]
    rng = ScriptedRandom(faces)
    command = c.Jutsu(name="obi_dagger", target="sasuke")
    result = play(table.state, table.actor("sakura"), command, rng, _with_a_sealed_dagger())
    assert isinstance(result, Accepted) and rng.faces == []
    attack = next(e.roll for e in result.events if e.kind == "rolled")
    assert (
        attack.text
        == f"Dagger from the obi: 1d20 ({face}) + 3 = {face + 3} vs evasion 17 → {outcome}"
    )


# --- Throat grip, choking, restraint, breaking free ----------------------------------------------


def test_throat_grip_won_restrains_and_chokes_the_target() -> None:
    table = sasukes_turn()
    events = table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 10])
    assert table.rolls(events)[:2] == [
        "Throat grip (Sasuke): 1d20 (15) + 4 = 19 vs Sakura 15 → wins",
        "Throat grip (Sakura): 1d20 (10) + 5 = 15",
    ]
    sakura = table.ch("sakura")
    assert sakura.has(Condition.RESTRAINED) and sakura.has(Condition.CHOKING)
    assert sakura.held_by == "sasuke"


def test_throat_grip_lost_leaves_the_target_free() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[5, 10])
    sakura = table.ch("sakura")
    assert not sakura.has(Condition.RESTRAINED) and not sakura.has(Condition.CHOKING)
    assert table.state.turn == "sakura" and not table.state.decisions


def test_throat_grip_ties_go_to_the_target() -> None:
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[11, 10])
    assert not table.ch("sakura").has(Condition.CHOKING)


def sasuke_at_the_north_wing() -> Table:
    """Sasuke and one defender seated; Sasuke walks to the north wing. His turn, round 3."""
    table = Table(defenders=1)
    table.without_siege_events()
    table.seat("sasuke", "defender_1")
    table.begin(["sasuke", "defender_1"])
    table.do("sasuke", c.Move(to="grand_hall"))
    table.do("gm", c.Skip(), faces=[1])
    table.do("sasuke", c.Move(to="north_wing"))
    table.do("gm", c.Skip(), faces=[1])
    assert table.state.turn == "sasuke" and castle(table.state).siege.integrity == 7
    return table


def defender_choking() -> Table:
    table = sasuke_at_the_north_wing()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="defender_1"), faces=[15, 2])
    defender = table.ch("defender_1")
    assert defender.has(Condition.CHOKING) and defender.held_by == "sasuke"
    assert table.state.turn == "defender_1"
    return table


def test_choking_loses_1d4_vitality_at_each_rounds_end() -> None:
    table = defender_choking()
    events = table.do("gm", c.Skip(), faces=[3, 1])
    assert table.rolls(events)[0] == "Choking (Ren 1): 1d4 (3) = 3"
    assert table.ch("defender_1").vitality == 18 - 3
    table.do("gm", c.Skip())
    table.do("gm", c.Skip(), faces=[4, 1])
    assert table.ch("defender_1").vitality == 18 - 7


def test_a_restrained_character_cannot_move() -> None:
    table = defender_choking()
    assert "held fast" in table.refused("defender_1", c.Move(to="grand_hall"))


def test_sealed_jutsu_are_refused_while_restrained() -> None:
    table = defender_choking()
    message = table.refused("defender_1", c.Jutsu(name="earth_wall"))
    assert "hand seals" in message


def test_jutsu_without_seals_still_work_while_restrained() -> None:
    table = defender_choking()
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="sasuke"), faces=[13, 2, 1, 1])
    assert table.ch("sasuke").vitality == 32 - 3


def test_the_gripper_moving_away_lets_go() -> None:
    table = defender_choking()
    table.do("gm", c.Skip(), faces=[1, 1])
    table.do("sasuke", c.Move(to="grand_hall"))
    defender = table.ch("defender_1")
    assert not defender.has(Condition.CHOKING) and not defender.has(Condition.RESTRAINED)


def sakura_bound() -> Table:
    """Sasuke grips Sakura, binds her at the mercy, and the GM lets the standoff pass."""
    table = sasukes_turn()
    table.do("sasuke", c.Jutsu(name="throat_grip", target="sakura"), faces=[15, 5])
    table.do("sasuke", c.Choose(option="bind"))
    table.do("gm", c.Skip())
    sakura = table.ch("sakura")
    assert sakura.has(Condition.RESTRAINED) and not sakura.has(Condition.CHOKING)
    assert table.state.turn == "sakura"
    return table


def test_break_free_won_ends_restrained_and_choking() -> None:
    table = sakura_bound()
    events = table.do("sakura", c.Jutsu(name="break_free"), faces=[12, 5])
    assert table.rolls(events)[0] == "Break free (Sakura): 1d20 (12) + 5 = 17 vs Sasuke 9 → wins"
    sakura = table.ch("sakura")
    assert not sakura.has(Condition.RESTRAINED) and sakura.held_by is None
    assert sakura.chakra == 20 - 1


def test_break_free_lost_leaves_the_hold_and_spends_the_chakra() -> None:
    table = sakura_bound()
    table.do("sakura", c.Jutsu(name="break_free"), faces=[5, 12])
    sakura = table.ch("sakura")
    assert sakura.has(Condition.RESTRAINED) and sakura.chakra == 20 - 1


def test_break_free_when_not_held_is_refused() -> None:
    table = breach()
    assert "not held" in table.refused("sakura", c.Jutsu(name="break_free"))


def test_sakuras_sealed_mystic_palm_is_refused_while_she_is_bound() -> None:
    table = sakura_bound()
    assert "hand seals" in table.refused("sakura", c.Jutsu(name="mystic_palm"))


# --- Mystic palm ---------------------------------------------------------------------------------


def sakura_hurt(by: int) -> Table:
    table = sasukes_turn()
    chidori(table, [10, by - 2 - 2, 1, 1])
    assert table.ch("sakura").vitality == 30 - by and table.state.turn == "sakura"
    return table


def test_mystic_palm_heals_2d6_plus_2() -> None:
    table = sakura_hurt(by=12)
    events = table.do("sakura", c.Jutsu(name="mystic_palm"), faces=[3, 4])
    assert table.rolls(events) == ["Mystic palm: 2d6 (3, 4) + 2 = 9 → healing"]
    assert table.ch("sakura").vitality == 30 - 12 + 9
    assert table.ch("sakura").chakra == 20 - 3


def test_mystic_palm_on_oneself_is_told_as_self_healing() -> None:
    table = sakura_hurt(by=12)
    events = table.do("sakura", c.Jutsu(name="mystic_palm"), faces=[3, 4])
    (told,) = [e for e in of_kind(events, "narrated") if e.moment.startswith("heal")]
    assert told.moment == "heal_self"
    assert "Sakura" in told.text and "9" in told.text and "{" not in told.text


def test_mystic_palm_never_heals_above_the_maximum() -> None:
    table = sakura_hurt(by=5)
    events = table.do("sakura", c.Jutsu(name="mystic_palm"), faces=[6, 6])
    assert table.ch("sakura").vitality == 30
    assert [e.amount for e in of_kind(events, "healed")] == [5]


def test_mystic_palm_on_the_unhurt_is_refused() -> None:
    table = breach()
    assert "unhurt" in table.refused("sakura", c.Jutsu(name="mystic_palm"))


def test_mystic_palm_on_an_ally_in_another_room_is_refused() -> None:
    table = sakura_hurt(by=5)
    message = table.refused("sakura", c.Jutsu(name="mystic_palm", target="defender_1"))
    assert "ally in the same room" in message


def test_mystic_palm_cannot_heal_an_enemy() -> None:
    table = sakura_hurt(by=5)
    assert "ally" in table.refused("sakura", c.Jutsu(name="mystic_palm", target="sasuke"))


# --- Body flicker --------------------------------------------------------------------------------


def test_body_flicker_leaves_the_scene() -> None:
    table = sasukes_turn()
    events = table.do("sasuke", c.Jutsu(name="body_flicker"))
    assert table.ch("sasuke").fate is Fate.GONE
    assert "body_flicker" in [e.moment for e in of_kind(events, "narrated")]
    assert table.state.beat == 6 and table.state.turn != "sasuke"


# --- The defenders' techniques -------------------------------------------------------------------


def test_kunai_volley_at_the_army_eases_the_siege() -> None:
    table = Table.north_wing()
    # 10 + 3 = 13 meets DC 10: two relief; the army's 5 takes 3.
    events = table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[7, 5])
    assert table.rolls(events)[0] == "Kunai volley at the army: 1d20 (7) + 3 = 10 vs DC 10 → hit"
    assert castle(table.state).siege.integrity == 10 - 3


def test_kunai_volley_missing_the_army_eases_nothing() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[6, 5])
    assert castle(table.state).siege.integrity == 10 - 5


def test_a_critical_kunai_volley_doubles_the_relief() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Jutsu(name="kunai_volley", target="army"), faces=[20, 5])
    assert castle(table.state).siege.integrity == 10 - 1


def test_kunai_volley_at_the_army_needs_the_north_wing() -> None:
    table = Table.north_wing()
    table.do("defender_1", c.Move(to="grand_hall"), faces=[1])
    assert "not an enemy" in table.refused(
        "defender_1", c.Jutsu(name="kunai_volley", target="army")
    )


def test_earth_wall_shores_up_the_north_wing() -> None:
    table = Table.north_wing()
    events = table.do("defender_1", c.Jutsu(name="earth_wall"), faces=[5])
    assert [e.relief for e in of_kind(events, "siege_relieved")] == [2]
    assert castle(table.state).siege.integrity == 10 - 3


def test_earth_wall_gives_an_ally_in_the_room_two_evasion() -> None:
    table = Table.north_wing(defenders=3)
    table.do("defender_1", c.Jutsu(name="earth_wall", target="defender_3"))
    assert table.ch("defender_3").evasion_bonus == 2
    assert table.ch("defender_1").evasion_bonus == 0
    assert table.state.turn == "defender_2"


def test_the_earth_walls_evasion_lasts_until_the_allys_next_turn() -> None:
    table = Table.north_wing(defenders=3)
    table.do("defender_1", c.Jutsu(name="earth_wall", target="defender_3"))
    table.do("defender_2", c.Defend())
    assert table.state.turn == "defender_3" and table.ch("defender_3").evasion_bonus == 0


def test_earth_wall_for_an_ally_in_another_room_is_refused() -> None:
    table = Table.north_wing()
    assert "ally" in table.refused("defender_1", c.Jutsu(name="earth_wall", target="sakura"))


def test_hold_the_line_guards_and_eases_the_siege_in_the_north_wing() -> None:
    table = Table.north_wing(defenders=2)
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
    assert table.ch("defender_1").has(Condition.GUARDING)
    assert [e.relief for e in of_kind(events, "siege_relieved")] == [1]
    table.do("defender_2", c.Defend(), faces=[4])
    assert castle(table.state).siege.integrity == 10 - 3


def test_hold_the_line_away_from_the_north_wing_only_guards() -> None:
    table = Table.north_wing(defenders=2)
    table.do("defender_1", c.Move(to="grand_hall"))
    table.do("defender_2", c.Defend(), faces=[1])
    events = table.do("defender_1", c.Jutsu(name="hold_the_line"))
    assert table.ch("defender_1").has(Condition.GUARDING)
    assert not of_kind(events, "siege_relieved")
    table.do("defender_2", c.Defend(), faces=[4])
    assert castle(table.state).siege.integrity == 9 - (4 + 1)


# --- Vitality never below zero -------------------------------------------------------------------


def test_vitality_never_drops_below_zero() -> None:
    table = sasukes_turn()
    table.do("gm", c.Set(character="sakura", field="vitality", value=2))
    events = chidori(table, [10, 8, 8, 8])
    assert table.ch("sakura").vitality == 0
    assert [e.amount for e in of_kind(events, "damaged")] == [2]

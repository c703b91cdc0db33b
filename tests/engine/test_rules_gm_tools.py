"""The GM's tools for a live table: an ad-hoc check, resolve as a reward, a voice for the
scene's other people, and private rolls."""

from __future__ import annotations

from scenes.engine import commands as c
from scenes.engine.transcript import transcript
from tests.engine.table import of_kind
from tests.engine.test_rules_techniques import sasukes_turn
from tests.recap.chronicle import Chronicle


def test_a_check_rolls_a_skill_against_the_dc_and_is_stored() -> None:
    table = sasukes_turn()
    events = table.do("gm", c.Check(character="Sakura", skill="ninjutsu", dc=14), faces=[11])
    (rolled,) = of_kind(events, "rolled")
    assert rolled.seat == "sakura" and rolled.roll.purpose == "check"
    assert rolled.roll.text == "Sakura: ninjutsu: 1d20 (11) + 3 = 14 vs DC 14 → success"
    assert table.state.turn == "sasuke"  # a check is no one's turn


def test_a_check_is_refused_for_an_unknown_skill_or_dc_or_character() -> None:
    table = sasukes_turn()
    assert "taijutsu, ninjutsu" in table.refused(
        "gm", c.Check(character="sakura", skill="luck", dc=10)
    )
    assert "from 1 to 40" in table.refused(
        "gm", c.Check(character="sakura", skill="taijutsu", dc=0)
    )
    assert "No character" in table.refused(
        "gm", c.Check(character="Kakashi", skill="taijutsu", dc=9)
    )
    assert "game master" in table.refused(
        "sakura", c.Check(character="sakura", skill="taijutsu", dc=9)
    )


def test_the_gm_rewards_roleplay_by_moving_resolve_with_a_reason() -> None:
    table = sasukes_turn()
    events = table.do("gm", c.Reward(character="sasuke", shift=-1, reason="he lowered his blade"))
    (shifted,) = of_kind(events, "resolve_shifted")
    assert shifted.resolve == -1 and shifted.why == "the GM: he lowered his blade"
    assert "no resolve track" in table.refused(
        "gm", c.Reward(character="defender_1", shift=1, reason="brave")
    )
    assert "-1 (toward the heart) or +1" in table.refused(
        "gm", c.Reward(character="sasuke", shift=2, reason="x")
    )
    assert "Say what" in table.refused("gm", c.Reward(character="sasuke", shift=1, reason=" "))


def test_an_npc_speaks_under_a_name_checked_like_a_characters() -> None:
    table = sasukes_turn()
    events = table.do(
        "gm", c.Npc(name="Old Hiro", text="The north gate! They are at the north gate!")
    )
    (spoke,) = of_kind(events, "npc_spoke")
    assert (spoke.name, spoke.text) == ("Old Hiro", "The north gate! They are at the north gate!")
    assert "link" in table.refused("gm", c.Npc(name="[Hiro](https://evil.example)", text="hi"))
    assert "empty" in table.refused("gm", c.Npc(name="Hiro", text="   "))


def test_a_private_roll_is_stored_and_the_transcript_keeps_its_numbers_out() -> None:
    table = Chronicle()
    table.seat("sakura")
    table.do("sakura", c.FreeRoll(dice="1d20", reason="does she hear him?", private=True))
    (rolled,) = of_kind(table.events, "dice_rolled")
    assert rolled.private and rolled.roll.total >= 1
    told = transcript(table.state, table.log)
    assert "rolls in private" in told and rolled.roll.text not in told

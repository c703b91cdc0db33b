"""The transcript holds every logged action: each command as typed, each post and each roll's
whole breakdown, in order, under the time it was logged."""

from __future__ import annotations

from scenes.engine import commands as c
from scenes.engine import events as ev
from scenes.engine.autoplay import GM
from scenes.engine.transcript import transcript
from tests.recap.chronicle import Chronicle, long_night, member
from tests.recap.endings import breach


def expected(table: Chronicle) -> list[str]:
    """What must appear, in order: each entry's time and command, then its posts and rolls."""
    wanted: list[str] = []
    for entry in table.log:
        typed = f"/gm {entry.kind}" if entry.kind in c.GM_COMMANDS else f"/{entry.kind}"
        wanted.append(f"### {entry.at:%Y-%m-%d %H:%M:%S} · v{entry.version} · `{typed}")
        for event in entry.events:
            if isinstance(event, ev.Posed):
                wanted.append(event.text)
            elif isinstance(event, ev.Narrated):
                wanted.extend(event.text.splitlines())
            elif isinstance(event, ev.Rolled | ev.DiceRolled):
                wanted.append(event.roll.text)
    return wanted


def assert_in_order(text: str, wanted: list[str]) -> None:
    at = 0
    for piece in wanted:
        found = text.find(piece, at)
        assert found >= at, f"missing or out of order: {piece[:80]}"
        at = found + len(piece)


def test_every_post_action_and_roll_is_in_the_transcript_in_order_with_its_time() -> None:
    table = breach(defender=True)
    table.do("sasuke", c.Act(text="He lowers the blade a finger's width.\nThen raises it."))
    table.do("sakura", c.Say(text="Don't."))
    table.act(member("defender_1"), c.FreeRoll(dice="4d6kh3", reason="nerve"))
    table.act(GM, c.Narrate(text="The wind shifts.\nSomewhere a shutter bangs."))
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[20, 2, 3, 4])
    table.do("gm", c.Undo())
    table.do("gm", c.End(reason="late"))
    text = transcript(table.state, table.log)
    assert_in_order(text, expected(table))
    assert "`/jutsu name:obi_dagger target:sasuke` by <@10>" in text
    assert "`/gm begin` by <@1>" in text and "`/gm end reason:late` by <@1>" in text
    assert "`/gm open scene:castle seats:1` by <@1>" in text and "seed:" not in text
    assert "`/gm open scene:castle defenders:1`" in transcript(
        table.state, table.log, {"seats": "defenders"}
    )
    assert "> **GM:** The wind shifts.\n> Somewhere a shutter bangs." in text
    assert "The GM undoes the last jutsu." in text
    assert text.count("\n### ") == len(table.log)


def test_a_500_round_transcript_keeps_every_entry() -> None:
    table = long_night()
    text = transcript(table.state, table.log)
    assert_in_order(text, expected(table))
    assert len(text.encode()) < 8 * 1024 * 1024, "fits Discord's attachment limit"

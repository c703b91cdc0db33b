"""A recap for each ending: the story names it, and the facts show its dimensions, its turning
rolls, the characters and the table."""

from __future__ import annotations

import pytest

from scenes.castle.story import prose
from scenes.engine import commands as c
from scenes.engine.recap import BEST_LINES_RULE, RecapPage, read, recap_pages
from scenes.engine.recap.facts import best_lines
from scenes.schema import load_scene
from tests.recap.chronicle import Chronicle
from tests.recap.endings import ENDINGS, breach, ended

SCENE = load_scene("castle")
STORY = "The Castle in the Rain — the recap"


def pages_of(table: Chronicle, final: bool = True) -> dict[str, RecapPage]:
    return {page.title: page for page in recap_pages(table.state, table.log, final=final)}


def text(page: RecapPage) -> str:
    return "\n".join(page.paragraphs)


FILL = {
    "sakura": "Sakura",
    "sasuke": "Sasuke",
    "their": "her",
    "them": "her",
    "themself": "herself",
}


def tells(variants: tuple[str, ...], story: str, **fields: str) -> bool:
    """Whether ``story`` tells one of ``variants`` (up to its first free placeholder)."""
    fill = {**FILL, **fields}
    for variant in variants:
        head = variant.split("{coda}")[0].split("{weather}")[0]
        try:
            said = head.format(**fill)
        except KeyError:
            continue
        if said.lower() in story.lower():
            return True
    return False


@pytest.mark.parametrize("key", ENDINGS)
def test_each_ending_is_told_then_named_with_its_dimensions(key: str) -> None:
    table = ended(key)
    pages = pages_of(table)
    title = SCENE.ending(key).title
    assert tells(prose().closings[key], pages[STORY].paragraphs[-1])
    dims = table.state.ending
    assert dims is not None
    assert pages[f"Ending: {title}"].paragraphs == (
        f"Scrolls **{dims.facet('scrolls')}** · Sakura **{dims.facet('sakura')}** · "
        f"Sasuke **{dims.facet('sasuke')}** · North wing **{dims.facet('north_wing')}**",
    )
    assert "6. Aftermath" in text(pages["Beats reached"])
    assert f"**Ending: {title}.**" in text(pages["Key moments"])
    characters = text(pages["The characters"])
    assert "**Sakura** — played by <@10>" in characters
    assert "**Sasuke** — played by <@11>" in characters
    assert "vitality" in characters and "chakra" in characters
    table_page = text(pages["The table"])
    assert "**GM:** <@1>" in table_page
    assert f"**Rounds:** {table.state.round}" in table_page
    assert "**Duration:**" in table_page and "**Closed:** the storm passes" in table_page


def test_the_recap_so_far_says_so_and_has_no_closing() -> None:
    pages = pages_of(breach(), final=False)
    assert "The Castle in the Rain — the story so far" in pages
    assert not any(title.startswith("Ending") for title in pages)
    last = pages["The Castle in the Rain — the story so far"].paragraphs[-1]
    assert "the breach" in last and not any(
        tells(variants, last) for variants in prose().closings.values()
    )


def test_blood_on_the_stone_shows_the_heart_check_that_let_her_strike() -> None:
    pages = pages_of(ended("blood_on_the_stone"))
    moments = text(pages["Key moments"])
    assert "**The mercy.** Sakura holds Sasuke's life." in moments
    assert "**The heart check.** Sakura steels the heart: 1d20 (12) = 12 vs DC 12" in moments
    assert "**Sakura chooses strike**: struck." in moments
    story = text(pages[STORY])
    assert tells(prose().deeds["mercy:struck"], story, who="Sakura", whom="Sasuke")
    assert tells(prose().techniques["obi_dagger"], story, who="Sakura", whom="Sasuke")
    assert "**Sasuke** — played by <@11> · dead" in text(pages["The characters"])


def test_the_spent_intruder_tells_of_the_heart_that_would_not_strike() -> None:
    pages = pages_of(ended("the_spent_intruder"))
    assert "1d20 (9) = 9 vs DC 12 → failure" in text(pages["Key moments"])
    story = text(pages[STORY])
    assert tells(prose().deeds["mercy:refused"], story, who="Sakura", whom="Sasuke")
    assert not tells(prose().deeds["mercy:spared"], story, who="Sakura", whom="Sasuke")


def test_the_captive_is_bound_at_the_mercy() -> None:
    pages = pages_of(ended("the_captive"))
    moments = text(pages["Key moments"])
    assert "**Sakura chooses bind**: bound." in moments and "**Sasuke is captured.**" in moments
    assert tells(prose().deeds["mercy:bound"], text(pages[STORY]), who="Sakura", whom="Sasuke")


def test_the_guardian_falls_to_the_throat_grip_and_his_strike() -> None:
    pages = pages_of(ended("the_guardian_falls"))
    moments = text(pages["Key moments"])
    assert "**Throat grip.** Sasuke has Sakura choking." in moments
    assert "**The heart check.** Sasuke steels the heart: 1d20 (12) = 12 vs DC 12" in moments
    story = text(pages[STORY])
    assert tells(prose().deeds["grip"], story, who="Sasuke", whom="Sakura", their="his")


def test_the_scrolls_carried_off_show_the_struggle_that_won_them() -> None:
    pages = pages_of(ended("scrolls_carried_off"))
    moments = text(pages["Key moments"])
    assert "Struggle for the scrolls (Sasuke): 1d20 (18) + 4 = 22 vs Sakura 8 → wins" in moments
    assert "**The scrolls are taken** by Sasuke." in moments
    assert "Round 2" in moments


@pytest.mark.parametrize("key", ["ashes_of_the_archive", "the_north_wing_falls"])
def test_the_fall_of_the_north_wing_shows_the_press_that_broke_it(key: str) -> None:
    pages = pages_of(ended(key))
    moments = text(pages["Key moments"])
    assert "Round 1 · **The north wing falls.** The army presses: 1d6 (1) = 1" in moments
    story = text(pages[STORY])
    assert tells(prose().deeds["fell"], story) and "round" not in story
    lost = "**The scrolls are lost** to the army." in moments
    assert lost is (key == "ashes_of_the_archive")


def test_a_north_wing_that_holds_is_a_key_moment_with_its_integrity() -> None:
    pages = pages_of(ended("rain_without_end"))
    assert "**The north wing holds** at 9/10" in text(pages["Key moments"])
    assert "Ren 1" in pages[STORY].paragraphs[0]


def test_the_best_lines_give_each_voice_its_longest_first_in_the_order_spoken() -> None:
    table = breach()
    long = "Rain. " * 70
    table.do("sakura", c.Say(text=long.strip()))
    table.do("sasuke", c.Say(text="Then stand aside."))
    table.do("sakura", c.Say(text="I have stood here all night, and I will stand here at dawn."))
    table.do("sasuke", c.Say(text="No."))
    table.do("sakura", c.Act(text="She sets her feet and waits, and says nothing more at all."))
    pages = pages_of(table)
    assert "Best lines" not in pages  # the story quotes every line: none is printed twice
    assert "Then stand aside." in text(pages[STORY])
    reader = read(table.state, table.log)
    assert pages_of(table)[STORY] and f"*{BEST_LINES_RULE}*".startswith("*The longest")
    chosen = best_lines(table.state, reader.night)  # the rule, as if the story held none
    assert len(chosen) == 3
    assert chosen[0].startswith("“Rain. Rain.") and len(chosen[0].split("”")[0]) <= 301
    assert chosen[1] == "“Then stand aside.” — Sasuke, round 1"
    assert chosen[2].startswith("“I have stood here all night")


def test_a_step_the_gm_undid_is_struck_from_the_recap_but_speech_stays() -> None:
    table = breach()
    table.do("sakura", c.Jutsu(name="obi_dagger", target="sasuke"), faces=[20, 2, 3, 4])
    table.do("sasuke", c.Say(text="That should not have landed."))
    assert "**Critical**" in text(pages_of(table)["Key moments"])
    table.do("gm", c.Undo())
    pages = pages_of(table)
    assert "**Critical**" not in text(pages["Key moments"])
    assert not tells(prose().techniques["obi_dagger"], text(pages[STORY]), who="Sakura")
    assert "That should not have landed." in text(pages[STORY])

"""The recap's chart: a real PNG of the right size, not blank, drawn from the course of
the night (the start, each round's end, the close), without discord, and described in words."""

from __future__ import annotations

import colorsys
import struct
import subprocess
import sys
import zlib

from cogs.chart import HEIGHT, WIDTH, chart_png, colour_of
from scenes.castle.world import castle
from scenes.engine import events as ev
from scenes.engine.recap import course, describe
from scenes.schema import load_scene
from tests.recap.chronicle import Chronicle, autoplay, long_night
from tests.recap.endings import ended

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], len(SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        out.append((kind, png[at + 8 : at + 8 + length]))
        at += 12 + length
    return out


def test_the_chart_is_a_png_of_1200_by_700_and_not_blank() -> None:
    png = chart_png(course_of(autoplay(5, defenders=2, rounds=14)))
    assert png.startswith(SIGNATURE)
    found = chunks(png)
    kind, header = found[0]
    assert kind == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert (width, height) == (WIDTH, HEIGHT) == (1200, 700)
    assert depth == 8 and colour in (2, 6)
    assert found[-1][0] == b"IEND"
    pixels = zlib.decompress(b"".join(data for kind, data in found if kind == b"IDAT"))
    channels = 4 if colour == 6 else 3
    assert len(pixels) == height * (1 + width * depth // 8 * channels)
    assert len(set(pixels)) > 64, "a blank image has a handful of byte values"


def test_the_chart_draws_a_500_round_night_whole() -> None:
    """(How fast it draws is measured by bench/chart.py, not asserted here.)"""
    plotted = course_of(long_night())
    assert plotted.rounds[-1] >= 500
    png = chart_png(plotted)
    assert png.startswith(SIGNATURE) and chunks(png)[-1][0] == b"IEND"


def test_the_chart_is_described_for_a_screen_reader() -> None:
    plotted = course_of(ended("the_north_wing_falls"))
    text = describe(plotted)
    assert text.startswith("Line chart of the session from its start to round")
    for track in plotted.tracks:
        assert f"{track.name}: vitality {track.vitality[0]} to {track.vitality[-1]}" in text
    assert "fell to 0 in round 1" in text
    assert len(describe(course_of(long_night()))) <= 1024


def course_of(table: Chronicle):
    plotted = course(table.state, table.log)
    assert plotted is not None
    return plotted


def test_the_course_runs_from_the_start_through_each_round_to_the_close() -> None:
    table = ended("rain_without_end")
    plotted = course_of(table)
    rounds = [e.round for e in table.events if isinstance(e, ev.RoundEnded)]
    assert plotted.rounds == (0, *rounds, table.state.round)
    sakura = next(t for t in plotted.tracks if t.key == "sakura")
    assert sakura.vitality[0] == sakura.max_vitality == 30
    assert sakura.chakra[-1] == table.state.character("sakura").chakra
    (wall,) = plotted.gauges
    assert (wall.key, wall.title) == ("integrity", "North wing")
    assert wall.values[0] == wall.maximum == 10
    assert wall.values[-1] == castle(table.state).siege.integrity
    assert {t.key for t in plotted.tracks} == {"sakura", "sasuke", "defender_1"}


def test_the_fall_of_the_north_wing_is_marked_in_its_round() -> None:
    plotted = course_of(ended("the_north_wing_falls"))
    (wall,) = plotted.gauges
    assert wall.broke == 1 and wall.values[-1] == 0


def test_each_character_is_drawn_in_a_shade_of_their_roles_colour() -> None:
    plotted = course_of(autoplay(3, defenders=2, rounds=3))
    colours = {t.key: colour_of(t, 0) for t in plotted.tracks}
    for track in plotted.tracks:
        role = load_scene("castle").role(track.role)
        assert track.colour == role.colour
        hue = colorsys.rgb_to_hls(
            *(int(colours[track.key][i : i + 2], 16) / 255 for i in (1, 3, 5))
        )[0]
        wanted = colorsys.rgb_to_hls(*(((role.colour >> s) & 0xFF) / 255 for s in (16, 8, 0)))[0]
        assert abs(hue - wanted) < 0.02, track.key
    defenders = [t for t in plotted.tracks if t.role == "defender"]
    assert colour_of(defenders[0], 0) != colour_of(defenders[1], 1)


def test_a_session_that_never_began_has_no_chart() -> None:
    table = Chronicle()
    table.seat("sakura")
    assert course(table.state, table.log) is None


def test_the_chart_and_the_recap_import_neither_discord_nor_the_store() -> None:
    probe = (
        "import sys, matplotlib, cogs.chart, scenes.engine.recap, scenes.engine.transcript;"
        "print(sorted(m for m in ('discord', 'db', 'aiosqlite', 'matplotlib.pyplot')"
        " if m in sys.modules), matplotlib.get_backend().lower())"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]", "agg"]


PROBE_BOT_PROCESS = """
import asyncio, sys

from bot import EXTENSIONS, CastleBot, Settings
from cogs.gm import draw_chart
from scenes.engine.recap import course, describe
from tests.recap.chronicle import autoplay

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEd.castle-in-the-rain-probe-token-0123456789"

async def main():
    for extension in EXTENSIONS:
        __import__(extension)
    table = autoplay(5, defenders=2, rounds=6)
    castle = CastleBot(Settings(discord_token=TOKEN, _env_file=None))
    before = "matplotlib" in sys.modules
    png = await draw_chart(castle, course(table.state, table.log))
    castle.chart_pool().shutdown()
    print(before, "matplotlib" in sys.modules, png[:4] == b"\\x89PNG")

asyncio.run(main())
"""


def test_the_bot_process_never_imports_matplotlib_even_to_have_a_chart_drawn() -> None:
    """Importing matplotlib holds the event loop ~0.5 s: only the chart process may do it."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE_BOT_PROCESS], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "True"]

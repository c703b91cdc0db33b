"""The recap's chart: each character's vitality and chakra and the scene's gauge (the castle's
north wing), round by round, as PNG bytes drawn with matplotlib's Agg backend (no discord, no
pyplot)."""

from __future__ import annotations

import colorsys
import io
from collections import Counter
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from scenes.engine.recap import Course, Track

WIDTH, HEIGHT, DPI = 1200, 700, 100
NIGHT = "#1E2329"
STONE = "#2C333B"
RAIN = "#D5DCE4"
MIST = "#8E99A6"
WALL = "#F2C14E"
FALLEN = "#E5534B"
# Each character is drawn in their role's colour, lifted to read on the night background;
# the seats of one role step through lighter and darker shades of it.
MIN_LIGHTNESS = 0.62
MIN_SATURATION = 0.55
SHADES = (0.0, 0.12, -0.1, 0.2)
LINE = 5.0
TITLE_SIZE = 28
TICK_SIZE = 19
LEGEND_SIZE = 22
MARKERS_UP_TO = 24
LEGEND_COLUMNS = 4
LEGEND_ROW = 0.075


def colour_of(track: Track, index: int) -> str:
    """The role's colour, bright enough for the night background; ``index``: which seat of
    that role (0 for the first), each a shade of its own."""
    red, green, blue = ((track.colour >> shift) & 0xFF for shift in (16, 8, 0))
    hue, lightness, saturation = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
    lightness = max(lightness, MIN_LIGHTNESS) + SHADES[index % len(SHADES)]
    lightness = min(0.9, max(0.45, lightness))
    saturation = max(saturation, MIN_SATURATION)
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "#{:02X}{:02X}{:02X}".format(*(round(v * 255) for v in (r, g, b)))


def chart_png(course: Course) -> bytes:
    """The chart as PNG bytes, 1200x700: Vitality | Chakra | North wing, one legend on top.
    The bot draws it in its one-worker chart process (cogs.chart_process), one at a time."""
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=NIGHT)
    vitality, chakra, wall = figure.subplots(1, 3, sharex=True)
    colours = _colours(course.tracks)
    top_vitality = max((t.max_vitality for t in course.tracks), default=1)
    top_chakra = max((t.max_chakra for t in course.tracks), default=1)
    # the roles of several seats first, so that the single seats are drawn on top
    seats = Counter(track.role for track in course.tracks)
    drawn = sorted(zip(course.tracks, colours, strict=True), key=lambda p: seats[p[0].role] == 1)
    for track, colour in drawn:
        _line(vitality, course.rounds, track.vitality, colour)
        _line(chakra, course.rounds, track.chakra, colour)
    _frame(vitality, "Vitality", top_vitality)
    _frame(chakra, "Chakra", top_chakra)
    gauge = course.gauges[0] if course.gauges else None
    if gauge is not None:
        _line(wall, course.rounds, gauge.values, WALL)
        _frame(wall, gauge.title, gauge.maximum)
        if gauge.broke is not None:
            _mark_fall(wall, gauge.broke)
    else:
        _frame(wall, "", 1)
    rows = _legend(figure, course.tracks, colours)
    figure.supxlabel("round", color=MIST, fontsize=TICK_SIZE, y=0.015)
    top = 0.80 - LEGEND_ROW * (rows - 1)
    figure.subplots_adjust(left=0.05, right=0.985, top=top, bottom=0.13, wspace=0.22)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _colours(tracks: Sequence[Track]) -> list[str]:
    seen: Counter[str] = Counter()
    colours = []
    for track in tracks:
        colours.append(colour_of(track, seen[track.role]))
        seen[track.role] += 1
    return colours


def _line(axes: Axes, rounds: Sequence[int], values: Sequence[int], colour: str) -> None:
    few = len(rounds) <= MARKERS_UP_TO
    axes.plot(
        rounds,
        values,
        color=colour,
        linewidth=LINE,
        marker="o" if few else None,
        markersize=9,
        solid_capstyle="round",
        solid_joinstyle="round",
    )


def _frame(axes: Axes, title: str, top: int) -> None:
    axes.set_facecolor(STONE)
    axes.set_title(title, color=RAIN, fontsize=TITLE_SIZE, fontweight="bold", pad=12)
    axes.set_ylim(0, max(1, top) * 1.06)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.tick_params(colors=MIST, labelsize=TICK_SIZE, length=6, width=2)
    axes.grid(color=NIGHT, linewidth=2)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _mark_fall(axes: Axes, round_: int) -> None:
    axes.axvline(round_, color=FALLEN, linewidth=3, linestyle=(0, (4, 3)))
    axes.text(
        round_,
        axes.get_ylim()[1] * 0.5,
        " fell",
        color=FALLEN,
        fontsize=LEGEND_SIZE,
        fontweight="bold",
        ha="left",
        va="center",
    )


def _legend(figure: Figure, tracks: Sequence[Track], colours: Sequence[str]) -> int:
    """The characters' colours above the panels; returns how many rows the legend takes."""
    handles = [Line2D([], [], color=c, linewidth=LINE * 1.4) for c in colours]
    labels = [t.name for t in tracks]
    columns = min(len(labels), LEGEND_COLUMNS) or 1
    figure.legend(
        handles,
        labels,
        loc="upper center",
        ncol=columns,
        fontsize=LEGEND_SIZE,
        frameon=False,
        labelcolor=RAIN,
        handlelength=1.6,
        columnspacing=1.4,
        bbox_to_anchor=(0.5, 0.995),
    )
    return -(-len(labels) // columns)

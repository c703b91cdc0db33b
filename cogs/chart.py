"""The recap's chart: each character's vitality and chakra and the north wing's integrity, round
by round, as PNG bytes drawn with matplotlib's Agg backend (no discord, no pyplot)."""

from __future__ import annotations

import io
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
# Bright on the night background, one colour per character, told apart at thumbnail size.
COLOURS = {"sakura": "#FF8FC1", "sasuke": "#6FA8FF"}
DEFENDERS = ("#7BD389", "#4FD1C5", "#C3E86A", "#B79BFF")
LINE = 5.0
TITLE_SIZE = 28
TICK_SIZE = 19
LEGEND_SIZE = 22
MARKERS_UP_TO = 24
LEGEND_COLUMNS = 4
LEGEND_ROW = 0.075


def colour_of(track: Track, index: int) -> str:
    """Sakura pink, Sasuke blue, the defenders in greens and teals by seat order."""
    return COLOURS.get(track.role, DEFENDERS[index % len(DEFENDERS)])


def chart_png(course: Course) -> bytes:
    """The chart as PNG bytes, 1200x700: Vitality | Chakra | North wing, one legend on top.
    The bot draws it in its one-worker chart process (cogs.chart_process), one at a time."""
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=NIGHT)
    vitality, chakra, wall = figure.subplots(1, 3, sharex=True)
    colours = _colours(course.tracks)
    top_vitality = max((t.max_vitality for t in course.tracks), default=1)
    top_chakra = max((t.max_chakra for t in course.tracks), default=1)
    # the defenders first, so that the two at the heart of the scene are drawn on top
    drawn = sorted(zip(course.tracks, colours, strict=True), key=lambda p: p[0].role in COLOURS)
    for track, colour in drawn:
        _line(vitality, course.rounds, track.vitality, colour)
        _line(chakra, course.rounds, track.chakra, colour)
    _line(wall, course.rounds, course.integrity, WALL)
    _frame(vitality, "Vitality", top_vitality)
    _frame(chakra, "Chakra", top_chakra)
    _frame(wall, "North wing", course.max_integrity)
    if course.fell is not None:
        _mark_fall(wall, course.fell)
    rows = _legend(figure, course.tracks, colours)
    figure.supxlabel("round", color=MIST, fontsize=TICK_SIZE, y=0.015)
    top = 0.80 - LEGEND_ROW * (rows - 1)
    figure.subplots_adjust(left=0.05, right=0.985, top=top, bottom=0.13, wspace=0.22)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _colours(tracks: Sequence[Track]) -> list[str]:
    defenders = 0
    colours = []
    for track in tracks:
        colours.append(colour_of(track, defenders))
        defenders += track.role not in COLOURS
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

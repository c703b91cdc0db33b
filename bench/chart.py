"""How long the recap's chart takes to draw for a 500-round night (the longest test session).

python bench/chart.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cogs.chart import chart_png
from scenes.engine.recap import course
from tests.recap.chronicle import long_night


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    table = long_night()
    plotted = course(table.state, table.log)
    assert plotted is not None
    chart_png(plotted)  # the first draw loads the fonts
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        chart_png(plotted)
        times.append(time.perf_counter() - start)
    print(
        f"chart of {plotted.rounds[-1]} rounds: best {min(times) * 1000:.0f} ms, "
        f"worst {max(times) * 1000:.0f} ms over {args.repeat} draws"
    )


if __name__ == "__main__":
    main()

"""Recap variety: how many of a recap's story sentences appear word for word in another
session's recap, over 20 seeded sessions played by the scripted players (numbers masked).

python bench/recap_variety.py [--sessions 20] [--rounds 25] [--show 10]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.engine.recap import recap_pages
from tests.recap.chronicle import autoplay

SENTENCE_END = re.compile(r"(?<=[.!?”*])\s+")


def sentences(paragraphs: tuple[str, ...]) -> list[str]:
    """The story's sentences, numbers masked (``#``), so that "round 3" and "round 7" match."""
    out: list[str] = []
    for paragraph in paragraphs:
        out += [re.sub(r"\d+", "#", s.strip()) for s in SENTENCE_END.split(paragraph) if s.strip()]
    return out


def stories(count: int, rounds: int) -> list[list[str]]:
    out = []
    for seed in range(count):
        table = autoplay(seed, defenders=1 + seed % 3, rounds=rounds)
        out.append(sentences(recap_pages(table.state, table.log, final=True)[0].paragraphs))
    return out


def shared(told: list[list[str]]) -> tuple[int, int, Counter[str]]:
    """(sentences found in another recap, all sentences, how many recaps hold each of those)."""
    holders: Counter[str] = Counter()
    for story in told:
        holders.update(set(story))
    repeated = sum(1 for story in told for s in story if holders[s] > 1)
    return repeated, sum(len(story) for story in told), holders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--show", type=int, default=10, help="the most shared sentences shown")
    args = parser.parse_args()
    told = stories(args.sessions, args.rounds)
    repeated, total, holders = shared(told)
    print(f"recaps: {len(told)}, story sentences: {total}")
    print(
        f"sentences also in another recap (numbers masked): {repeated} "
        f"({repeated / total:.1%}, target < 10%)"
    )
    worst = [(n, s) for s, n in holders.most_common() if n > 1][: args.show]
    for n, s in worst:
        print(f"  in {n:2} recaps: {s[:110]}")


if __name__ == "__main__":
    main()

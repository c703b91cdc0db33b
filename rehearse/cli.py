"""``python bot.py rehearse``: its options, then a script played line by line, or the prompt."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from db.errors import DatabaseFileError
from rehearse.screen import clean, new_console, show
from rehearse.table import DEFAULT_DB, Table, Unknown
from scenes.engine.limits import SEATS_LIMIT
from scenes.engine.registry import scene_keys
from scenes.engine.session import scene_named


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python bot.py rehearse",
        description="Play a scene in the terminal, without Discord or a token: you are the GM "
        "and every player.",
    )
    parse.add_argument("--scene", help="the scene's key (the first scene when not given)")
    parse.add_argument(
        "--defenders",
        type=int,
        default=2,
        help=f"seats of the scene's role of several seats (1-{SEATS_LIMIT})",
    )
    parse.add_argument("--seed", type=int, help="the session's dice seed (random when not given)")
    parse.add_argument(
        "--db", type=Path, default=DEFAULT_DB, help=f"the SQLite file (default {DEFAULT_DB})"
    )
    parse.add_argument("--script", type=Path, help="play the commands of this file, one a line")
    parse.add_argument("--resume", type=int, metavar="ID", help="continue rehearsal ID")
    parse.add_argument(
        "--transcript", type=Path, metavar="FILE", help="write the Markdown transcript here"
    )
    parse.add_argument(
        "--load",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first (a scene being written registers itself), e.g. tests.ferry",
    )
    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rehearsal; the exit status (2: the options or files could not be used)."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    console = new_console()
    try:
        for module in args.load:
            importlib.import_module(module)
    except ImportError as error:
        return _fail(console, f"Cannot load {module}: {error}.")
    if not 1 <= args.defenders <= SEATS_LIMIT:
        return _fail(console, f"--defenders is a number from 1 to {SEATS_LIMIT}.")
    scene = args.scene or scene_keys()[0]
    if args.resume is None:
        try:
            scene = scene_named(scene).key
        except Exception as error:  # a Refusal: the engine's sentence, listing the scenes
            return _fail(console, getattr(error, "message", str(error)))
    script: list[str] | None = None
    if args.script is not None:
        try:
            script = args.script.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            return _fail(console, f"Cannot read the script {args.script}: {error}.")
    try:
        return asyncio.run(_rehearse(args, scene, script, console))
    except DatabaseFileError as error:
        return _fail(console, f"Cannot use the database {error}")
    except KeyboardInterrupt:
        return 130


def _fail(console: Console, message: str) -> int:
    print(message, file=sys.stderr)
    return 2


async def _rehearse(
    args: argparse.Namespace, scene: str, script: list[str] | None, console: Console
) -> int:
    table = await Table.open(args.db, args.transcript)
    try:
        names = table.name_of_member
        try:
            if args.resume is not None:
                posts = await table.resume(args.resume)
            else:
                posts = await table.start(scene, args.defenders, args.seed)
        except Unknown as error:
            print(str(error), file=sys.stderr)
            return 2
        show(console, posts, names)
        if script is None and not sys.stdin.isatty():
            script = sys.stdin.read().splitlines()  # commands piped in: played as a script
        if script is not None:
            await play_script(table, script, console)
        else:
            from rehearse.prompt import interactive

            await interactive(table, console)
    finally:
        try:
            await table.close()
        except Unknown as error:
            print(str(error), file=sys.stderr)
            return 1
    if table.transcript_path is not None and table.session_id is not None:
        console.print(f"The transcript is in {table.transcript_path}.")
    return 0


async def play_script(table: Table, lines: Sequence[str], console: Console) -> None:
    """Each line played as if typed, echoed with its number; a refusal is printed with its
    line number, and play goes on."""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        console.print(Text(clean(f"{number:>3} │ {table.prompt_name()} ▸ {line}"), style="bold"))
        show(console, await table.line(line), table.name_of_member, where=f"line {number}")

"""The crash test's child: plays commands on a file database until killed.

Prints each committed version, flushed, once its commit has returned.
Usage: crash_child.py PATH (an SQLite file) or crash_child.py postgresql://… (a database)
"""

from __future__ import annotations

import asyncio
import sys

from castle_play import CHANNEL, scripted, seated

from db.sessions import Ran, SessionService
from db.store import open_store


def report(ran: Ran) -> None:
    if ran.accepted:
        sys.stdout.write(f"{ran.version}\n")
        sys.stdout.flush()


async def main(target: str) -> None:
    postgres = target.startswith("postgresql://")
    store = await open_store(target if postgres else None, target)
    service = SessionService(store)
    await service.restore()
    report(await seated(service))
    step = 0
    while True:
        stored = await service.current(CHANNEL)
        assert stored is not None
        actor, command = scripted(stored.state, stored.version + step)
        report(await service.run(CHANNEL, actor, command))
        step += 1


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

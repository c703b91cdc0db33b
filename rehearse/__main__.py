"""``python -m rehearse``: the same as ``python bot.py rehearse``."""

from __future__ import annotations

from rehearse.cli import main

raise SystemExit(main())

"""Rehearse a scene in the terminal, without Discord: ``python bot.py rehearse``. The same
engine, store and embeds as the bot; one person plays every seat and the GM."""

from __future__ import annotations

"""Long recaps fit Discord once split: every limit holds in every message, and order is kept."""

from __future__ import annotations

import discord

from cogs.render import recap_messages
from scenes.engine.recap import RecapPage, recap_pages
from tests.recap.chronicle import long_night

MAX_EMBEDS, EMBED_TOTAL, DESCRIPTION, TITLE = 10, 6000, 4096, 256


def check_limits(messages: list[list[discord.Embed]]) -> None:
    for embeds in messages:
        assert 1 <= len(embeds) <= MAX_EMBEDS
        assert sum(len(embed) for embed in embeds) <= EMBED_TOTAL
        for embed in embeds:
            assert embed.title and len(embed.title) <= TITLE
            assert embed.description and len(embed.description) <= DESCRIPTION


def check_order(pages: list[RecapPage], messages: list[list[discord.Embed]]) -> None:
    """Every paragraph appears whole (or, if longer than an embed, its start), in page order."""
    posted = "\n".join(embed.description or "" for embeds in messages for embed in embeds)
    at = 0
    for page in pages:
        for paragraph in page.paragraphs:
            found = posted.find(paragraph[:3000], at)
            assert found >= at, f"missing or out of order: {paragraph[:80]}"
            at = found


def test_a_500_round_session_fits_every_limit_once_split() -> None:
    table = long_night()
    assert table.state.round >= 500
    pages = recap_pages(table.state, table.log, final=True)
    messages = recap_messages(pages)
    check_limits(messages)
    check_order(pages, messages)
    titles = [embed.title for embeds in messages for embed in embeds]
    assert titles[0] == "The Castle in the Rain — the recap"
    assert len(messages) <= 4, "a recap is a summary: the transcript holds the rest"


def test_the_500_round_key_moments_are_counted_not_all_shown() -> None:
    table = long_night()
    page = next(p for p in recap_pages(table.state, table.log, True) if p.title == "Key moments")
    assert page.paragraphs[-1].startswith("…and ")
    assert page.paragraphs[-1].endswith("more, every one of them in the transcript.")


def test_pages_at_every_edge_are_split_at_paragraphs_and_kept_in_order() -> None:
    pages = [
        RecapPage(title="T" * 400, paragraphs=tuple(f"{i} " + "x" * 3990 for i in range(12))),
        RecapPage(title="Lines", paragraphs=tuple(f"line {i}" for i in range(3000)), listed=True),
        RecapPage(title="One too long", paragraphs=("y" * 9000,)),
        *(RecapPage(title=f"Short {i}", paragraphs=("a", "b")) for i in range(25)),
    ]
    messages = recap_messages(pages)
    check_limits(messages)
    check_order(pages, messages)
    first = messages[0][0]
    assert first.title == "T" * 255 + "…" and first.description.startswith("0 x")
    assert any((e.title or "").endswith("(cont.)") for m in messages for e in m)

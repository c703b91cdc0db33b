"""Castle in the Rain: the bot, its settings, start-up, and ``main()`` for ``python bot.py``."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import random
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cogs.pulse import Pulse
from cogs.voices import Voices

if TYPE_CHECKING:
    from cogs.outbox import Outbox
    from db.sessions import SessionService
    from db.shards import Shards
    from db.store import Store

log = logging.getLogger("castle")
Synchronous = Literal["FULL", "NORMAL"]  # SQLite's synchronous setting: db.store.Synchronous

TOKEN_HELP = (
    "DISCORD_TOKEN is missing or malformed: create an application at "
    "https://discord.com/developers/applications, open Bot → Reset Token, and put the token in "
    ".env as DISCORD_TOKEN=... (see .env.example)."
)
# A bot token is three base64url parts joined by dots.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}$")
# The scene needs no voice: silence discord.py's warnings about missing voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False
EXTENSIONS = ("cogs.players", "cogs.gm", "cogs.turns", "cogs.admin")
# discord.py waits this long after the last GUILD_CREATE before it calls the bot ready (its own
# default is 2 s). Guilds arrive right after READY on a single shard; a guild arriving later is
# still cached when it comes, and interactions are answered before ready in any case.
GUILD_READY_TIMEOUT = 0.5
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# The interpreter's switch interval (its default is 5 ms). The SQLite store's thread gives up the
# GIL inside each statement of a commit and must take it back after each; while the event loop
# is busy with other tables it waited up to 5 ms every time. Measured, a commit while the loop
# works in 1-3 ms slices, runs alternating: median 6.5-15.6 ms at 5 ms (the trigger's single
# statement before it: 15-16 ms), 5.2-7.7 ms at 0.5 ms.
SWITCH_INTERVAL = 0.0005


class StorageSettings(BaseSettings):
    """Where the sessions live: all that ``python bot.py migrate-to`` needs (no token)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/castle.sqlite3")
    # postgresql://user:password@host/db: PostgreSQL instead of the SQLite file (a secret: it
    # may hold a password)
    database_url: SecretStr | None = None
    # FULL: a command is on disk before the bot answers it, even through a power cut. NORMAL:
    # it survives the bot crashing or being killed, and answers ~0.5 ms sooner (README).
    database_synchronous: Synchronous = "FULL"
    # PostgreSQL: the most connections this process opens (one pool for all its shards)
    database_pool_size: int = Field(default=10, ge=1, le=100)

    @field_validator("database_synchronous", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_url_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None and not url.get_secret_value().startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a postgresql:// URL (unset: the SQLite file)")
        return url

    @property
    def database(self) -> str:
        """Where the sessions live, as it may be logged (a URL without its password)."""
        if self.database_url is None:
            return str(self.database_path)
        from db.postgres import redacted

        return redacted(self.database_url.get_secret_value())


class Settings(StorageSettings):
    """Settings from the environment and ``.env``; the token never appears in logs or reprs."""

    discord_token: SecretStr
    dev_guild_id: int | None = None
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    turn_check_seconds: float = Field(default=15.0, gt=0, le=600)
    # Sharding: this process runs shards SHARD_IDS of SHARD_COUNT (all of them when only
    # SHARD_COUNT is set); unset, one shard, as discord.py's Bot.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, token: SecretStr) -> SecretStr:
        if not TOKEN_SHAPE.match(token.get_secret_value().strip()):
            raise ValueError("not a bot token")
        return SecretStr(token.get_secret_value().strip())

    @field_validator("dev_guild_id", "shard_count", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            return tuple(int(part) for part in parts) if parts else None
        return value

    @model_validator(mode="after")
    def _shards_in_range(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT")
            if not all(0 <= shard < self.shard_count for shard in self.shard_ids):
                raise ValueError(f"SHARD_IDS must lie in 0..{self.shard_count - 1}")
            if len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError("SHARD_IDS names a shard twice")
        return self

    @property
    def shards(self) -> Shards | None:
        """This process's shards (None: unsharded, every server is its own)."""
        from db.shards import Shards

        if self.shard_count is None:
            return None
        ids = self.shard_ids or tuple(range(self.shard_count))
        return Shards(self.shard_count, ids)


def load_settings() -> Settings:
    """Settings, or a one-line explanation and exit status 2."""
    try:
        # the token is read from the environment, which mypy cannot see (pydantic-settings' advice)
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        fields = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        if "discord_token" in fields:
            raise SystemExit(TOKEN_HELP) from None
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        raise SystemExit(
            f"Setting {where} is invalid: {first['msg']} (see .env.example)."
        ) from None


class CastleTree(app_commands.CommandTree["CastleBot"]):
    """The one tree-level error handler: a sentence for what the user can fix, else an apology."""

    async def interaction_check(self, interaction: discord.Interaction[CastleBot]) -> bool:
        """Every option as its command declares it, whatever the client sent (else the
        handler below answers with what the option takes): see cogs/contract.py."""
        from cogs.common import hurry
        from cogs.contract import admitted

        if not await admitted(interaction):
            return False
        if interaction.type is discord.InteractionType.application_command:
            await hurry(interaction)  # a command that comes late says "thinking…" at once
        return True

    async def on_error(
        self, interaction: discord.Interaction[CastleBot], error: app_commands.AppCommandError
    ) -> None:
        from cogs.common import NotAllowed, apologise, refuse

        message = (
            error.message if isinstance(error, NotAllowed) else _user_message(interaction, error)
        )
        command = interaction.command.qualified_name if interaction.command else "component"
        if message is None:
            await apologise(interaction, error, f"/{command}")
        else:
            await refuse(interaction, message)


def _user_message(
    interaction: discord.Interaction[CastleBot], error: app_commands.AppCommandError
) -> str | None:
    """The sentence for an error the user can act on; None for a bug."""
    from cogs.contract import transformer_refusal

    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "The scene is played in a server channel, not in DMs."
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return "You may not use that command here."
    if isinstance(error, app_commands.TransformerError):
        return transformer_refusal(interaction, error)
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return (
            "I do not know that command as sent; pick it again from the list Discord shows for /."
        )
    return None


class CastleBot(commands.Bot):
    """The bot: one store, one session service, the cogs, and the persistent buttons."""

    def __init__(
        self,
        settings: Settings,
        seeds: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
        store: Store | None = None,
        guild_ready_timeout: float = GUILD_READY_TIMEOUT,
        **shard_options: Any,
    ) -> None:
        # Only the guilds intent (servers, channels, roles, permissions). Slash commands, buttons
        # and modals arrive as interactions whatever the intents; the bot never reads messages,
        # typing or reactions, so Discord need not send it a busy server's chatter at all.
        intents = discord.Intents.none()
        intents.guilds = True
        shards = settings.shards
        if isinstance(self, discord.AutoShardedClient) and shards is not None:
            shard_options = {
                "shard_count": shards.count,
                "shard_ids": list(shards.ids),
                **shard_options,
            }
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=CastleTree,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            **shard_options,
        )
        self.settings = settings
        # Where each new session's dice seed comes from (tests inject a seeded Random).
        self.seeds = seeds or random.SystemRandom()
        # What time it is for turn deadlines (tests inject a clock they can move).
        self.clock = clock
        # A store opened before login (``run`` does, so a bad file stops start-up at once).
        self.store = store
        self._chart_pool: ProcessPoolExecutor | None = None
        self.service: SessionService
        self.outbox: Outbox
        self.voices = Voices(self)
        self.pulse = Pulse()

    async def setup_hook(self) -> None:
        from cogs.outbox import Outbox
        from cogs.views import register_views
        from db.sessions import SessionService

        sys.setswitchinterval(SWITCH_INTERVAL)
        store = self.store or await open_store(self.settings)
        shards = self.settings.shards
        if self.clock is not None:
            self.service = SessionService(store, clock=self.clock, shards=shards)
        else:
            self.service = SessionService(store, shards=shards)
        restored = await self.service.restore()
        mine = f" of shards {shards.ids} of {shards.count}" if shards else ""
        log.info("restored %d open sessions%s from %s", len(restored), mine, self.settings.database)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        register_views(self)
        # Lines stored before a crash and never posted: posted now, before the gateway brings
        # any new command, so they keep their place and a retry of one finds it posted.
        self.outbox = Outbox(self)
        await self.outbox.drain()
        self.pulse.start()
        settle_garbage_collector()
        if self.settings.dev_guild_id and shards is None:  # sharded: only the owner's /sync
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), guild.id)

    def chart_pool(self) -> ProcessPoolExecutor:
        """One worker process for recap charts: matplotlib holds the GIL for ~0.1 s a chart,
        which in a thread would stall every other interaction. Started on first use (spawn:
        forking a process with threads is unsafe)."""
        if self._chart_pool is None:
            context = multiprocessing.get_context("spawn")
            self._chart_pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._chart_pool

    async def close(self) -> None:
        service = getattr(self, "service", None)
        if self._chart_pool is not None:
            self._chart_pool.shutdown(wait=False, cancel_futures=True)
        self.pulse.stop()
        await super().close()
        if service is not None:
            await service.close()

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))


class ShardedCastleBot(CastleBot, commands.AutoShardedBot):
    """The bot for ``SHARD_COUNT``/``SHARD_IDS``: discord.py's AutoShardedBot for those shards
    only, one gateway connection each, one event loop, one store and one chart worker for all."""


def bot_class(settings: Settings) -> type[CastleBot]:
    return CastleBot if settings.shards is None else ShardedCastleBot


FULL_COLLECTION_EVERY = 100  # collections of the middle generation (Python's default: 10)


def settle_garbage_collector() -> None:
    """Exempt what start-up built (modules, scene data, restored sessions) from collection.

    Python's full collections walk every tracked object, and every answer waits for them: with
    the start-up heap among them each took about 28 ms inside the bot at 100 sessions, about
    5 ms without it (bench/RESULTS.md). Done before the gateway fills discord.py's caches, whose
    objects come and go (a frozen cycle is never freed).

    A full collection also waits for a hundred of the middle generation's, not ten: while a
    burst of tables opens, the heap grows by a quarter again and again, and each growth would
    otherwise walk it all once more, with every answer waiting.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
    log.debug("garbage collector: %d start-up objects frozen", gc.get_freeze_count())


def setup_logging(level: str) -> None:
    discord.utils.setup_logging(level=getattr(logging, level), root=True)


async def open_store(settings: Settings) -> Store:
    """The PostgreSQL database at ``DATABASE_URL`` when set, else the SQLite file."""
    from db.store import open_store as open_

    url = settings.database_url.get_secret_value() if settings.database_url else None
    return await open_(
        url, settings.database_path, settings.database_synchronous, settings.database_pool_size
    )


async def run(settings: Settings) -> None:
    """Open the database first (a bad file stops here), then log in and play."""
    store = await open_store(settings)
    async with bot_class(settings)(settings, store=store) as bot:
        await bot.start(settings.discord_token.get_secret_value())


MIGRATE_USAGE = "Usage: python bot.py migrate-to postgresql://user:password@host:5432/database"


def migrate_to(args: list[str]) -> None:
    """``python bot.py migrate-to URL``: copy the SQLite file into an empty PostgreSQL database."""
    from db.errors import StoreError
    from db.postgres import redacted
    from db.transfer import migrate_to as copy

    if len(args) != 1 or not args[0].startswith(POSTGRES_SCHEMES):
        raise SystemExit(MIGRATE_USAGE)
    url = args[0]
    try:
        storage = StorageSettings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        raise SystemExit(f"Setting {where} is invalid: {first['msg']}.") from None
    path = storage.database_path
    if not path.is_file():
        raise SystemExit(f"Cannot migrate: {path} does not exist (set DATABASE_PATH).")
    try:
        copied = asyncio.run(copy(path, url))
    except StoreError as error:
        raise SystemExit(f"Cannot migrate {path} to {redacted(url)}: {error}") from None
    for line in copied.lines():
        print(line)
    print(f"Now set DATABASE_URL to that URL and start the bot; {path} is left as it was.")


def main(argv: list[str] | None = None) -> None:
    from db.errors import DatabaseUnusable

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["rehearse"]:  # the terminal rehearsal needs no token and no network
        from rehearse.cli import main as rehearse

        raise SystemExit(rehearse(args[1:]))
    if args[:1] == ["migrate-to"]:
        return migrate_to(args[1:])
    settings = load_settings()
    setup_logging(settings.log_level)
    try:
        asyncio.run(run(settings))
    except DatabaseUnusable as error:
        raise SystemExit(f"Cannot use the database {error}") from None
    except (OSError, aiohttp.ClientError) as error:
        raise SystemExit(
            f"Cannot reach Discord ({type(error).__name__}); check the network."
        ) from None
    except discord.LoginFailure:
        raise SystemExit("Discord refused the token: " + TOKEN_HELP) from None
    except KeyboardInterrupt:
        pass
    return None


if __name__ == "__main__":
    main()

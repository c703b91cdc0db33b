"""Tests of the fake Discord: a real discord.py bot end to end, plus every enforced limit."""

from __future__ import annotations

import asyncio
import io
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from aiohttp import web
from discord import app_commands
from discord.ext import commands
from fake_discord import (
    EPHEMERAL,
    FakeDiscord,
    Perm,
    run_bot,
)
from fake_discord.fixtures import (
    StandardWorld,
    build_standard_world,
    fake_discord,
    fake_discord_factory,
)
from fake_discord.mentions import compute_pings
from fake_discord.openapi import discord_spec
from fake_discord.rest import ApiRequest

__all__ = ["fake_discord", "fake_discord_factory"]  # fixtures used by name below

SCENES = ["castle gate", "great hall", "north tower", "wine cellar"]


# --- the bot under test ----------------------------------------------------------------------


class SceneView(discord.ui.View):
    """A persistent view: it survives restarts because its custom_id is fixed."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(
        label="Join the scene", custom_id="scene:join", style=discord.ButtonStyle.primary
    )
    async def join(
        self, interaction: discord.Interaction, button: discord.ui.Button[SceneView]
    ) -> None:
        await interaction.response.send_message(
            f"{interaction.user.display_name} joined", ephemeral=True
        )

    @discord.ui.button(label="Close", custom_id="scene:close", style=discord.ButtonStyle.danger)
    async def close(
        self, interaction: discord.Interaction, button: discord.ui.Button[SceneView]
    ) -> None:
        await interaction.response.edit_message(content="Scene closed", view=None)

    @discord.ui.button(label="Pause", custom_id="scene:pause")
    async def pause(
        self, interaction: discord.Interaction, button: discord.ui.Button[SceneView]
    ) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="Scene paused")


class NameModal(discord.ui.Modal, title="Who are you?"):
    name: discord.ui.TextInput[NameModal] = discord.ui.TextInput(
        label="Character name", custom_id="name"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Welcome, {self.name.value}")


class GM(app_commands.Group):
    def __init__(self, bot: CastleBot) -> None:
        super().__init__(
            name="gm",
            description="Game master tools",
            default_permissions=discord.Permissions(manage_channels=True),
        )
        self.bot = bot

    @app_commands.command(name="open", description="Open a scene")
    @app_commands.describe(scene="Where", target="Who is invited")
    async def open(
        self, interaction: discord.Interaction, scene: str, target: discord.Member | None = None
    ) -> None:
        who = target.display_name if target else "everyone"
        await interaction.response.send_message(f"Scene {scene} opened for {who}", view=SceneView())

    @open.autocomplete("scene")
    async def scene_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if current == "too-many":
            return [app_commands.Choice(name=f"s{i}", value=f"s{i}") for i in range(26)]
        if current == "long-name":
            return [app_commands.Choice(name="x" * 101, value="x")]
        return [app_commands.Choice(name=s, value=s) for s in SCENES if current in s]


class CastleBot(commands.Bot):
    def __init__(self, guild_id: int) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
        )
        self.guild_id = guild_id
        self.failures: list[Exception] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before re-identifying; a test bot need not."""

    async def setup_hook(self) -> None:
        self.add_view(SceneView())
        guild = discord.Object(self.guild_id)
        for command in self.build_commands():
            self.tree.add_command(command, guild=guild)
        self.tree.add_command(GM(self), guild=guild)
        await self.tree.sync(guild=guild)

    def build_commands(self) -> list[app_commands.Command[Any, ..., Any]]:
        bot = self

        @app_commands.command(name="ping", description="Is the castle awake?")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @app_commands.command(name="report", description="Defer, edit, follow up")
        async def report(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="report ready")
            await interaction.followup.send("the fine print", ephemeral=True)

        @app_commands.command(name="narrate", description="Speak through a webhook")
        async def narrate(interaction: discord.Interaction) -> None:
            channel = interaction.channel
            assert isinstance(channel, discord.TextChannel)
            await interaction.response.defer(ephemeral=True)
            hook = await channel.create_webhook(name="Narrator")
            await hook.send("Thunder rolls.", username="The Castle", wait=True)
            await channel.send(
                "A map appears.", file=discord.File(io.BytesIO(b"MAP-DATA"), "map.txt")
            )
            member = await channel.guild.fetch_member(interaction.user.id)
            await interaction.followup.send(f"done for {member.display_name}", ephemeral=True)

        @app_commands.command(name="announce", description="Mentions, with and without a guard")
        async def announce(interaction: discord.Interaction) -> None:
            channel = interaction.channel
            assert isinstance(channel, discord.TextChannel)
            await channel.send("@everyone the gates fall!")
            await channel.send(
                "@everyone stay calm", allowed_mentions=discord.AllowedMentions.none()
            )
            await interaction.response.send_message("announced", ephemeral=True)

        @app_commands.command(name="long", description="Too long, then a fallback")
        async def long(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_message("x" * 2001)
            except discord.HTTPException as exc:
                bot.failures.append(exc)
                await interaction.response.send_message("that was too long")

        @app_commands.command(name="sleepy", description="Answers too late")
        async def sleepy(interaction: discord.Interaction, seconds: float) -> None:
            await asyncio.sleep(seconds)
            try:
                await interaction.response.send_message("yawn")
            except discord.HTTPException as exc:
                bot.failures.append(exc)

        @app_commands.command(name="register", description="Open a modal")
        async def register(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NameModal())

        return [ping, report, narrate, announce, long, sleepy, register]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def world(fake_discord: FakeDiscord) -> StandardWorld:
    return build_standard_world(fake_discord)


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, world: StandardWorld) -> AsyncIterator[CastleBot]:
    async with run_bot(CastleBot(world.guild.id), fake_discord) as running:
        yield running


async def rest(
    fake: FakeDiscord, method: str, path: str, body: Any = None, *, auth: bool = True
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {fake.token}"} if auth else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.api_url + path, json=body, headers=headers) as resp,
    ):
        text = await resp.text()
        return resp.status, json.loads(text) if text else None


# --- end to end through discord.py -----------------------------------------------------------


async def test_login_syncs_commands_and_answers_ping(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    names = {c["name"] for c in fake_discord.commands(world.guild)}
    assert {"ping", "gm", "report", "narrate"} <= names
    gm = next(c for c in fake_discord.commands(world.guild) if c["name"] == "gm")
    assert gm["options"][0]["name"] == "open" and gm["default_member_permissions"] == "16"
    routes = {r.route for r in fake_discord.requests}
    assert "GET /users/@me" in routes
    assert "PUT /applications/{app_id}/guilds/{guild_id}/commands" in routes

    handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    reply = await handle.message()
    assert reply.content == "pong" and reply.type == 20
    assert fake_discord.messages(world.channel)[-1] is reply
    await fake_discord.wait_for_gateway("MESSAGE_CREATE")
    payload = handle.payload
    assert payload["version"] == 1 and payload["member"]["permissions"]
    assert payload["data"]["guild_id"] == str(world.guild.id)


async def test_group_subcommand_with_member_option_and_permissions(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    with pytest.raises(PermissionError):
        await fake_discord.send_slash("gm open", member=world.player, channel=world.channel)
    handle = await fake_discord.send_slash(
        "gm open",
        member=world.gm,
        channel=world.channel,
        options={"scene": "great hall", "target": world.player},
    )
    reply = await handle.message()
    assert reply.content == "Scene great hall opened for player"
    assert reply.custom_ids() == ["scene:join", "scene:close", "scene:pause"]
    data = handle.payload["data"]
    assert data["options"][0] == {
        "name": "open",
        "type": 1,
        "options": [
            {"name": "scene", "type": 3, "value": "great hall"},
            {"name": "target", "type": 6, "value": str(world.player.id)},
        ],
    }
    assert str(world.player.id) in data["resolved"]["members"]


async def test_button_click_round_trip(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    opened = await fake_discord.send_slash(
        "gm open", member=world.gm, channel=world.channel, options={"scene": "north tower"}
    )
    scene_message = await opened.message()
    click = await fake_discord.click(scene_message, "scene:join", member=world.player)
    answer = await click.message()
    assert answer.content == "player joined" and answer.ephemeral
    assert click.payload["message"]["id"] == str(scene_message.id)
    with pytest.raises(LookupError):
        await fake_discord.click(scene_message, "no-such-button", member=world.player)


async def test_update_message_and_deferred_update(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    opened = await fake_discord.send_slash(
        "gm open", member=world.gm, channel=world.channel, options={"scene": "castle gate"}
    )
    scene_message = await opened.message()
    paused = await fake_discord.click(scene_message, "scene:pause", member=world.gm)
    assert (await paused.message()) is scene_message and scene_message.content == "Scene paused"
    assert paused.response_type == 6
    closed = await fake_discord.click(scene_message, "scene:close", member=world.gm)
    assert (await closed.message()) is scene_message and closed.response_type == 7
    assert scene_message.content == "Scene closed" and scene_message.components == []
    assert [h["content"] for h in scene_message.history] == [
        "Scene castle gate opened for everyone",
        "Scene paused",
    ]
    with pytest.raises(LookupError):
        await fake_discord.click(scene_message, "scene:join", member=world.gm)


async def test_select_payload_and_user_messages_are_not_clickable(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    body = {"content": "pick", "components": [_row(_select(3))]}
    status, posted = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", body
    )
    assert status == 200
    handle = await fake_discord.click(int(posted["id"]), "s", member=world.player, values=["o1"])
    assert handle.payload["data"] == {"custom_id": "s", "component_type": 3, "values": ["o1"]}
    with pytest.raises(ValueError):
        await fake_discord.click(int(posted["id"]), "s", member=world.player, values=["nope"])
    said = await fake_discord.post_user_message(world.channel, world.player, "hello")
    with pytest.raises(ValueError):
        await fake_discord.click(said, "s", member=world.player)
    fake_discord.advance(3.1)  # the bot has no handler for "s": that interaction goes unanswered
    with pytest.raises(AssertionError, match="never answered"):
        fake_discord.assert_clean()
    fake_discord.pop_violations()


async def test_many_concurrent_interactions(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handles = [
        await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
        for _ in range(100)
    ]
    replies = await asyncio.gather(*(h.message() for h in handles))
    assert {r.content for r in replies} == {"pong"} and len({r.id for r in replies}) == 100


async def test_auto_sharded_bot_asks_gateway_bot(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    class ShardedBot(commands.AutoShardedBot):
        def __init__(self) -> None:
            super().__init__(command_prefix="!", intents=discord.Intents.default())

    async with run_bot(ShardedBot(), fake_discord) as sharded:
        assert sharded.get_guild(world.guild.id) is not None
    assert fake_discord.calls("GET /gateway/bot")
    identify = next(e for e in fake_discord.gateway_log if e.name == "IDENTIFY")
    assert identify.data["shard"] == [0, 1]


async def test_autocomplete_round_trip(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.autocomplete(
        "gm open", member=world.gm, channel=world.channel, focused="scene", options={"scene": "ll"}
    )
    names = [c["name"] for c in await handle.choices()]
    assert names == ["great hall", "wine cellar"]
    focused = handle.payload["data"]["options"][0]["options"][0]
    assert focused == {"name": "scene", "type": 3, "value": "ll", "focused": True}


async def test_defer_edit_original_and_ephemeral_followup(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("report", member=world.player, channel=world.channel)
    original = await handle.message()
    assert original.content == "report ready" and not original.loading
    followup = await handle.followup(0)
    assert followup.content == "the fine print" and followup.flags & EPHEMERAL
    kinds = [e.kind for e in handle.events]
    assert kinds == ["callback", "edit_original", "followup"]
    assert handle.response_type == 5


async def test_webhook_execution_channel_file_and_member_fetch(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("narrate", member=world.player, channel=world.channel)
    done = await handle.message()
    assert done.content == "done for player" and done.ephemeral
    log = fake_discord.visible_messages(world.channel)
    thunder, map_msg = log[-2], log[-1]
    assert thunder.username == "The Castle" and thunder.webhook_id == fake_discord.webhooks[0].id
    assert thunder.source == "webhook" and fake_discord.webhooks[0].name == "Narrator"
    assert map_msg.attachments[0].filename == "map.txt"
    assert map_msg.attachments[0].data == b"MAP-DATA"
    assert fake_discord.calls("GET /guilds/{guild_id}/members/{user_id}")
    async with aiohttp.ClientSession() as session, session.get(map_msg.attachments[0].url) as resp:
        assert await resp.read() == b"MAP-DATA"


async def test_modal_round_trip(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    opened = await fake_discord.send_slash("register", member=world.player, channel=world.channel)
    modal = await opened.modal()
    assert modal["title"] == "Who are you?"
    submitted = await fake_discord.submit_modal(opened, {"name": "Ser Rain"})
    assert (await submitted.message()).content == "Welcome, Ser Rain"


async def test_ping_computation_with_and_without_allowed_mentions(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("announce", member=world.gm, channel=world.channel)
    await handle.message()
    loud, quiet = fake_discord.visible_messages(world.channel)[-2:]
    assert loud.pings.everyone and loud.pings.mass
    assert not quiet.pings.everyone and not quiet.pings.mass
    assert quiet.allowed_mentions == {"parse": []}


async def test_too_long_content_through_discord_py(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("long", member=world.player, channel=world.channel)
    assert (await handle.message()).content == "that was too long"
    [failure] = bot.failures
    assert isinstance(failure, discord.HTTPException) and failure.code == 50035
    [violation] = fake_discord.pop_violations()  # the spec bounds a response's content to 2000
    assert violation.kind == "schema" and "data.content" in violation and "2000" in violation


async def test_second_initial_response_is_40060(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    await handle.message()
    path = f"/interactions/{handle.id}/{handle.token}/callback"
    status, body = await rest(fake_discord, "POST", path, {"type": 4, "data": {"content": "again"}})
    assert (status, body["code"]) == (400, 40060)
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "double-response" and violation.code == 40060


async def test_late_response_is_10062(fake_discord_factory: Any) -> None:
    fake: FakeDiscord = await fake_discord_factory(response_deadline=0.05)
    world = build_standard_world(fake)
    async with run_bot(CastleBot(world.guild.id), fake) as bot:
        handle = await fake.send_slash(
            "sleepy", member=world.player, channel=world.channel, options={"seconds": 0.12}
        )
        while not bot.failures:
            await asyncio.sleep(0.01)
    assert isinstance(bot.failures[0], discord.NotFound) and bot.failures[0].code == 10062
    [violation] = fake.pop_violations()
    assert violation.kind == "late-response" and "deadline 0.05s" in violation
    assert not handle.acknowledged


async def test_followup_after_token_expiry_is_refused(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    await handle.message()
    fake_discord.advance(15 * 60 + 1)
    path = f"/webhooks/{fake_discord.application_id}/{handle.token}"
    status, body = await rest(fake_discord, "POST", path, {"content": "too late"}, auth=False)
    assert (status, body["code"]) == (401, 50027)
    edit = {"content": "edited too late"}
    status, body = await rest(fake_discord, "PATCH", f"{path}/messages/@original", edit, auth=False)
    assert (status, body["code"]) == (401, 50027)
    violations = fake_discord.pop_violations()
    assert [v.kind for v in violations] == ["interaction-token"] * 2


@pytest.mark.parametrize("mode", ["reconnect", "close"])
async def test_resume_after_forced_reconnect_replays_missed_events(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot, mode: str
) -> None:
    session_id = fake_discord.sessions[0].id
    await fake_discord.force_reconnect(mode)
    if mode == "close":  # dispatched while the client is away: must be replayed on RESUME
        handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    resumed = await fake_discord.wait_for_gateway("RESUMED")
    assert resumed.session_id == session_id
    if mode == "reconnect":
        handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    assert (await handle.message()).content == "pong"
    assert [s.id for s in fake_discord.sessions] == [session_id]
    assert not [e for e in fake_discord.gateway_log if e.name == "IDENTIFY"][1:]


async def test_invalidated_session_identifies_again(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    first = fake_discord.sessions[0].id
    await fake_discord.force_reconnect("invalidate")
    await fake_discord.wait_for_gateway("READY", count=2)
    handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    assert (await handle.message()).content == "pong"
    assert [s.id for s in fake_discord.sessions] != [first]


async def test_new_client_identifies_after_first_closed_and_keeps_persistent_view(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    async with run_bot(CastleBot(world.guild.id), fake_discord):
        opened = await fake_discord.send_slash(
            "gm open", member=world.gm, channel=world.channel, options={"scene": "wine cellar"}
        )
        scene_message = await opened.message()
    assert fake_discord.sessions == []
    async with run_bot(CastleBot(world.guild.id), fake_discord):
        click = await fake_discord.click(scene_message, "scene:join", member=world.player)
        assert (await click.message()).content == "player joined"
    identifies = [e for e in fake_discord.gateway_log if e.name == "IDENTIFY"]
    assert len(identifies) == 2


async def test_heartbeats_are_acknowledged(fake_discord_factory: Any) -> None:
    fake: FakeDiscord = await fake_discord_factory(heartbeat_interval_ms=30)
    world = build_standard_world(fake)
    async with run_bot(CastleBot(world.guild.id), fake):
        await fake.wait_for_gateway("HEARTBEAT_ACK", count=3)
    received = [e.name for e in fake.gateway_log if e.direction == "recv"]
    assert received.count("HEARTBEAT") >= 3 and "IDENTIFY" in received


@pytest.mark.parametrize(("typed", "needle"), [("too-many", "25"), ("long-name", "100")])
async def test_autocomplete_limits_are_refused(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot, typed: str, needle: str
) -> None:
    handle = await fake_discord.autocomplete(
        "gm open", member=world.gm, channel=world.channel, focused="scene", options={"scene": typed}
    )
    violation = await _next_violation(fake_discord)  # the spec bounds both
    assert violation.kind == "schema" and "data.choices" in violation and needle in violation
    assert violation.code == 50035 and not handle.acknowledged


async def _next_violation(fake: FakeDiscord) -> Any:
    for _ in range(500):
        if fake.violations:
            [violation] = fake.pop_violations()
            return violation
        await asyncio.sleep(0.01)
    raise AssertionError("no violation recorded")


# --- REST limits, driven directly ------------------------------------------------------------


def _embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", **fields}


def _button(custom_id: str = "b", label: str = "ok") -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def _row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(children)}


def _select(n: int) -> dict[str, Any]:
    options = [{"label": f"o{i}", "value": f"o{i}"} for i in range(n)]
    return {"type": 3, "custom_id": "s", "options": options}


# The kind says which check refuses: "schema" when Discord's OpenAPI description already bounds
# the field, "limit" when only the fake's own rules (from Discord's docs) know the limit.
MESSAGE_LIMIT_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("content", {"content": "x" * 2001}, "content", "limit"),
    ("embed count", {"embeds": [_embed() for _ in range(11)]}, "embeds", "schema"),
    ("title", {"embeds": [_embed(title="x" * 257)]}, "title", "schema"),
    ("description", {"embeds": [_embed(description="x" * 4097)]}, "description", "schema"),
    (
        "field count",
        {"embeds": [_embed(fields=[{"name": "n", "value": "v"}] * 26)]},
        "fields",
        "schema",
    ),
    (
        "field name",
        {"embeds": [_embed(fields=[{"name": "x" * 257, "value": "v"}])]},
        "name",
        "schema",
    ),
    (
        "field value",
        {"embeds": [_embed(fields=[{"name": "n", "value": "x" * 1025}])]},
        "value",
        "schema",
    ),
    ("footer", {"embeds": [_embed(footer={"text": "x" * 2049})]}, "footer", "schema"),
    ("author", {"embeds": [_embed(author={"name": "x" * 257})]}, "author", "schema"),
    (
        "embed total",
        {"embeds": [_embed(description="x" * 4000), _embed(description="y" * 2001)]},
        "6000",
        "limit",
    ),
    (
        "action rows",
        {"components": [_row(_button(f"b{i}")) for i in range(6)]},
        "components",
        "limit",
    ),
    (
        "buttons per row",
        {"components": [_row(*[_button(f"b{i}") for i in range(6)])]},
        "components.0.components: Must be 5 or fewer",
        "schema",
    ),
    ("custom_id", {"components": [_row(_button("x" * 101))]}, "custom_id", "schema"),
    ("button label", {"components": [_row(_button(label="x" * 81))]}, "label", "schema"),
    ("select options", {"components": [_row(_select(26))]}, "options", "schema"),
    (
        "allowed mentions",
        {"content": "hi", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
        "mutually exclusive",
        "limit",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "needle", "kind"), MESSAGE_LIMIT_CASES, ids=[c[0] for c in MESSAGE_LIMIT_CASES]
)
async def test_message_limits_are_refused(
    fake_discord: FakeDiscord,
    world: StandardWorld,
    case: str,
    body: dict[str, Any],
    needle: str,
    kind: str,
) -> None:
    status, answer = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", body
    )
    assert (status, answer["code"], answer["message"]) == (400, 50035, "Invalid Form Body")
    assert answer["errors"]
    [violation] = fake_discord.pop_violations()
    assert violation.kind == kind and needle in violation, violation
    assert fake_discord.messages(world.channel) == []


async def test_reply_to_unknown_message_is_refused(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    body = {"content": "re", "message_reference": {"message_id": "1234567890123456789"}}
    status, answer = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", body
    )
    assert (status, answer["code"]) == (400, 50035)
    assert [v.kind for v in fake_discord.pop_violations()] == ["invalid-reference"]


async def test_empty_message_is_refused(fake_discord: FakeDiscord, world: StandardWorld) -> None:
    status, answer = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", {"content": " "}
    )
    assert (status, answer["code"]) == (400, 50006)
    assert [v.kind for v in fake_discord.pop_violations()] == ["empty"]


def _command(name: str = "ok", description: str = "fine", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": description, "type": 1, **extra}


def _string_option(name: str = "o", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "d", "type": 3, **extra}


COMMAND_LIMIT_CASES: list[tuple[str, list[dict[str, Any]], str]] = [
    ("uppercase name", [_command("Ping")], "name"),
    ("long name", [_command("x" * 33)], "name"),
    ("space in name", [_command("two words")], "name"),
    ("empty description", [_command(description="")], "description"),
    ("long description", [_command(description="x" * 101)], "description"),
    ("option count", [_command(options=[_string_option(f"o{i}") for i in range(26)])], "options"),
    ("option name", [_command(options=[_string_option("Bad")])], "name"),
    ("option description", [_command(options=[_string_option(description="")])], "description"),
    (
        "choice count",
        [
            _command(
                options=[
                    _string_option(choices=[{"name": f"c{i}", "value": "v"} for i in range(26)])
                ]
            )
        ],
        "choices",
    ),
    (
        "choice name",
        [_command(options=[_string_option(choices=[{"name": "x" * 101, "value": "v"}])])],
        "name",
    ),
    ("global count", [_command(f"c{i}") for i in range(101)], "100"),
]


@pytest.mark.parametrize(
    ("case", "body", "needle"), COMMAND_LIMIT_CASES, ids=[c[0] for c in COMMAND_LIMIT_CASES]
)
async def test_command_limits_are_refused(
    fake_discord: FakeDiscord, case: str, body: list[dict[str, Any]], needle: str
) -> None:
    path = f"/applications/{fake_discord.application_id}/commands"
    status, answer = await rest(fake_discord, "PUT", path, body)
    assert (status, answer["code"]) == (400, 50035)
    violations = fake_discord.pop_violations()
    assert len(violations) == 1 and needle in violations[0], violations
    assert fake_discord.commands() == []


async def test_valid_commands_are_stored_with_ids(fake_discord: FakeDiscord) -> None:
    path = f"/applications/{fake_discord.application_id}/commands"
    body = [_command("hello", options=[_string_option("who", required=True)]), _command("héllo-ö")]
    status, answer = await rest(fake_discord, "PUT", path, body)
    assert status == 200 and [c["name"] for c in answer] == ["hello", "héllo-ö"]
    status, again = await rest(fake_discord, "PUT", path, body)
    assert [c["id"] for c in again] == [c["id"] for c in answer]


async def test_webhook_name_and_multipart_message(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    status, answer = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/webhooks", {"name": "Clyde's echo"}
    )
    assert (status, answer["code"]) == (400, 50035)
    assert "clyde" in fake_discord.pop_violations()[0]
    form = aiohttp.FormData(quote_fields=False)
    payload = {
        "content": "with file",
        "attachments": [{"id": 0, "filename": "a.txt", "description": "d"}],
    }
    form.add_field("payload_json", json.dumps(payload))
    form.add_field("files[0]", b"abc", filename="a.txt", content_type="text/plain")
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    url = f"{fake_discord.api_url}/channels/{world.channel.id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=form, headers=headers) as resp,
    ):
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/json"
        body = await resp.json()
    assert body["attachments"][0]["filename"] == "a.txt" and body["attachments"][0]["size"] == 3
    [msg] = fake_discord.messages(world.channel)
    assert msg.attachments[0].data == b"abc" and msg.attachments[0].description == "d"


async def test_unknown_route_and_missing_auth_are_violations(fake_discord: FakeDiscord) -> None:
    status, answer = await rest(fake_discord, "GET", "/does/not/exist")
    assert (status, answer["code"]) == (404, 0)
    status, _ = await rest(fake_discord, "GET", "/users/@me", auth=False)
    assert status == 401
    assert [v.kind for v in fake_discord.pop_violations()] == ["unknown-route", "auth"]


async def test_mention_rules() -> None:
    text = "@here <@111111111111111111> <@&222222222222222222>"
    assert compute_pings(text, None).here
    only_user = compute_pings(text, {"parse": [], "users": ["111111111111111111"]})
    assert only_user.users == [111111111111111111] and not only_user.mass
    roles = compute_pings(text, {"parse": ["roles"]})
    assert roles.roles == [222222222222222222] and not roles.here


@pytest.mark.parametrize("compress", ["zlib-stream", "zstd-stream", None])
async def test_gateway_hello_compression(fake_discord: FakeDiscord, compress: str | None) -> None:
    query = "?v=10&encoding=json" + (f"&compress={compress}" if compress else "")
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(fake_discord.gateway_url + query) as ws,
    ):
        frame = await ws.receive(timeout=2)
        if compress == "zlib-stream":
            assert frame.type is aiohttp.WSMsgType.BINARY and frame.data.endswith(
                b"\x00\x00\xff\xff"
            )
            hello = json.loads(zlib.decompressobj().decompress(frame.data))
        elif compress == "zstd-stream" and frame.type is aiohttp.WSMsgType.BINARY:
            pytest.skip("zstandard is installed: zstd-stream is accepted, not declined")
        else:
            assert frame.type is aiohttp.WSMsgType.TEXT  # declined or not requested: plain text
            hello = json.loads(frame.data)
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250


async def test_perm_bits_match_discord_py() -> None:
    assert discord.Permissions(manage_channels=True).value == Perm.MANAGE_CHANNELS
    assert discord.Permissions(manage_webhooks=True).value == Perm.MANAGE_WEBHOOKS
    assert discord.Permissions(manage_guild=True).value == Perm.MANAGE_GUILD


# --- Discord's OpenAPI description ------------------------------------------------------------


SPEC_BREAKING_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("a flag as text", {"content": "hi", "tts": "loud"}, "tts: 'loud' is not of type"),
    ("embeds as an object", {"embeds": {"title": "t"}}, "embeds: {'title': 't'} is not of type"),
    ("an integer snowflake", {"content": "hi", "sticker_ids": [1]}, "sticker_ids.0"),
    (
        "an unknown mention kind",
        {"content": "hi", "allowed_mentions": {"parse": ["nobody"]}},
        "allowed_mentions.parse.0",
    ),
    ("a button without style", {"components": [_row({"type": 2, "custom_id": "b"})]}, "style"),
]


@pytest.mark.parametrize(
    ("case", "body", "needle"), SPEC_BREAKING_BODIES, ids=[c[0] for c in SPEC_BREAKING_BODIES]
)
async def test_a_body_that_breaks_discords_spec_is_refused_and_fails_the_test(
    fake_discord: FakeDiscord, world: StandardWorld, case: str, body: dict[str, Any], needle: str
) -> None:
    status, answer = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", body
    )
    assert (status, answer["code"], answer["message"]) == (400, 50035, "Invalid Form Body")
    with pytest.raises(AssertionError, match="violation"):
        fake_discord.assert_clean()
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "schema" and needle in violation, violation
    assert violation.route == "POST /channels/{channel_id}/messages"
    assert fake_discord.messages(world.channel) == []


async def test_a_wrong_typed_interaction_response_is_refused(
    fake_discord: FakeDiscord, world: StandardWorld, bot: CastleBot
) -> None:
    handle = await fake_discord.send_slash("ping", member=world.player, channel=world.channel)
    await handle.message()
    path = f"/webhooks/{fake_discord.application_id}/{handle.token}/messages/@original"
    status, answer = await rest(fake_discord, "PATCH", path, {"flags": "64"}, auth=False)
    assert (status, answer["code"]) == (400, 50035)
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "schema" and "flags: '64' is not of type" in violation


async def test_a_body_missing_where_discord_requires_one_is_refused(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    status, answer = await rest(fake_discord, "POST", f"/channels/{world.channel.id}/messages")
    assert (status, answer["code"]) == (400, 50035)
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "schema" and "needs a body" in violation


async def test_discord_py_encodings_discord_accepts_are_allowed_and_no_others(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    mentions = discord.AllowedMentions(users=[discord.Object(11)], roles=[discord.Object(22)])
    assert mentions.to_dict()["users"] == [11]  # integers, where the spec has strings
    body = {"content": "<@11>", "allowed_mentions": mentions.to_dict()}
    status, _ = await rest(fake_discord, "POST", f"/channels/{world.channel.id}/messages", body)
    assert status == 200
    form = aiohttp.FormData(quote_fields=False)
    payload = {"content": "f", "attachments": [{"id": 0, "filename": "a.txt"}]}  # an index
    form.add_field("payload_json", json.dumps(payload))
    form.add_field("files[0]", b"abc", filename="a.txt", content_type="text/plain")
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    url = f"{fake_discord.api_url}/channels/{world.channel.id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=form, headers=headers) as resp,
    ):
        assert resp.status == 200
    assert [m.content for m in fake_discord.messages(world.channel)] == ["<@11>", "f"]
    elsewhere = {"content": "hi", "message_reference": {"message_id": 1}}  # not an allowed place
    status, _ = await rest(
        fake_discord, "POST", f"/channels/{world.channel.id}/messages", elsewhere
    )
    assert status == 400
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "schema" and "message_reference" in violation


async def test_a_route_discord_does_not_publish_is_refused(fake_discord: FakeDiscord) -> None:
    async def secret(req: ApiRequest) -> web.StreamResponse:
        return web.json_response({})

    fake_discord._router.add("GET", "/castle/secret-door", secret)
    status, _ = await rest(fake_discord, "GET", "/castle/secret-door")
    assert status == 404
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "unknown-route" and "OpenAPI" in violation


def test_every_route_the_fake_serves_is_in_discords_spec() -> None:
    fake = FakeDiscord()
    assert fake.spec is discord_spec()  # read and crawled once per test session
    routes = [r for bucket in fake._router._table.values() for r in bucket]
    assert len(routes) > 50
    missing = [
        f"{r.method} {r.template}"
        for r in routes
        if discord_spec().find(r.method, r.template) is None
    ]
    assert missing == []
    assert discord_spec().find("GET", "/channels/1/nonsense") is None
    found = discord_spec().find("PATCH", "/webhooks/1/token/messages/@original")
    assert found is not None and found.template.endswith("/messages/@original")


async def test_a_fake_made_without_the_spec_check_takes_what_its_handlers_take() -> None:
    async with FakeDiscord(check_spec=False) as fake:
        world = build_standard_world(fake)
        body = {"content": "hi", "tts": "loud"}
        status, _ = await rest(fake, "POST", f"/channels/{world.channel.id}/messages", body)
        assert status == 200 and fake.spec is None and fake.violations == []


async def test_a_multipart_payload_json_is_checked_like_a_json_body(
    fake_discord: FakeDiscord, world: StandardWorld
) -> None:
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", json.dumps({"content": 5, "attachments": [{"id": 0}]}))
    form.add_field("files[0]", b"abc", filename="a.txt", content_type="text/plain")
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    url = f"{fake_discord.api_url}/channels/{world.channel.id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=form, headers=headers) as resp,
    ):
        assert resp.status == 400
    [violation] = fake_discord.pop_violations()
    assert violation.kind == "schema" and "content: 5 is not of type" in violation

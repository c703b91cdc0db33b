"""REST routes for login, the gateway URL, app commands, guilds, members, roles and users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors as E
from .errors import ApiError
from .limits import FieldError
from .models import CATEGORY, TEXT, Channel, Guild, Overwrite, Perm
from .rest import ApiRequest, Router, no_content, ok
from .state import GUILD_MEMBERS_INTENT

if TYPE_CHECKING:
    from .server import FakeDiscord


class CoreRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.state

    def register(self, router: Router) -> None:
        router.add("GET", "/users/@me", self.me)
        router.add("GET", "/users/{user_id}", self.user)
        router.add("POST", "/users/@me/channels", self.open_dm)
        router.add("GET", "/gateway", self.gateway, auth=False)
        router.add("GET", "/gateway/bot", self.gateway_bot)
        router.add("GET", "/oauth2/applications/@me", self.application)
        router.add("GET", "/applications/@me", self.application)
        self._register_commands(router)
        self._register_guilds(router)

    def _register_commands(self, router: Router) -> None:
        for base in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
            router.add("GET", f"{base}/commands", self.list_commands)
            router.add("PUT", f"{base}/commands", self.overwrite_commands)
            router.add("POST", f"{base}/commands", self.create_command)
            router.add("GET", f"{base}/commands/{{command_id}}", self.get_command)
            router.add("PATCH", f"{base}/commands/{{command_id}}", self.edit_command)
            router.add("DELETE", f"{base}/commands/{{command_id}}", self.delete_command)
        router.add(
            "GET",
            "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
            self.no_permissions,
        )

    def _register_guilds(self, router: Router) -> None:
        g = "/guilds/{guild_id}"
        router.add("GET", g, self.guild)
        router.add("GET", f"{g}/channels", self.guild_channels)
        router.add("POST", f"{g}/channels", self.create_channel)
        router.add("GET", f"{g}/roles", self.roles)
        router.add("GET", f"{g}/members", self.members)
        router.add("GET", f"{g}/members/{{user_id}}", self.member)
        router.add("PATCH", f"{g}/members/{{user_id}}", self.edit_member)
        router.add("PUT", f"{g}/members/{{user_id}}/roles/{{role_id}}", self.add_member_role)
        router.add("DELETE", f"{g}/members/{{user_id}}/roles/{{role_id}}", self.remove_member_role)

    # --- identity ---------------------------------------------------------------------------

    async def me(self, req: ApiRequest) -> web.StreamResponse:
        user = self.world.bot.to_payload()
        return ok(
            {**user, "verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"}
        )

    async def user(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self.world.get_user(req.params["user_id"]).to_payload())

    async def open_dm(self, req: ApiRequest) -> web.StreamResponse:
        user = self.world.get_user(req.json().get("recipient_id"))
        return ok(self.world.dm_channel(user).to_payload())

    async def gateway(self, req: ApiRequest) -> web.StreamResponse:
        return ok({"url": self.fake.gateway_url})

    async def gateway_bot(self, req: ApiRequest) -> web.StreamResponse:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return ok(
            {
                "url": self.fake.gateway_url,
                "shards": self.fake.shard_count,
                "session_start_limit": limit,
            }
        )

    async def application(self, req: ApiRequest) -> web.StreamResponse:
        world = self.world
        owner = (
            world.users[next(iter(world.guilds.values())).owner_id] if world.guilds else world.bot
        )
        return ok(
            {
                "id": str(world.application_id),
                "name": world.bot.username,
                "icon": None,
                "description": "",
                "summary": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": owner.to_payload(),
                "team": None,
                "flags": self.fake.application_flags,
                "bot": world.bot.to_payload(),
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(world.guilds),
            }
        )

    # --- application commands ---------------------------------------------------------------

    def _scope(self, req: ApiRequest) -> int | None:
        if req.params["app_id"] != str(self.world.application_id):
            raise ApiError(
                403, 50001, "Missing Access", violation="application", detail="wrong application id"
            )
        guild_id = req.params.get("guild_id")
        return None if guild_id is None else self.world.get_guild(guild_id).id

    async def list_commands(self, req: ApiRequest) -> web.StreamResponse:
        return ok(list(self.world.commands(self._scope(req)).values()))

    async def overwrite_commands(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self.world.overwrite_commands(self._scope(req), req.body))

    async def create_command(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self.world.upsert_command(self._scope(req), req.json()), 201)

    async def get_command(self, req: ApiRequest) -> web.StreamResponse:
        return ok(self.world.get_command(self._scope(req), req.params["command_id"]))

    async def edit_command(self, req: ApiRequest) -> web.StreamResponse:
        scope = self._scope(req)
        current = self.world.get_command(scope, req.params["command_id"])
        merged = {**current, **req.json()}
        return ok(self.world.upsert_command(scope, merged))

    async def delete_command(self, req: ApiRequest) -> web.StreamResponse:
        scope = self._scope(req)
        cmd = self.world.get_command(scope, req.params["command_id"])
        del self.world.commands(scope)[int(cmd["id"])]
        return no_content()

    async def no_permissions(self, req: ApiRequest) -> web.StreamResponse:
        self._scope(req)
        return ok([])

    # --- guilds -----------------------------------------------------------------------------

    def _guild(self, req: ApiRequest) -> Guild:
        return self.world.get_guild(req.params["guild_id"])

    def _need_guild_perm(self, guild: Guild, perm: Perm) -> None:
        perms = self.world.permissions(guild.members[self.world.bot.id])
        if perms & perm != perm:
            raise E.missing_permissions(f"bot lacks {perm.name} in guild {guild.name}")

    async def guild(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        data = guild.to_payload()
        if req.flag("with_counts"):
            data["approximate_member_count"] = len(guild.members)
        return ok(data)

    async def guild_channels(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        chans = [c for c in guild.channels.values() if not c.deleted and not c.is_thread]
        return ok([c.to_payload() for c in chans])

    async def create_channel(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        self._need_guild_perm(guild, Perm.MANAGE_CHANNELS)
        body = req.json()
        channel = self._new_channel(guild, body)
        return ok(channel.to_payload(), 201)

    def _new_channel(self, guild: Guild, body: dict[str, Any]) -> Channel:
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            err = FieldError(
                ("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
            raise ApiError.invalid_form([err])
        kind = body.get("type") or TEXT
        parent = self.world.channels.get(int(body["parent_id"])) if body.get("parent_id") else None
        if parent is not None and parent.type != CATEGORY:
            parent = None
        channel = self.world.add_text_channel(
            guild,
            name,
            topic=body.get("topic"),
            category=parent,
            nsfw=bool(body.get("nsfw")),
            kind=kind,
        )
        if body.get("permission_overwrites"):
            channel.overwrites = [Overwrite.from_payload(o) for o in body["permission_overwrites"]]
            self.world.emit_channel_update(channel)
        return channel

    async def roles(self, req: ApiRequest) -> web.StreamResponse:
        return ok([r.to_payload() for r in self._guild(req).roles.values()])

    async def members(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        limit = min(max(int(req.query.get("limit", 1)), 1), 1000)
        after = int(req.query.get("after", 0))
        found = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return ok([m.to_payload() for m in found[:limit]])

    async def member(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        return ok(self.world.get_member(guild, req.params["user_id"]).to_payload())

    async def edit_member(self, req: ApiRequest) -> web.StreamResponse:
        guild = self._guild(req)
        member = self.world.get_member(guild, req.params["user_id"])
        body = req.json()
        if "nick" in body:
            self._need_guild_perm(guild, Perm.MANAGE_NICKNAMES)
            member.nick = body["nick"]
        if "roles" in body:
            self._need_guild_perm(guild, Perm.MANAGE_ROLES)
            member.roles = [int(r) for r in body["roles"] if int(r) in guild.roles]
        self._member_update(guild, member.id)
        return ok(member.to_payload())

    async def add_member_role(self, req: ApiRequest) -> web.StreamResponse:
        guild, member, role_id = self._member_role(req)
        if role_id not in member.roles:
            member.roles.append(role_id)
        self._member_update(guild, member.id)
        return no_content()

    async def remove_member_role(self, req: ApiRequest) -> web.StreamResponse:
        guild, member, role_id = self._member_role(req)
        if role_id in member.roles:
            member.roles.remove(role_id)
        self._member_update(guild, member.id)
        return no_content()

    def _member_role(self, req: ApiRequest) -> tuple[Guild, Any, int]:
        guild = self._guild(req)
        self._need_guild_perm(guild, Perm.MANAGE_ROLES)
        member = self.world.get_member(guild, req.params["user_id"])
        role_id = int(req.params["role_id"])
        if role_id not in guild.roles:
            raise E.unknown("Role", E.UNKNOWN_ROLE)
        return guild, member, role_id

    def _member_update(self, guild: Guild, user_id: int) -> None:
        member = guild.members[user_id]
        data = {**member.to_payload(), "guild_id": str(guild.id)}
        self.world.emit("GUILD_MEMBER_UPDATE", data, guild.id, GUILD_MEMBERS_INTENT)

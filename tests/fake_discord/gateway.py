"""Gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, compression."""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .waiters import EventLog

try:  # zstd-stream is only offered when a zstd implementation exists here
    import zstandard as _zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the machine
    _zstd = None

if TYPE_CHECKING:
    from .server import FakeDiscord
    from .state import Payload

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE, RESUME = 0, 1, 2, 3, 4, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11
OP_NAMES = {
    HEARTBEAT: "HEARTBEAT",
    IDENTIFY: "IDENTIFY",
    PRESENCE: "PRESENCE_UPDATE",
    VOICE: "VOICE_STATE_UPDATE",
    RESUME: "RESUME",
    REQUEST_MEMBERS: "REQUEST_GUILD_MEMBERS",
}


@dataclass(frozen=True)
class GatewayEvent:
    """One gateway happening: ``direction`` is "recv" (from the client) or "send"."""

    direction: str
    name: str
    session_id: str | None
    data: Any = None

    def __repr__(self) -> str:
        return f"<{self.direction} {self.name} {self.session_id}>"


class GatewaySession:
    """A logical session: survives disconnects, buffers dispatches for RESUME."""

    def __init__(self, sid: str, intents: int, shard: tuple[int, int], replay_limit: int) -> None:
        self.id, self.intents, self.shard = sid, intents, shard
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=replay_limit)
        self.conn: GatewayConnection | None = None
        self.invalid = False
        self.disconnected_at: float | None = None

    def wants(self, guild_id: int | None, intent: int) -> bool:
        if intent and not self.intents & intent:
            return False
        shard_id, count = self.shard
        return guild_id is None or count <= 1 or (guild_id >> 22) % count == shard_id

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        text = json.dumps({"op": DISPATCH, "t": event, "s": self.seq, "d": data})
        self.buffer.append((self.seq, text))
        if self.conn is not None:
            self.conn.send_text(text)
        return self.seq

    def replay_after(self, seq: int) -> list[str] | None:
        """Dispatches after ``seq``, or None if they are no longer all buffered."""
        if seq > self.seq or seq < 0:
            return None
        if seq == self.seq:
            return []
        if not self.buffer or self.buffer[0][0] > seq + 1:
            return None
        return [text for s, text in self.buffer if s > seq]


class GatewayConnection:
    """One websocket; a single writer task keeps frames (and the compression stream) in order."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.session: GatewaySession | None = None
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.compress = compress
        self.closed_by_server = False
        self.client_close_code: int | None = None
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = _zstd.ZstdCompressor().compressobj() if compress == "zstd-stream" else None
        self.writer = asyncio.create_task(self._write_loop())

    def send_text(self, text: str) -> None:
        self.queue.put_nowait(text)

    def send_op(self, op: int, data: Any) -> None:
        self.send_text(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def _write_loop(self) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError, asyncio.CancelledError):
            while (text := await self.queue.get()) is not None:
                await self._send(text)

    async def _send(self, text: str) -> None:
        if self._zlib is not None:
            data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)
        elif self._zstd is not None:
            flush = _zstd.COMPRESSOBJ_FLUSH_BLOCK
            await self.ws.send_bytes(self._zstd.compress(text.encode()) + self._zstd.flush(flush))
        else:
            await self.ws.send_str(text)

    async def close(self, code: int, message: str = "") -> None:
        self.closed_by_server = True
        self.queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError, ConnectionError):
            await asyncio.wait_for(self.writer, 2.0)
        await self.ws.close(code=code, message=message.encode())


class Gateway:
    """Accepts websocket clients and fans dispatches out to every live session."""

    def __init__(
        self, host: FakeDiscord, *, replay_limit: int = 5000, resume_window: float = 60.0
    ) -> None:
        self.host = host
        self.replay_limit = replay_limit
        self.resume_window = resume_window
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.log: EventLog[GatewayEvent] = EventLog()
        self._session_counter = 0
        self._tasks: set[asyncio.Task[None]] = set()

    # --- fan-out ----------------------------------------------------------------------------

    def dispatch(self, event: str, data: Payload, guild_id: int | None, intent: int) -> int:
        """Send (or buffer, for a session awaiting RESUME) a dispatch; return how many got it."""
        count = 0
        for session in list(self.sessions.values()):
            if self._expired(session) or not session.wants(guild_id, intent):
                continue
            session.dispatch(event, data(session.intents) if callable(data) else data)
            self.log.append(GatewayEvent("send", event, session.id, guild_id))
            count += 1
        return count

    def _expired(self, session: GatewaySession) -> bool:
        """Disconnected sessions stay resumable for ``resume_window`` seconds, then end."""
        if session.invalid:
            return True
        gone = session.disconnected_at
        if (
            session.conn is None
            and gone is not None
            and self.host.clock() - gone > self.resume_window
        ):
            session.invalid = True
            self.sessions.pop(session.id, None)
            return True
        return False

    def connected_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.conn is not None and not s.invalid]

    def resumable_sessions(self) -> list[GatewaySession]:
        return [s for s in list(self.sessions.values()) if not self._expired(s)]

    # --- test hooks -------------------------------------------------------------------------

    async def force_reconnect(self, mode: str = "reconnect") -> int:
        """Make connected clients reconnect: "reconnect" (op 7), "close" (4000), "invalidate"."""
        conns = [c for c in self.connections if c.session is not None]
        for conn in conns:
            sid = conn.session.id if conn.session else None
            if mode == "reconnect":
                conn.send_op(RECONNECT, None)
                self.log.append(GatewayEvent("send", "RECONNECT", sid))
            elif mode == "close":
                self.log.append(GatewayEvent("send", "CLOSE", sid, 4000))
                await conn.close(4000, "fake: forced disconnect")
            elif mode == "invalidate":
                self._invalidate(conn, resumable=False)
            else:
                raise ValueError(f"unknown reconnect mode {mode!r}")
        return len(conns)

    def _invalidate(self, conn: GatewayConnection, *, resumable: bool) -> None:
        session = conn.session
        if session is not None and not resumable:
            session.invalid = True
            self.sessions.pop(session.id, None)
        conn.send_op(INVALID_SESSION, resumable)
        self.log.append(GatewayEvent("send", "INVALID_SESSION", session.id if session else None))

    async def close_all(self) -> None:
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.close(1001, "fake: shutting down")

    # --- websocket handling -----------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        if compress == "zstd-stream" and _zstd is None:
            compress = None  # declined: frames go out as uncompressed text
        conn = GatewayConnection(ws, compress)
        self.connections.add(conn)
        try:
            if await self._check_query(conn, request):
                conn.send_op(HELLO, {"heartbeat_interval": self.host.heartbeat_interval_ms})
                self.log.append(GatewayEvent("send", "HELLO", None, compress))
                await self._read_loop(conn)
        finally:
            self._on_disconnect(conn)
        return ws

    async def _check_query(self, conn: GatewayConnection, request: web.Request) -> bool:
        version, encoding = request.query.get("v"), request.query.get("encoding", "json")
        if version != "10":
            self.host.add_violation("gateway", f"gateway connected with v={version!r}, expected 10")
            await conn.close(4012, "Invalid API version")
            return False
        if encoding != "json":
            self.host.add_violation("gateway", f"gateway encoding {encoding!r} is not supported")
            await conn.close(4002, "Decode error")
            return False
        return True

    async def _read_loop(self, conn: GatewayConnection) -> None:
        while not conn.ws.closed:
            msg = await conn.ws.receive()
            if msg.type is WSMsgType.TEXT:
                await self._on_text(conn, msg.data)
            elif msg.type is WSMsgType.BINARY:
                self.host.add_violation("gateway", "client sent a binary gateway frame")
                await conn.close(4002, "Decode error")
            elif msg.type is WSMsgType.CLOSE:
                conn.client_close_code = msg.data
                break
            elif msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                break

    def _on_disconnect(self, conn: GatewayConnection) -> None:
        self.connections.discard(conn)
        conn.queue.put_nowait(None)
        session = conn.session
        code = conn.client_close_code or conn.ws.close_code
        sid = session.id if session else None
        self.log.append(GatewayEvent("recv", "DISCONNECT", sid, code))
        if session is None or session.conn is not conn:
            return
        session.conn = None
        session.disconnected_at = self.host.clock()
        if code in (1000, 1001) and not conn.closed_by_server:  # a clean client close ends it
            session.invalid = True
            self.sessions.pop(session.id, None)

    async def _on_text(self, conn: GatewayConnection, text: str) -> None:
        try:
            payload = json.loads(text)
            op, data = payload["op"], payload.get("d")
        except (ValueError, KeyError, TypeError):
            self.host.add_violation("gateway", f"undecodable gateway payload: {text[:200]!r}")
            await conn.close(4002, "Decode error")
            return
        sid = conn.session.id if conn.session else None
        self.log.append(GatewayEvent("recv", OP_NAMES.get(op, f"OP_{op}"), sid, data))
        await self._route_op(conn, op, data)

    async def _route_op(self, conn: GatewayConnection, op: int, data: Any) -> None:
        if op == HEARTBEAT:
            conn.send_op(HEARTBEAT_ACK, None)
            self.log.append(
                GatewayEvent("send", "HEARTBEAT_ACK", conn.session.id if conn.session else None)
            )
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            self.host.add_violation("gateway", f"op {op} sent before IDENTIFY")
            await conn.close(4003, "Not authenticated")
        elif op == REQUEST_MEMBERS:
            self._request_members(conn.session, data or {})
        elif op not in (PRESENCE, VOICE):
            self.host.add_violation("gateway", f"unknown gateway opcode {op}")
            await conn.close(4001, "Unknown opcode")

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if data.get("token") != self.host.token:
            self.host.add_violation("auth", "IDENTIFY with a wrong token")
            await conn.close(4004, "Authentication failed")
            return
        if conn.session is not None:
            self.host.add_violation("gateway", "IDENTIFY sent twice on one connection")
            await conn.close(4005, "Already authenticated")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            self.host.add_violation("gateway", "IDENTIFY without intents")
            await conn.close(4013, "Invalid intent(s)")
            return
        if intents & self.host.disallowed_intents:
            await conn.close(4014, "Disallowed intent(s)")
            return
        self._start_session(conn, intents, tuple(data.get("shard") or (0, 1)))

    def _start_session(self, conn: GatewayConnection, intents: int, shard: tuple[int, ...]) -> None:
        self._session_counter += 1
        sid = f"fake-session-{self._session_counter:04d}"
        session = GatewaySession(sid, intents, (shard[0], shard[1]), self.replay_limit)
        session.conn, conn.session = conn, session
        self.sessions[sid] = session
        state = self.host.state
        guilds = [g for g in state.guilds.values() if session.wants(g.id, 0)]
        session.dispatch("READY", self._ready_payload(session, [g.id for g in guilds]))
        self.log.append(GatewayEvent("send", "READY", sid))
        for guild in guilds:
            session.dispatch("GUILD_CREATE", state.guild_create_payload(guild, intents))
            self.log.append(GatewayEvent("send", "GUILD_CREATE", sid, guild.id))

    def _ready_payload(self, session: GatewaySession, guild_ids: list[int]) -> dict[str, Any]:
        state = self.host.state
        user = {**state.bot.to_payload(), "verified": True, "mfa_enabled": False, "email": None}
        return {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.host.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(state.application_id), "flags": self.host.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["us-east"],
        }

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if data.get("token") != self.host.token:
            self.host.add_violation("auth", "RESUME with a wrong token")
            await conn.close(4004, "Authentication failed")
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is not None and self._expired(session):
            session = None
        seq = data.get("seq")
        missed = session.replay_after(seq) if session and isinstance(seq, int) else None
        if session is None or session.invalid or missed is None:
            self._invalidate(conn, resumable=False)
            return
        old = session.conn
        session.conn, conn.session = conn, session
        session.disconnected_at = None
        if old is not None and old is not conn:
            old.session = None
            task = asyncio.create_task(old.close(4000, "fake: superseded by RESUME"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        for text in missed:
            conn.send_text(text)
        session.dispatch("RESUMED", {})
        self.log.append(GatewayEvent("send", "RESUMED", session.id, len(missed)))

    def _request_members(self, session: GatewaySession, data: dict[str, Any]) -> None:
        guild = self.host.state.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        members = list(guild.members.values())
        query = (data.get("query") or "").lower()
        user_ids = {int(u) for u in data.get("user_ids") or []}
        if user_ids:
            members = [m for m in members if m.id in user_ids]
        elif query:
            members = [m for m in members if m.user.username.lower().startswith(query)]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": [m.to_payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
        self.log.append(GatewayEvent("send", "GUILD_MEMBERS_CHUNK", session.id))

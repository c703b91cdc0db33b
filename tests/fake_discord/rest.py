"""REST plumbing: a segment router, the parsed request handed to handlers, and JSON answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from .errors import ApiError
from .models import UploadedFile

API_PREFIX = "/api/v10"


@dataclass
class ApiRequest:
    method: str
    path: str
    route: str
    params: dict[str, str]
    query: MultiMapping[str]
    body: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    authorized: bool = False

    def json(self) -> dict[str, Any]:
        """The JSON body (or multipart ``payload_json``) as a dict; {} if absent."""
        return self.body if isinstance(self.body, dict) else {}

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "true")


Handler = Callable[[ApiRequest], Awaitable[web.StreamResponse]]


@dataclass
class Route:
    method: str
    template: str
    segments: tuple[str, ...]
    handler: Handler
    auth: bool

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for seg, part in zip(self.segments, parts, strict=True):
            if seg.startswith("{"):
                params[seg[1:-1]] = part
            elif seg != part:
                return None
        return params


class Router:
    """Routes indexed by (method, segment count); literal-heavy routes are tried first."""

    def __init__(self) -> None:
        self._table: dict[tuple[str, int], list[Route]] = {}

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        segments = tuple(s for s in template.split("/") if s)
        route = Route(method, template, segments, handler, auth)
        bucket = self._table.setdefault((method, len(segments)), [])
        bucket.append(route)
        bucket.sort(key=lambda r: sum(s.startswith("{") for s in r.segments))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        parts = [p for p in path.split("/") if p]
        for route in self._table.get((method, len(parts)), []):
            params = route.match(parts)
            if params is not None:
                return route, params
        return None

    def allowed_methods(self, path: str) -> list[str]:
        parts = [p for p in path.split("/") if p]
        methods = []
        for (method, size), routes in self._table.items():
            if size == len(parts) and any(r.match(parts) is not None for r in routes):
                methods.append(method)
        return methods


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON bodies, or multipart with ``payload_json`` plus ``files[n]`` parts."""
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        return await _parse_multipart(request)
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError as exc:
        raise ApiError(
            400, 50109, "The request body contains invalid JSON.", violation="malformed"
        ) from exc


async def _parse_multipart(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    reader = await request.multipart()
    body: Any = None
    files: list[UploadedFile] = []
    while (part := await reader.next()) is not None:
        name = getattr(part, "name", None) or ""
        data = await part.read(decode=False)  # type: ignore[union-attr]
        if name == "payload_json":
            try:
                body = json.loads(data)
            except ValueError as exc:
                raise ApiError(
                    400, 50109, "payload_json is not valid JSON.", violation="malformed"
                ) from exc
        elif name.startswith("files[") or name.startswith("file"):
            ctype = part.headers.get("Content-Type")
            filename = getattr(part, "filename", None) or name
            files.append(UploadedFile(name, filename, bytes(data), ctype))
    files.sort(key=lambda f: _file_index(f.field))
    return body, files


def _file_index(field_name: str) -> int:
    digits = "".join(ch for ch in field_name if ch.isdigit())
    return int(digits) if digits else 0


JSON_HEADERS = {"Content-Type": "application/json"}  # exactly this: discord.py compares the string


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers=JSON_HEADERS)


def no_content() -> web.Response:
    return web.Response(status=204)


def error_response(err: ApiError) -> web.Response:
    return web.Response(
        status=err.status, body=json.dumps(err.body()).encode(), headers=JSON_HEADERS
    )

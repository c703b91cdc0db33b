"""Discord's published OpenAPI description: request bodies checked against their route's schema.

The spec (discord/discord-api-spec, OpenAPI 3.1) is read and its references crawled once per
process (``discord_spec()``); each route's validator is built on first use and kept.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .limits import FieldError

# Discord's own description of its HTTP API (discord/discord-api-spec, OpenAPI 3.1), kept beside
# the fake so that a fresh clone tests against it with nothing else on the machine.
DEFAULT_SPEC = Path(__file__).resolve().parent / "discord-openapi.json"
SPEC_ENV = "DISCORD_OPENAPI"
SPEC_URI = "urn:discord-openapi"
JSON = "application/json"
MULTIPART = "multipart/form-data"
_METHODS = ("get", "post", "put", "patch", "delete")
_SEEN_BODIES = 64  # per route: bodies whose errors are remembered
_MESSAGE_LEN = 300  # a schema error quotes the offending value; keep the violation readable

ANY_INDEX = -1  # in a deviation's path: any position in an array

BodyPath = tuple[str | int, ...]  # keys and indexes from a JSON body's root


def _snowflake_int(value: Any) -> Any:
    """An integer snowflake as Discord reads it: its decimal string."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


@dataclass(frozen=True)
class Deviation:
    """Where discord.py's encoding differs from the spec in a way Discord accepts.

    ``where`` is the tail of a path in a JSON body (so it matches a message at the body's root and
    under an interaction callback's ``data`` alike); ``accept`` turns the value discord.py sends
    into the form the spec describes before the body is validated.
    """

    where: BodyPath
    accept: Callable[[Any], Any]
    why: str

    def matches(self, path: BodyPath) -> bool:
        if len(path) < len(self.where):
            return False
        tail = path[len(path) - len(self.where) :]
        return all(
            want == got or (want == ANY_INDEX and isinstance(got, int))
            for want, got in zip(self.where, tail, strict=True)
        )


# Every accepted difference between what discord.py sends and what the spec describes, in one
# place. A multipart body is the other one (see ``RouteSpec.check``): discord.py sends the JSON
# fields in a single ``payload_json`` part rather than one form part per field.
DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        ("allowed_mentions", "users", ANY_INDEX),
        _snowflake_int,
        "discord.AllowedMentions.to_dict sends user ids as integers; Discord reads them",
    ),
    Deviation(
        ("allowed_mentions", "roles", ANY_INDEX),
        _snowflake_int,
        "discord.AllowedMentions.to_dict sends role ids as integers; Discord reads them",
    ),
    Deviation(
        ("recipient_id",),
        _snowflake_int,
        "discord.Client.create_dm sends the recipient's id as an integer; Discord reads it",
    ),
    Deviation(
        ("attachments", ANY_INDEX, "id"),
        _snowflake_int,
        "discord.py names a new upload by its index in files[n] (an integer), as Discord's "
        "docs for uploading files show",
    ),
)


def accept_deviations(body: Any, path: BodyPath = ()) -> Any:
    """``body`` with each value at a deviation's place put in the spec's form (a new object)."""
    if isinstance(body, dict):
        out: Any = {key: accept_deviations(value, (*path, key)) for key, value in body.items()}
    elif isinstance(body, list):
        out = [accept_deviations(value, (*path, i)) for i, value in enumerate(body)]
    else:
        out = body
    for deviation in DEVIATIONS:
        if path and deviation.matches(path):
            out = deviation.accept(out)
    return out


@dataclass
class RouteSpec:
    """One operation of the spec: ``method`` on a path ``template`` and its request body."""

    method: str
    template: str
    pointer: str  # JSON pointer of the operation inside the spec
    request_body: dict[str, Any] | None
    registry: Registry = field(repr=False)
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict, repr=False)
    _seen: dict[tuple[str, str], tuple[FieldError, ...]] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    def validator(self, media: str) -> Draft202012Validator:
        if media not in self._validators:
            escaped = media.replace("~", "~0").replace("/", "~1")
            ref = f"{SPEC_URI}#{self.pointer}/requestBody/content/{escaped}/schema"
            self._validators[media] = Draft202012Validator({"$ref": ref}, registry=self.registry)
        return self._validators[media]

    def check(self, body: Any, *, multipart: bool, file_fields: list[str]) -> list[FieldError]:
        """What is wrong with a request body (``None`` when the request had none)."""
        content = (self.request_body or {}).get("content", {})
        if body is None and not file_fields:
            if self.request_body and self.request_body.get("required"):
                return [FieldError((), "SPEC_BODY_REQUIRED", f"{self.name} needs a body")]
            return []
        if not content:
            return [FieldError((), "SPEC_NO_BODY", f"{self.name} takes no request body")]
        if multipart:
            if MULTIPART not in content:
                return [FieldError((), "SPEC_MEDIA_TYPE", f"{self.name} takes no multipart body")]
            # discord.py's payload_json part stands for the form parts the spec lists one by one
            fields: Any = dict(body) if isinstance(body, dict) else {}
            if body is not None and not isinstance(body, dict):
                return [FieldError((), "SPEC_TYPE", "payload_json must be a JSON object")]
            fields.update({name: "" for name in file_fields})
            return self._errors(MULTIPART, accept_deviations(fields))
        if JSON not in content:
            return [FieldError((), "SPEC_MEDIA_TYPE", f"{self.name} takes no JSON body")]
        return self._errors(JSON, accept_deviations(body))

    def _errors(self, media: str, instance: Any) -> list[FieldError]:
        """Errors of ``instance``; a body seen before is answered from memory (every bot start
        syncs the same command list, whose thousands of option unions take jsonschema ~0.2 s)."""
        key = (media, json.dumps(instance, sort_keys=True))
        if key not in self._seen:
            if len(self._seen) >= _SEEN_BODIES:
                self._seen.clear()
            self._seen[key] = tuple(_errors(self.validator(media), instance))
        return list(self._seen[key])


def _errors(validator: Draft202012Validator, instance: Any) -> list[FieldError]:
    found = [_field_error(_meant(error)) for error in validator.iter_errors(instance)]
    return sorted(found, key=lambda e: [str(p) for p in e.path])


def _meant(error: ValidationError) -> ValidationError:
    """The error inside a union (oneOf/anyOf) of the one branch the sender was writing.

    A branch is not meant when the value is of another JSON type or names another ``type``
    (Discord's unions of components, options and callbacks are told apart by that field); of
    those left, a branch that finds a value of the wrong type somewhere is less likely meant.
    With no single branch left, the union's own error stands, unless all find the same fault.
    """
    if not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    where = list(error.absolute_path)
    told_apart = []
    for errs in branches.values():
        leaves = [_meant(sub) for sub in errs]
        if not any(_names_another_branch(leaf, where) for leaf in leaves):
            told_apart.append(leaves)
    well_typed = [ls for ls in told_apart if not any(leaf.validator == "type" for leaf in ls)]
    for candidates in (well_typed, told_apart):
        if len(candidates) == 1:
            return best_match(candidates[0]) or candidates[0][0]
    bests = [best_match(leaves) or leaves[0] for leaves in told_apart]
    if bests and len({(tuple(b.absolute_path), b.message) for b in bests}) == 1:
        return bests[0]  # alike branches (a webhook's create and update) find the same fault
    return error


def _names_another_branch(leaf: ValidationError, union: list[Any]) -> bool:
    path = list(leaf.absolute_path)
    if path == union:
        return leaf.validator == "type"
    return path == [*union, "type"] and leaf.validator in ("enum", "const")


_BOUNDS = {
    "maxLength": "Must be {} or fewer in length.",
    "minLength": "Must be {} or more in length.",
    "maxItems": "Must be {} or fewer in length.",
    "minItems": "Must be {} or more in length.",
    "maximum": "Must be {} or less.",
    "minimum": "Must be {} or more.",
}


def _field_error(error: ValidationError) -> FieldError:
    """Discord's wording for a bound; jsonschema's otherwise, with the value quoted briefly."""
    bound = _BOUNDS.get(str(error.validator))
    message = bound.format(error.validator_value) if bound else error.message
    if len(message) > _MESSAGE_LEN:
        message = message[: _MESSAGE_LEN - 1] + "…"
    where = tuple(error.absolute_path)
    return FieldError(where, f"SPEC_{str(error.validator).upper()}", message)


class ApiSpec:
    """The operations of Discord's HTTP API, found by concrete path like Discord routes them."""

    def __init__(self, document: dict[str, Any]) -> None:
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry = Registry().with_resource(SPEC_URI, resource).crawl()
        self._table: dict[tuple[str, int], list[tuple[tuple[str, ...], RouteSpec]]] = {}
        for template, item in document["paths"].items():
            segments = tuple(s for s in template.split("/") if s)
            escaped = template.replace("~", "~0").replace("/", "~1")
            for method in _METHODS:
                if method not in item:
                    continue
                route = RouteSpec(
                    method.upper(),
                    template,
                    f"/paths/{escaped}/{method}",
                    item[method].get("requestBody"),
                    self.registry,
                )
                bucket = self._table.setdefault((route.method, len(segments)), [])
                bucket.append((segments, route))
        for bucket in self._table.values():  # literal segments win over placeholders
            bucket.sort(key=lambda entry: sum(s.startswith("{") for s in entry[0]))

    def find(self, method: str, path: str) -> RouteSpec | None:
        """The operation a request to ``path`` (after ``/api/v10``) reaches, or None."""
        parts = [p for p in path.split("/") if p]
        for segments, route in self._table.get((method.upper(), len(parts)), []):
            if all(s.startswith("{") or s == p for s, p in zip(segments, parts, strict=True)):
                return route
        return None


def spec_path() -> Path:
    return Path(os.environ.get(SPEC_ENV) or DEFAULT_SPEC)


@functools.cache
def discord_spec() -> ApiSpec:
    """The spec, loaded and crawled once per process (it is 43k lines)."""
    path = spec_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"Discord's OpenAPI description is not at {path}; set {SPEC_ENV} to its path"
        ) from None
    return ApiSpec(document)

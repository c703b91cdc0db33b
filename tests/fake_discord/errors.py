"""Discord-style REST errors raised by handlers and turned into JSON responses by the server."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .limits import FieldError, errors_tree


class ApiError(Exception):
    """An error answer; ``violation`` (a kind string) also records it in ``fake.violations``."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        violation: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors, self.violation, self.detail = errors, violation, detail

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data

    @classmethod
    def invalid_form(cls, errors: Iterable[FieldError], *, kind: str = "limit") -> ApiError:
        errs = list(errors)
        detail = "; ".join(e.describe() for e in errs)
        return cls(
            400, 50035, "Invalid Form Body", errors=errors_tree(errs), violation=kind, detail=detail
        )


def unknown(what: str, code: int, *, violation: str | None = None) -> ApiError:
    return ApiError(404, code, f"Unknown {what}", violation=violation)


def missing_permissions(detail: str) -> ApiError:
    return ApiError(403, 50013, "Missing Permissions", detail=detail)


UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
UNKNOWN_COMMAND = 10063
EMPTY_MESSAGE = 50006
INVALID_WEBHOOK_TOKEN = 50027
ALREADY_ACKNOWLEDGED = 40060
ENTITY_TOO_LARGE = 40005
MAX_COMMANDS = 30032

"""The persistence layer's named errors: conflicts a caller can retry, and files it cannot use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.models import Repeat


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class VersionConflict(StoreError):
    """Another commit reached the session first: reload it and decide again."""

    def __init__(self, session_id: int, expected_version: int) -> None:
        super().__init__(
            f"session {session_id} is no longer at version {expected_version}: "
            "another command was committed first"
        )
        self.session_id = session_id
        self.expected_version = expected_version


class ChannelBusy(StoreError):
    """The channel already has a session that has not ended."""

    def __init__(self, channel_id: int) -> None:
        super().__init__(f"channel {channel_id} already has an open session")
        self.channel_id = channel_id


class SessionNotFound(StoreError):
    def __init__(self, session_id: int) -> None:
        super().__init__(f"there is no session {session_id}")
        self.session_id = session_id


class SeatConflict(StoreError):
    """A state that seats one member twice in a session: the seats' unique key refused it."""

    def __init__(self, session_id: int) -> None:
        super().__init__(f"session {session_id}: a member would hold two seats")
        self.session_id = session_id


class LineRepeated(StoreError):
    """A commit's line repeats the member's own line that no answer reached (``Store.repeated``):
    nothing was written."""

    def __init__(self, session_id: int, found: Repeat) -> None:
        super().__init__(f"session {session_id}: the line of version {found.version} again")
        self.found = found


class DatabaseUnusable(StoreError):
    """A database the code must not use: the message names it (never its password), on one line."""

    def __init__(self, where: Path | str, why: str) -> None:
        super().__init__(" ".join(f"{where}: {why}".split()))
        self.where = str(where)


class DatabaseFileError(DatabaseUnusable):
    """A database file the code must not open; the message names the file, on one line."""

    def __init__(self, path: Path | str, why: str) -> None:
        super().__init__(path, why)
        self.path = Path(path)


class DatabaseUnreachable(DatabaseUnusable):
    """A PostgreSQL URL that is malformed, or a server that cannot be reached or logged into."""


class NotADatabase(DatabaseFileError):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        why = "this file is not an SQLite database; it was left untouched"
        super().__init__(path, f"{why} ({detail})" if detail else why)


class SchemaTooNew(DatabaseUnusable):
    def __init__(self, where: Path | str, found: int, known: int) -> None:
        super().__init__(
            where,
            f"the database is at schema version {found}, newer than this code knows ({known}); "
            "upgrade the bot; the database was left untouched",
        )
        self.found = found
        self.known = known


class MigrationFailed(DatabaseUnusable):
    def __init__(self, where: Path | str, migration: str, error: Exception) -> None:
        detail = " ".join(str(error).split())
        super().__init__(where, f"migration {migration} failed and was rolled back: {detail}")
        self.migration = migration


class TargetNotEmpty(DatabaseUnusable):
    """``migrate-to`` found sessions or settings in the target database already."""

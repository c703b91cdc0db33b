"""Persistence: sessions, their event log and server settings, behind one Store interface."""

from __future__ import annotations

from db.errors import (
    ChannelBusy,
    DatabaseFileError,
    MigrationFailed,
    NotADatabase,
    SchemaTooNew,
    SeatConflict,
    SessionNotFound,
    StoreError,
    VersionConflict,
)
from db.memory import MemoryStore
from db.models import LogEntry, SeatRecord, ServerSettings, SessionRecord, StoredSession
from db.sessions import Ran, SessionService, session_rng
from db.store import SqliteStore, Store

__all__ = [
    "ChannelBusy",
    "DatabaseFileError",
    "LogEntry",
    "MemoryStore",
    "MigrationFailed",
    "NotADatabase",
    "Ran",
    "SchemaTooNew",
    "SeatConflict",
    "SeatRecord",
    "ServerSettings",
    "SessionNotFound",
    "SessionRecord",
    "SessionService",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoredSession",
    "VersionConflict",
    "session_rng",
]

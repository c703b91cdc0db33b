"""Start-up: settings from the environment and .env, and a clear exit without a usable token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot import Settings

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEd.castle-in-the-rain-test-token-0123456789"


def _start(tmp_path: Path, env: dict[str, str], dotenv: str | None = None):
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_the_bot_says_how_to_get_one_and_exits_non_zero(tmp_path) -> None:
    result = _start(tmp_path, {})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0] and "developers" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_malformed_token_is_refused_the_same_way(tmp_path) -> None:
    result = _start(tmp_path, {"DISCORD_TOKEN": "not-a-token"})
    assert result.returncode != 0 and "DISCORD_TOKEN" in result.stderr
    assert "not-a-token" not in result.stderr


def test_a_bad_setting_is_named_in_one_line(tmp_path) -> None:
    result = _start(tmp_path, {"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "castle"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "DEV_GUILD_ID" in line
    ]


def test_settings_come_from_dotenv_and_never_show_the_token(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nDEV_GUILD_ID=42\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DEV_GUILD_ID", raising=False)
    settings = Settings()
    assert settings.discord_token.get_secret_value() == TOKEN
    assert settings.dev_guild_id == 42
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_env_example_lists_every_setting() -> None:
    example = (ROOT / ".env.example").read_text()
    for field in Settings.model_fields:
        assert field.upper() in example, field


def test_a_file_that_is_not_sqlite_stops_start_up_in_one_line_naming_it(tmp_path) -> None:
    bad = tmp_path / "data" / "castle.sqlite3"
    bad.parent.mkdir()
    bad.write_text("these are not the scrolls you are looking for\n")
    result = _start(tmp_path, {"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(bad)})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "not an SQLite database" in lines[0]
    assert bad.read_text() == "these are not the scrolls you are looking for\n"


def test_discord_py_parses_and_writes_json_through_orjson() -> None:
    """A dependency, not a hope: without orjson discord.py falls back to the slower json module."""
    import discord.utils

    assert discord.utils.HAS_ORJSON
    assert discord.utils._from_json('{"op": 0}') == {"op": 0}
    assert discord.utils._from_json.__module__ == "orjson"

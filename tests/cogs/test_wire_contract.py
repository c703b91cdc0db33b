"""On the wire: a crafted client sends every option of every command outside what the command
declared to Discord, and each time the bot refuses, ephemerally, saying what the option takes:
never the apology (``castle`` fails a test on any), never a logged error, nothing changed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fake_discord.interactions import BOOLEAN, CHANNEL, INTEGER, NUMBER, ROLE, STRING, USER

from tests.cogs.world import World, begun, castle, running, session_state

BEYOND_64_BITS = str(2**70)


@dataclass(frozen=True)
class Leaf:
    """One option of one command, as the bot synced it."""

    command: str  # "gm config"
    option: dict[str, Any]
    siblings: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return self.option["name"]


def leaves(commands: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each invocable command path and its options."""

    def walk(path: str, options: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict]]]:
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            yield path, options
        for sub in subs:
            yield from walk(f"{path} {sub['name']}", sub.get("options") or [])

    for command in commands:
        yield from walk(command["name"], command.get("options") or [])


def every_option(world: World) -> list[Leaf]:
    return [
        Leaf(path, option, options)
        for path, options in leaves(world.fake.commands(world.guild))
        for option in options
    ]


def outside(world: World, leaf: Leaf) -> list[tuple[str, list[dict], dict[str, Any]]]:
    """Values outside the option's contract: (what, raw options, options converted as usual)."""
    spec, name = leaf.option, leaf.name
    kind = spec["type"]

    def raw(value: Any, sent_as: int = kind) -> list[dict[str, Any]]:
        return [{"name": name, "type": sent_as, "value": value}]

    cases: list[tuple[str, list[dict], dict[str, Any]]] = []
    if spec.get("choices"):
        cases.append(("a value not offered", raw("moon"), {}))
    if kind == STRING and not spec.get("choices"):
        cases.append(("too long", raw("x" * (spec["max_length"] + 1)), {}))
        if spec.get("min_length"):
            cases.append(("too short", raw(""), {}))
    if kind == STRING:
        cases.append(("a number for text", raw(7), {}))
        cases.append(("sent as a number", raw(7, INTEGER), {}))
    if kind in (INTEGER, NUMBER) and not spec.get("choices"):
        cases.append(("above the maximum", raw(spec["max_value"] + 1), {}))
        cases.append(("below the minimum", raw(spec["min_value"] - 1), {}))
        cases.append(("sent as text", raw(str(spec["min_value"]), STRING), {}))
    if kind in (INTEGER, NUMBER):
        cases.append(("beyond 64 bits", raw(2**70), {}))
        cases.append(("text for a number", raw("seven"), {}))
        if kind == INTEGER:
            cases.append(("a fraction", raw(1.5), {}))
            cases.append(("a boolean", raw(True), {}))
    if kind == BOOLEAN:
        cases.append(("text for a boolean", raw("yes"), {}))
        cases.append(("a number for a boolean", raw(1), {}))
    if kind in (USER, CHANNEL, ROLE):
        cases.append(("not a snowflake", raw("Sakura"), {}))
        cases.append(("a snowflake beyond 64 bits", raw(BEYOND_64_BITS), {}))
        cases.append(("a snowflake Discord did not resolve", raw(str(world.hall.id + 99)), {}))
    if kind == USER:  # a user, resolved, who is not a member of this server
        cases.append(("not a member here", [], {name: world.far_member.user}))
    if kind == CHANNEL:  # a channel of a kind the option does not take
        cases.append(("a category", [], {name: world.extra["category"]}))
    return cases


def filler(world: World, spec: dict[str, Any]) -> Any:
    """A valid value for a required option that is not the one under test."""
    kind = spec["type"]
    if spec.get("choices"):
        return spec["choices"][0]["value"]
    if kind == STRING:
        return "sakura"[: spec["max_length"]]
    if kind in (INTEGER, NUMBER):
        return spec["min_value"]
    if kind == BOOLEAN:
        return False
    if kind == USER:
        return world.players["sasuke"]
    if kind == CHANNEL:
        return world.recaps
    if kind == ROLE:
        return world.extra["role"]
    raise AssertionError(f"no filler for option type {kind}")


def what_it_takes(spec: dict[str, Any]) -> list[str]:
    """What the refusal must say about the option: its name, and its bounds or choices."""
    said = [f"`{spec['name']}`"]
    kind = spec["type"]
    if spec.get("choices"):
        return said + [f"`{c['value']}`" for c in spec["choices"]]
    if kind == STRING:
        return [*said, f"{spec['min_length']} to {spec['max_length']} characters"]
    if kind in (INTEGER, NUMBER):
        return [*said, f"from {spec['min_value']} to {spec['max_value']}"]
    if kind == BOOLEAN:
        return [*said, "true or false"]
    if kind == USER:
        return [*said, "must be a member of this server"]
    if kind == CHANNEL:
        return [*said, "must be a text or announcement channel of this server"]
    if kind == ROLE:
        return [*said, "must be a role of this server"]
    raise AssertionError(f"no contract known for option type {kind}")


async def _refused(world: World, command: str, raw: list[dict], options: dict[str, Any]) -> str:
    before = await session_state(world)
    settings = await world.bot.service.settings(world.guild.id)
    owner = world.guild.members[world.guild.owner_id]  # sees every command, /gm and /sync too
    handle = await world.fake.send_slash(
        command, member=owner, channel=world.hall, options=options, raw_options=raw
    )
    answer = await handle.message()
    assert answer.ephemeral, f"/{command} {raw or options} was not refused: {answer.embeds}"
    assert await session_state(world) == before
    assert await world.bot.service.settings(world.guild.id) == settings
    return answer.content


async def _world_with_everything(world: World) -> None:
    world.extra["category"] = world.fake.add_category(world.guild, "archives")
    world.extra["role"] = world.fake.add_role(world.guild, "gms")
    await begun(world)


async def test_every_number_and_text_option_declares_both_bounds_or_its_choices(
    tmp_path,
) -> None:
    """What the bot checks is what Discord was told: each bound is declared, low and high."""
    async with castle(tmp_path) as world, running(world):
        for leaf in every_option(world):
            spec = leaf.option
            if spec.get("choices"):
                continue
            if spec["type"] == STRING:
                assert {"min_length", "max_length"} <= set(spec), leaf
            if spec["type"] in (INTEGER, NUMBER):
                assert {"min_value", "max_value"} <= set(spec), leaf


async def test_every_option_outside_its_contract_is_refused_saying_what_it_takes(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    async with castle(tmp_path) as world, running(world):
        await _world_with_everything(world)
        tried = 0
        with caplog.at_level(logging.WARNING):
            for leaf in every_option(world):
                others = {
                    o["name"]: filler(world, o)
                    for o in leaf.siblings
                    if o.get("required") and o["name"] != leaf.name
                }
                for what, raw, options in outside(world, leaf):
                    said = await _refused(world, leaf.command, raw, {**others, **options})
                    for words in what_it_takes(leaf.option):
                        assert words in said, f"/{leaf.command} {leaf.name} {what}: {said!r}"
                    tried += 1
        assert tried > 100
        problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert problems == [], [r.getMessage() for r in problems]


async def test_a_required_option_left_out_is_refused_saying_what_it_takes(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await _world_with_everything(world)
        for path, options in leaves(world.fake.commands(world.guild)):
            required = [o for o in options if o.get("required")]
            if not required:
                continue
            said = await _refused(world, path, [], {})
            assert f"`{required[0]['name']}` is needed." in said
            for words in what_it_takes(required[0]):
                assert words in said


async def test_every_command_refuses_an_option_it_does_not_declare(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        await _world_with_everything(world)
        paths = list(leaves(world.fake.commands(world.guild)))
        assert len(paths) > 30
        for path, options in paths:
            others = {o["name"]: filler(world, o) for o in options if o.get("required")}
            stray = [{"name": "stray", "type": STRING, "value": "x"}]
            said = await _refused(world, path, stray, others)
            assert said.startswith(f"/{path} takes ") and "(not `stray`)" in said, said
            for option in options:
                assert f"`{option['name']}`" in said


async def test_an_option_the_command_does_not_declare_is_refused_naming_those_it_does(
    tmp_path,
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        said = await _refused(
            world, "claim", [{"name": "seat", "type": STRING, "value": "sakura"}], {}
        )
        assert said == "/claim takes only `role`, `name` (not `seat`)."
        said = await _refused(world, "help", [{"name": "x", "type": INTEGER, "value": 1}], {})
        assert said == "/help takes no options (not `x`)."
        twice = [{"name": "to", "type": STRING, "value": "yard"}] * 2
        assert await _refused(world, "move", twice, {}) == "`to` was sent twice; give it once."


async def test_turn_timeout_below_zero_is_refused_with_both_bounds(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        said = await _refused(
            world, "gm config", [{"name": "turn_timeout", "type": INTEGER, "value": -5}], {}
        )
        assert said == "`turn_timeout` must be a whole number from 0 to 1440."
        settings = await world.bot.service.settings(world.guild.id)
        assert settings.turn_timeout_minutes != -5


async def test_an_autocomplete_with_options_of_the_wrong_type_gets_no_suggestions(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    async with castle(tmp_path) as world, running(world):
        await begun(world)
        sasuke = world.players["sasuke"]
        crafted = [
            ("name", [{"name": "name", "type": STRING, "value": 7, "focused": True}]),
            ("name", [{"name": "name", "type": INTEGER, "value": "chi", "focused": True}]),
            ("target", [{"name": "name", "type": STRING, "value": ["chidori"]}]),
            ("target", [{"name": "spell", "type": STRING, "value": "chidori"}]),
        ]
        with caplog.at_level(logging.WARNING):
            for focused, raw in crafted:
                handle = await world.fake.autocomplete(
                    "jutsu", member=sasuke, channel=world.hall, focused=focused, raw_options=raw
                )
                assert await handle.choices() == []
                assert handle.response_type == 8
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        handle = await world.fake.autocomplete(
            "jutsu", member=sasuke, channel=world.hall, focused="name", options={"name": "chi"}
        )
        assert [c["value"] for c in await handle.choices()] == ["chidori"]


async def test_a_command_the_bot_does_not_have_gets_a_sentence(tmp_path) -> None:
    async with castle(tmp_path) as world, running(world):
        handle = await world.fake.send_slash(
            "teleport", member=world.gm, channel=world.hall, require_registered=False
        )
        answer = await handle.message()
        assert answer.ephemeral
        assert answer.content.startswith("I do not know that command as sent;")

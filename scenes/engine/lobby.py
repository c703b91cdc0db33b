"""Seats and members: opening a session, claiming and releasing seats, the GM's seat controls."""

from __future__ import annotations

from scenes.engine import commands as cmd
from scenes.engine import events as ev
from scenes.engine.errors import Refusal
from scenes.engine.names import clean_name
from scenes.engine.scene import SceneRules
from scenes.engine.state import Character, Seat, SessionState
from scenes.engine.tx import Tx
from scenes.schema import Role


def seat_count(role: Role, command: cmd.Open) -> int:
    """How many seats ``role`` gets: one, or (a role of several seats) as many as asked."""
    if role.seats_max == 1:
        return 1
    count = command.seats if command.seats is not None else role.seats_min
    if not role.seats_min <= count <= role.seats_max:
        raise Refusal(
            f"A scene has {role.seats_min} to {role.seats_max} {role.name.lower()} seats."
        )
    return count


def opening(rules: SceneRules, gm_id: int, command: cmd.Open) -> ev.SessionOpened:
    """The event that opens a session: every seat, every character at its starting sheet."""
    seats: list[Seat] = []
    characters: list[Character] = []
    for role in rules.data.roles:
        count = seat_count(role, command)
        for number in range(1, count + 1):
            several = role.seats_max > 1
            key = f"{role.key}_{number}" if several else role.key
            name = f"{role.name} {number}" if several else role.name
            seats.append(Seat(key=key, role=role.key))
            characters.append(
                Character(
                    key=key,
                    role=role.key,
                    name=name,
                    side=role.side,
                    place=role.start,
                    vitality=role.sheet.vitality,
                    max_vitality=role.sheet.vitality,
                    chakra=role.sheet.chakra,
                    max_chakra=role.sheet.chakra,
                    taijutsu=role.sheet.taijutsu,
                    ninjutsu=role.sheet.ninjutsu,
                    evasion=role.sheet.evasion,
                    resolve=0 if role.has_resolve else None,
                )
            )
    return ev.SessionOpened(
        scene=rules.key,
        gm_id=gm_id,
        seed=command.seed,
        seats=tuple(seats),
        characters=tuple(characters),
        world=rules.new_world(),
    )


def free_seat(state: SessionState, role: str) -> Seat:
    seats = [seat for seat in state.seats if seat.role == role]
    if not seats:
        roles = ", ".join(sorted({seat.role for seat in state.seats}))
        raise Refusal(f"There is no role “{role[:32]}” in this scene (roles: {roles}).")
    for seat in seats:
        if seat.member_id is None:
            return seat
    holders = ", ".join(seat.member_name or "someone" for seat in seats)
    raise Refusal(f"The {role} seat is taken (by {holders}). See /roles for free seats.")


def seat_member(
    tx: Tx, member_id: int, member_name: str, role: str, name: str | None, by_gm: bool = False
) -> None:
    """Put a member in the first free seat of ``role``; a role of several seats takes a name."""
    held = tx.state.seat_of(member_id)
    if held is not None:
        who = "They" if by_gm else "You"
        raise Refusal(
            f"{who} already hold {tx.name(held.key)}'s seat; one seat per player "
            "(release it first)."
        )
    seat = free_seat(tx.state, role.strip().casefold())
    character = tx.state.character(seat.key)
    chosen = clean_name(name) if tx.scene.role(seat.role).seats_max > 1 else None
    tx.emit(
        ev.SeatClaimed(
            seat=seat.key,
            member_id=member_id,
            member_name=member_name[:64],
            name=chosen or character.name,
            by_gm=by_gm,
        )
    )


def unseat(tx: Tx, member_id: int, by_gm: bool, reason: str | None) -> None:
    seat = tx.state.seat_of(member_id)
    if seat is None:
        raise Refusal(
            "They hold no seat in this session." if by_gm else "You hold no seat in this session."
        )
    tx.emit(ev.SeatReleased(seat=seat.key, member_id=member_id, by_gm=by_gm, reason=reason))

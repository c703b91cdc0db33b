"""Techniques (jutsu): costs, seals, targets, attack rolls, harm, and the core's own effects.

A technique's ``effect`` names a function: the core's below, or one of the scene's own
(``SceneRules.effects``), called with the same arguments.
"""

from __future__ import annotations

import re

from scenes.engine import events as ev
from scenes.engine.beats import reach_trigger
from scenes.engine.checks import Purpose, check, d20, opposed
from scenes.engine.errors import Refusal
from scenes.engine.harm import damage, heal, release
from scenes.engine.moments import Moment
from scenes.engine.queries import allies_here, enemies, find_character, held
from scenes.engine.scene import Effect, SceneRules, Special
from scenes.engine.state import Character, Condition, SessionState, Skill
from scenes.engine.tx import Tx
from scenes.schema import Target, Technique, Trigger


def find_technique(rules: SceneRules, character: Character, name: str) -> Technique:
    wanted = name.strip().casefold()
    for technique in rules.data.techniques_of(character.role):
        if wanted in (technique.key, technique.name.casefold()):
            return technique
    known = ", ".join(t.name for t in rules.data.techniques_of(character.role))
    raise Refusal(f"{character.name} knows no technique called “{name[:40]}”. Known: {known}.")


def use_technique(tx: Tx, key: str, name: str, target: str | None) -> None:
    """Check, pay for and resolve a technique used by ``key``."""
    character = tx.state.character(key)
    technique = find_technique(tx.rules, character, name)
    if technique.seals and held(character):
        raise Refusal(
            f"With {character.name}'s hands held, {technique.name} cannot be formed: "
            "its hand seals need them free."
        )
    if technique.cost > character.chakra:
        raise Refusal(
            f"{technique.name} costs {technique.cost} chakra; {character.name} has "
            f"{character.chakra}."
        )
    targets = choose_targets(tx.state, tx.rules, character, technique, target)
    tx.emit(
        ev.TechniqueUsed(
            seat=key,
            technique=technique.key,
            name=technique.name,
            cost=technique.cost,
            targets=targets,
        )
    )
    effect(tx.rules, technique)(tx, key, technique, targets)
    if any(_is_foe(tx.state, character, t) for t in targets):
        reach_trigger(tx, Trigger.ATTACK)


def _is_foe(state: SessionState, actor: Character, key: str) -> bool:
    other = state.find(key)
    return other is not None and other.side != actor.side


def effect(rules: SceneRules, technique: Technique) -> Effect:
    return {**CORE_EFFECTS, **rules.effects}[technique.effect]


def senseless(
    state: SessionState, rules: SceneRules, technique: Technique, target: Character
) -> str | None:
    """Why aiming ``technique`` at ``target`` would waste a turn for nothing (healing the
    unhurt, or a scene's own case), or None when it would not."""
    if technique.effect == "heal" and target.vitality >= target.max_vitality:
        return f"{target.name} is unhurt; {technique.name} would do nothing."
    return rules.senseless(state, technique, target)


def target_options(
    state: SessionState,
    rules: SceneRules,
    actor: Character,
    technique: Technique,
    specials: tuple[Special, ...] | None = None,
) -> dict[str, str]:
    """Every target ``technique`` may be aimed at now, key to label: exactly what the engine
    accepts (autocomplete offers these)."""
    if specials is None:
        specials = rules.specials(state, actor, technique)
    options = {s.key: s.label for s in specials if s.closed is None}
    keys = _people(state, actor, technique)
    people = [c for c in state.characters if c.key in keys]
    sensible = [c for c in people if senseless(state, rules, technique, c) is None]
    return {**{c.key: c.name for c in sensible}, **options}


def choose_targets(
    state: SessionState,
    rules: SceneRules,
    actor: Character,
    technique: Technique,
    target: str | None,
) -> tuple[str, ...]:
    """The target keys of a technique, or a refusal saying whom it can be aimed at."""
    specials = rules.specials(state, actor, technique)
    options = target_options(state, rules, actor, technique, specials)
    given = target.strip().casefold() if target and target.strip() else None
    if given is not None:
        closed = next((s.closed for s in specials if s.key == given and s.closed), None)
        if closed is not None:
            raise Refusal(closed)
        if given in options and given not in {c.key for c in state.characters}:
            return (given,)
        chosen = find_character(state, given)
        if chosen is not None and chosen.key not in options:
            reason = senseless(state, rules, technique, chosen)
            if reason is not None and chosen.key in _people(state, actor, technique):
                raise Refusal(reason)
        if chosen is None or chosen.key not in options:
            raise Refusal(_not_a_target(state, actor, technique, target or "", specials))
        if technique.target is Target.ENEMIES_IN_ROOM:
            return tuple(c.key for c in enemies(state, actor))
        if technique.target is Target.SELF:
            return ()
        return (chosen.key,)
    default = next((s.key for s in specials if s.default and s.closed is None), None)
    if default is not None:
        return (default,)
    chosen_keys = _untargeted(state, actor, technique)
    for key in chosen_keys:
        found = state.find(key)
        reason = senseless(state, rules, technique, found) if found is not None else None
        if reason is not None:
            raise Refusal(reason)
    return chosen_keys


def _people(state: SessionState, actor: Character, technique: Technique) -> set[str]:
    """The characters ``technique`` may be aimed at by its kind of target."""
    match technique.target:
        case Target.ENEMY | Target.ENEMIES_IN_ROOM:
            return {c.key for c in enemies(state, actor)}
        case Target.SELF_OR_ALLY:
            return {c.key for c in allies_here(state, actor)}
        case Target.SELF:
            return {actor.key}
        case Target.HELD_BY:
            return {actor.held_by} if held(actor) and actor.held_by else set()


def _untargeted(state: SessionState, actor: Character, technique: Technique) -> tuple[str, ...]:
    match technique.target:
        case Target.ENEMY:
            foes = enemies(state, actor)
            if len(foes) == 1:
                return (foes[0].key,)
            names = ", ".join(f.name for f in foes) or "no enemy is here"
            raise Refusal(f"Choose a target: {names}.")
        case Target.ENEMIES_IN_ROOM:
            foes = enemies(state, actor)
            if not foes:
                raise Refusal(f"No enemy stands in the room with {actor.name}.")
            return tuple(f.key for f in foes)
        case Target.SELF_OR_ALLY:
            return (actor.key,)
        case Target.SELF:
            return ()
        case Target.HELD_BY:
            if not held(actor) or actor.held_by is None:
                raise Refusal(f"{actor.name} is not held by anyone.")
            return (actor.held_by,)


def _not_a_target(
    state: SessionState,
    actor: Character,
    technique: Technique,
    target: str,
    specials: tuple[Special, ...],
) -> str:
    match technique.target:
        case Target.SELF_OR_ALLY:
            return f"“{target[:40]}” is not {actor.name} or an ally in the same room."
        case Target.SELF:
            return f"{technique.name} is {actor.name}'s own: it takes no target."
        case Target.HELD_BY:
            if not held(actor):
                return f"{actor.name} is not held by anyone."
            return f"{technique.name} is aimed at whoever holds {actor.name}."
    here = ", ".join(f.name for f in enemies(state, actor)) or "none"
    besides = "".join(f"; or {s.label} (`{s.key}`)" for s in specials if s.closed is None)
    return (
        f"“{target[:40]}” is not an enemy standing in the room with "
        f"{actor.name} (enemies here: {here}{besides})."
    )


def double_dice(notation: str) -> str:
    """A critical's damage: the dice doubled, the flat bonus not (2d8+3 -> 4d8+3)."""
    return re.sub(r"(\d*)d(\d+)", lambda m: f"{int(m.group(1) or 1) * 2}d{m.group(2)}", notation)


def skill_of(character: Character, technique: Technique) -> int:
    return character.skill(technique.skill or Skill.TAIJUTSU)


def attack(tx: Tx, key: str, technique: Technique, target_key: str) -> None:
    """One attack roll against one target, then damage on a hit."""
    attacker, target = tx.state.character(key), tx.state.character(target_key)
    modifier = skill_of(attacker, technique)
    modifier += tx.rules.attack_modifier(tx.state, key, target_key, technique)
    advantage = tx.rules.attack_advantage(tx, key, target_key)
    roll = check(tx, key, technique.name, modifier, Purpose.ATTACK, advantage=advantage)
    hit, against, against_label = _lands(tx, roll.total, target)
    critical, fumble = roll.natural == 20, roll.natural == 1
    hit = critical or (hit and not fumble)
    outcome = "critical" if critical else "fumble" if fumble else "hit" if hit else "miss"
    tx.record(roll, key, against=against, against_label=against_label, outcome=outcome)
    tx.rules.after_attack(tx, key, target_key, outcome)
    if hit:
        _land(tx, key, technique, target_key, critical)
    elif fumble:
        tx.narrate(Moment.FUMBLE, actor=attacker.key, technique=technique.name)
    else:
        tx.narrate(Moment.MISS, actor=key, target=target_key, technique=technique.name, amount=0)


def _lands(tx: Tx, total: int, target: Character) -> tuple[bool, int, str]:
    evasion = target.evasion + target.evasion_bonus
    if not target.has(Condition.GUARDING):
        return total >= evasion, evasion, "evasion"
    guard = tx.roll(d20(evasion - 10), f"{target.name} guards", Purpose.GUARD)
    tx.record(guard, target.key)
    return total > guard.total, guard.total, "guard"


def _land(tx: Tx, key: str, technique: Technique, target_key: str, critical: bool) -> None:
    notation = technique.dice or "0"
    label = f"{technique.name} damage"
    roll = tx.roll(double_dice(notation) if critical else notation, label, Purpose.DAMAGE)
    tx.record(roll, key, outcome=technique.kind or None)
    before = tx.state.character(target_key).vitality
    tx.narrate(
        Moment.CRITICAL if critical else Moment.HIT,
        actor=key,
        target=target_key,
        technique=technique.name,
        amount=min(roll.total, before),
    )
    damage(tx, target_key, roll.total, ev.Cause.ATTACK, key, technique.key, technique.kind)
    target = tx.state.character(target_key)
    if critical and technique.effect == "stun_on_critical" and target.standing:
        tx.emit(ev.ConditionAdded(seat=target_key, condition=Condition.STUNNED))


def damage_effect(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    """An attack on each target character still standing."""
    for target_key in targets:
        target = tx.state.find(target_key)
        if target is not None and target.standing:
            attack(tx, key, technique, target_key)


def _heal(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    (target_key,) = targets
    roll = tx.roll(technique.dice or "0", technique.name, Purpose.HEALING)
    tx.record(roll, key, outcome="healing")
    amount = heal(tx, target_key, roll.total)
    if target_key == key:
        tx.narrate(Moment.HEAL_SELF, actor=key, amount=amount)
    else:
        tx.narrate(Moment.HEAL, actor=key, target=target_key, amount=amount)


def _escape(tx: Tx, key: str, technique: Technique, targets: tuple[str, ...]) -> None:
    holder = targets[0] if targets else None
    if (
        holder is None
        or not tx.state.character(holder).standing
        or opposed(tx, key, holder, technique.name, Purpose.ESCAPE)
    ):
        release(tx, key)
        tx.narrate(Moment.ESCAPE, actor=key, target=holder or key)
    else:
        tx.narrate(Moment.MISS, actor=key, target=holder, technique=technique.name, amount=0)


def guard(tx: Tx, key: str) -> None:
    """Guarding until the next turn: attacks must beat a guard roll."""
    tx.emit(ev.ConditionAdded(seat=key, condition=Condition.GUARDING))
    tx.emit(ev.EvasionChanged(seat=key, bonus=tx.scene.rules.guard_bonus))
    character = tx.state.character(key)
    tx.narrate(Moment.DEFEND, actor=character.key, place=tx.scene.place(character.place).name)


CORE_EFFECTS: dict[str, Effect] = {
    "damage": damage_effect,
    "stun_on_critical": damage_effect,
    "heal": _heal,
    "escape": _escape,
}

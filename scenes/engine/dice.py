"""The dice interface: d20 notation rolled from an injected ``random.Random``, with bounds.

d20 draws from the module-level ``random``; here its Die and Dice are subclassed so that every
face comes from the ``Random`` carried by the roll context instead. Nothing global is touched.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, MutableMapping, Sequence

import cachetools
import d20
from d20 import diceast
from pydantic import BaseModel, ConfigDict

from scenes.engine.errors import Refusal

MAX_NOTATION = 100
MAX_DICE = 100
MAX_SIDES = 1000
MAX_ROLLS = 250
MAX_BREAKDOWN = 500
PARSE_CACHE_SIZE = 256  # notations kept parsed (the scene's few, and players' frequent /roll)


class Roll(BaseModel):
    """One stored roll: what was asked, every face, the total, and what it was against.

    ``purpose`` says what the roll was for (a value of the core's ``Purpose`` or of a scene's
    own enum): consumers read it, never the ``label``, which is only shown.
    """

    model_config = ConfigDict(frozen=True)

    label: str
    notation: str
    purpose: str = ""
    breakdown: str
    total: int
    natural: int | None = None
    against: int | None = None
    against_label: str | None = None
    outcome: str | None = None

    @property
    def text(self) -> str:
        """The player-facing line, e.g. ``Lightning: 1d20 (17) + 6 = 23 vs evasion 12 → hit``."""
        line = f"{self.label}: {self.breakdown} = {self.total}"
        if self.against is not None:
            line += f" vs {self.against_label or 'DC'} {self.against}"
        if self.outcome:
            line += f" → {self.outcome}"
        return line


_PARSED: MutableMapping[str, diceast.Node] = cachetools.LRUCache(PARSE_CACHE_SIZE)


class _Context(d20.RollContext):
    def __init__(self, rng: random.Random) -> None:
        super().__init__(max_rolls=MAX_ROLLS)
        self.rng = rng


class _Die(d20.Die):
    __slots__ = ()

    def _add_roll(self) -> None:
        context: _Context = self._context
        context.count_roll()
        if self.size == "%":
            face = context.rng.randrange(0, 100, 10)
        else:
            face = context.rng.randrange(self.size) + 1
        self.values.append(d20.Literal(face))


class _Dice(d20.Dice):
    __slots__ = ()

    @classmethod
    def new(cls, num: int, size: int | str, context: _Context | None = None) -> _Dice:
        return cls(
            num, size, [_Die.new(size, context=context) for _ in range(num)], context=context
        )

    def roll_another(self) -> None:
        self.values.append(_Die.new(self.size, context=self._context))


class _Roller(d20.Roller):
    """d20's roller with our dice, and one parse cache shared by every roller.

    A roller is made per command (it carries that command's RNG), so d20's own per-roller cache
    would start empty each time; parsed trees are never changed by a roll, so sharing is safe.
    """

    def __init__(self, context: _Context) -> None:
        super().__init__(context)
        self._parse_cache = _PARSED
        self._ours = context

    def _eval_dice(self, node: diceast.Dice) -> _Dice:
        return _Dice.new(node.num, node.size, context=self._ours)


class _Stringifier(d20.SimpleStringifier):
    """d20's plain stringifier, taught our Die and Dice, with `(4, 7, 1)` for a set of faces."""

    def __init__(self) -> None:
        super().__init__()
        nodes: dict[type, Callable[..., str]] = dict(self._nodes)
        nodes[_Die] = self._str_die
        nodes[_Dice] = self._str_dice
        self._nodes = nodes

    def _str_expression(self, node: d20.Expression) -> str:
        return self._stringify(node.roll)

    def _str_dice(self, node: d20.Dice) -> str:
        faces = ", ".join(self._face(die) for die in node.values)
        return f"{node.num}d{node.size}{self._str_ops(node.operations)} ({faces})"

    def _face(self, die: d20.Die) -> str:
        text = self._stringify(die)
        return text if die.kept else f"~~{text}~~"


_STRINGIFIER = _Stringifier()  # it keeps no state between rolls: one serves every command


def _check_bounds(notation: str, tree: diceast.Node) -> None:
    count = 0
    stack: list[diceast.Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, diceast.Dice):
            if node.size != "%" and not 1 <= node.size <= MAX_SIDES:
                raise Refusal(
                    f"Dice need 1 to {MAX_SIDES} sides (`{notation}` asks for {node.size})."
                )
            count += node.num
        stack.extend(getattr(node, "children", ()))
    if count > MAX_DICE:
        raise Refusal(f"At most {MAX_DICE} dice in one roll (`{notation}` asks for {count}).")


class Dice:
    """Rolls dice notation from one injected ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._roller = _Roller(_Context(rng))

    def parse(self, notation: str) -> diceast.Expression:
        """Parse and bound-check notation; a refusal names what is wrong."""
        notation = notation.strip()
        if not notation:
            raise Refusal("Give some dice to roll, for example `1d20+3` or `4d6kh3`.")
        if len(notation) > MAX_NOTATION:
            raise Refusal(f"Dice notation is limited to {MAX_NOTATION} characters.")
        try:
            tree = self._roller.parse(notation)
        except d20.RollSyntaxError:
            raise Refusal(f"`{notation}` is not dice notation I can read (try `2d6+3`).") from None
        _check_bounds(notation, tree)
        return tree

    def roll(self, notation: str, label: str = "", purpose: str = "") -> Roll:
        """Roll notation and return the stored form with every face."""
        tree = self.parse(notation)
        try:  # d20 works out totals lazily: a division by zero surfaces on reading them
            result = self._roller.roll(tree, stringifier=_STRINGIFIER)
            breakdown, total, natural = result.result, result.total, _natural_d20(result)
        except d20.TooManyRolls:
            raise Refusal(f"`{notation}` would roll more than {MAX_ROLLS} dice.") from None
        except (d20.RollError, ArithmeticError, ValueError, RecursionError) as error:
            raise Refusal(_cannot_roll(notation.strip(), error)) from None
        if len(breakdown) > MAX_BREAKDOWN:
            breakdown = breakdown[: MAX_BREAKDOWN - 1] + "…"
        return Roll(
            label=label,
            notation=notation.strip(),
            purpose=purpose,
            breakdown=breakdown,
            total=total,
            natural=natural,
        )


def deal(seed: int, lines: int, deck: str, told: int, size: int) -> tuple[int, int]:
    """One of a deck's ``size`` variants, and the deck's told bits after it: never the RNG.

    The variant is one not yet told since the deck was last shuffled (``told``, one bit per
    variant; once every variant is told, the deck is shuffled and all are untold again), chosen
    by a hash of the session's ``seed``, the count of ``lines`` dealt so far and the deck's name.
    Adding or removing variants changes which line is told, never a die.
    """
    full = (1 << size) - 1
    if told & full == full:
        told = 0
    untold = [index for index in range(size) if not told >> index & 1]
    digest = hashlib.blake2b(f"{seed}|{lines}|{deck}".encode(), digest_size=8).digest()
    index = untold[int.from_bytes(digest, "big") % len(untold)]
    return index, (told | 1 << index) & full


def _cannot_roll(notation: str, error: Exception) -> str:
    """The sentence for notation that parses but cannot be worked out."""
    said = str(error).strip().rstrip(".")
    if isinstance(error, ZeroDivisionError) or "divide by zero" in said.lower():
        return f"`{notation}` divides by zero (with / or %); divide by a number other than 0."
    if isinstance(error, d20.RollError) and said:
        return f"`{notation}` cannot be rolled: {said[0].lower()}{said[1:]}."
    return f"`{notation}` cannot be worked out; try simpler notation, such as `2d6+3`."


def _natural_d20(result: d20.RollResult) -> int | None:
    left = result.expr
    while left.children:
        left = left.children[0]
    if isinstance(left, d20.Dice) and left.size == 20 and len(left.keptset) == 1:
        return int(left.keptset[0].total)
    return None


class ScriptedRandom(random.Random):
    """A ``Random`` whose die faces are scripted: ``randrange(n)`` returns the next face - 1.

    Used by tests to play exact rolls; it refuses a face that the die cannot show.
    """

    def __init__(self, faces: Sequence[int]) -> None:
        super().__init__(0)
        self.faces = list(faces)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        size = start if stop is None else (stop - start) // step
        if not self.faces:
            raise AssertionError(f"the script ran out of dice (a d{size} was asked for)")
        face = self.faces.pop(0)
        if not 1 <= face <= size:
            raise AssertionError(f"scripted face {face} does not fit a d{size}")
        return face - 1 if stop is None else start + (face - 1) * step

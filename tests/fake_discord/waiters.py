"""An append-only log whose entries can be awaited: the fake's one synchronisation primitive."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class WaitTimeout(TimeoutError):
    """Raised when an awaited entry did not appear in time; the message says what did."""


@dataclass(eq=False)
class _Waiter(Generic[T]):
    predicate: Callable[[T], bool]
    nth: int
    future: asyncio.Future[T]
    counted: set[int] = field(default_factory=set)

    def offer(self, item: T) -> bool:
        """Count ``item`` if it matches (once per item); resolve when the ``nth`` match arrives."""
        if self.future.done() or id(item) in self.counted or not self.predicate(item):
            return self.future.done()
        self.counted.add(id(item))
        if len(self.counted) >= self.nth:
            self.future.set_result(item)
            return True
        return False


class EventLog(Generic[T]):
    """A list that wakes coroutines waiting for an entry matching a predicate.

    Each new (or changed, via ``notify(item)``) entry is offered once to each waiter, so a wake-up
    costs O(waiters), not O(entries): hundreds of concurrent waiters stay cheap.
    """

    def __init__(self) -> None:
        self._items: list[T] = []
        self._waiters: list[_Waiter[T]] = []

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __getitem__(self, index: int) -> T:
        return self._items[index]

    @property
    def items(self) -> list[T]:
        return list(self._items)

    def append(self, item: T) -> None:
        self._items.append(item)
        self.notify(item)

    def notify(self, item: T) -> None:
        """Offer ``item`` (new, or changed in place) to every waiter."""
        if self._waiters:
            self._waiters = [w for w in self._waiters if not w.offer(item)]

    def clear(self) -> None:
        self._items.clear()

    def find(self, predicate: Callable[[T], bool], start: int = 0, nth: int = 1) -> T | None:
        """The ``nth`` entry (1-based) from index ``start`` that matches ``predicate``."""
        seen = 0
        for item in self._items[start:]:
            if predicate(item):
                seen += 1
                if seen >= nth:
                    return item
        return None

    async def wait_for(
        self,
        predicate: Callable[[T], bool],
        timeout: float = 5.0,
        *,
        start: int = 0,
        nth: int = 1,
        what: str = "event",
    ) -> T:
        """Return the ``nth`` entry (from ``start``) matching ``predicate``, waiting if needed."""
        waiter: _Waiter[T] = _Waiter(predicate, nth, asyncio.get_running_loop().create_future())
        for item in self._items[start:]:
            if waiter.offer(item):
                return waiter.future.result()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            seen = self._items[-10:]
            msg = f"timed out after {timeout}s waiting for {what}; last seen: {seen!r}"
            raise WaitTimeout(msg) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

"""Values computed from objects that cannot be hashed (a scenario, the catalogue), remembered per object.

A scenario comes from the library's cache and stays the same object until its file changes, so
what is computed from it (a replayed path, a facilitator's guide) can be remembered by the
object's identity. An entry holds the objects themselves, so their ids are not reused by other
objects while they are remembered; the memo is bounded and thread-safe. A computation that
raises is not remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ObjectMemo(Generic[Value]):
    def __init__(self, size: int):
        self._size = size
        self._entries: OrderedDict[tuple[Hashable, ...], tuple[tuple[object, ...], Value]] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, owners: tuple[object, ...], key: Hashable, compute: Callable[[], Value]) -> Value:
        """``compute()`` for these objects and this key, remembered; shared by every caller."""
        entry = (*(id(owner) for owner in owners), key)
        with self._guard:
            hit = self._entries.get(entry)
            if hit is not None and all(a is b for a, b in zip(hit[0], owners, strict=True)):
                self._entries.move_to_end(entry)
                return hit[1]
        value = compute()
        with self._guard:
            self._entries[entry] = (owners, value)
            self._entries.move_to_end(entry)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

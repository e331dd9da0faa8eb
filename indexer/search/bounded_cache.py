"""A cache with a size in bytes: values in, the least recently used ones dropped when the total passes the bound.

For anything keyed by what a request asks (filter values, year ranges), where an unbounded dict would grow
with every distinct request: 5,000 distinct year ranges once took a server from 211 to 855 MB.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """Least recently used values dropped once their sizes (`sys.getsizeof` unless told) pass `max_bytes`.

    A value larger than the bound on its own is returned but not kept. Safe to share between threads.
    """

    def __init__(self, max_bytes: int, size_of: Callable[[Value], int] = sys.getsizeof) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._values: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value kept under the key, or a new one from `make` (kept if it fits)."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found[0]
        value = make()
        size = self._size_of(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._values:
                self._values[key] = (value, size)
                self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped
        return value

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)

    @property
    def bytes(self) -> int:
        """The sizes of the values kept, added up."""
        return self._bytes

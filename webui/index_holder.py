"""The index the app serves: opened once, shared by all threads, swapped when a build publishes a newer one.

Searches keep using the previous complete index until the new one is published (the build swaps a
pointer file), so a running server never sees half an index.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from indexer.search import SearchIndex, open_search_index

_CHECK_EVERY_SECONDS = 2.0


class IndexHolder:
    """Hands out the current `SearchIndex`; raises IndexUnavailable with a sentence when there is none."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._index: SearchIndex | None = None
        self._replaced: list[SearchIndex] = []
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> SearchIndex:
        """The newest complete index."""
        now = time.monotonic()
        index = self._index
        if index is not None and now - self._checked_at < _CHECK_EVERY_SECONDS:
            return index
        with self._lock:
            if self._index is None or not self._index.is_current():
                # An older index stays open for requests still using it; it is closed with the holder.
                newer = open_search_index(self.index_dir)
                if self._index is not None:
                    self._replaced.append(self._index)
                self._index = newer
            self._checked_at = now
            return self._index

    def close(self) -> None:
        """Close every index this holder opened."""
        with self._lock:
            for index in [*self._replaced, *([self._index] if self._index else [])]:
                index.close()
            self._replaced.clear()
            self._index = None


def current_index() -> SearchIndex:
    """The index the running app serves (for use inside a request)."""
    from flask import current_app

    return current_app.extensions["fazhi_index"].get()

"""The index the app serves: opened once, shared by all threads, swapped when a build publishes a newer one.

Each request leases the newest complete generation and returns the lease when it ends (its teardown), so
a request sees one generation from start to finish. When a build publishes a newer one, the next request
opens it; the older one serves the requests already under way and is closed, with every thread's searcher
and its files, as soon as the last of them returns its lease. A server that swaps generations for months
keeps only the current one open and, briefly, the one it replaced.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.index import current_generation
from indexer.search import IndexUnavailable, SearchIndex, open_search_index

# After a newer generation failed to open (a build still writing it, a disk error), wait this long before trying again.
_RETRY_SECONDS = 2.0


@dataclass
class _Lease:
    """A generation and how many requests are using it."""

    index: SearchIndex
    users: int = 0


class IndexHolder:
    """Hands out the current `SearchIndex` on lease; raises IndexUnavailable with a sentence when there is none."""

    def __init__(self, index_dir: Path, filter_cache_bytes: int | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.filter_cache_bytes = filter_cache_bytes
        self._current: _Lease | None = None
        self._draining: dict[int, _Lease] = {}  # id(index) → lease, for generations a newer one replaced
        self._lock = threading.Lock()
        self._opened = threading.Condition(self._lock)
        self._opening = False
        self._failed: tuple[str | None, float] = (None, 0.0)

    def acquire(self) -> SearchIndex:
        """The newest complete index, leased: give it back with `release` when the request ends."""
        self._open_newer_generation()
        with self._lock:
            # The first generation is being opened by another request: wait for it rather than say there is none.
            self._opened.wait_for(lambda: self._current is not None or not self._opening, timeout=60)
            if self._current is None:
                raise IndexUnavailable(f"There is no index in {self.index_dir}; build it with the index command first.")
            self._current.users += 1
            return self._current.index

    def retain(self, index: SearchIndex) -> None:
        """One more lease on an index already leased (a streamed response keeps reading it after its request)."""
        with self._lock:
            if self._current is not None and self._current.index is index:
                self._current.users += 1
            elif id(index) in self._draining:
                self._draining[id(index)].users += 1
            else:
                raise IndexUnavailable(f"The index generation {index.generation} is no longer open.")

    def release(self, index: SearchIndex) -> None:
        """Return a lease; a replaced generation is closed when its last lease comes back."""
        with self._lock:
            if self._current is not None and self._current.index is index:
                self._current.users -= 1
                return
            lease = self._draining.get(id(index))
            if lease is None:
                return
            lease.users -= 1
            if lease.users > 0:
                return
            del self._draining[id(index)]
        index.close()

    def open_generations(self) -> list[str]:
        """The generations this holder has open: the current one, then any still serving older requests."""
        with self._lock:
            leases = ([self._current] if self._current else []) + list(self._draining.values())
            return [lease.index.generation for lease in leases]

    def close(self) -> None:
        """Close every index this holder opened."""
        with self._lock:
            leases = ([self._current] if self._current else []) + list(self._draining.values())
            self._current = None
            self._draining.clear()
        for lease in leases:
            lease.index.close()

    def _open_newer_generation(self) -> None:
        """Open the generation CURRENT names if it is not the one served; one thread opens it while the others
        keep serving the previous one (opening reads the whole passage table)."""
        newest = current_generation(self.index_dir)
        with self._lock:
            served = self._current.index.generation if self._current else None
            failed, failed_at = self._failed
            if newest == served or self._opening or newest is None and served is not None:
                return
            if newest == failed and served is not None and time.monotonic() - failed_at < _RETRY_SECONDS:
                return
            self._opening = True
        newer = None
        try:
            newer = open_search_index(self.index_dir, filter_cache_bytes=self.filter_cache_bytes)
        except IndexUnavailable:
            if served is None:
                raise
        finally:
            replaced = None
            with self._lock:
                self._opening = False
                if newer is None:
                    self._failed = (newest, time.monotonic())
                else:
                    if self._current is not None:
                        if self._current.users > 0:
                            self._draining[id(self._current.index)] = self._current
                        else:
                            replaced = self._current.index
                    self._current = _Lease(newer)
                self._opened.notify_all()
        if replaced is not None:
            replaced.close()


def current_index() -> SearchIndex:
    """The index this request uses, leased on first use and returned when the request ends (see `create_app`)."""
    from flask import current_app, g

    if "fazhi_index" not in g:
        g.fazhi_index = current_app.extensions["fazhi_index"].acquire()
    return g.fazhi_index


def return_index(_error: BaseException | None = None) -> None:
    """The request's teardown: give its lease back."""
    from flask import current_app, g

    index = g.pop("fazhi_index", None)
    if index is not None:
        current_app.extensions["fazhi_index"].release(index)

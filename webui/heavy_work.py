"""Heavy requests (exports, concordances, trends, coverage) in; at most `max_heavy_requests` of them at once.

One such request may work for up to `max_request_seconds`; without a bound on how many run together, eight of
them once held all eight server threads while plain searches waited. A heavy request past the bound is
refused (503, a sentence, Retry-After) after waiting a second for a slot, so a plain search always finds a thread.
When `fazhi serve --workers N` serves from several processes, they share the slots (lock files), so the bound
holds for the whole server, not per process.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app

from webui import messages

# A quick concordance is done within this; a heavy request waits this long for a slot before it is refused.
WAIT_SECONDS = 1.0
# How often a process sharing slots with others looks again for a free one while it waits.
_POLL_SECONDS = 0.05


class ServerBusy(Exception):
    """Too many heavy requests are running; the message is a sentence for the user."""


class ThreadSlots:
    """Slots for the threads of one process."""

    def __init__(self, count: int) -> None:
        self._semaphore = threading.BoundedSemaphore(count)

    def take(self, timeout: float) -> Callable[[], None] | None:
        """A free slot's give-back function, or None when none came free within `timeout` seconds."""
        return self._semaphore.release if self._semaphore.acquire(timeout=timeout) else None


class SharedSlots:
    """Slots shared by several processes: slot i is held by whoever holds an exclusive flock on the file slot-i.

    The system drops the lock when its holder dies, so a serving process killed mid-export frees its slot.
    Each take opens the file anew: a flock belongs to the open file, so two threads of one process exclude
    each other as two processes do.
    """

    def __init__(self, folder: Path, count: int) -> None:
        self._paths = [Path(folder) / f"slot-{number}" for number in range(count)]
        for path in self._paths:
            path.touch(exist_ok=True)

    def take(self, timeout: float) -> Callable[[], None] | None:
        """A free slot's give-back function, or None when none came free within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for path in self._paths:
                descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(descriptor)
                    continue
                return _closer(descriptor)
            if time.monotonic() >= deadline:
                return None
            time.sleep(_POLL_SECONDS)


def _closer(descriptor: int) -> Callable[[], None]:
    held = [descriptor]

    def give_back() -> None:
        # Once only: a second close could close a descriptor the process has since reused for another file.
        if held:
            os.close(held.pop())

    return give_back


def install_heavy_slots(app: Flask, count: int) -> None:
    """Give the app `count` slots for heavy requests."""
    app.extensions["fazhi_heavy_slots"] = ThreadSlots(count)


def share_heavy_slots(app: Flask, folder: Path) -> None:
    """Make the app take its heavy-request slots from `folder`, shared with the other serving processes."""
    app.extensions["fazhi_heavy_slots"] = SharedSlots(folder, app.config["FAZHI_SETTINGS"].max_heavy_requests)


def take_heavy_slot() -> Callable[[], None]:
    """Take a slot or raise ServerBusy; returns the function that gives it back (for a streamed response)."""
    give_back = current_app.extensions["fazhi_heavy_slots"].take(WAIT_SECONDS)
    if give_back is None:
        raise ServerBusy(messages.BUSY)
    return give_back


@contextmanager
def heavy_slot() -> Iterator[None]:
    """Hold a slot for the block (a page or JSON computed before it is sent)."""
    give_back = take_heavy_slot()
    try:
        yield
    finally:
        give_back()

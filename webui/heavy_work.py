"""Heavy requests (exports, concordances, trends, coverage) in; at most `max_heavy_requests` of them at once.

One such request may work for up to `max_request_seconds`; without a bound on how many run together, eight of
them once held all eight server threads while plain searches waited. A heavy request past the bound is
refused (503, a sentence, Retry-After) after waiting a second for a slot, so a plain search always finds a thread.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from webui import messages

# A quick concordance is done within this; a heavy request waits this long for a slot before it is refused.
WAIT_SECONDS = 1.0


class ServerBusy(Exception):
    """Too many heavy requests are running; the message is a sentence for the user."""


def install_heavy_slots(app: Flask, count: int) -> None:
    """Give the app `count` slots for heavy requests."""
    app.extensions["fazhi_heavy_slots"] = threading.BoundedSemaphore(count)


def take_heavy_slot() -> Callable[[], None]:
    """Take a slot or raise ServerBusy; returns the function that gives it back (for a streamed response)."""
    slots = current_app.extensions["fazhi_heavy_slots"]
    if not slots.acquire(timeout=WAIT_SECONDS):
        raise ServerBusy(messages.BUSY)
    return slots.release


@contextmanager
def heavy_slot() -> Iterator[None]:
    """Hold a slot for the block (a page or JSON computed before it is sent)."""
    give_back = take_heavy_slot()
    try:
        yield
    finally:
        give_back()

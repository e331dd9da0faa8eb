"""`fazhi serve --workers N`: a listening socket in, N processes serving the web app on it until told to stop.

The parent binds the socket once and forks N processes. Each builds the web app itself and opens the index at its
first request, as a single server does, so the processes share the index's files through the page cache. The one
big thing the parent holds is jieba's dictionary (queries are segmented with it; 100 MB of Python objects), loaded
before the fork and frozen out of the garbage collector's reach, so the processes share one copy of it too; each serves the inherited socket with waitress, and the kernel hands a new connection to
whichever process accepts it first. The parent only supervises: a process that dies is replaced, with a line on
stderr (one that dies soon after it started waits longer each time, up to 30 s, so it cannot spin); SIGTERM or
SIGINT (Ctrl-C) stops them all and the parent returns 0. A process dies with its parent (PR_SET_PDEATHSIG), so
none outlives a parent killed outright.

Each process keeps its own heavy-request worker (webui/heavy_worker.py), started at its first heavy request;
the `max_heavy_requests` slots are shared by all of them (lock files in a folder the parent makes), so no more
heavy requests run at once on the whole server than the setting says.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from indexer.index import segmenter
from indexer.parent_watch import end_with_parent
from webui.settings import Settings

# A process that ends sooner than this after its start counts as dying at start: the next one waits longer.
_QUICK_DEATH_SECONDS = 10.0
_FIRST_DELAY_SECONDS = 0.5
_LONGEST_DELAY_SECONDS = 30.0
# waitress gives requests under way 5 s to finish when a process is told to stop; after this it is killed.
_STOP_SECONDS = 10.0


@dataclass
class _Place:
    """One of the N places a serving process fills, and when its process started or is due to start."""

    number: int
    process: multiprocessing.process.BaseProcess | None = None
    started_at: float = 0.0
    quick_deaths: int = 0  # deaths in a row within _QUICK_DEATH_SECONDS of the start: each doubles the next delay
    start_at: float | None = 0.0  # when to start the next process; None while one runs


def serve_in_processes(settings: Settings, listener: socket.socket, workers: int, threads: int) -> int:
    """Serve the app from `workers` processes of `threads` threads each on `listener`, until SIGTERM or SIGINT."""
    context = multiprocessing.get_context("fork")
    _load_shared_before_fork()
    slots_folder = Path(tempfile.mkdtemp(prefix="fazhi-serve-slots-"))
    # A signal writes a byte to this pipe, which wakes the wait below (as well as setting `stopping`).
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    stopping: list[int] = []

    def stop(signal_number: int, _frame: object) -> None:
        stopping.append(signal_number)

    previous_handlers = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    previous_wakeup = signal.set_wakeup_fd(wake_write)
    places = [_Place(number) for number in range(1, workers + 1)]
    parent = os.getpid()

    def start(place: _Place) -> None:
        place.process = context.Process(
            target=_serve_one, name=f"fazhi-serve-{place.number}",
            args=(settings, listener, threads, slots_folder, parent, (wake_read, wake_write)),
        )
        place.process.start()
        place.started_at, place.start_at = time.monotonic(), None

    try:
        while not stopping:
            now = time.monotonic()
            for place in places:
                if place.start_at is not None and place.start_at <= now:
                    start(place)
            due = [place.start_at - now for place in places if place.start_at is not None]
            sentinels = [place.process.sentinel for place in places if place.start_at is None and place.process is not None]
            wait([*sentinels, wake_read], timeout=max(0.0, min(due)) if due else None)
            _drain(wake_read)
            if stopping:
                break
            for place in places:
                if place.start_at is None and place.process is not None and not place.process.is_alive():
                    _schedule_restart(place)
    finally:
        signal.set_wakeup_fd(previous_wakeup)
        _stop_all([place.process for place in places if place.process is not None])
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)
        os.close(wake_read)
        os.close(wake_write)
        shutil.rmtree(slots_folder, ignore_errors=True)
    return 0


def _load_shared_before_fork() -> None:
    """Load what every serving process needs and never changes, so the forked processes share its pages.

    gc.freeze() moves every object alive now out of the collector's generations: a collection in a serving process
    would otherwise write to each object's header and so copy every page of the dictionary into that process.
    """
    segmenter()
    gc.freeze()


def _schedule_restart(place: _Place) -> None:
    """Note a dead process, say so, and set when its replacement starts."""
    process = place.process
    process.join()
    lived = time.monotonic() - place.started_at
    place.quick_deaths = place.quick_deaths + 1 if lived < _QUICK_DEATH_SECONDS else 0
    delay = 0.0 if not place.quick_deaths else min(_LONGEST_DELAY_SECONDS, _FIRST_DELAY_SECONDS * 2 ** (place.quick_deaths - 1))
    code = process.exitcode
    how = f"was killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exited with status {code}"
    print(
        f"Serving process {place.number} (pid {process.pid}) {how} after {lived:.0f} s; starting another in {delay:g} s.",
        file=sys.stderr, flush=True,
    )
    process.close()
    place.process, place.start_at = None, time.monotonic() + delay


def _stop_all(processes: list[multiprocessing.process.BaseProcess]) -> None:
    """SIGTERM to every process, then SIGKILL to any still running after _STOP_SECONDS; all of them reaped."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + _STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def _drain(descriptor: int) -> None:
    try:
        while os.read(descriptor, 512):
            pass
    except BlockingIOError:
        pass


def _serve_one(settings: Settings, listener: socket.socket, threads: int, slots_folder: Path, parent: int,
               parent_pipe: tuple[int, int]) -> None:
    """One serving process: the web app on waitress on the inherited socket, until SIGTERM or its parent's end."""
    # The fork copied the parent's signal handling: undo it. Ctrl-C reaches every process of the terminal; the
    # parent alone decides, and stops the others with SIGTERM.
    signal.set_wakeup_fd(-1)
    for descriptor in parent_pipe:
        os.close(descriptor)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    # SIGTERM when the parent ends (waitress then closes its connections); now, if it already has.
    if not end_with_parent(parent, signal.SIGTERM):
        raise SystemExit(0)
    from webui import create_app
    from webui.heavy_work import share_heavy_slots
    from webui.server import create_server_on

    app = create_app(settings)
    share_heavy_slots(app, slots_folder)
    # waitress ends run() on SystemExit, closing its connections and giving its threads 5 s to finish.
    create_server_on(app, listener, threads).run()


def _exit_on_signal(_signal_number: int, _frame: object) -> None:
    raise SystemExit(0)

"""Heavy requests computed in worker processes of their own, so that they do not hold the searches' interpreter lock.

An export, a concordance sorted by context or a trend over 的 spends seconds in Python and in long C calls
(sorting, scoring); on a server thread it holds the interpreter lock that every plain search on the other
threads waits for. With `heavy_worker` on, the server hands such a request (its path and parameters) to one
of `max_heavy_requests` long-lived processes, started with `spawn` at the first heavy request. A worker is
the same web app on the same settings: it opens the current index generation itself (and holds it while it
reads, as the server does), runs the view with its caps on rows, bytes and time, and sends the response
back in chunks over a pipe; the server thread only relays bytes, waiting in a call that lets searches run.

A worker that dies, or does not finish within `max_request_seconds` and a grace, is killed and replaced at
the next heavy request; the user gets a sentence (a 503 page before any byte was sent, a last line saying
the export stopped otherwise). A response closed before its end (the user went away) kills its worker too,
so no worker is ever left writing into a pipe nobody reads.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import time
import weakref
from collections.abc import Iterator
from dataclasses import replace

from flask import Flask, Response, current_app, request

from webui import messages
from webui.heavy_work import ServerBusy, take_heavy_slot
from webui.settings import Settings
from webui.streams import csv_cut_line, jsonl_cut_line

# The routes computed in a worker: every streamed export, and the pages and JSON that sort or count a lot.
HEAVY_ENDPOINTS = frozenset({
    "pages.export",
    "research.kwic", "research.kwic_csv", "research_api.kwic_json",
    "research.trends", "research.trends_svg", "research.trends_csv", "research_api.trends_json",
    "research.coverage", "research.coverage_csv", "research_api.coverage_json",
    "law_views.laws_csv", "law_views.duplicates_csv", "law_views.report_shares_csv",
    "review_views.review_csv", "review_views.figures_csv", "township_views.townships_csv",
})
# Starting a worker (imports, dictionary, opening the index) and ending its response may take this much
# longer than the request's own time cap before the worker is killed.
GRACE_SECONDS = 30
CHUNK_BYTES = 64 * 1024
_NOT_RELAYED = {"content-length", "transfer-encoding", "connection"}


class WorkerFailed(Exception):
    """The worker died, or did not answer in time."""


class Worker:
    """One worker process and the server's end of its pipe; started on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._process = None
        self._connection = None

    def send(self, path: str, pairs: list[tuple[str, str]]) -> None:
        """Hand a request over (starting the process if it is not running)."""
        if self._process is None or not self._process.is_alive():
            self.stop()
            self._start()
        try:
            self._connection.send((path, pairs))
        except (OSError, ValueError) as error:
            raise WorkerFailed from error

    def receive(self, deadline: float) -> tuple:
        """The next message of the response, or WorkerFailed if none comes before the deadline."""
        if self._connection is None:
            raise WorkerFailed("stopped")
        try:
            if not self._connection.poll(max(0.0, deadline - time.monotonic())):
                raise WorkerFailed("no answer in time")
            return self._connection.recv()
        except (EOFError, OSError, ValueError) as error:
            raise WorkerFailed from error

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        server_end, worker_end = context.Pipe()
        process = context.Process(target=serve_heavy_requests, args=(self._settings, worker_end), daemon=True, name="fazhi-heavy")
        process.start()
        worker_end.close()
        self._process, self._connection = process, server_end

    def stop(self) -> None:
        """Kill the process (if any) and close its pipe; the next request starts a fresh one."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            process.close()


class WorkerPool:
    """`count` workers; a heavy-request slot is taken before a worker, so one is always idle for its holder."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.workers = [Worker(settings) for _ in range(count)]
        self._idle: queue.Queue[Worker] = queue.Queue()
        for worker in self.workers:
            self._idle.put(worker)

    def take(self) -> Worker:
        return self._idle.get(timeout=5)

    def give_back(self, worker: Worker) -> None:
        self._idle.put(worker)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def _stop_all(workers: list[Worker]) -> None:
    for worker in workers:
        worker.stop()


def install_heavy_worker(app: Flask, settings: Settings) -> None:
    """Hand the app's heavy requests to worker processes (when the `heavy_worker` setting is on)."""
    if not settings.heavy_worker or app.config.get("FAZHI_IN_WORKER"):
        return
    pool = WorkerPool(settings, settings.max_heavy_requests)
    app.extensions["fazhi_heavy_workers"] = pool
    # Workers die with the app (a test's app, or the server at exit); daemon processes die with the server too.
    weakref.finalize(app, _stop_all, list(pool.workers))
    app.before_request(_hand_over_heavy_request)


def _hand_over_heavy_request() -> Response | None:
    if request.endpoint not in HEAVY_ENDPOINTS:
        return None
    pool: WorkerPool = current_app.extensions["fazhi_heavy_workers"]
    settings = current_app.config["FAZHI_SETTINGS"]
    give_slot_back = take_heavy_slot()
    try:
        worker = pool.take()
    except queue.Empty:
        give_slot_back()
        raise ServerBusy(messages.BUSY) from None
    deadline = time.monotonic() + settings.max_request_seconds + GRACE_SECONDS
    try:
        worker.send(request.path, list(request.args.items(multi=True)))
        _, status, headers = worker.receive(deadline)
    except WorkerFailed:
        worker.stop()
        pool.give_back(worker)
        give_slot_back()
        raise ServerBusy(messages.HEAVY_WORKER_FAILED) from None
    except BaseException:
        worker.stop()
        pool.give_back(worker)
        give_slot_back()
        raise
    body = RelayedBody(worker, pool, give_slot_back, deadline, dict(headers).get("Content-Type", ""))
    return Response(body, status=status, headers=[(name, value) for name, value in headers if name.lower() not in _NOT_RELAYED])


class RelayedBody:
    """The worker's chunks as a response body; gives the worker and the slot back when closed."""

    def __init__(self, worker: Worker, pool: WorkerPool, give_slot_back, deadline: float, content_type: str) -> None:
        self._worker, self._pool, self._give_slot_back = worker, pool, give_slot_back
        self._deadline = deadline
        self._content_type = content_type
        self._finished = False
        self._returned = False

    def __iter__(self) -> Iterator[bytes]:
        while not self._finished:
            try:
                message = self._worker.receive(self._deadline)
            except WorkerFailed:
                self._worker.stop()
                self._finished = True
                yield self._failure_line()
                break
            if message[0] == "end":
                self._finished = True
            else:
                yield message[1]
        self.close()

    def _failure_line(self) -> bytes:
        if "csv" in self._content_type:
            return csv_cut_line(messages.HEAVY_WORKER_FAILED).encode("utf-8")
        if "ndjson" in self._content_type:
            return jsonl_cut_line(messages.HEAVY_WORKER_FAILED).encode("utf-8")
        return ("\n" + messages.HEAVY_WORKER_FAILED + "\n").encode("utf-8")

    def close(self) -> None:
        """Give the worker and the slot back (once); a worker stopped mid-response is killed, to start afresh."""
        if self._returned:
            return
        self._returned = True
        if not self._finished:
            self._worker.stop()
        self._pool.give_back(self._worker)
        self._give_slot_back()


def serve_heavy_requests(settings: Settings, connection) -> None:
    """The worker process: the same app, one request at a time, its response sent back in chunks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    from indexer.allocator import release_large_blocks
    from webui import create_app

    release_large_blocks()  # a spawned process starts with the C library's defaults

    app = create_app(replace(settings, heavy_worker=0))
    client = app.test_client()
    while True:
        try:
            path, pairs = connection.recv()
        except (EOFError, OSError):
            return  # the server is gone
        response = client.get(path, query_string=pairs, buffered=False)
        try:
            connection.send(("head", response.status_code, list(response.headers.items())))
            pending: list[bytes] = []
            size = 0
            for chunk in response.iter_encoded():
                pending.append(chunk)
                size += len(chunk)
                if size >= CHUNK_BYTES:
                    connection.send(("data", b"".join(pending)))
                    pending, size = [], 0
            if pending:
                connection.send(("data", b"".join(pending)))
            connection.send(("end",))
        except (BrokenPipeError, OSError):
            return
        finally:
            response.close()

"""`fazhi serve --workers N` as an operator meets it: N processes answering on one port, one killed and replaced,
all of them gone after SIGTERM; bad values refused with a sentence."""
from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.cli import main
from webui.heavy_work import SharedSlots

CORPUS = bundled_corpus()
REPOSITORY = Path(__file__).resolve().parent.parent


def children_of(pid: int) -> set[int]:
    """The processes `pid` started and that are still running (its direct children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def descendants_of(pid: int) -> set[int]:
    pending, found = [pid], set()
    while pending:
        try:
            children = children_of(pending.pop())
        except FileNotFoundError:
            continue
        found |= children
        pending.extend(children)
    return found


def is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def process_holding(client_port: int, candidates: set[int]) -> int | None:
    """Which of the processes holds the server's end of the connection from our `client_port` (it accepted it)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == client_port:  # rem_address: the client's end
            inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        for link in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(link) in inodes:
                    return pid
            except FileNotFoundError:
                continue
    return None


def answering_processes(url: str, candidates: set[int], connections: int = 8) -> set[int]:
    """Open `connections` keep-alive connections at once, one request each; the processes that answered them."""
    address = urllib.parse.urlsplit(url)

    def ask(_: int) -> int | None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request("GET", "/static/style.css")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            return process_holding(connection.sock.getsockname()[1], candidates)
        finally:
            connection.close()

    with ThreadPoolExecutor(connections) as pool:
        return set(pool.map(ask, range(connections))) - {None}


def wait_until_answered_by(url: str, wanted: set[int], seconds: float = 10) -> None:
    """Send rounds of concurrent requests until each of the `wanted` serving processes has answered one."""
    answered: set[int] = set()
    deadline = time.monotonic() + seconds
    while not wanted <= answered:
        assert time.monotonic() < deadline, f"only {answered} of {wanted} answered within {seconds} s"
        answered |= answering_processes(url, wanted)


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.status


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.1)


@pytest.fixture()
def two_worker_server(corpus_index_dir):
    """`fazhi serve --workers 2` on any free port, on the bundled reports' index (up to date: nothing to index);
    yields the process and its URL."""
    with subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--workers", "2", "--port", "0", "--threads", "4",
         "--corpus", str(CORPUS), "--index", str(corpus_index_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    ) as server:
        try:
            for line in server.stdout:
                if line.startswith("Serving fazhi-search at "):
                    yield server, line.split()[3].rstrip("/")
                    break
            else:
                raise AssertionError(f"the server did not start: {server.stderr.read()}")
        finally:
            if server.poll() is None:
                server.kill()


def test_two_workers_answer_a_killed_one_is_replaced_and_sigterm_stops_them_all(two_worker_server):
    server, url = two_worker_server
    wait_for(lambda: len(children_of(server.pid)) == 2, 10, "two serving processes did not start")
    workers = children_of(server.pid)

    # Whichever process accepts a connection first answers it: among concurrent connections, both get some.
    wait_until_answered_by(url, workers)
    search = f"{url}/api/search?q=%E6%B3%95%E6%B2%BB"
    assert get(search) == 200

    killed = min(workers)
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: len(children_of(server.pid) - {killed}) == 2, 10, "the killed process was not replaced")
    replacement = (children_of(server.pid) - workers).pop()
    wait_until_answered_by(url, {replacement})

    everyone = {server.pid} | descendants_of(server.pid)
    assert replacement in everyone and killed not in everyone
    # A replacement that dies soon after its start waits longer for its own replacement; SIGTERM stops the wait too.
    os.kill(replacement, signal.SIGKILL)
    wait_for(lambda: replacement not in children_of(server.pid), 10, "the dead replacement was not noticed")
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=20) == 0
    wait_for(lambda: not any(is_running(pid) for pid in everyone), 5, "processes were left running")
    error = server.stderr.read()
    assert f"(pid {killed}) was killed by SIGKILL" in error and f"(pid {replacement}) was killed by SIGKILL" in error
    delays = [float(delay) for delay in re.findall(r"starting another in ([0-9.]+) s", error)]
    assert len(delays) == 2 and delays[1] > delays[0]
    assert "Traceback" not in error


@pytest.mark.parametrize(
    "value",
    [
        "0",  # nothing would serve
        "-1",
        "two",  # was argparse's "invalid int value"
        "65",  # each process opens the index: absurdly many would exhaust memory
    ],
)
def test_serve_refuses_a_bad_number_of_workers_with_a_sentence(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--workers", value, "--corpus", str(CORPUS), "--index", str(tmp_path / "index")])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert f"{value} is not a number of serving processes from 1 to 64" in error and "--workers 2" in error
    assert not (tmp_path / "index").exists()


HOLD_A_SLOT = """
import sys, time
from pathlib import Path
from webui.heavy_work import SharedSlots
assert SharedSlots(Path(sys.argv[1]), 1).take(0) is not None
print("held", flush=True)
time.sleep(60)
"""


def test_serving_processes_share_the_heavy_request_slots_and_a_killed_holder_frees_its_own(tmp_path):
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_A_SLOT, str(tmp_path)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    ) as holder:
        try:
            assert holder.stdout.readline() == "held\n"
            slots = SharedSlots(tmp_path, 1)
            assert slots.take(0.1) is None  # another process holds the only slot
            holder.kill()
            holder.wait()
            give_back = slots.take(1.0)
            assert give_back is not None
            # Threads of one process exclude each other too.
            other_thread: list = []
            thread = threading.Thread(target=lambda: other_thread.append(slots.take(0.1)))
            thread.start()
            thread.join()
            assert other_thread == [None]
            give_back()
            give_back()  # a second call does nothing
            assert slots.take(0)() is None
        finally:
            holder.kill()


def memory_kilobytes(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup's fields in kB."""
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    return {line.split(":")[0]: int(line.split()[1]) for line in lines if line.endswith("kB")}


def test_serving_processes_share_the_dictionary_they_segment_queries_with(two_worker_server, corpus_index_dir):
    # jieba's dictionary (100 MB of Python objects) is loaded by the supervisor before it forks: after searches
    # each serving process still shares those pages with it instead of holding a copy of its own (which made
    # each process's private memory four times what it shares).
    server, url = two_worker_server
    wait_for(lambda: len(children_of(server.pid)) == 2, 10, "two serving processes did not start")
    workers = children_of(server.pid)
    wait_until_answered_by(url, workers)

    def both_opened_the_index() -> bool:
        # A process opens the index (and, before this change, loaded the dictionary) at its first search.
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(get, [f"{url}/api/search?q=%E6%B3%95%E6%B2%BB%E5%AE%A3%E4%BC%A0"] * 8)) == {200}
        return all(str(corpus_index_dir) in Path(f"/proc/{pid}/maps").read_text() for pid in workers)

    wait_for(both_opened_the_index, 20, "both processes did not open the index")
    for pid in workers:
        memory = memory_kilobytes(pid)
        assert memory["Private_Dirty"] * 2 < memory["Shared_Dirty"], memory

"""Load test: concurrent clients on a running `fazhi serve`, a realistic mix of requests, for a fixed time.

    fazhi serve --corpus bench/out/corpus_10000 --index bench/out/index_10000 --port 5055 --workers 2 &
    python bench/load_test.py --url http://127.0.0.1:5055 --clients 20 --seconds 30 --server-pid $!

Only loopback addresses are accepted. Each client loops: a search page, its JSON twin, a filtered search
(township / year / section / law), the next page, a report page reached from a hit; with `--think S` it waits
S seconds on average after each response, as a person reading the page would. With `--heavy N`, N more
clients loop over the heaviest requests a user can send (whole exports, concordances of the commonest
characters sorted by context, trends, the coverage grid), reading each response to its end, while the others
search. Prints throughput, p50/p95 latency per kind and overall, the heavy requests refused as busy (503 with
Retry-After: the server lets only a few run at once, by design) and the count of errors (any other status
than 200, or a failure). With `--server-pid` (the pid of `fazhi serve`), it also prints the memory of each process
of the server (the supervisor, each serving process, heavy workers) at the end: RSS, and PSS and USS, which
count the index's pages that several serving processes map only once.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import memory_megabytes, percentile, process_tree  # noqa: E402
from workload import read_queries  # noqa: E402

HEAVY = (
    ("kwic.csv sorted", "/kwic.csv?" + urlencode({"q": "的 OR 法 OR 治", "sort": "right"})),
    ("kwic page sorted", "/kwic?" + urlencode({"q": "的 OR 法 OR 治", "sort": "left"})),
    ("export.csv", "/export.csv?" + urlencode({"q": "法"})),
    ("export.jsonl all", "/export.jsonl"),
    ("trends", "/trends?" + urlencode([("q", "的"), ("q", "法治"), ("q", "枫桥经验")])),
    ("coverage.csv", "/coverage.csv"),
    ("duplicates.csv", "/duplicates.csv"),
)
FILTERS = (
    {}, {"year": "2024"}, {"year": "2021..2023"}, {"section": "problems"}, {"law": "民法典"},
    {"province": "河南省"}, {"township": "段园镇"}, {"section": "measures", "year": "2022"},
)


class Client(threading.Thread):
    """One simulated user, with its own connection."""

    def __init__(self, host: str, port: int, queries: list[str], deadline: float, seed: int, think: float = 0.0) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.queries, self.deadline, self.think = host, port, queries, deadline, think
        self.random = random.Random(seed)
        self.timings: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self.busy = 0

    def get(self, kind: str, path: str) -> bytes | None:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            connection.close()
        except OSError as error:
            self.errors.append(f"{kind} {path}: {error}")
            time.sleep(0.1)  # a refused connection fails at once; do not spin
            return None
        if response.status == 503 and response.getheader("Retry-After"):
            self.busy += 1
            time.sleep(0.5)
            return None
        self.timings.append((kind, (time.perf_counter() - started) * 1000))
        if self.think:
            # A person reads the page before the next request: on average `think` seconds.
            time.sleep(max(0.0, min(self.random.uniform(0, 2 * self.think), self.deadline - time.monotonic())))
        if response.status != 200:
            self.errors.append(f"{kind} {path}: HTTP {response.status}")
            return None
        return body

    def run(self) -> None:
        if self.think:
            # People arrive one by one, not all in the same instant.
            time.sleep(self.random.uniform(0, 2 * self.think))
        while time.monotonic() < self.deadline:
            query = self.random.choice(self.queries)
            filters = self.random.choice(FILTERS)
            self.get("search page", "/search?" + urlencode({"q": query}))
            body = self.get("search api", "/api/search?" + urlencode({"q": query, **filters}))
            self.get("filtered page", "/search?" + urlencode({"q": query, **filters, "page": 2}))
            if body:
                hits = json.loads(body)["hits"]
                if hits:
                    hit = self.random.choice(hits)
                    self.get("report page", f"/reports/{quote(hit['report_id'])}?" + urlencode({"q": query}))


class HeavyClient(Client):
    """One user asking only for the heaviest requests, one after another."""

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            kind, path = self.random.choice(HEAVY)
            self.get(kind, path)


def wait_until_serving(host: str, port: int, seconds: float = 600) -> None:
    """Block until the server answers (fazhi serve indexes the corpus before it listens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", "/about")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"Nothing answered at {host}:{port} within {seconds:.0f} s; is `fazhi serve` running?")


def server_memory(server_pid: int) -> list[dict]:
    """Each process of the server: pid, role (supervisor, serving, heavy or helper) and RSS / PSS / USS / anonymous / private
    dirty MB."""
    roles = {}
    for pid in process_tree(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except FileNotFoundError:
            continue
        # Serving processes are forked (the same command line); heavy workers and helpers are multiprocessing's.
        roles[pid] = "heavy or helper" if "multiprocessing" in command else "serving"
    if list(roles.values()).count("serving") > 1:
        roles[server_pid] = "supervisor"
    found = []
    for pid, role in roles.items():
        memory = memory_megabytes(pid)
        if memory:
            found.append({"pid": pid, "role": role, **{key: round(value, 1) for key, value in memory.items()}})
    return found


def print_server_memory(processes: list[dict]) -> None:
    """Each process's RSS / PSS / USS / anonymous / private dirty memory in MB; then the sums."""
    totals = {"rss": 0.0, "pss": 0.0, "uss": 0.0, "anonymous": 0.0, "private_dirty": 0.0}
    for memory in processes:
        print(f"  pid {memory['pid']:>7} {memory['role']:<15} RSS {memory['rss']:7.1f}  PSS {memory['pss']:7.1f}  "
              f"USS {memory['uss']:7.1f}  anon. {memory['anonymous']:7.1f}  private dirty {memory['private_dirty']:7.1f} MB")
        for key in totals:
            totals[key] += memory[key]
    print(f"  {'server in all':<27} RSS {totals['rss']:7.1f}  PSS {totals['pss']:7.1f}  USS {totals['uss']:7.1f}  "
          f"anon. {totals['anonymous']:7.1f}  private dirty {totals['private_dirty']:7.1f} MB")


def run_load(url: str, queries: list[str], clients: int, seconds: float, think: float = 0.0, heavy: int = 0,
             server_pid: int | None = None) -> dict:
    """Run the clients against the server at `url` (loopback only) for `seconds`; -> requests, requests/s, refused,
    errors, p50/p95 per kind and overall (ms), and with `server_pid` its processes' memory at the end."""
    address = urlsplit(url)
    if address.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The load test only targets this machine's loopback address (127.0.0.1 or localhost).")
    queries = [line for line in queries if ":" not in line]
    wait_until_serving(address.hostname, address.port or 80)
    deadline = time.monotonic() + seconds
    searching = [Client(address.hostname, address.port or 80, queries, deadline, seed, think) for seed in range(clients)]
    everyone = searching + [
        HeavyClient(address.hostname, address.port or 80, queries, deadline, 1000 + seed) for seed in range(heavy)
    ]
    started = time.perf_counter()
    for client in everyone:
        client.start()
    for client in everyone:
        client.join(seconds + 60)
    elapsed = time.perf_counter() - started
    timings = [item for client in everyone for item in client.timings]
    errors = [item for client in everyone for item in client.errors]
    kinds = {}
    for kind in sorted({kind for kind, _ in timings}) + ["all"]:
        values = [ms for item_kind, ms in timings if kind in ("all", item_kind)]
        if values:
            kinds[kind] = {"n": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                           "p95_ms": round(percentile(values, 0.95), 1)}
    return {
        "clients": clients, "heavy": heavy, "seconds": round(elapsed, 1), "requests": len(timings),
        "requests_per_s": round(len(timings) / elapsed, 1), "busy": sum(client.busy for client in everyone),
        "errors": len(errors), "error_examples": errors[:10], "kinds": kinds,
        "memory": server_memory(server_pid) if server_pid else [],
    }


def print_load(result: dict) -> None:
    print(
        f"{result['clients']} clients + {result['heavy']} heavy, {result['seconds']:.1f} s: {result['requests']} requests, "
        f"{result['requests_per_s']:.1f} requests/s, {result['busy']} heavy refused as busy, {result['errors']} errors"
    )
    for kind, figures in result["kinds"].items():
        print(f"  {kind:<16} n={figures['n']:5d}  p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms")
    if result["memory"]:
        print_server_memory(result["memory"])
    for error in result["error_examples"]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the running server (loopback only)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.0, help="average seconds a searching client waits after each response (0: none)")
    parser.add_argument("--heavy", type=int, default=0, help="clients sending only heavy requests, beside the others")
    parser.add_argument("--queries", type=Path, default=None, help="queries file (default: the shared workload's)")
    parser.add_argument("--server-pid", type=int, default=None, help="pid of `fazhi serve`, to print its processes' memory at the end")
    arguments = parser.parse_args()
    queries = read_queries(arguments.queries) if arguments.queries else read_queries()
    result = run_load(arguments.url, queries, arguments.clients, arguments.seconds, arguments.think, arguments.heavy,
                      arguments.server_pid)
    print_load(result)
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()

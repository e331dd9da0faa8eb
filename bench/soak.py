"""Soak test: a running `fazhi serve` under steady searches while the index is rebuilt again and again.

    python bench/soak.py --port 5100 --clients 8 --publishes 200

It makes two small corpora (the first 30 and the first 40 reports of the 1,000-report benchmark corpus, so
each build adds or drops ten reports), builds an index of the first, starts `fazhi serve` on it (loopback
only), then builds the index alternately from the two corpora while the clients search. The builds run in a
builder process of their own, as `fazhi index` would, but one process for all of them, so a publish costs the
build and not a Python start and jieba's dictionary each time (`--command` runs `fazhi index` instead). After each publish
it prints the requests and errors so far, the server's open file descriptors, its resident memory and how
many generation folders the index holds. A server that leaks grows in descriptors and memory at every publish;
a healthy one stays flat. It stops after `--publishes` builds or `--seconds`, whichever comes first.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
QUERIES = ("法治", "行政执法", "枫桥经验", "普法", "合法性审查", "法律明白人", "民法典", "矛盾纠纷", "的 OR 法", "网格")
FILTERS = ({}, {"year": "2024"}, {"section": "problems"}, {"law": "民法典"})
# The builder process: reads a corpus folder per line, builds the index from it, says "published".
BUILDER = """
import sys
from pathlib import Path
from indexer.index.build import build_index
for line in sys.stdin:
    build_index(Path(line.strip()), Path(sys.argv[1]), workers=1)
    print("published", flush=True)
"""


class Client(threading.Thread):
    """One user searching in a loop until told to stop, with its own connection per request."""

    def __init__(self, port: int, seed: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.random = random.Random(seed)
        self.requests = 0
        self.busy = 0  # heavy requests refused while others ran (503 with Retry-After): by design, not errors
        self.errors: list[str] = []

    def get(self, path: str) -> None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
        except OSError as error:
            self.errors.append(f"{path}: {error}")
            time.sleep(0.2)
            return
        finally:
            self.requests += 1
        if response.status == 503 and response.getheader("Retry-After"):
            self.busy += 1
        elif response.status != 200:
            self.errors.append(f"{path}: HTTP {response.status}")
            print(f"  error at {time.strftime('%H:%M:%S')}: {self.errors[-1]}", file=sys.stderr, flush=True)

    def run(self) -> None:
        while not self.stop.is_set():
            query = self.random.choice(QUERIES)
            filters = self.random.choice(FILTERS)
            self.get("/api/search?" + urlencode({"q": query, **filters}))
            self.get("/search?" + urlencode({"q": query, **filters}))
            self.get("/kwic?" + urlencode({"q": query}))


def process_figures(pid: int) -> tuple[int, int]:
    """(open file descriptors, resident memory in MB) of a process."""
    descriptors = len(os.listdir(f"/proc/{pid}/fd"))
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
    return descriptors, rss_kb // 1024


def make_corpora(source: Path, out: Path) -> tuple[Path, Path]:
    """The first 30 and the first 40 reports of the source corpus, copied once."""
    reports = sorted(source.glob("r*.txt"))
    if len(reports) < 40:
        raise SystemExit(f"{source} holds {len(reports)} reports; the soak needs at least 40.")
    corpora = []
    for count in (30, 40):
        corpus = out / f"soak_corpus_{count}"
        if not corpus.exists():
            corpus.mkdir(parents=True)
            for path in reports[:count]:
                shutil.copy(path, corpus / path.name)
        corpora.append(corpus)
    return corpora[0], corpora[1]


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server exited with code {server.returncode} before it answered.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/about")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Nothing answered on port {port} within {seconds:.0f} s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5100, help="loopback port for the server (default 5100)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=1800, help="stop after this long whatever the publishes (default 1800)")
    parser.add_argument("--source", type=Path, default=Path("/work/main/bench/out/corpus_1000"), help="corpus to take the reports from")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the corpora and the index go")
    parser.add_argument("--command", action="store_true", help="run `fazhi index` for each build (slower: a new process each time)")
    arguments = parser.parse_args()
    corpus_a, corpus_b = make_corpora(arguments.source, arguments.out)
    index_dir = arguments.out / "soak_index"
    shutil.rmtree(index_dir, ignore_errors=True)
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}

    builder = subprocess.Popen(
        [sys.executable, "-c", BUILDER, str(index_dir)], cwd=REPOSITORY, env=environment,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )

    def build(corpus: Path) -> None:
        if arguments.command:
            subprocess.run(
                [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(index_dir)],
                cwd=REPOSITORY, env=environment, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            return
        builder.stdin.write(f"{corpus}\n")
        builder.stdin.flush()
        if builder.stdout.readline().strip() != "published":
            raise SystemExit("The builder process failed.")

    build(corpus_a)
    server_log = arguments.out / "soak_server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--host", "127.0.0.1", "--port", str(arguments.port),
         "--corpus", str(corpus_a), "--index", str(index_dir)],
        cwd=REPOSITORY, env=environment, stdout=subprocess.DEVNULL, stderr=server_log.open("w"),
    )
    stop = threading.Event()
    clients: list[Client] = []
    try:
        wait_until_serving(arguments.port, server)
        clients = [Client(arguments.port, seed, stop) for seed in range(arguments.clients)]
        for client in clients:
            client.start()
        time.sleep(2)
        deadline = time.monotonic() + arguments.seconds
        descriptors, rss = process_figures(server.pid)
        print(f"{'publish':>7} {'requests':>9} {'busy':>5} {'errors':>7} {'fds':>5} {'RSS MB':>7} {'generations':>11}")
        print(f"{0:>7} {sum(c.requests for c in clients):>9} {sum(c.busy for c in clients):>5} {sum(len(c.errors) for c in clients):>7} {descriptors:>5} {rss:>7}", flush=True)
        for publish in range(1, arguments.publishes + 1):
            if time.monotonic() > deadline or server.poll() is not None:
                break
            build(corpus_b if publish % 2 else corpus_a)
            # Let every thread serve a few requests on the new generation before measuring.
            time.sleep(0.5)
            if server.poll() is not None:
                break
            descriptors, rss = process_figures(server.pid)
            generations = len([path for path in index_dir.iterdir() if path.name.startswith("generation-")])
            print(
                f"{publish:>7} {sum(c.requests for c in clients):>9} {sum(c.busy for c in clients):>5} {sum(len(c.errors) for c in clients):>7} "
                f"{descriptors:>5} {rss:>7} {generations:>11}",
                flush=True,
            )
    finally:
        builder.stdin.close()
        builder.wait(60)
        stop.set()
        for client in clients:
            client.join(70)
        alive = server.poll() is None
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    errors = [error for client in clients for error in client.errors]
    print(f"server {'still running' if alive else f'exited with code {server.returncode}'}; "
          f"{sum(c.requests for c in clients)} requests, {sum(c.busy for c in clients)} refused as busy, {len(errors)} errors")
    for error in errors[:5]:
        print("  error:", error)
    if errors or not alive:
        print(f"  the server's log: {server_log}")
    sys.exit(1 if errors or not alive else 0)


if __name__ == "__main__":
    main()

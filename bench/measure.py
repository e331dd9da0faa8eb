"""Small measuring tools for the benchmarks: a process-tree memory sampler, a process's private and shared memory,
percentiles, folder sizes, and children watched for silence."""
from __future__ import annotations

import json
import os
import select
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path


def tree_pids(root_pid: int) -> list[int]:
    """A process and all its descendants (those still there)."""
    found = []
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        found.append(pid)
    return found


def tree_rss_kilobytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (0 once it is gone)."""
    total = 0
    for pid in tree_pids(root_pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def process_tree(root_pid: int) -> list[int]:
    """A process and all its descendants, parents first."""
    found, pending = [], [root_pid]
    while pending:
        pid = pending.pop(0)
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def memory_megabytes(pid: int) -> dict[str, float]:
    """A process's resident (RSS), proportional (PSS: shared pages divided among their users), unique (USS: its
    private pages) and anonymous (heap, not backed by a file) memory in MB, from /proc/PID/smaps_rollup; empty once
    it is gone. Pages of a file two processes map count in full in each one's RSS, but once in the sum of their PSS;
    a page of the index only this process has read so far counts in its USS, though the system may drop it at any
    time. Anonymous memory counts pages a forked process still shares with its parent; its private dirty pages
    (written to, mapped by no other process: heap and arrays, not the index's pages) are what it alone holds and
    cannot give back."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}
    fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return {
        "rss": fields.get("Rss", 0) / 1024,
        "pss": fields.get("Pss", 0) / 1024,
        "uss": (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024,
        "anonymous": fields.get("Anonymous", 0) / 1024,
        "private_dirty": fields.get("Private_Dirty", 0) / 1024,
    }


def tree_private_kilobytes(root_pid: int) -> tuple[int, int]:
    """(PSS, anonymous) of a process and all its descendants, in kB: what the tree holds as its own share.
    Pages shared between them (a forked worker's copy of its parent, a mapped file) count once in the PSS sum."""
    pss = anonymous = 0
    for pid in tree_pids(root_pid):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                name, _, rest = line.partition(":")
                if name == "Pss":
                    pss += int(rest.split()[0])
                elif name == "Anonymous":
                    anonymous += int(rest.split()[0])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pss, anonymous


def run_measured(arguments: list[str], cwd: Path | None = None, private: dict | None = None) -> tuple[dict, float, int]:
    """Run `python ARGUMENTS` in a child that prints one JSON object; -> (that object, wall s, peak tree RSS MB).

    With a `private` dict, the tree's PSS and anonymous memory are sampled too (every 0.5 s: smaps_rollup costs
    more to read) and their peaks put in it as "peak_pss_mb" and "peak_anonymous_mb".
    """
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.PIPE, cwd=cwd, text=True)
    peak = peak_pss = peak_anonymous = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, peak_anonymous
        samples = 0
        while not finished.is_set():
            peak = max(peak, tree_rss_kilobytes(child.pid))
            if private is not None and samples % 5 == 0:
                pss, anonymous = tree_private_kilobytes(child.pid)
                peak_pss, peak_anonymous = max(peak_pss, pss), max(peak_anonymous, anonymous)
            samples += 1
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    finished.set()
    sampler.join()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed with exit code {child.returncode}")
    if private is not None:
        private.update(peak_pss_mb=peak_pss // 1024, peak_anonymous_mb=peak_anonymous // 1024)
    return json.loads(output.strip().splitlines()[-1]), wall, peak // 1024


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def folder_megabytes(path: Path) -> float:
    """Bytes under a folder, in MB."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) / 1e6


def own_peak_rss_megabytes() -> float:
    """This process's peak resident memory since it started, in MB."""
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory_rollup_megabytes(pid: int | str = "self") -> dict[str, float]:
    """A process's memory as /proc/PID/smaps_rollup sums it, in MB: RSS; PSS (each page divided by the processes
    mapping it); USS (pages no other process maps: Private_Clean + Private_Dirty); Anonymous (heap and other pages
    backed by no file: the kernel cannot drop them, only swap them); PSS of file pages (mapped files, evictable)."""
    kilobytes: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        kilobytes[name] = int(rest.split()[0])
    return {
        "rss_mb": round(kilobytes["Rss"] / 1024, 1),
        "pss_mb": round(kilobytes["Pss"] / 1024, 1),
        "uss_mb": round((kilobytes["Private_Clean"] + kilobytes["Private_Dirty"]) / 1024, 1),
        "anonymous_mb": round(kilobytes["Anonymous"] / 1024, 1),
        "pss_file_mb": round(kilobytes.get("Pss_File", 0) / 1024, 1),
        "swap_mb": round(kilobytes.get("Swap", 0) / 1024, 1),
    }


class ChildSilent(Exception):
    """A child printed nothing for longer than it was allowed (it has been killed)."""


class ChildFailed(Exception):
    """A child ended with an error (what it said is on stderr)."""


def child_lines(arguments: list[str], silence_s: float, first_silence_s: float | None = None) -> Iterator[dict]:
    """Run `python ARGUMENTS` and yield each JSON object it prints on a line starting with `@ `.

    The child is killed, and ChildSilent raised, when it prints no such line for `silence_s` seconds
    (`first_silence_s` for the first line, which may wait for an index to open; a line whose object has
    "wait_s" allows that long for the next one); other output is passed on to stderr. A child that fails
    raises ChildFailed.
    """
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.PIPE)
    pending = b""
    allowed = first_silence_s if first_silence_s is not None else silence_s
    try:
        while True:
            deadline = time.monotonic() + allowed
            while b"\n" not in pending:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([child.stdout], [], [], left)[0]:
                    raise ChildSilent(f"silent for more than {allowed:g} s")
                chunk = os.read(child.stdout.fileno(), 65536)
                if not chunk:
                    child.wait()
                    if child.returncode != 0:
                        raise ChildFailed(f"exit code {child.returncode}")
                    return
                pending += chunk
            line, pending = pending.split(b"\n", 1)
            text = line.decode("utf-8", errors="replace")
            if text.startswith("@ "):
                message = json.loads(text[2:])
                allowed = message.get("wait_s", silence_s)
                yield message
            else:
                print(text, file=sys.stderr)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()

"""Small measuring tools for the benchmarks: a process-tree memory sampler, percentiles, folder sizes."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path


def tree_rss_kilobytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (0 once it is gone)."""
    total = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
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
    """A process's resident (RSS), proportional (PSS: shared pages divided among their users) and unique (USS: its
    private pages) memory in MB, from /proc/PID/smaps_rollup; empty once it is gone. Pages of a file two processes
    map count in full in each one's RSS, but once in the sum of their PSS."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}
    fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return {
        "rss": fields.get("Rss", 0) / 1024,
        "pss": fields.get("Pss", 0) / 1024,
        "uss": (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024,
    }


def run_measured(arguments: list[str], cwd: Path | None = None) -> tuple[dict, float, int]:
    """Run `python ARGUMENTS` in a child that prints one JSON object; -> (that object, wall s, peak tree RSS MB)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.PIPE, cwd=cwd, text=True)
    peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.is_set():
            peak = max(peak, tree_rss_kilobytes(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = child.communicate()
    finished.set()
    sampler.join()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed with exit code {child.returncode}")
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

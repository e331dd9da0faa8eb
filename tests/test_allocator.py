"""A serving process gives freed large arrays back to the system instead of keeping its busiest moment's heap."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.allocator import release_large_blocks

ROOT = Path(__file__).resolve().parent.parent

# A search's life in small: one busy moment's large array (which raises glibc's mmap threshold), then arrays of a
# few MB each freed with a small survivor allocated after each. Prints the anonymous memory the churn left behind.
CHURN = """
import sys
import numpy
from indexer.allocator import release_large_blocks

def anonymous_mb():
    with open("/proc/self/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) / 1024

if sys.argv[1] == "released":
    assert release_large_blocks()
before = anonymous_mb()
busiest = numpy.ones(30 * 2**20 // 8)
del busiest
survivors = []
for step in range(20):
    rows = numpy.ones((5 + step) * 2**20 // 8)
    survivors.append(numpy.ones(1024))
    del rows
print(anonymous_mb() - before)
"""

needs_glibc = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc" or not Path("/proc/self/smaps_rollup").exists(),
    reason="mallopt and smaps_rollup are glibc's and Linux's",
)


def _retained_mb(mode: str) -> float:
    environment = {key: value for key, value in os.environ.items() if key not in ("MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")}
    environment["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode], capture_output=True, text=True, env=environment, timeout=120, check=True,
    )
    return float(done.stdout.strip())


@needs_glibc
def test_freed_large_arrays_go_back_to_the_system():
    kept = _retained_mb("default")
    released = _retained_mb("released")
    # With glibc's defaults the churn leaves tens of MB of free heap behind; with the threshold fixed, almost none.
    assert kept >= 20, f"the default allocator kept only {kept:.1f} MB: this test no longer shows the problem"
    assert released <= 8, f"{released:.1f} MB kept after release_large_blocks()"


def test_an_operators_own_threshold_stands(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    assert release_large_blocks() is False
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=1048576")
    assert release_large_blocks() is False

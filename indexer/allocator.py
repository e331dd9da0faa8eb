"""Large arrays given back to the system when they are freed, so a long-running process does not keep the most its
busiest moment needed.

glibc's malloc serves a block over its mmap threshold (128 KB at first) from a mapping of its own, unmapped when
freed; but each time such a block is freed it raises the threshold to that block's size, up to 32 MB. After a
server's first searches, every numpy array of a search (rows and masks of a few MB each at 200,000 reports) is carved
out of the heap instead, and the heap cannot shrink past the small objects allocated between them: a serving
process at 200,000 reports held 471 MB of heap with 133 MB in use after a minute of load. Fixing the threshold at
4 MB (mallopt also turns the raising off) sends the large arrays to mappings again: 652 -> 339 MB of anonymous
memory after the same load, for a page fault per 4 KB of a new large array (8 % fewer requests a second in that
process; with two serving processes the cost was smaller than the spread between runs, bench/README.md).
Blocks under 4 MB, the many small arrays, stay in the heap, where reusing them costs nothing.
"""
from __future__ import annotations

import ctypes
import os

LARGE_BLOCK_BYTES = 4 * 1024 * 1024
_M_MMAP_THRESHOLD = -3  # from glibc's <malloc.h>


def release_large_blocks(threshold: int = LARGE_BLOCK_BYTES) -> bool:
    """Have blocks of `threshold` bytes or more mapped on their own and unmapped when freed, in this process and the
    processes it forks from now on. Returns False where nothing changed: a C library without glibc's mallopt, or an
    operator who set the threshold already (MALLOC_MMAP_THRESHOLD_, GLIBC_TUNABLES), whose choice stands.
    """
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "mmap_threshold" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:  # the C library is already loaded in this process; CDLL(None) finds mallopt there
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, threshold) == 1

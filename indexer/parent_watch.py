"""A child process that ends with its parent: build workers (parsing on for nobody) and serving processes (holding
the port) alike, when the process that started them dies, kill -9 included."""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def end_with_parent(parent: int, ending_signal: int) -> bool:
    """Have `ending_signal` sent to this process when its parent (`parent`, the pid it was started by) ends.

    On Linux the kernel sends it (prctl PR_SET_PDEATHSIG); elsewhere a thread watches for the process being handed
    to another parent and sends it. Returns False when the parent is already gone: the caller ends now.
    """
    watched = False
    if sys.platform.startswith("linux"):
        try:  # the C library is already loaded in this process; CDLL(None) finds prctl there
            watched = ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, ending_signal, 0, 0, 0) == 0
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent ended before the request above took effect
        return False
    if not watched:
        threading.Thread(target=_watch_parent, args=(parent, ending_signal), daemon=True, name="watch-parent").start()
    return True


def _watch_parent(parent: int, ending_signal: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), ending_signal)

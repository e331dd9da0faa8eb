"""A build killed with kill -9 takes its worker processes with it and leaves the index folder free for the next build."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.index.generations import BuildLocked, build_lock

REPOSITORY = Path(__file__).resolve().parent.parent

if not Path("/proc/self/stat").exists():
    pytest.skip("Finding a process's children here reads /proc (Linux).", allow_module_level=True)

# A build whose first finished file stops the build process in its tracks, while its two workers parse on.
BUILD_THEN_WAIT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from indexer.index.build import build_index

    def stop_here(progress):
        print("parsing", flush=True)
        time.sleep(120)

    build_index(Path(sys.argv[1]), Path(sys.argv[2]), workers=2, progress=stop_here)
""")


def children_of(parent: int) -> set[int]:
    """The processes whose parent is `parent`, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == parent:
                children.add(int(entry.name))
    return children


def is_running(process: int) -> bool:
    try:
        state = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited and only waits to be reaped


def test_a_killed_build_leaves_no_worker_running_and_the_lock_free(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # Enough files that the workers have seconds of parsing left when their build is killed.
    for copy in range(12):
        for report in sorted(bundled_corpus().iterdir()):
            shutil.copy(report, corpus / f"{copy:02d}-{report.name}")
    build = subprocess.Popen(
        [sys.executable, "-c", BUILD_THEN_WAIT, str(corpus), str(tmp_path / "index")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    )
    try:
        assert build.stdout.readline() == "parsing\n"
        workers = children_of(build.pid)
        assert len(workers) == 2
    finally:
        build.kill()
        build.wait()
        build.stdout.close()
    deadline = time.monotonic() + 2
    while True:
        try:
            with build_lock(tmp_path / "index"):
                break
        except BuildLocked:
            assert time.monotonic() < deadline, "a worker of the killed build still holds the build lock"
            time.sleep(0.05)
    while any(is_running(worker) for worker in workers):
        assert time.monotonic() < deadline, "a worker of the killed build is still running"
        time.sleep(0.05)


def sleep_after_saying_so(started) -> None:
    started.set()
    time.sleep(30)


def test_a_process_forked_while_the_lock_is_held_does_not_hold_it(tmp_path):
    context = multiprocessing.get_context("fork")
    started = context.Event()
    with build_lock(tmp_path):
        child = context.Process(target=sleep_after_saying_so, args=(started,))
        child.start()
        assert started.wait(10)
    try:
        # The build is over; its child lives on, as a stray worker would, and must not keep the next build out.
        with build_lock(tmp_path):
            pass
    finally:
        child.kill()
        child.join()

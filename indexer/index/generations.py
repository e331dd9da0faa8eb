"""Index generations on disk: the folder CURRENT points at, the build lock, and publishing a finished generation.

A build writes a new generation beside the current one and switches CURRENT to it with an atomic rename, so
readers always open a complete generation; a killed build leaves only an unfinished folder to clear.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.index.schema import BUILD_LOCK, GENERATION_PREFIX, POINTER_FILE

UNFINISHED_PREFIX = ".building-"


class BuildError(Exception):
    """The build could not start or finish; the message is a sentence for the user."""


class BuildLocked(BuildError):
    """Another build holds the index folder."""


def current_generation(index_dir: Path) -> str | None:
    """The name of the generation folder CURRENT points at, or None when there is no complete index."""
    try:
        name = (Path(index_dir) / POINTER_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if name and (Path(index_dir) / name).is_dir() else None


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock for the block; raises BuildLocked when another build holds it.

    The lock is an flock on the BUILD file, which the system releases when the holder dies. A flock belongs to
    the open file, which a forked process shares, so the build's worker processes close their copy as they
    start (see _close_held_locks): a worker of a killed build must not keep the next build out.
    """
    descriptor = os.open(Path(index_dir) / BUILD_LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise BuildLocked(
            f"Another build is writing the index in {index_dir}; wait for it to finish, then run the index command again."
        ) from None
    _held_locks.add(descriptor)
    try:
        yield
    finally:
        _held_locks.discard(descriptor)
        os.close(descriptor)


# The build locks this process holds, which a process forked from it must not keep holding.
_held_locks: set[int] = set()


def _close_held_locks() -> None:
    for descriptor in _held_locks:
        os.close(descriptor)
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_held_locks)


def publish(index_dir: Path, workdir: Path) -> str:
    """Rename the finished generation into place and point CURRENT at it; both steps are atomic renames."""
    numbers = [
        int(path.name[len(GENERATION_PREFIX):])
        for path in index_dir.iterdir()
        if path.name.startswith(GENERATION_PREFIX) and path.name[len(GENERATION_PREFIX):].isdigit()
    ]
    generation = f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"
    os.rename(workdir, index_dir / generation)
    pointer = index_dir / f"{POINTER_FILE}.{uuid.uuid4().hex}.tmp"
    with open(pointer, "w", encoding="utf-8") as file:
        file.write(generation + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(pointer, index_dir / POINTER_FILE)
    return generation


def remove_unfinished(index_dir: Path) -> None:
    """Folders and pointer files a killed build left behind (we hold the lock, so no build is using them)."""
    for path in index_dir.iterdir():
        if path.name.startswith(UNFINISHED_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(POINTER_FILE + ".") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def remove_old_generations(index_dir: Path, keep: set[str | None]) -> None:
    """Generations before the previous one; the previous one stays for searches that opened it before the swap."""
    for path in index_dir.iterdir():
        if path.name.startswith(GENERATION_PREFIX) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)

"""A corpus folder in, the report files to read out, with every file left out and why.

Symbolic links are followed only where they stay inside the corpus folder, unless the user allows links
that lead out of it: `ln -s /etc/passwd corpus/passwd.txt` must not put the password file on the web.
Loops, dangling links and hidden names are listed with a reason, never dropped silently.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from indexer.read.document import is_report_file
from indexer.report import SkippedFile

FOLLOW_OPTION = "--follow-links-outside"


@dataclass(frozen=True)
class CorpusFiles:
    """The report files of a corpus folder, each as a path below the folder (links not resolved), in a stable
    order; and what was left out."""

    files: tuple[Path, ...]
    skipped: tuple[SkippedFile, ...]


def find_report_files(corpus_root: Path, follow_links_outside: bool = False) -> CorpusFiles:
    """Walk the corpus folder for report files; links leading out of it are followed only when allowed."""
    walk = _Walk(Path(corpus_root).resolve(), follow_links_outside)
    walk.folder(Path(corpus_root), Path(corpus_root).resolve(), ())
    return CorpusFiles(tuple(walk.files), tuple(walk.skipped))


class _Walk:
    def __init__(self, real_root: Path, follow_links_outside: bool) -> None:
        self.real_root = real_root
        self.follow_links_outside = follow_links_outside
        self.files: list[Path] = []
        self.skipped: list[SkippedFile] = []
        self.read_folders: dict[Path, Path] = {}  # real path → the path it was read under

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append(SkippedFile(str(path), reason))

    def folder(self, folder: Path, real_folder: Path, ancestors: tuple[Path, ...]) -> None:
        self.read_folders[real_folder] = folder
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.skip(folder, f"The folder could not be read ({error.strerror}).")
            return
        for entry in entries:
            path = folder / entry.name
            if entry.name.startswith("."):
                self.skip(path, "Its name starts with a dot, so it is taken to be hidden and not read; rename it to index it.")
            elif entry.is_symlink():
                self.link(path, (*ancestors, real_folder))
            elif entry.is_dir(follow_symlinks=False):
                self.folder(path, real_folder / entry.name, (*ancestors, real_folder))
            elif is_report_file(path):
                if entry.is_file(follow_symlinks=False):
                    self.files.append(path)
                else:
                    self.skip(path, "It is not a regular file (a device, pipe or socket).")

    def link(self, path: Path, ancestors: tuple[Path, ...]) -> None:
        target = os.readlink(path)
        try:
            status = os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                self.skip(path, f"It is a symbolic link loop ({target} leads back to itself).")
            elif error.errno == errno.ENOENT:
                self.skip(path, f"It is a symbolic link to {target}, which does not exist.")
            else:
                self.skip(path, f"It is a symbolic link that could not be followed ({error.strerror}).")
            return
        is_folder = stat.S_ISDIR(status.st_mode)
        if not is_folder and not is_report_file(path):
            return
        real = path.resolve()
        inside = real.is_relative_to(self.real_root)
        what = "folder" if is_folder else "file"
        if not inside and not self.follow_links_outside:
            self.skip(path, f"It is a symbolic link to a {what} outside the corpus folder ({real}), so it was not read; "
                      f"to index files linked from elsewhere, run the command again with {FOLLOW_OPTION}.")
        elif not is_folder:
            if stat.S_ISREG(status.st_mode):
                self.files.append(path)
            else:
                self.skip(path, "It is a symbolic link to something that is not a regular file (a device, pipe or socket).")
        elif real in ancestors:
            self.skip(path, f"It is a symbolic link loop: it leads back to {self.read_folders.get(real, real)}, which holds it.")
        elif inside or real in self.read_folders:
            # Read under its own name already (or soon): a second path would index every file in it twice.
            self.skip(path, f"It is a symbolic link to the folder {self.read_folders.get(real, real)}, "
                      "which is read under its own name.")
        else:
            self.folder(path, real, ancestors)

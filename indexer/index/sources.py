"""The report files of a corpus as a build sees them: each with its report id and the hash of what its report is
made from (the parser's version, its place in the corpus, its catalogue corrections and its bytes).

A file is read and hashed only when it may have changed: each generation keeps, per file, what its stat said when
it was hashed (size, modification and change times, inode) beside the hash (`source_stats.json`), and the next
build takes the hash over when all of them are the same, as git and make do. At 200,000 reports, reading and
hashing every file costs about a minute of one core, which an update adding a few hundred reports would pay in
full; a stat costs microseconds.

A file modified in the same clock tick as it was hashed could keep its size and times, so a hash is remembered
only for files last modified well before the build started (the check git calls "racily clean"); the others are
hashed again next time.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from indexer.index.workers import Source
from indexer.parse import Catalogue
from indexer.pipeline import PARSER_VERSION, relative_in_corpus, report_id_from_relative
from indexer.report import SkippedFile

SOURCE_STATS_FILE = "source_stats.json"
_STATS_FORMAT = 1
# Coarse file systems keep modification times in steps of up to 2 s (FAT); a hash is remembered only for a file
# last changed more than this before the build started.
_SETTLED_NS = 3_000_000_000


@dataclass(frozen=True)
class FileStat:
    """What a file's stat said when its source hash was taken, and the hash; `salt` is the hash of everything
    but the bytes (parser version, place, catalogue corrections), so a change to those is seen too."""

    relative_path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    salt: str
    source_hash: str

    def same_file(self, other: FileStat) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode, self.salt) == (
            other.size, other.mtime_ns, other.ctime_ns, other.inode, other.salt,
        )


@dataclass(frozen=True)
class HashedSources:
    sources: list[Source]
    skipped: tuple[SkippedFile, ...]
    stats: list[FileStat]  # the hashes worth remembering for the next build
    files_read: int  # how many files were read and hashed (the others' hashes were taken over)


def hash_sources(
    paths: Iterable[Path],
    corpus_dir: Path,
    catalogue: Catalogue,
    known: Mapping[str, FileStat] | None = None,
    started_ns: int | None = None,
) -> HashedSources:
    """Each report file with its id and source hash, the hash taken over from `known` (the previous generation's
    stats, by relative path) when the file's stat and salt are unchanged, else read and computed.

    `started_ns` (time.time_ns(), by default now) is when the build started, against which a file's times must be
    settled for its hash to be remembered.
    """
    known = known or {}
    started_ns = time.time_ns() if started_ns is None else started_ns
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    stats: list[FileStat] = []
    seen: dict[str, str] = {}
    files_read = 0
    root = str(corpus_dir).rstrip(os.sep) + os.sep
    for path in paths:
        text_path = str(path)
        # The walk gives paths below the corpus folder as spelled; the general rule only for the others.
        if text_path.startswith(root):
            relative = PurePosixPath(text_path[len(root):].replace(os.sep, "/"))
        else:
            relative = PurePosixPath(relative_in_corpus(path, corpus_dir).as_posix())
        relative_text = relative.as_posix()
        report_id = report_id_from_relative(relative)
        if report_id in seen:
            reason = f"It gets the same report id ({report_id}) as {seen[report_id]}; rename one of them."
            skipped.append(SkippedFile(text_path, reason))
            continue
        salted = hashlib.sha256()
        for part in (PARSER_VERSION, relative_text, repr(sorted(catalogue.overrides_for(relative_text).items()))):
            salted.update(part.encode("utf-8") + b"\0")
        try:
            status = os.stat(text_path)
        except OSError as error:
            skipped.append(SkippedFile(text_path, f"It could not be read ({error.strerror})."))
            continue
        now = FileStat(
            relative_text, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
            salted.hexdigest()[:32], "",
        )
        before = known.get(relative_text)
        if before is not None and before.same_file(now):
            source_hash = before.source_hash
        else:
            try:
                content = Path(text_path).read_bytes()
            except OSError as error:
                skipped.append(SkippedFile(text_path, f"It could not be read ({error.strerror})."))
                continue
            salted.update(content)
            source_hash = salted.hexdigest()
            files_read += 1
        seen[report_id] = relative_text
        sources.append(Source(text_path, relative_text, report_id, source_hash))
        if max(now.mtime_ns, now.ctime_ns) < started_ns - _SETTLED_NS:
            stats.append(replace(now, source_hash=source_hash))
    return HashedSources(sources, tuple(skipped), stats, files_read)


def write_source_stats(generation_dir: Path, stats: Iterable[FileStat]) -> None:
    rows = [
        [stat.relative_path, stat.size, stat.mtime_ns, stat.ctime_ns, stat.inode, stat.salt, stat.source_hash]
        for stat in stats
    ]
    payload = json.dumps({"format": _STATS_FORMAT, "files": rows}, ensure_ascii=False, separators=(",", ":"))
    # Written aside and renamed: the no-change update rewrites the file of a generation readers have open.
    partial = generation_dir / f".{SOURCE_STATS_FILE}.partial"
    partial.write_text(payload, encoding="utf-8")
    os.replace(partial, generation_dir / SOURCE_STATS_FILE)


def read_source_stats(generation_dir: Path) -> dict[str, FileStat]:
    """A generation's remembered stats by relative path; empty when it has none (made before they were kept, or
    unreadable: every file is then hashed, as a first build does)."""
    try:
        payload = json.loads((generation_dir / SOURCE_STATS_FILE).read_text(encoding="utf-8"))
        if payload.get("format") != _STATS_FORMAT:
            return {}
        return {row[0]: FileStat(*row) for row in payload["files"]}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}

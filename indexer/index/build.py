"""A corpus folder in, a new index generation out; readers keep the previous one until the new one is complete.

Worker processes parse runs of new or changed files, segment each passage once and write each run as a
Whoosh segment of its own in a hidden folder; this process joins the segments in file order and writes
the passage table beside them, then renames the folder into place and points CURRENT at it. A crash or
Ctrl-C leaves CURRENT, and so the index readers open, as it was.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.index.duplicates import NO_GROUP, read_grouping, read_signatures, write_grouping, write_signatures
from indexer.index.generations import (
    READERS_FILE,
    UNFINISHED_PREFIX,
    BuildError,
    build_lock,
    current_generation,
    publish,
    remove_old_generations,
    remove_unfinished,
)
from indexer.index.passage_table import first_indexed_times, read_passage_table
from indexer.index.report_store import STORE_FOLDER, remove_unreferenced
from indexer.index.search_arrays import write_search_arrays
from indexer.index.sources import SOURCE_STATS_FILE, hash_sources, read_source_stats, write_source_stats
from indexer.index.postings import Merged, Packed, merge_parts, without_documents
from indexer.index.run_table import load_run_table
from indexer.index.schema import (
    OLD_SIGNATURE_FILE,
    RANK_FIELDS,
    RUNS_FOLDER,
    SEARCH_ARRAYS_FOLDER,
    SIGNATURE_FILE,
    TABLE_FILE,
    PassageTable,
    passage_schema,
)
from indexer.index.table_assembly import assemble_table, duplicate_groups, generation_signatures
from indexer.index.table_file import write_table_file
from indexer.index.workers import (
    AnalysedReport,
    BuildProgress,
    SkippedFile,
    Source,
    WorkerPool,
    analyse_file,
    index_run,
    indexed_runs,
    split_into_runs,
    whoosh_codec,
    worker_count,
    worker_pool,
)
from indexer.parse import catalogue_fix_line, fields_to_fix, load_catalogue
from indexer.read import CorpusFiles, find_report_files

# The memory of the build's own writer, whose Whoosh pool takes the postings of small segments it merges.
_WRITER_MEMORY_MB = 256


@dataclass(frozen=True)
class BuildSummary:
    """What a build did."""

    index_dir: str
    generation: str  # the folder readers now open; unchanged when nothing needed indexing
    reports_indexed: int  # new or changed reports parsed and written
    reports_unchanged: int
    reports_removed: int
    reports_total: int
    passages_indexed: int
    passages_total: int
    skipped: tuple[SkippedFile, ...]
    seconds: float
    # Every report in the index that extraction was unsure of (not only this build's), in path order.
    warnings: tuple[ReportWarnings, ...] = ()
    # Report files read and hashed; the others' stats were unchanged since the last build, so their hashes were kept.
    files_read: int = 0


@dataclass(frozen=True)
class ReportWarnings:
    """A report's warnings and the catalogue.csv line that would settle them."""

    path: str  # relative to the corpus folder
    report_id: str
    warnings: tuple[str, ...]
    fields: tuple[str, ...]  # the catalogue columns to fill in
    catalogue_line: str


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    rebuild: bool = False,
    progress: Callable[[BuildProgress], None] | None = None,
    workers: int | None = None,
    find_duplicates: bool = True,
    follow_links_outside: bool = False,
) -> BuildSummary:
    """Index the new and changed report files of a corpus folder (all of them with `rebuild`) and drop removed ones.

    `progress` is called after each parsed file; whatever it raises stops the build and leaves the index
    as it was. `workers` is the number of parsing processes (by default one per core for 16 files or more).
    `find_duplicates` groups near-duplicate passages across reports (off only to measure what it costs).
    `follow_links_outside` reads files that symbolic links in the corpus lead to outside it (skipped otherwise).
    Raises BuildLocked when another build holds the folder, BuildError when the corpus folder is missing.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise BuildError(f"The corpus folder {corpus_dir} does not exist; pass the folder of report files with --corpus.")
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        remove_unfinished(index_dir)
        found = find_report_files(corpus_dir, follow_links_outside)
        # The workers start before this process reads the previous table: a forked process carries a copy
        # of what its parent holds as resident memory of its own (hundreds of MB at 10,000 reports).
        with worker_pool(worker_count(len(found.files), workers)) as pool:
            return _build_locked(corpus_dir, index_dir, found, pool, rebuild, progress, find_duplicates, started)


def _build_locked(
    corpus_dir: Path,
    index_dir: Path,
    found: CorpusFiles,
    pool: WorkerPool | None,
    rebuild: bool,
    progress: Callable[[BuildProgress], None] | None,
    find_duplicates: bool,
    started: float,
) -> BuildSummary:
    """build_index's work, once it holds the index folder's lock."""
    previous_generation = current_generation(index_dir)
    stored = None if previous_generation is None else read_passage_table(index_dir / previous_generation, False)
    last_table = None if stored is None else stored[0]
    # The report versions readers of the old generation may still open; a rebuild needs nothing else of it.
    last_versions = set() if last_table is None else set(zip(last_table.report_ids, last_table.content_hashes))
    # Kept even by a rebuild: a version indexed before keeps the time it was first indexed.
    first_indexed = {} if last_table is None else first_indexed_times(last_table)
    previous = None if rebuild else last_table
    del stored, last_table
    catalogue = load_catalogue(corpus_dir)
    # A rebuild reads every file again; an update takes over the hashes of files whose stat is unchanged.
    known = {} if rebuild or previous_generation is None else read_source_stats(index_dir / previous_generation)
    hashed = hash_sources(found.files, corpus_dir, catalogue, known)
    plan = _plan(hashed.sources, previous)
    skipped = found.skipped + hashed.skipped + plan.skipped
    if previous is not None and not plan.to_parse and not plan.to_delete:
        if hashed.files_read:  # files touched but unchanged: remember their new stats, so they are not read again
            write_source_stats(index_dir / previous_generation, hashed.stats)
        return _summary(
            index_dir, previous_generation, previous, 0, plan.unchanged, 0, 0, skipped, started, hashed.files_read
        )
    workdir = index_dir / f"{UNFINISHED_PREFIX}{uuid.uuid4().hex}"
    try:
        table, indexed, passages, parse_skipped = _write_generation(
            workdir,
            index_dir / previous_generation if previous is not None else None,
            previous,
            plan,
            partial(
                analyse_file, corpus_dir=corpus_dir, catalogue=catalogue, store_dir=index_dir / STORE_FOLDER,
                find_duplicates=find_duplicates,
            ),
            progress,
            pool,
            find_duplicates,
            first_indexed,
        )
        write_source_stats(workdir, hashed.stats)
        generation = publish(index_dir, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    remove_old_generations(index_dir, keep={generation, previous_generation})
    _remove_unused_reports(index_dir, table, last_versions)
    skipped += parse_skipped
    return _summary(
        index_dir, generation, table, indexed, plan.unchanged, plan.removed, passages, skipped, started, hashed.files_read
    )


def _summary(
    index_dir: Path,
    generation: str,
    table: PassageTable,
    indexed: int,
    unchanged: int,
    removed: int,
    passages_indexed: int,
    skipped: tuple[SkippedFile, ...],
    started: float,
    files_read: int,
) -> BuildSummary:
    rows = np.asarray(getattr(table.report_rows, "array", table.report_rows))
    live_rows = rows[rows >= 0]
    return BuildSummary(
        index_dir=str(index_dir),
        generation=generation,
        reports_indexed=indexed,
        reports_unchanged=unchanged,
        reports_removed=removed,
        reports_total=len(np.unique(live_rows)),
        passages_indexed=passages_indexed,
        passages_total=len(live_rows),
        skipped=skipped,
        seconds=round(time.perf_counter() - started, 3),
        warnings=report_warnings(table),
        files_read=files_read,
    )


def report_warnings(table: PassageTable) -> tuple[ReportWarnings, ...]:
    """The warnings of every report in a table, each with the catalogue.csv line that would settle them."""
    found = []
    for row, warnings in enumerate(table.report_warnings):
        if not warnings:
            continue
        year = table.years[row]
        values = {"township": table.townships[row], "county": table.counties[row], "year": str(year) if year else ""}
        fields = fields_to_fix(warnings, values)
        path = table.source_paths[row]
        found.append(ReportWarnings(path, table.report_ids[row], warnings, fields, catalogue_fix_line(path, values, fields)))
    return tuple(sorted(found, key=lambda item: item.path))


@dataclass(frozen=True)
class _Plan:
    """What a build has to do to bring the previous generation up to date with the corpus."""

    to_parse: list[Source]  # new and changed files
    to_delete: list[str]  # report ids of changed and removed files
    removed: int
    unchanged: int
    # Unchanged files that could not be read last time: reported again, not parsed again.
    still_broken: dict[str, tuple[str, str, str]]
    skipped: tuple[SkippedFile, ...]


def _plan(sources: list[Source], previous: PassageTable | None) -> _Plan:
    known = {} if previous is None else dict(zip(previous.report_ids, previous.source_hashes))
    broken = {} if previous is None else previous.skipped_files
    still_broken = {
        source.report_id: broken[source.report_id]
        for source in sources
        if broken.get(source.report_id, ("",))[0] == source.source_hash
    }
    to_parse = [
        source
        for source in sources
        if known.get(source.report_id) != source.source_hash and source.report_id not in still_broken
    ]
    present = {source.report_id for source in sources}
    removed = [report_id for report_id in known if report_id not in present]
    return _Plan(
        to_parse=to_parse,
        to_delete=[source.report_id for source in to_parse if source.report_id in known] + removed,
        removed=len(removed),
        unchanged=len(sources) - len(to_parse) - len(still_broken),
        still_broken=still_broken,
        skipped=tuple(SkippedFile(path, reason) for _hash, path, reason in still_broken.values()),
    )


def _write_generation(
    workdir: Path,
    previous_dir: Path | None,
    previous: PassageTable | None,
    plan: _Plan,
    analyse: Callable[[Source], tuple[AnalysedReport, list[dict]] | SkippedFile],
    progress: Callable[[BuildProgress], None] | None,
    pool: WorkerPool | None,
    find_duplicates: bool,
    first_indexed: dict[tuple[str, str], float],
) -> tuple[PassageTable, int, int, tuple[SkippedFile, ...]]:
    """Write a complete generation into `workdir`: Whoosh segments, then the passage table that mirrors them,
    with the near-duplicate groups, and the signatures they were found from.

    Returns the table, the reports and passages written, and the files that could not be parsed.
    """
    if previous_dir is not None:
        # Hard links: a Whoosh segment's files never change once written (deletions live in the table of
        # contents), so the new generation shares them instead of copying gigabytes.
        shutil.copytree(
            previous_dir, workdir, copy_function=_link_or_copy,
            ignore=shutil.ignore_patterns(
                TABLE_FILE, SIGNATURE_FILE, OLD_SIGNATURE_FILE, "*.npy", READERS_FILE, RUNS_FOLDER, SOURCE_STATS_FILE,
                SEARCH_ARRAYS_FOLDER, "*LOCK", "*.counts"
            ),
        )
        index = whoosh_index.open_dir(str(workdir))
    else:
        workdir.mkdir()
        index = whoosh_index.create_in(str(workdir), passage_schema())
    to_parse = plan.to_parse
    skipped: list[SkippedFile] = []
    skipped_files = dict(plan.still_broken)
    reports_indexed = passages_indexed = 0
    # Each run's folder of table rows and postings, and its passages, in document order.
    run_folders: list[tuple[str, int]] = []
    segments = []
    # This writer holds Whoosh's lock on the new generation, deletes the changed and removed reports,
    # and at the end lists the workers' segments after the kept ones.
    writer = index.writer(limitmb=_WRITER_MEMORY_MB, codec=whoosh_codec())
    try:
        for report_id in plan.to_delete:
            writer.delete_by_term("report_id", report_id)
        runs = split_into_runs(to_parse, pool.processes if pool else 1, from_scratch=previous is None)
        task = partial(index_run, analyse=analyse, generation_dir=workdir)
        with indexed_runs(task, runs, pool, len(to_parse), progress) as indexed:
            for run, result in zip(runs, indexed):
                for source, found in zip(run, result.results):
                    if isinstance(found, SkippedFile):
                        skipped.append(found)
                        skipped_files[source.report_id] = (source.source_hash, found.path, found.reason)
                        continue
                    reports_indexed += 1
                    passages_indexed += found.passages
                if result.segment is not None:
                    segments.append(result.segment)
                    run_folders.append((result.postings, result.passages))
        # Never merge kept segments: document numbers stay as they were, so the previous generation's
        # postings stay valid and an update only adds its runs' postings to them.
        _commit(writer, segments, merge=False)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    run_tables = [load_run_table(workdir / RUNS_FOLDER / folder) for folder, _passages in run_folders]
    assembled = assemble_table(previous, set(plan.to_delete), run_tables, skipped_files, first_indexed)
    if assembled.document_count != whoosh_index.open_dir(str(workdir)).doc_count_all():
        raise BuildError(f"The passage table of {workdir} does not match its Whoosh documents; rebuild with --rebuild.")
    groups = np.full(assembled.document_count, NO_GROUP, dtype=np.int32)
    if find_duplicates:
        stored = earlier = None
        if previous_dir is not None and previous is not None:
            stored = read_signatures(previous_dir / SIGNATURE_FILE)
            earlier = read_grouping(previous_dir, previous.document_count) if stored is not None else None
        write_signatures(workdir / SIGNATURE_FILE, generation_signatures(assembled, previous, stored, run_tables))
        signatures = read_signatures(workdir / SIGNATURE_FILE)
        groups, grouping = duplicate_groups(assembled, signatures, previous, earlier, run_tables)
        write_grouping(workdir, grouping)
    bigrams, words = _merged_postings(workdir, previous_dir, previous, assembled.removed, run_folders)
    write_table_file(workdir / TABLE_FILE, assembled.with_groups(groups), assembled.header, bigrams, words)
    del run_tables, assembled
    shutil.rmtree(workdir / RUNS_FOLDER, ignore_errors=True)
    written = read_passage_table(workdir, False)
    if written is None:
        raise BuildError(f"The passage table just written to {workdir} could not be read; is the disk full?")
    kept_numbers = previous_dir is not None and previous is not None
    write_search_arrays(workdir / SEARCH_ARRAYS_FOLDER, written[0], previous_dir / SEARCH_ARRAYS_FOLDER if kept_numbers else None)
    return written[0], reports_indexed, passages_indexed, tuple(skipped)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _merged_postings(
    workdir: Path,
    previous_dir: Path | None,
    previous: PassageTable | None,
    removed: np.ndarray,
    run_folders: list[tuple[str, int]],
) -> tuple[Merged, dict[str, Merged]]:
    """The generation's postings: the previous generation's without the documents deleted now, then each run's."""
    bigram_parts: list[tuple[Packed, int]] = []
    word_parts: dict[str, list[tuple[Packed, int]]] = {field: [] for field in RANK_FIELDS}
    base = 0
    if previous is not None and previous_dir is not None:
        base = previous.document_count
        stored = read_passage_table(previous_dir)
        if stored is None:
            raise BuildError(f"The index generation {previous_dir} could not be read again; rebuild with --rebuild.")
        _table, old_bigrams, old_words = stored
        bigram_parts.append((without_documents(old_bigrams.packed(), removed), 0))
        for field in RANK_FIELDS:
            word_parts[field].append((without_documents(old_words[field].packed(), removed), 0))
    for folder, passages in run_folders:
        run_dir = workdir / RUNS_FOLDER / folder
        bigram_parts.append((Packed.load(run_dir, "bigrams"), base))
        for field in RANK_FIELDS:
            word_parts[field].append((Packed.load(run_dir, field), base))
        base += passages
    return merge_parts(bigram_parts), {field: merge_parts(parts) for field, parts in word_parts.items()}


def _commit(writer: SegmentWriter, segments: list, merge: bool) -> None:
    """Commit the writer's deletions (and its merge of small kept segments) with the runs' segments appended.

    These are the steps of SegmentWriter.commit, as whoosh.multiproc.MpWriter takes them with
    `multisegment=True`; the runs' segments are listed as they are, in file order, never merged.
    """
    kept = writer._merge_segments(None, None, merge)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()


def _remove_unused_reports(index_dir: Path, table: PassageTable, previous_versions: set[tuple[str, str]]) -> None:
    """Stored report versions that neither the new nor the previous generation indexes."""
    keep = set(zip(table.report_ids, table.content_hashes)) | previous_versions
    remove_unreferenced(index_dir / STORE_FOLDER, keep)

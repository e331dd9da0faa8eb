"""A corpus folder in, a new index generation out; readers keep the previous one until the new one is complete.

Worker processes parse runs of new or changed files, segment each passage once and write each run as a
Whoosh segment of its own in a hidden folder; this process joins the segments in file order and writes
the passage table beside them, then renames the folder into place and points CURRENT at it. A crash or
Ctrl-C leaves CURRENT, and so the index readers open, as it was.
"""
from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import multiprocessing.pool
import os
import shutil
import signal
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import partial
from multiprocessing.queues import SimpleQueue
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.index.analysis import count_heading_words, count_rank_words, match_keys, segmenter
from indexer.parse.catalogue import Catalogue, load_catalogue
from indexer.index.duplicates import NO_GROUP, group_near_duplicates, passage_signature, read_signatures, write_signatures
from indexer.parse.normalize import fold_for_matching
from indexer.pipeline import PARSER_VERSION, iter_report_files, parse_report, relative_in_corpus, report_id_for
from indexer.report import Report, UnreadableDocument
from indexer.index.report_store import STORE_FOLDER, remove_unreferenced, save_report
from indexer.index.schema import (
    BUILD_LOCK,
    GENERATION_PREFIX,
    INDEX_FORMAT,
    POINTER_FILE,
    POSTING_TYPE,
    SIGNATURE_FILE,
    TABLE_COLUMNS,
    TABLE_FILE,
    PassageTable,
    passage_schema,
)
from indexer.search.results import current_generation, read_passage_table

# Files per Whoosh segment (about 7,500 passages in the benchmark corpus): a worker holds its segment's
# postings in memory until it writes them (_TermPool, about 100 postings a passage), so this bounds a
# worker's memory; many small segments would slow every search down.
_FILES_PER_SEGMENT = 700
# The memory of the build's own writer, whose Whoosh pool takes the postings of small segments it merges.
_WRITER_MEMORY_MB = 256
# Below this many files a worker pool costs more than it saves (unless the caller asks for workers).
_FILES_FOR_A_POOL = 16
_UNFINISHED_PREFIX = ".building-"


class BuildError(Exception):
    """The build could not start or finish; the message is a sentence for the user."""


class BuildLocked(BuildError):
    """Another build holds the index folder."""


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the index, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class BuildProgress:
    """How far the parsing has come: `done` of `total` files, the last one being `path`."""

    done: int
    total: int
    path: str


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


@dataclass(frozen=True)
class _Source:
    path: str
    relative_path: str
    report_id: str
    source_hash: str


@dataclass(frozen=True)
class _PassageRow:
    """A passage's entries in the passage table (the column names, singular)."""

    report_id: str
    section_type: str
    laws: tuple[str, ...]
    match_text: str
    heading_end: int
    text_length: int
    heading_length: int


@dataclass(frozen=True)
class _ReportRow:
    """A report's entries in the passage table."""

    title: str
    township: str
    county: str
    city: str
    province: str
    year: int | None
    source_path: str
    source_hash: str
    content_hash: str


# Table column → field of the row dataclass that fills it.
_PASSAGE_COLUMNS = {
    "section_types": "section_type", "laws": "laws", "match_texts": "match_text", "heading_ends": "heading_end",
    "text_lengths": "text_length", "heading_lengths": "heading_length",
}
_REPORT_COLUMNS = {
    "titles": "title", "townships": "township", "counties": "county", "cities": "city", "provinces": "province",
    "years": "year", "source_paths": "source_path", "source_hashes": "source_hash", "content_hashes": "content_hash",
}


@dataclass(frozen=True)
class _AnalysedPassage:
    passage_id: str
    row: _PassageRow
    law_labels: tuple[tuple[str, str], ...]
    signature: bytes  # duplicates.passage_signature of the folded text (b"" when too short or not wanted)


@dataclass(frozen=True)
class _AnalysedReport:
    report_id: str
    row: _ReportRow
    passages: tuple[_AnalysedPassage, ...]


@dataclass(frozen=True)
class _IndexedRun:
    """What a worker sends back for a run of files: per file its rows or why it was skipped, and its segment."""

    results: tuple[_AnalysedReport | SkippedFile, ...]
    segment: object | None  # Whoosh's segment of the run's passages, None when no file in it had any


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    rebuild: bool = False,
    progress: Callable[[BuildProgress], None] | None = None,
    workers: int | None = None,
    find_duplicates: bool = True,
) -> BuildSummary:
    """Index the new and changed report files of a corpus folder (all of them with `rebuild`) and drop removed ones.

    `progress` is called after each parsed file; whatever it raises stops the build and leaves the index
    as it was. `workers` is the number of parsing processes (by default one per core for 16 files or more).
    `find_duplicates` groups near-duplicate passages across reports (off only to measure what it costs).
    Raises BuildLocked when another build holds the folder, BuildError when the corpus folder is missing.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise BuildError(f"The corpus folder {corpus_dir} does not exist; pass the folder of report files with --corpus.")
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileStorage(str(index_dir)).lock(BUILD_LOCK)
    if not lock.acquire(blocking=False):
        raise BuildLocked(
            f"Another build is writing the index in {index_dir}; wait for it to finish, then run the index command again."
        )
    try:
        _remove_unfinished(index_dir)
        paths = iter_report_files(corpus_dir)
        # The workers start before this process reads the previous table: a forked process carries a copy
        # of what its parent holds as resident memory of its own (hundreds of MB at 10,000 reports).
        with _worker_pool(_worker_count(len(paths), workers)) as pool:
            return _build_locked(corpus_dir, index_dir, paths, pool, rebuild, progress, find_duplicates, started)
    finally:
        lock.release()


def _build_locked(
    corpus_dir: Path,
    index_dir: Path,
    paths: list[Path],
    pool: _WorkerPool | None,
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
    previous = None if rebuild else last_table
    del stored, last_table
    catalogue = load_catalogue(corpus_dir)
    sources, unreadable = _sources(paths, corpus_dir, catalogue)
    plan = _plan(sources, previous)
    skipped = unreadable + plan.skipped
    if previous is not None and not plan.to_parse and not plan.to_delete:
        return _summary(index_dir, previous_generation, previous, 0, plan.unchanged, 0, 0, skipped, started)
    workdir = index_dir / f"{_UNFINISHED_PREFIX}{uuid.uuid4().hex}"
    try:
        table, indexed, passages, parse_skipped = _write_generation(
            workdir,
            index_dir / previous_generation if previous is not None else None,
            previous,
            plan,
            partial(
                _analyse_file, corpus_dir=corpus_dir, catalogue=catalogue, store_dir=index_dir / STORE_FOLDER,
                find_duplicates=find_duplicates,
            ),
            progress,
            pool,
            find_duplicates,
        )
        generation = _publish(index_dir, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    _remove_old_generations(index_dir, keep={generation, previous_generation})
    _remove_unused_reports(index_dir, table, last_versions)
    skipped += parse_skipped
    return _summary(index_dir, generation, table, indexed, plan.unchanged, plan.removed, passages, skipped, started)


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
) -> BuildSummary:
    live_rows = [row for row in table.report_rows if row >= 0]
    return BuildSummary(
        index_dir=str(index_dir),
        generation=generation,
        reports_indexed=indexed,
        reports_unchanged=unchanged,
        reports_removed=removed,
        reports_total=len(set(live_rows)),
        passages_indexed=passages_indexed,
        passages_total=len(live_rows),
        skipped=skipped,
        seconds=round(time.perf_counter() - started, 3),
    )


@dataclass(frozen=True)
class _Plan:
    """What a build has to do to bring the previous generation up to date with the corpus."""

    to_parse: list[_Source]  # new and changed files
    to_delete: list[str]  # report ids of changed and removed files
    removed: int
    unchanged: int
    # Unchanged files that could not be read last time: reported again, not parsed again.
    still_broken: dict[str, tuple[str, str, str]]
    skipped: tuple[SkippedFile, ...]


def _plan(sources: list[_Source], previous: PassageTable | None) -> _Plan:
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


def _sources(paths: Iterable[Path], corpus_dir: Path, catalogue: Catalogue) -> tuple[list[_Source], tuple[SkippedFile, ...]]:
    """Each report file with its id and a hash of what its report is made from (file, catalogue entry, parser)."""
    sources: list[_Source] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    for path in paths:
        relative = relative_in_corpus(path, corpus_dir).as_posix()
        report_id = report_id_for(path, corpus_dir)
        if report_id in seen:
            reason = f"It gets the same report id ({report_id}) as {seen[report_id]}; rename one of them."
            skipped.append(SkippedFile(str(path), reason))
            continue
        try:
            content = path.read_bytes()
        except OSError as error:
            skipped.append(SkippedFile(str(path), f"It could not be read ({error.strerror})."))
            continue
        digest = hashlib.sha256()
        for part in (PARSER_VERSION, relative, repr(sorted(catalogue.overrides_for(relative).items()))):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(content)
        seen[report_id] = relative
        sources.append(_Source(str(path), relative, report_id, digest.hexdigest()))
    return sources, tuple(skipped)


def _analyse_file(
    source: _Source, corpus_dir: Path, catalogue: Catalogue, store_dir: Path, find_duplicates: bool = True
) -> tuple[_AnalysedReport, list[dict]] | SkippedFile:
    """Parse one file, keep the report in the store and segment its passages (in a worker process)."""
    try:
        report = parse_report(Path(source.path), corpus_dir, catalogue)
        save_report(store_dir, report)
    except UnreadableDocument as error:
        return SkippedFile(source.path, str(error))
    except OSError as error:
        return SkippedFile(source.path, f"It could not be read or stored ({error.strerror}).")
    return _analyse_report(report, source, find_duplicates)


def _analyse_report(
    report: Report, source: _Source, find_duplicates: bool = True
) -> tuple[_AnalysedReport, list[dict]]:
    """The table rows and signatures of a report's passages, and their Whoosh documents (the rank fields as word
    counts), each passage folded and segmented once."""
    passages = []
    documents = []
    for passage in report.passages:
        folded_heading = fold_for_matching("\n".join(passage.heading_path))
        folded_text = fold_for_matching(passage.text)
        text_words = count_rank_words(folded_text)
        heading_words = count_heading_words(folded_heading)
        laws = tuple(sorted({citation.name for citation in passage.cited_laws}))
        document = {
            "passage_id": passage.passage_id,
            "report_id": report.report_id,
            "heading_path": passage.heading_path,
            "heading_rank": heading_words,
            "text": passage.text,
            "text_rank": text_words,
            "start": passage.start,
            "end": passage.end,
            "cited_laws": tuple(asdict(citation) for citation in passage.cited_laws),
        }
        row = _PassageRow(
            report_id=report.report_id,
            section_type=passage.section_type,
            laws=laws,
            match_text=folded_heading + "\n" + folded_text,
            heading_end=len(folded_heading),
            text_length=sum(text_words.values()),
            heading_length=sum(heading_words.values()),
        )
        labels = tuple(sorted({(citation.name, citation.label) for citation in passage.cited_laws}))
        signature = passage_signature(folded_text) if find_duplicates else b""
        passages.append(_AnalysedPassage(passage.passage_id, row, labels, signature))
        documents.append(document)
    report_row = _ReportRow(
        report.title, report.township, report.county, report.city, report.province, report.year,
        source.relative_path, source.source_hash, report.content_hash,
    )
    return _AnalysedReport(report.report_id, report_row, tuple(passages)), documents


def _index_run(
    sources: tuple[_Source, ...],
    analyse: Callable[[_Source], tuple[_AnalysedReport, list[dict]] | SkippedFile],
    generation_dir: Path,
    file_done: Callable[[str], None],
) -> _IndexedRun:
    """Analyse a run of files and write their passages as one new Whoosh segment, not yet part of the index.

    Whoosh's own multi-process writer does the same: the build's writer holds the lock and later lists
    the segment in its table of contents, so this writer takes no lock and never commits.
    """
    writer = SegmentWriter(whoosh_index.open_dir(str(generation_dir)), _lk=False, codec=_codec())
    writer.pool = _TermPool()  # in place of Whoosh's sorting pool, so no memory limit to give it
    results: list[_AnalysedReport | SkippedFile] = []
    try:
        for source in sources:
            result = analyse(source)
            if isinstance(result, SkippedFile):
                results.append(result)
            else:
                analysed, documents = result
                for document in documents:
                    writer.add_document(**document)
                results.append(analysed)
            file_done(source.path)
        if writer._added:
            return _IndexedRun(tuple(results), writer._finalize_segment())
        writer._close_segment()
        return _IndexedRun(tuple(results), None)
    except BaseException:
        writer._close_segment()
        raise


class _TermPool:
    """A segment writer's postings, gathered per term in packed arrays.

    Whoosh's own pool keeps a tuple per posting (about 190 bytes; 1,100 postings a report) and sorts them all
    at the end. Documents arrive in number order, so each term's postings are already sorted and only the
    distinct terms need sorting; packed, a posting takes about 20 bytes. A run's size (_FILES_PER_SEGMENT)
    bounds what it holds.
    """

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], tuple[array, array, list[bytes | None]]] = {}
        self._values: dict[bytes | None, bytes | None] = {}  # one copy of each encoded value (mostly small counts)

    def add(self, posting: tuple) -> None:
        # posting = (field name, term bytes, document number, weight, encoded value), as Whoosh makes it
        _field, _term, document, weight, value = posting
        columns = self._terms.get(posting[:2])
        if columns is None:
            columns = self._terms[posting[:2]] = (array("q"), array("d"), [])
        columns[0].append(document)
        columns[1].append(weight)
        columns[2].append(self._values.setdefault(value, value))

    def iter_postings(self) -> Iterator[tuple]:
        for term in sorted(self._terms):
            field, text = term
            documents, weights, values = self._terms.pop(term)
            for document, weight, value in zip(documents, weights, values):
                yield field, text, document, weight, value

    def cleanup(self) -> None:
        self._terms = {}
        self._values = {}


def _write_generation(
    workdir: Path,
    previous_dir: Path | None,
    previous: PassageTable | None,
    plan: _Plan,
    analyse: Callable[[_Source], tuple[_AnalysedReport, list[dict]] | SkippedFile],
    progress: Callable[[BuildProgress], None] | None,
    pool: _WorkerPool | None,
    find_duplicates: bool,
) -> tuple[PassageTable, int, int, tuple[SkippedFile, ...]]:
    """Write a complete generation into `workdir`: Whoosh segments, then the passage table that mirrors them,
    with the near-duplicate groups, and the signatures they were found from.

    Returns the table, the reports and passages written, and the files that could not be parsed.
    """
    if previous_dir is not None:
        shutil.copytree(previous_dir, workdir, ignore=shutil.ignore_patterns(TABLE_FILE, SIGNATURE_FILE, "*LOCK"))
        index = whoosh_index.open_dir(str(workdir))
    else:
        workdir.mkdir()
        index = whoosh_index.create_in(str(workdir), passage_schema())
    to_parse = plan.to_parse
    skipped: list[SkippedFile] = []
    skipped_files = dict(plan.still_broken)
    passage_rows: dict[str, _PassageRow] = {}
    report_rows: dict[str, _ReportRow] = {}
    law_labels: dict[str, str] = {}
    signatures: dict[str, bytes] = {}
    # In a build from scratch the document numbers are the order of the files, as the runs' segments follow
    # one another in it, so the bigram postings are gathered while the workers are still busy.
    postings: dict[str, array] | None = {} if previous is None else None
    segments = []
    # This writer holds Whoosh's lock on the new generation, deletes the changed and removed reports,
    # and at the end lists the workers' segments after the kept ones.
    writer = index.writer(limitmb=_WRITER_MEMORY_MB, codec=_codec())
    try:
        for report_id in plan.to_delete:
            writer.delete_by_term("report_id", report_id)
        runs = _runs(to_parse, pool.processes if pool else 1, from_scratch=previous is None)
        task = partial(_index_run, analyse=analyse, generation_dir=workdir)
        with _indexed_runs(task, runs, pool, len(to_parse), progress) as indexed:
            for run, result in zip(runs, indexed):
                for source, analysed in zip(run, result.results):
                    if isinstance(analysed, SkippedFile):
                        skipped.append(analysed)
                        skipped_files[source.report_id] = (source.source_hash, analysed.path, analysed.reason)
                        continue
                    report_rows[analysed.report_id] = analysed.row
                    for passage in analysed.passages:
                        if postings is not None:
                            _add_postings(postings, len(passage_rows), passage.row.match_text)
                        passage_rows[passage.passage_id] = passage.row
                        signatures[passage.passage_id] = passage.signature
                        law_labels.update(passage.law_labels)
                if result.segment is not None:
                    segments.append(result.segment)
        _commit(writer, segments, merge=previous is not None)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    table = _table(index, previous, passage_rows, report_rows, law_labels, skipped_files)
    if find_duplicates:
        by_document = _signatures(table, signatures, previous, previous_dir)
        table = replace(table, duplicate_groups=group_near_duplicates(by_document, table.report_rows, table.passage_ids))
        write_signatures(workdir / SIGNATURE_FILE, by_document)
    if postings is None or table.passage_ids != list(passage_rows):
        postings = {}
        for document_number, text in enumerate(table.match_texts):
            _add_postings(postings, document_number, text)
    _write_table(workdir / TABLE_FILE, table, postings)
    return table, len(report_rows), len(passage_rows), tuple(skipped)


def _codec() -> W3Codec:
    # Block length statistics only serve Whoosh's own BM25 block skipping, which we do not use;
    # leaving them out saves a column read for every posting.
    codec = W3Codec()
    codec.length_stats = False
    return codec


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


def _runs(sources: list[_Source], processes: int, from_scratch: bool) -> list[tuple[_Source, ...]]:
    """Consecutive runs of files, one segment each: as many as a segment's size asks for, a multiple of the workers.

    A pool building from scratch gets at least two runs per worker, so that while the last runs are written
    this process has already taken in the first ones, and the workers' final segment writes are short.
    An update keeps to as few segments as it can, as each one it adds slows searches down until merged.
    """
    if not sources:
        return []
    rounds = -(-len(sources) // (processes * _FILES_PER_SEGMENT))
    count = processes * (max(rounds, 2) if processes > 1 and from_scratch else rounds)
    size = -(-len(sources) // count)
    return [tuple(sources[start:start + size]) for start in range(0, len(sources), size)]


def _worker_count(files: int, workers: int | None) -> int:
    if workers is None:
        return (os.cpu_count() or 1) if files >= _FILES_FOR_A_POOL else 1
    return workers


@dataclass
class _WorkerPool:
    """Worker processes, and the queue on which they report each file done."""

    pool: multiprocessing.pool.Pool
    finished: SimpleQueue
    processes: int

    def stop(self) -> None:
        self.pool.terminate()
        self.pool.join()


@contextmanager
def _worker_pool(processes: int) -> Iterator[_WorkerPool | None]:
    """A pool of worker processes for the block (None for fewer than two)."""
    if processes < 2:
        yield None
        return
    context = multiprocessing.get_context()
    finished = context.SimpleQueue()
    workers = _WorkerPool(context.Pool(processes, initializer=_prepare_worker, initargs=(finished,)), finished, processes)
    try:
        yield workers
    finally:
        workers.stop()


@contextmanager
def _indexed_runs(
    task: Callable[..., _IndexedRun],
    runs: list[tuple[_Source, ...]],
    pool: _WorkerPool | None,
    total: int,
    progress: Callable[[BuildProgress], None] | None,
) -> Iterator[Iterator[_IndexedRun]]:
    """Each run indexed, in order, by the pool's workers (in this process without one); `progress` hears of
    every file as it is done. The workers stop with the block, so their memory is free for the rest of the build."""
    done = 0

    def file_done(path: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(BuildProgress(done, total, path))

    if pool is None:
        segmenter()
        yield (task(run, file_done=file_done) for run in runs)
        return
    # The workers load jieba themselves, side by side; this process never needs it while building.
    try:
        pending = [pool.pool.apply_async(_index_run_in_worker, (task, run)) for run in runs]
        yield _results_with_progress(pending, pool.finished, file_done, total)
    finally:
        pool.stop()


def _results_with_progress(
    pending: list, finished: SimpleQueue, file_done: Callable[[str], None], total: int
) -> Iterator[_IndexedRun]:
    """The runs' results in order; while waiting for one, pass on the files the workers report done."""
    reported = 0
    for result in pending:
        while not result.ready():
            result.wait(0.05)
            while not finished.empty():
                file_done(finished.get())
                reported += 1
        yield result.get()
    while reported < total:
        file_done(finished.get())
        reported += 1


# The queue a worker process reports finished files on, set when the pool starts it.
_finished_files: SimpleQueue | None = None


def _prepare_worker(finished: SimpleQueue) -> None:
    # Ctrl-C is the main process's to handle: it stops the pool and removes the unfinished generation.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _finished_files
    _finished_files = finished
    segmenter()


def _index_run_in_worker(task: Callable[..., _IndexedRun], run: tuple[_Source, ...]) -> _IndexedRun:
    """A run indexed in a worker process, which tells the main process of each file as it is done."""
    return task(run, file_done=_finished_files.put)


def _table(
    index: whoosh_index.Index,
    previous: PassageTable | None,
    passage_rows: dict[str, _PassageRow],
    report_rows: dict[str, _ReportRow],
    law_labels: dict[str, str],
    skipped_files: dict[str, tuple[str, str, str]],
) -> PassageTable:
    """The passage table in Whoosh's document order; unchanged passages keep their rows from the previous table."""
    previous_rows = {} if previous is None else {passage_id: row for row, passage_id in enumerate(previous.passage_ids)}
    previous_reports = {} if previous is None else {report_id: row for row, report_id in enumerate(previous.report_ids)}
    names = ("passage_ids", "report_rows", "report_ids", *_PASSAGE_COLUMNS, *_REPORT_COLUMNS)
    columns: dict[str, list] = {name: [] for name in names}
    report_numbers: dict[str, int] = {}
    labels = {} if previous is None else dict(previous.law_labels)
    labels.update(law_labels)
    with index.reader() as reader:
        document_count = reader.doc_count_all()
        passage_ids = list(reader.column_reader("passage_id")) if document_count else []
        for document_number, passage_id in enumerate(passage_ids):
            if reader.is_deleted(document_number):
                columns["passage_ids"].append("")
                columns["report_rows"].append(-1)
                _append(columns, _PASSAGE_COLUMNS, _PassageRow("", "", (), "", 0, 0, 0))
                continue
            row = passage_rows.get(passage_id) or _previous_passage(previous, previous_rows[passage_id])
            if row.report_id not in report_numbers:
                report_numbers[row.report_id] = len(report_numbers)
                columns["report_ids"].append(row.report_id)
                report = report_rows.get(row.report_id) or _previous_report(previous, previous_reports[row.report_id])
                _append(columns, _REPORT_COLUMNS, report)
            columns["passage_ids"].append(passage_id)
            columns["report_rows"].append(report_numbers[row.report_id])
            _append(columns, _PASSAGE_COLUMNS, row)
    cited = {law for laws in columns["laws"] for law in laws}
    return PassageTable(
        format=INDEX_FORMAT,
        document_count=document_count,
        duplicate_groups=[NO_GROUP] * document_count,
        law_labels={name: label for name, label in labels.items() if name in cited},
        skipped_files=skipped_files,
        **columns,
    )


def _append(columns: dict[str, list], names: dict[str, str], row: _PassageRow | _ReportRow) -> None:
    for column, attribute in names.items():
        columns[column].append(getattr(row, attribute))


def _previous_passage(previous: PassageTable, row: int) -> _PassageRow:
    values = {attribute: getattr(previous, column)[row] for column, attribute in _PASSAGE_COLUMNS.items()}
    return _PassageRow(report_id=previous.report_ids[previous.report_rows[row]], **values)


def _previous_report(previous: PassageTable, row: int) -> _ReportRow:
    return _ReportRow(**{attribute: getattr(previous, column)[row] for column, attribute in _REPORT_COLUMNS.items()})


def _signatures(
    table: PassageTable, new: dict[str, bytes], previous: PassageTable | None, previous_dir: Path | None
) -> list[bytes]:
    """Each document's signature: new passages' from the workers, unchanged ones' from the previous generation.

    A passage with none at hand (the previous build did not find duplicates, or hashed differently) is
    hashed now from its folded text in the table.
    """
    kept: dict[str, bytes] = {}
    stored = None if previous is None or previous_dir is None else read_signatures(previous_dir / SIGNATURE_FILE)
    if stored is not None and previous is not None and len(stored) == len(previous.passage_ids):
        kept = dict(zip(previous.passage_ids, stored))
    by_document = []
    for passage_id, match_text, heading_end in zip(table.passage_ids, table.match_texts, table.heading_ends):
        signature = new.get(passage_id, kept.get(passage_id)) if passage_id else b""
        if signature is None:
            signature = passage_signature(match_text[heading_end + 1:])
        by_document.append(signature)
    return by_document


def _add_postings(postings: dict[str, array], document_number: int, match_text: str) -> None:
    """Record the document under each bigram of its text; numbers arrive ascending, so lists stay sorted."""
    for key in match_keys(match_text):
        found = postings.get(key)
        if found is None:
            postings[key] = array(POSTING_TYPE, (document_number,))
        else:
            found.append(document_number)


def _write_table(path: Path, table: PassageTable, postings: dict[str, array]) -> None:
    """Write the table in the layout schema.py describes, record by record, so no copy of it all is made."""
    keys = list(postings)
    with open(path, "wb") as file:
        marshal.dump({"format": INDEX_FORMAT, "columns": TABLE_COLUMNS}, file)
        for name in TABLE_COLUMNS:
            marshal.dump(getattr(table, name), file)
        marshal.dump(keys, file)
        marshal.dump([len(postings[key]) for key in keys], file)
        for key in keys:
            file.write(postings[key])
        file.flush()
        os.fsync(file.fileno())


def _publish(index_dir: Path, workdir: Path) -> str:
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


def _remove_unfinished(index_dir: Path) -> None:
    """Folders and pointer files a killed build left behind (we hold the lock, so no build is using them)."""
    for path in index_dir.iterdir():
        if path.name.startswith(_UNFINISHED_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(POINTER_FILE + ".") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def _remove_unused_reports(index_dir: Path, table: PassageTable, previous_versions: set[tuple[str, str]]) -> None:
    """Stored report versions that neither the new nor the previous generation indexes."""
    keep = set(zip(table.report_ids, table.content_hashes)) | previous_versions
    remove_unreferenced(index_dir / STORE_FOLDER, keep)


def _remove_old_generations(index_dir: Path, keep: set[str | None]) -> None:
    """Generations before the previous one; the previous one stays for searches that opened it before the swap."""
    for path in index_dir.iterdir():
        if path.name.startswith(GENERATION_PREFIX) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)

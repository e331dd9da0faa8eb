"""Build workers: parse runs of report files, segment each passage once, and write each run as a Whoosh segment.

A worker saves the table rows, near-duplicate signatures and postings of its files in a run folder beside
the segment it wrote, and returns only what the build process needs to plan with; the build process joins
the segments in file order and writes the runs' rows into the table column by column (build.py).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
import uuid
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from multiprocessing.queues import SimpleQueue
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer.index.analysis import (
    boundary_bits,
    count_heading_words,
    count_words_and_boundaries,
    heading_boundaries,
    segmenter,
)
from indexer.index.duplicates import passage_signature
from indexer.index.passage_table import PassageRow, ReportRow
from indexer.index.postings import pack_bigrams, pack_words
from indexer.index.schema import RANK_FIELDS, RUNS_FOLDER
from indexer.index.report_store import save_report
from indexer.index.run_table import save_run_table
from indexer.parent_watch import end_with_parent
from indexer.parse import Catalogue, fold_for_matching, names_by_kind
from indexer.pipeline import parse_report
from indexer.report import Report, SkippedFile, UnreadableDocument

# Files per Whoosh segment (about 7,500 passages in the benchmark corpus): a worker holds its segment's
# postings in memory until it writes them (_TermPool, about 100 postings a passage), so this bounds a
# worker's memory; many small segments would slow every search down.
_FILES_PER_SEGMENT = 700

# Below this many files a worker pool costs more than it saves (unless the caller asks for workers).
_FILES_FOR_A_POOL = 16



@dataclass(frozen=True)
class BuildProgress:
    """How far the parsing has come: `done` of `total` files, the last one being `path`."""

    done: int
    total: int
    path: str


@dataclass(frozen=True)
class Source:
    path: str
    relative_path: str
    report_id: str
    source_hash: str


@dataclass(frozen=True)
class AnalysedPassage:
    passage_id: str
    row: PassageRow
    law_labels: tuple[tuple[str, str], ...]
    signature: bytes  # duplicates.passage_signature of the folded text (b"" when too short or not wanted)


@dataclass(frozen=True)
class AnalysedReport:
    report_id: str
    row: ReportRow
    passages: tuple[AnalysedPassage, ...]


@dataclass(frozen=True)
class IndexedReport:
    """A file a worker indexed: its report's id and version, and how many passages it has."""

    report_id: str
    content_hash: str
    passages: int


@dataclass(frozen=True)
class IndexedRun:
    """What a worker sends back for a run of files: per file what it indexed or why it was skipped, and its segment."""

    results: tuple[IndexedReport | SkippedFile, ...]
    segment: object | None  # Whoosh's segment of the run's passages, None when no file in it had any
    # The folder (in the generation's RUNS_FOLDER) holding the run's packed table rows and postings
    # (run_table.py, postings.py), and how many passages it numbers; None when no file had any.
    postings: str | None = None
    passages: int = 0


def analyse_file(
    source: Source, corpus_dir: Path, catalogue: Catalogue, store_dir: Path, find_duplicates: bool = True
) -> tuple[AnalysedReport, list[dict]] | SkippedFile:
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
    report: Report, source: Source, find_duplicates: bool = True
) -> tuple[AnalysedReport, list[dict]]:
    """The table rows and signatures of a report's passages, and their Whoosh documents (the rank fields as word
    counts), each passage folded and segmented once."""
    passages = []
    documents = []
    for passage in report.passages:
        folded_heading = fold_for_matching("\n".join(passage.heading_path))
        folded_text = fold_for_matching(passage.text)
        text_words, text_boundaries = count_words_and_boundaries(folded_text)
        heading_words = count_heading_words(folded_heading)
        by_kind = names_by_kind(passage.cited_laws)
        laws = tuple(sorted(by_kind.laws))
        law_events = tuple(sorted(by_kind.events))
        cited_documents = tuple(sorted(by_kind.documents))
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
        match_text = folded_heading + "\n" + folded_text
        text_start = len(folded_heading) + 1
        boundaries = [*heading_boundaries(folded_heading), *(text_start + offset for offset in text_boundaries)]
        row = PassageRow(
            report_id=report.report_id,
            section_type=passage.section_type,
            laws=laws,
            law_events=law_events,
            documents=cited_documents,
            match_text=match_text,
            heading_end=len(folded_heading),
            word_boundaries=boundary_bits(boundaries, len(match_text)),
            text_length=sum(text_words.values()),
            heading_length=sum(heading_words.values()),
        )
        labels = tuple(sorted({(citation.name, citation.label) for citation in passage.cited_laws}))
        signature = passage_signature(folded_text) if find_duplicates else b""
        passages.append(AnalysedPassage(passage.passage_id, row, labels, signature))
        documents.append(document)
    report_row = ReportRow(
        report.title, report.township, report.county, report.city, report.province, report.year,
        source.relative_path, source.source_hash, report.content_hash, report.warnings, date=report.date,
    )
    return AnalysedReport(report.report_id, report_row, tuple(passages)), documents


def index_run(
    sources: tuple[Source, ...],
    analyse: Callable[[Source], tuple[AnalysedReport, list[dict]] | SkippedFile],
    generation_dir: Path,
    file_done: Callable[[str], None],
) -> IndexedRun:
    """Analyse a run of files and write their passages as one new Whoosh segment, not yet part of the index.

    Whoosh's own multi-process writer does the same: the build's writer holds the lock and later lists
    the segment in its table of contents, so this writer takes no lock and never commits.
    """
    writer = SegmentWriter(whoosh_index.open_dir(str(generation_dir)), _lk=False, codec=whoosh_codec())
    writer.pool = _TermPool()  # in place of Whoosh's sorting pool, so no memory limit to give it
    results: list[IndexedReport | SkippedFile] = []
    analysed_reports: list[AnalysedReport] = []
    try:
        for source in sources:
            result = analyse(source)
            if isinstance(result, SkippedFile):
                results.append(result)
            else:
                analysed, documents = result
                for document in documents:
                    writer.add_document(**document)
                analysed_reports.append(analysed)
                results.append(IndexedReport(analysed.report_id, analysed.row.content_hash, len(analysed.passages)))
            file_done(source.path)
        if writer._added:
            folder = _save_run(generation_dir, writer.pool, analysed_reports)
            return IndexedRun(tuple(results), writer._finalize_segment(), folder.name, writer.docnum)
        writer._close_segment()
        return IndexedRun(tuple(results), None)
    except BaseException:
        writer._close_segment()
        raise


def _save_run(generation_dir: Path, pool: _TermPool, reports: list[AnalysedReport]) -> Path:
    """Pack the run's table rows, signatures, bigram and ranking-word postings (documents numbered from 0 as in
    its segment) into a folder of their own, for the build process to write without holding them."""
    folder = generation_dir / RUNS_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    save_run_table(folder, [
        (report.report_id, report.row, [(p.passage_id, p.row, p.law_labels, p.signature) for p in report.passages])
        for report in reports
    ])
    match_texts = (passage.row.match_text for report in reports for passage in report.passages)
    pack_bigrams(match_texts).save(folder, "bigrams")
    for field, name in RANK_FIELDS.items():
        pack_words(pool.field_postings(name)).save(folder, field)
    return folder


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

    def field_postings(self, field_name: str) -> dict[str, tuple[array, array]]:
        """A field's words → (documents, counts), read before the segment is written (which empties the pool)."""
        return {
            text.decode("utf-8"): (documents, weights)
            for (field, text), (documents, weights, _values) in self._terms.items()
            if field == field_name
        }

    def iter_postings(self) -> Iterator[tuple]:
        for term in sorted(self._terms):
            field, text = term
            documents, weights, values = self._terms.pop(term)
            for document, weight, value in zip(documents, weights, values):
                yield field, text, document, weight, value

    def cleanup(self) -> None:
        self._terms = {}
        self._values = {}


def whoosh_codec() -> W3Codec:
    # Block length statistics only serve Whoosh's own BM25 block skipping, which we do not use;
    # leaving them out saves a column read for every posting.
    codec = W3Codec()
    codec.length_stats = False
    return codec


def split_into_runs(sources: list[Source], processes: int, from_scratch: bool) -> list[tuple[Source, ...]]:
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


def worker_count(files: int, workers: int | None) -> int:
    if workers is None:
        return (os.cpu_count() or 1) if files >= _FILES_FOR_A_POOL else 1
    return workers


@dataclass
class WorkerPool:
    """Worker processes, and the queue on which they report each file done."""

    pool: multiprocessing.pool.Pool
    finished: SimpleQueue
    processes: int

    def stop(self) -> None:
        self.pool.terminate()
        self.pool.join()


@contextmanager
def worker_pool(processes: int) -> Iterator[WorkerPool | None]:
    """A pool of worker processes for the block (None for fewer than two)."""
    if processes < 2:
        yield None
        return
    context = multiprocessing.get_context()
    finished = context.SimpleQueue()
    pool = context.Pool(processes, initializer=_prepare_worker, initargs=(finished, os.getpid()))
    workers = WorkerPool(pool, finished, processes)
    try:
        yield workers
    finally:
        workers.stop()


@contextmanager
def indexed_runs(
    task: Callable[..., IndexedRun],
    runs: list[tuple[Source, ...]],
    pool: WorkerPool | None,
    total: int,
    progress: Callable[[BuildProgress], None] | None,
) -> Iterator[Iterator[IndexedRun]]:
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
) -> Iterator[IndexedRun]:
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


def _prepare_worker(finished: SimpleQueue, parent: int) -> None:
    # Ctrl-C is the main process's to handle: it stops the pool and removes the unfinished generation.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Killed with the build process (kill -9 included), rather than parse on for nobody.
    if not end_with_parent(parent, signal.SIGKILL):
        os._exit(1)
    global _finished_files
    _finished_files = finished
    segmenter()


def _index_run_in_worker(task: Callable[..., IndexedRun], run: tuple[Source, ...]) -> IndexedRun:
    """A run indexed in a worker process, which tells the main process of each file as it is done."""
    return task(run, file_done=_finished_files.put)

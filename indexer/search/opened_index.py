"""An index generation opened for searching: the Whoosh index and the passage table, with the per-document
lists (facet values, sort keys, BM25 length norms) that matching, ranking and facets read.
"""
from __future__ import annotations

import resource
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from indexer.index import (
    K1,
    SEARCH_ARRAYS_FOLDER,
    VIEW_ARRAYS,
    BigramPostings,
    CodedColumn,
    PassageTable,
    WordPostings,
    current_generation,
    hold_for_reading,
    read_passage_table,
    read_search_arrays,
    segmenter,
    stop_reading,
)
from indexer.parse import SECTION_LABELS
from indexer.search.bounded_cache import BoundedCache

# The filter cache's bound when the caller names none (the web app's `filter_cache_mb` setting names one).
DEFAULT_FILTER_CACHE_BYTES = 64 * 1024 * 1024



class IndexUnavailable(Exception):
    """There is no index to open, or it cannot be read; the message is a sentence for the user."""


class SharedSearcher:
    """The Whoosh searcher of an opened index, shared by its threads, which take turns reading stored fields.

    A Whoosh searcher must not be used by two threads at once (Whoosh's threads.rst): one per thread did that, but
    each read every segment's stored-field offsets for itself, 50 MB a thread at 200,000 reports (eight threads
    held 400 MB more than one). A stored-fields read takes tens of microseconds, so turns cost little.
    """

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self._lock = threading.Lock()

    def stored_fields(self, document: int) -> dict:
        with self._lock:
            return self._searcher.stored_fields(document)

    def reader(self):
        """Whoosh's reader, to inspect the index's segments (not to read from several threads at once)."""
        return self._searcher.reader()

    @property
    def is_closed(self) -> bool:
        return self._searcher.is_closed

    def close(self) -> None:
        with self._lock:
            self._searcher.close()


@dataclass
class _Searchers:
    """The searcher opened on one index (at most one, shared), so closing the index closes it."""

    opened: list[SharedSearcher] = field(default_factory=list)
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The shared lock on the generation's READERS file that keeps a build from removing the folder meanwhile.
    reading: int | None = None


@dataclass(frozen=True)
class FacetCodes:
    """A facet's values as codes: `names[code]` is the value ("" for none, code 0 where a report level has it)."""

    names: list[str]
    rows: np.ndarray  # per document
    reports: np.ndarray | None  # per report row, for report-level facets

    def row_values(self) -> CodedColumn:
        """The value of each document, as a sequence of texts."""
        return CodedColumn(self.rows, self.names)

    def report_values(self) -> CodedColumn:
        """The value of each report, as a sequence of texts (report-level facets only)."""
        return CodedColumn(self.reports, self.names)


@dataclass(frozen=True)
class SearchIndex:
    """An opened index generation: the Whoosh index and the passage table in memory.

    Share it between threads: each thread searches through a Whoosh searcher of its own.
    """

    directory: Path
    generation: str
    table: PassageTable
    postings: BigramPostings
    # The ranking words' postings with their counts, per field ("text", "heading"), for BM25F.
    words: dict[str, WordPostings]
    whoosh: whoosh_index.Index
    # The documents of live passages, ascending (a deleted document keeps its number with report row -1);
    # per document, whether it is live and its report row.
    live_rows: np.ndarray
    live: np.ndarray
    report_rows: np.ndarray
    report_count: int
    # Whether report rows never decrease in document order (as every build numbers them), which lets facets
    # count distinct reports per value without a sort of pairs.
    reports_in_order: bool
    # Per facet but the law: each value's code per document (and per report for report-level facets).
    facet_codes: dict[str, FacetCodes]
    law_names: list[str]  # every law cited, sorted (the law column's value names)
    negative_years: np.ndarray
    # Per document, where its township falls in alphabetical order (documents without one last).
    township_ranks: np.ndarray
    # Live documents newest first, and by township, for browsing without a query.
    year_order: np.ndarray
    township_order: np.ndarray
    # Per document, the BM25 length normalisation K1·(1 − B + B·length / average length).
    text_norms: np.ndarray
    heading_norms: np.ndarray
    # Per document, how many other reports hold a near-copy of the passage (duplicates.py).
    duplicate_reports: np.ndarray
    # The research views' per-document arrays the build kept (index/view_arrays.py), by name; a generation written
    # before they were kept has none, and the views compute them on first use.
    view_arrays: dict[str, np.ndarray]
    # Rows each set of filter values lets through (facets.py) and each query's phrases match (matching.py), keyed by
    # values from requests, so bounded.
    filter_cache: BoundedCache[np.ndarray] = field(
        default_factory=lambda: BoundedCache(DEFAULT_FILTER_CACHE_BYTES), compare=False, repr=False
    )
    # What is computed once per generation under a fixed key (a few per view), never under a request's values.
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _searchers: _Searchers = field(default_factory=lambda: _Searchers(), compare=False, repr=False)

    def searcher(self) -> SharedSearcher:
        """The index's Whoosh searcher for stored fields, opened on first use and shared by every thread (opening
        one reads every segment's stored-field offsets, which costs more than a whole search). Once the index is
        closed, asking for it raises IndexUnavailable instead of opening files nobody would close.
        """
        with self._searchers.lock:
            if self._searchers.closed:
                raise IndexUnavailable(f"The index generation {self.generation} was closed; open the index again.")
            if not self._searchers.opened:
                self._searchers.opened.append(SharedSearcher(self.whoosh.searcher()))
            return self._searchers.opened[0]

    def close(self) -> None:
        """Close the searcher and its files."""
        with self._searchers.lock:
            if self._searchers.closed:
                return
            self._searchers.closed = True
            searchers, self._searchers.opened = self._searchers.opened, []
        for searcher in searchers:
            searcher.close()
        stop_reading(self._searchers.reading)

    @property
    def is_closed(self) -> bool:
        """Whether `close` was called."""
        return self._searchers.closed

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def is_current(self) -> bool:
        """Whether CURRENT still names this generation (a newer build has not replaced it)."""
        return current_generation(self.directory) == self.generation

    def passage_count(self) -> int:
        """Passages in the index."""
        return len(self.live_rows)

    @property
    def row_values(self) -> dict[str, CodedColumn]:
        """Per document, the report-level facet values as text ("" when unknown)."""
        return {name: codes.row_values() for name, codes in self.facet_codes.items() if codes.reports is not None}

    @property
    def report_values(self) -> dict[str, CodedColumn]:
        """Per report row, the report-level facet values as text ("" when unknown)."""
        return {name: codes.report_values() for name, codes in self.facet_codes.items() if codes.reports is not None}


def open_search_index(index_dir: Path, filter_cache_bytes: int | None = None) -> SearchIndex:
    """Open the current generation of an index folder once; raises IndexUnavailable with a sentence when it can't.

    `filter_cache_bytes` bounds the rows kept per set of filter values (DEFAULT_FILTER_CACHE_BYTES when None).
    """
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexUnavailable(f"There is no index in {index_dir}; build it with the index command first.")
    # Held from before the first read until `close`: a build leaves the folder in place while we read it.
    reading = hold_for_reading(index_dir / generation)
    try:
        index = _opened(index_dir, generation, filter_cache_bytes)
    except BaseException:
        stop_reading(reading)
        raise
    index._searchers.reading = reading
    return index


def _allow_open_files() -> None:
    """Raise this process's limit of open files to what the system allows.

    Each thread's Whoosh searcher keeps one file open per segment, and a build from scratch writes a segment
    per run of files (about 290 for 200,000 reports), so a server's threads need thousands of descriptors;
    the usual soft limit of 1,024 would turn a large index into failed searches.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else max(soft, 65536), hard))
        except (ValueError, OSError):
            pass


def _opened(index_dir: Path, generation: str, filter_cache_bytes: int | None) -> SearchIndex:
    _allow_open_files()
    stored = read_passage_table(index_dir / generation)
    try:
        # Plain reads, not mmap: mapped segment pages would count in the server's resident memory.
        whoosh = FileStorage(str(index_dir / generation), supports_mmap=False).open_index()
    except EmptyIndexError:
        whoosh = None
    if stored is None or whoosh is None or whoosh.doc_count_all() != stored[0].document_count:
        raise IndexUnavailable(
            f"The index in {index_dir} is incomplete or was written by another version; rebuild it with --rebuild."
        )
    # Queries are segmented with the dictionary the passages were segmented with; load it now, not on the first search.
    segmenter()
    table, postings, words = stored
    index = _prepared(index_dir, generation, table, postings, words, whoosh)
    return replace(index, filter_cache=BoundedCache(filter_cache_bytes)) if filter_cache_bytes is not None else index


def _prepared(
    index_dir: Path,
    generation: str,
    table: PassageTable,
    postings: BigramPostings,
    words: dict[str, WordPostings],
    whoosh: whoosh_index.Index,
) -> SearchIndex:
    """The index with the per-document arrays that let a search count, filter and sort a whole column at a time.

    The build computed them (index/search_arrays.py); here they are mapped, so opening costs the same at any
    corpus size.
    """
    stored = read_search_arrays(index_dir / generation / SEARCH_ARRAYS_FOLDER)
    if stored is None:
        raise IndexUnavailable(
            f"The index in {index_dir} is incomplete or was written by another version; rebuild it with --rebuild."
        )
    arrays, names = stored
    facet_codes = {
        name: FacetCodes(names[name], arrays[f"{name}_rows"], arrays.get(f"{name}_reports"))
        for name in ("township", "county", "province", "year", "section_type")
    }
    report_rows, live = arrays["report_rows"], arrays["live"]
    return SearchIndex(
        directory=index_dir,
        generation=generation,
        table=table,
        postings=postings,
        words=words,
        whoosh=whoosh,
        live_rows=arrays["live_rows"],
        live=live,
        report_rows=report_rows,
        report_count=len(table.report_ids),
        reports_in_order=bool(np.all(np.diff(report_rows[arrays["live_rows"]]) >= 0)),
        facet_codes=facet_codes,
        law_names=list(table.laws.names),
        negative_years=arrays["negative_years"],
        township_ranks=arrays["township_ranks"],
        year_order=arrays["year_order"],
        township_order=arrays["township_order"],
        text_norms=arrays["text_norms"],
        heading_norms=arrays["heading_norms"],
        duplicate_reports=arrays["duplicate_reports"],
        view_arrays={name: arrays[name] for name in VIEW_ARRAYS if name in arrays},
    )


def passage_fields(index: SearchIndex, row: int) -> dict[str, str | int | None]:
    """What every view shows of a passage, from the table: its ids, its report's title and place and year, its
    section type and label. The hit, concordance line, group member and citing passage all start from these."""
    table = index.table
    report_row = table.report_rows[row]
    section_type = table.section_types[row]
    return {
        "passage_id": table.passage_ids[row],
        "report_id": table.report_ids[report_row],
        "title": table.titles[report_row],
        "township": table.townships[report_row],
        "county": table.counties[report_row],
        "province": table.provinces[report_row],
        "year": table.years[report_row],
        "section_type": section_type,
        "section_label": SECTION_LABELS.get(section_type, section_type),
    }

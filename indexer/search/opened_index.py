"""An index generation opened for searching: the Whoosh index and the passage table, with the per-document
lists (facet values, sort keys, BM25 length norms) that matching, ranking and facets read.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from indexer.index import (
    BigramPostings,
    PassageTable,
    count_other_reports,
    current_generation,
    hold_for_reading,
    read_passage_table,
    segmenter,
    stop_reading,
)
from indexer.parse import SECTION_LABELS
from indexer.search.bounded_cache import BoundedCache

# The filter cache's bound when the caller names none (the web app's `filter_cache_mb` setting names one).
DEFAULT_FILTER_CACHE_BYTES = 64 * 1024 * 1024

# BM25 constants, Whoosh's defaults.
K1 = 1.2
B = 0.75


class IndexUnavailable(Exception):
    """There is no index to open, or it cannot be read; the message is a sentence for the user."""


@dataclass
class _Searchers:
    """The Whoosh searchers the threads opened on one index, so closing the index closes them all."""

    opened: list[Searcher] = field(default_factory=list)
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The shared lock on the generation's READERS file that keeps a build from removing the folder meanwhile.
    reading: int | None = None


@dataclass(frozen=True)
class SearchIndex:
    """An opened index generation: the Whoosh index and the passage table in memory.

    Share it between threads: each thread searches through a Whoosh searcher of its own.
    """

    directory: Path
    generation: str
    table: PassageTable
    postings: BigramPostings
    whoosh: whoosh_index.Index
    live_rows: list[int]
    # Per report and per document: the report-level facet values as text ("" when unknown).
    report_values: dict[str, list[str]]
    row_values: dict[str, list[str]]
    # Per document, (section type, report row) and (law, report row) for each cited law, each pair as one
    # integer (value number × reports + report row), to count distinct reports per value in C.
    section_pairs: list[int]
    law_pairs: list[tuple[int, ...]]
    section_names: list[str]
    law_names: list[str]
    negative_years: list[int]
    # Per document, where its township falls in alphabetical order (documents without one last).
    township_ranks: list[int]
    # Live documents newest first, and by township, for browsing without a query.
    year_order: list[int]
    township_order: list[int]
    # Per document, the BM25 length normalisation K1·(1 − B + B·length / average length).
    text_norms: list[float]
    heading_norms: list[float]
    # Per document, how many other reports hold a near-copy of the passage (duplicates.py).
    duplicate_reports: list[int]
    # Rows each set of filter values lets through, keyed by values from requests, so bounded (facets.py).
    filter_cache: BoundedCache[frozenset[int]] = field(
        default_factory=lambda: BoundedCache(DEFAULT_FILTER_CACHE_BYTES), compare=False, repr=False
    )
    # What is computed once per generation under a fixed key (a few per view), never under a request's values.
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _threads: threading.local = field(default_factory=threading.local, compare=False, repr=False)
    _searchers: _Searchers = field(default_factory=lambda: _Searchers(), compare=False, repr=False)

    def searcher(self) -> Searcher:
        """This thread's Whoosh searcher, opened on first use and reused by the thread's later searches.

        A searcher must not cross threads (Whoosh's threads.rst), and opening one reads every segment's
        stored-field offsets, which costs more than a whole search. Once the index is closed, asking for
        one raises IndexUnavailable instead of opening files nobody would close.
        """
        searcher = getattr(self._threads, "searcher", None)
        if searcher is None or searcher.is_closed:
            with self._searchers.lock:
                if self._searchers.closed:
                    raise IndexUnavailable(f"The index generation {self.generation} was closed; open the index again.")
                searcher = self.whoosh.searcher()
                self._searchers.opened.append(searcher)
            self._threads.searcher = searcher
        return searcher

    def close(self) -> None:
        """Close the searchers of every thread and their files."""
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


def _opened(index_dir: Path, generation: str, filter_cache_bytes: int | None) -> SearchIndex:
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
    table, postings = stored
    index = _prepared(index_dir, generation, table, postings, whoosh)
    return replace(index, filter_cache=BoundedCache(filter_cache_bytes)) if filter_cache_bytes is not None else index


def _prepared(
    index_dir: Path, generation: str, table: PassageTable, postings: BigramPostings, whoosh: whoosh_index.Index
) -> SearchIndex:
    """The index with the per-document lists that let a search count, filter and sort without a Python loop per hit."""
    report_rows = table.report_rows
    live_rows = [row for row, report_row in enumerate(report_rows) if report_row >= 0]
    report_values = {
        "township": table.townships,
        "county": table.counties,
        "province": table.provinces,
        "year": ["" if year is None else str(year) for year in table.years],
    }
    row_values = {
        name: [values[report_row] if report_row >= 0 else "" for report_row in report_rows]
        for name, values in report_values.items()
    }
    report_count = max(len(table.report_ids), 1)
    section_names = sorted(set(table.section_types))
    section_numbers = {name: number for number, name in enumerate(section_names)}
    section_pairs = [
        section_numbers[section] * report_count + max(report_row, 0)
        for section, report_row in zip(table.section_types, report_rows)
    ]
    law_names = sorted({law for laws in table.laws for law in laws})
    law_numbers = {name: number for number, name in enumerate(law_names)}
    law_pairs = [
        tuple(law_numbers[law] * report_count + report_row for law in laws)
        for laws, report_row in zip(table.laws, report_rows)
    ]
    negative_years = [-(table.years[report_row] or 0) if report_row >= 0 else 0 for report_row in report_rows]
    # Reports without a township sort after every named one.
    township_names = sorted(set(table.townships) - {""}) + [""]
    rank_of = {name: rank for rank, name in enumerate(township_names)}
    township_ranks = [rank_of[township] for township in row_values["township"]]
    return SearchIndex(
        directory=index_dir,
        generation=generation,
        table=table,
        postings=postings,
        whoosh=whoosh,
        live_rows=live_rows,
        report_values=report_values,
        row_values=row_values,
        section_pairs=section_pairs,
        law_pairs=law_pairs,
        section_names=section_names,
        law_names=law_names,
        negative_years=negative_years,
        township_ranks=township_ranks,
        year_order=sorted(live_rows, key=lambda row: (negative_years[row], row)),
        township_order=sorted(live_rows, key=lambda row: (township_ranks[row], negative_years[row], row)),
        text_norms=_norms(table.text_lengths, live_rows),
        heading_norms=_norms(table.heading_lengths, live_rows),
        duplicate_reports=count_other_reports(table.duplicate_groups, report_rows),
    )


def _norms(lengths: list[int], live_rows: list[int]) -> list[float]:
    average = sum(lengths[row] for row in live_rows) / max(len(live_rows), 1) or 1.0
    return [K1 * (1 - B + B * length / average) for length in lengths]


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

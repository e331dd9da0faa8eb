"""Per-generation arrays the research views share, each computed once per opened index with numpy over the mapped
table (no Python loop per passage) and kept under one fixed key of the index's cache: the reports with a live
passage, the live passages of each report, every passage's length in characters, where each place's reports are,
and the lookups of a report or passage by its id.

A view that shows a page then reads Python values only for the rows on the page.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from indexer.index import NO_GROUP, heading_part_bits, utf8_lengths
from indexer.search import SearchIndex

# Rows whose texts are read at a time.
_CHUNK_ROWS = 65536


def cached(index: SearchIndex, key: str, compute: Callable[[], object]):
    """`compute()` once per opened index under `key` (a fixed name, never a request's value)."""
    found = index._cache.get(key)
    if found is None:
        found = index._cache[key] = compute()
    return found


def live_report_rows(index: SearchIndex) -> np.ndarray:
    """The report rows holding at least one live passage, ascending."""
    return cached(index, "live report rows", lambda: np.unique(index.report_rows[index.live_rows]))


@dataclass(frozen=True)
class ReportPassages:
    """The live passages grouped by report row: report row r's are `rows[starts[r]:starts[r + 1]]`, ascending."""

    rows: np.ndarray
    starts: np.ndarray

    def of(self, report_row: int) -> np.ndarray:
        return self.rows[self.starts[report_row]:self.starts[report_row + 1]]


def report_passages(index: SearchIndex) -> ReportPassages:
    """The live passages of each report, in document order."""
    def compute() -> ReportPassages:
        live = index.live_rows
        owners = index.report_rows[live]
        if len(owners) > 1 and not bool(np.all(owners[1:] >= owners[:-1])):
            order = np.argsort(owners, kind="stable")
            live, owners = live[order], owners[order]
        starts = np.searchsorted(owners, np.arange(index.report_count + 1))
        return ReportPassages(live, starts)
    return cached(index, "live passages by report", compute)


def match_texts(index: SearchIndex, rows: np.ndarray | list[int]) -> Iterator[tuple[str, int]]:
    """Each row's match text and where its passage text starts in it (after the heading path and its line break),
    read straight from the mapped bytes, a chunk of rows at a time (a column's own reads check every row)."""
    column = index.table.match_texts
    blob, offsets, heading_ends = column.blob, column.offsets, index.table.heading_ends.array
    for first in range(0, len(rows), _CHUNK_ROWS):
        chunk = np.asarray(rows[first:first + _CHUNK_ROWS], dtype=np.int64)
        for start, end, heading_end in zip(offsets[chunk].tolist(), offsets[chunk + 1].tolist(), heading_ends[chunk].tolist()):
            yield str(blob[start:end], "utf-8"), heading_end + 1


def report_row_of(index: SearchIndex, report_id: str) -> int | None:
    """The report row of a report id, or None."""
    rows = cached(index, "report rows by id", lambda: {report_id: row for row, report_id in enumerate(index.table.report_ids)})
    return rows.get(report_id)


def passage_row_of(index: SearchIndex, passage_id: str) -> int | None:
    """The document of a live passage by its id ("<report id>-p<ordinal>", parse/passages.py), or None."""
    report_id, separator, _ = passage_id.rpartition("-p")
    report_row = report_row_of(index, report_id) if separator else None
    if report_row is None:
        return None
    ids = index.table.passage_ids
    return next((row for row in report_passages(index).of(report_row).tolist() if ids[row] == passage_id), None)


def text_characters(index: SearchIndex) -> np.ndarray:
    """Per document, the characters of its passage text: the match text without the heading path and the line
    break after it (deleted documents count -1). The build keeps them (index/view_arrays.py); a generation written
    before it did counts them here once."""
    kept = index.view_arrays.get("text_characters")
    if kept is not None:
        return kept

    def compute() -> np.ndarray:
        column = index.table.match_texts
        return utf8_lengths(column.offsets, column.blob) - index.table.heading_ends.array.astype(np.int64) - 1
    return cached(index, "text characters", compute)


def heading_parts(index: SearchIndex) -> np.ndarray:
    """Per document, the required parts its subsection headings name, as bits (parse/required_parts.py: bit i for
    required_parts()[i]); kept by the build, or found here once for a generation written before it kept them."""
    kept = index.view_arrays.get("heading_parts")
    if kept is not None:
        return kept
    return cached(index, "heading parts", lambda: heading_part_bits(index.table, np.arange(len(index.report_rows))))


def report_characters(index: SearchIndex) -> tuple[np.ndarray, np.ndarray]:
    """Per report row, the characters of its passages' texts and of those with a near-copy in another report."""
    def compute() -> tuple[np.ndarray, np.ndarray]:
        live = index.live_rows
        lengths = text_characters(index)[live]
        owners = index.report_rows[live]
        copied = index.table.duplicate_groups.array[live] != NO_GROUP
        total = np.bincount(owners, weights=lengths, minlength=index.report_count).astype(np.int64)
        held = np.bincount(owners[copied], weights=lengths[copied], minlength=index.report_count).astype(np.int64)
        return total, held
    return cached(index, "report characters", compute)


def place_ranks(index: SearchIndex, facet: str) -> np.ndarray:
    """Per report row, where its township, county or province (`facet`) falls in alphabetical order, reports
    without one last (the facet's codes follow the sorted names, "" being code 0)."""
    codes = index.facet_codes[facet].reports
    return np.where(codes == 0, len(index.facet_codes[facet].names), codes)


def report_years(index: SearchIndex) -> np.ndarray:
    """Per report row, its year (0 when unknown)."""
    return np.asarray(index.table.years.array, dtype=np.int64)


def report_id_ranks(index: SearchIndex) -> np.ndarray:
    """Per report row, where its report id falls in the ids' order (as Python orders texts)."""
    def compute() -> np.ndarray:
        ids = np.array(report_column(index, "report_ids"), dtype=str)
        ranks = np.empty(len(ids), dtype=np.int64)
        ranks[np.argsort(ids, kind="stable")] = np.arange(len(ids))
        return ranks
    return cached(index, "report id ranks", compute)


def live_reports_by(index: SearchIndex, *keys: np.ndarray) -> np.ndarray:
    """The report rows with a live passage, sorted by the per-report `keys` (the first the most significant)."""
    rows = live_report_rows(index)
    return rows[np.lexsort(tuple(key[rows] for key in reversed(keys)))] if len(rows) else rows


def report_column(index: SearchIndex, name: str) -> list:
    """A report-level column of the table (titles, townships, years …) as a list, read whole (for a pass over every
    report; a page reads its rows one by one instead)."""
    column = getattr(index.table, name)
    return column.values(0, len(column))

"""Filters and facets: the hits a search's filters let through, and each facet's values counted over all hits
with the other facets' filters only (so ticking a year leaves the other years' counts visible).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.index import FACETS, stretch_positions
from indexer.parse import SECTION_LABELS, fold_for_matching
from indexer.search.matching import members
from indexer.search.opened_index import SearchIndex
from indexer.search.query import SearchFilters


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its passages (`count`) and distinct reports among the hits."""

    value: str
    label: str
    count: int
    reports: int


def apply_filters(
    index: SearchIndex, rows: np.ndarray, filters: SearchFilters
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The rows passing every filter, and for each facet the rows passing every filter but its own."""
    allowed = {name: _allowed_rows(index, name, filters) for name in FACETS}
    allowed = {name: mask for name, mask in allowed.items() if mask is not None}
    if not allowed:
        return rows, {name: rows for name in FACETS}

    def keep(names: list[str]) -> np.ndarray:
        if not names:
            return rows
        passing = allowed[names[0]][rows]
        for name in names[1:]:
            passing &= allowed[name][rows]
        return rows[passing]

    passing = keep(list(allowed))
    by_facet = {name: keep([other for other in allowed if other != name]) for name in allowed}
    return passing, {name: by_facet.get(name, passing) for name in FACETS}


def _allowed_rows(index: SearchIndex, name: str, filters: SearchFilters) -> np.ndarray | None:
    """Per document, whether a facet's filter lets it through (its values ORed); None when not filtered."""
    if name == "year":
        values = tuple(filters.year)
    else:
        values = tuple(dict.fromkeys(fold_for_matching(value) for value in getattr(filters, name)))
    if not values:
        return None

    def allowed() -> np.ndarray:
        if name == "law":
            laws = index.table.laws
            wanted = [code for code, law in enumerate(laws.names) if fold_for_matching(law) in values]
            mask = np.zeros(len(index.live), dtype=bool)
            cited = np.flatnonzero(np.isin(laws.codes, wanted))
            # The row of each citation: the offsets are ascending, so a search of them finds it.
            mask[np.searchsorted(laws.offsets, cited, side="right") - 1] = True
            return mask & index.live
        codes = index.facet_codes[name]
        if name == "year":
            wanted = [code for code, year in enumerate(codes.names) if year and any(r.includes(int(year)) for r in values)]
        else:
            wanted = [code for code, value in enumerate(codes.names) if value and fold_for_matching(value) in values]
        return _code_mask(codes.rows, wanted) & index.live

    return index.filter_cache.get_or_make((name, values), allowed)


def _code_mask(codes: np.ndarray, wanted: list[int]) -> np.ndarray:
    lookup = np.zeros(int(codes.max(initial=0)) + 1, dtype=bool)
    lookup[[code for code in wanted if code < len(lookup)]] = True
    return lookup[codes]


def facet_values(
    index: SearchIndex,
    name: str,
    rows: np.ndarray,
    filters: SearchFilters,
    limit: int | None,
    report_sets: dict[int, np.ndarray],
) -> tuple[FacetValue, ...]:
    """A facet's values over the rows, most passages first, cut to `limit` but keeping the selected values."""
    if rows is index.live_rows:
        # Browsing everything: the same counts every time.
        key = ("all counts", name)
        if key not in index._cache:
            index._cache[key] = _facet_counts(index, name, rows, report_sets)
        names, counts, reports = index._cache[key]
    else:
        names, counts, reports = _facet_counts(index, name, rows, report_sets)
    lookup = _value_lookup(index, name, names)
    present = np.flatnonzero(counts)
    present = present[lookup.named[present]]

    def listed(codes: np.ndarray) -> list[int]:
        # Most passages, then most reports, then the value: names are in alphabetical order, so by code.
        return codes[np.lexsort((codes, -reports[codes], -counts[codes]))].tolist()

    head = present
    if limit is not None and 0 < limit < len(present):
        # Only values with at least the limit-th largest count can be shown: order those, not the whole list.
        threshold = np.partition(counts[present], len(present) - limit)[len(present) - limit]
        head = present[counts[present] >= threshold]
    shown_codes = listed(head)[:limit]
    if name == "year":
        # The years a range selects, as they would be listed (few: a year facet has a value per year).
        selected = [names[code] for code in listed(present) if any(r.includes(int(names[code])) for r in filters.year)]
    else:
        selected = list(getattr(filters, name))
    shown = [names[code] for code in shown_codes]
    counted = {names[code]: code for code in shown_codes}
    for value in selected:
        code = lookup.codes.get(value)
        if value not in counted and code is not None and counts[code]:
            shown.append(value)
            counted[value] = code
    labels = _labeller(index, name)
    values = tuple(
        FacetValue(value, labels(value), int(counts[counted[value]]), int(reports[counted[value]])) for value in shown
    )
    missing = tuple(FacetValue(value, labels(value), 0, 0) for value in selected if value not in counted)
    return values + missing


@dataclass(frozen=True)
class _ValueLookup:
    named: np.ndarray  # per code, whether the value has a name (code 0 of report-level facets is "")
    codes: dict[str, int]  # value name → code


def _value_lookup(index: SearchIndex, name: str, names: list[str]) -> _ValueLookup:
    """A facet's names as an array test and a dict, made once per opened index: a search then touches only the
    values it shows (a township facet has tens of thousands)."""
    key = ("facet value lookup", name)
    if key not in index._cache:
        named = np.fromiter((bool(value) for value in names), dtype=bool, count=len(names))
        index._cache[key] = _ValueLookup(named, {value: code for code, value in enumerate(names) if value})
    return index._cache[key]


def _facet_counts(
    index: SearchIndex, name: str, rows: np.ndarray, report_sets: dict[int, np.ndarray]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The facet's value names, and per value code its passages and distinct reports among the rows.

    Counted with numpy (bincount over the codes of the rows); passages without a value count for none.
    """
    if name == "law":
        laws = index.table.laws
        names = list(laws.names)
        citations = _citations(index)
        if len(rows) * _CITATIONS_PER_ROW_SCAN >= len(citations.documents):
            # Many rows: one pass over every citation in order, keeping those of marked rows, reads less than
            # gathering each row's citations from its offsets; counted per (report, law) pair, then per law.
            held = np.bincount(citations.pairs[members(citations.documents, rows, len(index.live))],
                               minlength=len(citations.pair_laws))
            counts = np.bincount(citations.pair_laws, weights=held, minlength=len(names)).astype(np.int64)
            return names, counts, np.bincount(citations.pair_laws[held > 0], minlength=len(names))
        starts, ends = laws.offsets[rows], laws.offsets[rows + 1]
        lengths = (ends - starts).astype(np.int64)
        citing = lengths > 0
        starts, lengths = starts[citing], lengths[citing]
        # Every citation of the rows: the positions between each row's offsets, gathered at once.
        pairs = citations.pairs[stretch_positions(starts, lengths)]
        counts = np.bincount(citations.pair_laws[pairs], minlength=len(names))
        # Distinct pairs by a sort (numpy's unique hashes, ten times slower here). The pairs come in document order
        # and are numbered report by report, so they are runs a stable sort (timsort) merges: half a radix sort's time.
        pairs = np.sort(pairs, kind="stable")
        distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
        return names, counts, np.bincount(citations.pair_laws[distinct], minlength=len(names))
    codes = index.facet_codes[name]
    names = codes.names
    counts = np.bincount(codes.rows[rows], minlength=len(names))
    if codes.reports is not None:
        reports = np.bincount(codes.reports[reports_of(index, rows, report_sets)], minlength=len(names))
    else:
        reports = _reports_per_code(index, codes.rows[rows], index.report_rows[rows], len(names))
    return names, counts, reports


# Distinct (report, value) pairs are marked in a table of every possible pair rather than sorted when the table
# has at most this many places per pair counted (section types over many hits: 200,000 reports times a dozen
# types, against a sort of hundreds of thousands of pairs).
_MARKS_PER_PAIR = 8


# The law facet scans every citation when the rows are at least this share of them (1 / N).
_CITATIONS_PER_ROW_SCAN = 4


@dataclass(frozen=True)
class _Citations:
    """Every citation of a law in the table, in document order: its document and its (report, law) pair, the pairs
    numbered in order; per pair, its law's code. Distinct reports per law are then distinct pairs, found by a count
    per pair instead of a sort of (law, report) pairs."""

    documents: np.ndarray
    pairs: np.ndarray
    pair_laws: np.ndarray


def _citations(index: SearchIndex) -> _Citations:
    """The citations, made once per opened index (12 bytes a citation, 14 MB at 200,000 reports)."""
    key = ("citations",)
    if key not in index._cache:
        laws = index.table.laws
        documents = laws.rows_of_codes().astype(np.int32)
        size = max(len(laws.names), 1)
        pairs, numbers = np.unique(np.asarray(index.report_rows)[documents].astype(np.int64) * size + laws.codes,
                                   return_inverse=True)
        index._cache[key] = _Citations(documents, numbers.astype(np.int32), (pairs % size).astype(np.int32))
    return index._cache[key]


def _reports_per_code(index: SearchIndex, codes: np.ndarray, report_rows: np.ndarray, size: int) -> np.ndarray:
    """Per value code, the distinct reports among (code, report row) pairs given in document order.

    Report rows never decrease in document order (a report's passages are numbered together, reports in
    order of their first passage), so a stable sort by code, a radix sort for codes of 16 bits, leaves each
    code's reports in order and a report's repeats side by side: counting changes counts distinct pairs.
    """
    if not len(codes):
        return np.zeros(size, dtype=np.int64)
    report_count = max(index.report_count, 1)
    if report_count * size <= _MARKS_PER_PAIR * len(codes):
        # Few values (section types): a mark per (report, value) pair, then the marked pairs counted per value.
        marked = np.zeros(report_count * size, dtype=bool)
        marked[report_rows.astype(np.int64) * size + codes] = True
        return np.bincount(np.flatnonzero(marked) % size, minlength=size)
    if index.reports_in_order and size <= 1 << 16:
        order = np.argsort(codes.astype(np.uint16), kind="stable")
        codes, report_rows = codes[order], report_rows[order]
        first = np.ones(len(codes), dtype=bool)
        first[1:] = (codes[1:] != codes[:-1]) | (report_rows[1:] != report_rows[:-1])
        return np.bincount(codes[first], minlength=size)
    pairs = np.unique(codes.astype(np.int64) * report_count + report_rows)
    return np.bincount(pairs // report_count, minlength=size)


def reports_of(index: SearchIndex, rows: np.ndarray, report_sets: dict[int, np.ndarray]) -> np.ndarray:
    """The distinct report rows of some documents, remembered per array of rows for the rest of one search."""
    if id(rows) not in report_sets:
        seen = np.zeros(max(index.report_count, 1), dtype=bool)
        seen[index.report_rows[rows]] = True
        report_sets[id(rows)] = np.flatnonzero(seen)
    return report_sets[id(rows)]


def _labeller(index: SearchIndex, name: str) -> Callable[[str], str]:
    if name == "year":
        return lambda value: f"{value}年"
    if name == "section_type":
        return lambda value: SECTION_LABELS.get(value, value)
    if name == "law":
        return lambda value: index.table.law_labels.get(value, value)
    return lambda value: value

"""Filters and facets: the hits a search's filters let through, and each facet's values counted over all hits
with the other facets' filters only (so ticking a year leaves the other years' counts visible).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

from indexer.index import FACETS
from indexer.parse import SECTION_LABELS, fold_for_matching
from indexer.search.opened_index import SearchIndex
from indexer.search.query import SearchFilters


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its passages (`count`) and distinct reports among the hits."""

    value: str
    label: str
    count: int
    reports: int


def apply_filters(index: SearchIndex, rows: list[int], filters: SearchFilters) -> tuple[list[int], dict[str, list[int]]]:
    """The rows passing every filter, and for each facet the rows passing every filter but its own."""
    allowed = {name: _allowed_rows(index, name, filters) for name in FACETS}
    allowed = {name: rows_set for name, rows_set in allowed.items() if rows_set is not None}
    if not allowed:
        return rows, {name: rows for name in FACETS}

    def keep(names: list[str]) -> list[int]:
        if not names:
            return rows
        sets = sorted((allowed[name] for name in names), key=len)
        if rows is index.live_rows:
            # Browsing: the filters alone decide, so intersect them instead of walking every passage.
            return sorted(sets[0].intersection(*sets[1:]))
        kept = rows
        for rows_set in sets:
            kept = list(filter(rows_set.__contains__, kept))
        return kept

    passing = keep(list(allowed))
    by_facet = {name: keep([other for other in allowed if other != name]) for name in allowed}
    return passing, {name: by_facet.get(name, passing) for name in FACETS}


def _allowed_rows(index: SearchIndex, name: str, filters: SearchFilters) -> frozenset[int] | None:
    """The documents a facet's filter lets through (its values ORed), or None when the facet is not filtered."""
    if name == "year":
        values = tuple(filters.year)
    else:
        values = tuple(dict.fromkeys(fold_for_matching(value) for value in getattr(filters, name)))
    if not values:
        return None

    def allowed() -> frozenset[int]:
        table = index.table
        if name == "year":
            column = index.row_values["year"]
            found = [
                row for row in index.live_rows if column[row] and any(years.includes(int(column[row])) for years in values)
            ]
        elif name == "section_type":
            found = [row for row in index.live_rows if table.section_types[row] in values]
        elif name == "law":
            wanted = set(values)
            laws = table.laws
            found = [
                row for row in index.live_rows if laws[row] and not wanted.isdisjoint(map(fold_for_matching, laws[row]))
            ]
        else:
            column = index.row_values[name]
            wanted_values = {value for value in set(column) if fold_for_matching(value) in values}
            found = [row for row in index.live_rows if column[row] in wanted_values]
        return frozenset(found)

    return index.filter_cache.get_or_make((name, values), allowed)


def facet_values(
    index: SearchIndex,
    name: str,
    rows: list[int],
    filters: SearchFilters,
    limit: int | None,
    report_sets: dict[int, set[int]],
) -> tuple[FacetValue, ...]:
    """A facet's values over the rows, most passages first, cut to `limit` but keeping the selected values."""
    if rows is index.live_rows:
        # Browsing everything: the same counts every time.
        key = ("all counts", name)
        if key not in index._cache:
            index._cache[key] = _facet_counts(index, name, rows, report_sets)
        counts, reports = index._cache[key]
    else:
        counts, reports = _facet_counts(index, name, rows, report_sets)
    ordered = sorted(counts, key=lambda value: (-counts[value], -reports[value], value))
    shown = ordered if limit is None else ordered[:limit]
    if name == "year":
        selected = [value for value in ordered if any(year_range.includes(int(value)) for year_range in filters.year)]
    else:
        selected = list(getattr(filters, name))
    shown += [value for value in selected if value not in shown and value in counts]
    labels = _labeller(index, name)
    values = tuple(FacetValue(value, labels(value), counts[value], reports[value]) for value in shown)
    missing = tuple(FacetValue(value, labels(value), 0, 0) for value in selected if value not in counts)
    return values + missing


def _facet_counts(
    index: SearchIndex, name: str, rows: list[int], report_sets: dict[int, set[int]]
) -> tuple[Counter, Counter]:
    """Passages and distinct reports per facet value; passages without a value count for none.

    Counting runs in C (Counter over map and zip); a Python loop per hit would cost several times more.
    """
    table = index.table
    report_count = max(len(table.report_ids), 1)
    if name == "section_type":
        counts = Counter(map(table.section_types.__getitem__, rows))
        numbers = Counter(map(report_count.__rfloordiv__, set(map(index.section_pairs.__getitem__, rows))))
        reports = Counter({index.section_names[number]: count for number, count in numbers.items()})
    elif name == "law":
        citing = list(filter(table.laws.__getitem__, rows))
        counts = Counter(chain.from_iterable(map(table.laws.__getitem__, citing)))
        pairs = set(chain.from_iterable(map(index.law_pairs.__getitem__, citing)))
        numbers = Counter(map(report_count.__rfloordiv__, pairs))
        reports = Counter({index.law_names[number]: count for number, count in numbers.items()})
    else:
        counts = Counter(map(index.row_values[name].__getitem__, rows))
        reports = Counter(map(index.report_values[name].__getitem__, reports_of(index, rows, report_sets)))
    counts.pop("", None)
    reports.pop("", None)
    return counts, reports


def reports_of(index: SearchIndex, rows: list[int], report_sets: dict[int, set[int]]) -> set[int]:
    """The report rows of some documents, remembered per list of rows for the rest of one search."""
    if id(rows) not in report_sets:
        report_sets[id(rows)] = set(map(index.table.report_rows.__getitem__, rows))
    return report_sets[id(rows)]


def _labeller(index: SearchIndex, name: str) -> Callable[[str], str]:
    if name == "year":
        return lambda value: f"{value}年"
    if name == "section_type":
        return lambda value: SECTION_LABELS.get(value, value)
    if name == "law":
        return lambda value: index.table.law_labels.get(value, value)
    return lambda value: value

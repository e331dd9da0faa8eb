"""Queries and filters in, how often each query occurs by year and by province out.

Counts are reports and passages matching (search's matching), and the share of all reports of that year
or province under the same filters, so that a year with more reports does not look like a trend.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from indexer.research.occurrences import filtered_rows, match_rows
from indexer.research.passage_arrays import live_report_rows
from indexer.search import (
    Notice,
    NoticeText,
    SearchFilters,
    SearchIndex,
    notices_to_json,
)

MAX_QUERIES = 6
# A share resting on fewer reports than this (one report in 2023 reads as "100 %") is marked as unreliable.
FEW_REPORTS = 5


@dataclass(frozen=True)
class TrendPoint:
    """One year or province of a series: reports and passages matching, and all reports there."""

    value: str  # a year as digits, or a province name
    reports: int
    passages: int
    all_reports: int

    @property
    def share(self) -> float:
        """Matching reports as a fraction of all reports of the year or province (0 when there are none)."""
        return self.reports / self.all_reports if self.all_reports else 0.0

    @property
    def has_few_reports(self) -> bool:
        """Whether the share rests on fewer than FEW_REPORTS reports of its year or province."""
        return self.all_reports < FEW_REPORTS


@dataclass(frozen=True)
class TrendSeries:
    """One query's counts; years and provinces with reports but no match are included with zeros."""

    query: str
    filters: SearchFilters  # the query's field filters and the caller's, combined
    notices: tuple[Notice, ...]
    reports: int
    passages: int
    by_year: tuple[TrendPoint, ...]  # oldest first
    by_province: tuple[TrendPoint, ...]  # most reports first


@dataclass(frozen=True)
class Trends:
    """The series of several queries under the same filters, with the years and provinces any of them spans."""

    filters: SearchFilters
    series: tuple[TrendSeries, ...]
    years: tuple[int, ...]
    provinces: tuple[str, ...]


def trends(
    index: SearchIndex, queries: tuple[str, ...], filters: SearchFilters = SearchFilters(), match_words: bool = False
) -> Trends:
    """Each query's reports, passages and share of reports by year and by province (reports of unknown year or
    province left out); with `match_words`, only passages matching as whole words count."""
    series = tuple(_series(index, query, filters, match_words) for query in dict.fromkeys(queries) if query.strip())
    years = sorted({int(point.value) for one in series for point in one.by_year})
    provinces = {}
    for one in series:
        for point in one.by_province:
            provinces[point.value] = max(provinces.get(point.value, 0), point.all_reports)
    return Trends(
        filters=filters,
        series=series,
        years=tuple(years),
        provinces=tuple(sorted(provinces, key=lambda name: (-provinces[name], name))),
    )


def trends_to_json(result: Trends, notice_text: NoticeText) -> dict:
    """The JSON of `GET /api/trends`."""
    return {
        "years": list(result.years),
        "provinces": list(result.provinces),
        "series": [
            {
                "query": one.query,
                "notice": notice_text(one.notices),
                "notices": notices_to_json(one.notices),
                "reports": one.reports,
                "passages": one.passages,
                "by_year": [{"year": int(point.value), **_point_to_json(point)} for point in one.by_year],
                "by_province": [{"province": point.value, **_point_to_json(point)} for point in one.by_province],
            }
            for one in result.series
        ],
    }


def _point_to_json(point: TrendPoint) -> dict:
    return {"reports": point.reports, "passages": point.passages, "all_reports": point.all_reports, "share": round(point.share, 4),
            "few_reports": point.has_few_reports}


def _series(index: SearchIndex, query: str, filters: SearchFilters, match_words: bool) -> TrendSeries:
    matched = match_rows(index, query, filters, match_words)
    rows = np.asarray(matched.rows, dtype=np.int64)
    matching_reports = np.unique(index.report_rows[rows])
    all_reports = _reports_under(index, matched.filters)
    return TrendSeries(
        query=query,
        filters=matched.filters,
        notices=matched.parsed.notices,
        reports=len(matching_reports),
        passages=len(rows),
        by_year=_points(index, "year", rows, matching_reports, all_reports, by_value=True),
        by_province=_points(index, "province", rows, matching_reports, all_reports, by_value=False),
    )


def _reports_under(index: SearchIndex, filters: SearchFilters) -> np.ndarray:
    """The report rows with at least one passage passing the filters, ascending (remembered for the unfiltered index)."""
    if filters.is_empty():
        return live_report_rows(index)
    return np.unique(index.report_rows[np.asarray(filtered_rows(index, filters), dtype=np.int64)])


def _points(
    index: SearchIndex, name: str, rows: np.ndarray, matching_reports: np.ndarray, all_reports: np.ndarray, by_value: bool
) -> tuple[TrendPoint, ...]:
    """Counts per value of a report facet; values sorted by value (years) or by all reports (provinces)."""
    codes = index.facet_codes[name]
    size = len(codes.names)
    passages = _by_name(codes.names, np.bincount(codes.rows[rows], minlength=size))
    reports = _by_name(codes.names, np.bincount(codes.reports[matching_reports], minlength=size))
    totals = _by_name(codes.names, np.bincount(codes.reports[all_reports], minlength=size))
    totals.pop("", None)
    if by_value:
        values = sorted(totals, key=int)
    else:
        values = sorted(totals, key=lambda value: (-totals[value], value))
    return tuple(TrendPoint(value, reports[value], passages[value], totals[value]) for value in values)


def _by_name(names: list[str], counts: np.ndarray) -> Counter:
    """Counts per code as a Counter by value, values counted 0 left out."""
    found: Counter = Counter()
    for code, count in enumerate(counts.tolist()):
        if count:
            found[names[code]] += count
    return found

"""Topics and filters in, a grid of reports (rows) × topics (columns) out: how many passages of each
report match each topic, so a reviewer sees which township report skipped what.

A topic is a query like a search query (枫桥经验, law:民法典, 行政执法 section:problems), matched as search matches.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from indexer.research.occurrences import filtered_rows, match_rows
from indexer.research.passage_arrays import (
    cached,
    live_reports_by,
    place_ranks,
    report_id_ranks,
    report_years,
)
from indexer.search import (
    Notice,
    NoticeText,
    SearchFilters,
    SearchIndex,
    notices_to_json,
)

DEFAULT_TOPICS = ("普法", "行政执法", "法律顾问", "矛盾纠纷", "信访", "政务公开", "枫桥经验")
MAX_TOPICS = 20
MAX_PER_PAGE = 1000
# 普法,信访、政务公开 — commas of either width, the enumeration comma, semicolons and line breaks separate topics.
_TOPIC_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class TopicSummary:
    """One column: the topic, and how many of the grid's reports and passages it covers."""

    topic: str
    reports: int
    passages: int
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class CoverageRow:
    """One report and its passage count per topic, in the order of the topics (0 where it does not cover one)."""

    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    passages: tuple[int, ...]


@dataclass(frozen=True)
class Coverage:
    """One page of the grid, with totals over every report the filters keep."""

    filters: SearchFilters
    topics: tuple[TopicSummary, ...]
    total: int  # reports in the grid
    page: int
    per_page: int
    rows: tuple[CoverageRow, ...]


def split_topics(text: str) -> tuple[str, ...]:
    """Topics from one parameter: 普法,信访、政务公开 → (普法, 信访, 政务公开), blanks and repeats dropped."""
    return tuple(dict.fromkeys(topic.strip() for topic in _TOPIC_SEPARATORS.split(text) if topic.strip()))


def coverage(
    index: SearchIndex,
    topics: tuple[str, ...] = DEFAULT_TOPICS,
    filters: SearchFilters = SearchFilters(),
    page: int = 1,
    per_page: int = 100,
    match_words: bool = False,
) -> Coverage:
    """One page of reports (by province, county, township, newer years first) with each topic's passage count
    (only passages holding the topic as whole words with `match_words`)."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    summaries, counts, report_order = _grid(index, topics, filters, match_words)
    first = (page - 1) * per_page
    return Coverage(
        filters=filters,
        topics=summaries,
        total=len(report_order),
        page=page,
        per_page=per_page,
        rows=tuple(_row(index, report_row, counts) for report_row in report_order[first:first + per_page]),
    )


def coverage_rows(
    index: SearchIndex,
    topics: tuple[str, ...] = DEFAULT_TOPICS,
    filters: SearchFilters = SearchFilters(),
    match_words: bool = False,
) -> tuple[tuple[TopicSummary, ...], Iterator[CoverageRow]]:
    """The topic summaries and every row of the grid, for the export."""
    summaries, counts, report_order = _grid(index, topics, filters, match_words)
    return summaries, (_row(index, report_row, counts) for report_row in report_order)


def coverage_to_json(result: Coverage, notice_text: NoticeText) -> dict:
    """The JSON of `GET /api/coverage`: topics with their totals, and one page of report rows with a cell per topic."""
    return {
        "topics": [
            {"topic": topic.topic, "reports": topic.reports, "passages": topic.passages, "notice": notice_text(topic.notices),
             "notices": notices_to_json(topic.notices)}
            for topic in result.topics
        ],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "rows": [row_to_json(row, result.topics) for row in result.rows],
    }


def row_to_json(row: CoverageRow, topics: tuple[TopicSummary, ...]) -> dict:
    """One report row: where it is, and for each topic the passages covering it (0: not covered)."""
    return {
        "report_id": row.report_id,
        "title": row.title,
        "township": row.township,
        "county": row.county,
        "province": row.province,
        "year": row.year,
        "cells": [{"topic": topic.topic, "passages": passages} for topic, passages in zip(topics, row.passages)],
    }


def _grid(
    index: SearchIndex, topics: tuple[str, ...], filters: SearchFilters, match_words: bool = False
) -> tuple[tuple[TopicSummary, ...], list[list[int]], list[int]]:
    """The topic summaries, passages per report row for each topic, and the grid's report rows in order."""
    in_grid = np.zeros(index.report_count, dtype=bool)
    in_grid[index.report_rows[np.asarray(filtered_rows(index, filters), dtype=np.int64)]] = True
    summaries = []
    counts = []
    for topic in topics:
        matched = match_rows(index, topic, filters, match_words)
        per_report = np.bincount(index.report_rows[np.asarray(matched.rows, dtype=np.int64)], minlength=index.report_count)
        counts.append(per_report.tolist())
        # The topic's passages pass the grid's filters too, so every report counted here is a row of the grid.
        summaries.append(
            TopicSummary(
                topic=topic,
                reports=int(np.count_nonzero(per_report)),
                passages=len(matched.rows),
                notices=matched.parsed.notices,
            )
        )
    order = _place_order(index)
    return tuple(summaries), counts, order[in_grid[order]].tolist()


def _place_order(index: SearchIndex) -> np.ndarray:
    """Every report row with a live passage by province, county, township (unknown places last), newer years
    first, id; sorted once per index."""
    return cached(index, "coverage report order", lambda: live_reports_by(
        index, *(place_ranks(index, facet) for facet in ("province", "county", "township")), -report_years(index),
        report_id_ranks(index),
    ))


def _row(index: SearchIndex, report_row: int, counts: list[list[int]]) -> CoverageRow:
    table = index.table
    return CoverageRow(
        report_id=table.report_ids[report_row],
        title=table.titles[report_row],
        township=table.townships[report_row],
        county=table.counties[report_row],
        province=table.provinces[report_row],
        year=table.years[report_row],
        passages=tuple(per_report[report_row] for per_report in counts),
    )

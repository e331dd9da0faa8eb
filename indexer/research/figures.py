"""A phrase (法律明白人, 审查合同, 矛盾纠纷) and the search filters in, every figure the reports state for it out:
value, unit, township, county, year and the sentence; per report the figure, and per year and province
the reports stating one with their median and sum, unit by unit.

Passages are chosen as search chooses them; figures are read from the folded text (numbers.py), whose
offsets are offsets in the stored text, so only the sentences shown need the stored text.
"""
from __future__ import annotations

import statistics
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np

from indexer.parse import fold_for_matching
from indexer.research.numbers import figures_for_phrase, sentence_around
from indexer.research.occurrences import match_rows
from indexer.research.passage_arrays import cached
from indexer.search import (
    Notice,
    NoticeText,
    SearchFilters,
    SearchIndex,
    filters_to_json,
    notices_to_json,
)

# Bounds: passages read for one query, figures kept.
MAX_PASSAGES = 10_000
MAX_FIGURES = 10_000
# Queries whose figures are remembered per index.
RECENT_QUERIES = 15
MAX_PER_PAGE = 500
_SENTENCE_CONTEXT = 80  # characters either side of a figure at most, in the sentence shown


@dataclass(frozen=True)
class Figure:
    """One figure stated next to the phrase, with the passage and sentence it stands in."""

    value: float
    unit: str
    as_written: str
    is_approximate: bool
    phrase: str
    report_id: str
    passage_id: str
    township: str
    county: str
    province: str
    year: int | None
    sentence: str
    url: str


@dataclass(frozen=True)
class ReportFigure:
    """A report's figure for the phrase in one unit: the largest it states (the total where it also gives parts)."""

    report_id: str
    township: str
    county: str
    province: str
    year: int | None
    unit: str
    value: float
    statements: int


@dataclass(frozen=True)
class FigureGroup:
    """Reports of one year or province stating a figure in one unit, with the median and sum of their figures."""

    value: str  # the year as digits, or the province
    unit: str
    reports: int
    median: float
    total: float


@dataclass(frozen=True)
class Figures:
    """One page of the figures stated for a query, with the per-report figures and the groups over all of them."""

    query: str
    filters: SearchFilters
    notices: tuple[Notice, ...]  # what the query parser did with what it could not read
    total: int
    page: int
    per_page: int
    is_truncated: bool  # more passages or figures than the bounds allow; the counts cover the first ones
    figures: tuple[Figure, ...]
    by_report: tuple[ReportFigure, ...]
    main_unit: str  # the unit most reports state a figure in ("" when none)
    by_year: tuple[FigureGroup, ...]
    by_province: tuple[FigureGroup, ...]


@dataclass(frozen=True)
class _Found:
    row: int
    start: int  # of the figure in the passage text
    end: int
    value: float
    unit: str
    as_written: str
    is_approximate: bool
    phrase: str


def figures(index: SearchIndex, query_text: str, filters: SearchFilters = SearchFilters(), page: int = 1,
            per_page: int = 100, match_words: bool = False) -> Figures:
    """The figures the matching passages state next to the query's phrases; one page of them, and every group.

    `match_words` keeps only passages where the phrase stands as whole words (match=words), as search does.
    """
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    found, matched_filters, notices, is_truncated = _find(index, query_text, filters, match_words)
    by_report = _by_report(index, found)
    counts: dict[str, int] = {}
    for one in by_report:
        counts[one.unit] = counts.get(one.unit, 0) + 1
    main_unit = min(counts, key=lambda unit: (-counts[unit], unit)) if counts else ""
    shown = found[(page - 1) * per_page:page * per_page]
    return Figures(
        query=query_text,
        filters=matched_filters,
        notices=notices,
        total=len(found),
        page=page,
        per_page=per_page,
        is_truncated=is_truncated,
        figures=tuple(_figure(index, one, query_text) for one in shown),
        by_report=by_report,
        main_unit=main_unit,
        by_year=_groups(by_report, lambda one: "" if one.year is None else str(one.year), by_value=True),
        by_province=_groups(by_report, lambda one: one.province, by_value=False),
    )


def iter_figures(
    index: SearchIndex, query_text: str, filters: SearchFilters = SearchFilters(), match_words: bool = False
) -> Iterator[Figure]:
    """Every figure of the query (up to the bounds), in the page order, for the CSV export."""
    found, _, _, _ = _find(index, query_text, filters, match_words)
    for one in found:
        yield _figure(index, one, query_text)


def figures_to_json(result: Figures, notice_text: NoticeText) -> dict:
    """The JSON of `GET /api/figures`; `notice_text` words the notices in the interface's language."""
    return {
        "query": result.query,
        "filters": filters_to_json(result.filters),
        "notice": notice_text(result.notices),
        "notices": notices_to_json(result.notices),
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "truncated": result.is_truncated,
        "figures": [figure_to_json(one) for one in result.figures],
        "by_report": [
            {"report_id": one.report_id, "township": one.township, "county": one.county, "province": one.province,
             "year": one.year, "unit": one.unit, "value": _number(one.value), "statements": one.statements}
            for one in result.by_report
        ],
        "main_unit": result.main_unit,
        "by_year": [{"year": int(one.value), **_group_to_json(one)} for one in result.by_year],
        "by_province": [{"province": one.value, **_group_to_json(one)} for one in result.by_province],
    }


def figure_to_json(one: Figure) -> dict:
    """One figure as the API and the CSV export give it."""
    return {
        "value": _number(one.value), "unit": one.unit, "as_written": one.as_written, "approximate": one.is_approximate,
        "phrase": one.phrase, "township": one.township, "county": one.county, "province": one.province,
        "year": one.year, "report_id": one.report_id, "passage_id": one.passage_id, "sentence": one.sentence,
        "url": one.url,
    }


def _group_to_json(group: FigureGroup) -> dict:
    return {"unit": group.unit, "reports": group.reports, "median": _number(group.median), "total": _number(group.total)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


def _find(
    index: SearchIndex, query_text: str, filters: SearchFilters, match_words: bool = False
) -> tuple[list[_Found], SearchFilters, tuple[Notice, ...], bool]:
    """Figures in the matching passages, by year (newest first), township and text order; remembered per query."""
    key = (query_text, filters, match_words)
    recent = _recent(index)
    remembered = recent.get(key)
    if remembered is not None:
        return remembered
    matched = match_rows(index, query_text, filters, match_words)
    phrases = sorted({fold_for_matching(phrase) for phrase in matched.parsed.phrases} - {""}, key=lambda p: (-len(p), p))
    table = index.table
    rows = np.asarray(matched.rows, dtype=np.int64)
    rows = rows[np.lexsort((rows, index.township_ranks[rows], index.negative_years[rows]))][:MAX_PASSAGES + 1].tolist()
    is_truncated = len(rows) > MAX_PASSAGES
    found: list[_Found] = []
    for row in rows[:MAX_PASSAGES]:
        text = table.match_texts[row][table.heading_ends[row] + 1:]
        taken: set[int] = set()
        for phrase in phrases:
            for _, figure in figures_for_phrase(text, phrase):
                if figure.start not in taken:
                    taken.add(figure.start)
                    found.append(_Found(row, figure.start, figure.end, figure.value, figure.unit, figure.as_written,
                                        figure.is_approximate, phrase))
        if len(found) >= MAX_FIGURES:
            is_truncated = True
            found = found[:MAX_FIGURES]
            break
    result = (found, matched.filters, tuple(matched.parsed.notices), is_truncated)
    # One entry per recent query, so the cache stays small; another thread may have dropped the oldest meanwhile.
    recent[key] = result
    while len(recent) > RECENT_QUERIES:
        try:
            recent.popitem(last=False)
        except KeyError:
            break
    return result


def _recent(index: SearchIndex) -> OrderedDict:
    """The figures of the last RECENT_QUERIES queries, oldest first: one fixed key of the index's cache."""
    return cached(index, "figures of recent queries", OrderedDict)


def _figure(index: SearchIndex, one: _Found, query_text: str) -> Figure:
    table = index.table
    report_row = table.report_rows[one.row]
    stored_text = index.searcher().stored_fields(one.row).get("text", "")
    start, end = sentence_around(stored_text, one.start, one.end)
    # A long run-on sentence is cut to the words around the figure.
    start, end = max(start, one.start - _SENTENCE_CONTEXT), min(end, one.end + _SENTENCE_CONTEXT)
    report_id = table.report_ids[report_row]
    passage_id = table.passage_ids[one.row]
    return Figure(
        value=one.value, unit=one.unit, as_written=stored_text[one.start:one.end] or one.as_written,
        is_approximate=one.is_approximate, phrase=one.phrase, report_id=report_id, passage_id=passage_id,
        township=table.townships[report_row], county=table.counties[report_row],
        province=table.provinces[report_row], year=table.years[report_row],
        sentence=stored_text[start:end].strip().replace("\n", " "),
        url=f"/reports/{quote(report_id)}?q={quote(query_text)}#{quote(passage_id)}",
    )


def _by_report(index: SearchIndex, found: list[_Found]) -> tuple[ReportFigure, ...]:
    table = index.table
    best: dict[tuple[int, str], list[float]] = {}
    report_rows = table.report_rows.array
    for row, unit, value in zip(report_rows[[one.row for one in found]].tolist(), (one.unit for one in found),
                                (one.value for one in found)):
        best.setdefault((row, unit), []).append(value)
    # Each report's fields read once (a report states several figures), not once per figure and sort comparison.
    places = {
        row: (table.report_ids[row], table.townships[row], table.counties[row], table.provinces[row], table.years[row])
        for row in {row for row, _unit in best}
    }
    return tuple(
        ReportFigure(
            report_id=places[report_row][0], township=places[report_row][1], county=places[report_row][2],
            province=places[report_row][3], year=places[report_row][4], unit=unit, value=max(values),
            statements=len(values),
        )
        for (report_row, unit), values in sorted(
            best.items(), key=lambda item: (-(places[item[0][0]][4] or 0), places[item[0][0]][2],
                                            places[item[0][0]][1], item[0][1]))
    )


def _groups(by_report: tuple[ReportFigure, ...], value_of, by_value: bool) -> tuple[FigureGroup, ...]:
    """Per year or province and unit: reports, the median and the sum of their figures (unknown values left out)."""
    groups: dict[tuple[str, str], list[float]] = {}
    for one in by_report:
        value = value_of(one)
        if value:
            groups.setdefault((value, one.unit), []).append(one.value)
    if by_value:
        order = sorted(groups, key=lambda item: (int(item[0]), item[1]))
    else:
        order = sorted(groups, key=lambda item: (-len(groups[item]), item[0], item[1]))
    return tuple(
        FigureGroup(value=value, unit=unit, reports=len(groups[(value, unit)]),
                    median=statistics.median(groups[(value, unit)]), total=sum(groups[(value, unit)]))
        for value, unit in order
    )

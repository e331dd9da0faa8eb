"""An opened index and a township name in, that township's reports year by year out: each report's outline,
and per pair of consecutive years the share of the later report's text found in the earlier one and the
problems passages repeated nearly unchanged (a problem reported again is a problem not rectified).
Also the townships across the corpus whose problems repeat year after year.

A township is a (township, county) pair: names repeat across counties (several 城关镇), so each county's
township is a series of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.index import NO_GROUP
from indexer.report import Section
from indexer.research.copying import (
    COPIED_SENTENCE_SHARE,
    copied_share,
    shingles,
    stored_report,
)
from indexer.research.passage_arrays import (
    cached,
    live_reports_by,
    report_id_ranks,
    report_passages,
    report_years,
)
from indexer.search import SearchIndex

# The most reports one township page lists (a township has one a year).
MAX_REPORTS = 30
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class OutlineEntry:
    number: str
    title: str
    level: int
    section_type: str


@dataclass(frozen=True)
class TownshipReport:
    report_id: str
    title: str
    year: int | None
    date: str
    indexed_at: float
    outline: tuple[OutlineEntry, ...]


@dataclass(frozen=True)
class RepeatedProblem:
    """A problems passage of the later report that the earlier report's problems hold nearly unchanged."""

    later_passage_id: str
    earlier_passage_id: str
    share: float  # of the later passage's shingles found in the earlier passage
    text: str  # the later passage's folded text


@dataclass(frozen=True)
class YearPair:
    earlier_report_id: str
    later_report_id: str
    earlier_year: int | None
    later_year: int | None
    copied_share: float  # of the later report's text, in sentences the earlier one holds nearly unchanged
    repeated_problems: tuple[RepeatedProblem, ...]


@dataclass(frozen=True)
class TownshipHistory:
    township: str
    county: str
    province: str
    reports: tuple[TownshipReport, ...]  # oldest first
    pairs: tuple[YearPair, ...]


@dataclass(frozen=True)
class RepeatingTownship:
    """A township whose problems passages reappear in a later report, by the near-duplicate groups."""

    township: str
    county: str
    province: str
    years: tuple[int, ...]
    repeating_years: tuple[int, ...]  # later years of the pairs with a problem repeated
    repeated_passages: int


def township_histories(index: SearchIndex, township: str, county: str = "") -> tuple[TownshipHistory, ...]:
    """Each county's township of this name (only the given county's when one is given), its reports by year."""
    places = [place for place in _reports_by_place(index) if place[0] == township and (not county or place[1] == county)]
    return tuple(_history(index, place) for place in sorted(places))


def repeating_townships(index: SearchIndex) -> tuple[RepeatingTownship, ...]:
    """Townships with a problems passage in the same near-duplicate group as one of their previous year's, most
    repeats first; found once per index with numpy over the problems passages and the townships' years."""
    return cached(index, "repeating townships", lambda: _repeating_townships(index))


def _repeating_townships(index: SearchIndex) -> tuple[RepeatingTownship, ...]:
    table = index.table
    live = index.live_rows
    groups = table.duplicate_groups.array
    chosen = live[(table.section_types.codes[live] == _code(table.section_types.names, "problems"))
                  & (groups[live] != NO_GROUP)]
    # (report row, group) of every problems passage with a near-copy, as one number each, sorted
    documents = len(index.report_rows)
    problems = np.unique(index.report_rows[chosen].astype(np.int64) * documents + groups[chosen])
    # Each township's dated reports in year order: earlier[i] is followed by later[i].
    series = _place_series(index)
    years = report_years(index)
    dated = years[series.rows] != 0
    rows, places = series.rows[dated], series.places[dated]
    follows = np.flatnonzero(places[1:] == places[:-1])
    earlier, later = rows[follows], rows[follows + 1]
    next_report = np.full(index.report_count, -1, dtype=np.int64)
    next_report[earlier] = later
    # Per problems group of an earlier report: does the next report's problems hold the same group?
    owners = problems // documents
    successors = next_report[owners]
    followed = successors >= 0
    wanted = successors[followed] * documents + problems[followed] % documents
    held = np.zeros(len(wanted), dtype=bool)
    if len(problems):
        held = problems[np.minimum(np.searchsorted(problems, wanted), len(problems) - 1)] == wanted
    shared = np.bincount(owners[followed][held], minlength=index.report_count)[earlier]
    repeats = np.flatnonzero((shared > 0) & (years[later] != years[earlier]))
    townships, counties = index.facet_codes["township"].names, index.facet_codes["county"].names
    found = []
    for pairs in _runs(places[follows[repeats]], repeats):
        place = int(places[follows[pairs[0]]])
        township, county = divmod(place, len(counties))
        place_years = years[rows[np.searchsorted(places, place):np.searchsorted(places, place, "right")]]
        found.append(RepeatingTownship(
            townships[township], counties[county], table.provinces[int(series.rows[np.searchsorted(series.places, place)])],
            tuple(place_years.tolist()), tuple(years[later[pairs]].tolist()), int(shared[pairs].sum()),
        ))
    found.sort(key=lambda one: (-len(one.repeating_years), -one.repeated_passages, one.township, one.county))
    return tuple(found)


@dataclass(frozen=True)
class _PlaceSeries:
    """Every report with a township and a live passage, grouped by township (a township and county pair) and
    oldest first within one: the report rows, and per row its place as one number, township code × counties +
    county code (the facets' codes, in the names' order)."""

    rows: np.ndarray
    places: np.ndarray


def _place_series(index: SearchIndex) -> _PlaceSeries:
    def compute() -> _PlaceSeries:
        townships, counties = index.facet_codes["township"], index.facet_codes["county"]
        rows = live_reports_by(index, townships.reports, counties.reports, report_years(index), report_id_ranks(index))
        rows = rows[townships.reports[rows] != 0]
        places = townships.reports[rows].astype(np.int64) * len(counties.names) + counties.reports[rows]
        return _PlaceSeries(rows, places)
    return cached(index, "township series", compute)


def _runs(keys: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """`values` cut where the (grouped) `keys` beside them change."""
    return np.split(values, np.flatnonzero(keys[1:] != keys[:-1]) + 1) if len(values) else []


def township_to_json(history: TownshipHistory) -> dict:
    """One township's entry in `GET /api/townships/<name>`."""
    return {
        "township": history.township, "county": history.county, "province": history.province,
        "reports": [
            {"report_id": one.report_id, "title": one.title, "year": one.year, "date": one.date or None,
             "outline": [{"number": entry.number, "title": entry.title, "level": entry.level,
                          "section_type": entry.section_type} for entry in one.outline]}
            for one in history.reports
        ],
        "pairs": [
            {"earlier_report_id": pair.earlier_report_id, "later_report_id": pair.later_report_id,
             "earlier_year": pair.earlier_year, "later_year": pair.later_year, "copied_share": pair.copied_share,
             "repeated_problems": [
                 {"later_passage_id": one.later_passage_id, "earlier_passage_id": one.earlier_passage_id,
                  "share": one.share, "text": one.text} for one in pair.repeated_problems
             ]}
            for pair in history.pairs
        ],
    }


def repeating_to_json(one: RepeatingTownship) -> dict:
    """One row of `GET /api/townships`."""
    return {"township": one.township, "county": one.county, "province": one.province, "years": list(one.years),
            "repeating_years": list(one.repeating_years), "repeated_passages": one.repeated_passages}


def _reports_by_place(index: SearchIndex) -> dict[tuple[str, str], list[int]]:
    """(township, county) → its report rows, oldest first; reports without a township left out. Once per index."""
    def compute() -> dict[tuple[str, str], list[int]]:
        series = _place_series(index)
        townships, counties = index.facet_codes["township"].names, index.facet_codes["county"].names
        return {
            (townships[place // len(counties)], counties[place % len(counties)]): rows.tolist()
            for place, rows in zip(series.places[_starts(series.places)].tolist(), _runs(series.places, series.rows))
        }
    return cached(index, "reports by township", compute)


def _starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal (grouped) keys starts."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)


def _history(index: SearchIndex, place: tuple[str, str]) -> TownshipHistory:
    table = index.table
    report_rows = _reports_by_place(index)[place][-MAX_REPORTS:]
    reports = []
    for row in report_rows:
        stored = stored_report(index, table.report_ids[row])
        reports.append(TownshipReport(
            report_id=table.report_ids[row], title=table.titles[row], year=table.years[row], date=table.dates[row],
            indexed_at=table.indexed_at[row], outline=tuple(_outline(stored.sections)) if stored else (),
        ))
    texts = _folded_passages(index, set(report_rows))
    pairs = tuple(
        _pair(table, earlier, later, texts)
        for earlier, later in zip(report_rows, report_rows[1:])
    )
    return TownshipHistory(place[0], place[1], table.provinces[report_rows[0]], tuple(reports), pairs)


def _outline(sections: tuple[Section, ...]) -> list[OutlineEntry]:
    entries = []
    for section in sections:
        entries.append(OutlineEntry(section.number, section.title, section.level, section.section_type))
        entries += _outline(section.children)
    return entries


def _folded_passages(index: SearchIndex, report_rows: set[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Report row → (passage id, section type, folded text) of its passages, in document order."""
    table = index.table
    passages = report_passages(index)
    return {
        report_row: [
            (table.passage_ids[row], table.section_types[row], table.match_texts[row][table.heading_ends[row] + 1:])
            for row in passages.of(report_row).tolist()
        ]
        for report_row in report_rows
    }


def _code(names: list[str], name: str) -> int:
    """The code of a name in a coded column, or -1 when no row has it."""
    return names.index(name) if name in names else -1


def _pair(table, earlier: int, later: int, texts: dict[int, list[tuple[str, str, str]]]) -> YearPair:
    earlier_text = "\n".join(text for _, _, text in texts[earlier])
    later_text = "\n".join(text for _, _, text in texts[later])
    earlier_problems = [(passage_id, shingles(text)) for passage_id, kind, text in texts[earlier] if kind == "problems"]
    repeated = []
    for passage_id, kind, text in texts[later]:
        own = shingles(text) if kind == "problems" else set()
        if not own:
            continue
        best = max(((len(own & other) / len(own), other_id) for other_id, other in earlier_problems), default=None)
        if best is not None and best[0] >= COPIED_SENTENCE_SHARE:
            repeated.append(RepeatedProblem(passage_id, best[1], round(best[0], 4), text))
    return YearPair(
        earlier_report_id=table.report_ids[earlier], later_report_id=table.report_ids[later],
        earlier_year=table.years[earlier], later_year=table.years[later],
        copied_share=copied_share(later_text, earlier_text), repeated_problems=tuple(repeated),
    )

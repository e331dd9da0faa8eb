"""Every report's check, found once per opened index: which required parts (data/required_parts.tsv) it has and
where (a top-level section of the part's type, or subsections whose headings name it, as the build marked them in
index/view_arrays.py), whether it is dated before the deadline (data/report_deadlines.tsv), and its length; kept as
arrays by report row and counted with numpy, so checking 200,000 reports reads no heading or stored report.

review.py turns a report's facts into what a reviewer reads (flags, headings as written, county summaries).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from indexer.parse import required_parts, subsection_parts
from indexer.research.occurrences import filtered_rows
from indexer.research.passage_arrays import (
    ReportPassages,
    cached,
    heading_parts,
    live_reports_by,
    place_ranks,
    report_characters,
    report_column,
    report_id_ranks,
    report_years,
)
from indexer.search import SearchFilters, SearchIndex


@dataclass(frozen=True)
class Deadline:
    """A date in the year after the one reported on, by which the report is due."""

    key: str
    month: int
    day: int
    article: str
    label: str


@dataclass(frozen=True)
class FoundPart:
    """Where a part was found: a top-level section of its type, or a subsection whose heading names it."""

    key: str
    level: str  # section | subsection
    heading: str
    passage_id: str
    row: int = -1  # the passage's document number, to read its heading as written


@lru_cache(maxsize=1)
def deadlines() -> dict[str, Deadline]:
    """The report and publication deadlines, by key."""
    return {
        row["key"]: Deadline(row["key"], int(row["month"]), int(row["day"]), row["article"], row["label"])
        for row in _data_rows("report_deadlines.tsv")
    }


def _data_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("indexer") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def is_on_time(date: str, year: int | None) -> bool | None:
    """Whether a report dated `date` about `year` reached the next level up before the deadline (None when unknown)."""
    if not date or year is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return None
    due = deadlines()["report"]
    return date < f"{year + 1:04d}-{due.month:02d}-{due.day:02d}"


@dataclass(frozen=True)
class _PartPassages:
    """Where one part is in every report: per report row, the level it was found at (0 not found, then
    _SECTION, _SUBSECTION), and the passages that hold it, grouped by report."""

    levels: np.ndarray
    passages: ReportPassages

    def of(self, report_row: int) -> list[int]:
        return self.passages.of(report_row).tolist()


_SECTION, _SUBSECTION = 1, 2


@dataclass(frozen=True)
class CorpusFacts:
    """The check of every report, as arrays by report row."""

    parts: dict[str, _PartPassages]
    missing: np.ndarray  # a required part was found nowhere
    on_time: np.ndarray  # 1 on time, 0 late, -1 unknown
    characters: np.ndarray
    copied_characters: np.ndarray  # in passages with a near-copy in another report


@dataclass(frozen=True)
class ReportFacts:
    parts: tuple[FoundPart, ...]
    missing: tuple[str, ...]
    on_time: bool | None
    characters: int
    copied_characters: int
    problem_rows: tuple[int, ...]
    plan_rows: tuple[int, ...]


def reports_in_order(index: SearchIndex, filters: SearchFilters) -> np.ndarray:
    """Report rows with a passage under the filters, by county, township, year (newest first), id."""
    order = cached(index, "review report order", lambda: live_reports_by(
        index, place_ranks(index, "county"), place_ranks(index, "township"), -report_years(index),
        report_id_ranks(index),
    ))
    if filters.is_empty():
        return order
    chosen = np.zeros(index.report_count, dtype=bool)
    chosen[index.report_rows[np.asarray(filtered_rows(index, filters), dtype=np.int64)]] = True
    return order[chosen[order]]


def summary_counts(facts: CorpusFacts, codes: np.ndarray, report_rows: np.ndarray, values: int) -> np.ndarray:
    """Per county code (columns), the reports under review and how many are complete, late, missing a part and
    undated (rows, in CountySummary's order)."""
    missing, on_time = facts.missing[report_rows], facts.on_time[report_rows]
    return np.stack([
        np.bincount(codes, weights=weights, minlength=values).astype(np.int64)
        for weights in (None, ~missing, on_time == 0, missing, on_time == -1)
    ])


def corpus_facts(index: SearchIndex) -> CorpusFacts:
    """Every report's parts, date check and length; once per index, with numpy over the passages.

    A part is found at the top level by its section type; a report without that section has it where the
    headings of its subsections name it (一、主要工作 › （五）存在的问题), which the build marked per passage
    (index/view_arrays.py), so no heading is read here.
    """
    return cached(index, "review facts", lambda: _compute_facts(index))


def _compute_facts(index: SearchIndex) -> CorpusFacts:
    table = index.table
    live = index.live_rows
    owners = index.report_rows[live]
    if not index.reports_in_order:
        order = np.argsort(owners, kind="stable")
        live, owners = live[order], owners[order]
    sections = table.section_types.codes[live]
    named = heading_parts(index)[live]
    names = list(table.section_types.names)
    missing = np.zeros(index.report_count, dtype=bool)
    parts = {}
    for bit, part in enumerate(required_parts()):
        in_section = sections == (names.index(part.section_type) if part.section_type in names else -1)
        has_section = np.bincount(owners[in_section], minlength=index.report_count) > 0
        in_subsection = ((named >> bit) & 1).astype(bool) & ~has_section[owners]
        has_subsection = np.bincount(owners[in_subsection], minlength=index.report_count) > 0
        chosen = in_section | in_subsection
        levels = np.where(has_section, _SECTION, np.where(has_subsection, _SUBSECTION, 0)).astype(np.int8)
        starts = np.searchsorted(owners[chosen], np.arange(index.report_count + 1))
        parts[part.key] = _PartPassages(levels, ReportPassages(live[chosen], starts))
        if part.is_required:
            missing |= levels == 0
    characters, copied = report_characters(index)
    return CorpusFacts(parts, missing, _on_time(index), characters, copied)


def _on_time(index: SearchIndex) -> np.ndarray:
    """Per report row, 1 when dated before the deadline, 0 when after, -1 when the date or year is unknown."""
    dates, years = report_column(index, "dates"), report_column(index, "years")
    checked: dict[tuple[str, int | None], int] = {}
    codes = []
    for key in zip(dates, years):
        code = checked.get(key)
        if code is None:
            found = is_on_time(*key)
            code = checked[key] = -1 if found is None else int(found)
        codes.append(code)
    return np.array(codes, dtype=np.int8)


def report_facts(index: SearchIndex, report_row: int) -> ReportFacts:
    """One report's facts, with the passages where each part was found."""
    facts = corpus_facts(index)
    found = []
    for part in required_parts():
        passages = facts.parts[part.key]
        level = int(passages.levels[report_row])
        if level == _SECTION:
            found.append(FoundPart(part.key, "section", "", "", passages.of(report_row)[0]))
        elif level == _SUBSECTION:
            row = passages.of(report_row)[0]
            heading = dict(subsection_parts(headings_text(index, row)))[part.key]
            found.append(FoundPart(part.key, "subsection", heading, "", row))
    on_time = int(facts.on_time[report_row])
    return ReportFacts(
        parts=tuple(found),
        missing=tuple(part.key for part in required_parts() if part.is_required and not facts.parts[part.key].levels[report_row]),
        on_time=None if on_time < 0 else bool(on_time),
        characters=int(facts.characters[report_row]),
        copied_characters=int(facts.copied_characters[report_row]),
        problem_rows=tuple(facts.parts["problems"].of(report_row)),
        plan_rows=tuple(facts.parts["next_steps"].of(report_row)),
    )


def headings_text(index: SearchIndex, row: int) -> str:
    """The folded heading path of a passage, one heading a line, top level first."""
    return index.table.match_texts[row][:index.table.heading_ends[row]]

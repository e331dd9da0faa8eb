"""An opened index and the search filters in, a reviewer's check of each report out: which required parts
(data/required_parts.tsv) it has and where, its date against the deadline (data/report_deadlines.tsv),
its length, and flags to act on; with a summary line per county.

Everything comes from the passage table (section types, report dates, texts) and the parts the build found
named in subsection headings (index/view_arrays.py), counted with numpy, so checking every report costs no
stored-report or heading reads; only the rows asked for read their headings as written and segment their plans
(for the shared-terms flag).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from indexer.index import count_rank_words
from indexer.parse import fold_for_matching, required_parts, subsection_parts
from indexer.research.occurrences import filtered_rows
from indexer.research.passage_arrays import (
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

# A problems section shorter than this (characters of text, headings left out) is flagged as thin.
MIN_PROBLEM_CHARS = 100
# A report whose text has near-copies in other reports for at least this share is flagged.
COPIED_SHARE = 0.5
MAX_PER_PAGE = 200
FLAGS = {
    "no_problems": "没有存在问题部分",
    "short_problems": "存在问题部分过短",
    "plan_ignores_problems": "下一步安排未回应所列问题",
    "mostly_copied": "大部分文字见于其他报告",
    "late": "晚于报送期限",
}


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


@dataclass(frozen=True)
class ReportReview:
    """One report as a reviewer checks it."""

    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    date: str
    on_time: bool | None  # None when the report or its year gives no date
    characters: int
    parts: tuple[FoundPart, ...]
    missing: tuple[str, ...]  # keys of required parts not found
    problem_characters: int
    copied_share: float
    flags: tuple[str, ...]


@dataclass(frozen=True)
class CountySummary:
    """How many reports of a county are complete, late, missing a part, undated."""

    county: str
    reports: int
    complete: int
    late: int
    missing_part: int
    undated: int


@dataclass(frozen=True)
class Review:
    """One page of reviewed reports, with the summaries over all reports under the filters."""

    filters: SearchFilters
    min_problem_chars: int
    total: int
    page: int
    per_page: int
    reports: tuple[ReportReview, ...]
    counties: tuple[CountySummary, ...]
    summary: CountySummary  # all counties together (county "")


@lru_cache(maxsize=1)
def deadlines() -> dict[str, Deadline]:
    """The report and publication deadlines, by key."""
    return {
        row["key"]: Deadline(row["key"], int(row["month"]), int(row["day"]), row["article"], row["label"])
        for row in _data_rows("report_deadlines.tsv")
    }


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Words too common in plans and problems to count as a topic they share."""
    text = (resources.files("indexer") / "data" / "generic_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _data_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("indexer") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def is_on_time(date: str, year: int | None) -> bool | None:
    """Whether a report dated `date` about `year` reached the next level up before the deadline (None when unknown)."""
    if not date or year is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return None
    due = deadlines()["report"]
    return date < f"{year + 1:04d}-{due.month:02d}-{due.day:02d}"


def topic_words(folded: str) -> set[str]:
    """The jieba words of a folded text that can name a topic: two characters or more, no digits, not generic."""
    return {
        word for word in count_rank_words(folded, mode="query")
        if len(word) >= 2 and not any(character.isdigit() for character in word) and word not in generic_words()
    }


def body_text(match_text: str, heading_end: int) -> str:
    """A passage's folded text without its own heading line (二、存在的不足和原因), which names no problem."""
    headings = match_text[:heading_end].split("\n")
    text = match_text[heading_end + 1:]
    first_line, _, rest = text.partition("\n")
    if headings[-1] and first_line.strip().endswith(headings[-1]) and len(first_line.strip()) <= len(headings[-1]) + 8:
        return rest.strip()
    return text.strip()


def review(
    index: SearchIndex,
    filters: SearchFilters = SearchFilters(),
    page: int = 1,
    per_page: int = 50,
    min_problem_chars: int = MIN_PROBLEM_CHARS,
) -> Review:
    """One page of the reports under the filters (by county, township, year), each checked, with county summaries."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    report_rows = _report_rows(index, filters)
    facts = _facts(index)
    shown = report_rows[(page - 1) * per_page:page * per_page].tolist()
    counties = index.facet_codes["county"]
    by_county = _summary_counts(facts, counties.reports[report_rows], report_rows, len(counties.names))
    return Review(
        filters=filters,
        min_problem_chars=min_problem_chars,
        total=len(report_rows),
        page=page,
        per_page=per_page,
        reports=tuple(_review(index, row, min_problem_chars) for row in shown),
        counties=tuple(
            CountySummary(counties.names[code], *by_county[:, code].tolist())
            for code in np.flatnonzero(by_county[0]).tolist()
        ),
        summary=CountySummary("", *by_county.sum(axis=1).tolist()),
    )


def iter_reviews(
    index: SearchIndex, filters: SearchFilters = SearchFilters(), min_problem_chars: int = MIN_PROBLEM_CHARS
) -> Iterator[ReportReview]:
    """Every report under the filters, checked, in the page order (for the CSV export)."""
    for row in _report_rows(index, filters).tolist():
        yield _review(index, row, min_problem_chars)


def review_to_json(result: Review) -> dict:
    """The JSON of `GET /api/review`."""
    return {
        "min_problem_chars": result.min_problem_chars,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "reports": [report_review_to_json(one) for one in result.reports],
        "summary": {**_summary_to_json(result.summary), "counties": [_summary_to_json(one) for one in result.counties]},
        "required_parts": [
            {"key": part.key, "label": part.label, "article": part.article, "required": part.is_required}
            for part in required_parts()
        ],
    }


def report_review_to_json(one: ReportReview) -> dict:
    """One report's row of /api/review."""
    return {
        "report_id": one.report_id, "title": one.title, "township": one.township, "county": one.county,
        "province": one.province, "year": one.year, "date": one.date or None, "on_time": one.on_time,
        "characters": one.characters,
        "parts": [{"key": part.key, "found_in": {"level": part.level, "heading": part.heading, "passage_id": part.passage_id}}
                  for part in one.parts],
        "missing": list(one.missing), "problem_characters": one.problem_characters,
        "copied_share": one.copied_share, "flags": list(one.flags),
    }


def _summary_to_json(summary: CountySummary) -> dict:
    return {"county": summary.county, "reports": summary.reports, "complete": summary.complete,
            "late": summary.late, "missing_part": summary.missing_part, "undated": summary.undated}


# The per-report facts, found once per index from the table's columns and the build's view arrays


@dataclass(frozen=True)
class _PartPassages:
    """Where one part is in every report: per report row, the level it was found at (0 not found, then
    _SECTION, _SUBSECTION), and the passages that hold it, grouped by report (`rows[starts[r]:starts[r + 1]]`)."""

    levels: np.ndarray
    rows: np.ndarray
    starts: np.ndarray

    def of(self, report_row: int) -> list[int]:
        return self.rows[self.starts[report_row]:self.starts[report_row + 1]].tolist()


_SECTION, _SUBSECTION = 1, 2


@dataclass(frozen=True)
class _AllFacts:
    """The check of every report, as arrays by report row."""

    parts: dict[str, _PartPassages]
    missing: np.ndarray  # a required part was found nowhere
    on_time: np.ndarray  # 1 on time, 0 late, -1 unknown
    characters: np.ndarray
    copied_characters: np.ndarray  # in passages with a near-copy in another report


@dataclass(frozen=True)
class _Facts:
    parts: tuple[FoundPart, ...]
    missing: tuple[str, ...]
    on_time: bool | None
    characters: int
    copied_characters: int
    problem_rows: tuple[int, ...]
    plan_rows: tuple[int, ...]


def _report_rows(index: SearchIndex, filters: SearchFilters) -> np.ndarray:
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


def _summary_counts(facts: _AllFacts, codes: np.ndarray, report_rows: np.ndarray, values: int) -> np.ndarray:
    """Per county code (columns), the reports under review and how many are complete, late, missing a part and
    undated (rows, in CountySummary's order)."""
    missing, on_time = facts.missing[report_rows], facts.on_time[report_rows]
    return np.stack([
        np.bincount(codes, weights=weights, minlength=values).astype(np.int64)
        for weights in (None, ~missing, on_time == 0, missing, on_time == -1)
    ])


def _facts(index: SearchIndex) -> _AllFacts:
    """Every report's parts, date check and length; once per index, with numpy over the passages.

    A part is found at the top level by its section type; a report without that section has it where the
    headings of its subsections name it (一、主要工作 › （五）存在的问题), which the build marked per passage
    (index/view_arrays.py), so no heading is read here.
    """
    return cached(index, "review facts", lambda: _all_facts(index))


def _all_facts(index: SearchIndex) -> _AllFacts:
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
        parts[part.key] = _PartPassages(levels, live[chosen], starts)
        if part.is_required:
            missing |= levels == 0
    characters, copied = report_characters(index)
    return _AllFacts(parts, missing, _on_time(index), characters, copied)


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


def _report_facts(index: SearchIndex, report_row: int) -> _Facts:
    """One report's facts, with the passages where each part was found."""
    facts = _facts(index)
    found = []
    for part in required_parts():
        passages = facts.parts[part.key]
        level = int(passages.levels[report_row])
        if level == _SECTION:
            found.append(FoundPart(part.key, "section", "", "", passages.of(report_row)[0]))
        elif level == _SUBSECTION:
            row = passages.of(report_row)[0]
            heading = dict(subsection_parts(_headings_text(index, row)))[part.key]
            found.append(FoundPart(part.key, "subsection", heading, "", row))
    on_time = int(facts.on_time[report_row])
    return _Facts(
        parts=tuple(found),
        missing=tuple(part.key for part in required_parts() if part.is_required and not facts.parts[part.key].levels[report_row]),
        on_time=None if on_time < 0 else bool(on_time),
        characters=int(facts.characters[report_row]),
        copied_characters=int(facts.copied_characters[report_row]),
        problem_rows=tuple(facts.parts["problems"].of(report_row)),
        plan_rows=tuple(facts.parts["next_steps"].of(report_row)),
    )


def _headings_text(index: SearchIndex, row: int) -> str:
    """The folded heading path of a passage, one heading a line, top level first."""
    return index.table.match_texts[row][:index.table.heading_ends[row]]


def _headings(index: SearchIndex, row: int) -> list[str]:
    """The folded heading path of a passage, top level first."""
    return _headings_text(index, row).split("\n")


def _heading_as_written(index: SearchIndex, part: FoundPart) -> str:
    """The heading where a part was found as the report writes it: the top-level title for a section, the
    subsection's title otherwise (the table holds headings folded: full-width commas made half-width)."""
    stored = tuple(index.searcher().stored_fields(part.row).get("heading_path", ()))
    if part.level == "section":
        return stored[0] if stored else _headings(index, part.row)[0]
    for heading in stored:
        if fold_for_matching(heading) == part.heading:
            return heading
    return part.heading


def _plan_takes_up_problems(index: SearchIndex, report_row: int, problem_text: str, plan_text: str) -> bool:
    """Whether a topic word of the plan occurs in the problems text; remembered per report.

    Only the plan is segmented (the costly step); its words are looked for in the problems text as written,
    so 执法人员 in the plan takes up 行政执法人员专业素质不高 whatever jieba would make of the problems.
    """
    cache = index._cache.setdefault("review plan takes up problems", {})
    if report_row not in cache:
        cache[report_row] = any(word in problem_text for word in topic_words(plan_text))
    return cache[report_row]


def _review(index: SearchIndex, report_row: int, min_problem_chars: int) -> ReportReview:
    table = index.table
    facts = _report_facts(index, report_row)
    problem_text = "\n".join(body_text(table.match_texts[row], table.heading_ends[row]) for row in facts.problem_rows)
    plan_text = "\n".join(body_text(table.match_texts[row], table.heading_ends[row]) for row in facts.plan_rows)
    problem_characters = len(problem_text) - max(len(facts.problem_rows) - 1, 0)
    copied = round(facts.copied_characters / facts.characters, 4) if facts.characters else 0.0
    flags = []
    if not facts.problem_rows:
        flags.append("no_problems")
    elif problem_characters < min_problem_chars:
        flags.append("short_problems")
    if problem_text and plan_text and not _plan_takes_up_problems(index, report_row, problem_text, plan_text):
        flags.append("plan_ignores_problems")
    if copied >= COPIED_SHARE:
        flags.append("mostly_copied")
    if facts.on_time is False:
        flags.append("late")
    return ReportReview(
        report_id=table.report_ids[report_row], title=table.titles[report_row], township=table.townships[report_row],
        county=table.counties[report_row], province=table.provinces[report_row], year=table.years[report_row],
        date=table.dates[report_row], on_time=facts.on_time, characters=facts.characters,
        parts=tuple(
            replace(part, heading=_heading_as_written(index, part), passage_id=table.passage_ids[part.row])
            for part in facts.parts
        ),
        missing=facts.missing, problem_characters=problem_characters,
        copied_share=copied, flags=tuple(flags),
    )

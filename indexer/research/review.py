"""An opened index and the search filters in, a reviewer's check of each report out: which required parts
(data/required_parts.tsv) it has and where, its date against the deadline (data/report_deadlines.tsv),
its length, and flags to act on; with a summary line per county.

Everything comes from the passage table (section types, folded heading paths and texts, report dates),
so checking every report costs no stored-report reads; only the rows asked for read their headings as
written and segment their plans (for the shared-terms flag).
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
from indexer.parse import fold_for_matching
from indexer.research.occurrences import filtered_rows
from indexer.research.passage_arrays import (
    cached,
    live_report_rows,
    report_characters,
    report_column,
    report_passages,
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
class RequiredPart:
    """One part an annual report must (or may) contain, from data/required_parts.tsv."""

    key: str
    section_type: str
    is_required: bool
    article: str
    label: str
    heading_words: re.Pattern[str]


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


# A report's passages are copied out of the mapped table at once when they span fewer bytes than this.
_REPORT_BYTES = 1 << 22


@lru_cache(maxsize=1)
def required_parts() -> tuple[RequiredPart, ...]:
    """The parts of an annual report, in the regulation's order."""
    return tuple(
        RequiredPart(row["key"], row["section_type"], row["required"] == "yes", row["article"], row["label"],
                     re.compile(row["heading_words"]))
        for row in _data_rows("required_parts.tsv")
    )


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
    facts = [_facts(index)[row] for row in report_rows]
    counties: dict[str, list[_Facts]] = {}
    for one in facts:
        counties.setdefault(one.county, []).append(one)
    shown = report_rows[(page - 1) * per_page:page * per_page]
    return Review(
        filters=filters,
        min_problem_chars=min_problem_chars,
        total=len(report_rows),
        page=page,
        per_page=per_page,
        reports=tuple(_review(index, row, min_problem_chars) for row in shown),
        counties=tuple(_summary(county, items) for county, items in sorted(counties.items())),
        summary=_summary("", facts),
    )


def iter_reviews(
    index: SearchIndex, filters: SearchFilters = SearchFilters(), min_problem_chars: int = MIN_PROBLEM_CHARS
) -> Iterator[ReportReview]:
    """Every report under the filters, checked, in the page order (for the CSV export)."""
    for row in _report_rows(index, filters):
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


# The per-report facts, found once per index from the table


@dataclass(frozen=True)
class _Facts:
    county: str
    parts: tuple[FoundPart, ...]
    missing: tuple[str, ...]
    on_time: bool | None
    characters: int
    copied_characters: int  # in passages with a near-copy in another report
    problem_rows: tuple[int, ...]
    plan_rows: tuple[int, ...]


def _report_rows(index: SearchIndex, filters: SearchFilters) -> list[int]:
    """Report rows with a passage under the filters, by county, township, year (newest first), id."""
    order = _report_order(index)
    if filters.is_empty():
        return order.tolist()
    chosen = np.zeros(index.report_count, dtype=bool)
    chosen[index.report_rows[np.asarray(filtered_rows(index, filters), dtype=np.int64)]] = True
    return order[chosen[order]].tolist()


def _report_order(index: SearchIndex) -> np.ndarray:
    """Every report row with a live passage in the page order; once per index."""
    def compute() -> np.ndarray:
        counties, townships, years, ids = (report_column(index, name) for name in ("counties", "townships", "years", "report_ids"))
        rows = live_report_rows(index).tolist()
        rows.sort(key=lambda row: (counties[row] or "\uffff", townships[row] or "\uffff", -(years[row] or 0), ids[row]))
        return np.array(rows, dtype=np.int64)
    return cached(index, "review report order", compute)


def _facts(index: SearchIndex) -> dict[int, _Facts]:
    """Report row → its parts, date check, length and the rows of its problems and plans; once per index.

    Top-level sections come from the section types alone, counted over all passages with numpy; headings are
    read only in a report that lacks a part there, to look for a subsection naming it
    (一、主要工作 › （五）存在的问题), and only the heading's bytes are decoded.
    """
    return cached(index, "review facts", lambda: _all_facts(index))


def _all_facts(index: SearchIndex) -> dict[int, _Facts]:
    table = index.table
    live = index.live_rows
    owners = index.report_rows[live]
    sections = table.section_types.codes[live]
    characters, copied = report_characters(index)
    by_type = _parts_by_section_type()
    parts = required_parts()
    # per part key: the rows of its section type, grouped by report (ascending within one)
    part_rows: dict[str, tuple[list[int], list[int]]] = {}
    for key in dict.fromkeys(by_type.values()):
        codes = [code for code, name in enumerate(table.section_types.names) if by_type.get(name) == key]
        chosen = np.isin(sections, codes)
        rows, of = live[chosen], owners[chosen]
        order = np.argsort(of, kind="stable")
        part_rows[key] = (rows[order].tolist(), np.searchsorted(of[order], np.arange(index.report_count + 1)).tolist())
    report_rows = live_report_rows(index).tolist()
    counties, dates, years = (report_column(index, name) for name in ("counties", "dates", "years"))
    characters_of, copied_of = characters.tolist(), copied.tolist()
    passages = report_passages(index)
    facts = {}
    for report_row in report_rows:
        found, rows_of = {}, {}
        for key, (rows, starts) in part_rows.items():
            start, end = starts[report_row], starts[report_row + 1]
            if end > start:
                found[key] = FoundPart(key, "section", "", "", rows[start])
                rows_of[key] = rows[start:end]
        if any(part.key not in found for part in parts):
            _find_subsections(index, passages.of(report_row).tolist(), found, rows_of)
        facts[report_row] = _Facts(
            county=counties[report_row],
            parts=tuple(found[part.key] for part in parts if part.key in found),
            missing=tuple(part.key for part in parts if part.is_required and part.key not in found),
            on_time=is_on_time(dates[report_row], years[report_row]),
            characters=characters_of[report_row],
            copied_characters=copied_of[report_row],
            problem_rows=tuple(rows_of.get("problems", ())),
            plan_rows=tuple(rows_of.get("next_steps", ())),
        )
    return facts


def _find_subsections(index: SearchIndex, rows: list[int], found: dict[str, FoundPart], rows_of: dict) -> None:
    """Parts a report lacks at the top level, found in the headings of its passages' subsections (with the rows
    whose headings name them)."""
    column = index.table.match_texts
    offsets = column.offsets
    first = offsets[rows[0]].item()
    # The report's passages are read as one piece of bytes (unless they lie far apart), each heading decoded alone.
    last = offsets[rows[-1] + 1].item()
    text = bytes(column.blob[first:last]) if last - first <= _REPORT_BYTES else column.blob[first:last]
    starts, ends = (offsets[rows] - first).tolist(), index.table.heading_ends.array[rows].tolist()
    subsection_rows: dict[str, list[int]] = {}
    for row, start, end in zip(rows, starts, ends):
        # A heading of `end` characters lies within its first 4·end bytes; a character cut at that end lies after it.
        heading = str(text[start:start + 4 * end], "utf-8", "ignore")[:end]
        for key, words in _subsection_parts(heading):
            if key not in found:
                found[key] = FoundPart(key, "subsection", words, "", row)
            if found[key].level == "subsection":
                subsection_rows.setdefault(key, []).append(row)
    rows_of.update(subsection_rows)


def _headings(index: SearchIndex, row: int) -> list[str]:
    """The folded heading path of a passage, top level first."""
    return index.table.match_texts[row][:index.table.heading_ends[row]].split("\n")


@lru_cache(maxsize=1)
def _parts_by_section_type() -> dict[str, str]:
    return {part.section_type: part.key for part in required_parts()}


@lru_cache(maxsize=65_536)
def _subsection_parts(heading_path: str) -> tuple[tuple[str, str], ...]:
    """(part, heading) for each part a subsection heading of a folded heading path names, the first naming it.

    Heading paths repeat across the passages of a section and across reports, so each is matched once.
    """
    found: dict[str, str] = {}
    for heading in heading_path.split("\n")[1:]:
        for part in required_parts():
            if part.key not in found and part.heading_words.search(heading):
                found[part.key] = heading
    return tuple(found.items())


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
    facts = _facts(index)[report_row]
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


def _summary(county: str, items: list[_Facts]) -> CountySummary:
    return CountySummary(
        county=county,
        reports=len(items),
        complete=sum(1 for one in items if not one.missing),
        late=sum(1 for one in items if one.on_time is False),
        missing_part=sum(1 for one in items if one.missing),
        undated=sum(1 for one in items if one.on_time is None),
    )

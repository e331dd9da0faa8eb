"""An opened index and the search filters in, a reviewer's check of each report out: which required parts it has
and where, its date against the deadline, its length, and flags to act on; with a summary line per county.

The facts of every report come from report_facts.py (arrays, once per index); only the rows a page shows read
their headings as written and texts, and segment their plans (for the shared-terms flag).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from indexer.index import count_rank_words
from indexer.parse import fold_for_matching, required_parts
from indexer.research.report_facts import (
    FoundPart,
    corpus_facts,
    headings_text,
    report_facts,
    reports_in_order,
    summary_counts,
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
def generic_words() -> frozenset[str]:
    """Words too common in plans and problems to count as a topic they share."""
    text = (resources.files("indexer") / "data" / "generic_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


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
    report_rows = reports_in_order(index, filters)
    facts = corpus_facts(index)
    shown = report_rows[(page - 1) * per_page:page * per_page].tolist()
    counties = index.facet_codes["county"]
    by_county = summary_counts(facts, counties.reports[report_rows], report_rows, len(counties.names))
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
    for row in reports_in_order(index, filters).tolist():
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


def _heading_as_written(index: SearchIndex, part: FoundPart) -> str:
    """The heading where a part was found as the report writes it: the top-level title for a section, the
    subsection's title otherwise (the table holds headings folded: full-width commas made half-width)."""
    stored = tuple(index.searcher().stored_fields(part.row).get("heading_path", ()))
    if part.level == "section":
        return stored[0] if stored else headings_text(index, part.row).split("\n")[0]
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
    facts = report_facts(index, report_row)
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

"""A query and filters in, every occurrence of its phrases as a concordance line (keyword in context) out.

Passages are chosen exactly as search chooses them (search's own matching and filters); occurrences are
found in the folded text of the passage table, whose offsets are offsets in the stored text because
folding keeps the length, so only the lines shown need the stored text. With `match_words`, only
occurrences of whole words count (search's word_matching; 法治 in 依法|治理 is left out).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np

from indexer.research.occurrences import (
    Occurrence,
    context_bounds,
    document_page,
    occurrence_counts,
    occurrences_in_order,
    passage_text_start,
    plan_occurrences,
    sort_keys,
    sorted_occurrences,
)
from indexer.research.work_limit import WorkLimit
from indexer.search import (
    Notice,
    NoticeText,
    SearchFilters,
    SearchIndex,
    filters_to_json,
    make_notice,
    notices_to_json,
    passage_fields,
    unknown_law_notices,
)

CONCORDANCE_SORTS = ("document", "left", "right")


CONTEXT_CHARS = 30

MAX_PER_PAGE = 500



@dataclass(frozen=True)
class ConcordanceLine:
    """One occurrence: the match with the text on either side, within its line of the passage."""

    left: str
    match: str
    right: str
    passage_id: str
    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    section_type: str
    section_label: str
    url: str


@dataclass(frozen=True)
class Concordance:
    """One page of concordance lines, with counts over every occurrence."""

    query: str
    filters: SearchFilters
    total: int  # occurrences
    total_passages: int  # passages with at least one occurrence in their text
    total_reports: int
    page: int
    per_page: int
    sort: str
    notices: tuple[Notice, ...]
    lines: tuple[ConcordanceLine, ...]
    # Why the counts stopped short (WorkLimit.stopped): "" when every occurrence was counted.
    stopped: str = ""


def concordance(
    index: SearchIndex,
    query_text: str,
    filters: SearchFilters = SearchFilters(),
    page: int = 1,
    per_page: int = 50,
    sort: str = "document",
    context_chars: int = CONTEXT_CHARS,
    match_words: bool = False,
    limit: WorkLimit | None = None,
) -> Concordance:
    """One page of the occurrences of the query's phrases in the matching passages, in the sort order.

    With a `limit`, only the occurrences of the first passages in document order up to it are counted and sorted.
    """
    limit = limit or WorkLimit()
    plan = plan_occurrences(index, query_text, filters, match_words)
    notices = [*plan.matched.parsed.notices, *unknown_law_notices(index, plan.matched.parsed.filters.combined(filters).law)]
    if sort not in CONCORDANCE_SORTS:
        notices.append(make_notice("bad_concordance_sort", value=sort))
        sort = "document"
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    first = (page - 1) * per_page
    if sort == "document":
        counts = occurrence_counts(index, plan, limit)
        chosen = document_page(index, plan, counts, first, per_page)
    else:
        keyed = sort_keys(index, plan, sort, limit)
        counts = keyed.counts
        chosen = list(sorted_occurrences(index, plan, keyed, first + per_page))[first:]
    rows = np.asarray(plan.rows, dtype=np.int64)
    with_occurrences = rows[np.asarray(counts, dtype=np.int64) > 0] if len(rows) else rows
    return Concordance(
        query=query_text,
        filters=plan.matched.filters,
        total=sum(counts),
        total_passages=len(with_occurrences),
        total_reports=len(np.unique(index.report_rows[with_occurrences])),
        page=page,
        per_page=per_page,
        sort=sort,
        notices=tuple(dict.fromkeys(notices)),
        lines=tuple(_lines(index, chosen, query_text, context_chars)),
        stopped=limit.stopped,
    )


def concordance_lines(
    index: SearchIndex,
    query_text: str,
    filters: SearchFilters = SearchFilters(),
    sort: str = "document",
    context_chars: int = CONTEXT_CHARS,
    match_words: bool = False,
    limit: WorkLimit | None = None,
) -> Iterator[ConcordanceLine]:
    """Every concordance line of the query and filters, in the sort order (for the export and the CLI).

    With a `limit`, the lines stop at it (sorted lines: those of the first passages up to it, sorted); once the
    lines are read, `limit.stopped` says whether they stopped short.
    """
    limit = limit or WorkLimit()
    plan = plan_occurrences(index, query_text, filters, match_words)
    if sort in ("left", "right"):
        chosen: Iterable[Occurrence] = sorted_occurrences(index, plan, sort_keys(index, plan, sort, limit), None)
    else:
        chosen = occurrences_in_order(index, plan, limit)
    return _lines(index, chosen, query_text, context_chars)


def concordance_to_json(result: Concordance, notice_text: NoticeText) -> dict:
    """The JSON of `GET /api/kwic`: `total` counts occurrences, `lines` is one page of them."""
    return {
        "query": result.query,
        "filters": filters_to_json(result.filters),
        "total": result.total,
        "total_passages": result.total_passages,
        "total_reports": result.total_reports,
        "page": result.page,
        "per_page": result.per_page,
        "sort": result.sort,
        "notice": notice_text(result.notices),
        "notices": notices_to_json(result.notices),
        "stopped": result.stopped,
        "lines": [line_to_json(line) for line in result.lines],
    }


def line_to_json(line: ConcordanceLine) -> dict:
    """One concordance line as the API and the CSV export give it."""
    return {
        "left": line.left,
        "match": line.match,
        "right": line.right,
        "passage_id": line.passage_id,
        "report_id": line.report_id,
        "title": line.title,
        "township": line.township,
        "county": line.county,
        "province": line.province,
        "year": line.year,
        "section_type": line.section_type,
        "section_label": line.section_label,
        "url": line.url,
    }


def _lines(
    index: SearchIndex, occurrences: Iterable[Occurrence], query_text: str, context_chars: int
) -> Iterator[ConcordanceLine]:
    """Concordance lines cut from the stored text; a passage's stored fields are read once per run of its lines."""
    table = index.table
    searcher = index.searcher()
    stored_row, text = -1, ""
    for occurrence in occurrences:
        row = occurrence.row
        if row != stored_row:
            text = searcher.stored_fields(row).get("text", "")
            stored_row = row
        text_start = passage_text_start(index, row)
        # Bounds found in the folded text are bounds in the stored text: folding keeps every offset.
        left, right = context_bounds(table.match_texts[row], occurrence.start, occurrence.end, text_start, context_chars)
        start, end = occurrence.start - text_start, occurrence.end - text_start
        fields = passage_fields(index, row)
        yield ConcordanceLine(
            left=text[left - text_start:start],
            match=text[start:end],
            right=text[end:right - text_start],
            **fields,
            url=passage_link(fields["report_id"], fields["passage_id"], query_text),
        )


def passage_link(report_id: str, passage_id: str, query_text: str = "") -> str:
    """The report page scrolled to the passage, carrying the query so its words are marked there."""
    query = f"?q={quote(query_text)}" if query_text else ""
    return f"/reports/{quote(report_id)}{query}#{quote(passage_id)}"

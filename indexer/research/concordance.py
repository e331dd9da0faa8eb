"""A query and filters in, every occurrence of its phrases as a concordance line (keyword in context) out.

Passages are chosen exactly as search chooses them (search's own matching and filters); occurrences are
found in the folded text of the passage table, whose offsets are offsets in the stored text because
folding keeps the length, so only the lines shown need the stored text. With `match_words`, only
occurrences of whole words count (search's word_matching; 法治 in 依法|治理 is left out).
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from heapq import nsmallest
from urllib.parse import quote

from indexer.parse import fold_for_matching
from indexer.search import (
    Notice,
    NoticeText,
    ParsedQuery,
    SearchFilters,
    SearchIndex,
    apply_filters,
    filters_to_json,
    folded_groups,
    make_notice,
    matching_rows,
    notices_to_json,
    parse_query,
    passage_fields,
    spans_whole_words,
    whole_word_rows,
)

CONCORDANCE_SORTS = ("document", "left", "right")
CONTEXT_CHARS = 30
# Lines sort by this many characters of context; lines alike that far keep document order.
SORT_KEY_CHARS = 12
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class MatchedRows:
    """The passages (document numbers) a query and filters select, as search selects them."""

    parsed: ParsedQuery
    filters: SearchFilters  # the query's field filters and the caller's, combined
    rows: list[int]


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


@dataclass(frozen=True)
class _Occurrence:
    row: int
    start: int  # in the folded match text
    end: int


@dataclass(frozen=True)
class _Plan:
    """The matching rows in document order and the phrases to find in them."""

    matched: MatchedRows
    phrases: tuple[str, ...]  # folded, longest first
    pattern: re.Pattern[str] | None
    rows: list[int]
    match_words: bool = False


@dataclass
class _SortKeys:
    """Each occurrence's sort key, row, and place among its row's occurrences, in document order; occurrences per row."""

    keys: list[str]
    owners: list[int]
    ordinals: list[int]
    counts: list[int]  # per row of the plan


def match_rows(
    index: SearchIndex, query_text: str, filters: SearchFilters = SearchFilters(), match_words: bool = False
) -> MatchedRows:
    """The passages matching a query and filters: search's matching (exact folded substring, or whole words) and filtering."""
    parsed = parse_query(query_text)
    combined = parsed.filters.combined(filters)
    matched = matching_rows(index, parsed)
    if match_words:
        matched = whole_word_rows(index, matched, folded_groups(parsed))
    rows, _ = apply_filters(index, matched, combined)
    return MatchedRows(parsed=parsed, filters=combined, rows=rows)


def filtered_rows(index: SearchIndex, filters: SearchFilters) -> list[int]:
    """Every passage passing the filters, whatever its text (the base a share is taken of)."""
    rows, _ = apply_filters(index, index.live_rows, filters)
    return rows


def concordance(
    index: SearchIndex,
    query_text: str,
    filters: SearchFilters = SearchFilters(),
    page: int = 1,
    per_page: int = 50,
    sort: str = "document",
    context_chars: int = CONTEXT_CHARS,
    match_words: bool = False,
) -> Concordance:
    """One page of the occurrences of the query's phrases in the matching passages, in the sort order."""
    plan = _plan(index, query_text, filters, match_words)
    notices = list(plan.matched.parsed.notices)
    if sort not in CONCORDANCE_SORTS:
        notices.append(make_notice("bad_concordance_sort", value=sort))
        sort = "document"
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    first = (page - 1) * per_page
    if sort == "document":
        counts = _occurrence_counts(index, plan)
        chosen = _document_page(index, plan, counts, first, per_page)
    else:
        keyed = _sort_keys(index, plan, sort)
        counts = keyed.counts
        chosen = list(_sorted_occurrences(index, plan, keyed, first + per_page))[first:]
    with_occurrences = [row for row, count in zip(plan.rows, counts) if count]
    return Concordance(
        query=query_text,
        filters=plan.matched.filters,
        total=sum(counts),
        total_passages=len(with_occurrences),
        total_reports=len(set(map(index.table.report_rows.__getitem__, with_occurrences))),
        page=page,
        per_page=per_page,
        sort=sort,
        notices=tuple(dict.fromkeys(notices)),
        lines=tuple(_lines(index, chosen, query_text, context_chars)),
    )


def concordance_lines(
    index: SearchIndex,
    query_text: str,
    filters: SearchFilters = SearchFilters(),
    sort: str = "document",
    context_chars: int = CONTEXT_CHARS,
    match_words: bool = False,
) -> Iterator[ConcordanceLine]:
    """Every concordance line of the query and filters, in the sort order (for the export and the CLI)."""
    plan = _plan(index, query_text, filters, match_words)
    if sort in ("left", "right"):
        chosen: Iterable[_Occurrence] = _sorted_occurrences(index, plan, _sort_keys(index, plan, sort), None)
    else:
        chosen = (occurrence for row in plan.rows for occurrence in _row_occurrences(index, plan, row))
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


# Finding occurrences


def _folded_phrases(parsed: ParsedQuery) -> tuple[str, ...]:
    """The query's phrases as the match text spells them, longest first, so 法治政府 wins over 法治 where both start."""
    phrases = {fold_for_matching(phrase) for phrase in parsed.phrases} - {""}
    return tuple(sorted(phrases, key=lambda phrase: (-len(phrase), phrase)))


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, phrases)))


def _text_start(index: SearchIndex, row: int) -> int:
    # The match text is the folded heading path, a line break, then the folded text.
    return index.table.heading_ends[row] + 1


def _plan(index: SearchIndex, query_text: str, filters: SearchFilters, match_words: bool = False) -> _Plan:
    matched = match_rows(index, query_text, filters, match_words)
    phrases = _folded_phrases(matched.parsed)
    # A query of filters only (law:民法典) has no words to show in context.
    rows = _in_document_order(index, matched.rows) if phrases else []
    return _Plan(
        matched=matched,
        phrases=phrases,
        pattern=_pattern(phrases) if phrases else None,
        rows=rows,
        match_words=match_words,
    )


def _occurrence_counts(index: SearchIndex, plan: _Plan) -> list[int]:
    """Occurrences in each row's text (not its heading path); one phrase is counted by str.count, in C."""
    texts, heading_ends = index.table.match_texts, index.table.heading_ends
    phrases, rows = plan.phrases, plan.rows
    if not phrases:
        return [0] * len(rows)
    if plan.match_words:
        return [len(_spans(index, plan, row)) for row in rows]
    if len(phrases) == 1:
        phrase = phrases[0]
        return [texts[row].count(phrase, heading_ends[row] + 1) for row in rows]
    pattern = _pattern(phrases)
    return [len(pattern.findall(texts[row], heading_ends[row] + 1)) for row in rows]


def _row_occurrences(index: SearchIndex, plan: _Plan, row: int) -> list[_Occurrence]:
    return [_Occurrence(row, start, end) for start, end in _spans(index, plan, row)]


def _spans(index: SearchIndex, plan: _Plan, row: int) -> list[tuple[int, int]]:
    """(start, end) of each occurrence in a row's text, only those of whole words when the plan asks for them."""
    if plan.pattern is None:
        return []
    text = index.table.match_texts[row]
    spans = [match.span() for match in plan.pattern.finditer(text, _text_start(index, row))]
    if plan.match_words:
        bits = index.table.word_boundaries[row]
        spans = [(start, end) for start, end in spans if spans_whole_words(bits, start, end)]
    return spans


def _context_bounds(text: str, start: int, end: int, floor: int, context_chars: int) -> tuple[int, int]:
    """Where the left context begins and the right one ends: `context_chars` away, or at a line break before that."""
    left = max(start - context_chars, floor)
    line_break = text.rfind("\n", left, start)
    if line_break >= 0:
        left = line_break + 1
    right = end + context_chars
    line_break = text.find("\n", end, right)
    if line_break >= 0:
        right = line_break
    return left, right


def _in_document_order(index: SearchIndex, rows: list[int]) -> list[int]:
    """Rows as search's township order lists them: townships alphabetically, newer years first, passages in reading order."""
    ranks = index._cache.get("concordance document ranks")
    if ranks is None:
        ranks = [0] * index.table.document_count
        for rank, row in enumerate(index.township_order):
            ranks[row] = rank
        index._cache["concordance document ranks"] = ranks
    return sorted(rows, key=ranks.__getitem__)


def _document_page(index: SearchIndex, plan: _Plan, counts: list[int], first: int, per_page: int) -> list[_Occurrence]:
    """The occurrences numbered first … first + per_page in document order, reading only the rows that hold them."""
    chosen: list[_Occurrence] = []
    seen = 0
    for row, count in zip(plan.rows, counts):
        if seen + count > first:
            chosen.extend(_row_occurrences(index, plan, row)[max(first - seen, 0):])
            if len(chosen) >= per_page:
                break
        seen += count
    return chosen[:per_page]


def _sorted_occurrences(index: SearchIndex, plan: _Plan, keyed: _SortKeys, count: int | None) -> Iterator[_Occurrence]:
    """The first `count` occurrences (all for None) by right context, or by left context read backwards.

    Keys are the first SORT_KEY_CHARS characters of the folded context (so 法治 and 法治 sort together);
    ties keep document order.
    """
    keys, owners, ordinals = keyed.keys, keyed.owners, keyed.ordinals
    order = range(len(keys))
    if count is not None and count * 8 < len(keys):
        # A heap beats sorting while the page is a small part of all occurrences (heapq's own advice).
        chosen = nsmallest(count, order, key=keys.__getitem__)
    else:
        chosen = sorted(order, key=keys.__getitem__)[:count]
    return _occurrences_at(index, plan, ((owners[position], ordinals[position]) for position in chosen))


def _sort_keys(index: SearchIndex, plan: _Plan, sort: str) -> _SortKeys:
    """The sort keys of every occurrence in the plan's rows, which also count them.

    There can be a million occurrences, so each row's keys come from one regular-expression call, in C.
    """
    if plan.pattern is None:
        return _SortKeys(keys=[], owners=[], ordinals=[], counts=[])
    texts, heading_ends = index.table.match_texts, index.table.heading_ends
    # The lookahead reads the context without consuming it, so the next occurrence may start inside it.
    context = f"(?=([^\n]{{0,{SORT_KEY_CHARS}}}))"
    if plan.match_words:
        # Only some occurrences count, which a regular expression cannot tell: keys from each kept span.

        def row_keys(row: int) -> list[str]:
            text = texts[row]
            return [
                (text[end:end + SORT_KEY_CHARS] if sort == "right" else text[max(start - SORT_KEY_CHARS, 0):start][::-1])
                .partition("\n")[0]
                for start, end in _spans(index, plan, row)
            ]
    elif sort == "right":
        right_keys = re.compile(f"(?:{plan.pattern.pattern}){context}")

        def row_keys(row: int) -> list[str]:
            return right_keys.findall(texts[row], heading_ends[row] + 1)
    elif _occurrences_never_overlap(plan.phrases):
        # The left context is the right context in the reversed text, found with the reversed phrases;
        # when no two occurrences can overlap, the reversed scan finds the very same occurrences.
        left_keys = re.compile(f"(?:{'|'.join(re.escape(phrase[::-1]) for phrase in plan.phrases)}){context}")

        def row_keys(row: int) -> list[str]:
            return left_keys.findall(texts[row][:heading_ends[row]:-1])[::-1]
    else:
        start_of = re.Match.start

        def row_keys(row: int) -> list[str]:
            text = texts[row]
            return [
                text[max(start - SORT_KEY_CHARS, 0):start][::-1].partition("\n")[0]
                for start in map(start_of, plan.pattern.finditer(text, heading_ends[row] + 1))
            ]

    keyed = _SortKeys(keys=[], owners=[], ordinals=[], counts=[])
    for row in plan.rows:
        found = row_keys(row)
        keyed.counts.append(len(found))
        keyed.keys.extend(found)
        keyed.owners.extend([row] * len(found))
        keyed.ordinals.extend(range(len(found)))
    return keyed


def _occurrences_at(index: SearchIndex, plan: _Plan, places: Iterable[tuple[int, int]]) -> Iterator[_Occurrence]:
    """The occurrences named by (row, place among the row's occurrences); each row is searched once, its spans kept compactly."""
    spans: dict[int, array] = {}
    for row, ordinal in places:
        if row not in spans:
            found = array("I")
            for span in _spans(index, plan, row):
                found.extend(span)
            spans[row] = found
        row_spans = spans[row]
        yield _Occurrence(row, row_spans[2 * ordinal], row_spans[2 * ordinal + 1])


def _occurrences_never_overlap(phrases: tuple[str, ...]) -> bool:
    """Whether no two occurrences of the phrases can share a character: none holds another, none ends as one begins.

    法 and 治 never overlap; 法治 and 治理 do (法治理), and so does 哈哈 with itself (哈哈哈).
    """
    for first in phrases:
        for second in phrases:
            if first != second and first in second:
                return False
            for size in range(1, min(len(first), len(second)) + 1):
                if first[-size:] == second[:size] and not (first == second and size == len(first)):
                    return False
    return True


# Lines


def _lines(
    index: SearchIndex, occurrences: Iterable[_Occurrence], query_text: str, context_chars: int
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
        text_start = _text_start(index, row)
        # Bounds found in the folded text are bounds in the stored text: folding keeps every offset.
        left, right = _context_bounds(table.match_texts[row], occurrence.start, occurrence.end, text_start, context_chars)
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

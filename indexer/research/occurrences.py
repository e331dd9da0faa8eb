"""Occurrences of a query's phrases in the passages search matches: where each one is, how many each passage holds,
and their order by left or right context, read from the folded text of the passage table (in C where it counts).
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from heapq import nsmallest

import numpy as np

from indexer.parse import fold_for_matching
from indexer.research.passage_arrays import cached, match_texts
from indexer.research.work_limit import WorkLimit
from indexer.search import (
    ParsedQuery,
    SearchFilters,
    SearchIndex,
    apply_filters,
    folded_groups,
    matching_rows,
    parse_query,
    spans_whole_words,
    whole_word_rows,
)

# Lines sort by this many characters of context; lines alike that far keep document order.
SORT_KEY_CHARS = 12



@dataclass(frozen=True)
class MatchedRows:
    """The passages (document numbers) a query and filters select, as search selects them."""

    parsed: ParsedQuery
    filters: SearchFilters  # the query's field filters and the caller's, combined
    rows: list[int]


@dataclass(frozen=True)
class Occurrence:
    row: int
    start: int  # in the folded match text
    end: int


@dataclass(frozen=True)
class OccurrencePlan:
    """The matching rows in document order and the phrases to find in them."""

    matched: MatchedRows
    phrases: tuple[str, ...]  # folded, longest first
    pattern: re.Pattern[str] | None
    rows: np.ndarray  # ascending in document order (iter_rows reads them a chunk at a time)
    match_words: bool = False


@dataclass
class SortKeys:
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


def occurrences_in_order(index: SearchIndex, plan: OccurrencePlan, limit: WorkLimit) -> Iterator[Occurrence]:
    """The occurrences in document order, until the limit."""
    done = 0
    for row in iter_rows(plan.rows):
        for occurrence in row_occurrences(index, plan, row):
            if not limit.allows(done):
                return
            done += 1
            yield occurrence


def _folded_phrases(parsed: ParsedQuery) -> tuple[str, ...]:
    """The query's phrases as the match text spells them, longest first, so 法治政府 wins over 法治 where both start."""
    phrases = {fold_for_matching(phrase) for phrase in parsed.phrases} - {""}
    return tuple(sorted(phrases, key=lambda phrase: (-len(phrase), phrase)))


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, phrases)))


def passage_text_start(index: SearchIndex, row: int) -> int:
    # The match text is the folded heading path, a line break, then the folded text.
    return index.table.heading_ends[row] + 1


def plan_occurrences(index: SearchIndex, query_text: str, filters: SearchFilters, match_words: bool = False) -> OccurrencePlan:
    matched = match_rows(index, query_text, filters, match_words)
    phrases = _folded_phrases(matched.parsed)
    # A query of filters only (law:民法典) has no words to show in context.
    rows = _in_document_order(index, matched.rows) if phrases else np.zeros(0, dtype=np.int64)
    return OccurrencePlan(
        matched=matched,
        phrases=phrases,
        pattern=_pattern(phrases) if phrases else None,
        rows=rows,
        match_words=match_words,
    )


def occurrence_counts(index: SearchIndex, plan: OccurrencePlan, limit: WorkLimit) -> list[int]:
    """Occurrences in each row's text (not its heading path), rows past the limit counted as none; one phrase
    is counted by str.count, in C."""
    phrases, rows = plan.phrases, plan.rows
    counts = [0] * len(rows)
    if not phrases:
        return counts
    if plan.match_words:
        return _counted(rows, counts, limit, (len(_spans(index, plan, row)) for row in iter_rows(rows)))
    if len(phrases) == 1:
        phrase = phrases[0]
        found = (text.count(phrase, start) for text, start in match_texts(index, rows))
    else:
        pattern = _pattern(phrases)
        found = (len(pattern.findall(text, start)) for text, start in match_texts(index, rows))
    return _counted(rows, counts, limit, found)


def _counted(rows: np.ndarray, counts: list[int], limit: WorkLimit, found: Iterator[int]) -> list[int]:
    """Each row's count from `found`, rows past the limit counted as none."""
    done = 0
    for position, count in zip(range(len(rows)), found):
        if not limit.allows(done):
            break
        counts[position] = count
        done += count
    return counts


def row_occurrences(index: SearchIndex, plan: OccurrencePlan, row: int) -> list[Occurrence]:
    return [Occurrence(row, start, end) for start, end in _spans(index, plan, row)]


def _spans(index: SearchIndex, plan: OccurrencePlan, row: int) -> list[tuple[int, int]]:
    """(start, end) of each occurrence in a row's text, only those of whole words when the plan asks for them."""
    if plan.pattern is None:
        return []
    text = index.table.match_texts[row]
    spans = [match.span() for match in plan.pattern.finditer(text, passage_text_start(index, row))]
    if plan.match_words:
        bits = index.table.word_boundaries[row]
        spans = [(start, end) for start, end in spans if spans_whole_words(bits, start, end)]
    return spans


def context_bounds(text: str, start: int, end: int, floor: int, context_chars: int) -> tuple[int, int]:
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


def _in_document_order(index: SearchIndex, rows) -> np.ndarray:
    """Rows as search's township order lists them: townships alphabetically, newer years first, passages in reading order."""
    rows = np.asarray(rows, dtype=np.int64)
    order = index.township_order
    if len(rows) * _FEW_ROWS_SHARE >= len(order):
        # Many rows: marked, then read off the order (a pass over it), instead of sorted by their ranks in it.
        marked = np.zeros(len(index.live), dtype=bool)
        marked[rows] = True
        return order[marked[order]].astype(np.int64)

    def compute() -> np.ndarray:
        ranks = np.zeros(index.table.document_count, dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks
    ranks = cached(index, "concordance document ranks", compute)
    return rows[np.argsort(ranks[rows], kind="stable")]


# Rows are put in document order by marking when they are at least this share (1 / N) of the live documents.
_FEW_ROWS_SHARE = 16


def iter_rows(rows: np.ndarray) -> Iterator[int]:
    """The rows as Python integers, converted a chunk at a time (a loop that stops early converts no more)."""
    for first in range(0, len(rows), _ROWS_CHUNK):
        yield from rows[first:first + _ROWS_CHUNK].tolist()


_ROWS_CHUNK = 4096


def document_page(index: SearchIndex, plan: OccurrencePlan, counts: list[int], first: int, per_page: int) -> list[Occurrence]:
    """The occurrences numbered first … first + per_page in document order, reading only the rows that hold them."""
    chosen: list[Occurrence] = []
    seen = 0
    for row, count in zip(iter_rows(plan.rows), counts):
        if seen + count > first:
            chosen.extend(row_occurrences(index, plan, row)[max(first - seen, 0):])
            if len(chosen) >= per_page:
                break
        seen += count
    return chosen[:per_page]


def sorted_occurrences(index: SearchIndex, plan: OccurrencePlan, keyed: SortKeys, count: int | None) -> Iterator[Occurrence]:
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
    return occurrences_at(index, plan, ((owners[position], ordinals[position]) for position in chosen))


def sort_keys(index: SearchIndex, plan: OccurrencePlan, sort: str, limit: WorkLimit) -> SortKeys:
    """The sort keys of every occurrence in the plan's rows (those before the limit), which also count them.

    There can be a million occurrences, so each row's keys come from one regular-expression call, in C.
    """
    if plan.pattern is None:
        return SortKeys(keys=[], owners=[], ordinals=[], counts=[])
    # The lookahead reads the context without consuming it, so the next occurrence may start inside it.
    context = f"(?=([^\n]{{0,{SORT_KEY_CHARS}}}))"
    # Each row_keys takes the row, its match text and where its passage text starts there.
    if plan.match_words:
        # Only some occurrences count, which a regular expression cannot tell: keys from each kept span.

        def row_keys(row: int, text: str, start: int) -> list[str]:
            return [
                (text[end:end + SORT_KEY_CHARS] if sort == "right" else text[max(start - SORT_KEY_CHARS, 0):start][::-1])
                .partition("\n")[0]
                for start, end in _spans(index, plan, row)
            ]
    elif sort == "right":
        right_keys = re.compile(f"(?:{plan.pattern.pattern}){context}")

        def row_keys(row: int, text: str, start: int) -> list[str]:
            return right_keys.findall(text, start)
    elif _occurrences_never_overlap(plan.phrases):
        # The left context is the right context in the reversed text, found with the reversed phrases;
        # when no two occurrences can overlap, the reversed scan finds the very same occurrences.
        left_keys = re.compile(f"(?:{'|'.join(re.escape(phrase[::-1]) for phrase in plan.phrases)}){context}")

        def row_keys(row: int, text: str, start: int) -> list[str]:
            return left_keys.findall(text[:start - 1:-1])[::-1]
    else:
        start_of = re.Match.start

        def row_keys(row: int, text: str, start: int) -> list[str]:
            return [
                text[max(start - SORT_KEY_CHARS, 0):start][::-1].partition("\n")[0]
                for start in map(start_of, plan.pattern.finditer(text, start))
            ]

    keyed = SortKeys(keys=[], owners=[], ordinals=[], counts=[])
    for row, (text, start) in zip(iter_rows(plan.rows), match_texts(index, plan.rows)):
        if not limit.allows(len(keyed.keys)):
            # Rows past the limit count as none.
            keyed.counts.extend([0] * (len(plan.rows) - len(keyed.counts)))
            break
        found = row_keys(row, text, start)
        keyed.counts.append(len(found))
        keyed.keys.extend(found)
        keyed.owners.extend([row] * len(found))
        keyed.ordinals.extend(range(len(found)))
    return keyed


def occurrences_at(index: SearchIndex, plan: OccurrencePlan, places: Iterable[tuple[int, int]]) -> Iterator[Occurrence]:
    """The occurrences named by (row, place among the row's occurrences); each row is searched once, its spans kept compactly."""
    spans: dict[int, array] = {}
    for row, ordinal in places:
        if row not in spans:
            found = array("I")
            for span in _spans(index, plan, row):
                found.extend(span)
            spans[row] = found
        row_spans = spans[row]
        yield Occurrence(row, row_spans[2 * ordinal], row_spans[2 * ordinal + 1])


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

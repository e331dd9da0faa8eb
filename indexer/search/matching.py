"""Exact matching: the documents whose folded heading path or text contains the query's phrases.

Bigram postings of the passage table narrow the candidates (from a phrase's rarest bigram) and a substring
test on the folded text decides, so 处罚法 finds 行政处罚法 and 枫桥 never matches 枫 … 桥.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import compress, repeat

from indexer.index import BOILERPLATE_REPORTS, phrase_keys
from indexer.parse import fold_for_matching
from indexer.search.opened_index import SearchIndex
from indexer.search.query import ParsedQuery


def matching_rows(index: SearchIndex, parsed: ParsedQuery) -> list[int]:
    """Document numbers whose folded heading path or text contains a phrase of every group and no excluded phrase."""
    texts = index.table.match_texts
    rows: list[int] | None = None
    groups = [[fold_for_matching(phrase) for phrase in group] for group in parsed.groups]
    # The rarest group first; a later group is looked up on its own only when that is cheaper than
    # testing the rows found so far.
    for group in sorted(groups, key=lambda group: sum(_estimate(index, phrase) for phrase in group)):
        if rows is None or sum(_estimate(index, phrase) for phrase in group) < len(rows):
            if len(group) == 1:
                found = _phrase_rows(index, group[0])
            else:
                found = sorted(set().union(*(_phrase_rows(index, phrase) for phrase in group)))
            rows = found if rows is None else list(filter(set(rows).__contains__, found))
        elif len(group) == 1:
            rows = _rows_containing(texts, rows, group[0])
        else:
            rows = [row for row in rows if any(phrase in texts[row] for phrase in group)]
        if not rows:
            return []
    if rows is None:
        # Browsing: the very list of live documents, which later steps recognise and take shortcuts for.
        rows = index.live_rows
    excluded = [fold_for_matching(phrase) for phrase in parsed.excluded]
    if excluded:
        rows = [row for row in rows if not any(phrase in texts[row] for phrase in excluded)]
    return rows


def without_boilerplate(index: SearchIndex, rows: list[int], hide_boilerplate: bool) -> list[int]:
    """The rows whose passages have near-copies in fewer than BOILERPLATE_REPORTS other reports (all when not hiding)."""
    if not hide_boilerplate:
        return rows
    copies = index.duplicate_reports
    return [row for row in rows if copies[row] < BOILERPLATE_REPORTS]


def _phrase_rows(index: SearchIndex, folded: str) -> list[int]:
    """Document numbers whose match text contains the folded phrase, ascending."""
    texts = index.table.match_texts
    keys = phrase_keys(folded)
    if not keys:
        # Single characters have no bigram of their own to look up.
        return _rows_containing(texts, index.live_rows, folded)
    rarest = min(keys, key=index.postings.count)
    candidates = index.postings.documents(rarest)
    if keys == [folded]:
        # A two-character phrase is its own bigram: the postings are the answer.
        return list(candidates)
    return _rows_containing(texts, candidates, folded)


def _rows_containing(texts: list[str], rows: Iterable[int], folded: str) -> list[int]:
    """The rows whose match text contains the folded phrase, in their order.

    The test runs in C (compress over a map of `in`): a Python loop would cost several times more per row.
    """
    rows = list(rows)
    return list(compress(rows, map(str.__contains__, map(texts.__getitem__, rows), repeat(folded))))


def _estimate(index: SearchIndex, folded: str) -> int:
    """An upper bound of the passages holding a phrase: its rarest bigram's count (everything for a scan)."""
    keys = phrase_keys(folded)
    if not keys:
        return len(index.live_rows)
    return min(index.postings.count(key) for key in keys)

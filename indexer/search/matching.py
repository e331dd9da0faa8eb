"""Exact matching: the documents whose folded heading path or text contains the query's phrases.

Bigram postings of the passage table narrow the candidates (from a phrase's rarest bigram) and a substring
test on the folded text decides, so 处罚法 finds 行政处罚法 and 枫桥 never matches 枫 … 桥.
"""
from __future__ import annotations

import numpy as np

from indexer.index import BOILERPLATE_REPORTS, phrase_keys
from indexer.parse import fold_for_matching
from indexer.search.opened_index import SearchIndex
from indexer.search.query import ParsedQuery


def matching_rows(index: SearchIndex, parsed: ParsedQuery) -> np.ndarray:
    """Document numbers, ascending, whose folded heading path or text contains a phrase of every group and no
    excluded phrase (the very array `index.live_rows` when the query has no phrase: browsing)."""
    texts = index.table.match_texts
    rows: np.ndarray | None = None
    groups = [[fold_for_matching(phrase) for phrase in group] for group in parsed.groups]
    # The rarest group first; a later group is looked up on its own only when that is cheaper than
    # testing the rows found so far.
    for group in sorted(groups, key=lambda group: sum(_estimate(index, phrase) for phrase in group)):
        if rows is None or sum(_estimate(index, phrase) for phrase in group) < len(rows):
            found = _phrase_rows(index, group[0])
            for phrase in group[1:]:
                found = np.union1d(found, _phrase_rows(index, phrase))
            rows = found if rows is None else _intersection(index, rows, found)
        else:
            rows = np.unique(np.concatenate([texts.rows_containing(rows, phrase) for phrase in group]))
        if not len(rows):
            return rows
    if rows is None:
        # Browsing: the very array of live documents, which later steps recognise and take shortcuts for.
        rows = index.live_rows
    for phrase in parsed.excluded:
        rows = np.setdiff1d(rows, texts.rows_containing(rows, fold_for_matching(phrase)), assume_unique=True)
    return rows


def without_boilerplate(index: SearchIndex, rows: np.ndarray, hide_boilerplate: bool) -> np.ndarray:
    """The rows whose passages have near-copies in fewer than BOILERPLATE_REPORTS other reports (all when not hiding)."""
    if not hide_boilerplate:
        return rows
    return rows[index.duplicate_reports[rows] < BOILERPLATE_REPORTS]


def _phrase_rows(index: SearchIndex, folded: str) -> np.ndarray:
    """Document numbers whose match text contains the folded phrase, ascending."""
    texts = index.table.match_texts
    keys = phrase_keys(folded)
    if not keys:
        # Single characters have no bigram of their own to look up.
        return texts.rows_containing(index.live_rows, folded)
    by_count = sorted(keys, key=index.postings.count)
    candidates = index.postings.documents(by_count[0]).astype(np.int64)
    if keys == [folded]:
        # A two-character phrase is its own bigram: the postings are the answer.
        return candidates
    # A second bigram's postings cut the candidates cheaply when they are not much longer than the first's:
    # an array lookup per posting instead of a substring test per candidate.
    for key in by_count[1:3]:
        if len(candidates) < 64 or index.postings.count(key) > 8 * len(candidates):
            break
        candidates = _intersection(index, candidates, index.postings.documents(key))
    return texts.rows_containing(candidates, folded)


def _intersection(index: SearchIndex, rows: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The rows (ascending) that are also in `other` (ascending)."""
    if len(rows) > len(other):
        rows, other = other, rows
    if not len(rows):
        return rows.astype(np.int64)
    places = np.searchsorted(other, rows)
    places[places >= len(other)] = 0
    return rows[other[places] == rows].astype(np.int64)


def _estimate(index: SearchIndex, folded: str) -> int:
    """An upper bound of the passages holding a phrase: its rarest bigram's count (everything for a scan)."""
    keys = phrase_keys(folded)
    if not keys:
        return len(index.live_rows)
    return min(index.postings.count(key) for key in keys)

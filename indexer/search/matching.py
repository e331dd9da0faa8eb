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


# Below this many rows on either side, membership is a binary search per row (marking a table of every document
# would cost more than the searches).
_FEW = 2048
# Or when one side is this many times the other.
_FEW_AGAINST_MANY = 64


def matching_rows(index: SearchIndex, parsed: ParsedQuery) -> np.ndarray:
    """Document numbers, ascending, whose folded heading path or text contains a phrase of every group and no
    excluded phrase (the very array `index.live_rows` when the query has no phrase: browsing).

    The rows of a query's phrases are kept in the index's bounded cache beside the filters' rows, read-only: the
    next page, a facet ticked, or the facets beside a research view of the same words do not match them again.
    """
    groups = tuple(tuple(fold_for_matching(phrase) for phrase in group) for group in parsed.groups)
    excluded = tuple(fold_for_matching(phrase) for phrase in parsed.excluded)
    if not groups and not excluded:
        # Browsing: the very array of live documents, which later steps recognise and take shortcuts for.
        return index.live_rows
    return index.filter_cache.get_or_make(("phrases", groups, excluded), lambda: _read_only(_matched(index, groups, excluded)))


def _matched(index: SearchIndex, groups: tuple[tuple[str, ...], ...], excluded: tuple[str, ...]) -> np.ndarray:
    rows: np.ndarray | None = None
    # The rarest group first; each later one is looked for among the rows found so far.
    for group in sorted(groups, key=lambda group: sum(_estimate(index, phrase) for phrase in group)):
        found = _phrase_rows(index, group[0], rows)
        for phrase in group[1:]:
            found = _union(found, _phrase_rows(index, phrase, rows))
        rows = found
        if not len(rows):
            return rows
    if rows is None:
        rows = index.live_rows
    for phrase in excluded:
        rows = rows[~members(rows, _phrase_rows(index, phrase, rows), len(index.live))]
    return rows


def _read_only(rows: np.ndarray) -> np.ndarray:
    """The rows, marked read-only: a cached array is shared by every request that asks for the same words."""
    rows.flags.writeable = False
    return rows


def without_boilerplate(index: SearchIndex, rows: np.ndarray, hide_boilerplate: bool) -> np.ndarray:
    """The rows whose passages have near-copies in fewer than BOILERPLATE_REPORTS other reports (all when not hiding)."""
    if not hide_boilerplate:
        return rows
    return rows[index.duplicate_reports[rows] < BOILERPLATE_REPORTS]


def _phrase_rows(index: SearchIndex, folded: str, within: np.ndarray | None = None) -> np.ndarray:
    """Document numbers whose match text contains the folded phrase, ascending (among `within` when given)."""
    texts = index.table.match_texts
    keys = phrase_keys(folded)
    if not keys:
        # Single characters (法, or 法 治): the documents holding each of them, from the keys it begins or ends.
        characters = set(folded.split())
        candidates = within
        for character in sorted(characters):
            found = index.postings.character_documents(character, len(index.live))
            candidates = found if candidates is None else _intersection(candidates, found, len(index.live))
        if candidates is None:
            candidates = index.live_rows
        return candidates if folded in characters else texts.rows_containing(candidates, folded)
    by_count = sorted(keys, key=index.postings.count)
    if within is None:
        candidates = index.postings.documents(by_count[0]).astype(np.int64)
        by_count = by_count[1:]
    else:
        candidates = within
    if keys == [folded]:
        # A two-character phrase is its own bigram: the postings are the answer.
        for key in by_count:
            candidates = _intersection(candidates, index.postings.documents(key), len(index.live))
        return candidates
    # A passage whose text or heading path has the phrase as one of its jieba words holds it for certain (the
    # words are pieces of the folded text). Only the other candidates are cut by up to three bigrams' postings
    # (a bigram in most passages, 法治, would cost a pass over millions of documents to remove none) and then
    # substring-tested; a few dozen are tested directly.
    certain = _holding_word(index, folded, candidates)
    uncertain = candidates[~certain]
    for key in by_count[:3]:
        if len(uncertain) < 64:
            break
        uncertain = _intersection(uncertain, index.postings.documents(key), len(index.live))
    return _union(candidates[certain], texts.rows_containing(uncertain, folded))


def _holding_word(index: SearchIndex, folded: str, rows: np.ndarray) -> np.ndarray:
    """Per row, whether the phrase is one of the ranking words of its text or heading path."""
    held = np.zeros(len(rows), dtype=bool)
    for field in ("text", "heading"):
        documents = index.words[field].postings(folded)[0]
        if len(documents):
            held |= members(rows, documents, len(index.live))
    return held


def _union(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The rows of two ascending arrays, ascending, each once.

    A stable sort of two ascending runs is a merge (numpy's timsort finds the runs), linear in their sizes.
    """
    if not len(first) or not len(second):
        return first if len(second) == 0 else second
    joined = np.sort(np.concatenate([first, second]), kind="stable")
    keep = np.ones(len(joined), dtype=bool)
    keep[1:] = joined[1:] != joined[:-1]
    return joined[keep]


def members(rows: np.ndarray, ascending: np.ndarray, documents: int) -> np.ndarray:
    """Per row, whether it is in the ascending array (both hold document numbers below `documents`)."""
    if not len(ascending):
        return np.zeros(len(rows), dtype=bool)
    if min(len(rows), len(ascending)) < _FEW or len(rows) * _FEW_AGAINST_MANY < len(ascending):
        # Few rows, or few against many: a binary search per row.
        places = np.searchsorted(ascending, rows)
        places[places >= len(ascending)] = 0
        return ascending[places] == rows
    # Many against many: binary searches jump about both arrays (the cost at 2 million documents was most of a
    # search); one mark per document of the array, then a look-up per row, reads each array once in order.
    marked = np.zeros(documents, dtype=bool)
    marked[ascending] = True
    return marked[rows]


def _intersection(rows: np.ndarray, other: np.ndarray, documents: int) -> np.ndarray:
    """The rows (ascending) that are also in `other` (ascending)."""
    if len(rows) > len(other):
        rows, other = other, rows
    return rows[members(rows, other, documents)].astype(np.int64)


def _estimate(index: SearchIndex, folded: str) -> int:
    """An upper bound of the passages holding a phrase: its rarest bigram's count (everything for a scan)."""
    keys = phrase_keys(folded)
    if not keys:
        return len(index.live_rows)
    return min(index.postings.count(key) for key in keys)

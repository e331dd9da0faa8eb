"""Whole-word matching: a query's phrases and a passage in, whether it holds them as whole words out.

Matching stays exact (a substring test, so 法治 still finds 依法治理); the index keeps where each passage's
jieba words begin and end (the passage table's word_boundaries), and a match of whole words, or of a run
of them, starts and ends on such a boundary: 法治 in 推进|法治|建设 does, 法治 in 依法|治理 cuts through words.
"""
from __future__ import annotations

import numpy as np

from indexer.index import is_boundary
from indexer.parse import fold_for_matching
from indexer.search.opened_index import SearchIndex
from indexer.search.query import ParsedQuery

MATCH_MODES = ("substring", "words")


def folded_groups(parsed: ParsedQuery) -> tuple[tuple[str, ...], ...]:
    """The query's groups of phrases as the match text spells them."""
    return tuple(tuple(fold_for_matching(phrase) for phrase in group) for group in parsed.groups)


def spans_whole_words(bits: bytes, start: int, end: int) -> bool:
    """Whether the text from `start` to `end` begins and ends on word boundaries (bits as the passage table keeps them)."""
    return is_boundary(bits, start) and is_boundary(bits, end)


def holds_whole_words(text: str, bits: bytes, phrase: str) -> bool:
    """Whether some occurrence of the phrase in the text starts and ends on a word boundary of `bits`."""
    size = len(phrase)
    start = text.find(phrase)
    while start >= 0:
        if spans_whole_words(bits, start, start + size):
            return True
        start = text.find(phrase, start + 1)
    return False


def matches_whole_words(index: SearchIndex, row: int, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Whether every group has a phrase the passage holds as whole words (the passage matches as words)."""
    text, bits = index.table.match_texts[row], index.table.word_boundaries[row]
    return all(any(holds_whole_words(text, bits, phrase) for phrase in group) for group in groups)


def whole_word_rows(index: SearchIndex, rows: np.ndarray, groups: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """The rows that match as whole words, in their order (all rows when there are no groups, as when browsing)."""
    if not groups:
        return rows
    keep = np.fromiter((matches_whole_words(index, row, groups) for row in rows.tolist()), dtype=bool, count=len(rows))
    return rows[keep]

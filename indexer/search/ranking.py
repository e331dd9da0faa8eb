"""Ranking: BM25F over the jieba words of the query's phrases (the words Whoosh's rank fields index, read from the
table's packed postings), headings boosted, and
the order of a page of hits (best score, newest year, then reading order).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from indexer.index import HEADING_BOOST, count_rank_words
from indexer.parse import fold_for_matching
from indexer.search.opened_index import K1, SearchIndex



class Scores:
    """BM25F scores of a search's hit rows: `values[i]` is the score of `rows[i]` (rows ascending)."""

    def __init__(self, rows: np.ndarray, values: np.ndarray) -> None:
        self.rows = rows
        self.values = values

    def get(self, row: int, default: float = 0.0) -> float:
        """The score of one row (`default` when it is not a hit)."""
        place = int(np.searchsorted(self.rows, row))
        if place < len(self.rows) and self.rows[place] == row:
            return float(self.values[place])
        return default

    def __bool__(self) -> bool:
        return bool(len(self.rows))


def bm25_scores(index: SearchIndex, phrases: tuple[str, ...], rows: np.ndarray) -> Scores | None:
    """BM25F of each row over the jieba words of the query phrases, words in the heading path boosted (None
    without phrases: browsing has no scores).

    A word's counts come from the table's packed postings of the ranking fields: the hits are looked up in
    them (or they in the hits, whichever is shorter) by binary search, so a word in most passages costs no
    more than a rare one. Index mode indexed every dictionary sub-word, so 处罚 inside 行政处罚法 counts.
    """
    if not phrases or not len(rows):
        return None
    words: dict[str, int] = {}
    for phrase in phrases:
        words.update(count_rank_words(fold_for_matching(phrase), mode="query"))
    document_count = len(index.live_rows)
    scores = np.zeros(len(rows), dtype=np.float64)
    text, heading = index.words["text"], index.words["heading"]
    places = _Places(rows, len(index.live))
    for word in words:
        frequency = text.frequency(word)
        known = frequency or len(rows)
        weight = (K1 + 1) * math.log(1 + (document_count - known + 0.5) / (known + 0.5))
        _add_scores(*text.postings(word), weight, index.text_norms, places, scores)
        _add_scores(*heading.postings(word), weight * HEADING_BOOST, index.heading_norms, places, scores)
    return Scores(rows, scores)


class _Places:
    """Where documents are among a search's hit rows (ascending), for adding a word's scores to them.

    Many postings against many rows: each row's place is written in a table of every document once, then read per
    posting, in order. Few on either side: a binary search per posting or per row costs less than the table.
    """

    def __init__(self, rows: np.ndarray, documents: int) -> None:
        self.rows = rows
        self.documents = documents
        self._table: np.ndarray | None = None

    def of(self, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(places among the rows, positions among `documents`) of the documents that are rows."""
        rows = self.rows
        if min(len(rows), len(documents)) < _FEW or max(len(rows), len(documents)) > _FEW_AGAINST_MANY * min(len(rows), len(documents)):
            if len(documents) <= len(rows):
                places = np.searchsorted(rows, documents)
                places[places >= len(rows)] = 0
                found = np.flatnonzero(rows[places] == documents)
                return places[found], found
            at = np.searchsorted(documents, rows)
            at[at >= len(documents)] = 0
            found = np.flatnonzero(documents[at] == rows)
            return found, at[found]
        if self._table is None:
            self._table = np.full(self.documents, -1, dtype=np.int32)
            self._table[rows] = np.arange(len(rows), dtype=np.int32)
        places = self._table[documents]
        found = np.flatnonzero(places >= 0)
        return places[found], found


# As matching.members: below this many on either side, or one side this many times the other, binary searches.
_FEW = 2048
_FEW_AGAINST_MANY = 64


def _add_scores(
    documents: np.ndarray, counts: np.ndarray, weight: float, norms: np.ndarray, places: _Places, scores: np.ndarray
) -> None:
    """Add a word's BM25 term to the scores of the rows holding it (documents ascending)."""
    if not len(documents):
        return
    at, found = places.of(documents)
    frequencies = counts[found].astype(np.float64)
    scores[at] += weight * frequencies / (frequencies + norms[places.rows[at]])


def ordered_rows(
    index: SearchIndex,
    rows: np.ndarray,
    scores: Scores | None,
    sort: str,
    count: int | None,
    crosses_words: Callable[[int], bool] | None = None,
) -> list[int]:
    """The first `count` rows (all for None) in the sort order: best score, newest year, then index order.

    Index order keeps a report's passages together and in reading order. With `crosses_words`, relevance
    puts the rows matching as whole words before those whose match cuts through words. Only the page is
    sorted: the best `count` are chosen with argpartition, then ordered.
    """
    if scores is None:
        order = index.township_order if sort == "township" else index.year_order
        if len(rows) != len(index.live_rows):
            order = order[np.isin(order, rows, assume_unique=True)] if len(rows) else order[:0]
        return order[:count].tolist()
    negative_scores = -scores.values
    years = index.negative_years[rows]
    if sort == "year":
        keys = (rows, negative_scores, years)
    elif sort == "township":
        keys = (rows, negative_scores, years, index.township_ranks[rows])
    else:
        keys = (rows, years, negative_scores)
        if crosses_words is not None:
            return _whole_words_first(rows, keys, count, crosses_words)
    return rows[_best(keys, count)].tolist()


def _best(keys: tuple[np.ndarray, ...], count: int | None) -> np.ndarray:
    """Positions of the `count` smallest by the keys (the last key first, as np.lexsort takes them), in order."""
    size = len(keys[0])
    if count is None or count >= size:
        return np.lexsort(keys)
    # Every position whose primary key is at most the count-th smallest: ties at the border stay in.
    border = np.partition(keys[-1], count - 1)[count - 1]
    chosen = np.flatnonzero(keys[-1] <= border)
    return chosen[np.lexsort(tuple(key[chosen] for key in keys))][:count]


def _whole_words_first(
    rows: np.ndarray, keys: tuple[np.ndarray, ...], count: int | None, crosses_words: Callable[[int], bool]
) -> list[int]:
    """The first `count` rows by score, those matching as whole words before the others.

    Only as many rows are checked as the page needs: when the best `count` all match as words, they are the page.
    """
    if count is not None:
        best = rows[_best(keys, count)].tolist()
        if not any(map(crosses_words, best)):
            return best
    whole: list[int] = []
    crossing: list[int] = []
    for row in rows[np.lexsort(keys)].tolist():
        (crossing if crosses_words(row) else whole).append(row)
        if count is not None and len(whole) >= count:
            break
    return (whole + crossing)[:count]

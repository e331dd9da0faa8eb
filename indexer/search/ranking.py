"""Ranking: BM25F over the jieba words of the query's phrases in the Whoosh rank fields, headings boosted, and
the order of a page of hits (best score, newest year, then reading order).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.index import HEADING_BOOST, count_rank_words
from indexer.parse import fold_for_matching
from indexer.search.opened_index import K1, SearchIndex

# Reading a posting (a block at a time) costs about a quarter of counting a word in a hit's text (0.45 µs
# against 1.7 µs, measured on the 10,000-report benchmark index): read postings while a word's passages
# are fewer than this many times the hits.
_POSTINGS_PER_HIT = 3



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


def bm25_scores(index: SearchIndex, searcher: Searcher, phrases: tuple[str, ...], rows: np.ndarray) -> Scores | None:
    """BM25F of each row over the jieba words of the query phrases, words in the heading path boosted (None
    without phrases: browsing has no scores).

    A word's frequencies are read from the Whoosh rank fields' postings, or, when the word is in far
    more passages than the hits, counted in the hits' folded text, which is cheaper then. Index mode
    indexed every dictionary sub-word, so both give the same counts (处罚 inside 行政处罚法 counts).
    """
    if not phrases or not len(rows):
        return None
    words: dict[str, int] = {}
    for phrase in phrases:
        words.update(count_rank_words(fold_for_matching(phrase), mode="query"))
    reader = searcher.reader()
    document_count = len(index.live_rows)
    scores = np.zeros(len(rows), dtype=np.float64)
    for word in words:
        frequency = reader.doc_frequency("text_rank", word)
        known = frequency or len(rows)
        weight = (K1 + 1) * math.log(1 + (document_count - known + 0.5) / (known + 0.5))
        if frequency and frequency <= _POSTINGS_PER_HIT * len(rows):
            _add_posting_scores(reader, "text_rank", word, weight, index.text_norms, rows, scores)
            _add_posting_scores(reader, "heading_rank", word, weight * HEADING_BOOST, index.heading_norms, rows, scores)
        else:
            _add_counted_scores(index, word, weight, rows, scores)
    return Scores(rows, scores)


def _add_posting_scores(
    reader: IndexReader,
    field_name: str,
    word: str,
    weight: float,
    norms: np.ndarray,
    rows: np.ndarray,
    scores: np.ndarray,
) -> None:
    # Segment by segment: Whoosh's multi-segment matcher wraps every posting in another call.
    documents: list[int] = []
    frequencies: list[float] = []
    for segment, base in reader.leaf_readers():
        if not segment.doc_frequency(field_name, word):
            continue
        for block_documents, block_frequencies in _posting_blocks(segment.postings(field_name, word)):
            documents.extend([base + document for document in block_documents] if base else block_documents)
            frequencies.extend(block_frequencies)
    if not documents:
        return
    documents_found = np.asarray(documents, dtype=np.int64)
    found = np.asarray(frequencies, dtype=np.float64)
    places = np.searchsorted(rows, documents_found)
    places[places >= len(rows)] = 0
    hit = rows[places] == documents_found
    places, found, documents_found = places[hit], found[hit], documents_found[hit]
    scores[places] += weight * found / (found + norms[documents_found])


def _posting_blocks(matcher: Matcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings in one segment, a block (up to 128) of document numbers and frequencies at a time.

    Whoosh's matcher interface costs four method calls a posting; its block reader (W3LeafMatcher, the
    codec build.py writes) hands over whole decoded blocks. Any other matcher is read posting by posting.
    """
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            yield (matcher.id(),), (matcher.weight(),)
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def _add_counted_scores(index: SearchIndex, word: str, weight: float, rows: np.ndarray, scores: np.ndarray) -> None:
    texts = index.table.match_texts
    heading_ends = index.table.heading_ends
    # Counted in C (str.count mapped over the texts); the heading path is the text before heading_end.
    row_list = rows.tolist()
    in_texts = np.fromiter(
        map(str.count, map(texts.value, row_list), repeat(word), map(heading_ends.value, row_list)),
        dtype=np.float64, count=len(row_list),
    )
    in_headings = np.fromiter(
        map(str.count, map(texts.value, row_list), repeat(word), repeat(0), map(heading_ends.value, row_list)),
        dtype=np.float64, count=len(row_list),
    )
    scores += weight * in_texts / (in_texts + index.text_norms[rows])
    scores += weight * HEADING_BOOST * in_headings / (in_headings + index.heading_norms[rows])


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

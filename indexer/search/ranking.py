"""Ranking: BM25F over the jieba words of the query's phrases in the Whoosh rank fields, headings boosted, and
the order of a page of hits (best score, newest year, then reading order).
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Sequence
from itertools import islice, repeat

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



def bm25_scores(index: SearchIndex, searcher: Searcher, phrases: tuple[str, ...], rows: list[int]) -> dict[int, float]:
    """BM25F of each row over the jieba words of the query phrases, words in the heading path boosted.

    A word's frequencies are read from the Whoosh rank fields' postings, or, when the word is in far
    more passages than the hits, counted in the hits' folded text, which is cheaper then. Index mode
    indexed every dictionary sub-word, so both give the same counts (处罚 inside 行政处罚法 counts).
    """
    if not phrases or not rows:
        return {}
    words: dict[str, int] = {}
    for phrase in phrases:
        words.update(count_rank_words(fold_for_matching(phrase), mode="query"))
    reader = searcher.reader()
    document_count = len(index.live_rows)
    scores = dict.fromkeys(rows, 0.0)
    for word in words:
        frequency = reader.doc_frequency("text_rank", word)
        known = frequency or len(rows)
        weight = (K1 + 1) * math.log(1 + (document_count - known + 0.5) / (known + 0.5))
        if frequency and frequency <= _POSTINGS_PER_HIT * len(rows):
            _add_posting_scores(reader, "text_rank", word, weight, index.text_norms, scores)
            _add_posting_scores(reader, "heading_rank", word, weight * HEADING_BOOST, index.heading_norms, scores)
        else:
            _add_counted_scores(index, word, weight, scores)
    return scores


def _add_posting_scores(
    reader: IndexReader, field_name: str, word: str, weight: float, norms: list[float], scores: dict[int, float]
) -> None:
    # Segment by segment: Whoosh's multi-segment matcher wraps every posting in another call.
    for segment, base in reader.leaf_readers():
        if not segment.doc_frequency(field_name, word):
            continue
        for documents, frequencies in _posting_blocks(segment.postings(field_name, word)):
            for document, frequency in zip(documents, frequencies):
                row = base + document
                if row in scores:
                    scores[row] += weight * frequency / (frequency + norms[row])


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


def _add_counted_scores(index: SearchIndex, word: str, weight: float, scores: dict[int, float]) -> None:
    rows = list(scores)
    texts = list(map(index.table.match_texts.__getitem__, rows))
    heading_ends = list(map(index.table.heading_ends.__getitem__, rows))
    # Counted in C (str.count mapped over the texts); the heading path is the text before heading_end.
    in_texts = map(str.count, texts, repeat(word), heading_ends)
    in_headings = map(str.count, texts, repeat(word), repeat(0), heading_ends)
    text_norms, heading_norms = index.text_norms, index.heading_norms
    heading_weight = weight * HEADING_BOOST
    for row, in_text, in_heading in zip(rows, in_texts, in_headings):
        if in_text:
            scores[row] += weight * in_text / (in_text + text_norms[row])
        if in_heading:
            scores[row] += heading_weight * in_heading / (in_heading + heading_norms[row])


def ordered_rows(
    index: SearchIndex,
    rows: list[int],
    scores: dict[int, float],
    sort: str,
    count: int | None,
    crosses_words: Callable[[int], bool] | None = None,
) -> list[int]:
    """The first `count` rows (all for None) in the sort order: best score, newest year, then index order.

    Index order keeps a report's passages together and in reading order. With `crosses_words`, relevance
    puts the rows matching as whole words before those whose match cuts through words.
    """
    if not scores:
        order = index.township_order if sort == "township" else index.year_order
        if len(rows) != len(index.live_rows):
            order = list(islice(filter(set(rows).__contains__, order), count))
        return order[:count]
    negative_scores = [-scores[row] for row in rows]
    years = map(index.negative_years.__getitem__, rows)
    if sort == "year":
        keys = zip(years, negative_scores, rows)
    elif sort == "township":
        keys = zip(map(index.township_ranks.__getitem__, rows), years, negative_scores, rows)
    else:
        keys = zip(negative_scores, years, rows)
        if crosses_words is not None:
            return _whole_words_first(list(keys), count, crosses_words)
    chosen = sorted(keys) if count is None else heapq.nsmallest(count, keys)
    return [key[-1] for key in chosen]


def _whole_words_first(keys: list[tuple], count: int | None, crosses_words: Callable[[int], bool]) -> list[int]:
    """The first `count` rows by score, those matching as whole words before the others.

    Only as many rows are checked as the page needs: when the best `count` all match as words, they are the page.
    """
    if count is not None:
        best = [key[-1] for key in heapq.nsmallest(count, keys)]
        if not any(map(crosses_words, best)):
            return best
    whole: list[int] = []
    crossing: list[int] = []
    for key in sorted(keys):
        row = key[-1]
        (crossing if crosses_words(row) else whole).append(row)
        if count is not None and len(whole) >= count:
            break
    return (whole + crossing)[:count]

"""A query and filters in, the matching passages most recently indexed out, newest first, each with the time
its report version was first indexed (the passage table keeps it across builds): the entries of an Atom feed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.research.occurrences import match_rows
from indexer.search import SearchFilters, SearchIndex, passage_fields

MAX_ENTRIES = 50
_CONTENT_CHARS = 2000


@dataclass(frozen=True)
class FeedEntry:
    passage_id: str
    report_id: str
    version: str  # the report's content hash: a changed report's passages are new entries
    title: str
    township: str
    county: str
    year: int | None
    section_label: str
    heading_path: tuple[str, ...]
    text: str
    indexed_at: float  # seconds since the epoch


@dataclass(frozen=True)
class Feed:
    query: str
    filters: SearchFilters
    entries: tuple[FeedEntry, ...]
    updated: float  # the newest entry's time (0 when there is none)


def feed(index: SearchIndex, query_text: str = "", filters: SearchFilters = SearchFilters(),
         limit: int = MAX_ENTRIES, match_words: bool = False) -> Feed:
    """The matching passages whose report versions were indexed last, newest first, then in report order."""
    matched = match_rows(index, query_text, filters, match_words)
    table = index.table
    limit = min(max(limit, 1), MAX_ENTRIES)
    indexed_at = table.indexed_at
    report_rows = table.report_rows
    rows = np.asarray(matched.rows, dtype=np.int64)
    if len(rows) > limit:
        # The `limit` newest by (-indexed_at, -year, row): those at least as new as the limit-th newest time, sorted.
        times = indexed_at.array[index.report_rows[rows]]
        cut = np.partition(-times, limit - 1)[limit - 1]
        rows = rows[-times <= cut]
    times = indexed_at.array[index.report_rows[rows]]
    newest = rows[np.lexsort((rows, index.negative_years[rows], -times))][:limit].tolist()
    searcher = index.searcher()
    entries = []
    for row in newest:
        fields = passage_fields(index, row)
        stored = searcher.stored_fields(row)
        text = stored.get("text", "")
        entries.append(FeedEntry(
            passage_id=fields["passage_id"], report_id=fields["report_id"],
            version=table.content_hashes[report_rows[row]][:16], title=fields["title"], township=fields["township"],
            county=fields["county"], year=fields["year"], section_label=fields["section_label"],
            heading_path=tuple(stored.get("heading_path", ())),
            text=text if len(text) <= _CONTENT_CHARS else text[:_CONTENT_CHARS] + "…",
            indexed_at=indexed_at[report_rows[row]],
        ))
    return Feed(query_text, matched.filters, tuple(entries), max((one.indexed_at for one in entries), default=0.0))

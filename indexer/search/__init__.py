"""Searching: query text, filters and a page in; hits ranked by BM25F with marked snippets, facet counts over
all hits, and the JSON shapes the CLI and the API share, out. Matching is exact (bigrams, then substrings).
"""
from indexer.search.facets import FacetValue, apply_filters
from indexer.search.matching import matching_rows
from indexer.search.notices import NOTICE_CODES, Notice, NoticeText, make_notice, notices_to_json
from indexer.search.opened_index import (
    IndexUnavailable,
    SearchIndex,
    open_search_index,
    passage_fields,
)
from indexer.search.query import (
    ParsedQuery,
    SearchFilters,
    build_filters,
    parse_query,
    parse_year,
    section_type_key,
)
from indexer.search.results import (
    SORTS,
    SearchResult,
    export_passages,
    passage_url,
    search,
)
from indexer.search.serialize import (
    count_cited_laws,
    export_lines,
    exported_passage_to_json,
    filters_to_json,
    passage_to_json,
    report_to_json,
    search_result_to_json,
    unreadable_to_json,
)
from indexer.search.snippets import mark_text
from indexer.search.spreadsheet import csv_lines, spreadsheet_cell
from indexer.search.word_matching import (
    MATCH_MODES,
    folded_groups,
    holds_whole_words,
    spans_whole_words,
    whole_word_rows,
)

__all__ = [
    "MATCH_MODES", "NOTICE_CODES", "SORTS", "FacetValue", "IndexUnavailable", "Notice", "NoticeText", "ParsedQuery",
    "SearchFilters", "SearchIndex", "SearchResult", "apply_filters", "build_filters", "count_cited_laws", "csv_lines",
    "export_lines", "export_passages", "exported_passage_to_json", "folded_groups", "holds_whole_words", "make_notice",
    "notices_to_json", "spans_whole_words", "whole_word_rows",
    "filters_to_json", "mark_text", "matching_rows", "open_search_index", "parse_query", "parse_year", "passage_fields",
    "passage_to_json", "passage_url", "report_to_json", "search", "search_result_to_json", "section_type_key",
    "spreadsheet_cell", "unreadable_to_json",
]

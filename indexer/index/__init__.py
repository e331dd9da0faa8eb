"""Indexing: a corpus folder in, a new index generation out (Whoosh rank fields, the passage table with its
bigram postings, near-duplicate groups, the stored reports), switched in only when complete.
"""
from importlib import import_module
from typing import TYPE_CHECKING

from indexer.index.columns import CodedColumn, Column, NumberColumn, TextColumn, TupleColumn, stretch_positions
from indexer.index.analysis import count_rank_words, is_boundary, phrase_keys, segmenter
from indexer.index.duplicates import (
    BOILERPLATE_REPORTS,
    NO_GROUP,
    SHINGLE_CHARACTERS,
    SIGNATURE_BINS,
    SIMILARITY_THRESHOLD,
    comparable_text,
    count_other_reports,
    passage_signature,
)
from indexer.index.generations import (
    BuildError,
    BuildLocked,
    current_generation,
    hold_for_reading,
    stop_reading,
)
from indexer.index.passage_table import read_passage_table
from indexer.index.report_store import (
    STORE_FOLDER,
    is_safe_report_id,
    load_report,
    load_report_metadata,
)
from indexer.index.schema import FACETS, HEADING_BOOST, SEARCH_ARRAYS_FOLDER, PassageTable
from indexer.index.search_arrays import K1, read_search_arrays
from indexer.index.table_file import BigramPostings, WordPostings
from indexer.index.view_arrays import VIEW_ARRAYS, compute_view_arrays, heading_part_bits, utf8_lengths

if TYPE_CHECKING:
    from indexer.index.build import (
        BuildSummary,
        ReportWarnings,
        build_index,
        report_warnings,
    )
    from indexer.index.workers import BuildProgress, SkippedFile

# The build (worker processes, every file format's reader) is loaded when a name of it is first asked for:
# a search never needs it, and `fazhi search` starts faster without it.
_BUILD_NAMES = {
    "BuildSummary": "build", "ReportWarnings": "build", "build_index": "build", "report_warnings": "build",
    "BuildProgress": "workers", "SkippedFile": "workers",
}


def __getattr__(name: str) -> object:
    if name in _BUILD_NAMES:
        return getattr(import_module(f"indexer.index.{_BUILD_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "BOILERPLATE_REPORTS", "FACETS", "K1", "SEARCH_ARRAYS_FOLDER", "read_search_arrays", "HEADING_BOOST", "NO_GROUP", "SHINGLE_CHARACTERS", "SIGNATURE_BINS",
    "SIMILARITY_THRESHOLD", "STORE_FOLDER", "BigramPostings", "WordPostings", "BuildError", "BuildLocked", "BuildProgress",
    "BuildSummary", "CodedColumn", "Column", "NumberColumn", "PassageTable", "TextColumn", "TupleColumn", "ReportWarnings", "VIEW_ARRAYS", "SkippedFile", "build_index", "comparable_text",
    "compute_view_arrays", "heading_part_bits", "stretch_positions", "utf8_lengths",
    "count_other_reports", "count_rank_words", "current_generation", "hold_for_reading", "is_boundary", "is_safe_report_id",
    "load_report", "load_report_metadata", "passage_signature", "phrase_keys", "read_passage_table",
    "report_warnings", "segmenter", "stop_reading",
]

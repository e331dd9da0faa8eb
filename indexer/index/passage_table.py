"""The passage table of a generation: one row per Whoosh document with its report's metadata, the folded text
that exact matching reads, and the bigram postings that narrow the candidates. The rows a build worker makes
are here; table_assembly.py puts a generation's table together, table_file.py writes and reads it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.index.schema import TABLE_FILE, PassageTable
from indexer.index.table_file import BigramPostings, WordPostings, read_table_file


@dataclass(frozen=True)
class PassageRow:
    """A passage's entries in the passage table (the column names, singular)."""

    report_id: str
    section_type: str
    laws: tuple[str, ...]
    law_events: tuple[str, ...]
    documents: tuple[str, ...]
    match_text: str
    heading_end: int
    word_boundaries: bytes  # analysis.boundary_bits of the match text
    text_length: int
    heading_length: int


@dataclass(frozen=True)
class ReportRow:
    """A report's entries in the passage table."""

    title: str
    township: str
    county: str
    city: str
    province: str
    year: int | None
    source_path: str
    source_hash: str
    content_hash: str
    warnings: tuple[str, ...]
    date: str = ""  # the report date, ISO yyyy-mm-dd, "" when the report gives none
    # When this version of the report (its content hash) was first indexed, seconds since the epoch (UTC);
    # the build fills it in (table_assembly.py), keeping the time of an earlier build for an unchanged version.
    indexed_at: float = 0.0


# Table column → field of the row dataclass that fills it.
PASSAGE_COLUMNS = {
    "section_types": "section_type", "laws": "laws", "law_events": "law_events", "documents": "documents",
    "match_texts": "match_text", "heading_ends": "heading_end", "word_boundaries": "word_boundaries",
    "text_lengths": "text_length", "heading_lengths": "heading_length",
}


REPORT_COLUMNS = {
    "titles": "title", "townships": "township", "counties": "county", "cities": "city", "provinces": "province",
    "years": "year", "source_paths": "source_path", "source_hashes": "source_hash", "content_hashes": "content_hash",
    "report_warnings": "warnings",
    "dates": "date", "indexed_at": "indexed_at",
}


def first_indexed_times(table: PassageTable) -> dict[tuple[str, str], float]:
    """(report id, content hash) → when that version was first indexed, for the next build to keep."""
    return dict(zip(zip(table.report_ids, table.content_hashes), table.indexed_at))


def read_passage_table(
    generation_dir: Path, with_postings: bool = True
) -> tuple[PassageTable, BigramPostings | None, dict[str, WordPostings] | None] | None:
    """The passage table of a generation (mapped), its bigram postings and its ranking words' postings per
    field, or None when missing or of another format."""
    found = read_table_file(Path(generation_dir) / TABLE_FILE)
    if found is None:
        return None
    table, bigrams, words = found
    return (table, bigrams, words) if with_postings else (table, None, None)

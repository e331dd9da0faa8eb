"""The passage table of a generation: one row per Whoosh document with its report's metadata, the folded text
that exact matching reads, and the bigram postings that narrow the candidates; assembled, written and read here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.index.duplicates import NO_GROUP
from indexer.index.schema import INDEX_FORMAT, TABLE_FILE, PassageTable
from indexer.index.postings import Merged
from indexer.index.table_file import BigramPostings, WordPostings, read_table_file, write_table_file


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
    # assemble_table fills it in, keeping the time of an earlier build for an unchanged version.
    indexed_at: float = 0.0


# Table column → field of the row dataclass that fills it.
_PASSAGE_COLUMNS = {
    "section_types": "section_type", "laws": "laws", "law_events": "law_events", "documents": "documents",
    "match_texts": "match_text", "heading_ends": "heading_end", "word_boundaries": "word_boundaries",
    "text_lengths": "text_length", "heading_lengths": "heading_length",
}


_REPORT_COLUMNS = {
    "titles": "title", "townships": "township", "counties": "county", "cities": "city", "provinces": "province",
    "years": "year", "source_paths": "source_path", "source_hashes": "source_hash", "content_hashes": "content_hash",
    "report_warnings": "warnings",
    "dates": "date", "indexed_at": "indexed_at",
}


def assemble_table(
    index: whoosh_index.Index,
    previous: PassageTable | None,
    passage_rows: dict[str, PassageRow],
    report_rows: dict[str, ReportRow],
    law_labels: dict[str, str],
    skipped_files: dict[str, tuple[str, str, str]],
    first_indexed: dict[tuple[str, str], float] | None = None,
    now: float | None = None,
) -> PassageTable:
    """The passage table in Whoosh's document order; unchanged passages keep their rows from the previous table.

    A newly parsed report keeps the time its version (report id, content hash) was first indexed when
    `first_indexed` knows it (a rebuild, or a file touched but not changed), and gets `now` otherwise.
    """
    first_indexed = first_indexed or {}
    now = time.time() if now is None else now
    previous_rows = {} if previous is None else {passage_id: row for row, passage_id in enumerate(previous.passage_ids)}
    previous_reports = {} if previous is None else {report_id: row for row, report_id in enumerate(previous.report_ids)}
    names = ("passage_ids", "report_rows", "report_ids", *_PASSAGE_COLUMNS, *_REPORT_COLUMNS)
    columns: dict[str, list] = {name: [] for name in names}
    report_numbers: dict[str, int] = {}
    labels = {} if previous is None else dict(previous.law_labels)
    labels.update(law_labels)
    with index.reader() as reader:
        document_count = reader.doc_count_all()
        passage_ids = list(reader.column_reader("passage_id")) if document_count else []
        for document_number, passage_id in enumerate(passage_ids):
            if reader.is_deleted(document_number):
                columns["passage_ids"].append("")
                columns["report_rows"].append(-1)
                _append(columns, _PASSAGE_COLUMNS, PassageRow("", "", (), (), (), "", 0, b"\x01", 0, 0))
                continue
            row = passage_rows.get(passage_id) or _previous_passage(previous, previous_rows[passage_id])
            if row.report_id not in report_numbers:
                report_numbers[row.report_id] = len(report_numbers)
                columns["report_ids"].append(row.report_id)
                report = report_rows.get(row.report_id)
                if report is None:
                    report = _previous_report(previous, previous_reports[row.report_id])
                else:
                    report = replace(report, indexed_at=first_indexed.get((row.report_id, report.content_hash), now))
                _append(columns, _REPORT_COLUMNS, report)
            columns["passage_ids"].append(passage_id)
            columns["report_rows"].append(report_numbers[row.report_id])
            _append(columns, _PASSAGE_COLUMNS, row)
    cited = {law for column in ("laws", "law_events", "documents") for laws in columns[column] for law in laws}
    return PassageTable(
        format=INDEX_FORMAT,
        document_count=document_count,
        duplicate_groups=[NO_GROUP] * document_count,
        law_labels={name: label for name, label in labels.items() if name in cited},
        skipped_files=skipped_files,
        **columns,
    )


def _append(columns: dict[str, list], names: dict[str, str], row: PassageRow | ReportRow) -> None:
    for column, attribute in names.items():
        columns[column].append(getattr(row, attribute))


def _previous_passage(previous: PassageTable, row: int) -> PassageRow:
    values = {attribute: getattr(previous, column)[row] for column, attribute in _PASSAGE_COLUMNS.items()}
    return PassageRow(report_id=previous.report_ids[previous.report_rows[row]], **values)


def first_indexed_times(table: PassageTable) -> dict[tuple[str, str], float]:
    """(report id, content hash) → when that version was first indexed, for the next build to keep."""
    return dict(zip(zip(table.report_ids, table.content_hashes), table.indexed_at))


def _previous_report(previous: PassageTable, row: int) -> ReportRow:
    return ReportRow(**{attribute: getattr(previous, column)[row] for column, attribute in _REPORT_COLUMNS.items()})


def write_table(path: Path, table: PassageTable, bigrams: Merged, words: dict[str, Merged]) -> None:
    """Write the table and its postings in the layout table_file.py describes."""
    write_table_file(path, table, bigrams, words)


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

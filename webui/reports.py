"""A report or passage id in, what the open index holds of it out (or None): the stored report, or one passage
read alone with its report's metadata."""
from __future__ import annotations

from dataclasses import fields

from indexer.index import (
    STORE_FOLDER,
    is_safe_report_id,
    load_report,
    load_report_metadata,
)
from indexer.report import LawCitation, Passage, Report
from indexer.research import passage_row_of, report_row_of
from indexer.search import SearchIndex

_CITATION_FIELDS = {item.name for item in fields(LawCitation)}


def find_report(index: SearchIndex, report_id: str) -> Report | None:
    """The report as this index generation indexed it."""
    if not is_safe_report_id(report_id):
        return None
    row = report_row_of(index, report_id)
    if row is None:
        return None
    return load_report(index.directory / STORE_FOLDER, report_id, index.table.content_hashes[row])


def find_passage(index: SearchIndex, passage_id: str) -> tuple[dict, Passage] | None:
    """The passage with this id, read alone from the index's stored fields, and its report's metadata.

    The whole report is never loaded: a 10 MB report took a second to parse for each of its passages.
    """
    row = passage_row_of(index, passage_id)
    if row is None:
        return None
    table = index.table
    report_row = table.report_rows[row]
    metadata = load_report_metadata(
        index.directory / STORE_FOLDER, table.report_ids[report_row], table.content_hashes[report_row]
    )
    if metadata is None:
        return None
    stored = index.searcher().stored_fields(row)
    _, _, ordinal = passage_id.rpartition("-p")
    passage = Passage(
        passage_id=passage_id,
        report_id=table.report_ids[report_row],
        ordinal=int(ordinal) if ordinal.isdigit() else 0,
        heading_path=tuple(stored.get("heading_path", ())),
        section_type=table.section_types[row],
        text=stored.get("text", ""),
        start=stored.get("start", 0),
        end=stored.get("end", 0),
        cited_laws=tuple(
            LawCitation(**{name: value for name, value in values.items() if name in _CITATION_FIELDS})
            for values in stored.get("cited_laws", ())
        ),
    )
    return metadata, passage

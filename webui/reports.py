"""A report id in, the stored report the open index was built from out (or None)."""
from __future__ import annotations

from indexer.index import STORE_FOLDER, is_safe_report_id, load_report
from indexer.report import Passage, Report
from indexer.search import SearchIndex


def find_report(index: SearchIndex, report_id: str) -> Report | None:
    """The report as this index generation indexed it."""
    if not is_safe_report_id(report_id):
        return None
    rows = index._cache.get("report_rows_by_id")
    if rows is None:
        rows = {report_id: row for row, report_id in enumerate(index.table.report_ids)}
        index._cache["report_rows_by_id"] = rows
    row = rows.get(report_id)
    if row is None:
        return None
    return load_report(index.directory / STORE_FOLDER, report_id, index.table.content_hashes[row])


def find_passage(index: SearchIndex, passage_id: str) -> tuple[Report, Passage] | None:
    """The passage with this id and its report."""
    report_id, separator, _ = passage_id.rpartition("-p")
    report = find_report(index, report_id) if separator else None
    if report is None:
        return None
    for passage in report.passages:
        if passage.passage_id == passage_id:
            return report, passage
    return None

"""A generation's passage table put together column by column: the previous generation's rows (mapped) with the
documents deleted now blanked, then each build run's rows (mapped from its run folder), in Whoosh's document order.

No step loops over passages in Python: report rows are renumbered with numpy, texts are copied from the
mapped files to the new one in stretches (table_file.Part), and coded columns are recoded through their names.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.index.columns import Column, NumberColumn
from indexer.index.duplicates import NO_GROUP, SIGNATURE_BINS, Grouping, documents_before, find_leaders, groups_of, passage_signature
from indexer.index.passage_table import PASSAGE_COLUMNS, REPORT_COLUMNS
from indexer.index.run_table import RUN_REPORT_ROWS, RunTable
from indexer.index.schema import INDEX_FORMAT, PassageTable
from indexer.index.table_file import Part, used_names

# Signature rows of the previous generation copied at once.
_SIGNATURE_CHUNK = 65536


@dataclass(frozen=True)
class AssembledTable:
    """A new table in parts, ready for table_file.write_table_file (but its duplicate groups, see `with_groups`)."""

    columns: dict[str, list[Part]]
    header: dict  # format, document_count, law_labels, skipped_files
    removed: np.ndarray  # per document of the previous generation: deleted (now or before)
    report_rows: np.ndarray  # per document: its report's row, -1 when deleted
    passage_id_parts: list[tuple[int, Column]]  # (first document, passage ids) of each part, for passage_id

    @property
    def document_count(self) -> int:
        return self.header["document_count"]

    def passage_id(self, document: int) -> str:
        """The passage id of a document ("" when deleted)."""
        for first, ids in reversed(self.passage_id_parts):
            if document >= first:
                return "" if document < len(self.removed) and self.removed[document] else ids[document - first]
        raise IndexError(document)

    def with_groups(self, groups: np.ndarray) -> dict[str, list[Part]]:
        """Every column, the near-duplicate groups (a leader's document number per document) included."""
        return {**self.columns, "duplicate_groups": [Part(NumberColumn(np.asarray(groups, dtype=np.int32)))]}


def assemble_table(
    previous: PassageTable | None,
    deleted_reports: set[str],
    runs: Sequence[RunTable],
    skipped_files: dict[str, tuple[str, str, str]],
    first_indexed: dict[tuple[str, str], float] | None = None,
    now: float | None = None,
) -> AssembledTable:
    """The new table: the previous one's rows less the reports deleted now (their documents keep their numbers,
    blank, with report row -1), then the runs' rows. Reports are listed in the order of their first document.

    A newly parsed report keeps the time its version (report id, content hash) was first indexed when
    `first_indexed` knows it (a rebuild, or a file touched but not changed), and gets `now` otherwise.
    Law labels are kept for the names some passage still cites.
    """
    first_indexed = first_indexed or {}
    now = time.time() if now is None else now
    columns: dict[str, list[Part]] = {name: [] for name in ("passage_ids", "report_ids", *PASSAGE_COLUMNS, *REPORT_COLUMNS)}
    report_rows: list[np.ndarray] = []
    labels: dict[str, str] = {}
    id_parts: list[tuple[int, Column]] = []
    removed = np.zeros(0, dtype=bool)
    documents = reports = 0
    if previous is not None:
        live = np.fromiter((report_id not in deleted_reports for report_id in previous.report_ids), dtype=bool, count=len(previous.report_ids))
        rows = np.asarray(previous.report_rows.array if isinstance(previous.report_rows, NumberColumn) else previous.report_rows, dtype=np.int64)
        removed = rows < 0
        safe_rows = np.where(removed, 0, rows)
        if len(live):
            removed |= ~live[safe_rows]
        renumbered = np.cumsum(live) - 1
        report_rows.append(np.where(removed, -1, renumbered[safe_rows] if len(live) else -1))
        for name in ("passage_ids", *PASSAGE_COLUMNS):
            columns[name].append(Part(getattr(previous, name), blank=removed))
        for name in ("report_ids", *REPORT_COLUMNS):
            columns[name].append(Part(getattr(previous, name), keep=live))
        labels.update(previous.law_labels)
        id_parts.append((0, previous.passage_ids))
        documents, reports = previous.document_count, int(live.sum())
    for run in runs:
        report_rows.append(np.asarray(run.passages[RUN_REPORT_ROWS].array, dtype=np.int64) + reports)
        for name in ("passage_ids", *PASSAGE_COLUMNS):
            columns[name].append(Part(run.passages[name]))
        for name, column in run.reports.items():
            columns[name].append(Part(column))
        versions = zip(run.reports["report_ids"], run.reports["content_hashes"])
        indexed_at = np.fromiter((first_indexed.get(version, now) for version in versions), dtype=np.float64)
        columns["indexed_at"].append(Part(NumberColumn(indexed_at)))
        labels.update(run.law_labels)
        id_parts.append((documents, run.passages["passage_ids"]))
        documents += run.passage_count
        reports += len(run.reports["report_ids"])
    joined_rows = np.concatenate(report_rows).astype(np.int32) if report_rows else np.zeros(0, np.int32)
    columns["report_rows"] = [Part(NumberColumn(joined_rows))]
    cited = set().union(*(used_names(columns[name]) for name in ("laws", "law_events", "documents")))
    header = {
        "format": INDEX_FORMAT,
        "document_count": documents,
        "law_labels": {name: label for name, label in labels.items() if name in cited},
        "skipped_files": skipped_files,
    }
    return AssembledTable(columns, header, removed, joined_rows, id_parts)


def generation_signatures(
    assembled: AssembledTable,
    previous: PassageTable | None,
    stored: np.ndarray | None,
    runs: Sequence[RunTable],
) -> Iterator[np.ndarray]:
    """The new generation's signatures in pieces, by document number (zeros for a deleted document): the
    previous generation's stored ones, then the runs'.

    Without stored signatures of the previous generation (it did not find duplicates, or hashed differently),
    its live passages are hashed now from their folded texts in the table.
    """
    if previous is not None and previous.document_count:
        removed = assembled.removed
        if stored is not None and len(stored) == previous.document_count:
            for start in range(0, len(stored), _SIGNATURE_CHUNK):
                piece = np.array(stored[start:start + _SIGNATURE_CHUNK])
                piece[removed[start:start + _SIGNATURE_CHUNK]] = 0
                yield piece
        else:
            yield _hashed(previous, removed)
    for run in runs:
        yield run.signatures


def _hashed(previous: PassageTable, removed: np.ndarray) -> np.ndarray:
    hashed = np.zeros((previous.document_count, SIGNATURE_BINS), dtype=np.uint32)
    for document in np.flatnonzero(~removed).tolist():
        match_text = previous.match_texts[document]
        signature = passage_signature(match_text[previous.heading_ends[document] + 1:])
        if signature:
            hashed[document] = np.frombuffer(signature, dtype=np.uint32)
    return hashed


def duplicate_groups(
    assembled: AssembledTable,
    signatures: np.ndarray,
    previous: PassageTable | None,
    earlier: Grouping | None,
    runs: Sequence[RunTable],
) -> tuple[np.ndarray, Grouping]:
    """Each document's near-duplicate group leader in the assembled table (duplicates.find_leaders), and the
    grouping to keep; with the previous generation's grouping, only from the first passage id added or deleted."""
    ids = _PassageIds(assembled)
    if earlier is None or previous is None or len(earlier.leaders) != previous.document_count:
        grouping = find_leaders(signatures, ids)
        return groups_of(grouping, assembled.report_rows), grouping
    deleted_before = np.asarray(previous.report_rows.array if isinstance(previous.report_rows, NumberColumn) else previous.report_rows) < 0
    deleted_now = np.flatnonzero(assembled.removed & ~deleted_before & (np.asarray(earlier.leaders) != NO_GROUP))
    changed = [previous.passage_ids[document] for document in deleted_now.tolist()]
    for run in runs:
        signed = np.flatnonzero(run.signatures.any(axis=1)).tolist()
        changed.extend(run.passages["passage_ids"][place] for place in signed)
    # The previous generation's order is by its own passage ids (a document deleted now has none in the new table).
    kept = documents_before(earlier.order, previous.passage_ids, min(changed)) if changed else len(earlier.order)
    grouping = find_leaders(signatures, ids, earlier, kept)
    return groups_of(grouping, assembled.report_rows), grouping


class _PassageIds(Sequence):
    """The passage ids of an assembled table by document number, read from its parts when asked for."""

    def __init__(self, assembled: AssembledTable) -> None:
        self.assembled = assembled

    def __len__(self) -> int:
        return self.assembled.document_count

    def __getitem__(self, document):  # type: ignore[override]
        return self.assembled.passage_id(int(document))

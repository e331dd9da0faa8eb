"""A build run's passage table rows as packed columns in its run folder, beside its postings.

A build worker saves the rows of the files it parsed here (`save_run_table`), in the kinds the table file
keeps them (table_file.py): numbers as arrays, texts as offsets into a UTF-8 blob, coded and tuple columns
as codes into names. The build process maps them back (`load_run_table`) and writes them into the new
generation's table after the previous generation's rows, column by column, so it never holds a passage's
row as Python values.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from indexer.index.columns import BlobColumn, CodedColumn, Column, NumberColumn, TextColumn, TupleColumn
from indexer.index.duplicates import signature_array
from indexer.index.passage_table import PASSAGE_COLUMNS, REPORT_COLUMNS, PassageRow, ReportRow
from indexer.index.table_file import COLUMN_KINDS

_NAMES_FILE = "table.json"
_SIGNATURES = "signatures.npy"
# The passage-level column a run keeps in place of the table's report rows: the row of the passage's report
# among the run's reports, which the build process shifts past the reports before the run.
RUN_REPORT_ROWS = "report_rows"


@dataclass(frozen=True)
class RunTable:
    """A run's table rows, mapped: passage-level and report-level columns, its law labels and signatures."""

    passages: dict[str, Column]  # passage_ids, report_rows (within the run) and PASSAGE_COLUMNS
    reports: dict[str, Column]  # report_ids and REPORT_COLUMNS but indexed_at
    law_labels: dict[str, str]
    signatures: np.ndarray  # (passages, SIGNATURE_BINS) uint32, a row of zeros for none

    @property
    def passage_count(self) -> int:
        return len(self.passages["passage_ids"])


def save_run_table(
    folder: Path,
    reports: Sequence[tuple[str, ReportRow, Sequence[tuple[str, PassageRow, tuple[tuple[str, str], ...], bytes]]]],
) -> None:
    """Save the rows of a run's reports (each: id, row, and its passages' id, row, law labels, signature).

    A report without passages gets no row, as a table lists only the reports its passages belong to.
    """
    reports = [report for report in reports if report[2]]
    passages = [passage for _id, _row, found in reports for passage in found]
    names: dict[str, list[str]] = {}
    columns: dict[str, list] = {
        "passage_ids": [passage_id for passage_id, _row, _labels, _signature in passages],
        RUN_REPORT_ROWS: [number for number, (_id, _row, found) in enumerate(reports) for _passage in found],
        "report_ids": [report_id for report_id, _row, _found in reports],
    }
    for column, attribute in PASSAGE_COLUMNS.items():
        columns[column] = [getattr(row, attribute) for _id, row, _labels, _signature in passages]
    for column, attribute in REPORT_COLUMNS.items():
        if column != "indexed_at":
            columns[column] = [getattr(row, attribute) for _id, row, _found in reports]
    for column, values in columns.items():
        kind = "int32" if column == RUN_REPORT_ROWS else COLUMN_KINDS[column]
        found = _save_column(folder, column, kind, values)
        if found is not None:
            names[column] = found
    labels: dict[str, str] = {}
    for _id, _row, passage_labels, _signature in passages:
        labels.update(passage_labels)
    (folder / _NAMES_FILE).write_text(json.dumps({"names": names, "law_labels": labels}, ensure_ascii=False), encoding="utf-8")
    np.save(folder / _SIGNATURES, signature_array([signature for _id, _row, _labels, signature in passages]))


def _save_column(folder: Path, column: str, kind: str, values: list) -> list[str] | None:
    """Save one column's arrays; the names of a coded or tuple column (None for the others)."""
    def save(part: str, array: np.ndarray) -> None:
        np.save(folder / f"{column}.{part}.npy", array)

    if kind in ("int32", "float64"):
        save("values", np.asarray(values, dtype=kind))
    elif kind == "year":
        save("values", np.asarray([value or 0 for value in values], dtype=np.int32))
    elif kind == "coded":
        names = sorted(set(values))
        number = {name: code for code, name in enumerate(names)}
        save("codes", np.fromiter(map(number.__getitem__, values), dtype=np.uint32, count=len(values)))
        return names
    elif kind == "tuple":
        names = sorted(set(chain.from_iterable(values)))
        number = {name: code for code, name in enumerate(names)}
        save("offsets", _offsets([len(value) for value in values]))
        save("codes", np.fromiter(map(number.__getitem__, chain.from_iterable(values)), dtype=np.uint32))
        return names
    else:
        encoded = [value.encode("utf-8") for value in values] if kind == "text" else values
        save("offsets", _offsets([len(value) for value in encoded]))
        save("blob", np.frombuffer(b"".join(encoded), dtype=np.uint8))
    return None


def _offsets(lengths: list[int]) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=offsets[1:])
    return offsets


def load_array(path: Path) -> np.ndarray:
    """An array saved by np.save, mapped (read whole when empty: there is nothing to map)."""
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:
        return np.load(path)


def load_run_table(folder: Path) -> RunTable:
    """A run's table rows as `save_run_table` saved them, their arrays mapped rather than read."""
    saved = json.loads((folder / _NAMES_FILE).read_text(encoding="utf-8"))
    names = saved["names"]

    def column(name: str, kind: str) -> Column:
        def array(part: str) -> np.ndarray:
            return load_array(folder / f"{name}.{part}.npy")

        if kind in ("int32", "float64"):
            return NumberColumn(array("values"))
        if kind == "year":
            return NumberColumn(array("values"), 0)
        if kind == "coded":
            return CodedColumn(array("codes"), names[name])
        if kind == "tuple":
            return TupleColumn(array("offsets"), array("codes"), names[name])
        blob = memoryview(array("blob"))
        return TextColumn(array("offsets"), blob) if kind == "text" else BlobColumn(array("offsets"), blob)

    passage_names = ("passage_ids", *PASSAGE_COLUMNS)
    report_names = ("report_ids", *(name for name in REPORT_COLUMNS if name != "indexed_at"))
    signatures = load_array(folder / _SIGNATURES)
    return RunTable(
        passages={
            RUN_REPORT_ROWS: column(RUN_REPORT_ROWS, "int32"),
            **{name: column(name, COLUMN_KINDS[name]) for name in passage_names},
        },
        reports={name: column(name, COLUMN_KINDS[name]) for name in report_names},
        law_labels=saved["law_labels"],
        signatures=signatures,
    )

"""The per-document arrays a search counts, filters and sorts with (and those the research views read, see
view_arrays.py), computed once by the build from the passage table and kept beside it, so that opening an index
maps them instead of computing them (opening then costs the same at any corpus size, and serving processes share
the pages).

Facet values are codes: per facet, a list of value names (code 0 is "" for report-level facets) and the
code of every document (and of every report, for the report-level ones).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from indexer.index.duplicates import NO_GROUP
from indexer.index.schema import PassageTable
from indexer.index.view_arrays import compute_view_arrays

# BM25 constants, Whoosh's defaults.
K1 = 1.2
B = 0.75

# The report-level facets and the table column each is read from.
REPORT_FACETS = {"township": "townships", "county": "counties", "province": "provinces"}
_NAMES_FILE = "names.json"


def compute_search_arrays(table: PassageTable) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """The arrays (by name) and the facets' value names of a table read from a generation (mapped columns)."""
    arrays: dict[str, np.ndarray] = {}
    names: dict[str, list[str]] = {}
    report_rows = np.asarray(table.report_rows.array, dtype=np.int64)
    live = report_rows >= 0
    live_rows = np.flatnonzero(live)
    arrays.update(report_rows=report_rows, live=live, live_rows=live_rows)
    for name, column_name in REPORT_FACETS.items():
        column = getattr(table, column_name)
        ordered = [""] + sorted(set(column.names) - {""})
        position = {value: code for code, value in enumerate(ordered)}
        renumber = np.array([position[value] for value in column.names] or [0], dtype=np.int32)
        by_report = renumber[column.codes] if len(column.codes) else np.zeros(0, np.int32)
        names[name] = ordered
        arrays[f"{name}_reports"], arrays[f"{name}_rows"] = by_report, _by_document(by_report, report_rows)
    years = np.asarray(table.years.array, dtype=np.int64)
    year_names = sorted({str(year) for year in np.unique(years).tolist() if year})
    year_numbers = np.zeros(max(int(years.max(initial=0)) + 1, 1), dtype=np.int32)
    for code, name in enumerate(year_names, start=1):
        year_numbers[int(name)] = code
    names["year"] = [""] + year_names
    arrays["year_reports"] = year_numbers[years] if len(years) else np.zeros(0, np.int32)
    arrays["year_rows"] = _by_document(arrays["year_reports"], report_rows)
    names["section_type"] = list(table.section_types.names)
    arrays["section_type_rows"] = np.asarray(table.section_types.codes, dtype=np.int32)
    negative_years = np.zeros(len(report_rows), dtype=np.int32)
    if len(years):
        negative_years[live] = -years[report_rows[live]]
    # Reports without a township sort after every named one: "" is code 0, so it becomes the last rank.
    township = arrays["township_rows"]
    township_ranks = np.where(township == 0, len(names["township"]), township).astype(np.int32)
    arrays.update(
        negative_years=negative_years,
        township_ranks=township_ranks,
        year_order=live_rows[np.lexsort((live_rows, negative_years[live_rows]))],
        township_order=live_rows[np.lexsort((live_rows, negative_years[live_rows], township_ranks[live_rows]))],
        text_norms=_norms(np.asarray(table.text_lengths.array), live),
        heading_norms=_norms(np.asarray(table.heading_lengths.array), live),
        duplicate_reports=_other_reports(np.asarray(table.duplicate_groups.array), report_rows),
    )
    return arrays, names


def write_search_arrays(folder: Path, table: PassageTable, previous_folder: Path | None = None) -> None:
    """Compute the arrays of a written table and keep them in `folder` (one .npy file each, and the names), with
    the research views' arrays (view_arrays.py); `previous_folder` holds the previous generation's, when the
    table kept its documents under their numbers."""
    arrays, names = compute_search_arrays(table)
    previous = read_search_arrays(previous_folder) if previous_folder is not None else None
    arrays.update(compute_view_arrays(table, previous[0] if previous else None))
    folder.mkdir()
    for name, array in arrays.items():
        with open(folder / f"{name}.npy", "wb") as file:
            np.save(file, np.ascontiguousarray(array))
            file.flush()
            os.fsync(file.fileno())
    (folder / _NAMES_FILE).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")


def read_search_arrays(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, list[str]]] | None:
    """The arrays of `folder`, mapped (not read), and the names; None when missing or damaged."""
    try:
        names = json.loads((folder / _NAMES_FILE).read_text(encoding="utf-8"))
        arrays = {path.stem: np.load(path, mmap_mode="r") for path in folder.glob("*.npy")}
    except (OSError, ValueError):
        return None
    return arrays, names


def _by_document(by_report: np.ndarray, report_rows: np.ndarray) -> np.ndarray:
    """A per-report code for each document (0 for deleted documents)."""
    found = np.zeros(len(report_rows), dtype=np.int32)
    live = report_rows >= 0
    if len(by_report):
        found[live] = by_report[report_rows[live]]
    return found


def _norms(lengths: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The BM25 length normalisation K1·(1 − B + B·length / average length) of every document."""
    average = float(lengths[live].mean()) if live.any() else 1.0
    return K1 * (1 - B + B * lengths.astype(np.float64) / (average or 1.0))


def _other_reports(groups: np.ndarray, report_rows: np.ndarray) -> np.ndarray:
    """Per document, how many other reports hold a passage of its near-duplicate group (0 outside any)."""
    found = np.zeros(len(groups), dtype=np.int32)
    grouped = np.flatnonzero(groups != NO_GROUP)
    if not len(grouped):
        return found
    leaders = groups[grouped].astype(np.int64)
    pairs = np.unique(leaders * max(int(report_rows.max(initial=0)) + 1, 1) + report_rows[grouped])
    report_count = max(int(report_rows.max(initial=0)) + 1, 1)
    sizes = np.zeros(len(groups), dtype=np.int32)
    counted = np.bincount(pairs // report_count, minlength=len(groups))
    sizes[: len(counted)] = counted[: len(groups)] - 1
    found[grouped] = sizes[leaders]
    return found

"""Parsed reports in, one JSON file per report out (and back): what the report page and API read.

The search index holds passages; the store keeps each whole report (text, outline, passages, citations)
beside it, so a report can be shown exactly as it was indexed without re-reading the corpus. Beside each
report a small file keeps its metadata alone, so one passage can be served without reading the whole report.
"""
from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import is_dataclass
from pathlib import Path

from indexer.report import LawCitation, Passage, Report, Section

STORE_FOLDER = "reports"
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


def _report_json(report: Report) -> str:
    """Every field of the report as JSON (passage texts left out: they are slices of the text).

    The JSON encoder walks the report itself and asks only for each dataclass's fields, which is several
    times faster than dataclasses.asdict's deep copy (a build writes every report once)."""
    return json.dumps(report, ensure_ascii=False, default=_fields_of)


def _fields_of(value: object) -> dict:
    if isinstance(value, Passage):
        return {name: item for name, item in vars(value).items() if name != "text"}
    if is_dataclass(value):
        return vars(value)
    raise TypeError(f"{type(value).__name__} is not part of a report")


def report_from_record(record: dict) -> Report:
    """The report a record was made from."""

    def section(data: dict) -> Section:
        return Section(**{**data, "children": tuple(section(child) for child in data["children"])})

    def passage(data: dict) -> Passage:
        return Passage(
            **{
                **data,
                "text": record["text"][data["start"]:data["end"]],
                "heading_path": tuple(data["heading_path"]),
                "cited_laws": tuple(LawCitation(**law) for law in data["cited_laws"]),
            }
        )

    return Report(
        **{
            **record,
            "sections": tuple(section(item) for item in record["sections"]),
            "passages": tuple(passage(item) for item in record["passages"]),
            "warnings": tuple(record["warnings"]),
        }
    )


def is_safe_report_id(report_id: str) -> bool:
    """Whether an id from a URL can name a stored report (no path separators, dots or other tricks)."""
    return bool(_SAFE_ID.fullmatch(report_id))


def stored_report_path(store_dir: Path, report_id: str, content_hash: str) -> Path:
    """Where one version of a report is kept: versions never overwrite each other, so the index a
    reader has open always finds the report it indexed, even while a new build writes newer ones."""
    return store_dir / f"{report_id}.{content_hash[:16]}.json.z"


def stored_metadata_path(store_dir: Path, report_id: str, content_hash: str) -> Path:
    """Where the metadata of one version of a report is kept, beside the report."""
    return store_dir / f"{report_id}.{content_hash[:16]}.meta.json"


# The report fields the metadata file keeps: everything but the text and what is cut from it.
METADATA_FIELDS = (
    "report_id", "title", "township", "county", "city", "province", "division_code", "year", "date", "issuer",
    "addressee", "source_format",
)


def save_report(store_dir: Path, report: Report) -> Path:
    """Write one version of a report and its metadata into the store folder (atomically: a reader never sees
    half a file)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    target = stored_report_path(store_dir, report.report_id, report.content_hash)
    metadata = stored_metadata_path(store_dir, report.report_id, report.content_hash)
    if target.exists() and metadata.exists():
        return target
    data = _report_json(report).encode("utf-8")
    _write_atomically(target, zlib.compress(data, 6))
    fields = {name: getattr(report, name) for name in METADATA_FIELDS}
    _write_atomically(metadata, json.dumps(fields, ensure_ascii=False).encode("utf-8"))
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def load_report_metadata(store_dir: Path, report_id: str, content_hash: str) -> dict | None:
    """The stored metadata of a report version (METADATA_FIELDS), or None when there is none; a store written
    before metadata files existed gives it from the whole report."""
    if not is_safe_report_id(report_id) or not re.fullmatch(r"[0-9a-f]{16,64}", content_hash):
        return None
    try:
        return json.loads(stored_metadata_path(store_dir, report_id, content_hash).read_text(encoding="utf-8"))
    except FileNotFoundError:
        report = load_report(store_dir, report_id, content_hash)
        return None if report is None else {name: getattr(report, name) for name in METADATA_FIELDS}


def load_report(store_dir: Path, report_id: str, content_hash: str) -> Report | None:
    """The stored version of a report, or None when there is none (or the id is not a safe name)."""
    if not is_safe_report_id(report_id) or not re.fullmatch(r"[0-9a-f]{16,64}", content_hash):
        return None
    path = stored_report_path(store_dir, report_id, content_hash)
    try:
        return report_from_record(json.loads(zlib.decompress(path.read_bytes()).decode("utf-8")))
    except FileNotFoundError:
        return None


def remove_unreferenced(store_dir: Path, keep: set[tuple[str, str]]) -> int:
    """Delete stored versions (and their metadata) not in `keep` ((report_id, content_hash) pairs); the count removed."""
    wanted = {stored_report_path(store_dir, report_id, content_hash).name for report_id, content_hash in keep}
    wanted_metadata = {stored_metadata_path(store_dir, report_id, content_hash).name for report_id, content_hash in keep}
    removed = 0
    for path in store_dir.glob("*.json.z"):
        if path.name not in wanted:
            path.unlink(missing_ok=True)
            removed += 1
    for path in store_dir.glob("*.meta.json"):
        if path.name not in wanted_metadata:
            path.unlink(missing_ok=True)
    return removed

"""Parsed reports in, one JSON file per report out (and back): what the report page and API read.

The search index holds passages; the store keeps each whole report (text, outline, passages, citations)
beside it, so a report can be shown exactly as it was indexed without re-reading the corpus.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from indexer.report import LawCitation, Passage, Report, Section

STORE_FOLDER = "reports"
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


def report_to_record(report: Report) -> dict:
    """Every field of the report as plain JSON values."""
    return asdict(report)


def report_from_record(record: dict) -> Report:
    """The report a record was made from."""

    def section(data: dict) -> Section:
        return Section(**{**data, "children": tuple(section(child) for child in data["children"])})

    def passage(data: dict) -> Passage:
        return Passage(
            **{
                **data,
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


def save_report(store_dir: Path, report: Report) -> None:
    """Write one report into the store folder (atomically: a reader never sees half a file)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    target = store_dir / f"{report.report_id}.json"
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(report_to_record(report), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, target)


def remove_report(store_dir: Path, report_id: str) -> None:
    """Forget a report that left the corpus."""
    if is_safe_report_id(report_id):
        (store_dir / f"{report_id}.json").unlink(missing_ok=True)


def load_report(store_dir: Path, report_id: str) -> Report | None:
    """The stored report with this id, or None when there is none (or the id is not a safe name)."""
    if not is_safe_report_id(report_id):
        return None
    path = store_dir / f"{report_id}.json"
    try:
        return report_from_record(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None

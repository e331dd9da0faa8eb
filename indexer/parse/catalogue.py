"""The user's corrections: `catalogue.csv` in the corpus folder in, per-file metadata overrides out.

One row per report file, `file` naming it relative to the corpus folder; any other column that is
filled in wins over what extraction found. Columns: file, title, township, county, city, province,
division_code, year, date, issuer. UTF-8 (Excel's UTF-8 with BOM is fine).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CATALOGUE_FILE = "catalogue.csv"
FIELDS = ("title", "township", "county", "city", "province", "division_code", "year", "date", "issuer")


@dataclass(frozen=True)
class Catalogue:
    """Overrides by file path (relative to the corpus folder, with forward slashes)."""

    entries: dict[str, dict[str, str]]
    warnings: tuple[str, ...] = ()

    def overrides_for(self, relative_path: str) -> dict[str, str]:
        """The filled-in fields for one file, or an empty dict."""
        return self.entries.get(relative_path.replace("\\", "/"), {})


def parse_catalogue(text: str, source: str = CATALOGUE_FILE) -> Catalogue:
    """Parse catalogue CSV text; bad rows are skipped with a warning naming the line."""
    entries: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "file" not in reader.fieldnames:
        return Catalogue({}, (f"{source} has no 'file' column; add a header row such as: file,township,county,year.",))
    unknown = [name for name in reader.fieldnames if name not in FIELDS and name != "file"]
    if unknown:
        warnings.append(f"{source}: columns {', '.join(unknown)} are not used; known columns are file, {', '.join(FIELDS)}.")
    for line_number, row in enumerate(reader, start=2):
        file_name = (row.get("file") or "").strip().replace("\\", "/")
        if not file_name:
            continue
        values = {field: (row.get(field) or "").strip() for field in FIELDS}
        values = {field: value for field, value in values.items() if value}
        if "year" in values and not re.fullmatch(r"(19|20)\d\d", values["year"]):
            warnings.append(f"{source} line {line_number}: year '{values.pop('year')}' is not a year like 2024; ignored.")
        if "date" in values and not re.fullmatch(r"\d{4}-\d\d-\d\d", values["date"]):
            warnings.append(f"{source} line {line_number}: date '{values.pop('date')}' is not written as 2025-02-11; ignored.")
        entries[file_name] = values
    return Catalogue(entries, tuple(warnings))


def load_catalogue(corpus_root: Path) -> Catalogue:
    """The catalogue of a corpus folder, empty when there is none."""
    path = corpus_root / CATALOGUE_FILE
    if not path.is_file():
        return Catalogue({})
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return Catalogue({}, (f"{path} could not be read ({error}); save it as UTF-8 CSV.",))
    return parse_catalogue(text, source=str(path))


# The column order of a suggested line, as README's example writes it.
FIX_COLUMNS = ("file", "township", "county", "city", "province", "division_code", "year", "date", "issuer", "title")

# Which column a warning asks for, by the words it uses (places.py, frame.py and pipeline.py write them).
_FIELD_WORDS = (
    ("set county", "county"), ("no county", "county"), ("city or province", "province"),
    ("township", "township"), ("year", "year"), ("date", "date"),
)


def fields_to_fix(warnings: Iterable[str], values: dict[str, str]) -> tuple[str, ...]:
    """The catalogue columns that would settle a report's warnings: those the warnings name, and an empty
    township, county or year (a report without them cannot be filtered by them)."""
    wanted: list[str] = []
    for warning in warnings:
        lowered = warning.lower()
        wanted += [field for words, field in _FIELD_WORDS if words in lowered]
    wanted += [field for field in ("township", "county", "year") if not values.get(field)]
    return tuple(field for field in FIX_COLUMNS if field in wanted)


def catalogue_fix_line(file: str, values: dict[str, str], fields: Iterable[str]) -> str:
    """A catalogue.csv line for `file` holding what was extracted, with <field> where a value is to be filled in:
    anhui-duji-duanyuan-2024.txt,段园镇,<county>,,,,2024,,,"""
    to_fill = set(fields)
    row = [file] + [
        f"<{column}>" if column in to_fill else values.get(column, "") if column in ("township", "county", "year") else ""
        for column in FIX_COLUMNS[1:]
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    return buffer.getvalue()

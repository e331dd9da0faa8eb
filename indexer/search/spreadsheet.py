"""Rows in, CSV lines out that open cleanly and safely in Excel: a BOM first, and no text cell read as a formula.

A cell such as `=HYPERLINK("http://…")` or `@SUM(A1)` opens in Excel as a formula, so a passage, a heading or
a query typed into a link could run one on a reader's machine. OWASP's advice for CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection) is followed: a text cell that begins with = + - @, a
tab or a carriage return gets a leading single quote. Numbers we compute (counts, years, shares) are written
as numbers: they are not user text, and -3 or 2024 must stay numbers in the sheet.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A value as a CSV cell: None empty, numbers as they are, text that would start a formula behind a quote."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Each row as one CSV line (the first line a BOM, so Excel reads UTF-8), every cell through spreadsheet_cell."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()

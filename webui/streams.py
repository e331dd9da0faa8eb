"""Streamed exports: lines in, a response out that holds its index until the last line and stops at the caps.

A web export stops after `max_export_rows` rows, `max_export_mb` megabytes or `max_request_seconds` seconds,
whichever comes first, and then ends with one line saying so (the `fazhi` commands export everything).
The response keeps a lease on the index generation it reads, so a build published meanwhile does not
close that generation under it; the lease is returned when the server closes the response, read to
the end or not.
"""
from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask import Response, current_app, stream_with_context

from webui import messages
from webui.heavy_work import take_heavy_slot
from webui.index_holder import current_index

BYTE_ORDER_MARK = "\ufeff"
_ROWS_BETWEEN_PAUSES = 50
_PAUSE_SECONDS = 0.002


class LeasedLines:
    """Lines that hold a lease on an index, and a heavy-request slot, until they are closed (the WSGI server
    closes every response)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._give_slot_back = take_heavy_slot()
        self._holder = current_app.extensions["fazhi_index"]
        try:
            self._index = current_index()
            self._holder.retain(self._index)
        except BaseException:
            self._give_slot_back()
            raise
        self._lines = iter(stream_with_context(lines))
        self._leased = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self._give_back()
            raise

    def close(self) -> None:
        """Stop the lines and give the lease and the slot back (once; also done after the last line)."""
        close_lines = getattr(self._lines, "close", None)
        try:
            if close_lines is not None:
                close_lines()
        finally:
            self._give_back()

    def _give_back(self) -> None:
        if self._leased:
            self._leased = False
            self._holder.release(self._index)
            self._give_slot_back()


def csv_cut_line(sentence: str) -> str:
    """The sentence as a last CSV row, in its first column."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([sentence])
    return buffer.getvalue()


def jsonl_cut_line(sentence: str) -> str:
    """The sentence as a last JSON line: {"notice": sentence}."""
    return json.dumps({"notice": sentence}, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class ExportFormat:
    """How a format is served and how it says that it was cut."""

    mimetype: str
    cut_line: Callable[[str], str]
    has_header: bool  # whether the first row names the columns (and is not counted)


CSV = ExportFormat("text/csv; charset=utf-8", csv_cut_line, has_header=True)
JSON_LINES = ExportFormat("application/x-ndjson; charset=utf-8", jsonl_cut_line, has_header=False)


def capped_lines(lines: Iterable[str], export_format: ExportFormat, command: str | None) -> Iterator[str]:
    """The lines up to the settings' caps on rows, bytes and time; past one, a last line saying which and what to do.

    Each piece is a row; a byte-order mark and the first row of a CSV (its header) do not count. `command`
    is the `fazhi` command that exports the same without a cap, None where there is none.
    """
    settings = current_app.config["FAZHI_SETTINGS"]
    max_bytes = settings.max_export_mb * 1024 * 1024
    deadline = time.monotonic() + settings.max_request_seconds
    rows = sent = 0
    header_pending = export_format.has_header
    for line in lines:
        if header_pending and line != BYTE_ORDER_MARK:
            header_pending = False
        elif line != BYTE_ORDER_MARK:
            rows += 1
        if rows > settings.max_export_rows:
            limit = messages.ROWS_LIMIT.format(rows=settings.max_export_rows)
        elif sent + len(line.encode("utf-8")) > max_bytes:
            limit = messages.BYTES_LIMIT.format(megabytes=settings.max_export_mb)
        elif time.monotonic() > deadline:
            limit = messages.TIME_LIMIT.format(seconds=settings.max_request_seconds)
        else:
            sent += len(line.encode("utf-8"))
            yield line
            if rows % _ROWS_BETWEEN_PAUSES == 0:
                # Let the searches waiting for the interpreter lock run: an export should not hold it for long.
                time.sleep(_PAUSE_SECONDS)
            continue
        if command is None:
            yield export_format.cut_line(messages.EXPORT_CUT_NO_COMMAND.format(limit=limit))
        else:
            yield export_format.cut_line(messages.EXPORT_CUT.format(limit=limit, command=command))
        return


def export_response(lines: Iterable[str], file_name: str, export_format: ExportFormat, command: str | None) -> Response:
    """A capped, leased, streamed download."""
    response = Response(LeasedLines(capped_lines(lines, export_format, command)), content_type=export_format.mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={file_name}"
    return response

"""One report file on disk in, a `SourceDocument` out: decoded text with one paragraph per line.

Reads .txt, .md, .docx, .html/.htm and .pdf; anything it cannot turn into text raises
`UnreadableDocument` with a sentence that says what is wrong and what to do next.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from indexer.read.decode import decode_text, one_paragraph_per_line
from indexer.read.docx import read_docx
from indexer.read.pdf import read_pdf
from indexer.read.web_page import read_html
from indexer.report import SourceDocument, UnreadableDocument

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx", ".html", ".htm", ".pdf"})

_KIND_BY_SUFFIX = {".txt": "txt", ".md": "md", ".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_KIND_LABELS = {"txt": "text", "md": "Markdown", "docx": "Word .docx", "html": "HTML", "pdf": "PDF"}

# Formats people keep next to their reports that we cannot read but can say how to convert.
_CONVERSION_HINTS = {
    ".doc": "is an old Word .doc file; open it in Word or LibreOffice and save it as .docx "
    "(or run `libreoffice --headless --convert-to docx {path}`).",
    ".wps": "is a WPS Writer .wps file; open it in WPS Office and save it as .docx.",
    ".rtf": "is an .rtf file; open it in Word or LibreOffice and save it as .docx.",
    ".odt": "is an OpenDocument .odt file; open it in LibreOffice and save it as .docx.",
    ".ofd": "is an OFD file; open it in an OFD reader, export it as PDF and add the PDF.",
}

# Plain text over 20 MB is not a township report; containers may hold photos, so they get more room.
MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_CONTAINER_BYTES = 200 * 1024 * 1024
# A township's annual report runs to 2,000–30,000 characters. A text far longer is several reports in one
# file, or not a report; indexed whole, its report page would be tens of megabytes of HTML.
MAX_TEXT_CHARS = 200_000

_SIDECAR_NAMES = frozenset({"catalogue.csv"})


def is_report_file(path: str | os.PathLike[str]) -> bool:
    """Whether a directory walk should hand this file to `read_document`, judged by its name alone.

    Formats we can only advise on (.doc, .wps, …) count as report files, so a walk reports how to convert them.
    """
    name = Path(path).name
    lowered = name.lower()
    if name.startswith((".", "~$")) or lowered in _SIDECAR_NAMES or lowered.endswith(".meta.json"):
        return False
    suffix = Path(lowered).suffix
    return suffix in SUPPORTED_SUFFIXES or suffix in _CONVERSION_HINTS


def read_document(path: str | os.PathLike[str]) -> SourceDocument:
    """Read one report file into a `SourceDocument`, or raise `UnreadableDocument` saying why and what to do."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _CONVERSION_HINTS:
        kind = "advice"
    elif suffix in _KIND_BY_SUFFIX:
        kind = _KIND_BY_SUFFIX[suffix]
    else:
        what = f"is a {suffix} file" if suffix else "has no suffix"
        raise UnreadableDocument(f"{path} {what}; fazhi-search reads .txt, .md, .docx, .html and .pdf.")
    limit = MAX_TEXT_BYTES if kind in ("txt", "md", "html") else MAX_CONTAINER_BYTES
    data = _read_bytes(path, limit)
    if not data:
        raise UnreadableDocument(f"{path} is empty.")

    warnings: list[str] = []
    actual = _kind_from_content(data)
    if actual == "ole":
        raise UnreadableDocument(_ole_sentence(path, suffix, data))
    # Portals serve HTML pages and real .docx files under .doc names; a .txt may be a renamed PDF.
    if actual is not None and actual != kind and (kind != "advice" or suffix == ".doc"):
        label = _KIND_LABELS[actual]
        warnings.append(f"{path} holds {label} content despite its {suffix} name; it was read as {label}.")
        kind = actual
    if kind == "advice":
        raise UnreadableDocument(f"{path} " + _CONVERSION_HINTS[suffix].format(path=path))

    document = _READERS[kind](path, data)
    text = one_paragraph_per_line(document.text)
    if not text.strip():
        raise UnreadableDocument(f"{path} is empty.")
    if len(text) > MAX_TEXT_CHARS:
        raise UnreadableDocument(
            f"{path} holds {len(text):,} characters of text, more than the {MAX_TEXT_CHARS:,} a report may have "
            "(a township report has 2,000 to 30,000); if it holds several reports, split it into one file per report."
        )
    return replace(document, text=text, warnings=tuple(warnings) + document.warnings)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableDocument(
                f"{path} is {size / 1024 / 1024:.1f} MB, more than the {limit // 1024 // 1024} MB a report may have; "
                "check that it is the right file."
            )
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise UnreadableDocument(f"{path} cannot be opened ({reason}); check the path and its permissions.") from error


def _kind_from_content(data: bytes) -> str | None:
    """The format the leading bytes prove, whatever the suffix says ("ole" for old Office containers)."""
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _ole_sentence(path: Path, suffix: str, data: bytes) -> str:
    # Password-protected .docx files are stored in the old OLE container with an EncryptionInfo stream.
    if "EncryptionInfo".encode("utf-16-le") in data:
        return (
            f"{path} is password-protected; open it in Word, remove the password "
            "(File > Info > Protect Document) and save it again."
        )
    return f"{path} " + _CONVERSION_HINTS.get(suffix, _CONVERSION_HINTS[".doc"]).format(path=path)


# ---------------------------------------------------------------- plain text and Markdown


def _read_plain_text(path: Path, data: bytes) -> SourceDocument:
    decoded = decode_text(path, data)
    return SourceDocument(str(path), "txt", decoded.text, decoded.encoding, decoded.warnings)


# Chinese authors often write "#一、总体情况" without the space CommonMark asks for.
_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
_MARKDOWN_RULE = re.compile(r"^ {0,3}(?:(?:[-*_=][ \t]*){3,}|```.*|~~~.*)$")
_MARKDOWN_BULLET = re.compile(r"^([ \t]*)(?:>[ \t]?)*[-*+][ \t]+")
_MARKDOWN_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MARKDOWN_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_MARKDOWN_INLINE = (
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # [text](url) and ![alt](src)
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),
)


def _read_markdown(path: Path, data: bytes) -> SourceDocument:
    decoded = decode_text(path, data)
    lines = [_strip_markdown_line(line) for line in one_paragraph_per_line(decoded.text).split("\n")]
    text = "\n".join(line for line in lines if line is not None)
    return SourceDocument(str(path), "md", text, decoded.encoding, decoded.warnings)


def _strip_markdown_line(line: str) -> str | None:
    """A Markdown line with its markup removed and its words kept; None for pure markup (rules, fences)."""
    if _MARKDOWN_RULE.match(line) or _MARKDOWN_TABLE_RULE.match(line):
        return None
    heading = _MARKDOWN_HEADING.match(line)
    if heading:
        line = heading.group(1)
    line = _MARKDOWN_QUOTE.sub("", _MARKDOWN_BULLET.sub(r"\1", line))
    if line.lstrip().startswith("|"):
        line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    for pattern, replacement in _MARKDOWN_INLINE:
        line = pattern.sub(replacement, line)
    return line


# The format modules (read_docx, read_html, read_pdf) share only read_common with this one, so none imports upward.
_READERS = {
    "txt": _read_plain_text,
    "md": _read_markdown,
    "docx": read_docx,
    "html": read_html,
    "pdf": read_pdf,
}

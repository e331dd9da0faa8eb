"""One report file on disk in, a `SourceDocument` out: decoded text with one paragraph per line.

Reads .txt, .md, .docx, .html/.htm and .pdf; anything it cannot turn into text raises
`UnreadableDocument` with a sentence that says what is wrong and what to do next.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
from pypdf.errors import DependencyError, PyPdfError

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
    text = _one_paragraph_per_line(document.text)
    if not text.strip():
        raise UnreadableDocument(f"{path} is empty.")
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


_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def _one_paragraph_per_line(text: str) -> str:
    return _LINE_BREAKS.sub("\n", text)


# ---------------------------------------------------------------- plain text and Markdown


@dataclass(frozen=True)
class _DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


_BINARY_ADVICE = "looks like a binary file, not a text report; save it as UTF-8 text, .docx, .html or .pdf."
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1a")


def _decode_text(path: Path, data: bytes, declared: str | None = None) -> _DecodedText:
    """Bytes to text: a BOM, then UTF-16 by its NUL pattern, then the declared charset, UTF-8, GB18030."""
    if not data.strip():
        raise UnreadableDocument(f"{path} is empty.")
    try:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                body = data if encoding == "utf-8-sig" else data[len(bom):]
                return _check_not_binary(path, _decode_strictly(path, body, encoding, ()))
        if b"\x00" in data:
            utf16 = _utf16_by_nul_pattern(data)
            if utf16 is None:
                raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")
            shown = "UTF-16 LE" if utf16 == "utf-16-le" else "UTF-16 BE"
            note = f"Decoded as {shown} (no byte-order mark; guessed from NUL bytes)."
            return _check_not_binary(path, _decode_strictly(path, data, utf16, (note,)))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}") from error

    declared_codec = _codec_name(declared) if declared else None
    mismatch = f"{path} declares charset {declared}, but its bytes are not {declared}. " if declared_codec else ""
    for encoding in dict.fromkeys([declared_codec or "utf-8", "utf-8"]):
        try:
            decoded = _decode_strictly(path, data, encoding, ())
        except UnicodeDecodeError:
            continue
        if declared_codec and encoding != declared_codec:
            decoded = replace(decoded, warnings=decoded.warnings + (mismatch + "Decoded as UTF-8.",))
        return _check_not_binary(path, decoded)
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return _check_not_binary(path, mostly_utf8)
    note = mismatch + "Decoded as GB18030 (no UTF-8 or BOM found)."
    try:
        return _check_not_binary(path, _decode_strictly(path, data, "gb18030", (note,)))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}") from error


def _codec_name(label: str) -> str | None:
    # gb2312 and gbk pages routinely contain characters only GB18030 has; it is a superset of both.
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # ASCII bytes under a UTF-16 label: browsers ignore such a label, and so do we
    return "gb18030" if name in ("gb2312", "gbk") else name


def _decode_strictly(path: Path, data: bytes, encoding: str, notes: tuple[str, ...]) -> _DecodedText:
    """Strict decoding that forgives only an incomplete character at the very end (a cut-off download)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    text = decoder.decode(data, final=False)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        notes += (f"{path} ends in the middle of a character; the incomplete last character was dropped.",)
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    return _DecodedText(text, shown, notes)


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    # UTF-16 text has NULs only in the high byte of ASCII characters: all odd offsets (LE) or all even (BE).
    sample = data[:65536]
    nuls_at_even, nuls_at_odd = sample[0::2].count(0), sample[1::2].count(0)
    if nuls_at_odd and nuls_at_even * 20 <= nuls_at_odd:
        return "utf-16-le"
    if nuls_at_even and nuls_at_odd * 20 <= nuls_at_even:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> _DecodedText | None:
    """UTF-8 with a few damaged bytes, rather than mojibake from reading it as GB18030."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = sum(1 for char in text if ord(char) > 127) - replaced
    if replaced == 0 or non_ascii < 50 * replaced:
        return None
    note = f"{replaced} invalid UTF-8 byte sequences were replaced with U+FFFD; the file may be damaged."
    return _DecodedText(text, "utf-8", (note,))


def _check_not_binary(path: Path, decoded: _DecodedText) -> _DecodedText:
    text = decoded.text.rstrip("\x1a")  # a DOS end-of-file mark some old GBK editors append
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in _TEXT_CONTROLS)
    if controls > len(text) / 100:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")
    if not text.strip():
        raise UnreadableDocument(f"{path} is empty.")
    return replace(decoded, text=text)


def _read_plain_text(path: Path, data: bytes) -> SourceDocument:
    decoded = _decode_text(path, data)
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
    decoded = _decode_text(path, data)
    lines = [_strip_markdown_line(line) for line in _one_paragraph_per_line(decoded.text).split("\n")]
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


# ---------------------------------------------------------------- Word .docx


def _read_docx(path: Path, data: bytes) -> SourceDocument:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableDocument(
            f"{path} is damaged (not a valid .docx archive); open it in Word or LibreOffice and save it again."
        ) from error
    with archive:
        main_part = _main_document_part(path, archive)
        if main_part is None:
            raise UnreadableDocument(
                f"{path} is a ZIP archive without a Word document inside; unpack it and add the reports it holds."
            )
        document = _parse_part(path, archive, main_part)
        related = _related_parts(path, archive, main_part)
        numbering = _parse_part(path, archive, related.get("numbering", "word/numbering.xml"))
        styles = _parse_part(path, archive, related.get("styles", "word/styles.xml"))
    numberer = _ListNumberer(numbering, styles)
    body = document.find("body")
    lines: list[str] = []
    for paragraph in _block_paragraphs(body if body is not None else document):
        lines.extend(_paragraph_lines(paragraph, numberer))
    return SourceDocument(str(path), "docx", "\n".join(lines))


_MAX_PART_BYTES = 100 * 1024 * 1024  # guards against ZIP bombs: a real document.xml is a few MB


def _parse_part(path: Path, archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    """One XML part with namespaces dropped from tags and attributes (so Strict OOXML reads the same)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise UnreadableDocument(
            f"{path} is encrypted; open it in Word, remove the password and save it again."
        )
    if info.file_size > _MAX_PART_BYTES:
        raise UnreadableDocument(f"{path} holds a {info.file_size // 1024 // 1024} MB {name}; it is not a report.")
    try:
        root = ElementTree.fromstring(archive.read(name))
    except (ElementTree.ParseError, zipfile.BadZipFile, EOFError, ValueError) as error:
        raise UnreadableDocument(
            f"{path} is damaged ({name} cannot be read); open it in Word or LibreOffice and save it again."
        ) from error
    for element in root.iter():
        element.tag = _local_name(element.tag)
        if element.attrib:
            element.attrib = {_local_name(key): value for key, value in element.attrib.items()}
    return root


def _local_name(name: str) -> str:
    return name.rpartition("}")[2]


def _main_document_part(path: Path, archive: zipfile.ZipFile) -> str | None:
    relationships = _parse_part(path, archive, "_rels/.rels")
    for relationship in relationships.iter("Relationship") if relationships is not None else ():
        if relationship.get("Type", "").endswith("/officeDocument"):
            target = relationship.get("Target", "").lstrip("/")
            if target in archive.namelist():
                return target
    return "word/document.xml" if "word/document.xml" in archive.namelist() else None


def _related_parts(path: Path, archive: zipfile.ZipFile, main_part: str) -> dict[str, str]:
    """Relationship kind ("numbering", "styles") to part name, from the main part's .rels file."""
    folder, _, file_name = main_part.rpartition("/")
    relationships = _parse_part(path, archive, f"{folder}/_rels/{file_name}.rels")
    parts: dict[str, str] = {}
    for relationship in relationships.iter("Relationship") if relationships is not None else ():
        kind = relationship.get("Type", "").rpartition("/")[2]
        target = relationship.get("Target", "")
        parts[kind] = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    return parts


def _block_paragraphs(container: ElementTree.Element) -> list[ElementTree.Element]:
    """Paragraphs in reading order, descending into tables (cell by cell) and content controls."""
    paragraphs = []
    for child in container:
        if child.tag == "p":
            paragraphs.append(child)
        elif child.tag not in ("sectPr", "Fallback"):
            paragraphs.extend(_block_paragraphs(child))
    return paragraphs


# Subtrees of a paragraph that hold no visible text: properties, deleted runs, field codes, and the
# Fallback copy of every text box that Word writes next to its Choice copy.
_NOT_VISIBLE = frozenset(
    {"pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText", "Fallback",
     "footnoteReference", "endnoteReference", "commentReference", "annotationRef"}
)


def _paragraph_lines(paragraph: ElementTree.Element, numberer: _ListNumberer) -> list[str]:
    """The paragraph as a line (with its list number), then the lines of any text boxes anchored in it."""
    parts: list[str] = []
    text_box_paragraphs: list[ElementTree.Element] = []

    def collect(element: ElementTree.Element) -> None:
        for child in element:
            tag = child.tag
            if tag in _NOT_VISIBLE or (tag == "r" and _is_hidden_run(child)):
                continue
            if tag == "t":
                parts.append(child.text or "")
            elif tag in ("tab", "ptab"):
                parts.append(" ")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == "noBreakHyphen":
                parts.append("-")
            elif tag == "txbxContent":
                text_box_paragraphs.extend(_block_paragraphs(child))
            else:
                collect(child)

    collect(paragraph)
    number = numberer.number_for(paragraph)
    text = "".join(parts)
    lines = []
    if text.strip():
        lines.append(_join_number(number, text) if number else text)
    for inner in text_box_paragraphs:
        lines.extend(_paragraph_lines(inner, numberer))
    return lines


def _is_hidden_run(run: ElementTree.Element) -> bool:
    vanish = run.find("rPr/vanish")
    return vanish is not None and vanish.get("val", "true") not in ("0", "false", "off")


def _join_number(number: str, text: str) -> str:
    # Word puts a tab after the number. "一、" and "（一）" end in punctuation and read naturally glued
    # to the heading; "第一章" or "1.1" need a space so the number stays a separate word.
    if unicodedata.category(number[-1]).startswith("P") or text[:1].isspace():
        return number + text
    return f"{number} {text}"


@dataclass(frozen=True)
class _ListLevel:
    start: int = 1
    number_format: str = "decimal"
    text: str = ""  # lvlText, e.g. "%1、" or "（%1）" or "%1.%2"
    restart_after: int | None = None  # lvlRestart: restart when a level shallower than this is used
    legal: bool = False  # isLgl: show every level's number in Arabic digits
    style_id: str = ""  # pStyle: the paragraph style this level belongs to


def _list_level(element: ElementTree.Element) -> _ListLevel:
    def value(tag: str) -> str | None:
        found = element.find(tag)
        return None if found is None else found.get("val")

    restart = value("lvlRestart")
    legal = element.find("isLgl")
    return _ListLevel(
        start=_to_int(value("start"), 1),
        number_format=value("numFmt") or "decimal",
        text=value("lvlText") or "",
        restart_after=_to_int(restart, 0) if restart is not None else None,
        legal=legal is not None and legal.get("val", "true") not in ("0", "false", "off"),
        style_id=value("pStyle") or "",
    )


def _to_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class _ListNumberer:
    """Word's automatic numbering replayed paragraph by paragraph, so "一、" and "（一）" reach the text."""

    def __init__(self, numbering: ElementTree.Element | None, styles: ElementTree.Element | None) -> None:
        self._levels: dict[str, dict[int, _ListLevel]] = {}  # abstractNumId → ilvl → level
        self._abstract_of: dict[str, str] = {}  # numId → abstractNumId
        self._overrides: dict[str, dict[int, tuple[int | None, _ListLevel | None]]] = {}
        self._counters: dict[str, dict[int, int]] = {}  # abstractNumId → ilvl → current value
        self._applied_overrides: set[tuple[str, int]] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        self._style_numbering = _style_numbering(styles)
        self._default_style = _default_paragraph_style(styles)

    def _load_numbering(self, numbering: ElementTree.Element) -> None:
        for abstract in numbering.iter("abstractNum"):
            self._levels[abstract.get("abstractNumId", "")] = {
                _to_int(level.get("ilvl"), 0): _list_level(level) for level in abstract.iter("lvl")
            }
        for num in numbering.iter("num"):
            num_id = num.get("numId", "")
            abstract = num.find("abstractNumId")
            self._abstract_of[num_id] = "" if abstract is None else abstract.get("val", "")
            overrides = {}
            for override in num.iter("lvlOverride"):
                start = override.find("startOverride")
                level = override.find("lvl")
                overrides[_to_int(override.get("ilvl"), 0)] = (
                    None if start is None else _to_int(start.get("val"), 1),
                    None if level is None else _list_level(level),
                )
            self._overrides[num_id] = overrides

    def number_for(self, paragraph: ElementTree.Element) -> str:
        """The number Word shows before this paragraph ("" if none), advancing the list's counters."""
        resolved = self._resolve(paragraph)
        if resolved is None:
            return ""
        num_id, level_index = resolved
        abstract_id = self._abstract_of[num_id]
        levels = self._levels_with_overrides(num_id)
        level = levels[level_index]
        counters = self._counters.setdefault(abstract_id, {})
        start_override = self._overrides.get(num_id, {}).get(level_index, (None, None))[0]
        if start_override is not None and (num_id, level_index) not in self._applied_overrides:
            self._applied_overrides.add((num_id, level_index))
            counters[level_index] = start_override
        elif level_index in counters:
            counters[level_index] += 1
        else:
            counters[level_index] = level.start
        for deeper in [index for index in counters if index > level_index]:
            restart_after = levels.get(deeper, _ListLevel()).restart_after
            if restart_after is None or level_index < restart_after:
                del counters[deeper]
        if level.number_format in ("bullet", "none"):
            return ""

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            shown = levels.get(index)
            if shown is None:
                return ""
            value = counters.get(index, shown.start)
            return _format_number(value, "decimal" if level.legal else shown.number_format)

        return re.sub(r"%([1-9])", render, level.text)

    def _resolve(self, paragraph: ElementTree.Element) -> tuple[str, int] | None:
        """The (numId, level) of a numbered paragraph, from its own numPr or its style's."""
        properties = paragraph.find("pPr")
        style_element = None if properties is None else properties.find("pStyle")
        style_id = self._default_style if style_element is None else style_element.get("val", "")
        num_id, level_text = self._style_numbering.get(style_id, (None, None))
        direct = None if properties is None else properties.find("numPr")
        if direct is not None:
            direct_num, direct_level = direct.find("numId"), direct.find("ilvl")
            num_id = num_id if direct_num is None else direct_num.get("val")
            level_text = level_text if direct_level is None else direct_level.get("val")
        if not num_id or num_id == "0" or self._abstract_of.get(num_id) not in self._levels:
            return None
        levels = self._levels_with_overrides(num_id)
        if level_text is None:
            # A heading style linked to a multilevel list names its level through the level's pStyle.
            matching = [index for index, level in levels.items() if level.style_id and level.style_id == style_id]
            level_text = str(matching[0]) if matching else "0"
        level_index = _to_int(level_text, 0)
        return (num_id, level_index) if level_index in levels else None

    def _levels_with_overrides(self, num_id: str) -> dict[int, _ListLevel]:
        levels = dict(self._levels[self._abstract_of[num_id]])
        for index, (_, level) in self._overrides.get(num_id, {}).items():
            if level is not None:
                levels[index] = level
        return levels


def _style_numbering(styles: ElementTree.Element | None) -> dict[str, tuple[str | None, str | None]]:
    """Paragraph style id → (numId, ilvl) it applies, following basedOn chains."""
    if styles is None:
        return {}
    own: dict[str, tuple[str | None, str | None, str | None]] = {}
    for style in styles.iter("style"):
        based_on = style.find("basedOn")
        num_id = style.find("pPr/numPr/numId")
        level = style.find("pPr/numPr/ilvl")
        own[style.get("styleId", "")] = (
            None if num_id is None else num_id.get("val"),
            None if level is None else level.get("val"),
            None if based_on is None else based_on.get("val"),
        )
    resolved: dict[str, tuple[str | None, str | None]] = {}
    for style_id in own:
        num_id = level = None
        current: str | None = style_id
        for _ in range(20):  # basedOn chains are short; the bound guards against cycles
            if current not in own:
                break
            own_num, own_level, current = own[current]
            num_id = num_id if num_id is not None else own_num
            level = level if level is not None else own_level
        resolved[style_id] = (num_id, level)
    return resolved


def _default_paragraph_style(styles: ElementTree.Element | None) -> str:
    for style in styles.iter("style") if styles is not None else ():
        if style.get("type") == "paragraph" and style.get("default") in ("1", "true", "on"):
            return style.get("styleId", "")
    return ""


_CHINESE_DIGITS = "〇一二三四五六七八九"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format_number(value: int, number_format: str) -> str:
    """A list counter as Word writes it in one of its numFmt styles (decimal for those we do not know)."""
    if number_format in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese_counting(value)
    if number_format == "ideographDigital":
        return "".join(_CHINESE_DIGITS[int(digit)] for digit in str(value)) if value >= 0 else str(value)
    if number_format == "ideographTraditional" and 1 <= value <= 10:
        return _HEAVENLY_STEMS[value - 1]
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if number_format == "decimalEnclosedParen" and 1 <= value <= 20:
        return chr(0x2474 + value - 1)
    if number_format == "decimalEnclosedFullstop" and 1 <= value <= 20:
        return chr(0x2488 + value - 1)
    if number_format in ("lowerLetter", "upperLetter") and value >= 1:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format in ("lowerRoman", "upperRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "decimalFullWidth":
        return str(value).translate({code: code + 0xFEE0 for code in range(ord("0"), ord("9") + 1)})
    return str(value)


def _chinese_counting(value: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if not 0 < value < 10000:
        return "〇" if value == 0 else str(value)
    digits = [value // 1000, value // 100 % 10, value // 10 % 10, value % 10]
    parts: list[str] = []
    pending_zero = False
    for digit, unit in zip(digits, ("千", "百", "十", "")):
        if digit == 0:
            pending_zero = pending_zero or bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_CHINESE_DIGITS[digit] + unit)
    text = "".join(parts)
    return text[1:] if 10 <= value < 20 else text  # 十一, not 一十一


def _roman(value: int) -> str:
    parts = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(numeral * count)
    return "".join(parts)


# ---------------------------------------------------------------- HTML pages saved from portals


_MAX_HTML_DEPTH = 250
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "main", "blockquote", "dl", "dt", "dd", "center", "hr", "pre", "address", "figure",
     "figcaption", "caption", "thead", "tbody", "tfoot", "fieldset", "body", "header", "footer"}
)
_ALWAYS_DROPPED_TAGS = frozenset({"script", "style", "noscript", "iframe", "select", "template", "svg", "head",
                                  "button", "object", "textarea"})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_NAMES = re.compile(r"nav|menu|breadcrumb|footer|header|share|crumb|sidebar|toolbar|copyright", re.IGNORECASE)
_CONTENT_NAMES = re.compile(r"content|article|trs_editor|zoom|detail|main-?text|pages_content|wzy", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WHITESPACE_RUN = re.compile(r"[ \t\r\n\f]+")
# A source line break between two Chinese characters is not a space (CSS Text's segment-break rule).
_HAN_LINE_BREAK = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])[ \t]*[\r\n][ \t\r\n]*"
                             r"(?=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""")

# Portal metadata rows: 索引号：113406…  发布机构：段园镇  浏览次数：123.
_PORTAL_FIELD_NAMES = (
    "索引号|发布机构|发文机关|主题分类|成文日期|发布日期|发文字号|浏览次数|访问量|来源|信息来源|文章来源|"
    "发布时间|点击数|点击量|阅读次数|责任编辑|公开方式|公开范围|有效性|生成日期|主题词|体裁分类|组配分类"
)
_PORTAL_FIELD_LINE = re.compile(rf"^[\s\u3000\xa0【\[（(]*(?:{_PORTAL_FIELD_NAMES})\s*(?:[:：]|\s|$)")
_PORTAL_FIELD_ANYWHERE = re.compile(rf"(?:{_PORTAL_FIELD_NAMES})\s*[:：]")
_PORTAL_BUTTONS = re.compile(
    r"字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?|打印本页|打印|关闭窗口|关闭本页|关闭|分享到\s*[:：]?|收藏|"
    r"返回顶部|扫一扫在手机打开当前页|[【】\[\]|｜:：\s\xa0\u3000]"
)
_SITE_NAME = re.compile(r"人民政府网站?$|政府网$|网站$|门户$|政务网$|首页$|人民政府$")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—]+\s+|[_|｜]|——|－")


@dataclass(eq=False)
class _HtmlElement:
    """A node of the page tree (mutable while the parser builds it; never leaves this module)."""

    tag: str
    attributes: dict[str, str]
    parent: _HtmlElement | None = None
    depth: int = 0
    children: list[_HtmlElement | str] = field(default_factory=list)

    def names(self) -> str:
        return f"{self.attributes.get('id', '')} {self.attributes.get('class', '')}"

    def elements(self) -> list[_HtmlElement]:
        found = [self]
        for child in self.children:
            if isinstance(child, _HtmlElement):
                found.extend(child.elements())
        return found


class _PageTreeBuilder(HTMLParser):
    """html.parser events to a tree, closing the tags portal pages routinely leave open (p, li, td)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _HtmlElement("document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.handle_endtag("head")  # a page that never closes <head> must not hide its body in it
        while self._is_closed_by(self._open[-1].tag, tag):
            self._open.pop()
        parent = self._open[-1]
        element = _HtmlElement(tag, {name: value or "" for name, value in attrs}, parent, parent.depth + 1)
        parent.children.append(element)
        # Pages full of never-closed <font> tags would nest without end; past this depth we stop nesting.
        if tag not in _VOID_TAGS and len(self._open) < _MAX_HTML_DEPTH:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._open[-1]
        attributes = {name: value or "" for name, value in attrs}
        parent.children.append(_HtmlElement(tag, attributes, parent, parent.depth + 1))

    @staticmethod
    def _is_closed_by(open_tag: str, new_tag: str) -> bool:
        if open_tag == "p":
            return new_tag in _BLOCK_TAGS and new_tag != "br"
        if new_tag == "li":
            return open_tag == "li"
        if new_tag in ("td", "th"):
            return open_tag in ("td", "th")
        return new_tag == "tr" and open_tag in ("td", "th", "tr")

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self._open) - 1, 0, -1):
            if self._open[position].tag == tag:
                del self._open[position:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def _read_html(path: Path, data: bytes) -> SourceDocument:
    decoded = _decode_text(path, data, declared=_declared_charset(data))
    builder = _PageTreeBuilder()
    builder.feed(decoded.text)
    builder.close()
    page = _PageReading(builder.root)
    article = page.article()
    lines = page.lines(article) if article is not None else []
    lines = [line for line in lines if not _is_portal_metadata(line)]
    if sum(len(_HAN.findall(line)) for line in lines) < 20:
        raise UnreadableDocument(
            f"{path} has no article text; save the report's own page (not a list or search page), "
            "or copy the report into a .txt file."
        )
    title = page.title()
    opening = re.sub(r"\s", "", "".join(lines[:3]))
    if title and re.sub(r"\s", "", title) not in opening:
        lines.insert(0, title)
    return SourceDocument(str(path), "html", "\n".join(lines), decoded.encoding, decoded.warnings)


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    found = _XML_ENCODING.match(head) or _CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def _is_portal_metadata(line: str) -> bool:
    if _PORTAL_FIELD_LINE.match(line) or len(_PORTAL_FIELD_ANYWHERE.findall(line)) >= 2:
        return True
    return not _PORTAL_BUTTONS.sub("", line)


class _PageReading:
    """Finds the article in a page tree and renders it as lines, leaving navigation and chrome out."""

    def __init__(self, root: _HtmlElement) -> None:
        self._root = root
        self._all = root.elements()
        self._han: dict[int, int] = {}
        self._count_han(root)

    def _is_chrome(self, element: _HtmlElement) -> bool:
        if element.tag in _ALWAYS_DROPPED_TAGS or element.tag in _CHROME_TAGS:
            return True
        if element.tag == "form":
            # ASP.NET portals wrap the whole page in one <form>; only small forms are search or login boxes.
            return self._han[id(element)] < 100
        # A block holding most of the page's Chinese is a page wrapper ("main has-sidebar"), not navigation.
        holds_most = self._han[id(element)] > 0.5 * self._han[id(self._root)]
        return not holds_most and bool(_CHROME_NAMES.search(element.names()))

    def _count_han(self, element: _HtmlElement) -> int:
        """Chinese characters under the element, not counting scripts, styles and the like."""
        total = 0
        for child in element.children:
            if isinstance(child, str):
                total += len(_HAN.findall(child))
            else:
                counted = self._count_han(child)
                total += 0 if child.tag in _ALWAYS_DROPPED_TAGS else counted
        self._han[id(element)] = total
        return total

    def _inside_chrome(self, element: _HtmlElement) -> bool:
        current: _HtmlElement | None = element
        while current is not None:
            if self._is_chrome(current):
                return True
            current = current.parent
        return False

    def article(self) -> _HtmlElement | None:
        """The element holding the report: a content-named block, else the one with most Chinese in its paragraphs."""
        named = [
            element for element in self._all
            if _CONTENT_NAMES.search(element.names()) and not self._is_chrome(element) and self._han[id(element)] >= 20
        ]
        if named:
            most = max(self._han[id(element)] for element in named)
            # The innermost block that still holds most of the text: TRS_Editor rather than its page wrapper.
            return max((e for e in named if self._han[id(e)] >= 0.7 * most), key=lambda e: e.depth)
        scored = [(self._paragraph_han(element), element) for element in self._all if not self._inside_chrome(element)]
        best_score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
        return best if best_score > 0 else None

    def _paragraph_han(self, element: _HtmlElement) -> int:
        total = 0
        for child in element.children:
            if isinstance(child, str):
                total += len(_HAN.findall(child))
            elif child.tag in ("p", "span", "font", "strong", "b", "h1", "h2", "h3"):
                total += self._han[id(child)]
        return total

    def lines(self, article: _HtmlElement) -> list[str]:
        """The article's text, one block per line, ASCII spacing collapsed, &nbsp; and \\u3000 kept."""
        pieces: list[str] = []
        self._render(article, pieces)
        lines = (line.strip(" ") for line in "".join(pieces).split("\n"))
        return [line for line in lines if line.strip()]

    def _render(self, element: _HtmlElement, pieces: list[str]) -> None:
        for child in element.children:
            if isinstance(child, str):
                pieces.append(_WHITESPACE_RUN.sub(" ", _HAN_LINE_BREAK.sub("", child)))
                continue
            if self._is_chrome(child):
                continue
            if child.tag in ("td", "th"):
                pieces.append(" ")
            is_block = child.tag in _BLOCK_TAGS
            if is_block:
                pieces.append("\n")
            self._render(child, pieces)
            if is_block:
                pieces.append("\n")

    def title(self) -> str:
        """The report title: the ArticleTitle meta, else the first h1 outside the chrome, else <title> sans site."""
        for element in self._all:
            if element.tag == "meta" and element.attributes.get("name", "").lower() == "articletitle":
                content = element.attributes.get("content", "").strip()
                if content:
                    return content
        for element in self._all:
            if element.tag == "h1" and not self._inside_chrome(element):
                pieces: list[str] = []
                self._render(element, pieces)
                text = " ".join(piece.strip() for piece in "".join(pieces).split("\n") if piece.strip())
                if text and not _SITE_NAME.search(text):
                    return text
        for element in self._all:
            if element.tag == "title":
                return _title_without_site(" ".join(c for c in element.children if isinstance(c, str)))
        return ""


def _title_without_site(title: str) -> str:
    """The page title without the site name: "关于…的报告 - 杜集区人民政府网站" → "关于…的报告"."""
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(_WHITESPACE_RUN.sub(" ", title)) if part.strip()]
    if len(parts) > 1:
        parts = [part for part in parts if not _SITE_NAME.search(part)] or parts[:1]
    return max(parts, key=len) if parts else ""


# ---------------------------------------------------------------- PDF text layers


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·]\s*[0-9０-９]{1,4}\s*[-—–－~·]"
    r"|第\s*[0-9０-９]{1,4}\s*页\s*(?:[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|共\s*[0-9０-９]{1,4}\s*页\s*[,，]?\s*第\s*[0-9０-９]{1,4}\s*页"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}"
    r"|[0-9０-９]{1,4}"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)$",
    re.IGNORECASE,
)
# Some Chinese PDF fonts map glyphs to Kangxi radicals (⼀ U+2F00) instead of the ideographs (一 U+4E00).
_KANGXI_RADICALS = re.compile("[\u2f00-\u2fd5]")


def _read_pdf(path: Path, data: bytes) -> SourceDocument:
    damaged = f"{path} is damaged and cannot be read as a PDF; download it again or re-save it from a PDF reader."
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(
                f"{path} is password-protected; remove the password (e.g. `qpdf --decrypt --password=PASSWORD {path} "
                "out.pdf`) and add the result."
            )
        pages = list(reader.pages)
    except DependencyError as error:
        raise UnreadableDocument(
            f"{path} is encrypted with AES; install the `cryptography` package or run `qpdf --decrypt {path} out.pdf`."
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError) as error:  # pypdf raises plain ones on malformed objects
        raise UnreadableDocument(damaged) from error

    page_texts: list[str] = []
    textless_pages: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise UnreadableDocument(f"{path} is damaged on page {number}; re-save it from a PDF reader.") from error
        page_text = "\n".join(_without_page_numbers(_one_paragraph_per_line(text).split("\n"))).strip("\n")
        if page_text.strip():
            page_texts.append(page_text)
        else:
            textless_pages.append(number)
    if len(textless_pages) == len(pages):
        raise UnreadableDocument(
            f"{path} has no text layer (it looks scanned); run OCR on it (e.g. `ocrmypdf {path} out.pdf`) "
            "and add the result."
        )
    warnings: list[str] = []
    if textless_pages:
        shown = ", ".join(map(str, textless_pages))
        pages_have = f"Pages {shown} of {path} have" if len(textless_pages) > 1 else f"Page {shown} of {path} has"
        warnings.append(f"{pages_have} no text layer (scanned?); run OCR to include them.")
    text = "\n".join(page_texts)
    radicals = len(_KANGXI_RADICALS.findall(text))
    if radicals:
        text = _KANGXI_RADICALS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
        warnings.append(f"{radicals} Kangxi radical characters from the PDF fonts were read as ordinary ideographs.")
    return SourceDocument(str(path), "pdf", text, None, tuple(warnings))


def _without_page_numbers(lines: list[str]) -> list[str]:
    """Drop running page numbers ("- 3 -", "第 3 页 共 9 页", "3"), looking only at a page's first and last lines.

    A lone number inside the page is more likely a table cell than a page number, so it stays.
    """
    filled = [index for index, line in enumerate(lines) if line.strip()]
    dropped: set[int] = set()
    for edge in (filled[:2], filled[::-1][:2]):
        for index in edge:
            if not _PAGE_NUMBER.match(lines[index].strip()):
                break
            dropped.add(index)
    return [line for index, line in enumerate(lines) if index not in dropped]


_READERS = {
    "txt": _read_plain_text,
    "md": _read_markdown,
    "docx": _read_docx,
    "html": _read_html,
    "pdf": _read_pdf,
}

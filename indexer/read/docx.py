"""The bytes of a Word .docx file in, a `SourceDocument` out: one line per paragraph, list numbers included.

Word's automatic numbering (numbering.xml, styles.xml) is replayed so "一、" and "（一）" reach the text.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from indexer.report import (
    CELL_SEPARATOR,
    MAX_TABLE_CELL,
    SourceDocument,
    UnreadableDocument,
)


def read_docx(path: Path, data: bytes) -> SourceDocument:
    """The paragraphs of a .docx archive as lines, with Word's automatic list numbers written out."""
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
    lines = _body_lines(body if body is not None else document, numberer)
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


def _body_lines(container: ElementTree.Element, numberer: _ListNumberer) -> list[str]:
    """The lines of a body or a cell in reading order: a paragraph per line, a table row per line."""
    lines: list[str] = []
    for child in container:
        if child.tag == "p":
            lines.extend(_paragraph_lines(child, numberer))
        elif child.tag == "tbl":
            lines.extend(_table_lines(child, numberer))
        elif child.tag not in ("sectPr", "Fallback"):
            lines.extend(_body_lines(child, numberer))
    return lines


def _table_lines(table: ElementTree.Element, numberer: _ListNumberer) -> list[str]:
    """A data table as one line per row, cells joined by CELL_SEPARATOR; a layout table (one column, or a cell
    holding running text) as the lines of its cells."""
    rows = [[_body_lines(cell, numberer) for cell in _parts(row, "tc")] for row in _parts(table, "tr")]
    texts = [[" ".join(cell_lines).strip() for cell_lines in row] for row in rows]
    is_data_table = any(sum(1 for text in row if text) >= 2 for row in texts) and all(
        len(text) <= MAX_TABLE_CELL for row in texts for text in row
    )
    if not is_data_table:
        return [line for row in rows for cell_lines in row for line in cell_lines]
    return [CELL_SEPARATOR.join(row) for row in texts if any(row)]


def _parts(element: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    """The rows of a table or the cells of a row, looking through content controls but not into nested tables."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag not in ("tbl", "tr", "tc", "p"):
            found.extend(_parts(child, tag))
    return found


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


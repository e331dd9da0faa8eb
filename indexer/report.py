"""The plain data every stage hands to the next: a read document, a parsed report, its passages.

All are frozen dataclasses; multi-valued fields are tuples so equal values compare and hash equal.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceDocument:
    """What `read.py` makes of one file: decoded text with one paragraph per line."""

    path: str
    format: str  # txt | md | docx | html | pdf
    text: str
    encoding: str | None = None  # the detected text encoding, None for container formats
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawCitation:
    """One law or document cited at one place in the text."""

    name: str  # the catalogue's canonical name, or the title as written when uncatalogued
    category: str  # 宪法 / 法律 / 行政法规 / 党内法规 / 政策文件 / … or 未收录 when uncatalogued
    short_name: str = ""  # the usual short form (民法典), for labels
    article: str = ""  # 第十二条, when the citation names an article
    start: int = 0  # character span of the citation in the text it was found in
    end: int = 0
    as_written: str = ""  # 《中华人民共和国民法典》, 妇女权益保护法 …
    uncatalogued: bool = False

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Place:
    """Where a report comes from, resolved against the divisions table."""

    township: str = ""
    county: str = ""
    city: str = ""
    province: str = ""
    division_code: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading:
    """A recognised heading line: its numbering mark as written, title, level and span."""

    number: str  # 一、 / （一） / 1. … as written ("" for unnumbered headings)
    title: str  # without the numbering mark and without a run-in body
    level: int  # 1 = top level
    start: int  # span of the heading (mark + title) in the report text
    end: int


@dataclass(frozen=True)
class Section:
    """A node of the report outline."""

    number: str
    title: str
    level: int
    section_type: str
    start: int  # from the heading to the end of its last descendant
    end: int
    children: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Passage:
    """One leaf section (or a paragraph-aligned piece of a long one), the unit we index and link to."""

    passage_id: str
    report_id: str
    ordinal: int
    heading_path: tuple[str, ...]
    section_type: str
    text: str  # exactly report.text[start:end]
    start: int
    end: int
    cited_laws: tuple[LawCitation, ...] = ()


@dataclass(frozen=True)
class Report:
    """A parsed report: metadata, the normalised text, its outline and passages."""

    report_id: str
    source_path: str  # the file's path relative to the corpus folder, with / between folders
    source_format: str
    content_hash: str
    text: str  # the normalised report text; every offset points into it
    body_start: int  # passages tile text[body_start:body_end]
    body_end: int
    title: str = ""
    township: str = ""
    county: str = ""
    city: str = ""
    province: str = ""
    division_code: str = ""
    year: int | None = None
    date: str = ""  # ISO yyyy-mm-dd
    issuer: str = ""
    addressee: str = ""
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def cited_laws(self) -> tuple[LawCitation, ...]:
        return tuple(law for passage in self.passages for law in passage.cited_laws)


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the index, and why (a sentence)."""

    path: str
    reason: str


class UnreadableDocument(Exception):
    """A file we cannot turn into text; the message is a sentence for the user."""

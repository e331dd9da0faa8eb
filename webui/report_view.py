"""A stored report and the words to mark in, the blocks a report page renders out.

Each passage becomes a block with its anchor; inside it, each line is a heading (at its outline level,
with a run-in paragraph split off), a paragraph, or a row of a table (consecutive rows make one table). Text is HTML-escaped; only our <mark> is added.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from indexer.parse import SECTION_LABELS
from indexer.report import CELL_SEPARATOR, Report, Section
from indexer.search import mark_text


@dataclass(frozen=True)
class Line:
    """One line of a passage as the page shows it."""

    kind: str  # heading | paragraph | table
    level: int  # heading level (1 = top), 0 for paragraphs and tables
    html: Markup
    run_in: Markup = Markup("")  # a paragraph that ran on after a heading on the same line
    rows: tuple[tuple[Markup, ...], ...] = ()  # a table's rows of cells (consecutive row lines of the text)


@dataclass(frozen=True)
class PassageBlock:
    """One passage of the report page."""

    passage_id: str
    section_type: str
    section_label: str
    heading_path: tuple[str, ...]
    lines: tuple[Line, ...]
    cited_laws: tuple[str, ...]


def _headings_by_start(sections: tuple[Section, ...], found: dict[int, Section]) -> dict[int, Section]:
    for section in sections:
        found[section.start] = section
        _headings_by_start(section.children, found)
    return found


def _mark(text: str, phrases: tuple[str, ...]) -> Markup:
    return Markup(mark_text(text, phrases))


def report_blocks(report: Report, phrases: tuple[str, ...] = ()) -> list[PassageBlock]:
    """The report body as passage blocks, query phrases marked."""
    headings = _headings_by_start(report.sections, {})
    blocks = []
    for passage in report.passages:
        lines = []
        position = passage.start
        for raw_line in passage.text.split("\n"):
            line_start = position
            position += len(raw_line) + 1
            if not raw_line.strip():
                continue
            section = headings.get(line_start)
            if section is None and CELL_SEPARATOR in raw_line:
                cells = tuple(_mark(cell.strip(), phrases) for cell in raw_line.split(CELL_SEPARATOR))
                if lines and lines[-1].kind == "table":
                    lines[-1] = replace(lines[-1], rows=lines[-1].rows + (cells,))
                else:
                    lines.append(Line("table", 0, Markup(""), rows=(cells,)))
                continue
            if section is None:
                lines.append(Line("paragraph", 0, _mark(raw_line, phrases)))
                continue
            heading_end = _heading_end(raw_line, section)
            lines.append(
                Line(
                    "heading",
                    section.level,
                    _mark(raw_line[:heading_end].rstrip(), phrases),
                    _mark(raw_line[heading_end:].strip(), phrases),
                )
            )
        blocks.append(
            PassageBlock(
                passage_id=passage.passage_id,
                section_type=passage.section_type,
                section_label=SECTION_LABELS.get(passage.section_type, passage.section_type),
                heading_path=passage.heading_path,
                lines=tuple(lines),
                cited_laws=tuple(dict.fromkeys(law.label for law in passage.cited_laws)),
            )
        )
    return blocks


def _heading_end(line: str, section: Section) -> int:
    """Where the heading stops on its line: after its title (and the 。 closing a run-in title)."""
    at = line.find(section.title)
    if at < 0:
        return len(line)
    end = at + len(section.title)
    if end < len(line) and line[end] in "。！？!?":
        end += 1
    return end


def front_matter(report: Report) -> tuple[str, str]:
    """The report's title block and signature as written (the text outside the body)."""
    return report.text[: report.body_start].strip(), report.text[report.body_end:].strip()

"""Headings and a body span in, the outline tree and the passages that tile the body out.

A passage is one leaf section: the heading path and the text from its heading to the next one. A
heading with no text of its own (一、主要举措和成效 directly followed by （一）…) joins its first child's
passage, so that passages tile the body with nothing lost and nothing repeated. Long sections are
cut at paragraph (or, inside a huge paragraph, sentence) boundaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.report import Heading, Passage, Section

MIN_PASSAGE_CHARS = 300
MAX_PASSAGE_CHARS = 1500
_SENTENCE_END = re.compile(r"[。！？；]")


@dataclass(frozen=True)
class Segment:
    """A run of body text under one heading path, before cutting it to passage size."""

    start: int
    end: int
    heading_path: tuple[str, ...]
    top_level_index: int | None  # which top-level section it sits in; None for the preamble


def build_sections(headings: list[Heading], body_end: int, top_level_types: list[str]) -> tuple[Section, ...]:
    """The outline tree; each section spans from its heading to the end of its last descendant."""

    def build(first: int, last: int, section_type: str | None) -> tuple[Section, ...]:
        nodes = []
        index = first
        while index < last:
            heading = headings[index]
            child_end = index + 1
            while child_end < last and headings[child_end].level > heading.level:
                child_end += 1
            own_type = section_type
            if own_type is None:
                own_type = top_level_types[sum(1 for h in headings[:index] if h.level == 1)]
            end = headings[child_end].start if child_end < len(headings) else body_end
            nodes.append(
                Section(
                    number=heading.number,
                    title=heading.title,
                    level=heading.level,
                    section_type=own_type,
                    start=heading.start,
                    end=end,
                    children=build(index + 1, child_end, own_type),
                )
            )
            index = child_end
        return tuple(nodes)

    return build(0, len(headings), None)


def segment_body(text: str, headings: list[Heading], body_start: int, body_end: int) -> list[Segment]:
    """Cut the body at every heading; a heading with no text of its own joins the next segment."""
    segments: list[Segment] = []
    if not headings:
        return [Segment(body_start, body_end, (), None)] if text[body_start:body_end].strip() else []
    if text[body_start:headings[0].start].strip():
        segments.append(Segment(body_start, headings[0].start, (), None))
    path: list[str] = []
    top_level_index = -1
    pending_start: int | None = None
    for index, heading in enumerate(headings):
        # Headings at level 1 start a new top-level section; levels can skip (1 → 3) in messy files.
        if heading.level == 1:
            top_level_index += 1
        del path[heading.level - 1:]
        path.extend([""] * (heading.level - 1 - len(path)))
        path.append(heading.title)
        end = headings[index + 1].start if index + 1 < len(headings) else body_end
        start = heading.start if pending_start is None else pending_start
        next_is_child = index + 1 < len(headings) and headings[index + 1].level > heading.level
        if next_is_child and not text[heading.end:end].strip():
            pending_start = start
            continue
        pending_start = None
        segments.append(Segment(start, end, tuple(title for title in path if title), max(top_level_index, 0)))
    if segments and segments[0].start > body_start:
        first = segments[0]
        segments[0] = Segment(body_start, first.end, first.heading_path, first.top_level_index)
    return segments


def cut_points(text: str, start: int, end: int) -> list[int]:
    """Where a segment may be cut: every paragraph start, and sentence ends inside huge paragraphs."""
    points = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        paragraph_end = end if newline == -1 else newline + 1
        if paragraph_end - position > MAX_PASSAGE_CHARS:
            for match in _SENTENCE_END.finditer(text, position, paragraph_end):
                if match.end() < paragraph_end:
                    points.append(match.end())
        if paragraph_end < end:
            points.append(paragraph_end)
        position = paragraph_end
    return points


def split_long_segment(text: str, segment: Segment) -> list[tuple[int, int]]:
    """Spans of about MIN–MAX characters covering the segment, cut only at cut points."""
    if segment.end - segment.start <= MAX_PASSAGE_CHARS:
        return [(segment.start, segment.end)]
    spans = []
    chunk_start = segment.start
    points = cut_points(text, segment.start, segment.end) + [segment.end]
    for previous, point in zip(points, points[1:]):
        if previous - chunk_start >= MIN_PASSAGE_CHARS and point - chunk_start > MAX_PASSAGE_CHARS:
            spans.append((chunk_start, previous))
            chunk_start = previous
    if spans and segment.end - chunk_start < MIN_PASSAGE_CHARS:
        spans[-1] = (spans[-1][0], segment.end)  # a short tail joins the chunk before it
    else:
        spans.append((chunk_start, segment.end))
    return spans


def build_passages(
    report_id: str,
    text: str,
    headings: list[Heading],
    body_start: int,
    body_end: int,
    top_level_types: list[str],
) -> tuple[Passage, ...]:
    """Passages that tile text[body_start:body_end], in order, with ids stable across rebuilds."""
    passages = []
    for segment in segment_body(text, headings, body_start, body_end):
        if segment.top_level_index is None:
            section_type = "overview"
        else:
            section_type = top_level_types[segment.top_level_index] if top_level_types else "other"
        for start, end in split_long_segment(text, segment):
            ordinal = len(passages) + 1
            passages.append(
                Passage(
                    passage_id=f"{report_id}-p{ordinal}",
                    report_id=report_id,
                    ordinal=ordinal,
                    heading_path=segment.heading_path,
                    section_type=section_type,
                    text=text[start:end],
                    start=start,
                    end=end,
                )
            )
    return tuple(passages)

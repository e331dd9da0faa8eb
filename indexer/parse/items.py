"""Normalised text and its numbered headings in, the lowest-level items under them out: lines that open with
一是/二是… and a short lead sentence, and runs of unnumbered paragraphs that open with parallel lead sentences.

    （一）强化组织保障                       ← a heading
    一是加强组织领导。严格落实第一责任人…    ← an item: title 加强组织领导, the rest of its line its body
    二是强化体系建设。修订完善…              ← an item

An item is a `Heading` one level below the heading it sits under, so it gets its own passage and heading path.
一是 inside a paragraph (问题主要表现在：一是…。二是…), a lone line-initial 一是, and a first sentence that
runs long or on with ； stay body text.
"""
from __future__ import annotations

import re

from indexer.report import Heading

_ORDINAL_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3}是)\s*[：:，,]?\s*")
_LEAD_END = re.compile(r"[。！？!?]")
_MAX_LEAD = 30  # characters of a lead sentence that reads as a title
# An unnumbered lead sentence is short and plain: 完善学法制度。 深化普法宣传。
_PLAIN_LEAD = re.compile(r"^[\u4e00-\u9fff“”\"《》]{4,16}$")
_PLAIN_LEAD_MAX = 16
_PARALLEL_SPREAD = 3  # how far the lengths of parallel lead sentences may differ
_MIN_ITEMS = 2


def find_items(text: str, headings: list[Heading], body_end: int) -> list[Heading]:
    """The items under each heading (see the module docstring), as headings one level below it."""
    items: list[Heading] = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start if index + 1 < len(headings) else body_end
        first_line_end = text.find("\n", heading.start, end)
        if first_line_end == -1:
            continue
        lines = _lines(text, first_line_end + 1, end)
        found = _ordinal_items(text, lines, heading.level + 1) or _parallel_items(text, lines, heading.level + 1)
        items.extend(found)
    return items


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line in text[start:end]."""
    spans, position = [], start
    for line in text[start:end].split("\n"):
        if line:
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _ordinal_items(text: str, lines: list[tuple[int, int]], level: int) -> list[Heading]:
    items = []
    for start, end in lines:
        line = text[start:end]
        mark = _ORDINAL_ITEM.match(line)
        if not mark:
            continue
        lead = _lead_sentence(line, mark.end(), _MAX_LEAD)
        if lead is None:
            continue
        title, title_end = lead
        items.append(Heading(number=mark.group(1), title=title, level=level, start=start, end=start + title_end))
    return items if len(items) >= _MIN_ITEMS else []


def _parallel_items(text: str, lines: list[tuple[int, int]], level: int) -> list[Heading]:
    """The longest run of consecutive paragraphs whose short, plain lead sentences run parallel."""
    best: list[Heading] = []
    run: list[Heading] = []
    for start, end in lines:
        line = text[start:end]
        lead = _lead_sentence(line, 0, _PLAIN_LEAD_MAX)
        fits = lead is not None and _PLAIN_LEAD.match(lead[0]) is not None and lead[1] < len(line.rstrip())
        if fits and run and abs(len(lead[0]) - len(run[0].title)) > _PARALLEL_SPREAD:
            fits = False
        if fits:
            run.append(Heading(number="", title=lead[0], level=level, start=start, end=start + lead[1]))
            continue
        best = run if len(run) > len(best) else best
        run = []
    best = run if len(run) > len(best) else best
    return best if len(best) >= _MIN_ITEMS else []


def _lead_sentence(line: str, offset: int, longest: int) -> tuple[str, int] | None:
    """The lead sentence from `offset` to the first 。 (title, end offset after the 。), or None when it is
    missing, longer than `longest`, or runs on with ；."""
    match = _LEAD_END.search(line, offset)
    if not match:
        return None
    title = line[offset:match.start()].strip()
    if not title or len(title) > longest or re.search(r"[；;]", title):
        return None
    return title, match.end()

"""A passage text and the searched phrases in, HTML out: escaped text with every occurrence in <mark>…</mark>.

Occurrences are found on the folded text, which has the length of the text, so offsets map back 1:1
(ＡＢＣ is marked for abc, 樞紐 for 枢纽). A snippet is cut at sentence or clause ends, one fragment
per phrase where the phrases lie far apart, with … where text was left out.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from indexer.parse import fold_for_matching

ELLIPSIS = "…"
# Where a fragment may start or end, in the folded text (full-width ，；：！？ fold to their ASCII forms).
_SENTENCE_ENDS = frozenset("。！？；!?;\n")
_CLAUSE_ENDS = frozenset("，、：,:")
# How far past the wanted edge we look for a sentence or clause end before cutting mid-sentence.
_SNAP_REACH = 24
_MAX_FRAGMENTS = 3


def find_occurrences(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """The (start, end) spans of every occurrence of each phrase, overlapping spans merged, in text order."""
    folded = fold_for_matching(text)
    spans = []
    for phrase in dict.fromkeys(fold_for_matching(phrase).strip() for phrase in phrases):
        if not phrase:
            continue
        start = folded.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase)))
            start = folded.find(phrase, start + 1)
    return _merged(spans)


def mark_text(text: str, phrases: Iterable[str]) -> str:
    """The whole text HTML-escaped, with every occurrence of the phrases in <mark>…</mark>."""
    return _render(text, 0, len(text), find_occurrences(text, phrases))


def make_snippet(text: str, phrases: Sequence[str], length: int = 160) -> str:
    """An HTML excerpt of about `length` characters around the phrases (the opening when none occurs)."""
    spans = find_occurrences(text, phrases)
    folded = fold_for_matching(text)
    anchors = _anchors(folded, phrases, spans)
    if not anchors:
        start, end = _window(folded, 0, 0, length)
        return _fragment_html(text, start, end, [])
    groups = _group_anchors(anchors, length)
    budget = max(length // len(groups), 40)
    windows: list[tuple[int, int]] = []
    for group_start, group_end in groups:
        start, end = _window(folded, group_start, group_end, budget)
        # A window never cuts a marked span in two.
        for span_start, span_end in spans:
            if span_start < start < span_end:
                start = span_start
            if span_start < end < span_end:
                end = span_end
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    parts = [_fragment_html(text, start, end, spans) for start, end in windows]
    # Fragments that meet share one ellipsis: "…甲…" + "…乙…" reads "…甲…乙…".
    joined = parts[0]
    for part in parts[1:]:
        if joined.endswith(ELLIPSIS) and part.startswith(ELLIPSIS):
            part = part[len(ELLIPSIS):]
        joined += part
    return joined


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _anchors(folded: str, phrases: Sequence[str], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The first occurrence of each phrase (as a marked span), in text order."""
    anchors = set()
    for phrase in phrases:
        phrase = fold_for_matching(phrase).strip()
        start = folded.find(phrase) if phrase else -1
        if start < 0:
            continue
        for span in spans:
            if span[0] <= start < span[1]:
                anchors.add(span)
                break
    return sorted(anchors)


def _group_anchors(anchors: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Anchors close enough to share a fragment form one group; at most _MAX_FRAGMENTS groups."""
    groups: list[tuple[int, int]] = []
    for start, end in anchors:
        if groups and end - groups[-1][0] <= length * 2 // 3:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups[:_MAX_FRAGMENTS]


def _window(folded: str, start: int, end: int, budget: int) -> tuple[int, int]:
    """About `budget` characters around folded[start:end], its edges moved to sentence or clause ends."""
    spare = max(budget - (end - start), 0)
    wanted_start = max(start - spare // 3, 0)
    wanted_end = min(max(end, wanted_start + budget), len(folded))
    if wanted_start > 0:
        wanted_start = _snap_start(folded, wanted_start, start)
    if wanted_end < len(folded):
        wanted_end = _snap_end(folded, wanted_end, end)
    # Leading and trailing white space never opens or closes a fragment.
    while wanted_start < wanted_end and folded[wanted_start].isspace():
        wanted_start += 1
    while wanted_end > wanted_start and folded[wanted_end - 1].isspace():
        wanted_end -= 1
    return wanted_start, wanted_end


def _snap_start(folded: str, wanted: int, limit: int) -> int:
    """Start just after the sentence (else clause) end nearest to `wanted`, no later than `limit`."""
    for ends in (_SENTENCE_ENDS, _CLAUSE_ENDS):
        candidates = [
            position + 1
            for position in range(max(wanted - _SNAP_REACH, 0), min(wanted + _SNAP_REACH, limit))
            if folded[position] in ends
        ]
        if candidates:
            return min(candidates, key=lambda position: abs(position - wanted))
    return wanted


def _snap_end(folded: str, wanted: int, limit: int) -> int:
    """End just after the sentence (else clause) end nearest to `wanted`, no earlier than `limit`."""
    for ends in (_SENTENCE_ENDS, _CLAUSE_ENDS):
        candidates = [
            position + 1
            for position in range(max(wanted - _SNAP_REACH, limit), min(wanted + _SNAP_REACH, len(folded)))
            if folded[position] in ends
        ]
        if candidates:
            return min(candidates, key=lambda position: abs(position - wanted))
    return wanted


def _fragment_html(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) else ""
    # Line breaks inside one excerpt read as spaces.
    return before + _render(text, start, end, spans).replace("\n", " ") + after


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """text[start:end] escaped, the spans inside it marked."""
    pieces = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(html.escape(text[position:span_start]))
        pieces.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    pieces.append(html.escape(text[position:end]))
    return "".join(pieces)

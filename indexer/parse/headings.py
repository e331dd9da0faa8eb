"""Normalised report text in, its frame (title block, signature) and outline of headings out.

Headings are recognised by their numbering mark (一、 （一） (一) 一) 1. 1、 1） （1） ① 第一部分 …) and their
levels are inferred per document from nesting order and number continuity, not from a fixed
style→level table, because real reports mix styles and carry list-numbering artifacts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from indexer.parse.items import find_items
from indexer.parse.normalize import fold_for_matching
from indexer.report import Heading

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[一二三四五六七八九十百零〇两]+"

# Each pattern runs on the folded line (（→( ．→. ：→:), so full- and half-width marks are one style.
# The `style` names family (cn / arabic / circled / part) and decoration (、 . ( ) …); levels are
# assigned to styles per document.
_MARKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第\s*({_CN_NUMERAL}|\d{{1,2}})\s*(部分|章|节|篇)\s*[、.:，,]?\s*")),
    ("cn-dun", re.compile(rf"^({_CN_NUMERAL})\s*[、,，]\s*")),
    ("cn-dot", re.compile(rf"^({_CN_NUMERAL})\s*\.(?!\d)\s*")),
    ("cn-paren", re.compile(rf"^\(\s*({_CN_NUMERAL})\s*\)\s*[、.]?\s*")),
    ("cn-rparen", re.compile(rf"^({_CN_NUMERAL})\s*\)\s*")),
    ("arabic-dun", re.compile(r"^(\d{1,2})\s*、\s*")),
    ("arabic-dot", re.compile(r"^(\d{1,2})\s*\.(?![\d.])\s*")),
    ("arabic-paren", re.compile(r"^\(\s*(\d{1,2})\s*\)\s*[、.]?\s*")),
    ("arabic-rparen", re.compile(r"^(\d{1,2})\s*\)\s*")),
    ("circled", re.compile(r"^([①-⑳])\s*")),
    # Marks that lost their number: 「)落实政务公开」 (the page dropped 「(二」), 「*.加强组织领导。」 (an aggregator
    # masked the digits). They are headings only as siblings in a sequence; see assign_heading_levels.
    ("lost-paren", re.compile(r"^()\)\s*(?=[^\s\d)])")),
    ("masked-dot", re.compile(r"^(\*{1,2})\s*\.(?!\d)\s*")),
    ("masked-dun", re.compile(r"^(\*{1,2})\s*、\s*")),
    ("arabic-paren", re.compile(r"^([⑴-⒇])\s*")),
    ("cn-paren", re.compile(r"^([㈠-㈩])\s*")),
)

# Where a heading's title ends and its run-in paragraph begins:
# 「（一）提高政治站位，强化组织领导。党政主要负责人…」 → title 提高政治站位，强化组织领导.
_TITLE_END = re.compile(r"[。！？!?]")
# （一） lines are headings even when their first sentence runs long (「（一）健全依法行政制度体系，加快推进…，
# 不断提升行政决策公信力和执行力。」); other marks with a long first sentence are numbered paragraphs.
_MAX_TITLE = {"part": 80, "cn-dun": 80, "cn-paren": 120}
_MAX_TITLE_DEFAULT = 45
# A first sentence longer than that is still a heading's when the next mark of its style is a proper heading that
# continues its number: 「(一)贯彻落实《…》文件要求,通过召开座谈会…上报给上级相关部门。」 then 「(二)加强…审查。」.
_MAX_CONFIRMED_TITLE = 300


# The value of a mark whose number was lost or masked: it continues whatever level it joins.
_UNKNOWN_VALUE = -1


@dataclass(frozen=True)
class HeadingCandidate:
    """A line that starts with a numbering mark and may be a heading."""

    style: str
    value: int
    number: str  # the mark as written
    title: str
    line_start: int
    title_end: int  # end of mark + title in the text (start of a run-in body, if any)
    line_end: int
    runs_long: bool = False  # its first sentence is longer than a heading's, so it needs a sibling to confirm it


def parse_numeral(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 12 → 12, ① → 1, ⑴ → 1, ㈠ → 1."""
    if numeral.isdecimal():  # not isdigit(): ① counts as a digit there but int() rejects it
        return int(numeral)
    code = ord(numeral[0])
    if len(numeral) == 1 and 0x2460 <= code <= 0x2473:
        return code - 0x245F
    if len(numeral) == 1 and 0x2474 <= code <= 0x2487:
        return code - 0x2473
    if len(numeral) == 1 and 0x3220 <= code <= 0x3229:
        return code - 0x321F
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS.get(char, 0)
    return total + current


def find_heading_candidate(
    text: str, line_start: int, line_end: int, allow_long: bool = False
) -> HeadingCandidate | None:
    """The heading a line would be, judged by its own words; None for plain paragraphs (`allow_long`: also a line
    whose first sentence runs long, marked as such)."""
    line = text[line_start:line_end]
    folded = fold_for_matching(line)
    for style, pattern in _MARKS:
        match = pattern.match(folded)
        if not match:
            continue
        rest = line[match.end():]
        end_of_title = _TITLE_END.search(rest)
        title_length = end_of_title.start() if end_of_title else len(rest.rstrip())
        title = rest[:title_length].strip().rstrip("：:，,；;")
        runs_long = title_length > _MAX_TITLE.get(style, _MAX_TITLE_DEFAULT)
        if not title or (runs_long and not (allow_long and title_length <= _MAX_CONFIRMED_TITLE)):
            return None
        if style in ("arabic-dot", "arabic-dun") and re.match(r"\d", title):
            return None  # 「3.15”国际消费者权益日」 and 「2、 3月份…」 are dates and counts, not marks
        title_end = line_start + match.end() + title_length
        if end_of_title:
            title_end += 1  # the 。 closing a run-in title belongs to the heading
        return HeadingCandidate(
            style=style,
            value=parse_numeral(match.group(1)) if match.group(1).strip("*") else _UNKNOWN_VALUE,
            number=line[: match.end()].strip(),
            title=title,
            line_start=line_start,
            title_end=title_end,
            line_end=line_end,
            runs_long=runs_long,
        )
    return None


def _decoration(style: str) -> str:
    """「(一)」, 「一)」 (its opening bracket lost) and 「)」 (its number lost) are one decoration."""
    decoration = style.split("-", 1)[-1]
    return "paren" if decoration == "rparen" else decoration


@dataclass
class _Level:
    styles: set[str]
    last_value: int


def assign_heading_levels(candidates: list[HeadingCandidate]) -> list[Heading]:
    """Levels for a document's heading candidates, in order; candidates that fit nowhere are dropped.

    Per candidate, in order of preference:
      1. its style is open at some level and the number continues that level → a sibling there;
      2. a style with the same decoration is open and the number continues it → a sibling there
         (「2、 主要做法」 after 「一、指导思想」, 「（5） 巧用积分制」 after 「（四）」: list-numbering artifacts);
      3. its style is open at some level → a sibling there (numbering repeated or restarted: 一、 … 一、);
      4. the number is 1 (or nothing is open yet) → a new level under the current one;
      5. otherwise it is a numbered paragraph, not a heading (a stray 「3、」 in running text).
    """
    stack: list[_Level] = []
    headings: list[Heading] = []
    repeated_styles = {style for style in (c.style for c in candidates) if sum(c.style == style for c in candidates) > 1}
    for candidate in candidates:
        if candidate.value == _UNKNOWN_VALUE:
            level_index = _level_continued_by_lost_number(stack, candidate, candidate.style in repeated_styles)
            if level_index is None:
                continue
            candidate = replace(
                candidate, value=stack[level_index].last_value + 1 if level_index < len(stack) else 1
            )
        else:
            level_index = _choose_level(stack, candidate)
        if level_index is None:
            continue
        if level_index == len(stack):
            stack.append(_Level({candidate.style}, candidate.value))
        else:
            del stack[level_index + 1:]
            stack[level_index].styles.add(candidate.style)
            stack[level_index].last_value = candidate.value
        headings.append(
            Heading(
                number=candidate.number,
                title=candidate.title,
                level=level_index + 1,
                start=candidate.line_start,
                end=candidate.title_end,
            )
        )
    return headings


def _choose_level(stack: list[_Level], candidate: HeadingCandidate) -> int | None:
    deepest_first = list(range(len(stack) - 1, -1, -1))
    for index in deepest_first:
        level = stack[index]
        if candidate.style in level.styles and candidate.value == level.last_value + 1:
            return index
    for index in deepest_first:
        level = stack[index]
        decorations = {_decoration(style) for style in level.styles}
        if _decoration(candidate.style) in decorations and candidate.value == level.last_value + 1:
            return index
    for index in deepest_first:
        if candidate.style in stack[index].styles:
            return index
    if candidate.value == 1 or not stack:
        return len(stack)
    return None


def _level_continued_by_lost_number(stack: list[_Level], candidate: HeadingCandidate, is_repeated: bool) -> int | None:
    """The level a mark without its number continues: the deepest open level of its decoration (「)落实…」 after
    「(一)…」); a masked 「*.」 that recurs also opens a level of its own under the current one. None otherwise:
    a lone 「)」 or 「*.」 with no sibling is not taken for a heading."""
    decoration = _decoration(candidate.style)
    for index in range(len(stack) - 1, -1, -1):
        if decoration in {_decoration(style) for style in stack[index].styles}:
            return index
    if candidate.style.startswith("masked") and is_repeated:
        return len(stack)
    return None


def find_headings(text: str, body_start: int, body_end: int) -> list[Heading]:
    """Every heading in text[body_start:body_end], with its inferred level, and the items under them."""
    candidates = []
    for line_start, line_end in iter_lines(text, body_start, body_end):
        candidate = find_heading_candidate(text, line_start, line_end, allow_long=True)
        if candidate:
            candidates.append(candidate)
    headings = assign_heading_levels(_confirmed(candidates))
    return sorted(headings + find_items(text, headings, body_end), key=lambda heading: heading.start)


def _confirmed(candidates: list[HeadingCandidate]) -> list[HeadingCandidate]:
    """The candidates without the long-running ones whose next mark of the same style is not a proper heading
    continuing their number."""
    kept = []
    for index, candidate in enumerate(candidates):
        if candidate.runs_long:
            following = next((other for other in candidates[index + 1:] if other.style == candidate.style), None)
            if following is None or following.runs_long or following.value != candidate.value + 1:
                continue
        kept.append(candidate)
    return kept


def iter_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], without the newline."""
    spans = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        if line_end > position:
            spans.append((position, line_end))
        position = line_end + 1
    return spans

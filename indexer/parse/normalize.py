"""Raw document text in, the one normalised report text out (and a same-length folding for matching).

The normalised text is what the report page shows and what every offset points into, so it keeps
the author's wording: we only drop debris, tidy whitespace and join lines broken mid-sentence.
"""
from __future__ import annotations

import re
import unicodedata

from indexer.parse.folding import fold_char, fold_for_matching  # noqa: F401  (callers fold through here)
from indexer.parse.portal import is_debris_line, split_run_in_field
from indexer.report import CELL_SEPARATOR

# Word-processor debris left by .docx → .txt conversion: "[bookmark: _GoBack]", "[image: …]".
_DEBRIS = re.compile(r"\[(?:bookmark|image|comment|footnote|endnote)[^\]\n]{0,200}\]", re.IGNORECASE)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ODD_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f\u205f\t\x0b\x0c"}

# A line ending in one of these closes its sentence; anything else may continue on the next line.
SENTENCE_END = "。！？；：…!?;:"


def clean_line(line: str) -> str:
    """One line without debris, zero-width characters and trailing or odd white space."""
    line = _DEBRIS.sub("", line).translate(_ZERO_WIDTH).translate(_ODD_SPACES)
    return unicodedata.normalize("NFC", line).rstrip()


# A line that starts like a heading or a list item never continues the line before it.
_STARTS_NEW_BLOCK = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[部分章节篇]|[一二三四五六七八九十百零〇]+\s*[、.．]|[（(][一二三四五六七八九十百零〇\d]+[)）]"
    r"|\d{1,2}\s*[、.．)）](?!\d)|[①-⑳⑴-⒇㈠-㈩]|[一二三四五六七八九十]是|首先|其次|最后)"
)
_DATE_LINE = re.compile(r"^\s*[（(]?\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年.{1,8}日\s*[)）]?\s*$")
# Lines this short are titles, headings or signatures, not running text cut by the layout.
_MIN_BROKEN_LINE = 20
_MAX_HEADING_LINE = 60
_MAX_TITLE_LINE = 40
_MAX_RUN_IN_TITLE_LINE = 160
# A page margin shows only across many lines.
_MIN_WRAP_EVIDENCE = 8
# Narrower than 20 CJK characters is a column of short headings, not a page margin.
_MIN_WRAP_WIDTH = 40
_WIDE_CHARACTER = re.compile("[\u2e80-\U0010ffff]")
_CLAUSE_PUNCTUATION = re.compile(r"[，,、；;：:。]")


def normalize_text(raw: str) -> str:
    """The report text: debris and blank lines dropped, white space tidied, broken lines joined."""
    lines = _split_run_in_fields(
        clean_line(line).strip(" \u3000") for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    wrap_width = detect_wrap_width(lines)
    paragraphs: list[str] = []
    previous_line = ""
    for line in lines:
        if not line:
            previous_line = ""
            continue
        if is_debris_line(line) or is_debris_line(previous_line) or _is_table_row(line) or _is_table_row(previous_line):
            # Portal navigation and metadata ("发布日期:2026-01-19 大 中 小") and table rows stand alone.
            paragraphs.append(line)
            previous_line = line
            continue
        filled_the_line = wrap_width is not None and display_width(previous_line) >= wrap_width - 2
        if previous_line and continues_previous_line(paragraphs[-1], line, filled_the_line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
        previous_line = line
    return "\n".join(paragraphs)


def _is_table_row(line: str) -> bool:
    return CELL_SEPARATOR in line


def _split_run_in_fields(lines) -> list[str]:
    """Each line, with a title that runs into a metadata field ("…情况报告发布时间:2025-04-11") split in two."""
    result = []
    for line in lines:
        split = split_run_in_field(line) if len(line) <= _MAX_RUN_IN_TITLE_LINE else None
        result.extend(split if split else (line,))
    return result


def display_width(line: str) -> int:
    """How wide a line is on the page: a CJK character counts twice a Latin one."""
    return len(line) + len(_WIDE_CHARACTER.findall(line))


def detect_wrap_width(lines: list[str]) -> int | None:
    """The width at which the layout wrapped lines (text from PDFs), or None for one-paragraph-per-line text.

    A PDF's body lines all run to the same right margin, so one display width dominates.
    """
    measured = [line for line in lines if len(line) >= _MIN_BROKEN_LINE // 2]
    if len(measured) < _MIN_WRAP_EVIDENCE:
        return None  # too few lines to tell a margin from chance (a short web excerpt)
    widths = [display_width(line) for line in measured]
    counts: dict[int, int] = {}
    for width in widths:
        counts[width] = counts.get(width, 0) + 1
    # Neighbouring widths count together: a line holding digits is a little narrower or wider.
    best = max(counts, key=lambda width: sum(counts.get(width + delta, 0) for delta in (-1, 0, 1)))
    at_margin = [line for line in measured if abs(display_width(line) - best) <= 1]
    if best < _MIN_WRAP_WIDTH or len(at_margin) / len(widths) < 0.3 or len(at_margin) < _MIN_WRAP_EVIDENCE // 2:
        return None
    # Lines the layout cut mostly stop mid-sentence; in web text equal widths are a few similar headings.
    cut = sum(1 for line in at_margin if line[-1] not in SENTENCE_END)
    return best + 1 if cut >= len(at_margin) / 2 else None


def continues_previous_line(previous: str, line: str, filled_the_line: bool = False) -> bool:
    """Whether `line` is the rest of a sentence that the layout broke after `previous`.

    「…组织镇干部开展“每周四理论学习”」 followed by 「24次，集中学习…」 is one sentence; a heading such as
    「二、2024年度推进法治政府建设的主要举措和成效」 followed by its first paragraph is not. A line that ran to
    the layout's right margin (`filled_the_line`, in PDFs) was cut by the layout, whatever it looks like.
    """
    if previous[-1] in SENTENCE_END:
        return False
    if _STARTS_NEW_BLOCK.match(line) or _DATE_LINE.match(line):
        return False
    if filled_the_line:
        return True
    if len(previous) < _MIN_BROKEN_LINE:
        return False
    if _STARTS_NEW_BLOCK.match(previous) and len(previous) <= _MAX_HEADING_LINE:
        return False
    # Title and issuer lines (「中共淮北市段园镇委员会 淮北市段园镇人民政府」) carry no clause punctuation;
    # running text of this length almost always does.
    if len(previous) <= _MAX_TITLE_LINE and not _CLAUSE_PUNCTUATION.search(previous):
        return False
    return True

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
    r"|\d{1,2}\s*[、.．)）](?!\d)|\*{1,2}\s*[、.．](?!\d)|[①-⑳⑴-⒇㈠-㈩]|[一二三四五六七八九十]是|首先|其次|最后)"
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


# A page whose line breaks were collapsed into spaces (a doc-share page, a viewer's text layer) is one or a few very
# long lines with heading marks inside: 「…情况报告 一、主要做法 (一)加强组织领导。党委… 1.健全制度 …」. A mark
# counts where a sentence ended or a space stood (「报告如下： 一、」), not in 「主要有三点：一、」 or 「，(一)」.
_MARK_AFTER_BREAK = re.compile(
    r"(?:(?<=[。！？!?；;])\s*|(?<![，,、（(“\s])\s+)"
    r"(?=[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．)）](?!\d))"
)
_SPACES = re.compile(r"[ \u3000]+")
_TITLE_END = re.compile(r"[。！？!?]")
_MIN_FLAT_LINE = 300
_MIN_FLAT_MARKS = 3


def normalize_text(raw: str) -> str:
    """The report text: debris and blank lines dropped, white space tidied, broken lines joined."""
    lines = _split_run_in_fields(
        _unflatten([clean_line(line).strip(" \u3000") for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")])
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


def _unflatten(lines: list[str]) -> list[str]:
    """The lines, or for a page whose line breaks became spaces, its long lines broken again at heading marks and
    at the spaces between words (the line joining afterwards mends sentences the page had wrapped).

    Most of the page must sit in lines of 300 characters or more with at least three heading marks after a
    sentence end or a space, which a page of ordinary paragraphs (headings on their own short lines) never has.
    """
    long_lines = [line for line in lines if len(line) >= _MIN_FLAT_LINE]
    marks = [match for line in long_lines for match in _MARK_AFTER_BREAK.finditer(line)]
    if len(marks) < _MIN_FLAT_MARKS or sum(map(len, long_lines)) < 0.6 * sum(map(len, lines)):
        return lines
    # An outline has marks of two kinds (一、 and (一)) or marks after spaces; an enumeration run into one
    # paragraph (「…：一、…。二、…。三、…」) has neither.
    kinds = {_mark_kind(match.string[match.end()]) for match in marks}
    if len(kinds) < 2 and sum(1 for match in marks if match.group()) < 2:
        return lines
    result = []
    for line in lines:
        if len(line) < _MIN_FLAT_LINE:
            result.append(line)
            continue
        for piece in _MARK_AFTER_BREAK.sub("\n", line).split("\n"):
            result.extend(_break_at_spaces(piece.strip()))
    return result


def _break_at_spaces(piece: str) -> list[str]:
    """A piece of a collapsed line broken at the spaces that end a sentence, a title or a heading; the other
    spaces between two words, where the page had wrapped a sentence, are dropped."""
    lines = [""]
    for part in _SPACES.split(piece):
        current = lines[-1]
        if not current:
            lines[-1] = part
        elif current[-1] in SENTENCE_END or _is_short_title_or_heading(current):
            lines.append(part)
        else:
            wide = _WIDE_CHARACTER.match(current[-1]) and _WIDE_CHARACTER.match(part[0])
            lines[-1] = current + part if wide else current + " " + part
    return lines


def _is_short_title_or_heading(line: str) -> bool:
    """「岚溪街道2024年法治政府建设情况报告」, 「(一)坚持党的领导,夯实法治基础」: a line of its own."""
    if len(line) > _MAX_TITLE_LINE or _TITLE_END.search(line):
        return False
    return not _CLAUSE_PUNCTUATION.search(line) or _STARTS_NEW_BLOCK.match(line) is not None


def _mark_kind(first_character: str) -> str:
    return "paren" if first_character in "(（" else "arabic" if first_character.isdigit() else "chinese"


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

"""Normalised report text in, its frame out: title, issuer, addressee and date lines around the body.

Those lines are metadata, not body text; the body is what lies between them, and passages tile it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.parse.headings import find_heading_candidate, iter_lines, parse_numeral
from indexer.parse.normalize import fold_for_matching

_CN_YEAR_DIGITS = {char: str(value) for value, char in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_DATE = re.compile(
    r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_DATE_ONLY_LINE = re.compile(r"^[(（]?\s*" + _DATE.pattern + r"\s*[)）]?$")
_ORGANISATION_END = re.compile(
    r"(人民政府|政府|委员会|党委|党工委|管委会|管理委员会|办事处|工委|人大主席团|司法所|办公室|党组|支部)$"
)
_TITLE_WORDS = re.compile(r"报告|总结|情况|述职|工作要点|自查|汇报")
_ADDRESSEE_WORDS = re.compile(r"委|政府|办|局|部|领导|同志|法治")
_MAX_HEADER_LINE = 60
_MAX_HEADER_LINES = 8
_MAX_SIGNATURE_LINE = 40
_MAX_SIGNATURE_LINES = 4


@dataclass(frozen=True)
class Frame:
    """The metadata lines around a report body and where the body lies."""

    title: str
    issuer: str
    addressee: str
    date: str  # ISO yyyy-mm-dd, or ""
    body_start: int
    body_end: int
    header_text: str  # every metadata line, for the place resolver's strong clues


def parse_date(text: str) -> str:
    """The first date written in `text` as ISO yyyy-mm-dd (2025年2月11日, 二〇二五年二月十一日), or ""."""
    match = _DATE.search(text)
    if not match:
        return ""
    year_text, month_text, day_text = match.groups()
    if year_text.isdigit():
        year = int(year_text)
    else:
        year = int("".join(_CN_YEAR_DIGITS[char] for char in year_text))
    month, day = parse_numeral(month_text), parse_numeral(day_text)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_frame(text: str) -> Frame:
    """Split the report's title block and signature from its body."""
    lines = iter_lines(text, 0, len(text))
    title_parts: list[str] = []
    issuers: list[str] = []
    addressee = ""
    date = ""
    header_lines: list[str] = []
    body_line = 0
    for index, (start, end) in enumerate(lines[:_MAX_HEADER_LINES]):
        line = text[start:end].strip()
        kind = _header_line_kind(line, text, start, end, title_so_far="".join(title_parts))
        if kind is None:
            break
        body_line = index + 1
        header_lines.append(line)
        if kind == "issuer":
            issuers.append(line)
        elif kind == "title":
            title_parts.append(line)
        elif kind == "date":
            date = date or parse_date(line)
        elif kind == "addressee":
            addressee = line.rstrip("：:")
            break
    if not title_parts and not addressee:
        # A header of issuer lines only is really an untitled report whose first lines are short
        # paragraphs; keep those in the body rather than swallow them.
        body_line = len(issuers) + (1 if date else 0) if issuers and len(issuers) <= 2 else 0
        header_lines = header_lines[:body_line]
        if body_line == 0:
            issuers, date = [], ""

    signature_line = len(lines)
    signature_issuers: list[str] = []
    for index in range(len(lines) - 1, max(body_line, len(lines) - _MAX_SIGNATURE_LINES) - 1, -1):
        start, end = lines[index]
        line = text[start:end].strip()
        if len(line) > _MAX_SIGNATURE_LINE or re.search(r"[。；;！？]", line):
            break
        if _DATE_ONLY_LINE.match(line):
            date = parse_date(line) or date
        elif _is_issuer_line(line):
            signature_issuers.insert(0, line)
        elif not re.fullmatch(r"[(（]?(此件|本件)?[^。]{0,8}(公开发布|公开|盖章)[)）]?", line):
            break
        signature_line = index
        header_lines.append(line)

    body_start = lines[body_line][0] if body_line < len(lines) else len(text)
    body_end = lines[signature_line - 1][1] if signature_line > body_line else body_start
    issuer = " ".join(issuers) or " ".join(signature_issuers)
    return Frame(
        title=_join_title(title_parts),
        issuer=re.sub(r"\s+", " ", issuer),
        addressee=addressee,
        date=date,
        body_start=body_start,
        body_end=body_end,
        header_text="\n".join(header_lines),
    )


def _header_line_kind(line: str, text: str, start: int, end: int, title_so_far: str) -> str | None:
    """What a line at the top of a report is: title, issuer, addressee, date, or None for body text."""
    if len(line) > _MAX_HEADER_LINE or re.search(r"[。；;！？]", line):
        return None
    if find_heading_candidate(text, start, end) is not None:
        return None
    if _DATE_ONLY_LINE.match(line):
        return "date"
    if line.endswith(("：", ":")):
        return "addressee" if len(line) <= 40 and _ADDRESSEE_WORDS.search(line) else None
    if _is_issuer_line(line) and not _TITLE_WORDS.search(line):
        return "issuer"
    if re.search(r"[，,、]", line) and not _TITLE_WORDS.search(line):
        return None  # a short first paragraph, not a title
    if title_so_far.endswith(("报告", "总结", "汇报")):
        return None  # the title is complete; a further short line opens the body
    return "title"  # the title, or its second line (关于2024年度法治政府建设 / 情况的报告)


def _is_issuer_line(line: str) -> bool:
    parts = re.split(r"\s+", line)
    return all(_ORGANISATION_END.search(part) for part in parts if part)


def _join_title(parts: list[str]) -> str:
    return "".join(parts)


def find_report_year(title: str, body_opening: str, date: str) -> tuple[int | None, str]:
    """The year a report is about and, when it had to be inferred from the signing date, a warning.

    The title says it (关于2024年法治政府建设情况的报告); failing that the first lines do (2024年以来，…);
    failing that a report signed early in a year is about the year before.
    """
    for source in (title, body_opening):
        folded = fold_for_matching(source)
        match = re.search(r"(20\d\d|19\d\d)\s*年", folded) or re.search(r"([〇零一二三四五六七八九]{4})\s*年", folded)
        if match:
            digits = match.group(1)
            if not digits.isdigit():
                digits = "".join(_CN_YEAR_DIGITS[char] for char in digits)
            return int(digits), ""
    if date:
        year, month = int(date[:4]), int(date[5:7])
        reported = year - 1 if month <= 6 else year
        return reported, f"The year reported on was inferred as {reported} from the signing date {date}; set it in the catalogue if that is wrong."
    return None, "No year found in the title or the opening lines; set it in the catalogue."

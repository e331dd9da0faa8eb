"""Normalised report text in, its frame out: title, issuer, addressee and date lines around the body.

Those lines are metadata, not body text; the body is what lies between them, and passages tile it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.parse.headings import find_heading_candidate, iter_lines, parse_numeral
from indexer.parse.normalize import fold_for_matching
from indexer.parse.place_mentions import is_township_shaped
from indexer.parse.portal import is_breadcrumb, is_debris_line, read_fields

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
# The first lines name the year (2024年以来，…) within this; further on a year is any year.
_FIRST_LINES_CHARS = 200
# 「现就2022年法治政府建设工作开展情况报告如下」 closes the opening paragraph and names the year.
_PURPOSE_SENTENCE = re.compile(r"现[将就把对][^。]{0,60}?(?:报告|汇报|总结)如下")
# A title in the official form 发文机关 + 关于 + 事由 + 文种 names its issuer.
_ISSUER_BEFORE_ABOUT = re.compile(r"^(.{2,40}?(?:人民政府|办事处|委员会|党委|党工委))\s*关于")
# A township's organ as the subject of the opening: after the start, a comma, 年 or 现将, not 全镇/我乡/本街道.
_REPORTING_ORGAN = re.compile(
    r"(?:^|[,，。；;]|年|现[将就])\s*((?!现[将就])([\u4e00-\u9fff]{2,10}?(?:[镇乡](?=人民政府)|苏木(?=人民政府)|街道(?=办事处)))"
    r"(?:人民政府|办事处))"
)
_CITED_NAME = re.compile(r"《[^》]{0,80}》")
_CITED_PERIOD = re.compile(r"\(\s*(?:19|20)\d\d\s*[-—–~～至到]+\s*(?:19|20)?\d\d\s*年?\s*\)")
# Portal debris above a report (navigation, a metadata block printed twice) runs to a few dozen lines.
_MAX_PORTAL_LINES = 60
# A title names the report: 法治政府建设…报告 / 法治建设工作总结 / 法治政府建設情況報告.
_NAMES_THE_REPORT = re.compile(r"法[治制].{0,30}(?:报告|总结|情况|汇报)")
# 「新华乡2025年法治政府建设工作情况报告县委全面依法治县委员会办公室:」: a title run into the addressee.
_TITLE_THEN_ADDRESSEE = re.compile(r"^(.{6,60}?(?:报告|总结|汇报))(.{2,30}[:：])$")
_MAX_SIGNATURE_LINE = 40
_MAX_SIGNATURE_LINES = 4


@dataclass(frozen=True)
class Frame:
    """The metadata lines around a report body and where the body lies."""

    title: str
    issuer: str
    addressee: str
    date: str  # ISO yyyy-mm-dd, or ""
    date_is_the_reports: bool  # False when the date came from a portal's metadata (成文/发布日期)
    body_start: int
    body_end: int
    header_text: str  # every metadata line, for the place resolver's strong clues
    page_text: str = ""  # the portal's debris but its navigation path: weak place clues (中文域名:XX区人民政府)


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


def find_frame(text: str, page_metadata: tuple[str, ...] = ()) -> Frame:
    """Split the report's title block and signature from its body; portal debris above it is header too.

    `page_metadata` is a saved page's metadata lines kept outside the text (发布机构：…, 成文日期：…).
    """
    lines = iter_lines(text, 0, len(text))
    title_parts: list[str] = []
    issuers: list[str] = []
    addressee = ""
    date = ""
    header_lines: list[str] = []
    debris_lines: list[str] = []
    body_line = 0
    counted = 0
    index = 0
    while index < min(len(lines), _MAX_PORTAL_LINES) and counted < _MAX_HEADER_LINES:
        start, end = lines[index]
        line = text[start:end].strip()
        if is_debris_line(line):
            debris_lines.append(line)
            index += 1
            body_line = index
            continue
        repeated = _repeats_title(text, lines, index, "".join(title_parts))
        if repeated:
            # Portals print the title twice, around the metadata block; the copy is not body text.
            index += repeated
            body_line = index
            continue
        split = _split_title_from_addressee(line) if not title_parts else None
        if split:
            title_parts.append(split[0])
            addressee = split[1]
            header_lines.append(line)
            body_line = index + 1
            break
        kind = _header_line_kind(line, text, start, end, title_so_far="".join(title_parts))
        if kind is None:
            break
        counted += 1
        index += 1
        body_line = index
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
    title_parts = _title_naming_the_report(title_parts)
    if not title_parts and not addressee:
        # A header of issuer lines only is really an untitled report whose first lines are short
        # paragraphs; keep those in the body rather than swallow them.
        kept = len(issuers) + (1 if date else 0) if issuers and len(issuers) <= 2 else 0
        body_line = _line_after_debris(text, lines, kept)
        header_lines = header_lines[:kept]
        if kept == 0:
            issuers, date = [], ""
    portal = read_fields(debris_lines + list(page_metadata))
    if not title_parts and portal.title:
        title_parts = [portal.title]
    if portal.issuer:
        header_lines.append(portal.issuer)

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
    # The title's own issuer (滑县万古镇人民政府关于…) beats a shorter organ line printed under it by the portal.
    issuer = (
        _issuer_in_title(_join_title(title_parts))
        or " ".join(issuers)
        or " ".join(signature_issuers)
        or portal.issuer
        or _reporting_organ(text[body_start:body_end])
    )
    date_is_the_reports = bool(date)
    date = date or portal.written_date or portal.published_date
    return Frame(
        title=_join_title(title_parts),
        issuer=re.sub(r"\s+", " ", issuer),
        addressee=addressee,
        date=date,
        date_is_the_reports=date_is_the_reports,
        body_start=body_start,
        body_end=body_end,
        header_text="\n".join(header_lines),
        page_text="\n".join(line for line in debris_lines if not is_breadcrumb(line)),
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
    if fold_for_matching(title_so_far).endswith(("报告", "总结", "汇报")):
        return None  # the title is complete; a further short line opens the body
    return "title"  # the title, or its second line (关于2024年度法治政府建设 / 情况的报告)


def _repeats_title(text: str, lines: list[tuple[int, int]], index: int, title: str) -> int:
    """How many lines from `index` on spell the title again (0 when they don't)."""
    wanted = _compact(title)
    if not wanted:
        return 0
    joined = ""
    for count, (start, end) in enumerate(lines[index:index + 3], start=1):
        joined += _compact(text[start:end])
        if joined == wanted:
            return count
        if not wanted.startswith(joined):
            return 0
    return 0


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", fold_for_matching(text))


def _split_title_from_addressee(line: str) -> tuple[str, str] | None:
    match = _TITLE_THEN_ADDRESSEE.match(fold_for_matching(line))
    if not match or not _NAMES_THE_REPORT.search(match.group(1)) or not _ADDRESSEE_WORDS.search(match.group(2)):
        return None
    cut = match.end(1)
    return line[:cut].strip(), line[cut:].strip().rstrip("：:")


def _issuer_in_title(title: str) -> str:
    """The organ a one-line title opens with: 滑县万古镇人民政府关于2025年…的报告 → 滑县万古镇人民政府."""
    match = _ISSUER_BEFORE_ABOUT.match(title)
    return match.group(1) if match else ""


def _reporting_organ(body: str) -> str:
    """The township organ the opening paragraph names as the one reporting, or "".

    「2025年,鼓楼街道办事处深入学习…」, 「…,满族屯满族乡人民政府深入学习…」, 「现将下洋镇人民政府2023年…汇报如下」.
    """
    opening = body[: body.find("\n") if "\n" in body else len(body)][: _FIRST_LINES_CHARS * 2]
    for match in _REPORTING_ORGAN.finditer(opening):
        if is_township_shaped(match.group(2)):
            return match.group(1)
    return ""


def _title_naming_the_report(parts: list[str]) -> list[str]:
    """The title lines from the last one that still names the report: a stray line above it is debris."""
    for first in range(len(parts) - 1, -1, -1):
        if _NAMES_THE_REPORT.search(fold_for_matching("".join(parts[first:]))):
            return parts[first:]
    return parts


def _line_after_debris(text: str, lines: list[tuple[int, int]], kept: int) -> int:
    """The index of the first body line when `kept` title-block lines follow the page's debris."""
    index = 0
    while index < min(len(lines), _MAX_PORTAL_LINES) and is_debris_line(text[lines[index][0]:lines[index][1]].strip()):
        index += 1
    return index + kept


def _is_issuer_line(line: str) -> bool:
    parts = re.split(r"\s+", line)
    return all(_ORGANISATION_END.search(part) for part in parts if part)


def _join_title(parts: list[str]) -> str:
    return "".join(parts)


def find_report_year(title: str, body_opening: str, date: str) -> tuple[int | None, str]:
    """The year a report is about and, when it had to be inferred from the signing date, a warning.

    The title says it (关于2024年法治政府建设情况的报告); failing that the first lines do (2024年以来，…) or
    the sentence that closes the opening (现将2024年…情况报告如下); failing that a report signed early in a
    year is about the year before. A portal's publication date is never a clue.
    """
    purpose = _PURPOSE_SENTENCE.search(fold_for_matching(body_opening))
    for source in (title, body_opening[:_FIRST_LINES_CHARS], purpose.group(0) if purpose else ""):
        # A year inside a cited document's name or period is not the year reported on:
        # 「根据《全面深化法治领域改革纲要（2023—2027年）》…，2023年，XX街道…」 reports on 2023.
        folded = _CITED_PERIOD.sub("", _CITED_NAME.sub("", fold_for_matching(source)))
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

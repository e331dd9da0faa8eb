"""One line of a copied portal page in, whether it is the portal's debris (navigation, metadata) out,
and what a metadata line tells: the issuer (发布机构/发文机关), the report date (成文日期) or a page title.

Shapes seen on county portals (full- or half-width, simplified or traditional, bracketed or dashed):
    您当前所在位置:首页>政务公开>法治政府建设报告>乡镇街道
    [ 索引号 ] 11500230008689762A/2026-00004 [ 发文字号 ]
    - 发布机构:鲍沟镇 / 发布机构屏边县新华乡人民政府 / 时效性有效
    来源:海滨街道司法所 发布时间:2026-02-09 10:20 / 时间:2023-02-28 15:36 浏览量:1
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.parse.folding import fold_for_matching

# Field labels of government information-disclosure pages, in simplified half-width form; spaces inside a
# label (索 引 号) are allowed. Longer labels first, so 公文生成日期 is not read as 生成日期.
_LABELS = (
    "公文生成日期", "索引号", "发布机构", "发文机关", "发文机构", "发文单位", "发文字号", "主题分类", "体裁分类",
    "组配分类", "服务对象", "成文日期", "成文时间", "发文时间", "发文日期", "生成日期", "发布日期", "发布时间",
    "信息来源", "文章来源", "浏览量", "浏览次数", "点击数", "点击量", "阅读量", "阅读次数", "访问量", "有效性",
    "时效性", "效力状态", "主题词", "公开方式", "公开范围", "公开时限", "所属机构", "信息分类", "责任编辑",
    "关键词", "公开形式", "是否有效", "备注", "文号", "标题", "来源", "时间", "作者", "字号",
)
_LABEL = "|".join("\\s*".join(label) for label in _LABELS)
# A metadata field: an optional bullet or bracket, the label, then a separator or the value straight away.
_FIELD = re.compile(rf"(?:^|(?<=[\s\]|】]))[-·•|]?\s*[\[【]?\s*({_LABEL})\s*[\]】]?\s*[:：]?\s*")
# A field with its separator, anywhere on a line: a title may run straight into it (…报告发布时间:).
_RUN_IN_FIELD = re.compile(rf"({_LABEL})\s*[:：]")
_FIELD_AT_START = re.compile(rf"^[-·•|]?\s*[\[【]?\s*({_LABEL})\s*(?:[\]】:：|/]|$)")
# A label with its value straight after it, no separator: 发布机构屏边县新华乡人民政府, 时效性有效.
_GLUED_FIELD_AT_START = re.compile(rf"^[-·•|]?\s*({_LABEL})\S")
_CLAUSE = re.compile(r"[，,、；;。！？]")
# A date or time standing alone under its label: 2026-03-04 / 2026-02-09 10:20.
_BARE_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
# Navigation and page furniture.
_NAVIGATION = re.compile(
    r"当前位置|所在位置|首页\s*[>›»/]|网站地图|无障碍|繁体|打印本页|关闭窗口|【打印】|\[打印\]|分享到|扫一扫|"
    r"字号\s*[:：]?\s*[大中小]|大\s+中\s+小|中文域名|网站标识码|ICP备|公网安备|返回顶部|我要纠错"
)
_NUMBERED = re.compile(r"^\(?[一二三四五六七八九十\d]{1,3}\s*[)、.]")
_ONLY_PUNCTUATION = re.compile(r"^[\s\-|>›»·•_=*#]+$")
# A document number standing alone: 雷东府〔2025〕26号, X政办发[2024]3号.
_DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,4}\s*号$")
_DATE_VALUE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MAX_DEBRIS_LINE = 120

_ISSUER_LABELS = ("发布机构", "发文机关", "发文机构", "发文单位", "信息来源", "来源")
_WRITTEN_DATE_LABELS = ("成文日期", "成文时间", "发文时间", "发文日期", "公文生成日期")
_PUBLISHED_DATE_LABELS = ("发布日期", "发布时间", "生成日期", "时间")
# An issuer worth keeping names a township-level body (not 司法所 or a county office).
_TOWNSHIP_BODY = re.compile(r"(?:镇|乡|街道|苏木|办事处|人民政府|委员会|党委|党工委)$")
_TOWNSHIP_WORD = re.compile(r"[镇乡]|街道|苏木")


@dataclass(frozen=True)
class PortalFields:
    """What the metadata lines of a page say; empty strings where they say nothing."""

    issuer: str = ""
    written_date: str = ""  # 成文日期 and the like: the report's own date
    published_date: str = ""  # 发布日期: when the page went up
    title: str = ""  # a 标题 field


def is_debris_line(line: str) -> bool:
    """Whether a line is portal navigation or a metadata field rather than report text."""
    folded = fold_for_matching(line).strip()
    if not folded:
        return False
    if _ONLY_PUNCTUATION.match(folded):
        return True
    if len(folded) > _MAX_DEBRIS_LINE or "。" in folded or _NUMBERED.match(folded):
        return False  # 「（三）推进无障碍环境建设」 is a heading, whatever words it holds
    if _NAVIGATION.search(folded) or _DOCUMENT_NUMBER.match(folded) or _BARE_DATE.match(folded):
        return True
    if _FIELD_AT_START.match(folded):
        return True
    return len(folded) <= 40 and not _CLAUSE.search(folded) and _GLUED_FIELD_AT_START.match(folded) is not None


def is_breadcrumb(line: str) -> bool:
    """Whether a debris line is the site's navigation path: its last step (乡镇街道) names no place."""
    return re.search(r"当前位置|所在位置|首页\s*[>›»/]|>\s*\S+\s*>", fold_for_matching(line)) is not None


def split_fields(line: str) -> list[tuple[str, str]]:
    """(label, value) for each metadata field on a line: "[ 成文日期 ] 2026-01-22 [ 发布日期 ] …"."""
    folded = fold_for_matching(line)
    matches = list(_FIELD.finditer(folded))
    fields = []
    for index, match in enumerate(matches):
        value_end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        label = re.sub(r"\s+", "", match.group(1))
        value = line[match.end():value_end].strip(" \u3000-|[]【】/")
        fields.append((label, value))
    return fields


def read_fields(lines: list[str]) -> PortalFields:
    """The issuer, dates and title the metadata lines give (the first of each wins)."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        for label, value in split_fields(line):
            if not value and index + 1 < len(lines) and not split_fields(lines[index + 1]):
                value = lines[index + 1].strip()  # 「发布时间:」 with 「2026-03-04」 on the line below
            if not value:
                continue
            if label in _ISSUER_LABELS:
                name = re.split(r"\s", value)[0]
                if _TOWNSHIP_BODY.search(fold_for_matching(name)) and _TOWNSHIP_WORD.search(fold_for_matching(name)):
                    found.setdefault("issuer", name)
            elif label in _WRITTEN_DATE_LABELS:
                found.setdefault("written_date", _iso_date(value))
            elif label in _PUBLISHED_DATE_LABELS:
                found.setdefault("published_date", _iso_date(value))
            elif label == "标题":
                found.setdefault("title", value)
    return PortalFields(**{key: value for key, value in found.items() if value})


def split_run_in_field(line: str) -> tuple[str, str] | None:
    """A title with a metadata field run into it ("…情况报告发布时间:2025-04-11"), as (title, rest)."""
    folded = fold_for_matching(line)
    for match in _RUN_IN_FIELD.finditer(folded):
        if match.start() == 0:
            return None
        before = folded[:match.start()].rstrip()
        if re.search(r"(?:报告|总结|情况|汇报)$", before):
            return line[:match.start()].rstrip(), line[match.start():].strip()
    return None


def _iso_date(value: str) -> str:
    match = _DATE_VALUE.search(fold_for_matching(value))
    if not match:
        return ""
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"

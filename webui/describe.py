"""A search result in, the plain sentence that says what was searched and found out."""
from __future__ import annotations

from indexer.parse import SECTION_LABELS
from indexer.search import SearchFilters


def describe_filters(filters: SearchFilters, law_labels: dict[str, str] | None = None) -> list[str]:
    """Each active filter in words: 段园镇、均口镇 · 2021–2024年 · 存在问题和不足."""
    law_labels = law_labels or {}
    parts = []
    for values in (filters.province, filters.county, filters.township):
        if values:
            parts.append("、".join(values))
    if filters.year:
        parts.append("、".join(_year_words(str(year_range)) for year_range in filters.year))
    if filters.section_type:
        parts.append("、".join(SECTION_LABELS.get(key, key) for key in filters.section_type))
    if filters.law:
        parts.append("引用" + "、".join(f"《{law_labels.get(name, name)}》" for name in filters.law))
    return parts


def describe_search(query: str, total: int, total_reports: int, filters: SearchFilters, law_labels: dict[str, str] | None = None) -> str:
    """枫桥经验：2 篇报告中的 2 个段落 · 2024年"""
    subject = f"“{query}”" if query else "全部报告"
    sentence = f"{subject}：{total_reports} 篇报告中的 {total} 个段落"
    return " · ".join([sentence, *describe_filters(filters, law_labels)])


def _year_words(value: str) -> str:
    first, _, last = value.partition("..")
    if not _:
        return f"{value}年"
    if first and last:
        return f"{first}–{last}年"
    return f"{first}年以后" if first else f"{last}年以前"


def report_name(report: object) -> str:
    """What tells a report apart: 段园镇 · 杜集区 · 2024年 (every report's title reads alike), else its title or id.

    Takes anything with township, county, year, title and report_id: a hit, a report, a concordance line.
    """
    year = getattr(report, "year", None)
    parts = [getattr(report, "township", ""), getattr(report, "county", ""), f"{year}年" if year else ""]
    if not getattr(report, "township", ""):
        return getattr(report, "title", "") or getattr(report, "report_id", "") or "（无标题报告）"
    return " · ".join(part for part in parts if part)

"""Section types: the keys we store, their Chinese labels, and the heading words they come from.

A top-level heading title in, a section type key out; subsections inherit their top-level type.
"""
from __future__ import annotations

import re

from indexer.parse.normalize import fold_for_matching

SECTION_LABELS: dict[str, str] = {
    "overview": "总体情况",
    "guiding_principles": "指导思想",
    "responsibility": "第一责任人职责",
    "measures": "主要举措和成效",
    "problems": "存在问题和不足",
    "next_steps": "下一步工作安排",
    "other": "其他",
}

# Checked in this order: the first rule whose words occur in the title wins. Order matters where a
# title mixes kinds: 六、下一步工作措施 is next_steps although 措施 is a measures word, and
# 三、推进法治政府建设存在的不足、原因和问题整改情况 is problems although it says 情况.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("next_steps", re.compile(r"下一步|下步|下一年|下阶段|明年|今后|工作打算|工作安排|工作计划|工作思路|初步安排|努力方向|展望|工作建议|意见建议|下一年度")),
    # 问题 alone is too common in work titles (三、聚焦突出问题，推进专项整治); it counts in problem phrasing only.
    ("problems", re.compile(r"不足|短板|差距|薄弱|存在的|存在问题|问题[和与及、]|[和与及、]问题|^问题|^主要问题|问题$")),
    ("responsibility", re.compile(r"第一责任人|主要负责人|党政主要负责|履职情况|述法")),
    ("guiding_principles", re.compile(r"指导思想|总体要求|基本原则|工作目标")),
    ("measures", re.compile(r"举措|成效|做法|措施|工作开展|开展情况|推进情况|主要工作|工作情况|完成情况|成绩|亮点|经验")),
)


def classify_top_level_title(title: str, report_year: int | None = None) -> str | None:
    """The section type a top-level heading names, or None when its words do not say."""
    folded = fold_for_matching(title)
    if report_year is not None:
        # 三、2024年度主要工作安排 in a 2023 report: a later year in the title means plans.
        years = [int(y) for y in re.findall(r"(20\d\d)年", folded)]
        if years and min(years) > report_year:
            return "next_steps"
    for key, pattern in _RULES:
        if pattern.search(folded):
            return key
    return None


def assign_top_level_types(titles: list[str], report_year: int | None = None) -> list[str]:
    """Section types for a report's top-level titles, in order.

    A top-level section whose title names no kind describes work done (二、依法行政，高效推动矛盾纠纷化解),
    so it is `measures` while it comes before the problems and plans; after them it is `other`.
    """
    types: list[str] = []
    seen_closing_section = False
    for title in titles:
        key = classify_top_level_title(title, report_year)
        if key is None:
            key = "other" if seen_closing_section else "measures"
        if key in ("problems", "next_steps"):
            seen_closing_section = True
        types.append(key)
    return types

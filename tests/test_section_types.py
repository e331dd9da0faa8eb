"""Section types from top-level heading titles."""
import pytest

from indexer.parse.section_types import (
    SECTION_LABELS,
    assign_top_level_types,
    classify_top_level_title,
)


@pytest.mark.parametrize(
    "title, key",
    [
        ("全面履行法治建设第一责任人职责", "responsibility"),
        ("2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况", "responsibility"),
        ("指导思想", "guiding_principles"),
        ("2024年度推进法治政府建设的主要举措和成效", "measures"),
        ("主要做法和具体措施", "measures"),
        ("存在问题", "problems"),
        ("存在的不足和原因", "problems"),
        ("2024年度推进法治政府建设存在的不足、原因和问题整改情况", "problems"),
        ("下一步工作措施", "next_steps"),  # 措施 is a measures word; 下一步 wins
        ("下步工作打算", "next_steps"),
        ("下一年度推进法治政府建设的初步安排", "next_steps"),
        ("存在問題", "problems"),  # traditional script
        ("聚焦突出问题，推进专项整治", None),  # work done, although it says 问题
        ("依法行政，高效推动矛盾纠纷化解", None),
    ],
)
def test_classifies_top_level_titles(title, key):
    assert classify_top_level_title(title) == key


def test_a_later_year_in_the_title_means_plans():
    assert classify_top_level_title("2024年度主要工作安排", report_year=2023) == "next_steps"
    assert classify_top_level_title("2024年度法治宣传成效", report_year=2024) == "measures"


def test_unnamed_sections_are_measures_before_problems_and_other_after():
    titles = ["全面履行法治建设第一责任人职责", "依法行政，高效推动矛盾纠纷化解", "存在问题", "下一步工作措施", "附件说明"]
    assert assign_top_level_types(titles) == ["responsibility", "measures", "problems", "next_steps", "other"]


def test_every_key_has_a_chinese_label():
    assert set(SECTION_LABELS) == {"overview", "guiding_principles", "responsibility", "measures", "problems", "next_steps", "other"}

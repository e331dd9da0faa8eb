"""Pages whose line breaks were collapsed into spaces: detected and broken again at heading marks."""
import pytest

from indexer.parse.headings import find_headings
from indexer.parse.normalize import normalize_text

# Filler sentences: long enough that the page is one very long line, as a collapsed page is.
_PARAGRAPH = "全年召开专题会议研究法治工作4次，审查合同25份，开展法治宣传活动30余场，群众法治意识明显提升。"


def outline(raw: str) -> list[tuple[int, str]]:
    text = normalize_text(raw)
    return [(heading.level, heading.number + heading.title) for heading in find_headings(text, 0, len(text))]


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Line breaks became spaces: headings after a space, after 如下： and a space, or after a sentence end.
        (
            "岚溪街道2024年法治政府建设情况报告 2024年，岚溪街道坚持依法行政，现报告如下： 一、主要举措和成效 (一)加强组织领导。"
            + _PARAGRAPH * 2 + " (二)规范行政决策。" + _PARAGRAPH * 2 + " 二、存在的不足 " + _PARAGRAPH
            + " 三、下一步工作打算 (一)持续加强学法用法。" + _PARAGRAPH,
            [(1, "一、主要举措和成效"), (2, "(一)加强组织领导"), (2, "(二)规范行政决策"), (1, "二、存在的不足"),
             (1, "三、下一步工作打算"), (2, "(一)持续加强学法用法")],
        ),
        # No spaces at all: marks of two kinds right after sentence ends still show an outline.
        (
            "2024年，晴川镇坚持依法行政。" + _PARAGRAPH + "一、主要举措和成效。(一)加强组织领导。" + _PARAGRAPH * 2
            + "(二)规范行政决策。" + _PARAGRAPH * 2 + "二、存在的不足。" + _PARAGRAPH * 2,
            [(1, "一、主要举措和成效"), (2, "(一)加强组织领导"), (2, "(二)规范行政决策"), (1, "二、存在的不足")],
        ),
        # A space that stood for a line break inside a wrapped sentence is mended by the line joining.
        (
            "一、主要举措和成效 (一)加强组织领导。街道党工委书记认真履行推进法治建设第一责任人职责，把法治建设纳入 年度工作要点。"
            + _PARAGRAPH * 3 + " (二)规范行政决策。" + _PARAGRAPH * 2 + " 二、存在的不足 " + _PARAGRAPH,
            [(1, "一、主要举措和成效"), (2, "(一)加强组织领导"), (2, "(二)规范行政决策"), (1, "二、存在的不足")],
        ),
    ],
)
def test_collapsed_page_is_broken_again_at_its_headings(raw, expected):
    assert outline(raw) == expected


def test_mended_sentence_in_a_collapsed_page_is_one_line():
    raw = ("一、主要举措和成效 (一)加强组织领导。党工委书记认真履行第一责任人职责，把法治建设纳入 年度工作要点。"
           + _PARAGRAPH * 3 + " (二)规范行政决策。" + _PARAGRAPH * 2 + " 二、存在的不足 " + _PARAGRAPH)
    assert "把法治建设纳入年度工作要点。" in normalize_text(raw)


@pytest.mark.parametrize(
    "raw",
    [
        # An enumeration run into one paragraph after a colon: one kind of mark, no spaces.
        "2024年，晴川镇坚持依法行政。存在的问题主要有四点：一、学法不够深入。" + _PARAGRAPH + "二、队伍力量薄弱。"
        + _PARAGRAPH + "三、宣传形式单一。" + _PARAGRAPH + "四、考核机制不全。" + _PARAGRAPH * 2,
        # A normal page: headings on their own short lines, one long paragraph with 一、 inside a sentence.
        "一、主要举措和成效\n(一)加强组织领导。" + _PARAGRAPH * 6 + "主要有三点：一、学法，二、用法，三、守法。\n"
        "(二)规范行政决策。" + _PARAGRAPH + "\n二、存在的不足\n" + _PARAGRAPH,
    ],
)
def test_ordinary_text_is_not_taken_for_a_collapsed_page(raw):
    lines = [line for line in raw.split("\n") if line]
    assert normalize_text(raw).split("\n") == lines

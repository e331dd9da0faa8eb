"""Heading recognition and per-document level inference, on literal texts."""
import pytest

from indexer.parse.headings import find_heading_candidate, find_headings, parse_numeral
from indexer.parse.normalize import normalize_text


def outline(text: str) -> list[tuple[int, str, str]]:
    """(level, number, title) of every heading of a literal report body."""
    text = normalize_text(text)
    return [(heading.level, heading.number, heading.title) for heading in find_headings(text, 0, len(text))]


def candidate(line: str):
    return find_heading_candidate(line, 0, len(line))


@pytest.mark.parametrize(
    "numeral, value",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("12", 12), ("①", 1), ("⑶", 3), ("㈣", 4)],
)
def test_parses_chinese_arabic_and_enclosed_numerals(numeral, value):
    assert parse_numeral(numeral) == value


@pytest.mark.parametrize(
    "line, style, number, title",
    [
        ("一、主要举措和成效", "cn-dun", "一、", "主要举措和成效"),
        ("一、 主要举措和成效", "cn-dun", "一、", "主要举措和成效"),
        ("（一）思想高度重视", "cn-paren", "（一）", "思想高度重视"),
        # half-width brackets are the same style as full-width ones
        ("(一)思想高度重视", "cn-paren", "(一)", "思想高度重视"),
        ("(一) 思想高度重视", "cn-paren", "(一)", "思想高度重视"),
        ("一)思想高度重视", "cn-rparen", "一)", "思想高度重视"),
        ("1.依法落实行政决策程序规范。严格遵循法定的程序", "arabic-dot", "1.", "依法落实行政决策程序规范"),
        ("1．依法落实行政决策程序规范", "arabic-dot", "1．", "依法落实行政决策程序规范"),
        ("1、 主要举措和成效", "arabic-dun", "1、", "主要举措和成效"),
        ("1）加强培训", "arabic-rparen", "1）", "加强培训"),
        ("（1） 法治人才队伍建设存在短板", "arabic-paren", "（1）", "法治人才队伍建设存在短板"),
        ("第一部分 总体情况", "part", "第一部分", "总体情况"),
        ("第二章　主要做法", "part", "第二章", "主要做法"),
        ("①完善制度", "circled", "①", "完善制度"),
    ],
)
def test_recognises_every_common_numbering_style(line, style, number, title):
    found = candidate(line)
    assert found is not None
    assert (found.style, found.number, found.title) == (style, number, title)


def test_splits_a_heading_run_into_its_paragraph():
    line = "（一）提高政治站位，强化组织领导。党政主要负责人切实履行推进法治政府建设第一责任人职责。"
    found = candidate(line)
    assert found.title == "提高政治站位，强化组织领导"
    assert line[found.title_end:].startswith("党政主要负责人")


@pytest.mark.parametrize(
    "line",
    [
        "一是加强领导干部带头深入学习贯彻法治思想。",  # 一是 items are body text
        "3.15”国际消费者权益保障日开展宣传。",  # a date, not a mark
        "6.26禁毒日等重要时间节点开展法治宣传活动。",
        "2、3月份开展集中宣传。",
        "十分重视法治建设。",
        "1.2024年，全镇通过政务网站主动公开信息585条，完成12345热线及人民网等留言咨询1335件，办结率百分之百。",
    ],
)
def test_does_not_take_body_lines_for_headings(line):
    assert candidate(line) is None


def test_infers_levels_from_nesting_order():
    text = "一、甲\n（一）乙\n正文。\n1.丙\n正文。\n2.丁\n正文。\n（二）戊\n正文。\n二、己\n（一）庚\n正文。\n"
    assert outline(text) == [
        (1, "一、", "甲"),
        (2, "（一）", "乙"),
        (3, "1.", "丙"),
        (3, "2.", "丁"),
        (2, "（二）", "戊"),
        (1, "二、", "己"),
        (2, "（一）", "庚"),
    ]


def test_arabic_list_artifact_standing_for_top_level_is_a_sibling():
    # 「2、 」 where 二、 belongs (Word list numbering pasted as text), as in the Pengshui report.
    text = "一、指导思想\n正文。\n2、 主要做法\n（一）甲\n正文。\n三、存在的不足\n正文。\n"
    assert outline(text) == [(1, "一、", "指导思想"), (1, "2、", "主要做法"), (2, "（一）", "甲"), (1, "三、", "存在的不足")]


def test_paren_artifact_continuing_chinese_numbers_is_a_sibling():
    text = "一、做法\n（一）甲\n正文。\n（二）乙\n正文。\n（三）丙\n正文。\n（四）丁\n正文。\n（5） 戊\n正文。\n二、不足\n正文。\n"
    levels = [(level, number) for level, number, _ in outline(text)]
    assert levels[5] == (2, "（5）")
    assert levels[6] == (1, "二、")


def test_arabic_top_level_numbering_throughout():
    # 1、 2、 3、 as top level with （一） and then （1） below, as in the Duanyuan report.
    text = "1、 举措\n（一）甲\n正文。\n1.子\n正文。\n2、 不足\n（1） 乙\n正文。\n3、 建议\n（1） 丙\n正文。\n"
    assert outline(text) == [
        (1, "1、", "举措"),
        (2, "（一）", "甲"),
        (3, "1.", "子"),
        (1, "2、", "不足"),
        (2, "（1）", "乙"),
        (1, "3、", "建议"),
        (2, "（1）", "丙"),
    ]


def test_numbering_restarting_under_each_parent():
    text = "一、甲\n（一）a\n正文。\n（二）b\n正文。\n二、乙\n（一）c\n正文。\n（二）d\n正文。\n"
    assert [level for level, _, _ in outline(text)] == [1, 2, 2, 1, 2, 2]


def test_repeated_top_level_number_stays_top_level():
    text = "一、甲\n（一）a\n正文。\n一、乙\n正文。\n二、丙\n正文。\n"
    assert [level for level, _, _ in outline(text)] == [1, 2, 1, 1]


def test_first_part_style_heads_the_hierarchy():
    text = "第一部分 总体情况\n一、甲\n正文。\n二、乙\n正文。\n第二部分 存在问题\n一、丙\n正文。\n"
    assert [(level, number) for level, number, _ in outline(text)] == [
        (1, "第一部分"), (2, "一、"), (2, "二、"), (1, "第二部分"), (2, "一、"),
    ]


def test_stray_numbered_line_in_running_text_is_not_a_heading():
    text = "一、甲\n正文。\n3、 再如某项工作\n正文。\n二、乙\n正文。\n"
    assert [number for _, number, _ in outline(text)] == ["一、", "二、"]


def test_traditional_and_full_width_headings_are_recognised():
    text = "一、主要舉措和成效\n（一）堅持思想引領\n正文。\n(二)加強組織領導\n正文。\n二、存在問題\n正文。\n"
    assert [(level, title) for level, _, title in outline(text)] == [
        (1, "主要舉措和成效"), (2, "堅持思想引領"), (2, "加強組織領導"), (1, "存在問題"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # 「二)」 lost its opening bracket: still a sibling of 「(一)」.
        ("一、甲\n（一）乙\n正文。\n二）纵深推进依法行政\n正文。\n二、丙\n",
         [(1, "一、", "甲"), (2, "（一）", "乙"), (2, "二）", "纵深推进依法行政"), (1, "二、", "丙")]),
        # Arabic too: 「2）」 after 「(1)」.
        ("一、甲\n(1)乙\n正文。\n2）丁\n正文。\n",
         [(1, "一、", "甲"), (2, "(1)", "乙"), (2, "2）", "丁")]),
        # 「)」 lost its number between two proper siblings; the next one still continues the count.
        ("一、甲\n（一）乙\n正文。\n）落实政务公开，优化决策流程\n正文。\n（三）丙\n正文。\n",
         [(1, "一、", "甲"), (2, "（一）", "乙"), (2, "）", "落实政务公开，优化决策流程"), (2, "（三）", "丙")]),
        # Masked digits 「*.」 in a sequence of two: a level of their own under 一、.
        ("一、甲\n*.加强组织领导。正文。\n*.深化理论武装。正文。\n二、乙\n",
         [(1, "一、", "甲"), (2, "*.", "加强组织领导"), (2, "*.", "深化理论武装"), (1, "二、", "乙")]),
        # A masked mark after 「1.」 continues that level.
        ("一、甲\n1.丙\n正文。\n*.加强组织领导。正文。\n",
         [(1, "一、", "甲"), (2, "1.", "丙"), (2, "*.", "加强组织领导")]),
    ],
)
def test_heading_with_a_lost_or_masked_number_is_a_sibling_in_its_sequence(text, expected):
    assert outline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A lone 「*.」 with no sibling sequence is not taken for a heading.
        "一、甲\n*.加强组织领导。正文。\n二、乙\n",
        # A line opening with 「)」 where no bracketed level is open (the tail of a broken bracket).
        "一、甲\n正文。\n）等文件要求，全面落实\n二、乙\n",
    ],
)
def test_lost_number_without_siblings_is_not_a_heading(text):
    assert [number for _, number, _ in outline(text)] == ["一、", "二、"]


_LONG_SENTENCE = "贯彻落实《关于建立立法意见征集工作机制》文件要求，通过召开座谈会、微信群意见征集等方式" * 4 + "开展了立法意见征集。"


@pytest.mark.parametrize(
    "text, expected",
    [
        # A (一) whose first sentence runs long is a heading when (二) follows as a proper heading.
        ("一、甲\n（一）" + _LONG_SENTENCE + "\n（二）加强规范性文件备案审查。正文。\n",
         ["一、", "（一）", "（二）"]),
        # Without a sibling that continues its number it stays a numbered paragraph.
        ("一、甲\n（一）" + _LONG_SENTENCE + "\n二、乙\n", ["一、", "二、"]),
        # Two long ones in a row confirm nothing: numbered paragraphs, not headings.
        ("一、甲\n（一）" + _LONG_SENTENCE + "\n（二）" + _LONG_SENTENCE + "\n二、乙\n", ["一、", "二、"]),
    ],
)
def test_long_first_sentence_is_a_heading_only_when_a_sibling_confirms_it(text, expected):
    assert [number for _, number, _ in outline(text)] == expected

"""Sub-items: 一是/二是 lines with a short lead sentence, and parallel lead sentences (issue 12, class 3)."""
import pytest

from indexer.pipeline import parse_text

OPENING = "关于2024年法治政府建设情况的报告\n2024年，我镇坚持依法行政。\n"


def outline(report):
    rows = []

    def walk(sections):
        for section in sections:
            rows.append((section.level, section.number, section.title))
            walk(section.children)

    walk(report.sections)
    return rows


@pytest.mark.parametrize(
    "lines, items",
    [
        # two line-initial 一是/二是 with short lead sentences: both are items
        (["一是加强组织领导。严格落实第一责任人职责，全年专题研究4次。", "二是强化体系建设。修订完善制度12项。"],
         [("一是", "加强组织领导"), ("二是", "强化体系建设")]),
        # a comma inside the lead sentence is allowed; a colon after 是 is not part of the title
        (["一是：多措并举，强化学法。组织学法8次。", "二是：以案释法，深化普法。开展宣传12场。", "三是规范执法。办结案件3件。"],
         [("一是", "多措并举，强化学法"), ("二是", "以案释法，深化普法"), ("三是", "规范执法")]),
        # unnumbered paragraphs opening with parallel lead sentences
        (["完善学法制度。镇党委会前学法12次。", "深化普法宣传。开展“法律八进”活动20场。", "规范执法行为。落实执法三项制度。"],
         [("", "完善学法制度"), ("", "深化普法宣传"), ("", "规范执法行为")]),
    ],
)
def test_lead_sentence_lines_become_items_under_their_heading(lines, items):
    report = parse_text(OPENING + "一、主要举措\n" + "\n".join(lines) + "\n二、存在的不足\n基层力量薄弱。\n", "items")
    rows = outline(report)
    assert rows[0] == (1, "一、", "主要举措")
    assert rows[1:1 + len(items)] == [(2, number, title) for number, title in items]
    item_passages = [passage for passage in report.passages if passage.heading_path[-1:] == (items[0][1],)]
    assert item_passages and item_passages[0].heading_path == ("主要举措", items[0][1])
    # the heading above, with no text of its own, joins its first item's passage
    assert item_passages[0].text.endswith(lines[0] + "\n")


@pytest.mark.parametrize(
    "lines",
    [
        # 一是/二是 inside one paragraph stay body text
        ["问题主要表现在：一是学法不够深入。二是执法不够规范。"],
        # a single line-initial 一是 whose 二是 follows inside the same paragraph
        ["一是加强组织领导。严格落实责任。二是强化体系建设。修订制度。"],
        # first sentences that run long or on with ；
        ["一是坚持把法治政府建设摆在全局工作的突出位置并纳入年度目标责任考核体系统筹推进落实。全年研究4次。",
         "二是强化体系建设；修订完善制度。全年修订12项。"],
        # paragraphs whose first sentences are not parallel (one short, one long) are not items
        ["成效明显。", "我镇坚持把法治政府建设摆在突出位置，纳入年度目标考核。全年专题研究4次，解决问题6个。"],
    ],
)
def test_body_text_that_only_looks_like_items_stays_body(lines):
    report = parse_text(OPENING + "一、主要举措\n" + "\n".join(lines) + "\n二、存在的不足\n基层力量薄弱。\n", "body")
    assert outline(report) == [(1, "一、", "主要举措"), (1, "二、", "存在的不足")]


def test_items_sit_one_level_below_the_deepest_heading_above_them():
    text = OPENING + ("一、主要举措\n（一）强化组织保障\n一是加强组织领导。落实责任。\n二是强化体系建设。修订制度。\n"
                      "（二）规范行政执法\n全年开展检查12次。\n")
    assert outline(parse_text(text, "deep")) == [
        (1, "一、", "主要举措"),
        (2, "（一）", "强化组织保障"),
        (3, "一是", "加强组织领导"),
        (3, "二是", "强化体系建设"),
        (2, "（二）", "规范行政执法"),
    ]

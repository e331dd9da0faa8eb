"""Passages tile the body, keep heading paths, and cut long sections at paragraph boundaries."""
from indexer.parse.headings import find_headings
from indexer.parse.normalize import normalize_text
from indexer.parse.passages import (
    MAX_PASSAGE_CHARS,
    MIN_PASSAGE_CHARS,
    build_passages,
    build_sections,
)
from indexer.parse.section_types import assign_top_level_types


def passages_of(raw: str, report_id: str = "r1"):
    text = normalize_text(raw)
    headings = find_headings(text, 0, len(text))
    types = assign_top_level_types([h.title for h in headings if h.level == 1])
    return text, build_passages(report_id, text, headings, 0, len(text), types)


REPORT = (
    "2024年以来，我镇坚持依法行政。\n"
    "一、主要举措和成效\n（一）加强组织领导\n成立领导小组。\n（二）加强宣传\n开展普法宣传。\n"
    "二、存在问题\n普法形式单一。\n"
    "三、下一步工作打算\n加强培训。"
)


def test_passages_tile_the_body_without_loss_or_overlap():
    text, passages = passages_of(REPORT)
    assert "".join(passage.text for passage in passages) == text
    for before, after in zip(passages, passages[1:]):
        assert before.end == after.start
    assert all(text[p.start:p.end] == p.text for p in passages)


def test_preamble_is_an_overview_passage_and_leaves_carry_heading_paths():
    _, passages = passages_of(REPORT)
    assert [(p.heading_path, p.section_type) for p in passages] == [
        ((), "overview"),
        (("主要举措和成效", "加强组织领导"), "measures"),
        (("主要举措和成效", "加强宣传"), "measures"),
        (("存在问题",), "problems"),
        (("下一步工作打算",), "next_steps"),
    ]


def test_parent_heading_without_text_joins_first_child_passage():
    _, passages = passages_of(REPORT)
    assert passages[1].text.startswith("一、主要举措和成效\n（一）加强组织领导")


def test_parent_intro_text_is_its_own_passage():
    _, passages = passages_of("一、主要举措\n总体上，我镇做了三件事。\n（一）甲\n正文。\n（二）乙\n正文。")
    assert [p.heading_path for p in passages] == [("主要举措",), ("主要举措", "甲"), ("主要举措", "乙")]


def test_passage_ids_are_url_safe_and_stable():
    _, first = passages_of(REPORT, "anhui-duji-duanyuan-2024")
    _, second = passages_of(REPORT, "anhui-duji-duanyuan-2024")
    assert [p.passage_id for p in first] == [p.passage_id for p in second]
    assert all(p.passage_id.replace("-", "").isalnum() and p.passage_id.isascii() for p in first)
    assert len({p.passage_id for p in first}) == len(first)


def test_long_section_is_cut_at_paragraph_boundaries_keeping_its_heading_path():
    paragraph = "我镇深入开展法治宣传教育，组织法律明白人培训，推动矛盾纠纷多元化解。" * 6  # ~200 chars
    raw = "一、主要举措\n" + "\n".join(paragraph for _ in range(20)) + "\n二、存在问题\n普法形式单一。"
    text, passages = passages_of(raw)
    long_ones = [p for p in passages if p.heading_path == ("主要举措",)]
    assert len(long_ones) >= 3
    for passage in long_ones:
        assert MIN_PASSAGE_CHARS <= len(passage.text) <= MAX_PASSAGE_CHARS
        assert passage.start == 0 or text[passage.start - 1] == "\n"
    assert "".join(p.text for p in passages) == text


def test_a_huge_paragraph_is_cut_at_sentence_ends():
    raw = "一、主要举措\n" + "我镇坚持依法行政，规范执法程序。" * 300
    text, passages = passages_of(raw)
    assert len(passages) > 1
    assert all(p.text.endswith("。") for p in passages[:-1])
    assert "".join(p.text for p in passages) == text


def test_report_without_headings_is_split_at_paragraphs():
    raw = "\n".join("我镇坚持依法行政，开展普法宣传活动，推动基层治理法治化，取得明显成效。" * 5 for _ in range(12))
    text, passages = passages_of(raw)
    assert len(passages) > 1
    assert all(p.heading_path == () for p in passages)
    assert "".join(p.text for p in passages) == text


def test_sections_tree_nests_and_children_inherit_type():
    text = normalize_text(REPORT)
    headings = find_headings(text, 0, len(text))
    types = assign_top_level_types([h.title for h in headings if h.level == 1])
    sections = build_sections(headings, len(text), types)
    assert [(s.title, s.section_type, len(s.children)) for s in sections] == [
        ("主要举措和成效", "measures", 2),
        ("存在问题", "problems", 0),
        ("下一步工作打算", "next_steps", 0),
    ]
    assert {child.section_type for child in sections[0].children} == {"measures"}
    assert text[sections[0].start:].startswith("一、主要举措和成效")

"""Normalisation and the title block / signature frame, on literal texts."""
import pytest
from bundled import bundled_corpus

from indexer.parse.frame import find_frame, find_report_year, parse_date
from indexer.parse.normalize import fold_for_matching, normalize_text


def test_drops_bookmark_debris_and_blank_lines():
    raw = "一、甲\n\n[bookmark: _GoBack]整合各类调解资源。\n\n\n二、乙\r\n正文。"
    assert normalize_text(raw) == "一、甲\n整合各类调解资源。\n二、乙\n正文。"


def test_joins_a_line_broken_mid_sentence():
    raw = "根据实际工作需要，组织镇干部开展“每周四理论学习”\n24次，集中学习与工作相关的法律法规8次。"
    assert normalize_text(raw) == "根据实际工作需要，组织镇干部开展“每周四理论学习”24次，集中学习与工作相关的法律法规8次。"


@pytest.mark.parametrize(
    "raw",
    [
        "二、2024年度推进法治政府建设的主要举措和成效\n坚持政务公开，将依法行政的相关制度及时公开。",  # heading, then its paragraph
        "中共淮北市段园镇委员会 淮北市段园镇人民政府\n关于2024年法治政府建设情况的报告",  # issuer, then title
        "全年共开展党政领导班子学法6次，专题研讨2次。\n（二）加强组织领导",  # a finished sentence
        "规范发布、及时更新机构信息、政策解读、统计数据等信息\n1.强化治安防控体系建设。",  # next line is a heading
    ],
)
def test_keeps_lines_that_are_not_broken_sentences(raw):
    assert normalize_text(raw) == raw


def test_fold_keeps_length_and_unifies_width_and_script():
    text = "（一）關於ＡＢＣ　２０２４"
    folded = fold_for_matching(text)
    assert len(folded) == len(text)
    assert folded == "(一)关于abc 2024"


@pytest.mark.parametrize(
    "text, iso",
    [("2025年2月11日", "2025-02-11"), ("二〇二五年二月十一日", "2025-02-11"), ("2024年12月30日", "2024-12-30"), ("2024年13月1日", "")],
)
def test_parses_written_dates(text, iso):
    assert parse_date(text) == iso


def test_frame_separates_issuer_title_addressee_and_signature():
    text = normalize_text(
        "中共淮北市段园镇委员会 淮北市段园镇人民政府\n关于2024年法治政府建设情况的报告\n\n杜集区委、区政府：\n"
        "2024年，段园镇始终坚持依法行政。\n一、主要举措\n正文。\n\n\n"
        "中共淮北市段园镇委员会  淮北市段园镇人民政府    \n2025年2月11日               \n"
    )
    frame = find_frame(text)
    assert frame.title == "关于2024年法治政府建设情况的报告"
    assert frame.issuer == "中共淮北市段园镇委员会 淮北市段园镇人民政府"
    assert frame.addressee == "杜集区委、区政府"
    assert frame.date == "2025-02-11"
    assert text[frame.body_start:frame.body_end] == "2024年，段园镇始终坚持依法行政。\n一、主要举措\n正文。"


def test_title_written_over_two_lines_is_joined():
    text = normalize_text("关于2024年度法治政府建设\n情况的报告\n2024年以来，我镇坚持依法行政。\n一、主要举措\n正文。")
    frame = find_frame(text)
    assert frame.title == "关于2024年度法治政府建设情况的报告"
    assert text[frame.body_start:].startswith("2024年以来")


def test_report_without_title_keeps_all_text_in_the_body():
    text = normalize_text("2024年以来，思礼镇全面深入贯彻习近平法治思想。\n一、全面履行职责\n正文。")
    frame = find_frame(text)
    assert frame.title == ""
    assert frame.body_start == 0
    assert frame.body_end == len(text)


def test_report_starting_with_a_heading_has_an_empty_header():
    text = normalize_text("一、主要举措和成效\n正文。\n二、存在问题\n正文。")
    frame = find_frame(text)
    assert (frame.title, frame.body_start) == ("", 0)


def test_date_under_the_title_is_metadata():
    text = normalize_text("某镇2023年法治政府建设工作报告\n（2024年1月15日）\n2023年，我镇坚持依法行政。\n一、举措\n正文。")
    frame = find_frame(text)
    assert frame.date == "2024-01-15"
    assert text[frame.body_start:].startswith("2023年，")


def test_year_comes_from_title_not_signing_date():
    assert find_report_year("关于2024年法治政府建设情况的报告", "", "2025-02-11") == (2024, "")


def test_year_falls_back_to_opening_lines_then_signing_date():
    assert find_report_year("法治政府建设情况报告", "2023年以来，我镇…", "2024-01-05")[0] == 2023
    year, warning = find_report_year("法治政府建设情况报告", "我镇坚持依法行政。", "2025-02-11")
    assert year == 2024
    assert "signing date" in warning


def test_traditional_title_gives_year():
    text = normalize_text("關於2024年法治政府建設情況的報告\n2024年以來，我鎮堅持依法行政。\n一、主要舉措\n正文。")
    frame = find_frame(text)
    assert frame.title == "關於2024年法治政府建設情況的報告"
    assert find_report_year(frame.title, "", "")[0] == 2024


def test_lines_cut_at_the_page_margin_are_joined_even_without_commas():
    # A PDF laid out 28 characters wide cuts 「…思想和党」 inside a phrase with no comma in the line.
    paragraph = "全镇上下深入学习贯彻习近平新时代中国特色社会主义思想和党的二十届三中全会精神，坚持把法治政府建设摆在突出位置，推动各项工作落到实处。"
    other = "我镇认真贯彻落实政府信息公开条例和上级关于政务公开工作的部署，及时更新机构信息、政策解读、统计数据等信息内容。"
    wrapped = [text[i:i + 28] for text in (paragraph, other, paragraph) for i in range(0, len(text), 28)]
    assert normalize_text("\n".join(["一、主要举措和成效"] + wrapped)) == "\n".join(["一、主要举措和成效", paragraph, other, paragraph])


def test_one_paragraph_per_line_text_has_no_wrap_width():
    from indexer.parse.normalize import detect_wrap_width

    corpus_file = bundled_corpus() / "henan-lushan-wawu-2024.txt"
    assert detect_wrap_width(corpus_file.read_text(encoding="utf-8").split("\n")) is None


@pytest.mark.parametrize(
    "raw, issuer",
    [
        # No title, no metadata: the opening names the organ that reports.
        ("2025年,岚溪街道办事处深入学习贯彻习近平法治思想,扎实推进依法行政。\n一、总体情况\n正文。", "岚溪街道办事处"),
        # After a comma, in a long opening under a title.
        ("晴川镇2023年法治政府建设年度报告\n2023年,在县委的领导下,晴川镇人民政府坚持依法行政。现将情况报告如下:\n一、主要举措\n正文。",
         "晴川镇人民政府"),
        # After 现将: the verb is not part of the organ's name.
        ("晴川镇2023年法治政府建设年度报告\n2023年以来,晴川镇坚持依法行政。现将晴川镇人民政府2023年工作汇报如下:\n一、主要举措\n正文。",
         "晴川镇人民政府"),
        # A phrase ending in 街道办事处 is no organ's name.
        ("2022年,我们不断规范街道办事处的执法行为,推进依法行政。\n一、主要举措\n正文。", ""),
        # The title's own issuer beats the shorter organ line a portal prints under it as 来源.
        ("滑县晴川镇人民政府关于2025年法治政府建设情况的报告\n来源:\n晴川镇人民政府\n2025年,晴川镇坚持依法行政。\n一、主要举措\n正文。",
         "滑县晴川镇人民政府"),
    ],
)
def test_issuer_comes_from_the_title_then_header_then_the_reporting_organ_in_the_opening(raw, issuer):
    assert find_frame(normalize_text(raw)).issuer == issuer

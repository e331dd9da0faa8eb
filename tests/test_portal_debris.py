"""Text copied from a government portal: its navigation and metadata lines are not the report (issue 12, class 1).

The pages here are written for the tests in the shapes real county portals show; the names are invented or
common ones, the layout is the portals'.
"""
import pytest

from indexer.parse.frame import find_frame, find_report_year
from indexer.parse.normalize import detect_wrap_width, normalize_text
from indexer.parse.portal import is_debris_line, read_fields
from indexer.pipeline import parse_text

BODY = (
    "2024年，青石镇在县委、县政府的坚强领导下，深入学习贯彻习近平法治思想，全面推进依法行政。现将有关情况报告如下：\n"
    "一、主要举措和成效\n"
    "（一）加强组织领导。镇党委定期研究法治政府建设工作，落实第一责任人职责。\n"
    "（二）规范行政执法。严格执行行政执法三项制度，全年开展执法检查12次。\n"
    "二、存在的不足\n"
    "基层法治力量仍然薄弱。\n"
)


@pytest.mark.parametrize(
    "line",
    [
        "首页 | 无障碍 | 繁体 | 网站地图",  # site furniture
        "您当前所在位置：首页 > 政务公开 > 法治政府建设报告 > 乡镇街道",  # breadcrumb
        "[ 索引号 ] 11500230MB1234567X/2025-00012 [ 发文字号 ]",  # bracketed fields, two on a line
        "- 索 引 号:370481/2026-00251",  # dashed list, spaced label, ASCII colon
        "发布机构屏边县青石乡人民政府",  # label glued to its value
        "时效性有效",
        "| 生成日期 | 2026-01-30 09:03:18 | 是否有效 |",  # a metadata table row
        "字号：大 中 小 　 打印本页 　 关闭窗口 　 浏览次数：132",
        "發布時間:2025-04-11 16:33 信息來源:辰溪縣青石鄉",  # traditional script
        "来源：　发布日期：2021-03-30　点击数：",
        "青府〔2025〕26号",  # a document number standing alone
        "2026-03-04",  # a date under its label on the line before
        "|",
    ],
)
def test_portal_lines_are_debris(line):
    assert is_debris_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "时间紧、任务重，我镇坚持依法行政，全面完成年度任务。",  # starts like a label, is a sentence
        "来源于群众的意见建议全部办结。",
        "一、主要举措和成效",
        "青石镇2024年法治政府建设情况报告",
        "县委全面依法治县委员会办公室：",
        "（三）推进无障碍环境建设",  # a heading holding a navigation word
        "2.落实政务公开，时间节点清晰",
    ],
)
def test_report_lines_are_not_debris(line):
    assert not is_debris_line(line)


PORTAL_PAGE = (
    "您当前所在位置:首页>政务公开>法治政府建设报告>乡镇街道\n\n"
    "[ 索引号 ] 11500230008689762A/2026-00004 [ 发文字号 ]\n"
    "[ 发布机构 ] 丰都县青石乡人民政府 [ 有效性 ]\n"
    "[ 成文日期 ] 2026-01-22 [ 发布日期 ] 2026-02-10\n"
    "[ 索引号 ] 11500230008689762A/2026-00004\n"  # the same block printed twice
    "[ 发布机构 ] 丰都县青石乡人民政府\n"
    "[ 成文日期 ] 2026-01-22\n\n"
    "青石乡2025年法治政府建设情况报告\n\n"
) + BODY.replace("2024年，青石镇", "2025年，青石乡")


def test_portal_page_gives_title_issuer_date_and_a_clean_first_passage():
    report = parse_text(PORTAL_PAGE, "qingshi")
    assert report.title == "青石乡2025年法治政府建设情况报告"
    assert report.issuer == "丰都县青石乡人民政府"
    assert report.date == "2026-01-22"  # 成文日期, not 发布日期
    assert report.year == 2025
    assert report.township != "乡镇街道"
    first = report.passages[0].text
    assert "索引号" not in first and "当前位置" not in first and first.startswith("2025年")


@pytest.mark.parametrize(
    "page, title, date",
    [
        # a title on the first line followed by a 来源/发布日期/点击数 line stays the title
        ("青石镇2024年法治政府建设情况报告\n来源：　发布日期：2025-03-30　点击数：\n", "青石镇2024年法治政府建设情况报告", "2025-03-30"),
        # the title printed again under the metadata line is not body text
        ("青石镇2024年法治政府建设情况报告\n时间:2025-02-28 15:36 浏览量:1\n青石镇2024年法治政府建设情况报告\n",
         "青石镇2024年法治政府建设情况报告", "2025-02-28"),
        # a title run into the metadata field after it is split off
        ("青石鎮2024年法治政府建設情況報告發布時間:2025-04-11 16:33 信息來源:青石鎮\n",
         "青石鎮2024年法治政府建設情況報告", "2025-04-11"),
        # a stray line of site debris above the title is not part of it
        ("环球资讯\n关于2024年度青石镇法治政府建设\n情况的报告\n", "关于2024年度青石镇法治政府建设情况的报告", ""),
        # a lone document number is not a title; the year still comes from the opening
        ("青府〔2025〕26号\n", "", ""),
        # the label on one line, its value on the next
        ("关于2024年青石镇法治政府建设情况的报告\n发布时间:\n2025-03-04\n作者:\n", "关于2024年青石镇法治政府建设情况的报告", "2025-03-04"),
    ],
)
def test_title_and_date_survive_portal_lines(page, title, date):
    report = parse_text(page + BODY, "page")
    assert (report.title, report.date, report.year) == (title, date, 2024)
    assert report.passages[0].text.startswith("2024年")


def test_title_run_into_the_addressee_is_split_off():
    page = "青石乡2024年法治政府建设工作情况报告县委全面依法治县委员会办公室:\n" + BODY
    frame = find_frame(normalize_text(page))
    assert frame.title == "青石乡2024年法治政府建设工作情况报告"
    assert frame.addressee == "县委全面依法治县委员会办公室"


@pytest.mark.parametrize(
    "opening, year",
    [
        # a cited document's period is not the year reported on
        ("根据《全面深化法治领域改革纲要（2023—2027年）》要求，2023年，青石街道全面推进法治建设。", 2023),
        ("贯彻《法治政府建设实施纲要(2021-2025年)》，街道各项工作法治化水平进一步提升。现将2022年工作情况报告如下：", 2022),
        # the year named only in the sentence closing a long opening paragraph
        ("为全面推进依法行政，" + "街道坚持依法履行法定职责，" * 20 + "现就2022年法治政府建设工作开展情况报告如下。", 2022),
    ],
)
def test_year_comes_from_the_report_not_from_cited_documents(opening, year):
    assert find_report_year("", opening, "")[0] == year


def test_portal_publication_date_never_gives_the_year():
    page = "发布日期:2026-01-19 11:09:04 大 中 小\n法治政府建设情况报告\n我镇坚持依法行政。\n一、主要做法\n正文。\n"
    report = parse_text(page, "no-year")
    assert report.year is None
    assert report.date == "2026-01-19"


def test_metadata_fields_give_issuer_and_dates():
    fields = read_fields(["- 备注/文号: 青委〔2025〕5号", "- 发布机构: 青石镇人民政府", "- 公文生成日期: 2025-02-07"])
    assert (fields.issuer, fields.written_date) == ("青石镇人民政府", "2025-02-07")
    # a 来源 that is not a township body (the county's justice office) is no issuer
    assert read_fields(["来源:青石县司法局 发布时间:2026-02-09 10:20"]).issuer == ""


def test_metadata_lines_are_never_joined_to_their_neighbours():
    page = "发布日期:2026-01-19 11:09:04 大 中 小\n中共青石镇委员会\n青石镇人民政府\n关于2025年法治政府建设情况的报告\n"
    text = normalize_text(page)
    assert text.split("\n")[0] == "发布日期:2026-01-19 11:09:04 大 中 小"
    assert find_frame(text).issuer == "中共青石镇委员会 青石镇人民政府"


@pytest.mark.parametrize(
    "lines",
    [
        # a short web text whose headings happen to be of equal width
        ["（一）深入学习贯彻习近平法治思想", "以普法为抓手，开展专题学习4场。", "（二）健全政府机构职能体系",
         "结合信访态势，撰写风险防范参考。", "（三）健全依法行政制度体系", "规范性文件全部备案。"],
        # one paragraph per line, many lines, ending their sentences
        ["全镇上下深入学习贯彻党的二十届三中全会精神，推动各项工作落到实处，取得明显成效。"] * 10,
    ],
)
def test_wrap_width_does_not_fire_on_web_text(lines):
    assert detect_wrap_width(lines) is None


def test_a_heading_is_never_joined_to_the_paragraph_below():
    text = normalize_text("青石镇2025年法治政府建设情况报告\n现将青石镇2025年法治政府建设情况报告如下:\n"
                          "一、主要举措\n（一）深入学习贯彻习近平法治思想\n以普法为抓手，开展专题学习4场，覆盖干部职工1300余人次。\n")
    assert "（一）深入学习贯彻习近平法治思想" in text.split("\n")


def test_saved_portal_page_gives_issuer_and_date_from_its_metadata_block(tmp_path):
    from indexer.pipeline import parse_report

    page = (
        "<html><head><meta charset='utf-8'><title>青石镇2024年法治政府建设年度报告-青石区人民政府</title></head><body>"
        "<div class='crumb'>当前位置：首页 &gt; 政务公开</div>"
        "<table class='xxgk'><tr><td>索引号：</td><td>1144/2025-00012</td><td>发布机构：</td><td>青石镇人民政府</td></tr>"
        "<tr><td>成文日期：</td><td>2025-01-18</td><td>发布日期：</td><td>2025-01-20</td></tr></table>"
        "<h1>青石镇2024年法治政府建设年度报告</h1><div class='article-content'>"
        + "".join(f"<p>{line}</p>" for line in BODY.strip().split("\n"))
        + "</div></body></html>"
    )
    path = tmp_path / "qingshi.html"
    path.write_text(page, encoding="utf-8")
    report = parse_report(path)
    assert (report.title, report.issuer, report.date, report.year) == (
        "青石镇2024年法治政府建设年度报告", "青石镇人民政府", "2025-01-18", 2024)
    assert "发布机构" not in report.text and "当前位置" not in report.text


def test_a_long_parenthesised_heading_is_still_a_heading():
    # 「（一）健全依法行政制度体系，加快推进…，不断提升…。」: a long first sentence after （一） is the heading.
    long_title = "健全依法行政制度体系，加快推进政府治理规范化、程序化、法治化，不断提升行政决策公信力和执行力"
    text = (BODY.split("\n")[0] + "\n一、主要举措\n（一）" + long_title + "。全年修订制度12项。\n"
            "（二）加大普法工作力度。开展宣传20场。\n")
    report = parse_text(text, "long-heading")
    children = report.sections[0].children
    assert [child.title for child in children] == [long_title, "加大普法工作力度"]


def test_inspect_on_a_pasted_portal_page_shows_title_issuer_date_and_a_clean_first_passage(tmp_path, capsys):
    import json

    from indexer.cli import main

    path = tmp_path / "pasted.txt"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    assert main(["inspect", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["title"], data["issuer"], data["date"]) == (
        "青石乡2025年法治政府建设情况报告", "丰都县青石乡人民政府", "2026-01-22")
    assert data["passages"][0]["text"].startswith("2025年，青石乡")


@pytest.mark.parametrize(
    "title, issuer",
    [
        # 发文机关 + 关于 + 事由 + 文种 on one line: the organ is the issuer
        ("滑县青石镇人民政府关于2024年法治政府建设情况的报告", "滑县青石镇人民政府"),
        ("鲤城区人民政府青石街道办事处关于2024年度法治政府建设情况的报告", "鲤城区人民政府青石街道办事处"),
        # a title that opens with the township's name only names no organ
        ("青石镇2024年法治政府建设情况报告", ""),
    ],
)
def test_a_title_opening_with_an_organ_names_the_issuer(title, issuer):
    assert find_frame(normalize_text(title + "\n" + BODY)).issuer == issuer

"""One township report saved the ways reports reach us (.docx, portal .html, .pdf, .txt in three encodings, .md),
each run through `parse_report`: the outline, the metadata and the passages must come out as a reader sees them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import (
    draw_chinese_pdf,
    level,
    numbering,
    paragraph,
    wrap_lines,
    write_docx,
)

from indexer.pipeline import parse_report
from indexer.report import Report

TITLE = "关于2024年法治政府建设情况的报告"
ISSUER = "鲁山县瓦屋镇人民政府"
SIGNING_DATE = "2025年1月15日"
CIVIL_CODE = "中华人民共和国民法典"

# The report body: (level, number, title) for a heading, a plain string for a paragraph.
BODY = [
    "2024年，瓦屋镇在县委、县政府的坚强领导下，深入学习贯彻习近平法治思想，坚持依法行政，法治政府建设取得新成效。"
    "现将有关情况报告如下：",
    (1, "一、", "主要举措和成效"),
    (2, "（一）", "加强法治宣传教育"),
    f"全年开展“法律明白人”培训12场，组织干部群众系统学习《{CIVIL_CODE}》，结合赶集日在瓦屋街道设立普法摊位，"
    "发放宣传资料3000余份，群众学法用法意识明显增强。",
    (2, "（二）", "规范重大行政决策"),
    "严格落实公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序，镇法律顾问全程参与重大事项审查，"
    f"全年审查合同和协议27份，涉及土地承包的纠纷依照《{CIVIL_CODE}》妥善调处。",
    (1, "二、", "存在问题"),
    (2, "（一）", "法治素养有待提高"),
    "部分村干部运用法治思维和法治方式化解矛盾的能力不强，遇到问题习惯于凭经验办事，学法用法的主动性还需增强。",
    (1, "三、", "下一步工作打算"),
    (2, "（一）", "加强法治培训"),
    "把法治培训纳入干部教育培训年度计划，每季度至少组织一次集中学法，推动学法用法常态化、制度化。",
]

EXPECTED_OUTLINE = [
    (1, "一、", "主要举措和成效", "measures"),
    (2, "（一）", "加强法治宣传教育", "measures"),
    (2, "（二）", "规范重大行政决策", "measures"),
    (1, "二、", "存在问题", "problems"),
    (2, "（一）", "法治素养有待提高", "problems"),
    (1, "三、", "下一步工作打算", "next_steps"),
    (2, "（一）", "加强法治培训", "next_steps"),
]
# This sentence is cut across two PDF lines at every width the PDF case uses; it must come out whole.
BROKEN_SENTENCE = "严格落实公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序"


def report_lines() -> list[str]:
    """The report as plain lines, headings numbered in the text: issuer, title, body, signature and date."""
    body = [block if isinstance(block, str) else block[1] + block[2] for block in BODY]
    return [ISSUER, TITLE, *body, ISSUER, SIGNING_DATE]


def outline(report: Report) -> list[tuple[int, str, str, str]]:
    rows = []

    def visit(sections):
        for section in sections:
            rows.append((section.level, section.number, section.title, section.section_type))
            visit(section.children)

    visit(report.sections)
    return rows


def assert_passages_tile_the_body(report: Report) -> None:
    passages = report.passages
    assert passages[0].start == report.body_start
    assert passages[-1].end == report.body_end
    assert "".join(passage.text for passage in passages) == report.text[report.body_start:report.body_end]
    assert all(passage.text == report.text[passage.start:passage.end] for passage in passages)


def assert_metadata_of_the_report(report: Report) -> None:
    assert (report.title, report.year, report.date) == (TITLE, 2024, "2025-01-15")
    assert (report.township, report.county, report.province) == ("瓦屋镇", "鲁山县", "河南省")
    assert report.issuer == ISSUER


# ---------------------------------------------------------------- Word .docx with automatic numbering


def test_docx_headings_numbered_only_by_word_lists_give_the_outline(tmp_path):
    # 一、 and （一） are not in the paragraphs' text: Word draws them from numbering.xml.
    levels = {7: level(0, "chineseCounting", "%1、") + level(1, "chineseCounting", "（%2）")}
    blocks = [paragraph(TITLE), paragraph(ISSUER)]
    for block in BODY:
        if isinstance(block, str):
            blocks.append(paragraph(block))
        else:
            heading_level, number, title = block
            assert number not in title
            blocks.append(paragraph(title, level=heading_level - 1, num_id=3))
    blocks += [paragraph(ISSUER), paragraph(SIGNING_DATE)]
    path = write_docx(tmp_path / "瓦屋镇2024年法治政府建设情况报告.docx", "".join(blocks),
                      numbering(levels, {3: (7, "")}))

    report = parse_report(path, tmp_path)

    assert report.source_format == "docx"
    assert outline(report) == EXPECTED_OUTLINE
    assert_metadata_of_the_report(report)
    assert [law.name for law in report.cited_laws] == [CIVIL_CODE, CIVIL_CODE]
    assert report.passages[1].heading_path == ("主要举措和成效", "加强法治宣传教育")
    assert_passages_tile_the_body(report)
    assert report.warnings == ()


# ---------------------------------------------------------------- a portal page saved as .html

PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312">
<title>{title}_鲁山县人民政府</title>
<script type="text/javascript">var 栏目 = "首页"; document.write("<p>浏览次数统计</p>");</script>
<style>.nav {{ color: #c00 }}</style>
</head>
<body>
<div class="top"><a href="/">网站首页</a> | <a href="/wza">无障碍浏览</a></div>
<div class="header"><h1 class="logo">鲁山县人民政府</h1></div>
<div id="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/fzzf">法治政府建设</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设年度报告</div>
<div class="article">
  <h1 class="article-title">{title}</h1>
  <table class="xxgk">
    <tr><td>索引号：</td><td>11410423/2025-00031</td><td>发布机构：</td><td>瓦屋镇人民政府</td></tr>
    <tr><td>发布日期：</td><td>2025-01-20</td><td>浏览次数：</td><td><span id="hits">321</span></td></tr>
  </table>
  <div class="TRS_Editor">
{paragraphs}
  </div>
  <div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
  <div class="tools">【字体：大 中 小】　【打印本页】　【关闭窗口】</div>
</div>
<div class="footer"><p>版权所有：鲁山县人民政府　主办单位：鲁山县人民政府办公室</p>
<p>网站标识码：4104230001　豫ICP备05012345号</p></div>
<script>window.onload = function () {{ document.getElementById("hits").innerHTML = "322"; }};</script>
</body></html>
"""


def test_portal_html_page_gives_the_report_without_portal_debris(tmp_path):
    # As portals print it: the title in an <h1> above the 索引号 table, the report from its first paragraph to its
    # signature in the TRS_Editor block, each paragraph one <p>.
    article_lines = report_lines()[report_lines().index(TITLE) + 1:]
    paragraphs = "\n".join(f'    <p style="text-indent:2em">{line}</p>' for line in article_lines)
    page = PORTAL_PAGE.format(title=TITLE, paragraphs=paragraphs)
    path = tmp_path / "t20250120_1234567.html"
    path.write_bytes(page.encode("gbk"))

    report = parse_report(path, tmp_path)

    assert report.source_format == "html"
    assert outline(report) == EXPECTED_OUTLINE
    assert_metadata_of_the_report(report)
    assert CIVIL_CODE in {law.name for law in report.cited_laws}
    for debris in ("索引号", "浏览次数", "发布机构", "首页", "当前位置", "分享到", "打印本页", "版权所有", "ICP备", "document."):
        assert debris not in report.text, debris
    assert_passages_tile_the_body(report)
    assert report.warnings == ()


# ---------------------------------------------------------------- a PDF with lines broken by the layout


def draw_report_pdf(path: Path, lines: list[str], width: int, lines_per_page: int) -> list[list[str]]:
    """The lines drawn as a PDF whose running text breaks every `width` characters; returns the pages drawn."""
    drawn = wrap_lines(lines, width)
    pages = [drawn[start:start + lines_per_page] for start in range(0, len(drawn), lines_per_page)]
    draw_chinese_pdf(path, [page + [f"— {number} —"] for number, page in enumerate(pages, start=1)])
    return pages


def sentences(paragraph: str) -> list[str]:
    return [sentence for sentence in re.split(r"(?<=[。：])", paragraph) if sentence]


@pytest.mark.parametrize(
    "width, lines_per_page",
    [
        (28, 22),  # GB/T 9704's official layout: 28 characters a line, 22 lines a page
        (28, 12),  # the page break (and its 「— 1 —」) falls inside BROKEN_SENTENCE
        (31, 10),  # every line break moves; pages end between paragraphs
    ],
)
def test_pdf_sentences_cut_by_line_and_page_breaks_come_out_whole(tmp_path, width, lines_per_page):
    path = tmp_path / "report.pdf"
    pages = draw_report_pdf(path, report_lines(), width, lines_per_page)
    assert not any(BROKEN_SENTENCE in line for page in pages for line in page)  # the layout really cut it

    report = parse_report(path, tmp_path)

    assert report.source_format == "pdf"
    assert outline(report) == EXPECTED_OUTLINE
    assert_metadata_of_the_report(report)
    assert any(BROKEN_SENTENCE in passage.text for passage in report.passages)
    # Whether a line ending in 。 ends its paragraph a PDF cannot tell, but no sentence may be cut.
    for block in BODY:
        for sentence in sentences(block) if isinstance(block, str) else ():
            assert any(sentence in passage.text for passage in report.passages), sentence
    assert "— 1 —" not in report.text
    assert_passages_tile_the_body(report)
    assert report.warnings == ()


def test_pdf_line_without_commas_cut_mid_phrase_is_joined(tmp_path):
    # At 28 characters a line, the first line ends 「…中国特色社会主义思想和党」 without a single comma.
    opening = ("全镇上下深入学习贯彻习近平新时代中国特色社会主义思想和党的二十届三中全会精神，"
               "坚持把法治政府建设摆在全局工作的突出位置。")
    lines = report_lines()
    lines.insert(2, opening)
    path = tmp_path / "report.pdf"
    pages = draw_report_pdf(path, lines, width=28, lines_per_page=22)
    assert pages[0][2] == "全镇上下深入学习贯彻习近平新时代中国特色社会主义思想和党"

    report = parse_report(path, tmp_path)

    assert outline(report) == EXPECTED_OUTLINE
    assert any(opening in passage.text for passage in report.passages)


# ---------------------------------------------------------------- plain text in the encodings Windows editors save


@pytest.mark.parametrize(
    "encoded, warnings",
    [
        # Notepad's "ANSI" on a Chinese Windows: no marker at all, so the guess is announced.
        (lambda text: text.encode("gbk"), ("Decoded as GB18030 (detected by charset-normalizer; not UTF-8).",)),
        # Notepad's "Unicode": UTF-16 LE with a byte-order mark and CR LF line ends, not a guess.
        (lambda text: b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"), ()),
    ],
    ids=["gbk", "utf-16"],
)
def test_text_in_other_encodings_reads_like_its_utf8_version(tmp_path, encoded, warnings):
    text = "\n".join(report_lines()) + "\n"
    (tmp_path / "utf8").mkdir()
    (tmp_path / "other").mkdir()
    utf8_path = tmp_path / "utf8" / "report.txt"
    utf8_path.write_bytes(text.encode("utf-8"))
    other_path = tmp_path / "other" / "report.txt"
    other_path.write_bytes(encoded(text))

    utf8_report = parse_report(utf8_path, tmp_path / "utf8")
    other_report = parse_report(other_path, tmp_path / "other")

    assert outline(utf8_report) == EXPECTED_OUTLINE
    assert other_report.sections == utf8_report.sections
    assert other_report.text == utf8_report.text
    assert [(p.passage_id, p.text) for p in other_report.passages] == [(p.passage_id, p.text) for p in utf8_report.passages]
    assert_metadata_of_the_report(other_report)
    assert utf8_report.warnings == ()
    assert other_report.warnings == warnings


# ---------------------------------------------------------------- Markdown


def test_markdown_headings_around_numbered_titles_give_the_numbered_outline(tmp_path):
    markdown_lines = [f"# {TITLE}", "", f"**{ISSUER}**", ""]
    for block in BODY:
        if isinstance(block, str):
            markdown_lines += [block, ""]
        else:
            heading_level, number, title = block
            markdown_lines += [f"{'#' * (heading_level + 1)} {number}{title}", ""]
    markdown_lines += [f"{ISSUER}  ", SIGNING_DATE, ""]
    path = tmp_path / "report.md"
    path.write_text("\n".join(markdown_lines), encoding="utf-8")

    report = parse_report(path, tmp_path)

    assert report.source_format == "md"
    assert outline(report) == EXPECTED_OUTLINE
    assert_metadata_of_the_report(report)
    assert "#" not in report.text and "**" not in report.text
    assert_passages_tile_the_body(report)
    assert report.warnings == ()

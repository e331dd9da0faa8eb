"""read.py: every supported format, every encoding we detect, and every way a file can be unreadable.

Each fixture file is written by the test itself into tmp_path; the bundled corpus is read as it is.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pypdf
import pytest
from builders import (
    WORD,
    draw_chinese_pdf,
    level,
    minimal_pdf,
    numbering,
    paragraph,
    text_line,
    write_docx,
)
from bundled import bundled_corpus

from indexer.read.document import SUPPORTED_SUFFIXES, is_report_file, read_document
from indexer.report import UnreadableDocument

CORPUS = bundled_corpus()
TITLE = "关于2024年法治政府建设情况的报告"
BODY = "2024年，段园镇深入学习贯彻习近平法治思想，坚持依法行政，法治政府建设取得新成效。"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- text files


def test_reads_utf8_text_as_written(tmp_path):
    document = read_document(write(tmp_path / "report.txt", f"{TITLE}\n{BODY}\n".encode()))
    assert (document.format, document.encoding, document.warnings) == ("txt", "utf-8", ())
    assert document.text == f"{TITLE}\n{BODY}\n"
    assert document.path == str(tmp_path / "report.txt")


def test_strips_utf8_byte_order_mark(tmp_path):
    document = read_document(write(tmp_path / "report.txt", b"\xef\xbb\xbf" + TITLE.encode()))
    assert document.text == TITLE
    assert document.encoding == "utf-8"


def test_detects_gbk_bytes_and_says_so(tmp_path):
    document = read_document(write(tmp_path / "report.txt", TITLE.encode("gbk")))
    assert document.text == TITLE
    assert document.encoding == "gb18030"
    assert document.warnings == ("Decoded as GB18030 (detected by charset-normalizer; not UTF-8).",)


@pytest.mark.parametrize(
    "data, encoding",
    [
        # With a byte-order mark: not a guess, so no warning expected (checked below).
        (b"\xff\xfe" + f"{TITLE}\r\n{BODY}".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + f"{TITLE}\r\n{BODY}".encode("utf-16-be"), "utf-16-be"),
        # Without one: detected by charset-normalizer, checked to read as Chinese.
        (f"{TITLE}\r\n{BODY}".encode("utf-16-le"), "utf-16-le"),
        (f"{TITLE}\r\n{BODY}".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_detects_utf16_with_and_without_bom(tmp_path, data, encoding):
    document = read_document(write(tmp_path / "report.txt", data))
    assert document.text == f"{TITLE}\n{BODY}"
    assert document.encoding == encoding
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        assert document.warnings == ()
    else:
        shown = encoding.upper()
        assert document.warnings == (f"Decoded as {shown} (detected by charset-normalizer; no byte-order mark).",)


@pytest.mark.parametrize(
    "data, encoding, warned",
    [
        # UTF-8 with one stray NUL (a bad copy) stays UTF-8, not UTF-16 mojibake
        (f"{TITLE}\x00\n{BODY}".encode(), "utf-8", False),
        # UTF-16 LE without a BOM and without any ASCII: 一 is the bytes 00 4E, NULs at even offsets
        ("一、主要举措和成效。二、存在的不足。三、下一步工作安排。".encode("utf-16-le"), "utf-16-le", True),
        # short GBK bytes also decode as UTF-16 (into Hangul); our check keeps GB18030
        ("关于法治政府建设情况的报告".encode("gbk"), "gb18030", True),
        # Big5 from a traditional-script portal
        ("關於法治政府建設情況的報告。我鎮堅持依法行政，全面推進法治政府建設。".encode("big5"), "big5", True),
    ],
)
def test_detects_encodings_and_warns_when_not_utf8(tmp_path, data, encoding, warned):
    document = read_document(write(tmp_path / "report.txt", data))
    assert document.encoding == encoding
    assert document.text.replace("\x00", "") == data.decode(encoding).replace("\x00", "")
    assert bool(document.warnings) == warned
    if warned:
        assert f"Decoded as {encoding.upper()}" in document.warnings[0]


def test_turns_every_line_break_into_newline(tmp_path):
    document = read_document(write(tmp_path / "report.txt", "一、总体情况\r\n（一）学法\r二、问题\x0c三、计划".encode()))
    assert document.text == "一、总体情况\n（一）学法\n二、问题\n三、计划"


def test_keeps_full_width_characters_and_broken_lines(tmp_path):
    # Width folding and line joining belong to the normalise stage, not to reading.
    text = "　　２０２４年，我镇坚持依法\n行政。"
    assert read_document(write(tmp_path / "report.txt", text.encode())).text == text


def test_drops_incomplete_last_character_with_warning(tmp_path):
    document = read_document(write(tmp_path / "report.txt", "法治政府".encode()[:-1]))
    assert document.text == "法治政"
    assert document.warnings == (f"{tmp_path / 'report.txt'} ends in the middle of a character; "
                                 "the incomplete last character was dropped.",)


def test_rejects_binary_bytes(tmp_path):
    path = write(tmp_path / "report.txt", bytes(range(256)) * 8)
    with pytest.raises(UnreadableDocument, match="looks like a binary file, not a text report; save it as UTF-8"):
        read_document(path)


def test_rejects_text_full_of_control_characters(tmp_path):
    path = write(tmp_path / "report.txt", b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 20)
    with pytest.raises(UnreadableDocument, match="looks like a binary file"):
        read_document(path)


@pytest.mark.parametrize("data", [b"", b" \r\n\t\r\n", "\u3000\n".encode()])
def test_rejects_empty_file(tmp_path, data):
    path = write(tmp_path / "report.txt", data)
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)
    assert str(raised.value) == f"{path} is empty."


def test_rejects_file_over_20_megabytes_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(UnreadableDocument, match=r"huge.txt is 21.0 MB, more than the 20 MB"):
        read_document(path)


def test_missing_file_names_the_operating_system_reason(tmp_path):
    with pytest.raises(UnreadableDocument, match="missing.txt cannot be opened .No such file or directory."):
        read_document(tmp_path / "missing.txt")


@pytest.mark.parametrize("name", ["report.xlsx", "report.jpg"])
def test_rejects_unknown_suffix_naming_what_we_read(tmp_path, name):
    path = write(tmp_path / name, b"whatever")
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)
    suffix = Path(name).suffix
    assert str(raised.value) == f"{path} is a {suffix} file; fazhi-search reads .txt, .md, .docx, .html and .pdf."


def test_suffix_is_case_insensitive(tmp_path):
    assert read_document(write(tmp_path / "REPORT.TXT", TITLE.encode())).format == "txt"


def test_reads_pdf_saved_under_txt_name_as_pdf(tmp_path):
    document = read_document(write(tmp_path / "report.txt", minimal_pdf([text_line("Rule of law report", 700)])))
    assert (document.format, document.text) == ("pdf", "Rule of law report")
    assert "holds PDF content despite its .txt name" in document.warnings[0]


def test_strips_markdown_markup_and_keeps_words(tmp_path):
    markdown = (
        f"# {TITLE}\n\n"
        "## 一、总体情况 ##\n"
        "#（一）加强**组织领导**\n"
        "- 完善`制度`建设\n"
        "* 开展[普法](https://example.org)宣传\n"
        "---\n"
        "| 项目 | 数量 |\n|---|---|\n| 调解 | 12 |\n"
        "> 引用\\*原文\n"
    )
    document = read_document(write(tmp_path / "report.md", markdown.encode()))
    assert document.format == "md"
    assert document.text.split("\n") == [
        TITLE, "", "一、总体情况", "（一）加强组织领导", "完善制度建设", "开展普法宣传",
        "项目 数量", "调解 12", "引用*原文", "",
    ]


# ---------------------------------------------------------------- Word .docx

CHINESE_HEADINGS = {
    1: level(0, "chineseCounting", "%1、") + level(1, "chineseCounting", "（%2）") + level(2, "decimal", "%3.")
}


def test_renders_automatic_chinese_numbering_and_restarts_deeper_levels(tmp_path):
    body = "".join([
        paragraph("总体情况", level=0),
        paragraph("加强组织领导", level=1),
        paragraph("完善制度建设", level=1),
        paragraph("建立学法台账", level=2),
        paragraph("存在的问题", level=0),
        paragraph("学法用法不够深入", level=1),
        paragraph("执法人员偏少", level=2),
    ])
    path = write_docx(tmp_path / "report.docx", body, numbering(CHINESE_HEADINGS, {1: (1, "")}))
    document = read_document(path)
    assert (document.format, document.encoding) == ("docx", None)
    assert document.text.split("\n") == [
        "一、总体情况", "（一）加强组织领导", "（二）完善制度建设", "1.建立学法台账",
        "二、存在的问题", "（一）学法用法不够深入", "1.执法人员偏少",
    ]


def test_numbers_paragraph_through_its_style_and_honours_start_override(tmp_path):
    styles = (f'<w:styles xmlns:w="{WORD}">'
              '<w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr>'
              '</w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="MyHeading"><w:basedOn w:val="Heading1"/></w:style>'
              '</w:styles>')
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>'
    body = "".join([
        paragraph("总体情况", style="Heading1"),
        paragraph("主要措施", style="MyHeading"),  # numbered through basedOn
        paragraph("不编号的正文", style="MyHeading", level=0, num_id=0),  # numId 0 switches numbering off
        paragraph("下一步计划", level=0, num_id=2),
    ])
    path = write_docx(tmp_path / "report.docx", body,
                      numbering(CHINESE_HEADINGS, {1: (1, ""), 2: (1, override)}), styles)
    assert read_document(path).text.split("\n") == ["一、总体情况", "二、主要措施", "不编号的正文", "五、下一步计划"]


@pytest.mark.parametrize(
    "number_format, start, expected",
    [
        ("chineseCounting", 11, "十一、"),  # not 一十一
        ("chineseCountingThousand", 20, "二十、"),
        ("chineseCounting", 105, "一百零五、"),
        ("ideographTraditional", 3, "丙、"),
        ("japaneseCounting", 2, "二、"),
        ("decimalEnclosedCircle", 3, "③、"),
        ("lowerLetter", 28, "bb、"),  # Word repeats the letter after z
        ("upperLetter", 2, "B、"),
        ("lowerRoman", 4, "iv、"),
        ("upperRoman", 14, "XIV、"),
        ("decimal", 7, "7、"),
    ],
)
def test_renders_each_number_format_as_word_shows_it(tmp_path, number_format, start, expected):
    levels = {1: level(0, number_format, "%1、", start=start)}
    path = write_docx(tmp_path / "report.docx", paragraph("标题", level=0), numbering(levels, {1: (1, "")}))
    assert read_document(path).text == f"{expected}标题"


def test_renders_multilevel_legal_numbers_with_a_space(tmp_path):
    levels = {1: level(0, "decimal", "%1") + level(1, "decimal", "%1.%2")}
    body = paragraph("总则", level=0) + paragraph("目的", level=1) + paragraph("依据", level=1)
    path = write_docx(tmp_path / "report.docx", body, numbering(levels, {1: (1, "")}))
    assert read_document(path).text.split("\n") == ["1 总则", "1.1 目的", "1.2 依据"]


def test_reads_docx_runs_tables_breaks_and_skips_deleted_text(tmp_path):
    body = (
        '<w:p><w:r><w:t>法治</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>政府</w:t></w:r>'
        '<w:r><w:t>建设</w:t><w:tab/><w:t>情况</w:t></w:r>'
        '<w:del><w:r><w:delText>已删除</w:delText></w:r></w:del>'
        '<w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'
        '<w:r><w:br/><w:t>第二行</w:t></w:r></w:p>'
        '<w:p/>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>调解纠纷</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>12件</w:t></w:r></w:p><w:p><w:r><w:t>成功率100%</w:t></w:r></w:p></w:tc>'
        '</w:tr></w:tbl>'
        + paragraph("表格之后")
    )
    document = read_document(write_docx(tmp_path / "report.docx", body))
    # a table row is one line, its cells separated (a cell's paragraphs joined by a space)
    assert document.text.split("\n") == ["法治政府建设 情况", "第二行", "调解纠纷 | 12件 成功率100%", "表格之后"]


def test_rejects_corrupt_docx(tmp_path):
    path = write(tmp_path / "report.docx", b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(UnreadableDocument, match="report.docx is damaged"):
        read_document(path)


def test_rejects_zip_without_word_document(tmp_path):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "nothing")
    with pytest.raises(UnreadableDocument, match="ZIP archive without a Word document inside"):
        read_document(path)


def test_rejects_docx_with_broken_xml(tmp_path):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(UnreadableDocument, match=r"damaged \(word/document.xml cannot be read\)"):
        read_document(path)


def test_rejects_password_protected_docx(tmp_path):
    # Word stores encrypted .docx files in the old OLE container with an EncryptionInfo stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptionInfo".encode("utf-16-le")
    with pytest.raises(UnreadableDocument, match="report.docx is password-protected; open it in Word"):
        read_document(write(tmp_path / "report.docx", data))


def test_old_word_doc_gets_conversion_command(tmp_path):
    path = write(tmp_path / "report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)
    assert str(raised.value) == (
        f"{path} is an old Word .doc file; open it in Word or LibreOffice and save it as .docx "
        f"(or run `libreoffice --headless --convert-to docx {path}`)."
    )


def test_reads_docx_saved_under_doc_name(tmp_path):
    path = write_docx(tmp_path / "report.doc", paragraph(TITLE))
    document = read_document(path)
    assert (document.format, document.text) == ("docx", TITLE)
    assert "despite its .doc name" in document.warnings[0]


# ---------------------------------------------------------------- HTML pages

PORTAL_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="gb2312">
<title>{TITLE} - 淮北市杜集区人民政府网站</title>
<script>var 栏目 = "首页"; document.write("<p>广告</p>");</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="header"><h1 class="logo">淮北市杜集区人民政府</h1></div>
<div id="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设年度报告</div>
<div class="content">
  <table class="xxgk"><tr><td>索引号：</td><td>11340602/2025-00012</td><td>发布机构：</td><td>段园镇人民政府</td></tr>
  <tr><td>浏览次数：</td><td>123</td></tr></table>
  <div class="TRS_Editor">
    <p>&nbsp;&nbsp;{BODY[:20]}
    {BODY[20:]}</p>
    <p>一、全面履行政府职能<br>（一）深化“放管服”改革</p>
    <p>二、存在的问题和不足</p>
  </div>
  <div class="share">分享到：微信 微博</div>
  <div>字体：[大 中 小]　打印本页　关闭窗口</div>
</div>
<div class="footer">版权所有：淮北市杜集区人民政府　主办单位：杜集区人民政府办公室</div>
</body></html>"""


def test_reads_portal_article_without_navigation_or_metadata(tmp_path):
    document = read_document(write(tmp_path / "page.html", PORTAL_PAGE.encode("gbk")))
    assert (document.format, document.encoding, document.warnings) == ("html", "gb18030", ())
    assert document.text.split("\n") == [
        TITLE,  # from <title>, without the site name: the article does not start with it
        "\xa0\xa0" + BODY,  # &nbsp; indentation kept; the source line break between 字 and 字 removed
        "一、全面履行政府职能",
        "（一）深化“放管服”改革",
        "二、存在的问题和不足",
    ]


def test_drops_portal_metadata_lines_inside_unnamed_article(tmp_path):
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
    <title>{TITLE}_段园镇人民政府</title></head><body>
    <div><a href="/">首页</a></div>
    <div><h1>{TITLE}</h1>
      <p>发布日期：2025-01-20　来源：段园镇　浏览次数：88</p>
      <p>【字体：大 中 小】【打印】【关闭】</p>
      <p>{BODY}</p><p>来源于群众的意见建议已全部办结，法治政府建设满意度提升。</p>
    </div></body></html>"""
    document = read_document(write(tmp_path / "page.htm", page.encode()))
    assert document.encoding == "utf-8"
    assert document.text.split("\n") == [TITLE, BODY, "来源于群众的意见建议已全部办结，法治政府建设满意度提升。"]


def test_page_declaring_wrong_charset_is_decoded_as_utf8_with_warning(tmp_path):
    page = f'<html><head><meta charset="gbk"></head><body><div class="article"><p>{BODY}</p></div></body></html>'
    document = read_document(write(tmp_path / "page.html", page.encode()))
    assert (document.encoding, document.text) == ("utf-8", BODY)
    assert document.warnings == (f"{tmp_path / 'page.html'} declares charset gbk, but its bytes are not gbk. "
                                 "Decoded as UTF-8.",)


def test_rejects_page_without_article_text(tmp_path):
    page = '<html><head><title>页面不存在</title></head><body><div class="nav">首页 政务公开</div></body></html>'
    with pytest.raises(UnreadableDocument, match="page.html has no article text"):
        read_document(write(tmp_path / "page.html", page.encode()))


# ---------------------------------------------------------------- PDF


def test_reads_pdf_text_layer_without_page_numbers(tmp_path):
    pages = [
        text_line("Rule of law report 2024", 760) + text_line("Article one", 740) + text_line("- 1 -", 40),
        text_line("2", 800) + text_line("Second page", 760) + text_line("12", 740) + text_line("Last line", 720)
        + text_line("Page 2 of 2", 40),
    ]
    document = read_document(write(tmp_path / "report.pdf", minimal_pdf(pages)))
    assert (document.format, document.encoding, document.warnings) == ("pdf", None, ())
    # "12" inside the page stays: a lone number away from the page edge may be a table cell.
    assert document.text.split("\n") == ["Rule of law report 2024", "Article one", "Second page", "12", "Last line"]


def test_reads_chinese_pdf_text_layer(tmp_path):
    path = tmp_path / "report.pdf"
    draw_chinese_pdf(path, [[TITLE, "一、全面履行政府职能", "— 1 —"], ["第 2 页 共 2 页", "二、存在的问题"]])
    assert read_document(path).text.split("\n") == [TITLE, "一、全面履行政府职能", "二、存在的问题"]


def test_pdf_kangxi_radicals_are_read_as_ideographs(tmp_path):
    # Some Chinese PDF fonts map 工 and 一 to the look-alike Kangxi radicals ⼯ (U+2F2F) and ⼀ (U+2F00).
    path = tmp_path / "report.pdf"
    draw_chinese_pdf(path, [["法治⼯作⼀"]])
    document = read_document(path)
    assert document.text == "法治工作一"
    assert document.warnings == ("2 Kangxi radical characters from the PDF fonts were read as ordinary ideographs.",)


def test_blank_pdf_is_reported_as_scanned(tmp_path):
    path = write(tmp_path / "scan.pdf", minimal_pdf([b""]))
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)
    assert str(raised.value) == (f"{path} has no text layer (it looks scanned); run OCR on it "
                                 f"(e.g. `ocrmypdf {path} out.pdf`) and add the result.")


def test_pdf_with_some_scanned_pages_warns_about_them(tmp_path):
    document = read_document(write(tmp_path / "report.pdf", minimal_pdf([text_line("Text page", 700), b""])))
    assert document.text == "Text page"
    assert document.warnings == (f"Page 2 of {tmp_path / 'report.pdf'} has no text layer (scanned?); "
                                 "run OCR to include them.",)


def test_rejects_corrupt_pdf(tmp_path):
    path = write(tmp_path / "report.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with pytest.raises(UnreadableDocument, match="report.pdf is damaged and cannot be read as a PDF"):
        read_document(path)


def test_rejects_password_protected_pdf(tmp_path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "report.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableDocument, match="report.pdf is password-protected; remove the password"):
        read_document(path)


# ---------------------------------------------------------------- directory walks and the corpus


@pytest.mark.parametrize(
    "name, expected",
    [
        ("report.docx", True),
        ("REPORT.PDF", True),
        ("report.doc", True),  # so the walk can say how to convert it
        (".hidden.txt", False),
        ("~$report.docx", False),  # Word's lock file
        ("catalogue.csv", False),
        ("report.meta.json", False),
        ("photo.jpg", False),
    ],
)
def test_is_report_file_skips_hidden_lock_and_sidecar_files(name, expected):
    assert is_report_file(Path("corpus") / name) is expected


def test_supported_suffixes_are_the_documented_ones():
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".docx", ".html", ".htm", ".pdf"}


def test_reads_every_bundled_corpus_report():
    paths = sorted(path for path in CORPUS.iterdir() if is_report_file(path))
    assert len(paths) >= 5
    for path in paths:
        document = read_document(path)
        assert "法治" in document.text, path
        assert "\r" not in document.text
        assert document.warnings == ()

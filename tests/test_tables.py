"""Tables in .docx and .html keep their rows: one line per row, cells separated; the report page shows a table."""
import pytest
from builders import paragraph, write_docx

from indexer.pipeline import parse_text
from indexer.read import read_document
from webui.report_view import report_blocks

ROWS = [("项目", "件数"), ("行政复议", "3"), ("调解纠纷", "12")]
REPORT = "关于2024年法治政府建设情况的报告\n2024年，我镇坚持依法行政。\n一、主要举措\n全年办理情况如下。\n"


def html_page(table: str) -> str:
    return (f"<html><head><title>{REPORT.split()[0]}</title></head><body><div class='article-content'>"
            f"<p>{REPORT.split(chr(10))[1]}</p><p>一、主要举措</p><p>全年办理情况如下。</p>{table}"
            "<p>二、存在的不足</p><p>基层法治力量仍然薄弱，执法人员数量不足。</p></div></body></html>")


def test_html_data_table_keeps_its_rows(tmp_path):
    table = "<table><tbody>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in ROWS) + "</tbody></table>"
    path = tmp_path / "report.html"
    path.write_text(html_page(table), encoding="utf-8")
    lines = read_document(path).text.split("\n")
    assert ["项目 | 件数", "行政复议 | 3", "调解纠纷 | 12"] == [line for line in lines if "|" in line]


def test_html_layout_table_is_read_as_its_blocks(tmp_path):
    # a portal that lays the article out in a one-column table: its paragraphs stay lines
    long_paragraph = "我镇坚持依法行政，" * 30
    table = f"<table><tr><td><p>{long_paragraph}</p><p>第二段。</p></td><td>相关链接</td></tr></table>"
    path = tmp_path / "report.html"
    path.write_text(html_page(table), encoding="utf-8")
    text = read_document(path).text
    assert " | " not in text
    assert "第二段。" in text.split("\n")


def test_docx_table_keeps_its_rows(tmp_path):
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in ROWS
    )
    path = write_docx(tmp_path / "report.docx", paragraph("全年办理情况如下。") + f"<w:tbl>{cells}</w:tbl>")
    assert read_document(path).text.split("\n") == ["全年办理情况如下。", "项目 | 件数", "行政复议 | 3", "调解纠纷 | 12"]


@pytest.mark.parametrize(
    "rows",
    [
        # short rows are not joined to each other nor to the paragraph before
        ["项目 | 件数", "行政复议 | 3", "调解纠纷 | 12"],
        # long cells (a row wider than a PDF margin) stay rows too
        ["主要事项 | 2024年全年共开展法治宣传活动和法律咨询服务", "组织学法 | 镇党委理论学习中心组集体学法和干部职工法治培训"],
    ],
)
def test_report_page_shows_rows_as_a_table(rows):
    report = parse_text(REPORT + "\n".join(rows) + "\n二、存在的不足\n基层法治力量薄弱。\n", "tables")
    assert all(row in report.text.split("\n") for row in rows)
    tables = [line for block in report_blocks(report) for line in block.lines if line.kind == "table"]
    assert len(tables) == 1
    assert [[str(cell) for cell in row] for row in tables[0].rows] == [row.split(" | ") for row in rows]


def test_report_page_renders_a_table(tmp_path):
    from indexer.index.build import build_index
    from webui import create_app
    from webui.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "qingshi-2024.txt").write_text(
        REPORT + "\n".join(" | ".join(row) for row in ROWS) + "\n二、存在的不足\n基层法治力量薄弱。\n", encoding="utf-8"
    )
    build_index(corpus, tmp_path / "index", workers=1)
    app = create_app(Settings(heavy_worker=0, index_dir=tmp_path / "index", corpus_dir=corpus))
    try:
        page = app.test_client().get("/reports/qingshi-2024").get_data(as_text=True)
    finally:
        app.extensions["fazhi_index"].close()
    assert '<table class="report-table">' in page
    assert "<tr><td>行政复议</td><td>3</td></tr>" in page

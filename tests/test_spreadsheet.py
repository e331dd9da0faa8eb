"""CSV exports open safely in Excel: no text cell from a report or a request starts a formula (OWASP's CSV
injection advice), in every CSV the web app and the CLI write; numbers we compute stay numbers."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from indexer.cli import main
from indexer.index.build import build_index
from indexer.search.spreadsheet import FORMULA_STARTS, csv_lines, spreadsheet_cell
from webui import create_app
from webui.settings import Settings

# A report whose title, a heading and passage openings are spreadsheet formulas.
HOSTILE_REPORT = """=HYPERLINK("http://example.com/x","段园镇2024年法治政府建设情况报告")

@SUM(1+1)段园镇坚持和发展新时代“枫桥经验”。
一、+主要举措和成效
-3+3 深入宣传《中华人民共和国民法典》，培育法律明白人52名。
二、存在问题和不足
执法人员业务能力不足。
"""


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),  # a tab before the formula
        ("\r=1", "'\r=1"),  # a carriage return before the formula
        ("枫桥经验", "枫桥经验"),
        ("a=1", "a=1"),  # only the first character counts
        ("", ""),
        (None, ""),
        (-3, -3),  # numbers we compute are not user text
        (2024, 2024),
        (0.25, 0.25),
    ],
)
def test_a_text_cell_that_would_start_a_formula_gets_a_leading_quote(value, cell):
    assert spreadsheet_cell(value) == cell


def test_csv_lines_start_with_a_bom_and_keep_negative_numbers_as_numbers():
    text = "".join(csv_lines([("name", "count"), ("-2", -2)]))
    assert text == "\ufeffname,count\r\n'-2,-2\r\n"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "corpus").mkdir()
    (root / "corpus" / "evil-2024.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    build_index(root / "corpus", root / "index", workers=1)
    return root


@pytest.fixture(scope="module")
def hostile_client(hostile_index):
    app = create_app(Settings(heavy_worker=0, index_dir=hostile_index / "index", corpus_dir=hostile_index / "corpus"))
    yield app.test_client()
    app.extensions["fazhi_index"].close()


def read_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def assert_no_formula(rows: list[list[str]]) -> None:
    formulas = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert formulas == []


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/export.csv", "'=HYPERLINK("),  # the title
        ("/export.csv", "'+主要举措和成效"),  # the heading path
        ("/export.csv", "'@SUM(1+1)"),  # the preamble passage's text
        ("/coverage.csv?topics=" + quote("枫桥经验"), "'=HYPERLINK("),
        ("/kwic.csv?q=" + quote("枫桥经验"), "'@SUM(1+1)"),  # the left context
        ("/trends.csv?q=" + quote("=1+1"), "'=1+1"),  # a query from a link, with no report at all
        ("/duplicates/reports.csv", "'=HYPERLINK("),
    ],
)
def test_every_web_csv_neutralises_formula_cells(hostile_client, url, expected):
    response = hostile_client.get(url)
    assert response.status_code == 200
    rows = read_rows(response.get_data().decode("utf-8"))
    assert_no_formula(rows)
    assert any(cell.startswith(expected) for row in rows for cell in row)


def test_laws_csv_has_no_formula_cells(hostile_client):
    rows = read_rows(hostile_client.get("/laws.csv").get_data().decode("utf-8"))
    assert_no_formula(rows)
    assert any("民法典" in cell for row in rows for cell in row)


def test_cli_csv_export_neutralises_formula_cells(hostile_index, tmp_path, capsys):
    output = tmp_path / "out.csv"
    assert main(["export", "--index", str(hostile_index / "index"), "--format", "csv", "--output", str(output)]) == 0
    rows = read_rows(output.read_text(encoding="utf-8"))
    assert_no_formula(rows)
    assert {"'=HYPERLINK(", "'+主要举措和成效", "'@SUM(1+1)"} <= {
        prefix for row in rows for cell in row for prefix in ("'=HYPERLINK(", "'+主要举措和成效", "'@SUM(1+1)") if cell.startswith(prefix)
    }
    assert "Wrote 3 passages" in capsys.readouterr().err

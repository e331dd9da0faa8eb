"""Warnings found while indexing reach the user: counted in the `fazhi index` summary with the catalogue.csv line
that settles each, and shown on the report page."""
from __future__ import annotations

import pytest

from indexer.cli import main
from indexer.index.build import build_index
from indexer.parse import catalogue_fix_line, fields_to_fix
from webui import create_app
from webui.settings import Settings

REPORT = "关于2024年法治政府建设情况的报告\n一、主要举措\n深入学习宪法，依法行政。\n"


@pytest.mark.parametrize("warnings, values, fields", [
    # No township at all: township and county to set.
    (("No township name found in the report; set it in the catalogue.",), {"year": "2024"}, ("township", "county")),
    # A township shared by several counties: the county decides.
    (("城关镇 names 3 townships (甲县、乙县、丙县); no county or city in the header decides between them; set county "
      "in the catalogue.",), {"township": "城关镇", "year": "2024"}, ("township", "county")),
    # A place named twice over: the province decides.
    (("新华区 names 2 places (石家庄市、沧州市); set the city or province in the catalogue.",),
     {"township": "新华街道", "county": "新华区", "year": "2023"}, ("province",)),
    # No year found.
    (("No numbered headings were found; passages are split at paragraphs.",),
     {"township": "段园镇", "county": "杜集区"}, ("year",)),
])
def test_fields_to_fix_follow_the_warnings_and_the_empty_fields(warnings, values, fields):
    assert fields_to_fix(warnings, values) == fields


def test_catalogue_fix_line_keeps_what_was_found_and_marks_what_to_fill():
    line = catalogue_fix_line("anhui/段园镇 2024.txt", {"township": "段园镇", "county": "", "year": "2024"}, ("county",))
    assert line == "anhui/段园镇 2024.txt,段园镇,<county>,,,,2024,,,"


@pytest.fixture()
def corpus_with_unplaced_reports(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(12):
        (corpus / f"report-{number:02}.txt").write_text(REPORT, encoding="utf-8")
    return corpus


def test_index_summary_counts_warnings_and_lists_the_first_files_with_their_catalogue_line(
    corpus_with_unplaced_reports, tmp_path, capsys
):
    assert main(["index", "--corpus", str(corpus_with_unplaced_reports), "--index", str(tmp_path / "index"), "--warnings", "3"]) == 0
    out = capsys.readouterr().out
    assert "12 reports have warnings" in out
    assert "catalogue.csv would set: township 12, county 12" in out
    assert out.count("catalogue.csv: report-") == 3
    assert "    catalogue.csv: report-00.txt,<township>,<county>,,,,2024,,," in out
    assert "… and 9 more; `fazhi index --warnings all`" in out


def test_index_warnings_all_lists_every_file_and_0_none(corpus_with_unplaced_reports, tmp_path, capsys):
    index = str(tmp_path / "index")
    assert main(["index", "--corpus", str(corpus_with_unplaced_reports), "--index", index, "--warnings", "all"]) == 0
    assert capsys.readouterr().out.count("catalogue.csv: report-") == 12
    # An unchanged corpus still reports the warnings of the reports in the index.
    assert main(["index", "--corpus", str(corpus_with_unplaced_reports), "--index", index, "--warnings", "0"]) == 0
    assert "have warnings" not in capsys.readouterr().out
    assert main(["index", "--corpus", str(corpus_with_unplaced_reports), "--index", index]) == 0
    assert "12 reports have warnings" in capsys.readouterr().out


def test_bad_warnings_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["index", "--warnings", "some"])
    assert stop.value.code == 2
    assert "some is not a number of reports or all" in capsys.readouterr().err


def test_report_page_shows_the_warnings_and_the_catalogue_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "unplaced.txt").write_text(REPORT, encoding="utf-8")
    build_index(corpus, tmp_path / "index", workers=1)
    app = create_app(Settings(heavy_worker=0, index_dir=tmp_path / "index", corpus_dir=corpus))
    try:
        page = app.test_client().get("/reports/unplaced").get_data(as_text=True)
    finally:
        app.extensions["fazhi_index"].close()
    assert "元数据提示" in page
    assert "unplaced.txt,&lt;township&gt;,&lt;county&gt;,,,,2024,,," in page
    assert "No township name found in the report" in page.split("<details>", 1)[1]

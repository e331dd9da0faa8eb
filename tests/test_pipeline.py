"""Whole reports written in the tests, through the pipeline and the `fazhi inspect` command."""
import json

from bundled import bundled_corpus

from indexer.cli import main
from indexer.parse.catalogue import parse_catalogue
from indexer.pipeline import parse_report, parse_text, report_id_for

HALF_WIDTH_REPORT = """鲁山县瓦屋镇人民政府
关于2023年法治政府建设情况的报告
2023年以来，瓦屋镇坚持依法行政。
一、主要举措和成效
(一)加强法治宣传
开展“法律明白人”培训，宣传《中华人民共和国民法典》第一千零四十二条。
(二)规范依法行政
落实“三重一大”制度，学习《行政处罚法》。
二、存在的问题
(一)法治素养不高
干部法律素养不高。
三、下一步工作打算
(一)加强培训
定期开展培训。
瓦屋镇人民政府
2024年1月20日
"""


def test_half_width_brackets_give_the_same_outline():
    report = parse_text(HALF_WIDTH_REPORT, "r")
    assert [(s.number, s.title, s.section_type, [c.title for c in s.children]) for s in report.sections] == [
        ("一、", "主要举措和成效", "measures", ["加强法治宣传", "规范依法行政"]),
        ("二、", "存在的问题", "problems", ["法治素养不高"]),
        ("三、", "下一步工作打算", "next_steps", ["加强培训"]),
    ]
    assert (report.township, report.county, report.year, report.date) == ("瓦屋镇", "鲁山县", 2023, "2024-01-20")


def test_article_reference_stays_with_the_citation():
    report = parse_text(HALF_WIDTH_REPORT, "r")
    civil_code = [c for c in report.cited_laws if c.name == "中华人民共和国民法典"]
    assert [c.article for c in civil_code] == ["第一千零四十二条"]


def test_traditional_script_report_is_understood():
    text = (
        "中共均口鎮委員會 均口鎮人民政府\n關於2023年法治政府建設情況的報告\n"
        "2023年，均口鎮堅持依法行政。\n一、主要舉措和成效\n（一）加強組織領導\n成立領導小組。\n"
        "二、存在的不足\n學法不深。\n三、下一步工作打算\n深化普法。\n"
    )
    report = parse_text(text, "r")
    assert report.year == 2023
    assert [s.section_type for s in report.sections] == ["measures", "problems", "next_steps"]


def test_first_part_style_report():
    text = (
        "某镇2024年法治政府建设工作报告\n2024年，我镇坚持依法行政。\n"
        "第一部分 主要举措和成效\n一、加强组织领导\n成立领导小组。\n二、加强宣传\n宣传宪法。\n"
        "第二部分 存在问题\n一、普法形式单一\n需要改进。\n第三部分 下一步工作安排\n一、深化普法\n继续努力。\n"
    )
    report = parse_text(text, "r")
    assert [(s.number, s.section_type, len(s.children)) for s in report.sections] == [
        ("第一部分", "measures", 2), ("第二部分", "problems", 1), ("第三部分", "next_steps", 1),
    ]
    assert report.passages[1].heading_path == ("主要举措和成效", "加强组织领导")


def test_report_without_headings_warns_and_splits_at_paragraphs():
    paragraph = "2024年以来，我镇坚持依法行政，开展普法宣传活动，推动基层治理法治化，取得明显成效。" * 6
    report = parse_text("\n".join([paragraph] * 8), "r")
    assert report.sections == ()
    assert len(report.passages) > 1
    assert any("No numbered headings" in warning for warning in report.warnings)


def test_shared_township_name_without_clues_leaves_county_empty_with_warning():
    # 城关镇 exists in many counties; nothing in this text decides which.
    text = "城关镇2024年法治政府建设情况报告\n2024年，城关镇坚持依法行政。\n一、主要举措\n开展普法。\n"
    report = parse_text(text, "r")
    assert report.township == "城关镇"
    assert (report.county, report.province) == ("", "")
    assert any("城关镇" in warning for warning in report.warnings)


def test_catalogue_values_win_and_fill_the_levels_above(tmp_path):
    (tmp_path / "chengguan.txt").write_text(
        "城关镇2024年法治政府建设情况报告\n2024年，城关镇坚持依法行政。\n一、主要举措\n开展普法。\n", encoding="utf-8"
    )
    (tmp_path / "catalogue.csv").write_text("\ufefffile,county,year\nchengguan.txt,五河县,2022\n", encoding="utf-8")
    report = parse_report(tmp_path / "chengguan.txt", tmp_path)
    assert (report.township, report.county, report.city, report.province, report.year) == ("城关镇", "五河县", "蚌埠市", "安徽省", 2022)
    assert report.division_code == "340322100"
    assert not any("城关镇" in warning for warning in report.warnings)


def test_catalogue_rejects_bad_values_with_a_sentence():
    catalogue = parse_catalogue("file,year,date,colour\na.txt,abc,2025/2/11,red\n")
    assert catalogue.overrides_for("a.txt") == {}
    assert any("year 'abc'" in warning for warning in catalogue.warnings)
    assert any("colour" in warning for warning in catalogue.warnings)
    assert "no 'file' column" in parse_catalogue("name,year\n").warnings[0]


def test_report_ids_are_url_safe_for_any_file_name(tmp_path):
    assert report_id_for(tmp_path / "anhui-duji-duanyuan-2024.txt", tmp_path) == "anhui-duji-duanyuan-2024"
    assert report_id_for(tmp_path / "sub" / "Report 1.docx", tmp_path) == "sub-report-1-docx"
    chinese = report_id_for(tmp_path / "段园镇2024.txt", tmp_path)
    assert chinese.isascii() and chinese.replace("-", "").isalnum()
    assert chinese != report_id_for(tmp_path / "均口镇2024.txt", tmp_path)


def test_inspect_reports_unreadable_files_with_a_sentence(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    for name in ("empty.txt", "binary.txt", "old.doc"):
        assert main(["inspect", str(tmp_path / name)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"skipped {tmp_path / name}: ")
        assert "Traceback" not in err
        assert err.rstrip().endswith(".")


def test_inspect_json_lists_the_warning_for_an_unreadable_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    assert main(["inspect", str(tmp_path / "empty.txt"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["report_id"] is None
    assert len(data["warnings"]) == 1 and "empty" in data["warnings"][0]


def test_inspect_reads_a_gbk_file_and_says_so(tmp_path, capsys):
    (tmp_path / "gbk.txt").write_bytes(HALF_WIDTH_REPORT.encode("gbk"))
    assert main(["inspect", str(tmp_path / "gbk.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["township"] == "瓦屋镇"
    assert any("GB" in warning for warning in data["warnings"])


def test_inspect_skips_a_broken_file_in_a_folder_and_parses_the_rest(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(HALF_WIDTH_REPORT, encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    assert main(["inspect", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "瓦屋镇" in captured.out
    assert "broken.pdf" in captured.err


def test_inspect_missing_path_says_what_to_give(capsys):
    assert main(["inspect", "/no/such/report.txt"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_catalogue_county_without_that_township_keeps_the_county_and_warns():
    text = "城关镇2024年法治政府建设情况报告\n2024年，城关镇坚持依法行政。\n一、主要举措\n开展普法。\n"
    report = parse_text(text, "r", overrides={"county": "鲁山县"})
    assert (report.township, report.county, report.city, report.province) == ("城关镇", "鲁山县", "平顶山市", "河南省")
    assert report.division_code == ""
    assert any("鲁山县" in warning for warning in report.warnings)


def test_serve_updates_the_index_in_a_child_process_and_gets_its_exit_code(tmp_path, capfd):
    """`fazhi serve` builds in a child (so the build's memory leaves with it); the server then opens what it built."""
    import argparse
    import shutil

    from indexer.cli import run_index_in_child
    from indexer.search.opened_index import open_search_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(bundled_corpus() / "henan-lushan-wawu-2024.txt", corpus)
    assert run_index_in_child(argparse.Namespace(corpus=corpus, index=tmp_path / "index", rebuild=False, follow_links_outside=False)) == 0
    assert "now holds 1 reports" in capfd.readouterr().out
    with open_search_index(tmp_path / "index") as index:
        assert index.passage_count() > 0
    missing = argparse.Namespace(corpus=tmp_path / "nowhere", index=tmp_path / "index", rebuild=False, follow_links_outside=False)
    assert run_index_in_child(missing) == 1
    assert "does not exist" in capfd.readouterr().err

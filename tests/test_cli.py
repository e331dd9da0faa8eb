"""The `fazhi` command's own behaviour: unreadable filter options are errors, typos get the subcommand's usage,
hit links are clickable, skipped files get one sentence, and `--help` loads neither jieba nor Whoosh."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.cli import KWIC_SORTS, SEARCH_SORTS, main
from indexer.research import CONCORDANCE_SORTS
from indexer.search import SORTS

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["search", "普法"],
        ["kwic", "普法"],
        ["export", "普法", "--format", "csv"],
    ],
)
@pytest.mark.parametrize(
    "option, accepted",
    [
        (["--year", "abc"], "2021..2024"),
        (["--year", "2024", "--year", "20x4"], "2021..2024"),
        (["--section", "foo"], "problems (存在问题和不足)"),
        # Not catalogued and cited nowhere: the nearest catalogue name is offered.
        (["--law", "行政处法"], "中华人民共和国行政处罚法"),
    ],
)
def test_unreadable_filter_option_exits_2_with_the_accepted_forms_and_writes_nothing(
    command, option, accepted, corpus_index_dir, tmp_path, capsys
):
    output = tmp_path / "out.csv"
    extra = ["--output", str(output)] if command[0] == "export" else []
    assert main([*command, *option, *extra, "--index", str(corpus_index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert accepted in captured.err
    assert not output.exists()


def test_unknown_law_in_the_query_text_is_a_notice_naming_the_nearest_laws(corpus_index_dir, capsys):
    assert main(["search", "普法 law:民法点", "--index", str(corpus_index_dir)]) == 0
    out = capsys.readouterr().out
    assert "No cited law is called 民法点" in out
    assert "中华人民共和国民法典" in out


def test_year_in_the_query_text_stays_a_notice(corpus_index_dir, capsys):
    assert main(["search", "普法 year:abc", "--index", str(corpus_index_dir)]) == 0
    assert "abc" in capsys.readouterr().out


def test_catalogued_law_no_report_cites_is_searched_and_said(corpus_index_dir, capsys):
    assert main(["search", "--law", "中华人民共和国海商法", "--index", str(corpus_index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 passages")
    assert "No passage in this index cites 中华人民共和国海商法" in out


def test_misspelt_option_shows_the_subcommand_usage_and_the_nearest_option(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["search", "--yeer", "2024"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: fazhi search")
    assert "did you mean --year?" in err


def test_hit_links_are_clickable_with_the_base_url(corpus_index_dir, capsys):
    assert main(["search", "枫桥经验", "--base-url", "http://example.test:8080/", "--index", str(corpus_index_dir)]) == 0
    links = [line.strip() for line in capsys.readouterr().out.splitlines() if "/reports/" in line]
    assert links and all(link.startswith("http://example.test:8080/reports/") for link in links)


def test_hit_links_default_to_the_local_web_app_and_empty_base_url_keeps_them_relative(corpus_index_dir, capsys, monkeypatch):
    monkeypatch.delenv("FAZHI_BASE_URL", raising=False)
    assert main(["search", "枫桥经验", "--index", str(corpus_index_dir)]) == 0
    assert "   http://127.0.0.1:5000/reports/" in capsys.readouterr().out
    assert main(["search", "枫桥经验", "--base-url", "", "--index", str(corpus_index_dir)]) == 0
    assert "\n   /reports/" in capsys.readouterr().out


def test_sort_choices_are_the_librarys():
    assert SEARCH_SORTS == SORTS
    assert KWIC_SORTS == CONCORDANCE_SORTS


def test_help_loads_neither_jieba_nor_whoosh():
    probe = (
        "import sys\nfrom indexer.cli import main\n"
        "try:\n    main(['search', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in ('jieba', 'whoosh', 'pypdf', 'flask') if name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPOSITORY, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_skipped_pdf_gets_one_sentence_and_no_pypdf_warnings(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.pdf").write_bytes(b"hello, not a pdf at all")
    (corpus / "report.txt").write_text("关于2024年法治政府建设情况的报告\n一、主要举措\n深入学习宪法。\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(tmp_path / "index")],
        capture_output=True, text=True, cwd=REPOSITORY, check=True,
    )
    assert "invalid pdf header" not in result.stderr and "EOF marker" not in result.stderr
    skipped = [line for line in result.stdout.splitlines() if "broken.pdf" in line]
    assert len(skipped) == 1
    assert skipped[0].count("broken.pdf") == 1


def test_export_csv_lists_each_law_once_and_events_and_documents_apart(corpus_index_dir, tmp_path):
    output = tmp_path / "duanyuan.csv"
    assert main(["export", "--township", "段园镇", "--format", "csv", "--output", str(output), "--index", str(corpus_index_dir)]) == 0
    rows = {row["passage_id"]: row for row in csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines())}
    p2 = rows["anhui-duji-duanyuan-2024-p2"]
    # p2 names 民法典 twice (民法典宣传月, 《民法典》) and 宪法 only in 宪法宣传周.
    laws = p2["cited_laws"].split("；")
    assert laws.count("中华人民共和国民法典") == 1 and "中华人民共和国宪法" not in laws
    assert p2["law_events"].split("；") == ["中华人民共和国民法典", "中华人民共和国宪法"]
    assert p2["cited_documents"] == "习近平法治思想学习纲要"

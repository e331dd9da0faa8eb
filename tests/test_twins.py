"""The command line and the API print the same JSON for the same search; inspect and the report API agree."""
import json

import pytest
from bundled import bundled_corpus

from indexer.cli import main


@pytest.mark.parametrize(
    "query, options, parameters",
    [
        ("枫桥经验", [], ""),
        ("法律顾问", ["--year", "2024", "--section", "measures"], "&year=2024&section=measures"),
        ("宣传", ["--law", "民法典", "--sort", "year"], "&law=民法典&sort=year"),
        ("", ["--township", "段园镇", "--township", "均口镇"], "&township=段园镇&township=均口镇"),
    ],
)
def test_cli_search_json_equals_api_search(client, corpus_index_dir, capsys, query, options, parameters):
    assert main(["search", query, *options, "--index", str(corpus_index_dir), "--json", "--per-page", "10"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    from_api = client.get(f"/api/search?q={query}{parameters}&per_page=10").get_json()
    assert from_cli == from_api


def test_api_report_equals_inspect_json(client, capsys):

    corpus_file = bundled_corpus() / "fujian-jianning-junkou-2023.txt"
    assert main(["inspect", str(corpus_file), "--json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    from_api = client.get("/api/reports/fujian-jianning-junkou-2023").get_json()
    from_cli.pop("source_format", None), from_api.pop("source_format", None)
    assert from_cli == from_api


def test_cli_search_without_an_index_says_how_to_build_one(tmp_path, capsys):
    assert main(["search", "枫桥经验", "--index", str(tmp_path / "none")]) == 1
    assert "fazhi index" in capsys.readouterr().err


def test_cli_export_csv_has_bom_and_one_row_per_passage(corpus_index_dir, tmp_path, capsys):
    output = tmp_path / "out.csv"
    assert main(["export", "枫桥经验", "--index", str(corpus_index_dir), "--format", "csv", "--output", str(output)]) == 0
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Wrote 2 passages" in capsys.readouterr().err

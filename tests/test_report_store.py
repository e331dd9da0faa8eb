"""Reports survive the trip into the store and back unchanged; unsafe ids reach nothing."""
from pathlib import Path

import pytest

from indexer.pipeline import parse_report
from indexer.report_store import is_safe_report_id, load_report, remove_report, save_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_stored_report_loads_back_equal(tmp_path):
    report = parse_report(CORPUS / "anhui-duji-duanyuan-2024.txt", CORPUS)
    save_report(tmp_path, report)
    assert load_report(tmp_path, report.report_id) == report


def test_removed_or_unknown_report_is_none(tmp_path):
    report = parse_report(CORPUS / "henan-jiyuan-sili-2024.txt", CORPUS)
    save_report(tmp_path, report)
    remove_report(tmp_path, report.report_id)
    assert load_report(tmp_path, report.report_id) is None
    assert load_report(tmp_path, "no-such-report") is None


@pytest.mark.parametrize("report_id", ["../secret", "..", "a/b", "a\\b", "", ".hidden", "x" * 300, "段园镇"])
def test_unsafe_ids_are_refused(tmp_path, report_id):
    (tmp_path.parent / "secret.json").write_text("{}", encoding="utf-8")
    assert not is_safe_report_id(report_id)
    assert load_report(tmp_path, report_id) is None

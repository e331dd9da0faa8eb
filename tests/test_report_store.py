"""Reports survive the trip into the store and back unchanged; unsafe ids reach nothing."""

import pytest
from bundled import bundled_corpus

from indexer.index.report_store import (
    is_safe_report_id,
    load_report,
    remove_unreferenced,
    save_report,
)
from indexer.pipeline import parse_report

CORPUS = bundled_corpus()


def test_stored_report_loads_back_equal(tmp_path):
    report = parse_report(CORPUS / "anhui-duji-duanyuan-2024.txt", CORPUS)
    save_report(tmp_path, report)
    assert load_report(tmp_path, report.report_id, report.content_hash) == report


def test_versions_of_a_report_live_side_by_side_until_unreferenced(tmp_path):
    report = parse_report(CORPUS / "henan-jiyuan-sili-2024.txt", CORPUS)
    newer = report.__class__(**{**report.__dict__, "content_hash": "f" * 64, "title": "新标题"})
    save_report(tmp_path, report)
    save_report(tmp_path, newer)
    assert load_report(tmp_path, report.report_id, report.content_hash).title == report.title
    assert load_report(tmp_path, report.report_id, "f" * 64).title == "新标题"
    assert remove_unreferenced(tmp_path, {(report.report_id, "f" * 64)}) == 1
    assert load_report(tmp_path, report.report_id, report.content_hash) is None
    assert load_report(tmp_path, "no-such-report", report.content_hash) is None


@pytest.mark.parametrize("report_id", ["../secret", "..", "a/b", "a\\\\b", "", ".hidden", "x" * 300, "段园镇"])
def test_unsafe_ids_are_refused(tmp_path, report_id):
    assert not is_safe_report_id(report_id)
    assert load_report(tmp_path, report_id, "0" * 64) is None

"""What one request can make the server do is bounded: cache memory, rows, bytes and time, with a sentence when cut."""
import csv
import io
import json
import shutil
import sys

import numpy as np
from urllib.parse import quote

import pytest
from bundled import bundled_corpus

from indexer.cli import main
from indexer.index.build import build_index
from indexer.read.document import MAX_TEXT_CHARS
from indexer.search import SearchFilters, open_search_index, search
from indexer.search.query import YearRange
from webui import create_app
from webui.settings import Settings


@pytest.fixture()
def make_client(corpus_index_dir):
    """A client of an app with some settings changed (the rest as the shared app has them)."""
    apps = []

    def make(**changes):
        app = create_app(Settings(heavy_worker=0, index_dir=corpus_index_dir, corpus_dir=bundled_corpus(), **changes))
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["fazhi_index"].close()


def served_index(client):
    holder = client.application.extensions["fazhi_index"]
    index = holder.acquire()
    holder.release(index)
    return index


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_distinct_filter_values_never_grow_the_cache_past_its_bound(corpus_index_dir):
    # 5,000 distinct year ranges once took a server from 211 to 855 MB: every range was kept.
    with open_search_index(corpus_index_dir, filter_cache_bytes=40_000) as index:
        # A filter is kept as one flag per document.
        entry = sys.getsizeof(np.zeros(len(index.live), dtype=bool))
        for end in range(2024, 2424):
            result = search(index, "法治", SearchFilters(year=(YearRange(1000, end),)))
            assert result.total > 0
        assert 0 < index.filter_cache.bytes <= 40_000
        assert len(index.filter_cache) <= 40_000 // entry < 400
        # Nothing keyed by request values is left in the per-generation cache of fixed keys.
        assert len(index._cache) < 20


def test_the_filter_cache_drops_the_least_recently_used_values_first(corpus_index_dir):
    with open_search_index(corpus_index_dir, filter_cache_bytes=40_000) as index:
        wanted = SearchFilters(year=(YearRange(2024, 2024),))
        search(index, "", wanted)
        for end in range(2000, 2300):
            search(index, "", SearchFilters(township=(f"镇{end}",)))
            search(index, "", wanted)  # used again and again, so never the oldest
        kept = index.filter_cache.get_or_make(("year", wanted.year), lambda: None)
        assert kept is not None  # found in the cache, not made again (a new one would be None)
        assert ("township", ("镇2000",)) not in index.filter_cache


def test_a_query_s_matched_rows_are_kept_read_only_within_the_bound_and_agree_with_a_fresh_index(corpus_index_dir):
    # The next page or a ticked facet of the same words reuses the rows matched before; many distinct queries never
    # grow the cache past its bound.
    queries = ["法治", "法 OR 治", "依法行政 -民法典", "行政 执法", "-法治", "矛盾纠纷"] + [f"法治{number}" for number in range(300)]
    with open_search_index(corpus_index_dir) as fresh:
        expected = {query: (search(fresh, query).total, search(fresh, query, SearchFilters(year=(YearRange(2024, 2024),))).total)
                    for query in queries[:6]}
    with open_search_index(corpus_index_dir, filter_cache_bytes=40_000) as index:
        for query in queries:
            search(index, query)
        first = search(index, "法治", page=2, per_page=2)
        for query, (total, in_2024) in expected.items():
            assert search(index, query).total == total
            assert search(index, query, SearchFilters(year=(YearRange(2024, 2024),))).total == in_2024
        assert first.total == expected["法治"][0]
        assert 0 < index.filter_cache.bytes <= 40_000
        kept = index.filter_cache.get_or_make(("phrases", (("法治",),), ()), lambda: None)
        assert kept is not None and not kept.flags.writeable
        assert kept.tolist() == sorted(set(kept.tolist())) and len(kept) == expected["法治"][0]


def test_the_filter_cache_bound_is_the_setting(make_client):
    client = make_client(filter_cache_mb=3)
    assert client.get("/api/search?year=2024").status_code == 200
    assert served_index(client).filter_cache.max_bytes == 3 * 1024 * 1024


# Rows, bytes and time of the heavy routes


def test_web_export_stops_at_the_row_cap_with_a_sentence_and_the_command_has_none(make_client, corpus_index_dir, capsys):
    client = make_client(max_export_rows=5)
    rows = csv_rows(client.get("/export.csv"))
    assert rows[0][0] == "passage_id"
    assert len(rows) == 1 + 5 + 1  # the header, five passages, the sentence
    assert "导出到此为止" in rows[-1][0] and "5 行" in rows[-1][0] and "fazhi export --format csv" in rows[-1][0]
    lines = client.get("/export.jsonl").get_data(as_text=True).splitlines()
    assert len(lines) == 6
    assert all("passage_id" in json.loads(line) for line in lines[:5])
    assert "fazhi export --format jsonl" in json.loads(lines[-1])["notice"]
    # The command line exports every passage.
    assert main(["export", "--format", "jsonl", "--index", str(corpus_index_dir)]) == 0
    exported = capsys.readouterr().out.splitlines()
    assert len(exported) == served_index(client).passage_count() > 5


def test_web_export_stops_at_the_byte_and_time_caps_with_a_sentence(make_client):
    rows = csv_rows(make_client(max_export_mb=0).get("/export.csv"))
    assert len(rows) == 1 and "0 MB" in rows[0][0]
    rows = csv_rows(make_client(max_request_seconds=0).get("/laws.csv"))
    assert len(rows) == 1 and "0 秒" in rows[0][0] and "max_export_rows" in rows[0][0]


# /duplicates.csv goes through the same response; the five bundled reports share no passage, so it has no rows.
@pytest.mark.parametrize("path", ["/laws.csv", "/duplicates/reports.csv", "/coverage.csv", "/trends.csv?q=法治"])
def test_every_csv_export_has_the_row_cap(make_client, path):
    rows = csv_rows(make_client(max_export_rows=2).get(path))
    assert len(rows) == 1 + 2 + 1  # the header, two rows, the sentence
    assert "导出到此为止" in rows[-1][0] and "2 行" in rows[-1][0]


def test_concordance_sorted_by_context_stops_at_its_occurrence_cap(make_client, client):
    query = quote("的 OR 法 OR 治")
    whole = client.get(f"/api/kwic?q={query}&sort=right").get_json()
    assert whole["total"] > 30 and whole["stopped"] == ""
    capped = make_client(max_concordance_lines=30)
    data = capped.get(f"/api/kwic?q={query}&sort=right&per_page=100").get_json()
    assert data["stopped"] == "occurrences"
    assert 30 <= data["total"] < whole["total"]
    assert len(data["lines"]) == data["total"]
    assert "只统计并排列了文档顺序中前" in data["notice"]
    page = capped.get(f"/kwic?q={query}&sort=right").get_data(as_text=True)
    assert "只统计并排列了文档顺序中前" in page
    rows = csv_rows(capped.get(f"/kwic.csv?q={query}&sort=right"))
    assert len(rows) == 1 + data["total"] + 1
    assert "fazhi kwic" in rows[-1][0]


def test_concordance_stops_at_its_time_cap_with_a_sentence(make_client):
    data = make_client(max_request_seconds=0).get("/api/kwic?q=" + quote("法治")).get_json()
    assert data["stopped"] == "time" and data["total"] == 0
    assert "统计用时超过 0 秒" in data["notice"]


def test_concordance_export_stops_at_the_row_cap(make_client):
    rows = csv_rows(make_client(max_export_rows=3).get("/kwic.csv?q=" + quote("法治")))
    assert len(rows) == 1 + 3 + 1
    assert "fazhi kwic" in rows[-1][0] and "3 行" in rows[-1][0]


def test_one_passage_is_served_without_reading_its_whole_report(tmp_path):
    index_dir = tmp_path / "index"
    build_index(bundled_corpus(), index_dir, workers=1)
    app = create_app(Settings(heavy_worker=0, index_dir=index_dir, corpus_dir=bundled_corpus()))
    client = app.test_client()
    try:
        report = client.get("/api/reports/henan-lushan-wawu-2024").get_json()
        # Without the stored reports, a passage can only come from the index's own fields.
        for path in (index_dir / "reports").glob("*.json.z"):
            path.unlink()
        for passage in report["passages"]:
            data = client.get(f"/api/passages/{passage['passage_id']}").get_json()
            assert data["passage"] == passage
            assert data["report"] == {
                key: value for key, value in report.items() if key not in ("sections", "passages", "cited_laws", "warnings")
            }
        assert client.get("/api/reports/henan-lushan-wawu-2024").status_code == 404
    finally:
        app.extensions["fazhi_index"].close()


def test_a_report_over_the_size_limit_is_skipped_at_index_time_with_a_sentence(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(bundled_corpus() / "henan-lushan-wawu-2024.txt", corpus)
    paragraph = "一、加强法治宣传教育，推进依法行政工作。\n"
    (corpus / "huge.txt").write_text("某镇2024年法治政府建设情况报告\n" + paragraph * (MAX_TEXT_CHARS // len(paragraph) + 1), encoding="utf-8")
    summary = build_index(corpus, tmp_path / "index", workers=1)
    assert summary.reports_total == 1
    (skipped,) = summary.skipped
    assert skipped.path.endswith("huge.txt")
    assert f"{MAX_TEXT_CHARS:,}" in skipped.reason and "split it" in skipped.reason


def test_heavy_requests_past_the_bound_are_refused_with_a_sentence_while_searches_go_on(make_client):
    client = make_client(max_heavy_requests=2)
    first = client.get("/export.csv", buffered=False)
    second = client.get("/kwic.csv?q=" + quote("法治"), buffered=False)
    try:
        for path in ("/export.jsonl", "/kwic?q=" + quote("法治"), "/api/trends?q=" + quote("法治"), "/api/coverage"):
            refused = client.get(path)
            assert refused.status_code == 503 and refused.headers["Retry-After"]
            assert "请过几秒再试" in refused.get_data(as_text=True)
        assert client.get("/api/search?q=" + quote("法治")).status_code == 200
    finally:
        # Each suspended stream keeps its request context pushed on this thread, so they end last in, first out.
        second.close()
        first.close()
    # Closing the streams gave their slots back.
    assert client.get("/api/kwic?q=" + quote("法治")).status_code == 200
    assert client.get("/export.jsonl").status_code == 200

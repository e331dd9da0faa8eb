"""What one request can make the server do is bounded: cache memory, rows, bytes and time, with a sentence when cut."""
import csv
import io
import json
import sys
from urllib.parse import quote

import pytest
from bundled import bundled_corpus

from indexer.search import SearchFilters, open_search_index, search
from indexer.search.query import YearRange
from webui import create_app
from webui.settings import Settings


@pytest.fixture()
def make_client(corpus_index_dir):
    """A client of an app with some settings changed (the rest as the shared app has them)."""
    apps = []

    def make(**changes):
        app = create_app(Settings(index_dir=corpus_index_dir, corpus_dir=bundled_corpus(), **changes))
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
        entry = sys.getsizeof(frozenset(index.live_rows))
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
        kept = index.filter_cache.get_or_make(("year", wanted.year), frozenset)
        assert kept  # found in the cache, not made again (a new one would be empty)
        assert ("township", ("镇2000",)) not in index.filter_cache


def test_the_filter_cache_bound_is_the_setting(make_client):
    client = make_client(filter_cache_mb=3)
    assert client.get("/api/search?year=2024").status_code == 200
    assert served_index(client).filter_cache.max_bytes == 3 * 1024 * 1024

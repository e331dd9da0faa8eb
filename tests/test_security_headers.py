"""Every response carries the security headers, and no page holds code the Content-Security-Policy would block."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from webui import create_app
from webui.settings import Settings

ALL_KINDS = [
    "/",  # an HTML page
    "/search?q=" + quote("枫桥经验"),
    "/reports/anhui-duji-duanyuan-2024",
    "/api/search?q=" + quote("枫桥经验"),  # JSON
    "/export.csv?q=" + quote("枫桥经验"),  # CSV
    "/export.jsonl?q=" + quote("枫桥经验"),
    "/trends.svg?q=" + quote("枫桥经验"),  # an image
    "/static/style.css",  # a static file
    "/static/report.js",
    "/reports/henan-jiyuan-sili-2024/original",  # a download
    "/no/such/page",  # an HTML error
    "/api/reports/no-such-report",  # a JSON error
    "/search?page=abc",  # a bad parameter
]


@pytest.mark.parametrize("url", ALL_KINDS)
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert (policy["script-src"], policy["style-src"], policy["frame-ancestors"]) == ("'self'", "'self'", "'none'")
    assert policy["default-src"] == "'none'"


def test_an_unexpected_failure_still_carries_the_headers(corpus_index_dir):
    app = create_app(Settings(heavy_worker=0, index_dir=corpus_index_dir))
    app.add_url_rule("/fail", "fail", lambda: 1 / 0)  # a failure no handler expects
    try:
        response = app.test_client().get("/fail")
    finally:
        app.extensions["fazhi_index"].close()
    assert response.status_code == 500
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/export.csv", "/kwic.csv?q=" + quote("法治"), "/trends.csv?q=" + quote("法治"),
                                 "/coverage.csv", "/laws.csv", "/duplicates.csv", "/duplicates/reports.csv"])
def test_csv_responses_name_their_charset_once(client, url):
    # Closed, as a server closes it: a streamed export holds one of the few heavy-request slots until then.
    with client.get(url) as response:
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


PAGES = [
    "/", "/about", "/search?q=" + quote("枫桥经验"), "/search?q=" + quote("法治") + "&year=2024",
    "/reports/anhui-duji-duanyuan-2024?q=" + quote("枫桥经验"), "/kwic?q=" + quote("枫桥经验"),
    "/trends?q=" + quote("枫桥经验") + "&q=" + quote("网格化"), "/coverage", "/laws", "/laws/" + quote("民法典"),
    "/duplicates", "/no/such/page",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_hold_no_inline_script_style_or_handler(client, url):
    page = client.get(url).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # inline <script>…</script>
    assert re.findall(r"<style\b", page) == []
    assert re.findall(r"\sstyle=", page) == []
    assert re.findall(r"\son[a-z]+=", page) == []  # onclick= and its kin
    assert "javascript:" not in page

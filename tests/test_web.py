"""Every page and API route through Flask's test client, on the index of the bundled corpus."""
import csv
import io
import json
from urllib.parse import quote

import pytest

from webui import create_app
from webui.settings import Settings, setting_help, settings_from_environment


def get_json(client, url):
    response = client.get(url)
    return response.status_code, response.get_json()


def test_factory_honours_the_settings_it_is_given(tmp_path):
    settings = Settings(heavy_worker=0, index_dir=tmp_path / "ix", corpus_dir=tmp_path, per_page=7)
    app = create_app(settings)
    assert app.config["FAZHI_SETTINGS"] is settings
    assert app.extensions["fazhi_index"].index_dir == tmp_path / "ix"


def test_settings_come_from_the_environment_only_through_the_factory_helper(tmp_path):
    settings = settings_from_environment({"FAZHI_INDEX_DIR": str(tmp_path), "FAZHI_PER_PAGE": "5"})
    assert (settings.index_dir, settings.per_page) == (tmp_path, 5)


def test_missing_index_gets_a_sentence_not_a_traceback(tmp_path):
    client = create_app(Settings(heavy_worker=0, index_dir=tmp_path / "none", corpus_dir=tmp_path)).test_client()
    page = client.get("/search?q=枫桥经验")
    assert page.status_code == 503
    assert "fazhi index" in page.get_data(as_text=True)
    status, body = get_json(client, "/api/search?q=枫桥经验")
    assert status == 503 and body["ok"] is False and "fazhi index" in body["error"]


def test_home_page_shows_corpus_at_a_glance(client):
    page = client.get("/").get_data(as_text=True)
    assert "5 篇报告" in page
    assert "枫桥经验" in page
    assert "law:民法典" in page
    assert "/search?year=2024" in page


def test_search_page_says_what_was_searched_and_found(client):
    page = client.get("/search?q=枫桥经验&year=2024").get_data(as_text=True)
    assert "“枫桥经验”：1 篇报告中的 1 个段落 · 2024年" in page
    assert "<mark>枫桥经验</mark>" in page
    assert "/reports/anhui-duji-duanyuan-2024?q=" in page


def test_html_and_json_report_the_same_counts(client):
    for query in ("枫桥经验", "法律顾问", "宣传 section:problems", ""):
        status, data = get_json(client, f"/api/search?q={quote(query)}")
        assert status == 200
        page = client.get(f"/search?q={quote(query)}").get_data(as_text=True)
        assert f"{data['total_reports']} 篇报告中的 {data['total']} 个段落" in page


def test_api_search_has_the_documented_shape(client):
    status, data = get_json(client, "/api/search?q=法律明白人")
    assert status == 200
    assert set(data) == {"query", "filters", "total", "total_reports", "page", "per_page", "sort", "match", "notice", "notices", "hits", "facets"}
    assert set(data["hits"][0]) == {
        "passage_id", "report_id", "title", "township", "county", "city", "province", "year",
        "section_type", "section_label", "heading_path", "snippet", "score", "url", "duplicate_reports", "across_words",
    }
    assert set(data["facets"]) == {"township", "county", "province", "year", "section_type", "law"}
    assert set(data["facets"]["township"][0]) == {"value", "label", "count", "reports"}


def test_choosing_a_township_keeps_the_other_townships_visible(client):
    _, everything = get_json(client, "/api/search?q=法治")
    _, one = get_json(client, "/api/search?q=法治&township=段园镇")
    assert {v["value"] for v in one["facets"]["township"]} == {v["value"] for v in everything["facets"]["township"]}
    assert all(hit["township"] == "段园镇" for hit in one["hits"])
    page = client.get("/search?q=法治&township=段园镇").get_data(as_text=True)
    assert 'aria-pressed="true"' in page
    assert "清除全部筛选" in page


def test_several_values_of_one_facet_are_ored(client):
    _, both = get_json(client, "/api/search?township=段园镇&township=均口镇&per_page=100")
    assert {hit["township"] for hit in both["hits"]} == {"段园镇", "均口镇"}


def test_report_page_renders_structure_and_anchors(client):
    page = client.get("/reports/anhui-duji-duanyuan-2024").get_data(as_text=True)
    assert 'id="anhui-duji-duanyuan-2024-p11"' in page
    assert "关于2024年法治政府建设情况的报告" in page
    assert '<h2 class="heading level-1">1、 主要举措和成效</h2>' in page or "主要举措和成效</h2>" in page
    assert "/search?law=" in page  # cited laws link to law: searches
    assert "/reports/anhui-duji-duanyuan-2024/original" in page


def test_report_page_marks_the_query_words(client):
    page = client.get("/reports/anhui-duji-duanyuan-2024?q=枫桥经验").get_data(as_text=True)
    assert "<mark>枫桥经验</mark>" in page


def test_original_file_downloads(client):
    with client.get("/reports/henan-jiyuan-sili-2024/original") as response:
        assert response.status_code == 200
        assert "思礼镇" in response.get_data().decode("utf-8")
        assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("report_id", ["..%2F..%2Fetc%2Fpasswd", "no-such-report", "%E6%AE%B5"])
def test_unknown_or_unsafe_report_ids_are_404(client, report_id):
    assert client.get(f"/reports/{report_id}").status_code == 404
    status, body = get_json(client, f"/api/reports/{report_id}")
    assert status == 404 and body["ok"] is False


def test_api_report_is_the_inspect_json(client):
    status, data = get_json(client, "/api/reports/henan-lushan-wawu-2024")
    assert status == 200
    assert (data["township"], data["county"], data["year"]) == ("瓦屋镇", "鲁山县", 2024)
    assert data["sections"][0]["section_type"] == "responsibility"


def test_api_passage_has_its_report_metadata(client):
    status, data = get_json(client, "/api/passages/henan-lushan-wawu-2024-p3")
    assert status == 200
    assert data["passage"]["passage_id"] == "henan-lushan-wawu-2024-p3"
    assert data["report"]["township"] == "瓦屋镇"
    assert data["url"] == "/reports/henan-lushan-wawu-2024#henan-lushan-wawu-2024-p3"


def test_unknown_passage_returns_404_with_sentence(client):
    status, body = get_json(client, "/api/passages/henan-lushan-wawu-2024-p999")
    assert status == 404
    assert body == {"ok": False, "error": body["error"], "status": 404}
    assert "p999" in body["error"]


@pytest.mark.parametrize(
    "query_string",
    ["page=-1", "page=abc", "per_page=0", "per_page=1000", "year=abc", "section=nonsense", "sort=random", "q=" + "法" * 10_000],
)
def test_bad_parameters_get_400_with_the_error_shape(client, query_string):
    status, body = get_json(client, f"/api/search?{query_string}")
    assert status == 400
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == 400
    assert body["error"].endswith("。")
    page = client.get(f"/search?{query_string}")
    assert page.status_code == 400
    assert "Traceback" not in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ['"unclosed', "OR", "-", "NOT", "year:", "township:", "((", "枫桥经验 OR", "\\", "*?"])
def test_malformed_queries_still_get_an_answer(client, query):
    status, data = get_json(client, f"/api/search?q={quote(query)}")
    assert status == 200
    assert isinstance(data["total"], int)


def test_report_text_and_queries_are_escaped(client):
    page = client.get("/search?q=" + quote("<script>alert(1)</script>")).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_export_csv_opens_in_excel_and_jsonl_has_text(client):
    csv_text = client.get("/export.csv?q=枫桥经验").get_data().decode("utf-8")
    assert csv_text.startswith("\ufeffpassage_id,")
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert len(rows) == 2
    assert all("枫桥经验" in row["text"] for row in rows)
    lines = client.get("/export.jsonl?q=枫桥经验").get_data(as_text=True).splitlines()
    assert len(lines) == 2
    assert all("枫桥经验" in json.loads(line)["text"] for line in lines)
    assert client.get("/export.xml?q=x").status_code == 400


def test_about_page_is_rendered_markdown(client):
    page = client.get("/about").get_data(as_text=True)
    assert "<h2>怎样检索</h2>" in page
    assert "<table>" in page


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "没有这个页面" in response.get_data(as_text=True)


def test_every_setting_is_documented_in_the_readme():
    readme = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in setting_help():
        assert f"`{name}`" in readme, f"README does not document the setting {name}"


@pytest.mark.parametrize("path", ["/search", "/kwic"])
def test_pages_in_the_middle_link_back_and_on_and_say_where_they_are(client, path):
    import re

    html = client.get(f"{path}?q=法治&per_page=2&page=2").get_data(as_text=True)
    navs = re.findall(r'<nav class="pagination".*?</nav>', html, re.S)
    assert len(navs) == 1
    assert re.search(r"第 2 / (\d+) 页", navs[0]) and int(re.search(r"第 2 / (\d+) 页", navs[0])[1]) > 2
    assert f'rel="prev" href="{path}?q=%E6%B3%95%E6%B2%BB&amp;per_page=2&amp;page=1"' in navs[0]
    assert f'rel="next" href="{path}?q=%E6%B3%95%E6%B2%BB&amp;per_page=2&amp;page=3"' in navs[0]
    first = client.get(f"{path}?q=法治&per_page=2").get_data(as_text=True)
    assert 'rel="next"' in first and 'rel="prev"' not in first

"""The web app as a researcher meets it: hits named by place and year, the research views with the search facets
and one search box, trends that say how many reports a share rests on, a 筛选 link on phones, the about page."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def test_hits_lead_with_township_county_and_year(client):
    data = client.get("/api/search?q=法治&per_page=20").get_json()
    page = client.get("/search?q=法治&per_page=20").get_data(as_text=True)
    headings = [text_of(h2) for h2 in re.findall(r'<li class="hit">\s*<h2>(.*?)</h2>', page, re.DOTALL)]
    assert len(headings) == len(data["hits"]) == 20
    for heading, hit in zip(headings, data["hits"]):
        assert heading == " · ".join(part for part in (hit["township"], hit["county"], f"{hit['year']}年") if part)
        assert not heading.startswith("关于")
    # The title follows, so nothing is lost.
    assert data["hits"][0]["title"] in page


def test_report_page_h1_and_tab_title_lead_with_the_place_and_year(client):
    hit = client.get("/api/search?q=枫桥经验").get_json()["hits"][0]
    page = client.get(f"/reports/{hit['report_id']}").get_data(as_text=True)
    name = f"{hit['township']} · {hit['county']} · {hit['year']}年"
    assert re.search(r"<title>(.*?)</title>", page).group(1).startswith(name)
    assert text_of(re.search(r"<h1>(.*?)</h1>", page, re.DOTALL).group(1)).startswith(name)
    assert hit["title"] in re.search(r"<h1>(.*?)</h1>", page, re.DOTALL).group(1)


@pytest.mark.parametrize("view", ["kwic", "trends"])
def test_research_views_have_the_search_facets_linking_back_to_themselves(client, view):
    page = client.get(f"/{view}?q=法治").get_data(as_text=True)
    aside = re.search(r'<aside class="facets" id="facets".*?</aside>', page, re.DOTALL).group(0)
    for title in ("年份", "章节类型", "乡镇（街道）"):
        assert f"<h3>{title}</h3>" in aside
    links = re.findall(r'href="([^"]+)"', aside)
    assert links and all(link.startswith(f"/{view}?") or link == "#results" for link in links)
    year_link = unescape(next(link for link in links if "year=" in link))
    assert "q=" in year_link and client.get(year_link).status_code == 200


def test_a_concordance_filtered_from_its_sidebar_agrees_with_its_twin_and_csv(client):
    query = urlencode([("q", "法治"), ("year", "2024"), ("section", "measures")])
    page = client.get(f"/kwic?{query}").get_data(as_text=True)
    twin = client.get(f"/api/kwic?{query}").get_json()
    rows = list(csv.DictReader(io.StringIO(client.get(f"/kwic.csv?{query}").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == twin["total"] > 0 and {row["year"] for row in rows} == {"2024"}
    assert f"{twin['total']} 处出现" in page and 'aria-pressed="true"' in page  # the chosen facet values are marked


@pytest.mark.parametrize("url, action", [("/kwic?q=法治&year=2024&sort=right", "/kwic"), ("/trends?q=法治&q=普法&province=安徽省", "/trends")])
def test_research_views_have_one_search_box_that_searches_them_and_keeps_the_filters(client, url, action):
    page = client.get(url).get_data(as_text=True)
    assert page.count('type="search"') == 1 and page.count("<form") == 1
    form = re.search(r"<form.*?</form>", page, re.DOTALL).group(0)
    assert f'action="{action}"' in form
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', form))
    assert hidden.get("year") == "2024" or hidden.get("province") == "安徽省"
    assert "q" not in hidden


def test_trends_take_several_queries_from_the_one_box(client):
    together = client.get("/api/trends?" + urlencode([("q", "枫桥经验、普法")])).get_json()
    apart = client.get("/api/trends?" + urlencode([("q", "枫桥经验"), ("q", "普法")])).get_json()
    assert together == apart and len(together["series"]) == 2
    page = client.get("/trends?" + urlencode([("q", "枫桥经验、普法")])).get_data(as_text=True)
    assert 'value="枫桥经验、普法"' in page


def test_trends_show_n_beside_every_point_and_mark_thin_ones(client):
    data = client.get("/api/trends?q=法治").get_json()
    points = data["series"][0]["by_year"]
    assert any(point["few_reports"] for point in points)  # the bundled reports are a handful a year
    root = ElementTree.fromstring(client.get("/trends.svg?q=法治").get_data(as_text=True))
    labels = [element.text for element in root.iter(f"{SVG}text") if element.text and element.text.startswith("n=")]
    assert labels == [f"n={point['all_reports']}" + ("*" if point["all_reports"] < 5 else "") for point in points]
    rings = [element for element in root.iter(f"{SVG}circle") if element.get("class") == "few-reports"]
    assert len(rings) == sum(point["few_reports"] for point in points)
    assert any("少于 5 篇" in (element.text or "") for element in root.iter(f"{SVG}text"))
    page = client.get("/trends?q=法治").get_data(as_text=True)
    assert page.count('<td class="few-reports">') == sum(
        point["few_reports"] for point in points + data["series"][0]["by_province"]
    )


@pytest.mark.parametrize("url", ["/search?q=法治", "/kwic?q=法治", "/trends?q=法治"])
def test_phones_get_a_filter_link_at_the_top_and_no_inline_script(client, url):
    page = client.get(url).get_data(as_text=True)
    toggle = page.index('class="filter-toggle"')
    assert toggle < page.index('<h1') and '<a href="#facets"' in page[toggle:toggle + 200]
    assert 'id="facets"' in page and 'id="results"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert not re.search(r"\son[a-z]+=", page) and not re.search(r"\sstyle=", page)
    with client.get("/static/facets.js") as script:
        assert script.status_code == 200


def test_about_page_renders_fenced_code_and_pages_have_a_favicon(client):
    page = client.get("/about").get_data(as_text=True)
    code = re.search(r"<pre><code[^>]*>(.*?)</code></pre>", page, re.DOTALL).group(1)
    assert code.splitlines()[:2] == ["file,township,county,year", "段园镇2024.docx,段园镇,杜集区,2024"]
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page).group(1)
    with client.get(icon) as response:
        assert response.status_code == 200 and ElementTree.fromstring(response.get_data()).tag == f"{SVG}svg"

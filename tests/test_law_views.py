"""The cited-law views on the bundled corpus: /laws, /laws/<name>, their JSON twins and the CSV export.

The expected numbers are counted here from the parsed corpus texts, not from the index.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from urllib.parse import quote

import pytest
from bundled import bundled_corpus

from indexer.parse import DOCUMENT, counts_as_law
from indexer.pipeline import iter_report_files, parse_report

CORPUS = bundled_corpus()
CIVIL_CODE = "中华人民共和国民法典"


@pytest.fixture(scope="module")
def citations():
    """Per cited name: {year: report ids}, passage ids, townships per year, section types, and the category."""
    found = defaultdict(lambda: {"years": defaultdict(set), "passages": set(), "townships": defaultdict(set),
                                 "sections": defaultdict(set), "category": ""})
    for path in iter_report_files(CORPUS):
        report = parse_report(path, CORPUS)
        for passage in report.passages:
            # Events named after a law (宪法宣传周) and documents (任务清单) are counted apart, never as laws.
            for citation in filter(counts_as_law, passage.cited_laws):
                law = found[citation.name]
                law["years"][report.year].add(report.report_id)
                law["passages"].add(passage.passage_id)
                law["townships"][report.year].add(report.township)
                law["sections"][passage.section_type].add(passage.passage_id)
                law["category"] = citation.category
    return found


def get_json(client, url):
    response = client.get(url)
    return response.status_code, response.get_json()


def test_api_laws_has_the_documented_shape(client):
    status, data = get_json(client, "/api/laws")
    assert status == 200
    law = data["laws"][0]
    assert {"name", "category", "reports", "passages", "by_year"} <= set(law)
    assert set(law["by_year"][0]) == {"year", "reports", "passages", "townships"}
    assert law["search_url"].startswith("/search?law=")


def test_civil_code_is_cited_by_reports_of_2023_and_2024(client, citations):
    expected = {year: len(reports) for year, reports in citations[CIVIL_CODE]["years"].items()}
    assert set(expected) == {2023, 2024}
    _, data = get_json(client, "/api/laws")
    civil_code = next(law for law in data["laws"] if law["name"] == CIVIL_CODE)
    assert {count["year"]: count["reports"] for count in civil_code["by_year"]} == expected
    assert civil_code["passages"] == len(citations[CIVIL_CODE]["passages"])
    assert (civil_code["category"], civil_code["short_name"]) == ("法律", "民法典")


def test_every_cited_law_has_the_counts_of_the_corpus_texts(client, citations):
    _, data = get_json(client, "/api/laws")
    listed = {law["name"]: law for law in data["laws"]}
    assert set(listed) == set(citations)
    for name, truth in citations.items():
        law = listed[name]
        assert law["reports"] == len(set().union(*truth["years"].values())), name
        assert law["passages"] == len(truth["passages"]), name
        assert law["category"] == truth["category"], name
        assert {count["year"]: count["passages"] for count in law["by_year"]} == {
            year: len([p for p in truth["passages"] if p.rsplit("-p", 1)[0] in reports]) for year, reports in truth["years"].items()
        }, name


def test_books_and_work_lists_are_documents_listed_apart_from_the_laws(client):
    _, data = get_json(client, "/api/laws")
    documents = {law["name"]: law for law in data["documents"]}
    # 段园镇 p2 and p3, 思礼镇 p2 (bundled reports): a study outline, a township's task list, a yearly work plan.
    assert set(documents) == {"习近平法治思想学习纲要", "段园镇法治建设任务清单", "济源示范区2024年度法治政府建设工作安排"}
    assert {law["category"] for law in documents.values()} == {DOCUMENT}
    assert not set(documents) & {law["name"] for law in data["laws"]}
    page = client.get("/laws").get_data(as_text=True)
    laws_part, documents_part = page.split("引用的书籍和工作文件", 1)
    for name in documents:
        assert name in documents_part and name not in laws_part
    status, detail = get_json(client, "/api/laws/段园镇法治建设任务清单")
    assert status == 200 and detail["law"]["reports"] == 1 and detail["law"]["category"] == DOCUMENT


def test_events_named_after_a_law_are_counted_apart_from_its_citations(client):
    _, data = get_json(client, "/api/laws")
    constitution = next(law for law in data["laws"] if law["short_name"] == "宪法")
    events = {law["short_name"]: law for law in data["events"]}
    # 《宪法》 in 均口镇's report and 宪法、民法典… in 思礼镇's are citations; 段园镇's 宪法宣传周, 上安镇's
    # 宪法宣传活动 and 瓦屋镇's 宪法日 are events.
    assert constitution["reports"] == 2
    assert events["宪法"]["reports"] == 3
    assert events["民法典"]["reports"] == 1
    page = client.get("/laws").get_data(as_text=True)
    assert 'data-event-reports="3"' in page.split("以法律命名的活动", 1)[1]
    law_page = client.get("/laws/宪法").get_data(as_text=True)
    assert "另有 3 篇报告" in law_page
    _, detail = get_json(client, "/api/laws/宪法")
    assert detail["law"]["reports"] == 2 and detail["events"]["reports"] == 3


def test_a_law_named_twice_in_one_passage_is_one_citing_passage(client):
    # 段园镇's p2 names 中华人民共和国民法典 twice (民法典宣传月 and 《民法典》): one passage of one report.
    _, detail = get_json(client, "/api/laws/民法典?per_page=100")
    duanyuan = [passage for passage in detail["passages"] if passage["report_id"] == "anhui-duji-duanyuan-2024"]
    assert [passage["passage_id"] for passage in duanyuan] == ["anhui-duji-duanyuan-2024-p2"]
    # Only the citation is marked in the citing sentences, not the event.
    marked = [sentence["text"][start:end] for sentence in duanyuan[0]["sentences"] for start, end in sentence["spans"]]
    assert marked == ["《民法典》"]


def test_html_and_json_show_the_same_counts(client):
    _, data = get_json(client, "/api/laws")
    page = client.get("/laws").get_data(as_text=True)
    for law in data["laws"]:
        row = page.split(f'href="{law["url"]}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-reports="{law["reports"]}"' in row, law["name"]
        assert f'data-passages="{law["passages"]}"' in row, law["name"]
        assert f'href="{law["search_url"]}"' in row.replace("&amp;", "&")


def test_a_category_filter_keeps_only_that_category(client):
    _, data = get_json(client, "/api/laws?category=党内法规")
    assert data["laws"] and {law["category"] for law in data["laws"]} == {"党内法规"}
    page = client.get("/laws?category=党内法规").get_data(as_text=True)
    assert "民法典" not in page.split("<table", 1)[1]


def test_laws_export_as_csv_has_a_row_per_law_with_counts_per_year(client):
    csv_text = client.get("/laws.csv").get_data().decode("utf-8")
    assert csv_text.startswith("\ufeffname,short_name,category,reports,passages,townships,reports_2023,passages_2023")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))}
    _, data = get_json(client, "/api/laws")
    assert set(rows) == {law["name"] for law in data["laws"]}
    civil_code = rows[CIVIL_CODE]
    assert (civil_code["reports_2023"], civil_code["reports_2024"]) == ("1", "3")


@pytest.mark.parametrize("name", [
    "民法典",  # the short name
    "《中华人民共和国民法典》",  # a title as written in a report
    CIVIL_CODE,  # the canonical name
])
def test_law_page_accepts_any_alias(client, name):
    status, data = get_json(client, f"/api/laws/{quote(name)}")
    assert status == 200
    assert data["law"]["name"] == CIVIL_CODE


def test_law_page_counts_townships_by_year_and_section_types(client, citations):
    truth = citations[CIVIL_CODE]
    _, data = get_json(client, f"/api/laws/{quote('民法典')}")
    assert {count["year"]: count["townships"] for count in data["law"]["by_year"]} == {
        year: len(townships) for year, townships in truth["townships"].items()
    }
    assert {section["section_type"]: section["passages"] for section in data["by_section"]} == {
        section: len(passages) for section, passages in truth["sections"].items()
    }
    assert data["total"] == len(data["passages"]) == len(truth["passages"])
    assert [passage["year"] for passage in data["passages"]] == sorted((p["year"] for p in data["passages"]), reverse=True)


def test_law_page_marks_the_citing_sentence(client):
    _, data = get_json(client, f"/api/laws/{quote('民法典')}")
    for passage in data["passages"]:
        assert passage["sentences"]
        for sentence in passage["sentences"]:
            cited = [sentence["text"][start:end] for start, end in sentence["spans"]]
            assert cited and all("民法典" in part for part in cited)
            assert "\n" not in sentence["text"]
    page = client.get(f"/laws/{quote('民法典')}").get_data(as_text=True)
    assert re.search(r"<mark>[^<]*<strong>《?(中华人民共和国)?民法典》?</strong>[^<]*", page)
    assert "发放《民法典》《土地管理法》" in page.replace("<strong>", "").replace("</strong>", "")


def test_citing_passages_are_paginated(client):
    _, first = get_json(client, f"/api/laws/{quote('民法典')}?per_page=3")
    _, second = get_json(client, f"/api/laws/{quote('民法典')}?per_page=3&page=2")
    assert len(first["passages"]) == 3 and len(second["passages"]) == first["total"] - 3
    assert not {p["passage_id"] for p in first["passages"]} & {p["passage_id"] for p in second["passages"]}


def test_a_catalogued_law_nobody_cites_has_a_page_that_says_so(client):
    status, data = get_json(client, f"/api/laws/{quote('长江保护法')}")
    assert status == 200 and (data["law"]["reports"], data["passages"]) == (0, [])
    assert "语料中没有报告引用《长江保护法》" in client.get(f"/laws/{quote('长江保护法')}").get_data(as_text=True)


def test_unknown_law_returns_404_with_sentence(client):
    status, data = get_json(client, f"/api/laws/{quote('乡镇不存在条例')}")
    assert status == 404
    assert data == {"ok": False, "status": 404, "error": data["error"]}
    assert "乡镇不存在条例" in data["error"] and data["error"].endswith("。")
    page = client.get(f"/laws/{quote('乡镇不存在条例')}")
    assert page.status_code == 404 and "请从引用法规列表中选择" in page.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/api/laws?category=法令",  # not a category of the cited laws
    "/api/laws?sort=popular",
    "/laws.csv?sort=popular",
    f"/api/laws/{quote('民法典')}?page=0",
    f"/api/laws/{quote('民法典')}?per_page=abc",
])
def test_bad_parameters_get_400_with_a_sentence(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        body = response.get_json()
        assert body["ok"] is False and body["status"] == 400 and body["error"].endswith("。")


def test_law_facet_counts_citations_only(client):
    data = client.get("/api/search?q=").get_json()
    laws = {value["value"]: value for value in data["facets"]["law"]}
    # 宪法 is cited in two reports; three more only hold a 宪法日 / 宪法宣传周 / 宪法宣传活动.
    assert laws["中华人民共和国宪法"]["reports"] == 2
    assert "习近平法治思想学习纲要" not in laws and "段园镇法治建设任务清单" not in laws

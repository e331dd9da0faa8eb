"""The concordance, trends and coverage views: real numbers on the bundled corpus, JSON twins, exports, errors."""
import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import Counter
from urllib.parse import quote, urlencode

import numpy as np
import pytest

from indexer.cli import main
from indexer.parse.normalize import fold_for_matching
from indexer.research.concordance import concordance
from indexer.research.coverage import DEFAULT_TOPICS, split_topics
from indexer.research.occurrences import SORT_KEY_CHARS, _occurrences_never_overlap
from webui.charts import ChartSeries, share_line_chart

SVG = "{http://www.w3.org/2000/svg}"


def get_json(client, url):
    response = client.get(url)
    return response.status_code, response.get_json()


def read_csv(client, url):
    text = client.get(url).get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture(scope="module")
def passages(app):
    """Every passage of the corpus as the export gives it (heading path, text, report, cited laws)."""
    lines = app.test_client().get("/export.jsonl").get_data(as_text=True).splitlines()
    return [json.loads(line) for line in lines]


def occurrences_in_texts(passages, phrase):
    return sum(fold_for_matching(passage["text"]).count(phrase) for passage in passages)


# Concordance


def test_concordance_lists_each_occurrence_of_fengqiao_with_its_context(client):
    status, data = get_json(client, "/api/kwic?q=" + quote("枫桥经验"))
    assert status == 200
    assert data["total"] == 2
    lines = {line["report_id"]: line for line in data["lines"]}
    junkou = lines["fujian-jianning-junkou-2023"]
    assert (junkou["left"], junkou["match"], junkou["right"]) == (
        "二是注重源头化解。坚持发展新时代“", "枫桥经验", "”，深化网格化管理，进一步完善动态预警、访调对接、多元化解等"
    )
    assert (junkou["township"], junkou["year"], junkou["section_type"]) == ("均口镇", 2023, "next_steps")
    duanyuan = lines["anhui-duji-duanyuan-2024"]
    assert (duanyuan["left"], duanyuan["right"]) == (
        ".大力推进基层矛盾纠纷多元化解体系。段园镇坚持和发展新时代“", "”，在源头治理上下功夫，立足村（社区）工作实际，以镇村两级人"
    )
    assert duanyuan["url"] == "/reports/anhui-duji-duanyuan-2024?q=" + quote("枫桥经验") + "#anhui-duji-duanyuan-2024-p11"


def test_concordance_line_is_cut_from_its_passage_text(client):
    _, data = get_json(client, "/api/kwic?q=" + quote("枫桥经验"))
    for line in data["lines"]:
        _, passage = get_json(client, f"/api/passages/{line['passage_id']}")
        text = passage["passage"]["text"]
        assert line["left"] + line["match"] + line["right"] in text
        assert "\n" not in line["left"] + line["right"]  # context stops at a line break


def test_several_occurrences_in_one_passage_give_several_lines(client, passages):
    _, data = get_json(client, "/api/kwic?q=" + quote("法治"))
    assert data["total"] == occurrences_in_texts(passages, "法治") > data["total_passages"]
    rows = read_csv(client, "/kwic.csv?q=" + quote("法治"))
    per_passage = Counter(row[rows[0].index("passage_id")] for row in rows[1:])
    assert sum(per_passage.values()) == data["total"]
    passage_id, count = per_passage.most_common(1)[0]
    text = next(passage["text"] for passage in passages if passage["passage_id"] == passage_id)
    assert count == text.count("法治") >= 2


def test_concordance_counts_occurrences_only_in_passages_search_matches(client, passages):
    _, data = get_json(client, "/api/kwic?q=" + quote("宣传") + "&section=problems")
    in_problems = [passage for passage in passages if passage["section_type"] == "problems"]
    assert data["total"] == occurrences_in_texts(in_problems, "宣传") > 0
    _, searched = get_json(client, "/api/search?q=" + quote("宣传") + "&section=problems")
    assert data["total_passages"] <= searched["total"]


@pytest.mark.parametrize(
    "query, sort, key",
    [
        ("法治", "right", lambda line: fold_for_matching(line["right"])[:SORT_KEY_CHARS]),
        # left context read backwards from the match, so lines group by the word just before it
        ("法治", "left", lambda line: fold_for_matching(line["left"])[::-1][:SORT_KEY_CHARS]),
        # phrases that can overlap take the slower path for left keys; the order must be the same kind
        ("法治 OR 法治政府", "left", lambda line: fold_for_matching(line["left"])[::-1][:SORT_KEY_CHARS]),
    ],
)
def test_sorting_orders_lines_by_their_context(client, query, sort, key):
    _, data = get_json(client, f"/api/kwic?q={quote(query)}&sort={sort}&per_page=100")
    keys = [key(line) for line in data["lines"]]
    assert len(keys) == 100 and keys == sorted(keys)
    _, in_document_order = get_json(client, f"/api/kwic?q={quote(query)}&per_page=100")
    assert keys != [key(line) for line in in_document_order["lines"]]


def test_sorted_lines_are_the_same_occurrences_as_document_order(client):
    for sort in ("left", "right"):
        rows = read_csv(client, f"/kwic.csv?q={quote('法治 OR 治理')}&sort={sort}")
        in_order = read_csv(client, f"/kwic.csv?q={quote('法治 OR 治理')}")
        assert sorted(rows[1:]) == sorted(in_order[1:]) and len(rows) > 2


@pytest.mark.parametrize(
    "phrases, never",
    [
        (("法", "治"), True),
        (("枫桥经验",), True),
        (("法治", "治理"), False),  # 法治理
        (("哈哈",), False),  # 哈哈哈 holds two that share a character
        (("法治政府", "法治"), False),  # one inside the other
    ],
)
def test_knows_when_occurrences_can_overlap(phrases, never):
    assert _occurrences_never_overlap(phrases) is never


def test_concordance_pages_follow_on(client):
    _, first = get_json(client, f"/api/kwic?q={quote('法治')}&sort=right&per_page=5")
    _, second = get_json(client, f"/api/kwic?q={quote('法治')}&sort=right&per_page=5&page=2")
    _, both = get_json(client, f"/api/kwic?q={quote('法治')}&sort=right&per_page=10")
    assert first["lines"] + second["lines"] == both["lines"]


def test_longer_phrase_wins_where_two_phrases_start_together(corpus_index):
    result = concordance(corpus_index, "法治 OR 法治政府", per_page=500)
    matches = Counter(line.match for line in result.lines)
    assert matches["法治政府"] > 0 and matches["法治"] > 0
    only_short = concordance(corpus_index, "法治")
    assert result.total == only_short.total  # every 法治政府 is one occurrence, not two


@pytest.mark.parametrize("sort", ["document", "left", "right"])
def test_a_query_of_filters_only_has_no_lines_to_show(client, sort):
    status, data = get_json(client, f"/api/kwic?q={quote('law:民法典')}&sort={sort}")
    assert status == 200
    assert (data["total"], data["lines"], data["filters"]["law"]) == (0, [], ["中华人民共和国民法典"])


def test_concordance_page_and_json_report_the_same_counts(client):
    for query in ("枫桥经验", "法治", "法律顾问 year:2024"):
        _, data = get_json(client, "/api/kwic?q=" + quote(query))
        page = client.get("/kwic?q=" + quote(query)).get_data(as_text=True)
        assert f"{data['total']} 处出现，见于 {data['total_reports']} 篇报告的 {data['total_passages']} 个段落" in page
        assert page.count('class="kwic-match"') - 1 == len(data["lines"])  # minus the header cell


def test_concordance_csv_has_every_line(client):
    rows = read_csv(client, "/kwic.csv?q=" + quote("法治") + "&sort=left&per_page=5")
    _, data = get_json(client, "/api/kwic?q=" + quote("法治"))
    assert rows[0][:3] == ["left", "match", "right"]
    assert len(rows) - 1 == data["total"]
    assert {row[1] for row in rows[1:]} == {"法治"}


def test_kwic_command_prints_lines_aligned_on_the_match(corpus_index_dir, capsys):
    assert main(["kwic", "法治", "--township", "段园镇", "--limit", "6", "--index", str(corpus_index_dir)]) == 0
    output = capsys.readouterr().out.splitlines()
    assert output[0].endswith("(the first 6)")
    lines = output[1:]
    assert len(lines) == 6 and all("【法治】" in line and "段园镇" in line for line in lines)
    widths = {sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line[: line.index("【")]) for line in lines}
    assert len(widths) == 1


def test_kwic_command_asks_for_a_query(corpus_index_dir, capsys):
    assert main(["kwic", " ", "--index", str(corpus_index_dir)]) == 2
    assert "fazhi kwic 枫桥经验" in capsys.readouterr().err


# Trends


def test_trends_count_fengqiao_reports_by_year_as_a_share_of_that_year(client, corpus_index):
    status, data = get_json(client, "/api/trends?q=" + quote("枫桥经验"))
    assert status == 200
    (series,) = data["series"]
    by_year = {point["year"]: point for point in series["by_year"]}
    reports_per_year = Counter(corpus_index.table.years)
    assert reports_per_year == {2023: 1, 2024: 4}
    assert {year: (point["reports"], point["all_reports"], point["share"]) for year, point in by_year.items()} == {
        2023: (1, 1, 1.0),
        2024: (1, 4, 0.25),
    }
    by_province = {point["province"]: point["reports"] for point in series["by_province"]}
    assert by_province == {"安徽省": 1, "福建省": 1, "河南省": 0, "重庆市": 0}


def test_trends_compare_several_queries_under_the_same_filters(client):
    _, data = get_json(client, "/api/trends?" + urlencode([("q", "枫桥经验"), ("q", "网格化"), ("province", "河南省")]))
    assert [series["query"] for series in data["series"]] == ["枫桥经验", "网格化"]
    fengqiao, grid = data["series"]
    # Henan has two 2024 reports; the share is taken of them only.
    assert [(p["year"], p["reports"], p["all_reports"]) for p in fengqiao["by_year"]] == [(2024, 0, 2)]
    assert [(p["year"], p["reports"], p["all_reports"]) for p in grid["by_year"]] == [(2024, 1, 2)]


def test_trends_page_shows_the_numbers_of_its_json_twin(client):
    url = urlencode([("q", "枫桥经验"), ("q", "法律顾问")])
    _, data = get_json(client, "/api/trends?" + url)
    page = client.get("/trends?" + url).get_data(as_text=True)
    for series in data["series"]:
        assert f"“{series['query']}”：{series['reports']} 篇报告、{series['passages']} 个段落" in page
        for point in series["by_year"]:
            share = f"{point['share'] * 100:.1f}%"
            cell = f'<td class="few-reports">{share}*</td>' if point["few_reports"] else f"<td>{share}</td>"
            assert f"<td>{point['reports']}/{point['all_reports']}</td>{cell}" in page
            assert point["few_reports"] == (point["all_reports"] < 5)


def test_trends_chart_is_well_formed_svg_labelled_with_each_query(client):
    queries = ["枫桥经验", "网格化", "a<b&c"]
    for chart in ("year", "province"):
        response = client.get("/trends.svg?" + urlencode([("q", query) for query in queries] + [("chart", chart)]))
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        root = ElementTree.fromstring(response.get_data(as_text=True))
        assert root.tag == f"{SVG}svg"
        texts = {element.text for element in root.iter(f"{SVG}text")}
        assert set(queries) <= texts
    page = client.get("/trends?" + urlencode([("q", query) for query in queries])).get_data(as_text=True)
    inline = re.findall(r"<svg .*?</svg>", page, re.DOTALL)
    assert len(inline) == 2
    for svg in inline:
        ElementTree.fromstring(svg)


def test_chart_lines_differ_by_dash_and_marker_not_only_colour():
    series = tuple(ChartSeries(f"词{number}", (0.1 * number, None, 0.05), ("1/10", "", "1/20")) for number in range(3))
    root = ElementTree.fromstring(share_line_chart("test", "占比", ("2022", "2023", "2024"), series, (10, 10, 10), 5))
    dashes = [path.get("stroke-dasharray") for path in root.iter(f"{SVG}path") if path.get("fill") == "none"]
    assert len(set(dashes)) == 3
    assert {element.tag for element in root} >= {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"}
    # The missing 2023 value breaks each line into a separate run instead of drawing through it.
    assert all(path.get("d").count("M") == 2 for path in root.iter(f"{SVG}path") if path.get("fill") == "none")


def test_trends_csv_has_a_row_per_query_and_year_or_province(client):
    rows = read_csv(client, "/trends.csv?" + urlencode([("q", "枫桥经验"), ("q", "网格化")]))
    assert rows[0] == ["query", "by", "value", "reports", "all_reports", "share", "passages"]
    assert ["枫桥经验", "year", "2024", "1", "4", "0.25", "1"] in rows
    assert len(rows) - 1 == 2 * (2 + 4)  # two queries × (two years + four provinces)


def test_trends_page_without_a_query_invites_one(client):
    page = client.get("/trends").get_data(as_text=True)
    assert "<svg" not in page
    assert "/trends?q=%E6%9E%AB%E6%A1%A5%E7%BB%8F%E9%AA%8C&amp;q=" in page


# Coverage


def test_coverage_marks_exactly_the_reports_containing_each_topic(client, passages):
    _, data = get_json(client, "/api/coverage")
    assert [topic["topic"] for topic in data["topics"]] == list(DEFAULT_TOPICS)
    assert data["total"] == 5 == len(data["rows"])
    for position, topic in enumerate(DEFAULT_TOPICS):
        expected = Counter(
            passage["report_id"]
            for passage in passages
            if fold_for_matching(topic) in fold_for_matching("\n".join([*passage["heading_path"], passage["text"]]))
        )
        cells = {row["report_id"]: row["cells"][position]["passages"] for row in data["rows"]}
        assert {report: count for report, count in cells.items() if count} == dict(expected), topic
        assert data["topics"][position]["reports"] == len(expected)


def test_coverage_takes_a_law_as_a_topic(client, passages):
    _, data = get_json(client, "/api/coverage?topics=" + quote("law:民法典、枫桥经验"))
    assert [topic["topic"] for topic in data["topics"]] == ["law:民法典", "枫桥经验"]
    citing = Counter(
        passage["report_id"] for passage in passages if any(law["name"] == "中华人民共和国民法典" for law in passage["cited_laws"])
    )
    assert citing
    assert {row["report_id"]: row["cells"][0]["passages"] for row in data["rows"] if row["cells"][0]["passages"]} == dict(citing)


def test_coverage_keeps_only_reports_passing_the_filters(client):
    _, data = get_json(client, "/api/coverage?year=2024&province=" + quote("河南省"))
    assert {row["township"] for row in data["rows"]} == {"思礼镇", "瓦屋镇"}


@pytest.mark.parametrize(
    "text, topics",
    [
        ("普法,信访、政务公开", ("普法", "信访", "政务公开")),
        ("普法，普法；law:民法典", ("普法", "law:民法典")),  # full-width separators; repeats dropped
        (" 、 ,", ()),
    ],
)
def test_topics_are_split_at_commas_and_enumeration_commas(text, topics):
    assert split_topics(text) == topics


def test_coverage_page_agrees_with_json_and_links_each_cell_to_its_search(client):
    _, data = get_json(client, "/api/coverage")
    page = client.get("/coverage").get_data(as_text=True)
    assert f"{data['total']} 篇报告 × {len(DEFAULT_TOPICS)} 个主题" in page
    for topic in data["topics"]:
        assert f"<td>{topic['reports']}/{data['total']}</td>" in page
    marked = sum(1 for row in data["rows"] for cell in row["cells"] if cell["passages"])
    assert page.count('class="covered"') == marked
    assert page.count('class="gap"') == len(data["rows"]) * len(DEFAULT_TOPICS) - marked
    link = "/search?" + urlencode([("q", "枫桥经验"), ("township", "段园镇"), ("year", "2024")])
    assert link.replace("&", "&amp;") in page


def test_coverage_csv_has_a_column_per_topic_and_blank_where_not_covered(client):
    rows = read_csv(client, "/coverage.csv?topics=" + quote("枫桥经验、行政执法"))
    assert rows[0] == ["report_id", "township", "county", "province", "year", "title", "枫桥经验", "行政执法"]
    by_report = {row[0]: row[6:] for row in rows[1:]}
    assert by_report["anhui-duji-duanyuan-2024"] == ["1", ""]
    assert len(by_report) == 5


# Errors


@pytest.mark.parametrize(
    "path, query_string",
    [
        ("kwic", "q=x&sort=random"),
        ("kwic", "q=x&page=0"),
        ("kwic", "q=x&per_page=1000"),
        ("kwic", "q=" + "法" * 10_000),
        ("trends", "&".join(f"q=w{number}" for number in range(7))),
        ("trends", "q=x&year=abc"),
        ("coverage", "topics=" + quote("、".join(f"题{number}" for number in range(21)))),
        ("coverage", "topics=" + "法" * 600),
        ("coverage", "section=nonsense"),
    ],
)
def test_bad_parameters_get_400_with_the_error_shape(client, path, query_string):
    status, body = get_json(client, f"/api/{path}?{query_string}")
    assert status == 400
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == 400
    assert body["error"].endswith("。")
    for url in (f"/{path}?{query_string}", f"/{path}.csv?{query_string}"):
        page = client.get(url)
        assert page.status_code == 400
        assert "Traceback" not in page.get_data(as_text=True)
    assert client.get("/trends.svg?q=x&chart=pie").status_code == 400


@pytest.mark.parametrize("query", ['"unclosed', "OR", "-", "law:", "year:", "\\", "*?", "<script>"])
def test_malformed_queries_still_get_an_answer(client, query):
    for url in (f"/api/kwic?q={quote(query)}", f"/api/trends?q={quote(query)}", f"/api/coverage?topics={quote(query)}"):
        assert client.get(url).status_code == 200
    for url in (f"/kwic?q={quote(query)}", f"/trends?q={quote(query)}", f"/coverage?topics={quote(query)}"):
        page = client.get(url)
        assert page.status_code == 200
        assert "<script>" not in page.get_data(as_text=True)


def test_concordance_rows_are_in_document_order_whether_marked_or_sorted(corpus_index, monkeypatch):
    from indexer.research import occurrences
    generator = np.random.default_rng(3)
    live = corpus_index.live_rows
    samples = [live, live[:1], generator.choice(live, size=len(live) // 3, replace=False)]
    position = {row: place for place, row in enumerate(corpus_index.township_order.tolist())}
    for rows in samples:
        expected = sorted(rows.tolist(), key=position.__getitem__)
        for share in (1, 10**9):  # sorted by their ranks, then marked and read off the order
            monkeypatch.setattr(occurrences, "_FEW_ROWS_SHARE", share)
            assert occurrences._in_document_order(corpus_index, rows).tolist() == expected

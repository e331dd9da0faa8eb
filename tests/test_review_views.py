"""Required contents, the same township across years, two reports compared, and feeds, on small reports
written here: two years of one township (the later one late and repeating its problems), a report without
a problems section, and a township of the same name in another county."""
import time
import xml.etree.ElementTree as ElementTree

import pytest

from indexer.index import build_index
from indexer.research import (
    compare_reports,
    feed,
    repeating_townships,
    review,
    township_histories,
)
from indexer.search import build_filters, open_search_index
from webui import create_app
from webui.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"
PROBLEMS = "一是行政执法人员专业素质不高，执法程序不够规范，案卷制作质量有待提升。二是村级法律顾问作用发挥不充分，群众法律咨询渠道偏少。"
PLAN = "一是加强行政执法人员培训，规范执法程序，提高案卷质量。二是发挥村级法律顾问作用，拓宽群众咨询渠道。"


def report_text(township: str, year: int, date: str, sections: list[tuple[str, str]]) -> str:
    """A small report: title, addressee, preamble, numbered sections (a heading and its text), issuer and date."""
    numbers = "一二三四五六"
    body = "\n".join(f"{numbers[position]}、{heading}\n{text}" for position, (heading, text) in enumerate(sections))
    return (f"{township}{year}年法治政府建设情况的报告\n\n县委、县政府：\n{year}年，{township}深入推进法治政府建设，"
            f"现将有关情况报告如下。\n{body}\n\n{township}人民政府\n{date}\n")


QINGHE_2023 = report_text("青河镇", 2023, "2024年2月20日", [
    ("主要举措和成效", "（一）压实第一责任人职责\n镇党委书记、镇长认真履行推进法治建设第一责任人职责，全年召开专题会议4次，研究法治建设重大事项。\n"
                  "（二）化解矛盾纠纷\n全年排查调处各类矛盾纠纷120件，调处成功118件，培育法律明白人一百二十名。"),
    ("存在的不足和原因", PROBLEMS),
    ("下一步工作安排", PLAN),
])
# A year later: late, the problems copied nearly unchanged, a plan about other things.
QINGHE_2024 = report_text("青河镇", 2024, "2025年3月15日", [
    ("主要举措和成效", "（一）压实第一责任人职责\n镇党委书记、镇长认真履行推进法治建设第一责任人职责，全年召开专题会议5次，研究法治建设重大事项。\n"
                  "（二）化解矛盾纠纷\n全年排查调处各类矛盾纠纷135件，调处成功130件，新建调解室2个。"),
    ("存在的不足和原因", PROBLEMS.replace("偏少", "较少")),
    ("下一步工作安排", "一是发展乡村旅游产业，办好桃花节。二是修建村道公路，改善交通出行。"),
])
# No problems section at all, and a passage text with markup characters a feed must escape.
BAIHE_2024 = report_text("白河乡", 2024, "", [
    ("党政主要负责人履行推进法治建设第一责任人职责情况", "乡党委书记带头学法，讲授法治课2次，主持召开法治建设专题会议3次，部署<年度>法治任务。"),
    ("主要举措和成效", "全年开展普法宣传活动11次，发放宣传资料2000余份，审查合同15份，化解矛盾纠纷46件。"),
    ("下一步工作安排", "继续深化普法宣传，完善公共法律服务体系，提高群众法治意识。"),
])
OTHER_QINGHE = report_text("青河镇", 2024, "2025年1月10日", [
    ("主要举措和成效", "平泉市青河镇推进依法行政，全年办理行政复议案件3件，开展法治讲座6场次，覆盖群众800余人次。"),
    ("存在的问题", "法治宣传的形式还比较单一，针对青少年和老年人的普法内容偏少，宣传效果有待提高。"),
    ("下一步打算", "丰富法治宣传形式，针对青少年和老年人编写普法读本，提高宣传效果。"),
])
CATALOGUE = """file,township,county,city,province,division_code,year,date,issuer,title
qinghe-2023.txt,青河镇,青河县,阿勒泰地区,新疆维吾尔自治区,,2023,,,
qinghe-2024.txt,青河镇,青河县,阿勒泰地区,新疆维吾尔自治区,,2024,,,
baihe-2024.txt,白河乡,青河县,阿勒泰地区,新疆维吾尔自治区,,2024,,,
pingquan-qinghe-2024.txt,青河镇,平泉市,承德市,河北省,,2024,,,
"""


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review") / "corpus"
    folder.mkdir()
    for name, text in [("qinghe-2023.txt", QINGHE_2023), ("qinghe-2024.txt", QINGHE_2024), ("baihe-2024.txt", BAIHE_2024),
                       ("pingquan-qinghe-2024.txt", OTHER_QINGHE)]:
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_index_dir(small_corpus, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("review-index")
    build_index(small_corpus, index_dir, workers=1)
    return index_dir


@pytest.fixture(scope="module")
def small_index(small_index_dir):
    index = open_search_index(small_index_dir)
    yield index
    index.close()


@pytest.fixture(scope="module")
def small_client(small_index_dir, small_corpus):
    app = create_app(Settings(heavy_worker=0, index_dir=small_index_dir, corpus_dir=small_corpus))
    yield app.test_client()
    app.extensions["fazhi_index"].close()


def rows_by_id(result):
    return {row.report_id: row for row in result.reports}


# Required contents


def test_a_part_covered_by_a_subsection_says_where_it_was_found(small_index):
    qinghe = rows_by_id(review(small_index))["qinghe-2023"]
    found = {part.key: part for part in qinghe.parts}
    assert (found["responsibility"].level, found["responsibility"].heading) == ("subsection", "压实第一责任人职责")
    assert (found["problems"].level, found["problems"].heading) == ("section", "存在的不足和原因")
    assert qinghe.missing == ()


def test_a_report_without_problems_section_lacks_that_part_and_is_flagged(small_index):
    baihe = rows_by_id(review(small_index))["baihe-2024"]
    assert baihe.missing == ("problems",)
    assert "no_problems" in baihe.flags
    assert baihe.on_time is None and baihe.date == ""


def test_a_report_dated_after_first_of_march_is_late(small_index):
    rows = rows_by_id(review(small_index))
    assert (rows["qinghe-2023"].date, rows["qinghe-2023"].on_time) == ("2024-02-20", True)
    assert (rows["qinghe-2024"].date, rows["qinghe-2024"].on_time) == ("2025-03-15", False)
    assert "late" in rows["qinghe-2024"].flags and "late" not in rows["qinghe-2023"].flags


def test_a_short_problems_section_is_flagged_under_the_threshold_given(small_index):
    qinghe = rows_by_id(review(small_index))["qinghe-2023"]
    assert qinghe.problem_characters == len(PROBLEMS)
    assert "short_problems" in rows_by_id(review(small_index, min_problem_chars=len(PROBLEMS) + 1))["qinghe-2023"].flags
    assert "short_problems" not in rows_by_id(review(small_index, min_problem_chars=len(PROBLEMS)))["qinghe-2023"].flags


def test_a_plan_sharing_no_term_with_the_problems_is_flagged(small_index):
    rows = rows_by_id(review(small_index))
    assert "plan_ignores_problems" in rows["qinghe-2024"].flags  # 乡村旅游, 村道 … take up none of 执法, 案卷, 法律顾问
    assert "plan_ignores_problems" not in rows["qinghe-2023"].flags


def test_county_summary_counts_complete_late_and_missing(small_index):
    filters, _ = build_filters(county=["青河县"])
    result = review(small_index, filters)
    assert result.total == 3
    (county,) = result.counties
    assert (county.county, county.reports, county.complete, county.missing_part, county.late, county.undated) == (
        "青河县", 3, 2, 1, 1, 1)
    assert review(small_index).summary.reports == 4


def test_review_page_and_json_twin_agree(small_client):
    data = small_client.get("/api/review?county=青河县").get_json()
    assert data["summary"]["reports"] == 3 and data["summary"]["late"] == 1
    baihe = next(row for row in data["reports"] if row["report_id"] == "baihe-2024")
    assert baihe["missing"] == ["problems"] and baihe["on_time"] is None and baihe["date"] is None
    assert {"key": "responsibility", "found_in": {"level": "section", "heading": "党政主要负责人履行推进法治建设第一责任人职责情况",
                                                  "passage_id": "baihe-2024-p2"}} in baihe["parts"]
    page = small_client.get("/review?county=青河县").get_data(as_text=True)
    assert "3 篇报告：2 篇要件齐全，1 篇缺少要件，1 篇晚于报送期限" in page
    csv_text = small_client.get("/review.csv?county=青河县").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 4


@pytest.mark.parametrize("url", ["/api/review?min_problem_chars=abc", "/api/review?min_problem_chars=99999",
                                 "/api/review?year=twenty", "/api/review?page=0"])
def test_bad_review_parameters_are_a_400_sentence(small_client, url):
    response = small_client.get(url)
    assert response.status_code == 400
    assert set(response.get_json()) == {"ok", "error", "status"}


# The same township across years


def test_township_pairs_give_the_copied_share_and_the_repeated_problems(small_index):
    (history,) = township_histories(small_index, "青河镇", "青河县")
    assert [report.year for report in history.reports] == [2023, 2024]
    assert history.reports[0].outline[0].title == "主要举措和成效"
    (pair,) = history.pairs
    assert (pair.earlier_report_id, pair.later_report_id) == ("qinghe-2023", "qinghe-2024")
    assert 0.3 < pair.copied_share < 1.0
    assert [one.later_passage_id for one in pair.repeated_problems] == ["qinghe-2024-p4"]
    assert pair.repeated_problems[0].earlier_passage_id == "qinghe-2023-p4"


def test_townships_of_one_name_in_two_counties_stay_apart(small_index):
    histories = township_histories(small_index, "青河镇")
    assert [(one.county, len(one.reports)) for one in histories] == [("平泉市", 1), ("青河县", 2)]


def test_corpus_list_names_townships_whose_problems_repeat(small_index):
    found = repeating_townships(small_index)
    assert [(one.township, one.county, one.repeating_years) for one in found] == [("青河镇", "青河县", (2024,))]


def test_township_page_json_and_feed(small_client):
    data = small_client.get("/api/townships/青河镇?county=青河县").get_json()
    (place,) = data["places"]
    assert place["pairs"][0]["repeated_problems"][0]["later_passage_id"] == "qinghe-2024-p4"
    assert small_client.get("/api/townships/青河镇").get_json()["places"][0]["county"] == "平泉市"
    assert small_client.get("/api/townships/无名镇").status_code == 404
    page = small_client.get("/townships/青河镇?county=青河县").get_data(as_text=True)
    assert "/compare?a=qinghe-2023&amp;b=qinghe-2024" in page
    assert "青河镇" in small_client.get("/townships").get_data(as_text=True)


def test_compare_marks_copied_sentences_in_both_reports(small_index):
    result = compare_reports(small_index, "qinghe-2023", "qinghe-2024")
    problems = next(section for section in result.sections if section.section_type == "problems")
    assert all(sentence.is_copied for sentence in problems.a[0].sentences if len(sentence.text) > 12)
    assert all(sentence.is_copied for sentence in problems.b[0].sentences if len(sentence.text) > 12)
    plans = next(section for section in result.sections if section.section_type == "next_steps")
    assert not any(sentence.is_copied for passage in plans.b for sentence in passage.sentences)
    assert 0 < result.b.copied_share < 1


def test_compare_needs_two_known_reports(small_client):
    assert small_client.get("/api/compare?a=qinghe-2023").status_code == 400
    response = small_client.get("/api/compare?a=qinghe-2023&b=nowhere-2020")
    assert response.status_code == 404 and "nowhere-2020" in response.get_json()["error"]
    assert "mark class=\"copied\"" in small_client.get("/compare?a=qinghe-2023&b=qinghe-2024").get_data(as_text=True)


# Feeds and the time each report version was first indexed


def test_an_unchanged_report_keeps_its_first_indexed_time_and_a_changed_one_is_newer(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "qinghe-2023.txt").write_text(QINGHE_2023, encoding="utf-8")
    (corpus / "baihe-2024.txt").write_text(BAIHE_2024, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, workers=1)
    with open_search_index(index_dir) as first:
        before = dict(zip(first.table.report_ids, first.table.indexed_at))
    time.sleep(0.01)
    (corpus / "baihe-2024.txt").write_text(BAIHE_2024.replace("11次", "12次"), encoding="utf-8")
    build_index(corpus, index_dir, workers=1)
    with open_search_index(index_dir) as second:
        after = dict(zip(second.table.report_ids, second.table.indexed_at))
        newest = feed(second, "")
        assert newest.entries[0].report_id == "baihe-2024"
    assert after["qinghe-2023"] == before["qinghe-2023"]
    assert after["baihe-2024"] > before["baihe-2024"]
    build_index(corpus, index_dir, rebuild=True, workers=1)
    with open_search_index(index_dir) as rebuilt:
        assert dict(zip(rebuilt.table.report_ids, rebuilt.table.indexed_at)) == after


def test_search_feed_is_valid_atom_with_escaped_content(small_client):
    response = small_client.get("/search/feed.atom?q=法治任务")
    assert response.content_type.startswith("application/atom+xml")
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert entry.find(f"{ATOM}updated").text.endswith("Z")
    assert "#baihe-2024-p2" in entry.find(f"{ATOM}link").get("href")
    assert "部署<年度>法治任务" in entry.find(f"{ATOM}content").text
    assert b"&lt;" in response.data


def test_law_and_township_feeds_list_their_passages(small_client):
    township = ElementTree.fromstring(small_client.get("/townships/白河乡/feed.atom").data)
    assert len(township.findall(f"{ATOM}entry")) == 4
    assert small_client.get("/laws/没有这部法/feed.atom").status_code == 404


def test_feeds_are_bounded(small_index):
    assert len(feed(small_index, "", limit=10_000).entries) <= 50
    assert len(feed(small_index, "", limit=2).entries) == 2


def test_report_page_links_to_its_review_and_township_history(small_client):
    page = small_client.get("/reports/qinghe-2024").get_data(as_text=True)
    assert "/review?county=%E9%9D%92%E6%B2%B3%E5%8E%BF&amp;year=2024" in page
    assert "/townships/%E9%9D%92%E6%B2%B3%E9%95%87?county=%E9%9D%92%E6%B2%B3%E5%8E%BF" in page
    home = small_client.get("/").get_data(as_text=True)
    for path in ("/review", "/figures", "/townships"):
        assert f'href="{path}"' in home

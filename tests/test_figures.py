"""Figures stated next to a phrase: real sentences of the bundled reports, Chinese numerals, the /figures view."""
import csv
import io
import xml.etree.ElementTree as ElementTree

import pytest

from indexer.parse import fold_for_matching
from indexer.research import figures
from indexer.research.numbers import figures_for_phrase, read_number


def stated(sentence: str, phrase: str) -> list[str]:
    """The figures as written that the sentence states for the phrase."""
    return [figure.as_written for _, figure in figures_for_phrase(fold_for_matching(sentence), fold_for_matching(phrase))]


@pytest.mark.parametrize(
    "sentence, phrase, expected",
    [
        # henan-lushan-wawu-2024: the second 410件 belongs to 调处成功, not to 矛盾纠纷.
        ("排查调处各类矛盾纠纷410件，调处成功410件，村级调委会调处案件339件", "矛盾纠纷", ["410件"]),
        ("排查调处各类矛盾纠纷410件，调处成功410件，村级调委会调处案件339件", "调处成功", ["410件"]),
        # anhui-duji-duanyuan-2024: two figures for the phrase, the rate belongs to 调解成功率.
        ("2024年全镇共调解矛盾纠纷608件，排查出矛盾纠纷138件，预防纠纷11件，调解成功率达到97.8%。", "矛盾纠纷", ["608件", "138件"]),
        ("2024年全镇共调解矛盾纠纷608件，排查出矛盾纠纷138件，预防纠纷11件，调解成功率达到97.8%。", "调解成功率", ["97.8%"]),
        # henan-jiyuan-sili-2024: quotes between the phrase and its figure.
        ("今年共培育“法律明白人”152名，实现27个行政村全覆盖，开展普法宣传8次", "法律明白人", ["152名"]),
        ("今年共培育“法律明白人”152名，实现27个行政村全覆盖，开展普法宣传8次", "普法宣传", ["8次"]),
        # henan-lushan-wawu-2024: a short aside in brackets.
        ("参与民间纠纷调处230件，审查合同（协议）20份，法律咨询190余人次", "审查合同", ["20份"]),
        # anhui-duji-duanyuan-2024 and fujian-jianning-junkou-2023: approximations.
        ("提供法律专业意见40余件，审查合同50余份，参与行政诉讼、信访案件7宗", "审查合同", ["50余份"]),
        ("2023年累计排查调处矛盾纠纷180余起，接待信访案件270余件。", "矛盾纠纷", ["180余起"]),
        # chongqing-pengshui-shangan-2024: a rate is not the count of the phrase before it.
        ("全年，我乡排查各类矛盾纠纷96件，村上调解60件，乡上调解36件，调解率达100%", "矛盾纠纷", ["96件"]),
        ("矛盾纠纷调解成功率达98%", "矛盾纠纷", []),
        # The figure before the phrase.
        ("开展12场次法治讲座，受教育群众3000余人次", "法治讲座", ["12场次"]),
    ],
)
def test_figure_is_attributed_to_the_phrase_it_stands_next_to(sentence, phrase, expected):
    assert stated(sentence, phrase) == expected


@pytest.mark.parametrize(
    "written, value",
    [("410", 410), ("1,200", 1200), ("97.8", 97.8), ("1.2万", 12000), ("一百二十", 120), ("两千", 2000),
     ("十二", 12), ("三万五千", 35000), ("一百零五", 105), ("二零二四", None)],
)
def test_numbers_are_read_in_arabic_and_chinese_numerals(written, value):
    assert read_number(written) == value


def test_approximate_figures_are_marked():
    (_, figure), = figures_for_phrase(fold_for_matching("投资近10万元"), "投资")
    assert (figure.value, figure.unit, figure.is_approximate) == (10, "万元", True)
    (_, exact), = figures_for_phrase(fold_for_matching("发放宣传资料1.2万份"), "宣传资料")
    assert (exact.value, exact.unit, exact.is_approximate) == (12000, "份", False)


def test_figures_of_a_phrase_across_the_bundled_reports(corpus_index):
    result = figures(corpus_index, "矛盾纠纷")
    found = {(one.township, one.as_written) for one in result.figures}
    assert {("瓦屋镇", "410件"), ("段园镇", "608件"), ("段园镇", "138件"), ("善感乡", "96件"), ("均口镇", "180余起")} == found
    wawu = [one for one in result.figures if one.township == "瓦屋镇"]
    assert len(wawu) == 1 and "调处成功410件" in wawu[0].sentence
    # Per report the largest figure of a unit: 段园镇 states 608 and 138.
    duanyuan = [one for one in result.by_report if one.township == "段园镇"]
    assert [(one.value, one.unit, one.statements) for one in duanyuan] == [(608, "件", 2)]
    year_2024 = [one for one in result.by_year if one.value == "2024" and one.unit == "件"]
    assert (year_2024[0].reports, year_2024[0].total, year_2024[0].median) == (3, 608 + 410 + 96, 410)
    assert result.main_unit == "件"


def test_figures_take_the_search_filters(corpus_index):
    from indexer.search import build_filters

    filters, _ = build_filters(province=["河南省"])
    result = figures(corpus_index, "审查合同", filters)
    assert {(one.township, one.as_written) for one in result.figures} == {("瓦屋镇", "20份")}


def test_figures_page_json_and_csv_agree(client):
    data = client.get("/api/figures?q=法律明白人").get_json()
    assert {(one["township"], one["value"], one["unit"]) for one in data["figures"]} == {("思礼镇", 152, "名"), ("均口镇", 112, "人")}
    assert all(one["url"].startswith("/reports/") and "#" in one["url"] for one in data["figures"])
    page = client.get("/figures?q=法律明白人").get_data(as_text=True)
    assert "152名" in page and "112人" in page
    text = client.get("/figures.csv?q=法律明白人").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["as_written"] for row in rows) == ["112人", "152名"]


def test_figures_chart_is_well_formed_svg(client):
    page = client.get("/figures?q=矛盾纠纷").get_data(as_text=True)
    start = page.index("<svg")
    chart = page[start:page.index("</svg>", start) + len("</svg>")]
    root = ElementTree.fromstring(chart)
    assert "2024" in "".join(root.itertext())


@pytest.mark.parametrize("url", ["/api/figures", "/api/figures?q=%22", "/api/figures?q=矛盾纠纷&page=999"])
def test_odd_figures_requests_answer_without_error(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json()["figures"] == []


def test_figures_bad_page_is_a_400_in_the_api_error_shape(client):
    response = client.get("/api/figures?q=矛盾纠纷&page=abc")
    assert response.status_code == 400
    assert response.get_json()["ok"] is False

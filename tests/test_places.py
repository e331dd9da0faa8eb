"""Tests for indexer.places: resolving a report's township, county, city and province from its text."""
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.places import NO_TOWNSHIP_WARNING, county_names, lookup_division, resolve_place, township_names
from indexer.report import Place

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def split_header(text: str) -> tuple[str, str]:
    """The short lines among the first 4 and the last 3 (title, issuer, addressee, signature), and the rest."""
    lines = text.splitlines()
    edge = set(range(min(4, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines)))
    in_header = [index in edge and len(line.strip()) <= 40 for index, line in enumerate(lines)]
    header = "\n".join(line for line, is_header in zip(lines, in_header) if is_header)
    body = "\n".join(line for line, is_header in zip(lines, in_header) if not is_header)
    return header, body


def place_of(path: Path) -> Place:
    return resolve_place(*split_header(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "file_name, expected",
    [
        # The township is named only in the body (思礼镇全面深入贯彻…); 济源市 is a 省直辖县级 unit.
        ("henan-jiyuan-sili-2024.txt", Place("思礼镇", "济源市", "济源市", "河南省", "419001108")),
        # Issuer line with a county prefix: 鲁山县瓦屋镇人民政府.
        ("henan-lushan-wawu-2024.txt", Place("瓦屋镇", "鲁山县", "平顶山市", "河南省", "410423107")),
        # MCA code, not the NBS 340602102.
        ("anhui-duji-duanyuan-2024.txt", Place("段园镇", "杜集区", "淮北市", "安徽省", "340602104")),
        ("fujian-jianning-junkou-2023.txt", Place("均口镇", "建宁县", "三明市", "福建省", "350430103")),
        # A county of a 直辖市: the city is the 直辖市 itself.
        ("chongqing-pengshui-shangan-2024.txt", Place("善感乡", "彭水苗族土家族自治县", "重庆市", "重庆市", "500243222")),
    ],
)
def test_resolves_each_corpus_report(file_name, expected):
    assert place_of(CORPUS / file_name) == expected


def test_sili_report_names_its_township_only_in_the_body():
    header, body = split_header((CORPUS / "henan-jiyuan-sili-2024.txt").read_text(encoding="utf-8"))
    assert "思礼镇" not in header
    assert "思礼镇" in body


# 百善镇 is a township of 北京市昌平区 and of 安徽省淮北市濉溪县.
SHARED_HEADER = "百善镇人民政府\n关于2024年法治政府建设情况的报告"


def test_shared_name_without_clue_leaves_county_empty_and_warns():
    place = resolve_place(SHARED_HEADER, "2024年，百善镇坚持依法行政，全镇法治政府建设稳步推进。")
    assert replace(place, warnings=()) == Place(township="百善镇")
    assert len(place.warnings) == 1
    assert "北京市昌平区" in place.warnings[0] and "安徽省淮北市濉溪县" in place.warnings[0]
    assert "set county in the catalogue" in place.warnings[0]


def test_county_in_addressee_line_decides_shared_name():
    place = resolve_place(SHARED_HEADER + "\n濉溪县委、县政府：", "2024年，百善镇坚持依法行政。")
    assert place == Place("百善镇", "濉溪县", "淮北市", "安徽省", "340621110")


def test_city_in_body_decides_shared_name():
    place = resolve_place(SHARED_HEADER, "2024年，百善镇按照淮北市委依法治市办的部署，坚持依法行政。")
    assert place == Place("百善镇", "濉溪县", "淮北市", "安徽省", "340621110")


def test_county_in_header_outweighs_city_in_body():
    place = resolve_place(SHARED_HEADER + "\n中共昌平区委：", "学习淮北市的经验。")
    assert place == Place("百善镇", "昌平区", "北京市", "北京市", "110114113")


def test_city_prefixed_to_township_decides_shared_name():
    place = resolve_place("淮北市百善镇人民政府", "")
    assert place.county == "濉溪县"


def test_short_form_before_an_administrative_word_is_a_clue():
    # 坡头镇 is in 济源市, 汉寿县, 坡头区 and 镇雄县; 济源示范区 names 济源市.
    place = resolve_place("坡头镇人民政府\n济源示范区党工委、管委会：", "")
    assert place == Place("坡头镇", "济源市", "济源市", "河南省", "419001105")


def test_short_form_used_as_ordinary_word_is_no_clue():
    # 梅溪镇 is in four counties, one of them 资源县; 整合各类资源 does not name it.
    place = resolve_place("梅溪镇人民政府", "梅溪镇整合各类资源，推进依法行政。")
    assert place.county == ""
    assert "names 4 townships" in place.warnings[0]


def test_resolves_street_office():
    assert resolve_place("东华门街道办事处", "") == Place("东华门街道", "东城区", "北京市", "北京市", "110101001")


def test_resolves_sumu():
    place = resolve_place("吉忽伦图苏木人民政府", "")
    assert place == Place("吉忽伦图苏木", "石拐区", "包头市", "内蒙古自治区", "150205200")


def test_pre_2025_township_name_maps_to_its_county_with_warning():
    place = resolve_place("东文山乡人民政府\n关于2021年法治政府建设情况的报告", "")
    assert replace(place, warnings=()) == Place("东文山乡", "涞水县", "保定市", "河北省", "")
    assert "pre-2025" in place.warnings[0]


def test_generic_words_are_not_townships():
    body = "全镇上下、我镇各村、本镇干部、该乡群众、各乡镇、城乡之间、街道社区共同推进依法行政。"
    assert resolve_place("关于2024年法治政府建设情况的报告", body) == Place(warnings=(NO_TOWNSHIP_WARNING,))


def test_report_without_township_still_gets_the_one_county_in_its_header():
    place = resolve_place("中共建宁县委 建宁县人民政府\n关于2023年法治政府建设情况的报告", "全县推进依法行政。")
    assert place == Place("", "建宁县", "三明市", "福建省", "", (NO_TOWNSHIP_WARNING,))


def test_township_in_header_wins_over_neighbour_named_in_body():
    body = "与里心镇联合开展普法，里心镇、溪源乡和我镇共建调解平台，里心镇派员参加。"
    assert resolve_place("均口镇人民政府", body).township == "均口镇"


def test_body_township_named_most_often_wins():
    place = resolve_place("关于2023年法治政府建设情况的报告", "里心镇来人交流。均口镇全面推进依法行政，均口镇成效明显。")
    assert place.township == "均口镇"


def test_body_townships_named_equally_often_resolve_to_the_first():
    place = resolve_place("关于2023年法治政府建设情况的报告", "里心镇来人交流。均口镇全面推进依法行政。")
    assert place.township == "里心镇"


def test_two_character_name_in_body_counts_only_after_a_county_name():
    # 新镇, 法镇 and 乌镇 (佳县) are real townships.
    assert resolve_place("", "推进新镇区建设，依法镇压黑恶势力。").township == ""
    assert resolve_place("", "佳县乌镇推进依法行政。").county == "佳县"


def test_matches_traditional_script():
    assert resolve_place("淮北市段園鎮人民政府", "").division_code == "340602104"


def test_lookup_fills_in_from_township_and_county():
    assert lookup_division("百善镇", county="濉溪县") == Place("百善镇", "濉溪县", "淮北市", "安徽省", "340621110")


def test_lookup_accepts_a_short_city_name():
    assert lookup_division("百善镇", city="淮北").division_code == "340621110"


def test_lookup_of_shared_township_alone_warns():
    place = lookup_division("百善镇")
    assert place.county == "" and "names 2 townships" in place.warnings[0]


def test_lookup_of_county_alone_fills_city_and_province():
    assert lookup_division(county="鲁山") == Place("", "鲁山县", "平顶山市", "河南省")


def test_lookup_of_shared_county_name_asks_for_city_or_province():
    assert "set the city or province" in lookup_division(county="朝阳区").warnings[0]
    assert lookup_division(county="朝阳区", province="北京市") == Place("", "朝阳区", "北京市", "北京市")


def test_lookup_keeps_typed_names_and_warns_when_they_do_not_fit():
    place = lookup_division("段园镇", county="鲁山县")
    assert (place.township, place.county, place.division_code) == ("段园镇", "鲁山县", "")
    assert place.warnings == ("No township 段园镇 lies in 鲁山县; check the names typed.",)


def test_township_of_a_city_without_counties_takes_the_city_as_county():
    # 东莞市 governs its towns directly.
    place = lookup_division("石龙镇", city="东莞市")
    assert place == Place("石龙镇", "东莞市", "东莞市", "广东省", "441900102")


def test_lookup_of_unknown_county_names_the_typo():
    assert lookup_division(county="淮北县").warnings == (
        "淮北县 is not a county name in the 2025 divisions table; check its spelling.",
    )


def test_name_lists_hold_townships_and_counties_apart():
    assert {"段园镇", "东华门街道", "吉忽伦图苏木"} <= township_names()
    assert {"杜集区", "济源市", "彭水苗族土家族自治县"} <= county_names()
    assert "杜集区" not in township_names()

"""Tests for indexer.parse.places: resolving a report's township, county, city and province from its text."""
from dataclasses import replace
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.parse.divisions import county_names, township_names
from indexer.parse.places import NO_TOWNSHIP_WARNING, lookup_division, resolve_place
from indexer.report import Place

CORPUS = bundled_corpus()


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


# Townships the 2025 table does not list under the county the report names: new, renamed, merged or misspelt.
# The names below are made up (金湾镇, 柳溪街道 …) or real names put in another county (百善镇, 均口镇).


def unlisted_warning_of(place: Place) -> str:
    assert len(place.warnings) == 1
    return place.warnings[0]


@pytest.mark.parametrize(
    "header, expected",
    [
        # 百善镇 is listed only under 昌平区 and 濉溪县.
        ("建宁县百善镇人民政府", Place("百善镇", "建宁县", "三明市", "福建省")),
        # Same city as the listed 濉溪县 百善镇, but the county written decides.
        ("安徽省淮北市杜集区百善镇人民政府", Place("百善镇", "杜集区", "淮北市", "安徽省")),
        # 均口镇 is listed only under 福建省建宁县.
        ("河南省平顶山市鲁山县均口镇人民政府", Place("均口镇", "鲁山县", "平顶山市", "河南省")),
        # A city's short form with its own suffix (恩施州) before the county; 枫桥镇 is listed in 诸暨市.
        ("恩施州建始县枫桥镇人民政府", Place("枫桥镇", "建始县", "恩施土家族苗族自治州", "湖北省")),
        # A county's short form (彭水县) under a 直辖市; 望江镇 is listed in 佳木斯市郊区.
        ("重庆市彭水县望江镇人民政府", Place("望江镇", "彭水苗族土家族自治县", "重庆市", "重庆市")),
    ],
)
def test_county_written_before_township_wins_over_same_name_listed_elsewhere(header, expected):
    place = resolve_place(header, "")
    assert replace(place, warnings=()) == expected
    assert unlisted_warning_of(place).startswith(
        f"{expected.township} is not listed under {expected.county} in the 2025 divisions table, which has it only in"
    )


@pytest.mark.parametrize(
    "header, expected",
    [
        ("鲁山县金湾镇人民政府", Place("金湾镇", "鲁山县", "平顶山市", "河南省")),
        # City, county and a 街道 with its 办事处.
        ("三明市建宁县柳溪街道办事处", Place("柳溪街道", "建宁县", "三明市", "福建省")),
        ("中共彭水苗族土家族自治县碧水乡委员会", Place("碧水乡", "彭水苗族土家族自治县", "重庆市", "重庆市")),
        # 朝阳区 is in 北京市 and in 长春市: the prefix decides.
        ("北京市朝阳区柳芳东街道办事处", Place("柳芳东街道", "朝阳区", "北京市", "北京市")),
        ("长春市朝阳区柳芳东街道办事处", Place("柳芳东街道", "朝阳区", "长春市", "吉林省")),
        # 东莞市 governs its towns directly, so it is their county.
        ("东莞市霞浦镇人民政府", Place("霞浦镇", "东莞市", "东莞市", "广东省")),
        # 济源示范区 is how 济源市 names itself.
        ("济源示范区东口镇人民政府", Place("东口镇", "济源市", "济源市", "河南省")),
        # Traditional script is matched and the name kept in its matching form.
        ("魯山縣金灣鎮人民政府", Place("金湾镇", "鲁山县", "平顶山市", "河南省")),
    ],
)
def test_unlisted_township_after_its_county_is_kept_as_written_without_code(header, expected):
    place = resolve_place(header, "")
    assert replace(place, warnings=()) == expected
    assert unlisted_warning_of(place) == (
        f"{expected.township} is not listed under {expected.county} in the 2025 divisions table; it was kept as "
        "written without a division code, so check its spelling or set it in the catalogue."
    )


@pytest.mark.parametrize(
    "header, body, township",
    [
        # 口镇 (泾阳县) is listed; 新口镇 is not.
        ("鲁山县新口镇人民政府", "", "新口镇"),
        ("关于2024年法治政府建设情况的报告", "2024年，新口镇坚持依法行政，新口镇党委带头学法。", "新口镇"),
        # Not only two-character names: 白沙镇 is listed in many counties, 东白沙镇 in none.
        ("鲁山县东白沙镇人民政府", "", "东白沙镇"),
    ],
)
def test_listed_name_inside_a_longer_unlisted_name_is_not_taken(header, body, township):
    place = resolve_place(header, body)
    assert place.township == township
    assert place.division_code == ""
    assert place.county in ("", "鲁山县")


def test_listed_name_after_a_word_that_cannot_end_a_place_name_is_found():
    body = "对照建宁县委部署，由均口镇牵头，和里心镇共建调解平台；均口镇成效明显。"
    place = resolve_place("关于2023年法治政府建设情况的报告", body)
    assert place == Place("均口镇", "建宁县", "三明市", "福建省", "350430103")


@pytest.mark.parametrize(
    "header, expected",
    [
        ("福建省三明市建宁县均口镇人民政府", Place("均口镇", "建宁县", "三明市", "福建省", "350430103")),
        ("北京市昌平区百善镇人民政府", Place("百善镇", "昌平区", "北京市", "北京市", "110114113")),
        # The same name in the same city: the county written picks the listed one.
        ("淮北市濉溪县百善镇人民政府", Place("百善镇", "濉溪县", "淮北市", "安徽省", "340621110")),
    ],
)
def test_listed_township_after_its_county_keeps_its_code(header, expected):
    assert resolve_place(header, "") == expected


def test_body_only_unlisted_township_takes_county_from_addressee():
    header = "关于2024年法治政府建设情况的报告\n中共鲁山县委、鲁山县人民政府："
    body = "2024年以来，溪口街道在县委、县政府的坚强领导下，围绕“法治溪口”建设目标，全街道依法行政水平稳步提升。"
    place = resolve_place(header, body)
    assert replace(place, warnings=()) == Place("溪口街道", "鲁山县", "平顶山市", "河南省")
    assert "溪口街道 is not listed under 鲁山县" in unlisted_warning_of(place)


def test_body_only_unlisted_township_takes_county_named_in_body():
    body = "一年来，在县委的领导下，金湾镇获评建宁县平安建设先进集体，金湾镇法治建设稳步推进。"
    place = resolve_place("2023年法治政府建设情况的报告", body)
    assert replace(place, warnings=()) == Place("金湾镇", "建宁县", "三明市", "福建省")


def test_unlisted_township_without_county_clue_leaves_county_empty_and_warns():
    place = resolve_place("中共碧水乡委员会  碧水乡人民政府", "2024年，碧水乡坚持依法行政。")
    assert replace(place, warnings=()) == Place(township="碧水乡")
    assert unlisted_warning_of(place) == (
        "碧水乡 is not listed in the 2025 divisions table, and the text names no single county for it; "
        "set county in the catalogue."
    )


def test_city_before_unlisted_township_takes_county_from_addressee():
    place = resolve_place("淮北市金湾镇人民政府\n杜集区委、区政府：", "")
    assert replace(place, warnings=()) == Place("金湾镇", "杜集区", "淮北市", "安徽省")


def test_city_before_unlisted_township_without_county_keeps_the_city():
    place = resolve_place("淮北市金湾镇人民政府", "")
    assert replace(place, warnings=()) == Place("金湾镇", "", "淮北市", "安徽省")
    assert "under 安徽省淮北市" in unlisted_warning_of(place)


def test_county_in_header_outweighs_township_listed_in_a_county_never_named():
    place = resolve_place("均口镇人民政府\n中共鲁山县委、鲁山县人民政府：", "")
    assert replace(place, warnings=()) == Place("均口镇", "鲁山县", "平顶山市", "河南省")
    assert "which has it only in 福建省三明市建宁县" in unlisted_warning_of(place)


def test_province_named_in_text_rules_out_the_only_listed_township_elsewhere():
    body = "2024年，均口镇深入学习贯彻习近平总书记关于河南工作的重要讲话精神。"
    place = resolve_place("中共均口镇委员会  均口镇人民政府", body)
    assert replace(place, warnings=()) == Place("均口镇", "", "", "河南省")
    assert "names no single county" in unlisted_warning_of(place)


def test_general_phrases_in_the_opening_are_not_townships():
    body = "2024年，推进城乡一体化，依法镇压违法犯罪，打造特色小镇，全镇上下齐心，镇村两级联动。"
    assert resolve_place("关于2024年法治政府建设情况的报告", body) == Place(warnings=(NO_TOWNSHIP_WARNING,))


def test_header_words_that_are_not_townships_leave_the_county_alone():
    # 城乡建设局 after a county is an office, not a township called 城乡.
    place = resolve_place("鲁山县城乡建设局\n关于2024年法治政府建设情况的报告", "")
    assert place == Place("", "鲁山县", "平顶山市", "河南省", "", (NO_TOWNSHIP_WARNING,))


@pytest.mark.parametrize(
    "body, township",
    [
        # A common verb glued before an unlisted name is not part of it.
        ("2025年，一是完成岚溪街道幼儿园改建，全街道依法行政水平稳步提升。", "岚溪街道"),
        # An adverb before the verb too (已完成).
        ("2025年，一是已完成岚溪街道幼儿园改建，全街道依法行政水平稳步提升。", "岚溪街道"),
        ("一年来，是督促晴川镇各村落实普法责任，全镇无重大信访。", "晴川镇"),
        # A verb not in the list (改建): the name standing on its own after the full stop shows where it starts.
        ("2025年，一是改建岚溪街道幼儿园。岚溪街道坚持依法行政。", "岚溪街道"),
        # A name that itself starts like a verb keeps its whole stem: the suffix follows the word straight away.
        ("2024年，联合乡坚持依法行政，联合乡党委带头学法。", "联合乡"),
        # A verb before a phrase that is no name still finds nothing there (推进城乡), then the real name.
        ("2024年，推进城乡一体化，晴川镇坚持依法行政。", "晴川镇"),
    ],
)
def test_unlisted_township_after_a_glued_verb_starts_after_the_verb(body, township):
    assert resolve_place("关于2025年法治政府建设情况的报告", body).township == township


def test_two_readings_of_an_unlisted_township_that_both_stand_alone_leave_it_empty():
    # 改建岚溪街道 opens two clauses and 岚溪街道 stands alone once: nothing decides, so no guess.
    body = "2025年，一是改建岚溪街道幼儿园。是改建岚溪街道道路。岚溪街道坚持依法行政。"
    place = resolve_place("关于2025年法治政府建设情况的报告", body)
    assert place.township == ""
    assert NO_TOWNSHIP_WARNING in place.warnings


def test_listed_township_after_a_glued_verb_is_found():
    # 中长街道 (大连市金州区, in the 2019–2023 lists) after 完成, a verb that ends a word.
    place = resolve_place("关于2025年法治政府建设情况的报告", "2025年，我街道已完成中长街道幼儿园改建。")
    assert (place.township, place.county) == ("中长街道", "金州区")

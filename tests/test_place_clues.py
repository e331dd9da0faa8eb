"""Places on real portal pages: strong clues win, fragments are not names (issue 12, class 2).

Township names here are real ones from the divisions table, chosen because the table lists them more than once;
the sentences around them are written for the tests in the shapes real reports use.
"""
import pytest

from indexer.parse.places import resolve_place


@pytest.mark.parametrize(
    "body",
    [
        # 和 + 县依法治县委员会, not the county 和县
        "在县委领导和县依法治县委员会指导下，上方镇全面推进依法行政。",
        # 省政府和县委部署: the conjunction again
        "认真落实省委、省政府和县委部署，上方镇全面推进依法行政。",
        # 和区 / 与区: the same with a district
        "在区委领导和区委依法治区办指导下，上方镇全面推进依法行政。",
    ],
)
def test_a_two_character_county_is_not_read_across_a_conjunction(body):
    place = resolve_place("", body)
    assert place.county != "和县"
    assert place.province != "安徽省"


@pytest.mark.parametrize(
    "header, county",
    [
        ("和县人民政府", "和县"),  # at the start of a line
        ("关于叶县桃坝街道2020年度法治政府建设工作情况的报告", "叶县"),  # after 关于
    ],
)
def test_a_two_character_county_at_a_word_start_still_counts(header, county):
    assert resolve_place(header, "").county == county


@pytest.mark.parametrize(
    "body",
    [
        "2024年，我镇坚持依法行政，对全镇干部开展培训。",  # 对全镇
        "维护本乡社会稳定，全乡干部参加学法考试。",  # 维护本乡, 全乡
        "该街道全年办结群众诉求120件。",  # 该街道
    ],
)
def test_references_to_this_township_are_not_names(body):
    assert resolve_place("", body).township == ""


@pytest.mark.parametrize(
    "header, township, county",
    [
        # a township right after its district government
        ("鲤城区人民政府金龙街道办事处关于2022年度法治政府建设情况的报告", "金龙街道", "鲤城区"),
        # after a county government, with no space
        ("行唐县人民政府上方镇人民政府关于2024年法治政府建设情况的报告", "上方镇", "行唐县"),
    ],
)
def test_a_township_after_an_issuing_body_is_found(header, township, county):
    place = resolve_place(header, "")
    assert (place.township, place.county) == (township, county)


def test_a_long_listed_name_counts_inside_a_phrase():
    # 强化伊金霍洛镇法治建设: 化 is no word boundary, but a five-character listed name is no word's tail.
    place = resolve_place("", "2023年，我镇依法行政，根据伊金霍洛旗的有关要求，强化伊金霍洛镇法治建设。")
    assert (place.township, place.province) == ("伊金霍洛镇", "内蒙古自治区")


def test_a_street_that_calls_itself_jie_is_found_by_its_short_name():
    body = "2022年，我街认真贯彻落实习近平法治思想，制定《珠吉街理论学习中心组2022年学习计划》，全街干部参加学习。"
    assert resolve_place("", body).township == "珠吉街道"


@pytest.mark.parametrize(
    "body, township",
    [
        # Guangzhou's streets write their organs with 街: 街党工委 and 街办事处 only a 街道 has.
        ("2022年，在区委、区政府的正确领导下，黄石街党工委、办事处高举旗帜，推进法治建设。", "黄石街道"),
        ("2023年，珠江街办事处全面推进依法行政。", "珠江街道"),
        # 街党工委 without a name, and a 街 that is a street with an office, name no 街道.
        ("2022年，街党工委高举旗帜，推进法治建设。", ""),
        ("推进商业街办事处建设。", ""),
    ],
)
def test_a_street_written_as_jie_before_its_own_organ_is_found(body, township):
    assert resolve_place("", body).township == township


def test_candidates_in_one_province_keep_the_province():
    # 裕华路街道 is listed in 石家庄市裕华区 and 保定市莲池区, both in 河北省.
    place = resolve_place("", "2024年，裕华路街道全面推进依法行政。")
    assert (place.township, place.province, place.county) == ("裕华路街道", "河北省", "")
    assert place.warnings


@pytest.mark.parametrize(
    "body, county",
    [
        # 县委/县政府 rules out a candidate under a 区
        ("2024年，在县委、县政府的坚强领导下，上方镇全面推进依法行政。", "行唐县"),
        # 区委/区政府 rules out a candidate under a 县
        ("2024年，在区委、区政府的坚强领导下，上方镇全面推进依法行政。", "衢江区"),
        # 旗委 points to 内蒙古
        ("2024年，在旗委、旗政府的坚强领导下，白庙子镇全面推进依法行政。", "土默特左旗"),
        # 省委 rules out 重庆's county (a 直辖市's counties answer to 市委)
        ("2024年，认真落实省委、县委部署，双路镇全面推进依法行政。", "静乐县"),
    ],
)
def test_parent_bodies_narrow_townships_of_the_same_name(body, county):
    assert resolve_place("", body).county == county


def test_the_committee_for_governing_the_county_by_law_is_no_county_body():
    # 依法治县委员会 holds 县委 but says nothing about the level above the township.
    place = resolve_place("", "2024年，在区委、区政府和依法治县委员会的指导下，上方镇全面推进依法行政。")
    assert place.county == "衢江区"


def test_nothing_decides_leaves_the_place_empty_with_a_warning():
    place = resolve_place("", "2024年，上方镇全面推进依法行政。")
    assert (place.township, place.county, place.province) == ("上方镇", "", "")
    assert place.warnings


def test_a_county_named_in_the_body_places_a_report_without_a_township():
    place = resolve_place("", "2024年，根据《青田县法治政府建设实施方案》，我镇全面推进依法行政。")
    assert (place.township, place.county, place.province) == ("", "青田县", "浙江省")

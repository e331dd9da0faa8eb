"""Reading query strings: phrases, OR, exclusions, field filters, and the fallbacks for syntax we cannot read."""
from __future__ import annotations

import pytest

from indexer.search.notices import Notice
from indexer.search.query import (
    ParsedQuery,
    SearchFilters,
    YearRange,
    build_filters,
    canonical_law_name,
    parse_query,
    parse_year,
    section_type_key,
)


@pytest.mark.parametrize(
    "text, groups, excluded",
    [
        ("枫桥经验", (("枫桥经验",),), ()),
        # Unquoted white space separates terms, which are ANDed.
        ("信访  调解", (("信访",), ("调解",)), ()),
        # A quoted phrase keeps its spaces.
        ('"枫桥 经验" 调解', (("枫桥 经验",), ("调解",)), ()),
        # Full-width quotation marks and spaces are syntax too.
        ("＂枫桥 经验＂\u3000调解", (("枫桥 经验",), ("调解",)), ()),
        ("枫桥经验 OR 法律明白人 调解", (("枫桥经验", "法律明白人"), ("调解",)), ()),
        ("信访 -调解", (("信访",),), ("调解",)),
        ("信访 NOT 调解", (("信访",),), ("调解",)),
        ('信访 -"人民 调解"', (("信访",),), ("人民 调解",)),
        # Only an upper-case OR is an operator; curly quotes are text.
        ("or “枫桥经验”", (("or",), ("“枫桥经验”",)), ()),
    ],
)
def test_reads_phrases_or_and_exclusions(text, groups, excluded):
    parsed = parse_query(text)
    assert (parsed.groups, parsed.excluded, parsed.notices) == (groups, excluded, ())


@pytest.mark.parametrize(
    "text, filters",
    [
        ("year:2023", SearchFilters(year=(YearRange(2023, 2023),))),
        ("year:2021..2024", SearchFilters(year=(YearRange(2021, 2024),))),
        ("ｙｅａｒ：２０２３", SearchFilters(year=(YearRange(2023, 2023),))),
        ("section:problems", SearchFilters(section_type=("problems",))),
        ("section:存在问题和不足", SearchFilters(section_type=("problems",))),
        ("law:民法典", SearchFilters(law=("中华人民共和国民法典",))),
        ("law:《行政处罚法》", SearchFilters(law=("中华人民共和国行政处罚法",))),
        ("township:段园镇 county:杜集区 province:安徽省", SearchFilters(township=("段园镇",), county=("杜集区",), province=("安徽省",))),
        ('township:"段园 镇"', SearchFilters(township=("段园 镇",))),
        ("year:2023 year:2024", SearchFilters(year=(YearRange(2023, 2023), YearRange(2024, 2024)))),
    ],
)
def test_reads_field_filters(text, filters):
    parsed = parse_query(text)
    assert (parsed.filters, parsed.groups, parsed.notices) == (filters, (), ())


@pytest.mark.parametrize(
    "text, groups, notice",
    [
        # Unbalanced quote: the words after it are searched one by one.
        ('"枫桥经验 调解', (("枫桥经验",), ("调解",)), Notice("unclosed_quote")),
        # Dangling OR at the end or the start; a doubled OR counts once.
        ("枫桥经验 OR", (("枫桥经验",),), Notice("dangling_or")),
        ("OR 枫桥经验", (("枫桥经验",),), Notice("dangling_or")),
        ("信访 OR OR 调解", (("信访", "调解"),), Notice("dangling_or")),
        # Unknown field: searched as text.
        ("foo:bar 信访", (("foo:bar",), ("信访",)), Notice("unknown_field", (("field", "foo"), ("word", "foo:bar")))),
        # A year that is not a year: searched as text.
        ("year:abc 信访", (("year:abc",), ("信访",)), Notice("bad_year", (("value", "abc"), ("word", "year:abc")))),
        ("section:nowhere", (("section:nowhere",),), Notice("bad_section", (("value", "nowhere"), ("word", "section:nowhere")))),
        # A lone minus, a dangling NOT, an empty filter, an excluded filter: ignored.
        ("- 信访", (("信访",),), Notice("lone_minus")),
        ("信访 NOT", (("信访",),), Notice("dangling_not")),
        ("信访 year:", (("信访",),), Notice("empty_filter", (("word", "year:"),))),
        ("信访 -year:2023", (("信访",),), Notice("negated_filter", (("word", "year:2023"),))),
    ],
)
def test_malformed_syntax_falls_back_with_a_notice_value(text, groups, notice):
    parsed = parse_query(text)
    assert (parsed.groups, parsed.filters, parsed.notices) == (groups, SearchFilters(), (notice,))


@pytest.mark.parametrize(
    "text", ['"', '""', "-", "--", "OR", "NOT NOT", ":", 'year:"', "＂", "\u3000", 'a"b', '-"', "OR -", "a:b:c", "law:《》"]
)
def test_any_input_parses(text):
    parsed = parse_query(text)
    assert isinstance(parsed, ParsedQuery)
    assert all(phrase.strip() for group in parsed.groups for phrase in group)


def test_empty_query_has_no_groups_and_no_notice():
    assert parse_query("   ") == ParsedQuery()


def test_phrases_lists_every_positive_phrase_once():
    assert parse_query("信访 OR 调解 信访 -禁毒").phrases == ("信访", "调解")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023", YearRange(2023, 2023)),
        ("2023年", YearRange(2023, 2023)),
        ("2024..2021", YearRange(2021, 2024)),  # reversed ends are put in order
        ("2021-2024", YearRange(2021, 2024)),
        ("2021..", YearRange(2021, 9999)),
        ("abc", None),
        ("..", None),
    ],
)
def test_parses_years_and_ranges(value, expected):
    assert parse_year(value) == expected


def test_year_range_includes_its_ends_and_prints_as_typed():
    years = YearRange(2021, 2024)
    assert [years.includes(year) for year in (2021, 2024, 2025, None)] == [True, True, False, False]
    assert (str(years), str(YearRange(2023, 2023)), str(YearRange(2021, 9999))) == ("2021..2024", "2023", "2021..")


@pytest.mark.parametrize(
    "value, key",
    [
        ("problems", "problems"),
        ("Problems", "problems"),
        ("下一步工作安排", "next_steps"),
        ("问题", "problems"),
        ("工作", "next_steps"),
        ("完成情况", None),
        ("xyz", None),
    ],
)
def test_section_types_by_key_label_or_part_of_one_label(value, key):
    assert section_type_key(value) == key


def test_law_names_resolve_to_the_catalogue_name_or_stay_as_typed():
    assert canonical_law_name("民法典") == "中华人民共和国民法典"
    assert canonical_law_name("某某镇村规民约") == "某某镇村规民约"


def test_builds_filters_from_option_values_with_notices_for_bad_ones():
    filters, notices = build_filters(township=["段园镇", " "], year=["2023", "soon"], section_type=["问题", "xyz"], law=["民法典"])
    assert filters == SearchFilters(
        township=("段园镇",), year=(YearRange(2023, 2023),), section_type=("problems",), law=("中华人民共和国民法典",)
    )
    assert len(notices) == 2 and all(notice.endswith("ignored.") for notice in notices)


def test_combined_filters_or_the_values_of_each_facet():
    first = SearchFilters(township=("段园镇",), year=(YearRange(2023, 2023),))
    second = SearchFilters(township=("均口镇", "段园镇"), law=("中华人民共和国民法典",))
    assert first.combined(second) == SearchFilters(
        township=("段园镇", "均口镇"), year=(YearRange(2023, 2023),), law=("中华人民共和国民法典",)
    )
    assert SearchFilters().is_empty() and not first.is_empty()

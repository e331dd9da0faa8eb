"""The law catalogue and the finder of cited laws, on literal sentences and on the bundled corpus."""
from __future__ import annotations

import pytest
from bundled import bundled_corpus

from indexer.parse.citation_kinds import DOCUMENT
from indexer.parse.law_catalogue import (
    UNCATALOGUED,
    law_catalogue,
    law_names_for_dictionary,
)
from indexer.parse.laws import CitedLawCount, find_cited_laws, summarise_citations
from indexer.report import CITATION, EVENT

CORPUS = bundled_corpus()
OUTLINE_2021 = "法治政府建设实施纲要（2021－2025年）"


def read_corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def names_in(text: str) -> list[str]:
    return [citation.name for citation in find_cited_laws(text)]


def test_catalogue_is_loaded_once():
    assert law_catalogue() is law_catalogue()


@pytest.mark.parametrize("name", [
    "民法典",  # the main alias
    "《民法典》",  # a title with its marks
    "中华人民共和国民法典",  # the canonical name
    "《中华人民共和国民法典》",
    "〈民法典〉",  # the inner title marks
    "《民法典 》",  # a stray space
])
def test_resolves_every_spelling_of_the_civil_code_to_one_law(name):
    entry = law_catalogue().resolve(name)
    assert entry is not None
    assert (entry.canonical_name, entry.category, entry.short_name) == ("中华人民共和国民法典", "法律", "民法典")
    assert entry.status == "现行有效"


@pytest.mark.parametrize("name, short_name", [
    ("中华人民共和国民法典", "民法典"),
    ("中国共产党纪律处分条例", "纪律处分条例"),
    ("中国共产党章程", "党章"),  # too little is left without the prefix, so the table's short form
    ("信访工作条例", "信访工作条例"),  # no prefix: the canonical name
    (OUTLINE_2021, OUTLINE_2021),  # its aliases are spelling variants, not short forms
])
def test_short_name_is_the_name_without_national_or_party_prefix(name, short_name):
    assert law_catalogue().resolve(name).short_name == short_name


@pytest.mark.parametrize("title", [
    "《法治政府建设实施纲要（2021－2025年）》",  # full-width hyphen, as in the catalogue
    "《法治政府建设实施纲要（2021-2025年）》",  # ASCII hyphen, as in most reports
    "《法治政府建设实施纲要（2021—2025年）》",  # em dash
    "《法治政府建设实施纲要（2021–2025年）》",  # en dash, in no alias
    "《法治政府建设实施纲要(2021-2025年)》",  # half-width brackets
    "《法治政府建设实施纲要（2021~2025年）》",  # tilde
])
def test_resolves_dash_and_bracket_variants_of_the_outline(title):
    assert law_catalogue().resolve(title).canonical_name == OUTLINE_2021
    (citation,) = find_cited_laws(f"严格落实{title}要求")
    assert (citation.name, citation.category, citation.uncatalogued) == (OUTLINE_2021, "政策文件", False)


def test_resolves_title_with_edition_mark():
    entry = law_catalogue().resolve("《中华人民共和国土地管理法（2019年修正）》")
    assert entry.canonical_name == "中华人民共和国土地管理法"


def test_resolve_returns_none_for_name_not_in_catalogue():
    assert law_catalogue().resolve("段园镇法治建设任务清单") is None


def test_national_prefix_is_dropped_only_where_the_catalogue_has_it():
    catalogue = law_catalogue()
    assert catalogue.resolve("中华人民共和国刑诉法").canonical_name == "中华人民共和国刑事诉讼法"
    assert catalogue.resolve("中华人民共和国信访工作条例") is None  # a party regulation has no such prefix
    assert find_cited_laws("《中华人民共和国信访工作条例》")[0].uncatalogued


def test_maps_near_miss_law_name_to_catalogue():
    (citation,) = find_cited_laws("学习《妇女权益保护法》。")
    assert citation.name == "中华人民共和国妇女权益保障法"
    assert citation.short_name == "妇女权益保障法"
    assert citation.as_written == "《妇女权益保护法》"
    assert not citation.uncatalogued


def test_near_miss_as_close_to_two_laws_maps_to_neither():
    # 行政复罚法 is one character from both 行政复议法 and 行政处罚法.
    catalogue = law_catalogue()
    assert catalogue.resolve_near_miss("行政复罚法") is None
    (citation,) = find_cited_laws("学习《行政复罚法》")
    assert (citation.name, citation.category, citation.uncatalogued) == ("行政复罚法", UNCATALOGUED, True)
    assert names_in("宣传宪法、行政复罚法、民法典") == ["中华人民共和国宪法", "中华人民共和国民法典"]


def test_bare_near_miss_is_tried_only_on_a_whole_clause():
    assert names_in("、妇女权益保护法、") == ["中华人民共和国妇女权益保障法"]
    assert names_in("认真学习妇女权益保护法，") == []  # running text is not fuzzy-matched


@pytest.mark.parametrize("name", [
    "治安管理处罚条例",  # a 条例 is not the 治安管理处罚法, however close the names
    "耕地保护法",  # one character from 湿地保护法, but the subject differs
    "刑法修正案（十三）",  # numbers name different documents
])
def test_near_miss_never_changes_kind_subject_or_number(name):
    assert law_catalogue().resolve_near_miss(name) is None
    (citation,) = find_cited_laws(f"《{name}》")
    assert citation.uncatalogued


def test_keeps_uncatalogued_title_as_written():
    (citation,) = find_cited_laws("按照《段园镇网格化服务管理规定》的要求")
    assert citation.name == "段园镇网格化服务管理规定"
    assert citation.category == UNCATALOGUED
    assert citation.uncatalogued
    assert (citation.start, citation.end) == (2, 16)


@pytest.mark.parametrize("title, is_document", [
    # Books, outlines, plans and work lists are documents (段园镇's report cites the first two).
    ("习近平法治思想学习纲要", True),
    ("段园镇法治建设任务清单", True),
    ("济源示范区2024年度法治政府建设工作安排", True),
    ("2024年普法依法治理工作要点", True),
    ("关于加强基层法治建设的实施意见（试行）", True),
    ("民法典学习读本", True),
    # Laws and regulations stay laws, 办法 included (mostly regulations: 规章).
    ("段园镇网格化服务管理规定", False),
    ("某某市城市管理综合执法办法", False),
    ("某某省法律援助条例", False),
    ("某某市矛盾纠纷多元化解条例（草案）", False),
])
def test_uncatalogued_titles_are_documents_by_their_ending(title, is_document):
    (citation,) = find_cited_laws(f"按照《{title}》的要求")
    assert citation.uncatalogued
    assert (citation.category == DOCUMENT) is is_document
    assert citation.kind == CITATION


@pytest.mark.parametrize("text, name, kind", [
    # A day, week, month or campaign named after a law is an event, not a citation of it.
    ("开展国家宪法日暨全国法治宣传日活动", "中华人民共和国宪法", EVENT),
    ("组织民法典宣传月、宪法宣传周等重要节点活动", "中华人民共和国民法典", EVENT),
    ("开展宪法学习月活动", "中华人民共和国宪法", EVENT),
    ("深入开展宪法宣传活动，共发放资料", "中华人民共和国宪法", EVENT),
    ("开展民法典主题宣传月活动", "中华人民共和国民法典", EVENT),
    # The law itself, also when the text promotes it.
    ("认真学习宪法、民法典等法律", "中华人民共和国宪法", CITATION),
    ("深入学习《宪法》", "中华人民共和国宪法", CITATION),
    ("开展宪法宣传教育", "中华人民共和国宪法", CITATION),
    # A title in 《》 is never an event, even before 宣传月.
    ("开展《民法典》宣传月活动", "中华人民共和国民法典", CITATION),
])
def test_events_named_after_a_law_are_told_apart_from_citations(text, name, kind):
    citation = find_cited_laws(text)[0]
    assert (citation.name, citation.kind) == (name, kind)


@pytest.mark.parametrize("text, article, cited", [
    ("依据《民法典》第一千零四十二条规定", "第一千零四十二条", "《民法典》第一千零四十二条"),
    ("《行政处罚法》第三十三条第二款明确", "第三十三条第二款", "《行政处罚法》第三十三条第二款"),
    ("根据民法典第1042条，", "第1042条", "民法典第1042条"),  # a bare name keeps its article too
    ("学习《民法典》第一编", "", "《民法典》"),  # a part is not an article
])
def test_article_reference_stays_with_its_citation(text, article, cited):
    (citation,) = find_cited_laws(text)
    assert citation.article == article
    assert text[citation.start:citation.end] == cited


@pytest.mark.parametrize("text", [
    "坚持依法行政",
    "开展普法宣传",
    "深入抓好党员干部学法用法",
    "学习相关法律法规",
    "开展防溺水法治宣传",  # 水法 followed by 治
    "严格规范公正文明执法",
    "组织人大代表法定职责培训",  # 代表法 followed by 定
    "开设刑法学讲座",  # 刑法 glued to 学
    "推广节水法",  # 水法 glued to 节
    "宣传济源市信访条例",  # a local regulation, not the national 信访条例
])
def test_finds_no_law_in_words_built_on_fa(text):
    assert find_cited_laws(text) == ()


def test_finds_bare_law_names_in_running_text():
    text = "宣传宪法、民法典、妇女权益保护法、反家庭暴力法等法律"
    citations = find_cited_laws(text)
    assert [citation.as_written for citation in citations] == ["宪法", "民法典", "妇女权益保护法", "反家庭暴力法"]
    assert [citation.short_name for citation in citations] == ["宪法", "民法典", "妇女权益保障法", "反家庭暴力法"]
    assert all(text[citation.start:citation.end] == citation.as_written for citation in citations)


@pytest.mark.parametrize("text", [
    "开展宪法宣传周活动",
    "“12.4”国家宪法日",
    "民法典宣传月、宪法宣传周",
])
def test_constitution_events_still_cite_the_constitution(text):
    assert "中华人民共和国宪法" in names_in(text)


def test_finds_bare_party_regulation():
    (citation,) = find_cited_laws("严格落实信访工作条例，推动信访工作法治化")
    assert (citation.name, citation.category) == ("信访工作条例", "党内法规")


def test_quotation_marks_do_not_hide_a_bare_name():
    text = "按照“八五”普法规划，不断创新"
    (citation,) = find_cited_laws(text)
    assert citation.name == "关于开展法治宣传教育的第八个五年规划（2021－2025年）"
    assert citation.as_written == "“八五”普法规划"
    assert text[citation.start:citation.end] == "“八五”普法规划"


def test_title_is_not_found_again_as_bare_name():
    citations = find_cited_laws("发放《民法典》《中华人民共和国民法典》")
    assert [citation.as_written for citation in citations] == ["《民法典》", "《中华人民共和国民法典》"]


def test_nested_title_is_one_citation():
    (citation,) = find_cited_laws("贯彻《河南省实施〈妇女权益保障法〉办法》")
    assert (citation.name, citation.category) == ("河南省实施《妇女权益保障法》办法", "地方性法规")


def test_summarises_citations_by_count_then_name():
    citations = find_cited_laws("《民法典》、民法典、宪法和《段园镇法治建设任务清单》")
    assert summarise_citations(citations) == (
        CitedLawCount(name="中华人民共和国民法典", category="法律", short_name="民法典", count=2),
        CitedLawCount(name="中华人民共和国宪法", category="宪法", short_name="宪法", count=1),
        CitedLawCount(name="段园镇法治建设任务清单", category=DOCUMENT, short_name="段园镇法治建设任务清单", count=1),
    )


def test_dictionary_names_are_national_single_words():
    names = law_names_for_dictionary()
    assert {"民法典", "中华人民共和国民法典", "党章", "信访工作条例", "政府信息公开条例"} <= set(names)
    assert "河南省信访条例" not in names  # local regulations are left out
    assert OUTLINE_2021 not in names  # brackets never make one jieba word
    assert len(names) == len(set(names))


def test_finds_laws_cited_in_duanyuan_report():
    citations = find_cited_laws(read_corpus("anhui-duji-duanyuan-2024.txt"))
    found = {citation.short_name: citation for citation in citations}
    assert found["习近平法治思想学习纲要"].uncatalogued
    for short_name in ("保守国家秘密法", "环境保护法", "统计法", "民法典", "土地管理法", "法律援助法",
                       "道路交通安全法", "反电信网络诈骗法"):
        assert found[short_name].category == "法律"
    assert found["党章"].name == "中国共产党章程"
    assert found["纪律处分条例"].category == "党内法规"
    assert found["政府信息公开条例"].category == "行政法规"
    assert found["段园镇法治建设任务清单"].uncatalogued


def test_finds_bare_laws_and_outline_in_sili_report():
    citations = find_cited_laws(read_corpus("henan-jiyuan-sili-2024.txt"))
    bare = [citation.short_name for citation in citations if not citation.as_written.startswith("《")]
    assert bare == ["宪法", "民法典", "妇女权益保障法", "反家庭暴力法"]
    assert OUTLINE_2021 in [citation.name for citation in citations]


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.txt")))
def test_every_corpus_citation_span_holds_what_was_written(name):
    text = read_corpus(name)
    citations = find_cited_laws(text)
    assert citations
    assert [citation.start for citation in citations] == sorted(citation.start for citation in citations)
    for citation in citations:
        assert text[citation.start:citation.end] == citation.as_written + citation.article

"""The search engine end to end: build an index from report files, then match, filter, count, rank and mark.

Two indexes are built once per module: the bundled corpus, and a small corpus written here whose
reports hold the traps exact matching must get right.
"""
from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.index.build import build_index
from indexer.index.generations import BuildLocked
from indexer.index.report_store import STORE_FOLDER, load_report
from indexer.index.workers import BuildProgress
from indexer.parse.normalize import fold_for_matching
from indexer.pipeline import iter_report_files
from indexer.search.notices import make_notice
from indexer.search.opened_index import IndexUnavailable, open_search_index
from indexer.search.query import SearchFilters, YearRange
from indexer.search.results import export_passages, search
from indexer.search.snippets import make_snippet, mark_text

CORPUS = bundled_corpus()

SMALL_CORPUS = {
    "duanyuan-2023.txt": """段园镇人民政府关于2023年度法治政府建设工作情况的报告

2023年，段园镇坚持和发展新时代“枫桥经验”，全面推进依法行政。
一、主要举措和成效
（一）强化普法宣传
深入宣传《中华人民共和国民法典》和《行政处罚法》，坚持以案释法，推动普法宣传进村入户，深入开展法治宣传教育，培育法律明白人52名，上线ＡＢＣ管理系统。
（二）学习枫桥
经验丰富的调解员参与调处，矛盾纠纷调解成功率98%。枫桥 经验。
二、存在的问题和不足
执法人员业务能力不足，<script>alert(1)</script>依法行政水平有待提高。
三、下一步工作安排
继续深化“一村一法律顾问”制度，建设交通樞紐。
""",
    "duanyuan-2024.txt": """段园镇人民政府关于2024年度法治政府建设工作情况的报告

2024年，段园镇持续推进法治政府建设。
一、主要举措和成效
（一）坚持发展枫桥经验
依托综治中心化解信访矛盾，调解纠纷120件。
（二）深化法治宣传
开展《民法典》宣传月活动，使用abc系统登记。
二、存在的不足
信访总量仍然偏高，交通枢纽周边矛盾较多。
三、下一步工作打算
持续开展调解培训。
""",
    "junkou-2023.txt": """均口镇人民政府关于2023年度法治政府建设情况的报告

2023年，均口镇认真落实法治建设第一责任人职责。
一、履行推进法治建设第一责任人职责情况
主要负责人带头学习《中华人民共和国宪法》和《民法典》，组织学法4次。
二、推进法治政府建设的主要举措
（一）严格行政执法
落实行政执法三项制度，开展执法培训2次。
（二）化解矛盾纠纷
学习枫桥先进做法，总结调解经验。
三、存在的问题
部分执法人员对《行政处罚法》理解不深。
""",
    "shangan-2024.txt": """善感乡人民政府2024年法治政府建设工作报告

2024年，善感乡坚持新时代“枫桥经验”，调解成功率100%。
一、主要工作
（一）法律服务
开展民法典进村活动，法律明白人达到30名。
（二）信访工作
结合普法宣传开展工作。
二、存在问题和不足
法治宣传形式单一。
""",
    "wawu-2023.txt": """瓦屋镇人民政府关于2023年度法治政府建设情况的报告

2023年，瓦屋镇推进法治政府建设。
一、主要举措和成效
（一）禁毒工作
推进禁毒宣传工作，禁毒宣传覆盖全镇。
""",
    "wawu-2024.txt": """瓦屋镇人民政府关于2024年度法治政府建设情况的报告

2024年，瓦屋镇推进法治政府建设。
一、主要举措和成效
（一）禁毒工作
推进禁毒宣传工作，禁毒宣传覆盖全镇。
""",
}

CATALOGUE = """file,township,county,city,province,year
duanyuan-2023.txt,段园镇,杜集区,淮北市,安徽省,2023
duanyuan-2024.txt,段园镇,杜集区,淮北市,安徽省,2024
junkou-2023.txt,均口镇,建宁县,三明市,福建省,2023
shangan-2024.txt,善感乡,彭水苗族土家族自治县,重庆市,重庆市,2024
wawu-2023.txt,瓦屋镇,鲁山县,平顶山市,河南省,2023
wawu-2024.txt,瓦屋镇,鲁山县,平顶山市,河南省,2024
"""

# The benchmark's phrases and pairs, plus traps: sub-strings of longer words, single characters, punctuation.
BUNDLED_QUERIES = [
    "枫桥经验", "法律明白人", "一村一法律顾问", "三重一大", "调解成功率", "行政执法", "信访", "网格化管理",
    "民法典", "普法宣传", "法律顾问", "合法性审查", "政务公开", "述法", "禁毒", "扫黑除恶", "综治中心",
    "重大行政决策", "法治宣传 民法典", "信访 调解", "网格员 矛盾纠纷", "法律顾问 合同", "行政执法 培训",
    "枫桥经验 调解", "处罚法", "明白人", "镇", "法", "《民法典》", "2024年", "信访 -调解", "信访 OR 禁毒",
]


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    build_index(CORPUS, index_dir)
    with open_search_index(index_dir) as index:
        yield index


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    corpus = write_corpus(folder / "corpus", SMALL_CORPUS)
    build_index(corpus, folder / "index")
    with open_search_index(folder / "index") as index:
        yield index


def substring_truth(passages, query: str) -> set[str]:
    """Passage ids whose heading path or text holds the query's terms: the reference for exact matching.

    Reads the simple queries of BUNDLED_QUERIES: terms ANDed, or ORed when OR joins them, -term excluded.
    """
    parts = query.split()
    groups = [query.split(" OR ")] if " OR " in query else [[part] for part in parts if not part.startswith("-")]
    excluded = [part[1:] for part in parts if part.startswith("-")]
    found = set()
    for passage in passages:
        haystack = fold_for_matching("\n".join(passage.heading_path) + "\n" + passage.text)
        wanted = all(any(fold_for_matching(term) in haystack for term in group) for group in groups)
        if wanted and not any(fold_for_matching(term) in haystack for term in excluded):
            found.add(passage.passage_id)
    return found


def ids(index, query: str, **options) -> set[str]:
    return {passage.passage_id for passage in export_passages(index, query, **options)}


# Exact matching


@pytest.mark.parametrize("query", BUNDLED_QUERIES)
def test_hits_are_exactly_the_passages_containing_the_query(bundled_index, query):
    everything = list(export_passages(bundled_index))
    assert ids(bundled_index, query) == substring_truth(everything, query)


@pytest.mark.parametrize(
    "query, expected",
    [
        # 枫桥 and 经验 apart (across a line break, a space, in two sentences) never make 枫桥经验.
        ("枫桥经验", {"duanyuan-2023-p1", "duanyuan-2024-p2", "shangan-2024-p1"}),
        # A quoted phrase with a space matches the space.
        ('"枫桥 经验"', {"duanyuan-2023-p3"}),
        # Parts of longer words match, whatever jieba made of them.
        ("处罚法", {"duanyuan-2023-p2", "junkou-2023-p5"}),
        ("明白人", {"duanyuan-2023-p2", "shangan-2024-p2"}),
        # Full-width and half-width, traditional and simplified, match each other both ways.
        ("abc", {"duanyuan-2023-p2", "duanyuan-2024-p3"}),
        ("ＡＢＣ", {"duanyuan-2023-p2", "duanyuan-2024-p3"}),
        ("樞紐", {"duanyuan-2023-p5", "duanyuan-2024-p4"}),
        ("枢纽", {"duanyuan-2023-p5", "duanyuan-2024-p4"}),
        # A heading path counts: 存在的不足 is the heading of this passage only.
        ("存在的不足", {"duanyuan-2024-p4"}),
    ],
)
def test_exact_matching_traps(small_index, query, expected):
    assert ids(small_index, query) == expected


def test_total_counts_passages_and_reports(small_index):
    result = search(small_index, "枫桥经验")
    assert (result.total, result.total_reports) == (3, 3)


# Facets and filters


def facet(result, name: str) -> dict[str, tuple[int, int]]:
    return {value.value: (value.count, value.reports) for value in result.facets[name]}


def test_facets_count_over_all_hits_not_the_page(small_index):
    result = search(small_index, "宣传", per_page=1)
    assert len(result.hits) == 1
    assert sum(count for count, _reports in facet(result, "section_type").values()) == result.total
    assert facet(result, "township") == {"段园镇": (2, 2), "善感乡": (2, 1), "瓦屋镇": (2, 2)}
    assert facet(result, "year") == {"2023": (2, 2), "2024": (4, 3)}


@pytest.mark.parametrize(
    "name, filters, kept",
    [
        ("township", SearchFilters(township=("段园镇",)), "段园镇"),
        ("county", SearchFilters(county=("杜集区",)), "杜集区"),
        ("province", SearchFilters(province=("河南省",)), "河南省"),
        ("year", SearchFilters(year=(YearRange(2024, 2024),)), "2024"),
        ("section_type", SearchFilters(section_type=("problems",)), "problems"),
        ("law", SearchFilters(law=("中华人民共和国民法典",)), "中华人民共和国民法典"),
    ],
)
def test_a_facet_filter_keeps_its_own_facet_counts_and_narrows_the_others(small_index, name, filters, kept):
    unfiltered = search(small_index, "")
    filtered = search(small_index, "", filters=filters)
    # The chosen facet still shows every value with the counts it had: choosing one keeps the others visible.
    assert facet(filtered, name) == facet(unfiltered, name)
    # The hits, and every other facet, count only passages with the chosen value.
    assert filtered.total == facet(unfiltered, name)[kept][0]
    other = "section_type" if name != "section_type" else "township"
    assert sum(count for count, _ in facet(filtered, other).values()) == filtered.total


def test_values_of_one_facet_are_ored_and_facets_anded(small_index):
    both = search(small_index, "", filters=SearchFilters(township=("段园镇", "瓦屋镇")))
    one_year = search(small_index, "", filters=SearchFilters(township=("段园镇", "瓦屋镇"), year=(YearRange(2024, 2024),)))
    townships = facet(search(small_index, ""), "township")
    assert both.total == townships["段园镇"][0] + townships["瓦屋镇"][0]
    assert {hit.year for hit in one_year.hits} == {2024}
    assert one_year.total == facet(both, "year")["2024"][0]


def test_facet_labels_are_readable(small_index):
    result = search(small_index, "民法典")
    labels = {value.value: value.label for name in ("year", "section_type", "law") for value in result.facets[name]}
    assert labels["2023"] == "2023年"
    assert labels["measures"] == "主要举措和成效"
    assert labels["中华人民共和国民法典"] == "民法典"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("宣传 year:2024..2025", {"duanyuan-2024-p3", "shangan-2024-p3", "shangan-2024-p4", "wawu-2024-p2"}),
        ("执法 section:problems", {"duanyuan-2023-p4", "junkou-2023-p5"}),
        ("执法 section:存在问题和不足", {"duanyuan-2023-p4", "junkou-2023-p5"}),
        # The alias 行政处罚法 resolves to the canonical name the passages were indexed under.
        ("law:行政处罚法", {"duanyuan-2023-p2", "junkou-2023-p5"}),
        ("调解 township:段园镇", {"duanyuan-2023-p3", "duanyuan-2024-p2", "duanyuan-2024-p5"}),
    ],
)
def test_query_filters(small_index, query, expected):
    assert ids(small_index, query) == expected


def test_empty_query_with_filters_browses(small_index):
    result = search(small_index, "", filters=SearchFilters(township=("均口镇",)), per_page=100)
    assert result.total == len(result.hits) == 5
    assert {hit.report_id for hit in result.hits} == {"junkou-2023"}


@pytest.mark.parametrize(
    "query, read_as",
    [
        ('"枫桥经验', "枫桥经验"),
        ("枫桥经验 OR", "枫桥经验"),
        ("foo:枫桥 枫桥经验", '"foo:枫桥" 枫桥经验'),
        ("year:abc 枫桥经验", '"year:abc" 枫桥经验'),
        ("- 枫桥经验", "枫桥经验"),
        ("NOT", ""),
    ],
)
def test_malformed_queries_get_the_literal_reading_and_a_notice(small_index, query, read_as):
    result = search(small_index, query)
    assert result.notices and not search(small_index, read_as).notices
    assert result.total == search(small_index, read_as).total


def test_unknown_sort_falls_back_to_relevance_with_a_notice(small_index):
    result = search(small_index, "宣传", sort="size")
    assert (result.sort, result.notices) == ("relevance", (make_notice("bad_sort", value="size"),))


# Ranking and order


def test_identical_passages_tie_newest_year_first(small_index):
    result = search(small_index, "禁毒宣传")
    assert [hit.report_id for hit in result.hits] == ["wawu-2024", "wawu-2023"]
    assert result.hits[0].score == result.hits[1].score > 0


def test_a_heading_match_outranks_a_shorter_body_match(small_index):
    # shangan-2024-p3 is shorter, but 普法宣传 is in the heading of duanyuan-2023-p2.
    result = search(small_index, "普法宣传")
    assert [hit.passage_id for hit in result.hits] == ["duanyuan-2023-p2", "shangan-2024-p3"]


def test_sorts_by_year_and_by_township(small_index):
    by_year = search(small_index, "宣传", sort="year", per_page=100)
    by_township = search(small_index, "宣传", sort="township", per_page=100)
    assert [hit.year for hit in by_year.hits] == sorted((hit.year for hit in by_year.hits), reverse=True)
    townships = [hit.township for hit in by_township.hits]
    assert townships == sorted(townships)


def test_pages_split_the_ranked_hits(small_index):
    everything = [hit.passage_id for hit in search(small_index, "宣传", per_page=100).hits]
    pages = [hit.passage_id for page in (1, 2, 3) for hit in search(small_index, "宣传", page=page, per_page=3).hits]
    assert pages == everything


def test_hits_carry_report_fields_and_a_deep_link(small_index):
    hit = search(small_index, "樞紐 year:2023").hits[0]
    assert (hit.report_id, hit.township, hit.county, hit.city, hit.province, hit.year) == (
        "duanyuan-2023", "段园镇", "杜集区", "淮北市", "安徽省", 2023
    )
    assert (hit.section_type, hit.section_label, hit.heading_path) == ("next_steps", "下一步工作安排", ("下一步工作安排",))
    assert hit.url == "/reports/duanyuan-2023#duanyuan-2023-p5"


def test_export_gives_the_text_and_cited_laws(small_index):
    passage = next(export_passages(small_index, "law:民法典 year:2023 township:段园镇"))
    assert "以案释法" in passage.text
    assert {law.name for law in passage.cited_laws} == {"中华人民共和国民法典", "中华人民共和国行政处罚法"}


# Snippets


def test_snippet_marks_every_occurrence_exactly(small_index):
    snippet = search(small_index, "宣传 year:2023 township:段园镇").hits[0].snippet
    marked = re.findall(r"<mark>(.*?)</mark>", snippet)
    assert marked and set(marked) == {"宣传"}
    assert len(marked) == snippet.count("宣传")


def test_snippet_escapes_the_text(small_index):
    snippet = search(small_index, "依法行政水平").hits[0].snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet and "<script>" not in snippet
    assert "<mark>依法行政水平</mark>" in snippet


def test_snippet_marks_full_width_text_for_a_half_width_query():
    assert "<mark>ＡＢＣ</mark>" in make_snippet("上线ＡＢＣ管理系统。", ["abc"])


def test_snippet_never_marks_part_of_a_phrase():
    assert "<mark>" not in make_snippet("学习枫桥先进做法，总结调解经验。", ["枫桥经验"])


def test_far_apart_phrases_get_a_fragment_each():
    filler = "坚持依法行政，推进各项工作。" * 30
    text = "信访工作扎实有效。" + filler + "矛盾纠纷调解成功率高。" + filler
    snippet = make_snippet(text, ["信访", "调解"], length=120)
    fragments = [part for part in snippet.split("…") if part]
    assert [("<mark>信访</mark>" in part, "<mark>调解</mark>" in part) for part in fragments] == [(True, False), (False, True)]
    assert len(snippet) < 200


def test_snippet_is_cut_at_sentence_or_clause_ends():
    text = "第一句话讲述背景情况。" * 20 + "这里提到禁毒宣传的做法，效果显著。" + "最后一句话做个总结。" * 20
    snippet = make_snippet(text, ["禁毒"], length=80)
    assert snippet.startswith("…") and snippet.endswith("…")
    opening = snippet[1:].replace("<mark>", "").replace("</mark>", "")
    start = text.index(opening[:12])
    assert text[start - 1] in "。，"
    assert opening.rstrip("…")[-1] in "。，"


def test_snippet_without_an_occurrence_opens_the_passage():
    assert make_snippet("短短一句。", ["枫桥经验"]) == "短短一句。"


def test_mark_text_keeps_line_breaks():
    assert mark_text("第一行\n信访<b>", ["信访"]) == "第一行\n<mark>信访</mark>&lt;b&gt;"


# Building


def test_building_in_worker_processes_gives_the_same_index(tmp_path, bundled_index):
    build_index(CORPUS, tmp_path / "index", workers=2)
    with open_search_index(tmp_path / "index") as pooled:
        assert ids(pooled, "") == ids(bundled_index, "")
        assert ids(pooled, "枫桥经验") == ids(bundled_index, "枫桥经验")


def _whoosh_contents(index_dir: Path) -> tuple[list, list]:
    """Every posting (field, term, document, weight) and every document's stored fields and field lengths."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir)).searcher() as searcher:
        reader = searcher.reader()
        postings = []
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            while matcher.is_active():
                postings.append((field, term, matcher.id(), matcher.weight()))
                matcher.next()
        documents = [
            (searcher.stored_fields(number), reader.doc_field_length(number, "text_rank"),
             reader.doc_field_length(number, "heading_rank"))
            for number in range(reader.doc_count_all())
        ]
    return postings, documents


def test_the_build_writes_what_whooshs_own_writer_writes(tmp_path):
    """The build gathers a segment's postings per term instead of in Whoosh's sorting pool: the index must be
    the one Whoosh's own writer makes of the same documents."""
    from whoosh import index as whoosh_index

    from indexer.index.sources import hash_sources
    from indexer.index.schema import passage_schema
    from indexer.index.workers import analyse_file
    from indexer.parse.catalogue import load_catalogue

    built = tmp_path / "built"
    build_index(CORPUS, built, workers=1, find_duplicates=False)
    generation = built / (built / "CURRENT").read_text(encoding="utf-8").strip()
    catalogue = load_catalogue(CORPUS)
    sources = hash_sources(iter_report_files(CORPUS), CORPUS, catalogue).sources
    plain = tmp_path / "plain"
    plain.mkdir()
    writer = whoosh_index.create_in(str(plain), passage_schema()).writer()
    for source in sources:
        _report, documents = analyse_file(source, CORPUS, catalogue, tmp_path / "store", find_duplicates=False)
        for document in documents:
            writer.add_document(**document)
    writer.commit()
    ours, theirs = _whoosh_contents(generation), _whoosh_contents(plain)
    assert len(ours[0]) > 1000 and len(ours[1]) > 40
    assert ours == theirs


@pytest.mark.parametrize(
    "query_text, sort",
    [
        ("", "year"),  # browsing: the order falls back to document numbers within a year
        ("", "township"),
        ("枫桥经验", "relevance"),  # BM25F scores read from the postings of every segment
        ("行政执法", "relevance"),  # many hits with tied scores, so index order decides
        ("普法", "township"),
    ],
)
def test_building_in_worker_segments_gives_the_same_search_results(tmp_path, bundled_index, query_text, sort):
    build_index(CORPUS, tmp_path / "index", workers=2)
    with open_search_index(tmp_path / "index") as pooled:
        # Each worker wrote its own segment, joined in file order.
        assert len(pooled.searcher().reader().leaf_readers()) > 1
        for page in (1, 2):
            assert search(pooled, query_text, sort=sort, page=page, facet_limit=None) == search(
                bundled_index, query_text, sort=sort, page=page, facet_limit=None
            )


def test_building_in_worker_processes_reports_every_file_once_in_order(tmp_path):
    seen: list[BuildProgress] = []
    build_index(CORPUS, tmp_path / "index", workers=2, progress=seen.append)
    files = sorted(str(path) for path in iter_report_files(CORPUS))
    assert [progress.done for progress in seen] == list(range(1, len(files) + 1))
    assert {progress.total for progress in seen} == {len(files)}
    assert sorted(progress.path for progress in seen) == files


def test_incremental_build_indexes_changed_added_and_removed_files_only(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", SMALL_CORPUS)
    first = build_index(corpus, tmp_path / "index")
    (corpus / "junkou-2023.txt").write_text(SMALL_CORPUS["junkou-2023.txt"] + "四、其他\n新增网格化管理内容。\n", encoding="utf-8")
    (corpus / "wawu-2023.txt").unlink()
    (corpus / "new-2024.txt").write_text(SMALL_CORPUS["wawu-2024.txt"].replace("禁毒", "扫黑除恶"), encoding="utf-8")
    second = build_index(corpus, tmp_path / "index")
    assert (second.reports_indexed, second.reports_unchanged, second.reports_removed) == (2, 4, 1)
    assert second.reports_total == first.reports_total
    with open_search_index(tmp_path / "index") as index:
        assert ids(index, "网格化管理") == {"junkou-2023-p6"}
        assert {passage.report_id for passage in export_passages(index, "扫黑除恶")} == {"new-2024"}
        assert "wawu-2023" not in {passage.report_id for passage in export_passages(index)}
        assert ids(index, "枫桥经验") == {"duanyuan-2023-p1", "duanyuan-2024-p2", "shangan-2024-p1"}
    third = build_index(corpus, tmp_path / "index")
    assert (third.reports_indexed, third.generation) == (0, second.generation)


def test_interrupted_build_leaves_the_previous_index_searchable(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", SMALL_CORPUS)
    build_index(corpus, tmp_path / "index")
    before = open_search_index(tmp_path / "index")
    (corpus / "extra-2024.txt").write_text(SMALL_CORPUS["wawu-2024.txt"].replace("禁毒", "扫黑除恶"), encoding="utf-8")

    def interrupt(progress: BuildProgress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, tmp_path / "index", rebuild=True, progress=interrupt)
    with before, open_search_index(tmp_path / "index") as after:
        assert after.generation == before.generation and before.is_current()
        assert ids(after, "枫桥经验") == ids(before, "枫桥经验") and not ids(after, "扫黑除恶")
        assert not [path for path in (tmp_path / "index").iterdir() if path.name.startswith(".building")]
        # The next build finishes the work, and the index opened before can tell it is out of date.
        assert build_index(corpus, tmp_path / "index").reports_indexed == 1
        assert not before.is_current()
        assert ids(before, "枫桥经验") == ids(after, "枫桥经验")


def test_a_second_writer_gets_a_sentence(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", SMALL_CORPUS)
    started, release = threading.Event(), threading.Event()

    def hold(progress: BuildProgress) -> None:
        started.set()
        release.wait(10)

    first = threading.Thread(target=build_index, args=(corpus, tmp_path / "index"), kwargs={"progress": hold})
    first.start()
    try:
        assert started.wait(10)
        with pytest.raises(BuildLocked, match=r"^Another build is writing the index in .*; wait for it to finish"):
            build_index(corpus, tmp_path / "index")
    finally:
        release.set()
        first.join()
    with open_search_index(tmp_path / "index") as index:
        assert index.passage_count() > 0


def test_broken_files_are_skipped_with_a_reason(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"wawu-2024.txt": SMALL_CORPUS["wawu-2024.txt"]})
    (corpus / "broken.docx").write_bytes(b"this is not a zip archive")
    summary = build_index(corpus, tmp_path / "index")
    assert (summary.reports_indexed, [Path(skipped.path).name for skipped in summary.skipped]) == (1, ["broken.docx"])
    assert summary.skipped[0].reason.endswith(".")
    # Unchanged, it is reported again without a new generation.
    again = build_index(corpus, tmp_path / "index")
    assert (again.generation, again.skipped, again.reports_unchanged) == (summary.generation, summary.skipped, 1)


def test_a_file_linked_into_the_corpus_from_elsewhere_is_indexed_under_its_name_there_only_when_allowed(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"wawu-2024.txt": SMALL_CORPUS["wawu-2024.txt"]})
    elsewhere = write_corpus(tmp_path / "elsewhere", {"original.txt": SMALL_CORPUS["junkou-2023.txt"]})
    (corpus / "linked-junkou-2023.txt").symlink_to(elsewhere / "original.txt")
    summary = build_index(corpus, tmp_path / "index")
    assert (summary.reports_indexed, [Path(skipped.path).name for skipped in summary.skipped]) == (1, ["linked-junkou-2023.txt"])
    assert "outside the corpus folder" in summary.skipped[0].reason and "--follow-links-outside" in summary.skipped[0].reason
    summary = build_index(corpus, tmp_path / "index", follow_links_outside=True)
    assert (summary.reports_indexed, summary.skipped) == (1, ())
    with open_search_index(tmp_path / "index") as index:
        assert {passage.report_id for passage in export_passages(index)} == {"wawu-2024", "linked-junkou-2023"}


def test_build_keeps_each_indexed_report_version_in_the_store(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"wawu-2024.txt": SMALL_CORPUS["wawu-2024.txt"]})
    build_index(corpus, tmp_path / "index")
    (corpus / "wawu-2024.txt").write_text(SMALL_CORPUS["wawu-2024.txt"] + "二、存在问题\n人手不足。\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_search_index(tmp_path / "index") as index:
        report = load_report(tmp_path / "index" / STORE_FOLDER, "wawu-2024", index.table.content_hashes[0])
        assert report is not None and report.passages[-1].text.endswith("人手不足。")
    # The previous generation's version stays for searches that still use it; a third build drops it.
    # Each version is the report and its metadata alone (for serving one passage).
    store = tmp_path / "index" / STORE_FOLDER
    assert (len(list(store.glob("*.json.z"))), len(list(store.glob("*.meta.json"))), len(list(store.iterdir()))) == (2, 2, 4)
    build_index(corpus, tmp_path / "index", rebuild=True)
    assert (len(list(store.glob("*.json.z"))), len(list(store.glob("*.meta.json"))), len(list(store.iterdir()))) == (1, 1, 2)


def test_opening_a_folder_without_an_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexUnavailable, match="build it with the index command"):
        open_search_index(tmp_path / "nothing")


def test_an_empty_corpus_gives_an_empty_searchable_index(tmp_path):
    (tmp_path / "corpus").mkdir()
    summary = build_index(tmp_path / "corpus", tmp_path / "index")
    with open_search_index(tmp_path / "index") as index:
        result = search(index, "枫桥经验")
    assert (summary.passages_total, result.total, result.facets["township"]) == (0, 0, ())


def test_copying_an_index_folder_keeps_it_searchable(tmp_path, small_index):
    shutil.copytree(small_index.directory, tmp_path / "copy")
    with open_search_index(tmp_path / "copy") as copy:
        assert ids(copy, "枫桥经验") == ids(small_index, "枫桥经验")


@pytest.mark.parametrize("query, kept", [("依法行政 -民法典", "依法行政"), ("矛盾纠纷 -鑫鑫鑫", "矛盾纠纷"), ("-鑫鑫鑫", "")])
def test_an_excluded_phrase_no_matching_passage_holds_excludes_nothing(corpus_index, query, kept):
    # Once a 500: the excluded phrase's rows among the matches were none, and the membership test read an empty array.
    result = search(corpus_index, query)
    assert result.total == search(corpus_index, kept).total > 0

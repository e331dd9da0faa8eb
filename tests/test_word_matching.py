"""Matching across word boundaries: 法治 still finds 依法治理 (依法|治理), but ranks below 法治 as a word, is marked,
and `match=words` / `--words` leaves it out, with totals, facets, export and concordance agreeing."""
from __future__ import annotations

import pytest

from indexer.cli import main
from indexer.index.analysis import (
    boundary_bits,
    count_rank_words,
    count_words_and_boundaries,
    inner_boundaries,
)
from indexer.index.build import build_index
from indexer.parse.normalize import fold_for_matching
from indexer.research import concordance, coverage, trends
from indexer.search import export_passages, holds_whole_words, open_search_index, search
from webui import create_app
from webui.settings import Settings

REPORTS = {
    "a-2023.txt": """甲镇人民政府关于2023年度法治政府建设情况的报告

2023年，甲镇全面推进依法行政。
一、主要举措和成效
（一）推进法治建设
我镇坚持把法治建设摆在全局工作的重要位置，认真组织学习，扎实推进各项工作落实，取得了一定成效，群众满意度不断提高。
（二）基层治理
推动基层依法治理，依法治理，依法治理。
二、存在的不足
法治宣传形式单一。
""",
    "b-2024.txt": """乙镇人民政府关于2024年度法治政府建设情况的报告

2024年，乙镇持续开展普法工作。
一、主要举措和成效
（一）基层治理
坚持依法治理，化解矛盾纠纷。
""",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("words")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in REPORTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, folder / "index", workers=1)
    return folder / "index"


@pytest.fixture(scope="module")
def index(index_dir):
    with open_search_index(index_dir) as opened:
        yield opened


@pytest.mark.parametrize(
    "word, split",
    [
        ("依法治理", "依法|治理"),  # 法治 cuts through it
        ("法治宣传", "法治|宣传"),  # 法治 is a word of it
        ("中华人民共和国行政处罚法", "中华|人民|共和|国|行政|处罚|法"),  # 处罚法 and 行政处罚法 are runs of words
        ("abcdef", "abcdef"),  # Latin words and numbers stay whole
    ],
)
def test_long_words_split_into_their_own_shorter_words(word, split):
    offsets = inner_boundaries(word)
    assert "|".join(word[start:end] for start, end in zip((0, *offsets), (*offsets, len(word)))) == split


def test_boundaries_come_from_the_same_cut_as_the_ranking_words():
    folded = fold_for_matching("推动基层依法治理，法治宣传形式单一。")
    counts, boundaries = count_words_and_boundaries(folded)
    assert counts == count_rank_words(folded)
    assert (boundaries[0], boundaries[-1]) == (0, len(folded)) and boundaries == sorted(boundaries)
    bits = boundary_bits(boundaries, len(folded))
    assert not holds_whole_words(folded[:8], bits, "法治")  # 推动|基层|依法|治理
    assert holds_whole_words(folded, bits, "法治")  # …|法治|宣传|…
    assert holds_whole_words(folded, bits, "依法治理") and holds_whole_words(folded, bits, "法治宣传")


def test_whole_word_matches_rank_first_and_the_others_are_marked(index):
    result = search(index, "法治", per_page=50)
    marks = [hit.across_words for hit in result.hits]
    assert True in marks and False in marks
    assert marks == sorted(marks)  # every whole-word hit before any hit cutting through words
    crossing = [hit for hit in result.hits if hit.across_words]
    assert all("依法<mark>治</mark>" not in hit.snippet and "依<mark>法治</mark>理" in hit.snippet for hit in crossing)
    # Ranked by BM25 alone, the dense 依法治理 passage would beat the long one holding 法治 once.
    assert max(crossing, key=lambda hit: hit.score).score > min(hit.score for hit in result.hits if not hit.across_words)


def test_match_words_keeps_exactly_the_unmarked_hits_and_counts_agree(index):
    everything = search(index, "法治", per_page=50)
    words = search(index, "法治", per_page=50, match_words=True)
    assert {hit.passage_id for hit in words.hits} == {hit.passage_id for hit in everything.hits if not hit.across_words}
    assert words.total == len(words.hits) < everything.total and not any(hit.across_words for hit in words.hits)
    assert sum(value.count for value in words.facets["year"]) == words.total
    assert words.total_reports == len({hit.report_id for hit in words.hits})
    exported = list(export_passages(index, "法治", match_words=True))
    assert [passage.passage_id for passage in exported] == [hit.passage_id for hit in words.hits]
    # 乙镇 speaks of 法治 only inside 依法治理 and its title: whole words in the heading path count too.
    assert {hit.township for hit in words.hits} <= {"甲镇", "乙镇"}


def test_concordance_trends_and_coverage_follow_the_switch(index):
    every = concordance(index, "法治", per_page=100)
    words = concordance(index, "法治", per_page=100, match_words=True)
    assert any(line.left.endswith("依") for line in every.lines)
    assert not any(line.left.endswith("依") and line.right.startswith("理") for line in words.lines)
    assert words.total == len(words.lines) < every.total
    for sort in ("left", "right"):
        assert concordance(index, "法治", sort=sort, per_page=100, match_words=True).total == words.total
    assert trends(index, ("法治",), match_words=True).series[0].passages == search(index, "法治", match_words=True).total
    topic = coverage(index, ("法治",), match_words=True).topics[0]
    assert topic.passages == search(index, "法治", match_words=True).total < coverage(index, ("法治",)).topics[0].passages


def test_the_web_app_marks_and_filters_with_match_words(index_dir, index, tmp_path):
    app = create_app(Settings(heavy_worker=0, index_dir=index_dir, corpus_dir=tmp_path))
    client = app.test_client()
    page = client.get("/search?q=法治").get_data(as_text=True)
    assert "跨词匹配" in page and "只要整词匹配" in page
    words_page = client.get("/search?q=法治&match=words").get_data(as_text=True)
    assert "跨词匹配</span>" not in words_page
    body = client.get("/api/search?q=法治&match=words&per_page=50").get_json()
    assert body["match"] == "words" and body["total"] == len(body["hits"]) and not any(hit["across_words"] for hit in body["hits"])
    every = client.get("/api/search?q=法治&per_page=50").get_json()
    assert any(hit["across_words"] for hit in every["hits"]) and every["match"] == "substring"
    response = client.get("/api/search?q=法治&match=letters")
    assert response.status_code == 400 and "match" in response.get_json()["error"]
    kwic = client.get("/api/kwic?q=法治&match=words").get_json()
    assert kwic["total"] == concordance(index, "法治", match_words=True).total
    app.extensions["fazhi_index"].close()


def test_the_cli_takes_words(index_dir, index, capsys):
    assert main(["search", "法治", "--index", str(index_dir), "--per-page", "50"]) == 0
    assert "cuts through words" in capsys.readouterr().out
    assert main(["search", "法治", "--index", str(index_dir), "--per-page", "50", "--words"]) == 0
    assert "cuts through words" not in capsys.readouterr().out
    assert main(["export", "法治", "--index", str(index_dir), "--words"]) == 0
    exported = capsys.readouterr().out.splitlines()
    assert len(exported) == search(index, "法治", match_words=True).total
